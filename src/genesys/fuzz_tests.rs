//! Property tests (native only): the GWS readers — notifications, `/me`, `/me/calls`, a
//! call resource, an operation's reply — never panic on any input (any text, any JSON,
//! the seeds' samples mutated byte by byte), and the call store reducer fed any sequence of
//! notifications and state re-reads never panics and keeps its rules: ids stay unique, the
//! active call is one of the calls, Released is final, and a duplicated notification
//! changes nothing.

use std::collections::HashSet;

use proptest::prelude::*;
use crate::json::{json, Map, Value};

use super::mapping::{notification_actions, snapshot_actions};
use super::status::parse_reply;
use super::wire::{
    CallStateChange, CallsResponse, DeviceStateChange, GwsNotification, MeResponse, WireCall,
};
use crate::model::{AgentPresence, AgentState, CallStore, ConnectionStatus, StoreAction};

/// The seeds' samples (and the synthetic ones) the readers are tested on.
const SAMPLES: &[&str] = &[
    include_str!("fixtures/000_attached_data_changed_flat.json"),
    include_str!("fixtures/001_status_change_dialing.json"),
    include_str!("fixtures/001_status_change_dialing_user_data.json"),
    include_str!("fixtures/002_call_resource.json"),
    include_str!("fixtures/synthetic_device_state_change.json"),
    include_str!("fixtures/synthetic_me_subresources.json"),
    // Captured from real servers (see capture_tests.rs).
    include_str!("fixtures/real/wwe-log-call-established-after-answer.json"),
    include_str!("fixtures/real/wwe-log-devices-errormessage.json"),
    include_str!("fixtures/real/wwe-log-device-loggedin-no-userstate-id.json"),
    include_str!("fixtures/real/wwe-log-rest-me-subresources-with-chat-channel.json"),
    include_str!("fixtures/real/docs-call-dialing-with-userdata-2014.json"),
];

// ---------------------------------------------------------------------------------------
// Generators.

const KEYS: &[&str] = &[
    "id", "state", "callUuid", "connId", "participants", "participantsInfo", "dnis",
    "callType", "capabilities", "userData", "duration", "mute", "recordingState", "uri",
    "call", "data", "channel", "messageType", "notificationType", "extensions", "WrapUpTime",
    "phoneNumber", "devices", "device", "userState", "user", "calls", "statusCode",
    "firstName", "lastName", "userName", "digits", "e164Number", "formattedPhoneNumber",
    "country", "reason", "reasonCode", "workMode", "displayName",
];

const WORDS: &[&str] = &[
    "Dialing", "Ringing", "Established", "Held", "Released", "Inbound", "Outbound",
    "Internal", "Consult", "StatusChange", "ParticipantsUpdated", "AttachedDataChanged",
    "CallStateChangeMessage", "DeviceStateChangeMessage", "/v2/me/calls", "/v2/me/devices",
    "Ready", "NotReady", "AfterCallWork", "On", "Off", "true", "0", "7", "12", "-3", "1e30",
    "18446744073709551616", "Hold", "Answer", "Hangup", "", " ", "\u{202e}", "<script>",
];

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.into())),
        ".{0,12}".prop_map(Value::String),
    ]
}

/// Any JSON, with GWS's field names more likely than not.
fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![3 => prop::sample::select(KEYS).prop_map(String::from), 1 => ".{0,6}"];
    arb_leaf().prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..10)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

fn arb_channel() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/v2/me/calls".to_owned()),
        Just("/v2/me/devices".to_owned()),
        Just("/v2/me/other".to_owned()),
        ".{0,16}",
    ]
}

const STATES: &[&str] = &["Dialing", "Ringing", "Established", "Held", "Released", "Parked", ""];
const TYPES: &[&str] = &["Inbound", "Outbound", "Internal", "Consult", "Odd"];
const CAPS: &[&str] = &[
    "Answer", "Hangup", "Hold", "Retrieve", "SendDtmf", "InitiateTransfer", "CompleteTransfer",
    "SingleStepTransfer", "InitiateConference", "CompleteConference", "AttachUserData",
    "Teleport",
];
const KINDS: &[&str] = &[
    "StatusChange", "ParticipantsUpdated", "AttachedDataChanged", "CallRecovered", "Other",
];

