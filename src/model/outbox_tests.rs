//! Unit tests of the disposition outbox.

use super::*;

fn genesys() -> DispositionTarget {
    DispositionTarget::Genesys {
        call_id: "01RCC3N118B1V0SL807GK2LAES000006".into(),
        call_uri: "http://127.0.0.1:8080/api/v2/calls/01RCC3N118B1V0SL807GK2LAES000006".into(),
        call_uuid: "01RCC3N118B1V0SL807GK2LAES000006".into(),
        disposition_key: Some("DispositionCode".into()),
    }
}

fn ozonetel() -> DispositionTarget {
    DispositionTarget::Ozonetel {
        ucid: "9012171".into(),
        did: "914071327663".into(),
        agent_id: "agent1".into(),
    }
}

fn pick(d: &str) -> DispositionChoice {
    DispositionChoice {
        disposition: d.into(),
        ..Default::default()
    }
}

#[test]
fn keys_are_per_call_and_vendor() {
    assert_eq!(genesys().key(), "genesys:01RCC3N118B1V0SL807GK2LAES000006");
    assert_eq!(ozonetel().key(), "ozonetel:9012171");
    let no_uuid = DispositionTarget::Genesys {
        call_id: "id1".into(),
        call_uri: String::new(),
        call_uuid: String::new(),
        disposition_key: None,
    };
    assert_eq!(no_uuid.key(), "genesys:id1");
}

#[test]
fn enqueue_then_send_then_saved() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Referred"), 100).unwrap();
    assert_eq!(o.due(100).len(), 1);
    o.mark_sent(&k, 110).unwrap();
    assert!(o.due(200).is_empty(), "in flight is not due");
    o.record_outcome(&k, DispositionOutcome::Saved, 300)
        .unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Saved);
    assert_eq!(
        o.enqueue(genesys(), pick("Other"), 400),
        Err(OutboxError::AlreadySaved)
    );
    assert!(o.due(500).is_empty());
}

#[test]
fn empty_pick_refused() {
    let mut o = DispositionOutbox::new();
    assert_eq!(
        o.enqueue(genesys(), pick("  "), 0),
        Err(OutboxError::EmptyDisposition)
    );
}

#[test]
fn re_pick_before_sending_replaces() {
    let mut o = DispositionOutbox::new();
    o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.enqueue(ozonetel(), pick("Call Back"), 5).unwrap();
    assert_eq!(o.entries().len(), 1);
    assert_eq!(o.entries()[0].choice.disposition, "Call Back");
    assert_eq!(o.entries()[0].created_at_ms, 0);
}

#[test]
fn re_pick_while_in_flight_is_sent_after_the_answer() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    o.enqueue(ozonetel(), pick("Call Back"), 2).unwrap();
    assert!(matches!(
        o.get(&k).unwrap().state,
        EntryState::InFlight { .. }
    ));
    o.record_outcome(&k, DispositionOutcome::Queued, 3).unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Pending);
    assert_eq!(o.due(3).len(), 1);
    o.mark_sent(&k, 4).unwrap();
    o.record_outcome(&k, DispositionOutcome::Queued, 5).unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Queued);
}

#[test]
fn the_same_pick_again_while_in_flight_is_not_sent_twice() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Sale"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    assert_eq!(o.enqueue(genesys(), pick("Sale"), 2).unwrap(), k);
    o.record_outcome(&k, DispositionOutcome::Saved, 3).unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Saved);
    assert!(o.due(3).is_empty());
}

#[test]
fn queued_can_be_re_picked_and_already_disposed_then_counts() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    o.record_outcome(&k, DispositionOutcome::Queued, 2).unwrap();
    o.enqueue(ozonetel(), pick("Call Back"), 3).unwrap();
    o.mark_sent(&k, 4).unwrap();
    o.record_outcome(&k, DispositionOutcome::AlreadyDisposed, 5)
        .unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Saved);
}

#[test]
fn already_disposed_on_first_send_is_a_failure() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    o.record_outcome(&k, DispositionOutcome::AlreadyDisposed, 2)
        .unwrap();
    assert!(matches!(
        o.get(&k).unwrap().state,
        EntryState::Failed {
            retryable: false,
            ..
        }
    ));
    assert!(o.due(10_000_000).is_empty());
}

