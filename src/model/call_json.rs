//! A `Call` as JSON (the wrap-up shelf in localStorage, a tab's announcement of page calls),
//! written and read by hand over a `json::Value`: serde's derives for `Call` and its parts
//! cost the wasm ~35 KB. The format is the one serde's derive writes (the tests compare
//! the two), so shelves stored by earlier releases read back.
//!
//! Each field is read as serde would: a field a call must have (not an `Option`) is
//! required, `null` or a missing `Option` is `None`, and a value of the wrong type makes
//! the call unreadable — it is left out, and the other calls are kept.

use crate::gather::{Gather, GatherAll};
use super::call::{Call, CallKind, CallState, Capabilities, Party, Recording, WrapUp};
use crate::json::read::{optional, or_default, string as owned_str, tagged, text, u32_of, variant};
use crate::json::{json, Value};

/// The calls in a JSON list; nothing from text that is not a list.
pub fn calls_from_text(text: &str) -> Vec<Call> {
    match crate::json::parse(text) {
        Ok(Value::Array(items)) => items.iter().filter_map(call_from_value).gather(),
        _ => Vec::new(),
    }
}

/// One call, or `None` when a field is missing or of the wrong type.
pub fn call_from_value(v: &Value) -> Option<Call> {
    let o = v.as_object()?;
    Some(Call {
        id: text(o, "id")?,
        uuid: text(o, "uuid")?,
        conn_id: text(o, "conn_id")?,
        uri: text(o, "uri")?,
        state: state(o.get("state")?)?,
        kind: kind(o.get("kind")?)?,
        parties: o.get("parties")?.as_array()?.iter().map(party).gather_all()?,
        dnis: text(o, "dnis")?,
        capabilities: capabilities(o.get("capabilities")?)?,
        user_data: o.get("user_data")?.as_object()?.clone(),
        duration_s: optional(o, "duration_s", Value::as_u64)?,
        started_at_ms: optional(o, "started_at_ms", Value::as_u64)?,
        muted: o.get("muted")?.as_bool()?,
        recording: recording(o.get("recording")?)?,
        supervisor_listening: o.get("supervisor_listening")?.as_bool()?,
        wrap_up: optional(o, "wrap_up", wrap_up)?,
        consult_of: optional(o, "consult_of", owned_str)?,
        parent_uri: or_default(o, "parent_uri", owned_str)?,
        disposition: optional(o, "disposition", owned_str)?,
        answered: o.get("answered")?.as_bool()?,
        updated_at_ms: o.get("updated_at_ms")?.as_u64()?,
    })
}

/// The calls as a JSON list.
pub fn calls_to_text(calls: &[Call]) -> String {
    Value::Array(calls.iter().map(call_to_value).gather()).to_string()
}

/// One call as JSON.
pub fn call_to_value(c: &Call) -> Value {
    let mut v = json!({
        "id": c.id, "uuid": c.uuid, "conn_id": c.conn_id, "uri": c.uri,
        "state": named(c.state.as_str(), matches!(c.state, CallState::Other(_))),
        "kind": named(c.kind.as_str(), matches!(c.kind, CallKind::Other(_))),
        "parties": Value::Array(c.parties.iter().map(|p| json!({"number": p.number, "display": p.display})).gather()),
        "dnis": c.dnis,
        "capabilities": capabilities_value(&c.capabilities),
        "user_data": Value::Object(c.user_data.clone()),
        "duration_s": c.duration_s, "started_at_ms": c.started_at_ms, "muted": c.muted,
        "recording": match c.recording {
            Recording::Stopped => "Stopped",
            Recording::Recording => "Recording",
            Recording::Paused => "Paused",
        },
        "supervisor_listening": c.supervisor_listening,
        "wrap_up": c.wrap_up.as_ref().map(|w| json!({"released_at_ms": w.released_at_ms, "deadline_ms": w.deadline_ms})),
        "consult_of": c.consult_of, "disposition": c.disposition, "answered": c.answered,
        "updated_at_ms": c.updated_at_ms,
    });
    if !c.parent_uri.is_empty() {
        v["parent_uri"] = json!(c.parent_uri);
    }
    v
}