/// A realistic call for the pool index `k`: its id, callUuid and connId are fixed per
/// index (as on a real switch), everything else varies.
fn arb_call(pool: usize) -> impl Strategy<Value = (usize, Value)> {
    (
        0..pool,
        prop::sample::select(STATES),
        prop::sample::select(TYPES),
        prop::sample::subsequence(CAPS, 0..CAPS.len()),
        prop::collection::vec("[0-9+]{1,6}", 0..4),
        prop::collection::btree_map("[A-Za-z]{1,5}", ".{0,8}", 0..3),
        prop::option::of(0u64..5_000),
        any::<bool>(),
    )
        .prop_map(|(k, state, kind, caps, parts, user_data, duration, mute)| {
            let call = json!({
                "id": format!("CALL{k:028}"),
                "callUuid": format!("UUID{k}"),
                "connId": format!("{k:016x}"),
                "state": state,
                "callType": kind,
                "capabilities": caps,
                "participants": parts,
                "userData": user_data,
                "duration": duration.map(|d| d.to_string()),
                "mute": if mute { "On" } else { "Off" },
                "uri": format!("http://gws/api/v2/me/calls/CALL{k:028}"),
            });
            (k, call)
        })
}

/// A CallStateChangeMessage's `data` in either shape (seed 001 nested, seed 000 flat).
fn wrap(call: Value, nested: bool, kind: &str, wrap_up: Option<u64>) -> Value {
    let extensions = json!({"WrapUpTime": wrap_up, "BusinessCall": 0});
    if nested {
        json!({"messageType": "CallStateChangeMessage", "notificationType": kind,
               "extensions": extensions, "call": call, "phoneNumber": "5005"})
    } else {
        let mut data: Map<String, Value> = call.as_object().cloned().unwrap_or_default();
        data.insert("messageType".into(), json!("CallStateChangeMessage"));
        data.insert("notificationType".into(), json!(kind));
        data.insert("extensions".into(), extensions);
        Value::Object(data)
    }
}

fn arb_realistic_notification(pool: usize) -> impl Strategy<Value = (usize, Value)> {
    (arb_call(pool), any::<bool>(), prop::sample::select(KINDS), prop::option::of(0u64..600))
        .prop_map(|((k, call), nested, kind, wrap_up)| (k, wrap(call, nested, kind, wrap_up)))
}

