//! The disposition outbox as JSON (localStorage, another tab's state and picks), written
//! and read by hand over a `json::Value` (serde's derives for the outbox's types cost the
//! wasm ~20 KB). The format is the one serde's derive writes (the tests compare the two),
//! so outboxes stored by earlier releases read back. Reading follows serde's rules; an
//! entry that cannot be read is left out and the others kept, so one damaged entry never
//! costs the rest.

use crate::gather::Gather;
use super::outbox::{DispositionChoice, DispositionTarget, EntryState, OutboxEntry};
use crate::json::read::{optional, or_default, string, tagged, text, u32_of, variant, Object};
use crate::json::{json, Value};

/// The entries of a stored outbox (`{"entries": [...]}`); `None` when it is not one.
pub fn entries_from_value(v: &Value) -> Option<Vec<OutboxEntry>> {
    let list = v.as_object()?.get("entries")?.as_array()?;
    Some(list.iter().filter_map(entry).gather())
}

/// The outbox as stored: `{"entries": [...]}`.
pub fn entries_to_text(entries: &[OutboxEntry]) -> String {
    let list: Vec<Value> = entries.iter().map(entry_to_value).gather();
    json!({"entries": list}).to_string()
}

fn entry_to_value(e: &OutboxEntry) -> Value {
    json!({
        "key": e.key, "target": target_to_value(&e.target), "choice": choice_to_value(&e.choice),
        "created_at_ms": e.created_at_ms, "attempts": e.attempts, "failures": e.failures,
        "state": state_to_value(&e.state), "next_attempt_at_ms": e.next_attempt_at_ms,
        "sent_before": e.sent_before, "resend": e.resend, "label": e.label,
    })
}

/// Where a disposition goes, as JSON.
pub fn target_to_value(t: &DispositionTarget) -> Value {
    match t {
        DispositionTarget::Genesys { call_id, call_uri, call_uuid, disposition_key } => tagged(
            "Genesys",
            json!({"call_id": call_id, "call_uri": call_uri, "call_uuid": call_uuid, "disposition_key": disposition_key}),
        ),
        DispositionTarget::Ozonetel { ucid, did, agent_id } => tagged("Ozonetel", json!({"ucid": ucid, "did": did, "agent_id": agent_id})),
    }
}

/// What the agent picked, as JSON.
pub fn choice_to_value(c: &DispositionChoice) -> Value {
    json!({
        "disposition": c.disposition, "comments": c.comments, "pause_after": c.pause_after,
        "pause_reason": c.pause_reason, "callback_time": c.callback_time,
    })
}

fn state_to_value(s: &EntryState) -> Value {
    match s {
        EntryState::Pending => json!("Pending"),
        EntryState::Queued => json!("Queued"),
        EntryState::Saved => json!("Saved"),
        EntryState::InFlight { since_ms } => tagged("InFlight", json!({"since_ms": since_ms})),
        EntryState::Failed { reason, retryable } => tagged("Failed", json!({"reason": reason, "retryable": retryable})),
    }
}

fn entry(v: &Value) -> Option<OutboxEntry> {
    let o = v.as_object()?;
    Some(OutboxEntry {
        key: text(o, "key")?,
        target: target_from_value(o.get("target")?)?,
        choice: choice_from_value(o.get("choice")?)?,
        created_at_ms: o.get("created_at_ms")?.as_u64()?,
        attempts: u32_of(o.get("attempts")?)?,
        failures: or_default(o, "failures", u32_of)?,
        state: state(o.get("state")?)?,
        next_attempt_at_ms: o.get("next_attempt_at_ms")?.as_u64()?,
        sent_before: or_default(o, "sent_before", Value::as_bool)?,
        resend: or_default(o, "resend", Value::as_bool)?,
        label: or_default(o, "label", string)?,
    })
}

/// Where a disposition goes: `{"Genesys": {...}}` or `{"Ozonetel": {...}}`.
pub fn target_from_value(v: &Value) -> Option<DispositionTarget> {
    let (name, content) = variant(v)?;
    let o: &Object = content?.as_object()?;
    Some(match name {
        "Genesys" => DispositionTarget::Genesys {
            call_id: text(o, "call_id")?,
            call_uri: text(o, "call_uri")?,
            call_uuid: text(o, "call_uuid")?,
            disposition_key: optional(o, "disposition_key", string)?,
        },
        "Ozonetel" => DispositionTarget::Ozonetel { ucid: text(o, "ucid")?, did: text(o, "did")?, agent_id: text(o, "agent_id")? },
        _ => return None,
    })
}

/// What the agent picked.
pub fn choice_from_value(v: &Value) -> Option<DispositionChoice> {
    let o = v.as_object()?;
    Some(DispositionChoice {
        disposition: text(o, "disposition")?,
        comments: or_default(o, "comments", string)?,
        pause_after: or_default(o, "pause_after", Value::as_bool)?,
        pause_reason: optional(o, "pause_reason", string)?,
        callback_time: optional(o, "callback_time", string)?,
    })
}

