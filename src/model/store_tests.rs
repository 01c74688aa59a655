//! Unit tests of the call store reducer.

use super::*;
use crate::model::agent::AgentState;
use crate::model::call::{Capabilities, Party};

fn call(id: &str, state: CallState) -> Call {
    Call {
        id: id.into(),
        uuid: format!("uuid-{id}"),
        conn_id: format!("conn-{id}"),
        uri: format!("http://gws/api/v2/me/calls/{id}"),
        state,
        kind: CallKind::Inbound,
        parties: vec![Party::new("5001", "5001")],
        capabilities: Capabilities::from_names(["Hangup"]),
        duration_s: Some(0),
        ..Default::default()
    }
}

fn upd(c: Call, at: u64) -> StoreAction {
    StoreAction::CallUpdated(CallUpdate {
        call: c,
        kind: NotificationKind::StatusChange,
        wrap_up_secs: None,
        at_ms: at,
    })
}

fn upd_wrap(c: Call, secs: u64, at: u64) -> StoreAction {
    StoreAction::CallUpdated(CallUpdate {
        call: c,
        kind: NotificationKind::StatusChange,
        wrap_up_secs: Some(secs),
        at_ms: at,
    })
}

#[test]
fn a_ringing_call_becomes_active_and_answered() {
    let mut s = CallStore::new();
    assert!(s.reduce(upd(call("a", CallState::Ringing), 1_000)));
    assert_eq!(s.active_id(), Some("a"));
    s.reduce(upd(call("a", CallState::Established), 2_000));
    let c = s.call("a").unwrap();
    assert_eq!(c.state, CallState::Established);
    assert!(c.answered);
    assert_eq!(
        c.started_at_ms,
        Some(1_000),
        "start time is kept from the first sighting"
    );
}

#[test]
fn start_time_counts_back_the_reported_duration() {
    let mut s = CallStore::new();
    let mut c = call("a", CallState::Established);
    c.duration_s = Some(7);
    s.reduce(upd(c, 10_000));
    assert_eq!(s.call("a").unwrap().started_at_ms, Some(3_000));
}

#[test]
fn duplicate_notification_changes_nothing() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    assert!(!s.reduce(upd(call("a", CallState::Established), 1_000)));
}

#[test]
fn an_older_stage_does_not_rewind_the_call() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    assert!(!s.reduce(upd(call("a", CallState::Dialing), 1_100)));
    assert_eq!(s.call("a").unwrap().state, CallState::Established);
    // Held and Established swap freely.
    s.reduce(upd(call("a", CallState::Held), 1_200));
    assert_eq!(s.call("a").unwrap().state, CallState::Held);
    s.reduce(upd(call("a", CallState::Established), 1_300));
    assert_eq!(s.call("a").unwrap().state, CallState::Established);
    // Unknown states are never stale.
    s.reduce(upd(call("a", CallState::Other("Alerting".into())), 1_400));
    assert_eq!(
        s.call("a").unwrap().state,
        CallState::Other("Alerting".into())
    );
}

#[test]
fn released_is_final_and_becomes_wrap_up_with_deadline() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd_wrap(call("a", CallState::Released), 30, 5_000));
    let c = s.call("a").unwrap();
    assert!(c.in_wrap_up());
    assert_eq!(
        c.wrap_up,
        Some(WrapUp {
            released_at_ms: 5_000,
            deadline_ms: Some(35_000)
        })
    );
    // A late Established does not resurrect it.
    assert!(!s.reduce(upd(call("a", CallState::Established), 6_000)));
    assert_eq!(s.call("a").unwrap().state, CallState::Released);
    // A duplicate Released doesn't move the deadline.
    assert!(!s.reduce(upd_wrap(call("a", CallState::Released), 30, 7_000)));
}

#[test]
fn zero_wrap_up_time_means_no_deadline() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd_wrap(call("a", CallState::Released), 0, 2_000));
    assert_eq!(
        s.call("a").unwrap().wrap_up.as_ref().unwrap().deadline_ms,
        None
    );
}