/// Byte-level damage: truncation, deletion, insertion, overwriting.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Overwrite(usize, u8),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), prop::collection::vec(
            prop_oneof![prop::sample::select(b"{}[]\":,0-e.\\ ntrufals".to_vec()), any::<u8>()], 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Overwrite(at, b)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Delete(at, n) => {
                let start = at % len;
                let end = (start + n).min(bytes.len());
                if start < end {
                    bytes.drain(start..end);
                }
            }
            Mutation::Insert(at, ins) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, ins.iter().copied());
            }
            Mutation::Overwrite(at, b) => {
                if !bytes.is_empty() {
                    let i = at % bytes.len();
                    bytes[i] = *b;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

// ---------------------------------------------------------------------------------------
// The readers: whatever comes in, they return.

/// Every reader on one text, as the widget would meet it.
fn read_everything(text: &str) {
    let _ = MeResponse::parse(text).map(|me| snapshot_actions(&me, 1));
    let _ = CallsResponse::parse(text);
    let _ = WireCall::parse(text).map(|c| c.participant_details());
    for http in [0, 200, 401, 403, 404, 503] {
        let _ = parse_reply(http, text).map_err(|e| (e.message(), e.next_step()));
    }
    if let Ok(value) = crate::json::parse(text) {
        read_value(&value);
    }
}

fn read_value(value: &Value) {
    let note = GwsNotification::from_envelope(value);
    let _ = notification_actions(&note, 1);
    if let Some(data) = value.get("data") {
        for channel in ["/v2/me/calls", "/v2/me/devices", "/x"] {
            let _ = notification_actions(&GwsNotification::from_message(channel, data), 1);
        }
        let _ = CallStateChange::from_data(data);
        let _ = DeviceStateChange::from_data(data);
    }
    let _ = CallStateChange::from_data(value);
    let _ = DeviceStateChange::from_data(value);
    let _ = WireCall::from_value(value).participant_details();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_any_text(text in ".{0,200}") {
        read_everything(&text);
    }

    #[test]
    fn readers_never_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        read_everything(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn readers_never_panic_on_any_json(value in arb_json()) {
        read_value(&value);
        read_everything(&value.to_string());
    }

    #[test]
    fn notification_sorting_never_panics(channel in arb_channel(), data in arb_json()) {
        let note = GwsNotification::from_message(&channel, &data);
        let actions = notification_actions(&note, u64::MAX);
        // A call notification yields one update; a devices one at most one state change.
        prop_assert!(actions.len() <= 1);
    }

    #[test]
    fn mutated_seed_samples_never_panic(
        sample in prop::sample::select(SAMPLES),
        mutations in prop::collection::vec(arb_mutation(), 1..6),
    ) {
        read_everything(&mutate(sample, &mutations));
    }

    #[test]
    fn seed_samples_with_any_field_replaced_never_panic(
        sample in prop::sample::select(SAMPLES),
        path in prop::collection::vec(prop::sample::select(KEYS), 1..4),
        replacement in arb_json(),
    ) {
        let mut value: Value = crate::json::from_str(sample).unwrap();
        // Walk down the path as far as it goes (into objects, or the first array item).
        let mut pointer = String::new();
        let mut at = &value;
        for key in &path {
            match at {
                Value::Object(m) if m.contains_key(*key) => {
                    pointer.push('/');
                    pointer.push_str(key);
                    at = &m[*key];
                }
                Value::Array(a) if !a.is_empty() => {
                    pointer.push_str("/0");
                    at = &a[0];
                }
                _ => break,
            }
        }
        if let Some(slot) = value.pointer_mut(&pointer) {
            *slot = replacement;
        }
        read_value(&value);
        read_everything(&value.to_string());
    }
}

// ---------------------------------------------------------------------------------------
// The call store fed notifications and re-reads.

#[derive(Debug, Clone)]
enum Step {
    /// A realistic notification (pool index, `data`), delivered `times` times in a row.
    Note(usize, Value, u8),
    /// Any JSON as a notification's `data`.
    Noise(String, Value),
    /// A state re-read listing these calls.
    Snapshot(Vec<Value>),
    /// Any text as a `/me` answer.
    NoiseSnapshot(String),
    Select(usize),
    Dismiss(usize),
    Recorded(usize),
    Connection(u8),
    Presence(u8),
}

const POOL: usize = 6;


fn arb_step(noise: bool) -> impl Strategy<Value = Step> {
    let realistic = prop_oneof![
        8 => (arb_realistic_notification(POOL), 1u8..3).prop_map(|((k, d), n)| Step::Note(k, d, n)),
        2 => prop::collection::vec(arb_call(POOL).prop_map(|(_, c)| c), 0..4).prop_map(Step::Snapshot),
        1 => (0..POOL).prop_map(Step::Select),
        1 => (0..POOL).prop_map(Step::Dismiss),
        1 => (0..POOL).prop_map(Step::Recorded),
        1 => any::<u8>().prop_map(Step::Connection),
        1 => any::<u8>().prop_map(Step::Presence),
    ];
    let weight = if noise { 4 } else { 0 };
    // Ids, callUuids and connIds that do not belong together (a confused server).
    let mixed = (arb_realistic_notification(POOL), 0..POOL, 0..POOL).prop_map(|((_, mut d), u, n)| {
        let call = if d.get("call").is_some() { &mut d["call"] } else { &mut d };
        call["callUuid"] = json!(format!("UUID{u}"));
        call["connId"] = json!(format!("{n:016x}"));
        Step::Noise("/v2/me/calls".into(), d.clone())
    });
    prop_oneof![
        12 => realistic,
        weight => mixed,
        weight => (arb_channel(), arb_json()).prop_map(|(c, d)| Step::Noise(c, d)),
        weight => prop_oneof![arb_json().prop_map(|v| v.to_string()), ".{0,64}"].prop_map(Step::NoiseSnapshot),
    ]
}

fn id_of(k: usize) -> String {
    format!("CALL{k:028}")
}

/// The store actions a step leads to, as the desk would make them.
fn actions_of(step: &Step, at_ms: u64) -> Vec<StoreAction> {
    match step {
        Step::Note(_, data, _) => {
            notification_actions(&GwsNotification::from_message("/v2/me/calls", data), at_ms)
        }
        Step::Noise(channel, data) => {
            notification_actions(&GwsNotification::from_message(channel, data), at_ms)
        }
        Step::Snapshot(calls) => {
            let body = json!({"statusCode": 0, "user": {"firstName": "Ava", "lastName": "Patel", "calls": calls}});
            snapshot_actions(&MeResponse::parse(&body.to_string()).unwrap(), at_ms)
        }
        Step::NoiseSnapshot(text) => {
            MeResponse::parse(text).map(|me| snapshot_actions(&me, at_ms)).unwrap_or_default()
        }
        Step::Select(k) => vec![StoreAction::Select(id_of(*k))],
        Step::Dismiss(k) => vec![StoreAction::Dismiss(id_of(*k))],
        Step::Recorded(k) => vec![StoreAction::DispositionRecorded {
            call_id: id_of(*k),
            disposition: "Sale".into(),
        }],
        Step::Connection(n) => vec![StoreAction::ConnectionChanged(match n % 4 {
            0 => ConnectionStatus::Connected,
            1 => ConnectionStatus::Reconnecting { attempt: u32::from(*n), next_retry_ms: 1000 },
            2 => ConnectionStatus::SessionExpired,
            _ => ConnectionStatus::Stopped { reason: String::new() },
        })],
        Step::Presence(n) => vec![StoreAction::AgentStateChanged(AgentPresence {
            state: if n % 2 == 0 { AgentState::Ready } else { AgentState::NotReady { reason: None } },
            ..Default::default()
        })],
    }
}

/// Rules that hold after every step, whatever came in.
fn check_shape(store: &CallStore) -> Result<(), TestCaseError> {
    let mut ids = HashSet::new();
    for c in store.calls() {
        prop_assert!(ids.insert(c.id.clone()), "two cards for {}", c.id);
    }
    match store.active_id() {
        Some(id) => prop_assert!(store.call(id).is_some(), "active {id} is not a call"),
        None => prop_assert!(store.calls().is_empty(), "calls but none active"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_store_survives_anything(steps in prop::collection::vec(arb_step(true), 1..40)) {
        let mut store = CallStore::new();
        for (i, step) in steps.iter().enumerate() {
            for action in actions_of(step, 1_000 + i as u64 * 10) {
                store.reduce(action);
            }
            check_shape(&store)?;
        }
    }

    #[test]
    fn the_store_keeps_its_rules(steps in prop::collection::vec(arb_step(false), 1..40)) {
        let mut store = CallStore::new();
        // Ids seen Released (the store may drop the card, never bring the call back).
        let mut ended: HashSet<String> = HashSet::new();
        for (i, step) in steps.iter().enumerate() {
            let at = 1_000 + i as u64 * 10;
            let repeat = match step { Step::Note(_, _, n) => *n, _ => 1 };
            for action in actions_of(step, at) {
                store.reduce(action.clone());
                // A duplicate of the same notification changes nothing.
                for _ in 1..repeat {
                    let before = store.clone();
                    let changed = store.reduce(action.clone());
                    prop_assert!(!changed && store == before, "a duplicate changed the store");
                }
            }
            check_shape(&store)?;
            for c in store.calls() {
                if c.state.is_released() {
                    ended.insert(c.id.clone());
                } else {
                    prop_assert!(!ended.contains(&c.id), "{} came back after Released", c.id);
                }
            }
            if let Step::Note(k, data, _) = step {
                if CallStateChange::from_data(data).is_some_and(|m| m.call.state.as_str() == "Released") {
                    ended.insert(id_of(*k));
                }
            }
            for id in &ended {
                if let Some(c) = store.call(id) {
                    prop_assert!(c.state.is_released(), "{id} came back as {:?}", c.state);
                }
            }
        }
    }
}

#[test]
fn the_generators_reach_the_store() {
    // A sanity check that the realistic steps are not all thrown away.
    let call = json!({"id": id_of(1), "callUuid": "UUID1", "connId": "1", "state": "Ringing",
                      "callType": "Inbound", "participants": ["5551234"]});
    let mut store = CallStore::new();
    for a in actions_of(&Step::Note(1, wrap(call.clone(), true, "StatusChange", None), 1), 5) {
        store.reduce(a);
    }
    assert_eq!(store.calls().len(), 1);
    for a in actions_of(&Step::Note(1, wrap(call, false, "StatusChange", None), 1), 6) {
        store.reduce(a);
    }
    assert_eq!(store.calls().len(), 1);
    assert_eq!(mutate("abcdef", &[Mutation::Truncate(3)]), "abc");
}