fn state(v: &Value) -> Option<EntryState> {
    Some(match variant(v)? {
        ("Pending", None) => EntryState::Pending,
        ("Queued", None) => EntryState::Queued,
        ("Saved", None) => EntryState::Saved,
        ("InFlight", Some(c)) => EntryState::InFlight { since_ms: c.as_object()?.get("since_ms")?.as_u64()? },
        ("Failed", Some(c)) => {
            let o = c.as_object()?;
            EntryState::Failed { reason: text(o, "reason")?, retryable: o.get("retryable")?.as_bool()? }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DispositionOutbox;

    fn entry_with(key: &str, target: DispositionTarget, state: EntryState) -> OutboxEntry {
        OutboxEntry {
            key: key.into(),
            target,
            choice: DispositionChoice {
                disposition: "Sale".into(),
                comments: "paid \"in full\"".into(),
                pause_after: true,
                pause_reason: Some("Lunch".into()),
                callback_time: Some("2026-12-01 10:30".into()),
            },
            created_at_ms: 1_764_547_200_000,
            attempts: 2,
            failures: 1,
            state,
            next_attempt_at_ms: 1_764_547_204_000,
            sent_before: true,
            resend: true,
            label: "Ava Patel".into(),
        }
    }

    fn every_kind_of_entry() -> Vec<OutboxEntry> {
        let genesys = |k: Option<&str>| DispositionTarget::Genesys {
            call_id: "c1".into(),
            call_uri: "http://gws/api/v2/me/calls/c1".into(),
            call_uuid: "u1".into(),
            disposition_key: k.map(str::to_owned),
        };
        let ozonetel = DispositionTarget::Ozonetel { ucid: "901".into(), did: "914071327663".into(), agent_id: "agent1".into() };
        vec![
            entry_with("a", genesys(None), EntryState::Pending),
            entry_with("b", genesys(Some("DispositionCode")), EntryState::InFlight { since_ms: 7 }),
            entry_with("c", ozonetel.clone(), EntryState::Queued),
            entry_with("d", ozonetel.clone(), EntryState::Saved),
            entry_with("e", ozonetel, EntryState::Failed { reason: "oz:invalid-disposition".into(), retryable: false }),
        ]
    }

    #[test]
    fn every_entry_reads_back_as_it_was_written() {
        let entries = every_kind_of_entry();
        let v = crate::json::parse(&entries_to_text(&entries)).unwrap_or_default();
        assert_eq!(entries_from_value(&v), Some(entries));
    }

    /// The writer writes what serde's derive (the format of earlier releases) writes.
    #[test]
    fn writes_the_format_serde_wrote() {
        let outbox = DispositionOutbox::from_stored(&entries_to_text(&every_kind_of_entry())).unwrap_or_default();
        let derived = serde_json::to_string(&outbox).unwrap_or_default();
        assert_eq!(crate::json::parse(&outbox.to_json()), crate::json::parse(&derived), "{derived}");
        assert_eq!(outbox.entries().len(), 5);
    }

    /// An outbox as releases before this reader stored it (the format is the outbox's
    /// `Serialize`, unchanged), including the fields later releases added with defaults.
    #[test]
    fn reads_an_outbox_stored_by_earlier_releases() {
        let stored = r#"{"entries":[{"key":"genesys:u1","target":{"Genesys":{"call_id":"c1","call_uri":"http://gws/c1","call_uuid":"u1"}},"choice":{"disposition":"Sale"},"created_at_ms":5,"attempts":1,"state":{"Failed":{"reason":"no-answer","retryable":true}},"next_attempt_at_ms":9},{"key":"ozonetel:901","target":{"Ozonetel":{"ucid":"901","did":"1","agent_id":"a"}},"choice":{"disposition":"Callback","comments":"x","pause_after":false,"pause_reason":null,"callback_time":"2026-12-01 10:30"},"created_at_ms":6,"attempts":0,"failures":0,"state":{"InFlight":{"since_ms":8}},"next_attempt_at_ms":6,"sent_before":false,"resend":false,"label":"Ben"}]}"#;
        let outbox = DispositionOutbox::from_json(stored, 100).unwrap_or_default();
        let e = outbox.entries();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].state, EntryState::Failed { reason: "no-answer".into(), retryable: true });
        assert_eq!((e[0].failures, e[0].sent_before, e[0].label.as_str()), (0, false, ""));
        assert_eq!(e[0].choice, DispositionChoice { disposition: "Sale".into(), ..Default::default() });
        assert_eq!(e[1].choice.callback_time.as_deref(), Some("2026-12-01 10:30"));
        // In flight when the page went: due again, and maybe applied already.
        assert_eq!((e[1].state.clone(), e[1].sent_before, e[1].next_attempt_at_ms), (EntryState::Pending, true, 100));
    }

    #[test]
    fn an_unreadable_entry_is_left_out_and_the_rest_kept() {
        let good = entry_to_value(&every_kind_of_entry()[0]);
        let mut cases = Vec::new();
        for (key, bad) in [
            ("key", Value::Null),
            ("target", crate::json::json!({"Avaya": {}})),
            ("target", crate::json::json!({"Ozonetel": {"ucid": "1"}})),
            ("choice", crate::json::json!({"comments": "no disposition"})),
            ("state", crate::json::json!("Sending")),
            ("state", crate::json::json!({"InFlight": {}})),
            ("attempts", crate::json::json!(-1)),
            ("failures", Value::Null),
            ("label", crate::json::json!(5)),
        ] {
            let mut entry = good.clone();
            entry[key] = bad;
            cases.push(entry);
        }
        cases.push(good);
        let v = crate::json::json!({"entries": cases});
        assert_eq!(entries_from_value(&v).map(|e| e.len()), Some(1));
        assert_eq!(entries_from_value(&crate::json::json!({"entries": {}})), None);
        assert_eq!(entries_from_value(&crate::json::json!([])), None);
    }
}