/// An enum with an `Other(text)` variant, as serde writes it: `"Name"` or `{"Other": text}`.
fn named(name: &str, other: bool) -> Value {
    if other {
        tagged("Other", json!(name))
    } else {
        json!(name)
    }
}

fn capabilities_value(c: &Capabilities) -> Value {
    let (known, other) = c.parts();
    let mut v = json!({"known": known});
    if !other.is_empty() {
        v["other"] = json!(other);
    }
    v
}

fn state(v: &Value) -> Option<CallState> {
    Some(match variant(v)? {
        ("Dialing", None) => CallState::Dialing,
        ("Ringing", None) => CallState::Ringing,
        ("Established", None) => CallState::Established,
        ("Held", None) => CallState::Held,
        ("Released", None) => CallState::Released,
        ("Other", Some(name)) => CallState::Other(owned_str(name)?),
        _ => return None,
    })
}

fn kind(v: &Value) -> Option<CallKind> {
    Some(match variant(v)? {
        ("Internal", None) => CallKind::Internal,
        ("Inbound", None) => CallKind::Inbound,
        ("Outbound", None) => CallKind::Outbound,
        ("Consult", None) => CallKind::Consult,
        ("Other", Some(name)) => CallKind::Other(owned_str(name)?),
        _ => return None,
    })
}

fn recording(v: &Value) -> Option<Recording> {
    Some(match v.as_str()? {
        "Stopped" => Recording::Stopped,
        "Recording" => Recording::Recording,
        "Paused" => Recording::Paused,
        _ => return None,
    })
}

fn party(v: &Value) -> Option<Party> {
    let o = v.as_object()?;
    Some(Party { number: text(o, "number")?, display: text(o, "display")? })
}

fn capabilities(v: &Value) -> Option<Capabilities> {
    let o = v.as_object()?;
    let known = u32_of(o.get("known")?)?;
    let other = or_default(o, "other", |list| list.as_array()?.iter().map(owned_str).gather_all())?;
    Some(Capabilities::from_parts(known, other))
}