#[test]
fn dismissed_wrap_up_is_not_recreated_by_a_late_duplicate() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd(call("a", CallState::Released), 2_000));
    assert!(s.reduce(StoreAction::Dismiss("a".into())));
    assert!(s.calls().is_empty());
    assert!(!s.reduce(upd(call("a", CallState::Released), 3_000)));
    assert!(!s.reduce(upd(call("a", CallState::Established), 3_000)));
    let snap = StoreAction::Snapshot {
        calls: vec![call("a", CallState::Established)],
        at_ms: 4_000,
    };
    assert!(!s.reduce(snap));
    assert!(s.calls().is_empty());
}

#[test]
fn dismiss_does_not_remove_a_live_call() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    assert!(!s.reduce(StoreAction::Dismiss("a".into())));
    assert_eq!(s.calls().len(), 1);
}

#[test]
fn disposition_on_wrap_up_closes_the_card() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd(call("a", CallState::Released), 2_000));
    s.reduce(StoreAction::DispositionRecorded {
        call_id: "a".into(),
        disposition: "Sale".into(),
    });
    assert!(s.calls().is_empty());
}

#[test]
fn disposition_during_the_call_means_no_card_at_release() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(StoreAction::DispositionRecorded {
        call_id: "a".into(),
        disposition: "Sale".into(),
    });
    assert_eq!(s.call("a").unwrap().disposition.as_deref(), Some("Sale"));
    s.reduce(upd(call("a", CallState::Released), 2_000));
    assert!(s.calls().is_empty());
}

#[test]
fn missed_inbound_call_leaves_no_card_but_unanswered_outbound_does() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Ringing), 1_000));
    s.reduce(upd(call("a", CallState::Released), 2_000));
    assert!(s.calls().is_empty());

    let mut o = call("b", CallState::Dialing);
    o.kind = CallKind::Outbound;
    s.reduce(upd(o.clone(), 3_000));
    o.state = CallState::Released;
    s.reduce(upd(o, 4_000));
    assert!(s.call("b").unwrap().in_wrap_up());
}

#[test]
fn id_change_on_transfer_is_matched_by_uuid() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(StoreAction::Select("a".into()));
    let mut moved = call("a", CallState::Established);
    moved.id = "a2".into();
    moved.conn_id = "other".into();
    s.reduce(upd(moved, 2_000));
    assert_eq!(s.calls().len(), 1);
    assert_eq!(s.calls()[0].id, "a2");
    assert_eq!(s.calls()[0].started_at_ms, Some(1_000));
    assert_eq!(s.active_id(), Some("a2"));
}

#[test]
fn id_change_is_matched_by_conn_id() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    let mut moved = call("a", CallState::Held);
    moved.id = "0071027198180020".into();
    moved.uuid = String::new();
    s.reduce(upd(moved, 2_000));
    assert_eq!(s.calls().len(), 1);
    assert_eq!(s.calls()[0].state, CallState::Held);
}

#[test]
fn consult_call_links_to_held_parent_and_leaves_no_card() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    let mut held = call("a", CallState::Held);
    held.capabilities = Capabilities::from_names(["CompleteTransfer", "SwapCalls", "Hangup"]);
    s.reduce(upd(held, 2_000));
    let mut consult = call("b", CallState::Dialing);
    consult.kind = CallKind::Consult;
    s.reduce(upd(consult.clone(), 3_000));
    assert_eq!(s.call("b").unwrap().consult_of.as_deref(), Some("a"));
    assert_eq!(s.active_id(), Some("b"), "the consult call is in front");
    consult.state = CallState::Established;
    s.reduce(upd(consult.clone(), 4_000));
    // Parent id changes: the link follows.
    let mut parent = call("a", CallState::Held);
    parent.id = "a9".into();
    s.reduce(upd(parent, 4_500));
    assert_eq!(s.call("b").unwrap().consult_of.as_deref(), Some("a9"));
    // Transfer completes: both released; only the original leaves a card.
    consult.state = CallState::Released;
    s.reduce(upd(consult, 5_000));
    let mut done = call("a", CallState::Released);
    done.id = "a9".into();
    s.reduce(upd(done, 5_000));
    assert_eq!(s.calls().len(), 1);
    assert_eq!(s.calls()[0].id, "a9");
    assert!(s.calls()[0].in_wrap_up());
}