#[test]
fn retryable_backs_off_with_cap() {
    assert_eq!(backoff_ms(1), 2_000);
    assert_eq!(backoff_ms(2), 4_000);
    assert_eq!(backoff_ms(3), 8_000);
    assert_eq!(backoff_ms(30), BACKOFF_CAP_MS);
    assert_eq!(backoff_ms(u32::MAX), BACKOFF_CAP_MS);

    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Referred"), 0).unwrap();
    let mut now = 0;
    let mut waits = vec![];
    for _ in 0..10 {
        assert_eq!(o.due(now).len(), 1);
        o.mark_sent(&k, now).unwrap();
        o.record_outcome(&k, DispositionOutcome::Retryable("HTTP 503".into()), now)
            .unwrap();
        let next = o.get(&k).unwrap().next_attempt_at_ms;
        assert!(o.due(next - 1).is_empty());
        assert_eq!(o.next_due_at(), Some(next));
        waits.push(next - now);
        now = next;
    }
    assert_eq!(&waits[..4], &[2_000, 4_000, 8_000, 16_000]);
    assert_eq!(*waits.last().unwrap(), BACKOFF_CAP_MS);
    assert_eq!(o.get(&k).unwrap().attempts, 10);
    o.mark_sent(&k, now).unwrap();
    o.record_outcome(&k, DispositionOutcome::Saved, now)
        .unwrap();
    assert_eq!(o.get(&k).unwrap().failures, 0);
}

#[test]
fn rejected_waits_for_the_agent() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Bogus"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    o.record_outcome(
        &k,
        DispositionOutcome::Rejected("Invalid Disposition".into()),
        2,
    )
    .unwrap();
    assert!(o.due(u64::MAX).is_empty());
    // Re-pick makes it due again.
    o.enqueue(ozonetel(), pick("Interested"), 3).unwrap();
    assert_eq!(o.due(3).len(), 1);
    // Or the agent discards it.
    o.discard(&k).unwrap();
    assert!(o.entries().is_empty());
    assert_eq!(o.discard(&k), Err(OutboxError::UnknownEntry));
}

#[test]
fn auth_expired_is_due_at_once_then_backs_off() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.mark_sent(&k, 10).unwrap();
    o.record_outcome(&k, DispositionOutcome::AuthExpired, 20)
        .unwrap();
    assert_eq!(o.due(20).len(), 1);
    o.mark_sent(&k, 30).unwrap();
    o.record_outcome(&k, DispositionOutcome::AuthExpired, 40)
        .unwrap();
    assert!(o.due(40).is_empty());
    assert_eq!(o.due(40 + BACKOFF_BASE_MS).len(), 1);
}

#[test]
fn lost_send_times_out_into_retry() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Referred"), 0).unwrap();
    o.mark_sent(&k, 0).unwrap();
    assert_eq!(o.next_due_at(), Some(IN_FLIGHT_TIMEOUT_MS));
    o.tick(IN_FLIGHT_TIMEOUT_MS - 1);
    assert!(matches!(
        o.get(&k).unwrap().state,
        EntryState::InFlight { .. }
    ));
    o.tick(IN_FLIGHT_TIMEOUT_MS);
    assert!(matches!(
        o.get(&k).unwrap().state,
        EntryState::Failed {
            retryable: true,
            ..
        }
    ));
    let at = IN_FLIGHT_TIMEOUT_MS + BACKOFF_BASE_MS;
    assert_eq!(o.due(at).len(), 1);
    // The retry answers "already disposed": the first send did land.
    o.mark_sent(&k, at).unwrap();
    o.record_outcome(&k, DispositionOutcome::AlreadyDisposed, at)
        .unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Saved);
}

#[test]
fn saved_entries_age_out() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Referred"), 0).unwrap();
    o.mark_sent(&k, 0).unwrap();
    o.record_outcome(&k, DispositionOutcome::Saved, 100)
        .unwrap();
    o.tick(100 + SAVED_RETENTION_MS - 1);
    assert_eq!(o.entries().len(), 1);
    o.tick(100 + SAVED_RETENTION_MS);
    assert!(o.entries().is_empty());
}

#[test]
fn round_trip_and_in_flight_resent_after_reload() {
    let mut o = DispositionOutbox::new();
    let a = o.enqueue(genesys(), pick("Referred"), 0).unwrap();
    let b = o
        .enqueue(
            ozonetel(),
            DispositionChoice {
                disposition: "Call Back".into(),
                comments: "ring at 5".into(),
                pause_after: true,
                pause_reason: Some("Break".into()),
                callback_time: Some("2025-01-31 17:00".into()),
            },
            1,
        )
        .unwrap();
    o.mark_sent(&b, 2).unwrap();
    let json = o.to_json();
    assert!(!json.to_lowercase().contains("token"));
    assert!(!json.to_lowercase().contains("apikey"));
    let same = DispositionOutbox::from_stored(&json).unwrap();
    assert_eq!(same, o);

    let loaded = DispositionOutbox::from_json(&json, 1_000).unwrap();
    let eb = loaded.get(&b).unwrap();
    assert_eq!(eb.state, EntryState::Pending);
    assert!(eb.sent_before);
    assert_eq!(eb.choice.pause_reason.as_deref(), Some("Break"));
    let due: Vec<&str> = loaded.due(1_000).iter().map(|e| e.key.as_str()).collect();
    assert_eq!(due, [a.as_str(), b.as_str()]);

    // The resend after reload is deduped by the vendor's "already disposed".
    let mut loaded = loaded;
    loaded.mark_sent(&b, 1_001).unwrap();
    loaded
        .record_outcome(&b, DispositionOutcome::AlreadyDisposed, 1_002)
        .unwrap();
    assert_eq!(loaded.get(&b).unwrap().state, EntryState::Saved);
}