fn wrap_up(v: &Value) -> Option<WrapUp> {
    let o = v.as_object()?;
    Some(WrapUp { released_at_ms: o.get("released_at_ms")?.as_u64()?, deadline_ms: optional(o, "deadline_ms", Value::as_u64)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Capability;

    fn every_kind_of_call() -> Vec<Call> {
        let mut rich = Call {
            id: "c1".into(),
            uuid: "u1".into(),
            conn_id: "006a02".into(),
            uri: "http://gws/api/v2/me/calls/c1".into(),
            state: CallState::Released,
            kind: CallKind::Consult,
            parties: vec![Party::new("5001", "Ava \"A\" Patel"), Party::new("", "")],
            dnis: "8001".into(),
            capabilities: Capabilities::from_names(["Answer", "Hold", "FancyNewOp"]),
            duration_s: Some(62),
            started_at_ms: Some(1_700_000_000_000),
            muted: true,
            recording: Recording::Paused,
            supervisor_listening: true,
            wrap_up: Some(WrapUp { released_at_ms: 1_700_000_062_000, deadline_ms: Some(1_700_000_092_000) }),
            consult_of: Some("c0".into()),
            parent_uri: "http://gws/api/v2/me/calls/c0".into(),
            disposition: Some("Sale".into()),
            answered: true,
            updated_at_ms: 1_700_000_062_001,
            ..Default::default()
        };
        rich.user_data.insert("Account".into(), crate::json::json!({"n": 1, "tags": ["a"]}));
        let mut calls = vec![rich, Call::default()];
        for (state, kind) in [
            (CallState::Dialing, CallKind::Outbound),
            (CallState::Ringing, CallKind::Inbound),
            (CallState::Established, CallKind::Internal),
            (CallState::Held, CallKind::Other("Monitoring".into())),
            (CallState::Other("Parked".into()), CallKind::Inbound),
        ] {
            calls.push(Call {
                id: format!("{state:?}"),
                state,
                kind,
                recording: Recording::Recording,
                wrap_up: Some(WrapUp { released_at_ms: 5, deadline_ms: None }),
                ..Default::default()
            });
        }
        calls
    }

    #[test]
    fn every_call_reads_back_as_it_was_written() {
        let calls = every_kind_of_call();
        let text = calls_to_text(&calls);
        assert_eq!(calls_from_text(&text), calls, "{text}");
        assert!(calls[0].can(Capability::parse("FancyNewOp")));
    }

    /// The writer writes what serde's derive (the format of earlier releases) writes.
    #[test]
    fn writes_the_format_serde_wrote() {
        for call in every_kind_of_call() {
            let derived = serde_json::to_string(&call).unwrap_or_default();
            assert_eq!(Ok(call_to_value(&call)), crate::json::parse(&derived), "{derived}");
        }
    }

    /// A shelf as releases before this reader wrote it (the format is `Call`'s
    /// `Serialize`, unchanged): what agents have in their browsers comes back.
    #[test]
    fn reads_a_shelf_written_by_earlier_releases() {
        let stored = r#"[{"id":"000001","uuid":"u-1","conn_id":"","uri":"http://127.0.0.1:8765/api/v2/me/calls/000001","state":"Released","kind":"Inbound","parties":[{"number":"5551234","display":"+1 555 1234"}],"dnis":"8001","capabilities":{"known":0},"user_data":{},"duration_s":41,"started_at_ms":1764547200000,"muted":false,"recording":"Stopped","supervisor_listening":false,"wrap_up":{"released_at_ms":1764547241000,"deadline_ms":1764547301000},"consult_of":null,"disposition":null,"answered":true,"updated_at_ms":0},{"id":"000002","uuid":"","conn_id":"","uri":"","state":{"Other":"Parked"},"kind":{"Other":""},"parties":[],"dnis":"","capabilities":{"known":3,"other":["X"]},"user_data":{},"duration_s":null,"started_at_ms":null,"muted":false,"recording":"Stopped","supervisor_listening":false,"wrap_up":null,"consult_of":"000001","parent_uri":"u","disposition":"Sale","answered":false,"updated_at_ms":0}]"#;
        let calls = calls_from_text(stored);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].id, "000001");
        assert_eq!(calls[0].state, CallState::Released);
        assert_eq!(calls[0].parties[0].label(), "+1 555 1234");
        assert_eq!(calls[0].wrap_up, Some(WrapUp { released_at_ms: 1_764_547_241_000, deadline_ms: Some(1_764_547_301_000) }));
        assert_eq!((calls[0].duration_s, calls[0].answered, calls[0].consult_of.clone()), (Some(41), true, None));
        assert_eq!(calls[1].state, CallState::Other("Parked".into()));
        assert_eq!(calls[1].capabilities.len(), 3);
        assert_eq!((calls[1].consult_of.as_deref(), calls[1].parent_uri.as_str(), calls[1].disposition.as_deref()), (Some("000001"), "u", Some("Sale")));
        // Re-written, it is the same text.
        assert_eq!(crate::json::parse(&calls_to_text(&calls)), crate::json::parse(stored));
    }

    #[test]
    fn a_call_with_a_missing_or_wrong_field_is_left_out_and_the_rest_kept() {
        let good = call_to_value(&Call { id: "ok".into(), ..Default::default() });
        let mut cases = Vec::new();
        for (key, bad) in [
            ("id", Value::Null),
            ("state", crate::json::json!("Sideways")),
            ("state", crate::json::json!({"Other": 5})),
            ("kind", crate::json::json!({"Inbound": "x"})),
            ("parties", crate::json::json!([{"number": "1"}])),
            ("capabilities", crate::json::json!({"known": -1})),
            ("duration_s", crate::json::json!("12")),
            ("wrap_up", crate::json::json!({"deadline_ms": 1})),
            ("recording", crate::json::json!("Loud")),
            ("muted", crate::json::json!(1)),
            ("user_data", crate::json::json!([])),
        ] {
            let mut call = good.clone();
            call[key] = bad;
            cases.push(call);
        }
        let mut missing = good.clone();
        if let Some(o) = missing.as_object_mut() {
            o.remove("updated_at_ms");
        }
        cases.push(missing);
        cases.push(good);
        let read = calls_from_text(&Value::Array(cases).to_string());
        assert_eq!(read.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["ok"]);
        assert!(calls_from_text("{not json").is_empty());
        assert!(calls_from_text(r#"{"id":"x"}"#).is_empty());
    }
}