#[test]
fn a_consult_call_naming_its_parent_links_to_that_call_not_the_likeliest_one() {
    let mut s = CallStore::new();
    // Two held calls; "b" looks likelier (it offers to complete a transfer, and is newer).
    s.reduce(upd(call("a", CallState::Held), 1_000));
    let mut b = call("b", CallState::Held);
    b.capabilities = Capabilities::from_names(["CompleteTransfer"]);
    s.reduce(upd(b, 2_000));
    let mut consult = call("c", CallState::Dialing);
    consult.kind = CallKind::Consult;
    consult.parent_uri = call("a", CallState::Held).uri;
    s.reduce(upd(consult, 3_000));
    assert_eq!(s.call("c").unwrap().consult_of.as_deref(), Some("a"), "parentCallUri names a");
    // Without the URI, the guess stands.
    let mut guessed = call("d", CallState::Dialing);
    guessed.kind = CallKind::Consult;
    s.reduce(upd(guessed, 4_000));
    assert_eq!(s.call("d").unwrap().consult_of.as_deref(), Some("b"));
}

#[test]
fn active_prefers_established_then_recent() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd(call("b", CallState::Ringing), 2_000));
    assert_eq!(s.active_id(), Some("a"), "call waiting doesn't steal focus");
    s.reduce(upd(call("a", CallState::Held), 3_000));
    assert_eq!(s.active_id(), Some("b"));
    s.reduce(StoreAction::Select("a".into()));
    assert_eq!(s.active_id(), Some("a"));
    // Selecting an unknown call changes nothing.
    assert!(!s.reduce(StoreAction::Select("zzz".into())));
    // Once the selected call ends, the automatic rule applies.
    s.reduce(upd(call("a", CallState::Released), 4_000));
    assert_eq!(s.active_id(), Some("b"));
}

#[test]
fn snapshot_replaces_live_calls_and_keeps_wrap_up_cards() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd(call("w", CallState::Established), 1_000));
    s.reduce(upd(call("w", CallState::Released), 2_000));
    s.reduce(upd(call("gone", CallState::Established), 1_000));
    let mut a = call("a", CallState::Held);
    a.user_data.insert("k".into(), crate::json::json!("v"));
    let snap = vec![a, call("new", CallState::Ringing)];
    s.reduce(StoreAction::Snapshot {
        calls: snap,
        at_ms: 9_000,
    });
    let ids: Vec<&str> = s.calls().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "w", "gone", "new"]);
    assert_eq!(s.call("a").unwrap().state, CallState::Held);
    assert_eq!(s.call("a").unwrap().user_data["k"], "v");
    assert_eq!(s.call("a").unwrap().started_at_ms, Some(1_000));
    assert!(s.call("w").unwrap().in_wrap_up());
    let gone = s.call("gone").unwrap();
    assert!(
        gone.in_wrap_up(),
        "a call that ended while offline still wants a disposition"
    );
    assert_eq!(gone.wrap_up.as_ref().unwrap().deadline_ms, None);
}

#[test]
fn snapshot_does_not_revive_a_released_call_or_rewind() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    s.reduce(upd(call("a", CallState::Released), 2_000));
    s.reduce(upd(call("b", CallState::Established), 2_000));
    let snap = vec![
        call("a", CallState::Established),
        call("b", CallState::Ringing),
    ];
    s.reduce(StoreAction::Snapshot {
        calls: snap,
        at_ms: 3_000,
    });
    assert!(s.call("a").unwrap().in_wrap_up());
    assert_eq!(s.call("b").unwrap().state, CallState::Established);
}

#[test]
fn snapshot_with_missed_ringing_call_drops_it() {
    let mut s = CallStore::new();
    s.reduce(upd(call("r", CallState::Ringing), 1_000));
    s.reduce(StoreAction::Snapshot {
        calls: vec![],
        at_ms: 2_000,
    });
    assert!(s.calls().is_empty());
    // …and a late duplicate doesn't bring it back.
    s.reduce(upd(call("r", CallState::Ringing), 2_100));
    assert!(s.calls().is_empty());
}