#[test]
fn bad_storage_is_an_error_not_a_panic() {
    assert!(DispositionOutbox::from_json("{not json", 0).is_err());
    assert!(DispositionOutbox::from_json("{\"entries\":[]}", 0)
        .unwrap()
        .entries()
        .is_empty());
}

#[test]
fn unknown_keys_are_errors() {
    let mut o = DispositionOutbox::new();
    assert_eq!(o.mark_sent("nope", 0), Err(OutboxError::UnknownEntry));
    assert_eq!(
        o.record_outcome("nope", DispositionOutcome::Saved, 0),
        Err(OutboxError::UnknownEntry)
    );
}

#[test]
fn a_token_refusal_does_not_count_as_sent_before() {
    // Wrap-up ran out while the token was being renewed: the vendor's "already disposed"
    // is about someone else's (or the system's) disposition, not ours.
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    o.record_outcome(&k, DispositionOutcome::AuthExpired, 2).unwrap();
    o.mark_sent(&k, 3).unwrap();
    o.record_outcome(&k, DispositionOutcome::AlreadyDisposed, 4).unwrap();
    assert_eq!(
        o.get(&k).unwrap().state,
        EntryState::Failed { reason: REASON_DISPOSED_ELSEWHERE.into(), retryable: false }
    );
    // A transient answer leaves it open, so then "already disposed" is ours.
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    o.mark_sent(&k, 1).unwrap();
    o.record_outcome(&k, DispositionOutcome::Retryable("net".into()), 2).unwrap();
    o.mark_sent(&k, 3).unwrap();
    o.record_outcome(&k, DispositionOutcome::AlreadyDisposed, 4).unwrap();
    assert_eq!(o.get(&k).unwrap().state, EntryState::Saved);
}

#[test]
fn queued_becomes_saved_when_the_call_ends() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    assert!(!o.call_ended(&k, 1), "nothing queued yet");
    o.mark_sent(&k, 1).unwrap();
    o.record_outcome(&k, DispositionOutcome::Queued, 2).unwrap();
    assert!(o.get(&k).unwrap().is_done());
    assert!(o.call_ended(&k, 3));
    assert_eq!(o.get(&k).unwrap().state, EntryState::Saved);
    assert!(!o.call_ended(&k, 4));
    assert!(!o.call_ended("nope", 4));
}

#[test]
fn retry_now_skips_the_backoff() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Referred"), 0).unwrap();
    o.mark_sent(&k, 0).unwrap();
    o.record_outcome(&k, DispositionOutcome::Rejected("gws:10".into()), 1).unwrap();
    assert!(o.due(1_000_000).is_empty());
    o.retry_now(&k, 5).unwrap();
    assert_eq!(o.due(5).len(), 1);
    o.mark_sent(&k, 5).unwrap();
    o.record_outcome(&k, DispositionOutcome::Saved, 6).unwrap();
    assert_eq!(o.retry_now(&k, 7), Err(OutboxError::AlreadySaved));
    assert_eq!(o.retry_now("nope", 7), Err(OutboxError::UnknownEntry));
}

#[test]
fn storage_merge_keeps_other_tabs_entries() {
    let mut mine = DispositionOutbox::new();
    let a = mine.enqueue(genesys(), pick("Referred"), 0).unwrap();
    mine.set_label(&a, "555-1212");
    let mut theirs = DispositionOutbox::new();
    theirs.enqueue(genesys(), pick("Other"), 0).unwrap();
    let b = theirs.enqueue(ozonetel(), pick("Interested"), 0).unwrap();
    let merged = mine.merged_with(&theirs, &[]);
    assert_eq!(merged.entries().len(), 2);
    assert_eq!(merged.get(&a).unwrap().choice.disposition, "Referred", "our copy wins");
    assert_eq!(merged.get(&a).unwrap().label, "555-1212");
    assert!(merged.get(&b).is_some());
    assert_eq!(mine.merged_with(&theirs, std::slice::from_ref(&b)).entries().len(), 1, "forgotten stays gone");
}

#[test]
fn aged_out_keys_are_reported() {
    let mut o = DispositionOutbox::new();
    let k = o.enqueue(genesys(), pick("Referred"), 0).unwrap();
    o.mark_sent(&k, 0).unwrap();
    o.record_outcome(&k, DispositionOutcome::Saved, 0).unwrap();
    assert!(o.tick(1).is_empty());
    assert_eq!(o.tick(SAVED_RETENTION_MS), vec![k]);
}