#[test]
fn unknown_notification_kind_replaces_the_call() {
    let mut s = CallStore::new();
    s.reduce(upd(call("a", CallState::Established), 1_000));
    let mut c = call("a", CallState::Established);
    c.muted = true;
    c.parties.push(Party::new("6000", "6000"));
    s.reduce(StoreAction::CallUpdated(CallUpdate {
        call: c,
        kind: NotificationKind::parse("SomethingNew"),
        wrap_up_secs: None,
        at_ms: 2_000,
    }));
    let got = s.call("a").unwrap();
    assert!(got.muted);
    assert_eq!(got.parties.len(), 2);
}

#[test]
fn agent_and_connection() {
    let mut s = CallStore::new();
    s.reduce(StoreAction::AgentStateChanged(AgentPresence {
        state: AgentState::Ready,
        do_not_disturb: false,
        device_id: "dev".into(),
        dn: "5005".into(),
    }));
    s.reduce(StoreAction::AgentStateChanged(AgentPresence {
        state: AgentState::NotReady {
            reason: Some("Lunch".into()),
        },
        ..Default::default()
    }));
    assert_eq!(s.presence.device_id, "dev");
    assert_eq!(s.presence.dn, "5005");
    assert_eq!(s.presence.state.label(), "Not Ready – Lunch");
    s.reduce(StoreAction::ConnectionChanged(
        ConnectionStatus::Reconnecting {
            attempt: 2,
            next_retry_ms: 4_000,
        },
    ));
    assert_eq!(
        s.connection,
        ConnectionStatus::Reconnecting {
            attempt: 2,
            next_retry_ms: 4_000
        }
    );
    s.reduce(StoreAction::AgentIdentified(AgentIdentity {
        user_name: "agent1".into(),
        ..Default::default()
    }));
    assert_eq!(s.agent.user_name, "agent1");
}

#[test]
fn ended_memory_is_bounded() {
    let mut s = CallStore::new();
    for i in 0..200u64 {
        let id = format!("c{i}");
        s.reduce(upd(call(&id, CallState::Ringing), i));
        s.reduce(upd(call(&id, CallState::Released), i));
    }
    assert!(s.calls().is_empty());
    assert!(s.ended.len() <= ENDED_MEMORY);
}

#[test]
fn notification_kind_parse() {
    assert_eq!(
        NotificationKind::parse("StatusChange"),
        NotificationKind::StatusChange
    );
    assert_eq!(
        NotificationKind::parse("CallRecovered"),
        NotificationKind::CallRecovered
    );
    assert_eq!(
        NotificationKind::parse("X"),
        NotificationKind::Other("X".into())
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod prop {
    use super::*;
    use proptest::prelude::*;

    fn arb_call() -> impl Strategy<Value = Call> {
        let states = prop_oneof![
            Just(CallState::Dialing),
            Just(CallState::Ringing),
            Just(CallState::Established),
            Just(CallState::Held),
            Just(CallState::Released),
            Just(CallState::Other("Alerting".into())),
        ];
        let kinds = prop_oneof![
            Just(CallKind::Inbound),
            Just(CallKind::Outbound),
            Just(CallKind::Consult)
        ];
        // Small pools so repeats and id changes happen: ids 0 and 1 are one call (uuid0)
        // under two ids, likewise 2 and 3 (uuid1). An id never names two calls (as in GWS).
        (0..4u8, states, kinds, 0..500u64).prop_map(|(id, state, kind, dur)| Call {
            id: format!("id{id}"),
            uuid: format!("uuid{}", id / 2),
            state,
            kind,
            duration_s: Some(dur),
            ..Default::default()
        })
    }

    fn arb_action() -> impl Strategy<Value = StoreAction> {
        prop_oneof![
            6 => (arb_call(), 0..100u64, 0..1_000_000u64).prop_map(|(call, w, at)| StoreAction::CallUpdated(CallUpdate {
                call,
                kind: NotificationKind::StatusChange,
                wrap_up_secs: Some(w),
                at_ms: at,
            })),
            1 => (proptest::collection::vec(arb_call(), 0..4), 0..1_000_000u64)
                .prop_map(|(calls, at_ms)| StoreAction::Snapshot { calls, at_ms }),
            1 => (0..4u8).prop_map(|i| StoreAction::Dismiss(format!("id{i}"))),
            1 => (0..4u8).prop_map(|i| StoreAction::Select(format!("id{i}"))),
            1 => (0..4u8).prop_map(|i| StoreAction::DispositionRecorded { call_id: format!("id{i}"), disposition: "X".into() }),
            1 => (proptest::collection::vec(arb_call(), 0..3), proptest::bool::ANY).prop_map(|(calls, cards)| StoreAction::ShelfRestored {
                calls: calls.into_iter().map(|mut c| {
                    if cards {
                        c.state = CallState::Released;
                        c.wrap_up = Some(WrapUp { released_at_ms: 1, deadline_ms: None });
                    }
                    c
                }).collect(),
                at_ms: 2,
            }),
        ]
    }

    proptest! {
        #[test]
        fn invariants_hold_under_any_sequence(actions in proptest::collection::vec(arb_action(), 0..40)) {
            let mut s = CallStore::new();
            let mut ended: Vec<String> = Vec::new();
            for a in actions {
                let before: Vec<String> = s.calls().iter().map(|c| c.uuid.clone()).collect();
                s.reduce(a);
                // A call leaves the store only when it has ended.
                for u in before {
                    if !s.calls().iter().any(|c| c.uuid == u) && !ended.contains(&u) { ended.push(u); }
                }
                let ids: Vec<&str> = s.calls().iter().map(|c| c.id.as_str()).collect();
                for (i, id) in ids.iter().enumerate() {
                    prop_assert!(!ids[i + 1..].contains(id), "duplicate id {id}");
                }
                for c in s.calls() {
                    if c.state.is_released() {
                        prop_assert!(c.wrap_up.is_some(), "released calls stay only as wrap-up cards");
                        if !ended.contains(&c.uuid) { ended.push(c.uuid.clone()); }
                    } else {
                        prop_assert!(!ended.contains(&c.uuid), "{} came back after it ended", c.uuid);
                    }
                }
                let uuids: Vec<&str> = s.calls().iter().map(|c| c.uuid.as_str()).collect();
                for (i, u) in uuids.iter().enumerate() {
                    prop_assert!(!uuids[i + 1..].contains(u), "one call stored twice: {u}");
                }
                prop_assert_eq!(s.active().is_some(), !s.calls().is_empty());
            }
        }
    }
}

#[test]
fn a_wrap_up_card_keeps_who_the_call_was_with() {
    let mut s = CallStore::new();
    let mut c = Call { id: "W1".into(), uuid: "W1".into(), state: CallState::Established, kind: CallKind::Inbound, ..Call::default() };
    c.parties = vec![Party::new("5552222", "555-2222")];
    s.reduce(StoreAction::CallUpdated(CallUpdate { call: c.clone(), kind: NotificationKind::StatusChange, wrap_up_secs: None, at_ms: 1 }));
    c.state = CallState::Released;
    c.parties.clear();
    s.reduce(StoreAction::CallUpdated(CallUpdate { call: c, kind: NotificationKind::StatusChange, wrap_up_secs: None, at_ms: 2 }));
    let card = s.call("W1").unwrap();
    assert!(card.in_wrap_up());
    assert_eq!(card.title(), "555-2222");
}

#[test]
fn restored_wrap_up_cards_come_back_once_and_not_after_they_left() {
    // The panel before the reload: a card for "a" (with its deadline), nothing else.
    let mut before = CallStore::new();
    before.reduce(upd(call("a", CallState::Established), 1_000));
    before.reduce(upd_wrap(call("a", CallState::Released), 60, 2_000));
    let cards: Vec<Call> = before.calls().to_vec();
    assert_eq!(cards.len(), 1);
    let restore = |calls: Vec<Call>| StoreAction::ShelfRestored { calls, at_ms: 9_000 };

    // After the reload: the state read lists a live call "b"; the card comes back as it was.
    let mut s = CallStore::new();
    s.reduce(StoreAction::Snapshot { calls: vec![call("b", CallState::Established)], at_ms: 5_000 });
    assert!(s.reduce(restore(cards.clone())));
    assert_eq!(s.calls().len(), 2);
    let a = s.call("a").expect("the card is back");
    assert!(a.in_wrap_up());
    assert_eq!(a.wrap_up.as_ref().and_then(|w| w.deadline_ms), Some(62_000));
    // The live call stays in front of the card.
    assert_eq!(s.active_id(), Some("b"));
    // Handed back twice: still one card.
    assert!(!s.reduce(restore(cards.clone())));
    // Disposed, then an old copy of the shelf: it does not come back.
    s.reduce(StoreAction::DispositionRecorded { call_id: "a".into(), disposition: "Sale".into() });
    assert!(!s.reduce(restore(cards)));
    assert!(s.call("a").is_none());
}

#[test]
fn a_shelved_live_call_the_read_no_longer_lists_ended_during_the_reload() {
    // Before the reload: "a" answered, "r" ringing (perhaps answered after the page
    // left), "d" answered with a disposition chosen, "b" answered and still up after.
    let mut before = CallStore::new();
    for id in ["a", "d", "b"] {
        before.reduce(upd(call(id, CallState::Established), 1_000));
    }
    before.reduce(upd(call("r", CallState::Ringing), 1_000));
    before.reduce(StoreAction::DispositionRecorded { call_id: "d".into(), disposition: "Sale".into() });
    let shelf = before.calls().to_vec();

    let mut s = CallStore::new();
    s.reduce(StoreAction::Snapshot { calls: vec![call("b", CallState::Established)], at_ms: 5_000 });
    s.reduce(StoreAction::ShelfRestored { calls: shelf.clone(), at_ms: 5_000 });
    let ids: Vec<&str> = s.calls().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["b", "a", "r"], "cards for the calls that ended; none for the disposed one");
    assert!(s.call("r").is_some_and(Call::in_wrap_up));
    let a = s.call("a").expect("a card");
    assert!(a.in_wrap_up());
    assert_eq!(a.wrap_up.as_ref().and_then(|w| w.deadline_ms), None);
    assert!(a.capabilities.is_empty());
    // Nothing ended brings them back later either.
    assert!(!s.reduce(StoreAction::ShelfRestored { calls: shelf, at_ms: 6_000 }));
}

mod agent_reasons_and_device {
    use crate::model::{AgentPresence, AgentState, CallStore, StoreAction};

    fn not_ready(reason: Option<&str>) -> StoreAction {
        StoreAction::AgentStateChanged(AgentPresence {
            state: AgentState::NotReady { reason: reason.map(str::to_string) },
            ..AgentPresence::default()
        })
    }

    #[test]
    fn the_picked_reason_stays_while_the_server_says_not_ready_without_one() {
        let mut s = CallStore::new();
        s.reduce(StoreAction::ReasonPicked(Some("Lunch".into())));
        s.reduce(not_ready(None));
        assert_eq!(s.presence.state, AgentState::NotReady { reason: Some("Lunch".into()) });
        // A second notification without a reason keeps it too.
        s.reduce(not_ready(None));
        assert_eq!(s.presence.state, AgentState::NotReady { reason: Some("Lunch".into()) });
    }

    #[test]
    fn a_reason_the_server_sends_wins_and_other_states_forget_the_pick() {
        let mut s = CallStore::new();
        s.reduce(StoreAction::ReasonPicked(Some("Lunch".into())));
        s.reduce(not_ready(Some("Training")));
        assert_eq!(s.presence.state, AgentState::NotReady { reason: Some("Training".into()) });
        s.reduce(not_ready(None));
        assert_eq!(s.presence.state, AgentState::NotReady { reason: None }, "the server's reason replaced the pick");

        s.reduce(StoreAction::ReasonPicked(Some("Break".into())));
        s.reduce(StoreAction::AgentStateChanged(AgentPresence { state: AgentState::Ready, ..AgentPresence::default() }));
        s.reduce(not_ready(None));
        assert_eq!(s.presence.state, AgentState::NotReady { reason: None }, "Ready in between ends the pick");
    }

    #[test]
    fn a_device_problem_shows_until_the_next_device_state() {
        let mut s = CallStore::new();
        assert!(s.reduce(StoreAction::DeviceProblem));
        assert!(s.device_problem);
        s.reduce(StoreAction::AgentStateChanged(AgentPresence { state: AgentState::Ready, ..AgentPresence::default() }));
        assert!(!s.device_problem);
    }
}
