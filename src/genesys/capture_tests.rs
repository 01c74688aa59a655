//! The widget's GWS readers fed every capture in `fixtures/real/`: JSON captured from real
//! GWS 8.5.202.96 servers (a Workspace Web Edition console log) and from Genesys's docs
//! (copies of the project's reference captures, so these tests stand alone). Each file has
//! its expectation in `captures()`, written out by hand from what the capture shows; a
//! file in the directory without one fails `every_capture_file_has_an_expectation`.
//!
//! The WWE log printed only a message's `data` (no Bayeux envelope): those are read as
//! arriving on the channel the log names (`/v2/me/calls`, `/v2/me/devices`). The jqXHR
//! objects WWE printed for failed requests are read as the HTTP status plus `responseText`.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::json::{json, Value};

use super::mapping::{
    agent_state, call_from_wire, notification_actions, presence, snapshot_actions,
    snapshot_from_calls,
};
use super::status::{failure_text, parse_reply, server_message, GwsAccepted, GwsError};
use super::wire::{
    CallStateChange, CallsResponse, GwsNotification, MeResponse, WireCall, WireDevice,
    WireParticipant, WireUserState,
};
use crate::i18n::Lang;
use crate::model::{
    AgentIdentity, AgentPresence, AgentState, Call, CallKind, CallState, CallStore, CallUpdate,
    Capability, NotificationKind, Party, Recording, StoreAction,
};

const REAL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/genesys/fixtures/real");
const AT: u64 = 1_769_554_700_000;

struct Capture {
    name: &'static str,
    body: &'static str,
    check: fn(&str),
}

macro_rules! capture {
    ($name:literal => $check:expr) => {
        Capture {
            name: $name,
            body: include_str!(concat!("fixtures/real/", $name)),
            check: $check,
        }
    };
}

fn json(body: &str) -> Value {
    crate::json::from_str(body).expect("every capture is valid JSON")
}

// ---------------------------------------------------------------------------------------
// Calls.

/// What a call capture describes.
#[derive(Default)]
struct CallExpect {
    /// `Some` for a CallStateChangeMessage; `None` for a bare call resource.
    notification: Option<NotificationKind>,
    /// Whether the capture keeps the Bayeux envelope (`{"channel":…,"data":…}`).
    envelope: bool,
    /// `phoneNumber` beside the call (the agent's DN).
    agent_dn: &'static str,
    /// `extensions.WrapUpTime`.
    wrap_up_secs: Option<u64>,
    business_call: bool,
    id: &'static str,
    uuid: &'static str,
    conn_id: &'static str,
    uri: &'static str,
    state: CallState,
    kind: CallKind,
    /// (number, display) of each party.
    parties: Vec<(&'static str, &'static str)>,
    dnis: &'static str,
    /// Exactly the capabilities the capture lists.
    caps: Vec<&'static str>,
    duration: Option<u64>,
    /// Some of `userData` (the rest is counted by `user_data_len`).
    user_data: Vec<(&'static str, Value)>,
    user_data_len: usize,
    supervisor_listening: bool,
    recording: Recording,
}

fn check_call(c: &Call, x: &CallExpect) {
    assert_eq!(c.id, x.id);
    assert_eq!(c.uuid, x.uuid);
    assert_eq!(c.conn_id, x.conn_id);
    assert_eq!(c.uri, x.uri);
    assert_eq!(c.state, x.state);
    assert_eq!(c.kind, x.kind);
    let parties: Vec<Party> = x.parties.iter().map(|(n, d)| Party::new(*n, *d)).collect();
    assert_eq!(c.parties, parties);
    assert_eq!(c.dnis, x.dnis);
    let mut got: Vec<String> = c
        .capabilities
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    got.sort();
    let mut want: Vec<String> = x.caps.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "capabilities exactly as listed");
    assert!(
        c.capabilities
            .iter()
            .all(|k| !matches!(k, Capability::Other(_))),
        "every captured capability is one the panel knows: {:?}",
        c.capabilities
    );
    assert_eq!(c.duration_s, x.duration, "duration (a string on the wire)");
    assert_eq!(
        c.user_data.len(),
        x.user_data_len,
        "{:?}",
        c.user_data.keys()
    );
    for (k, v) in &x.user_data {
        assert_eq!(c.user_data.get(*k), Some(v), "userData {k}");
    }
    assert!(!c.user_data.contains_key("case") && !c.user_data.contains_key("metrics"));
    assert_eq!(c.supervisor_listening, x.supervisor_listening);
    assert_eq!(c.recording, x.recording);
    assert!(!c.muted, "mute is \"Off\" in every capture");
    assert_eq!(
        c.answered,
        matches!(x.state, CallState::Established | CallState::Held)
    );
    if x.state == CallState::Ringing {
        assert!(c.can(Capability::Answer));
        assert!(
            c.can(Capability::ClearCall),
            "a ringing call is declined with ClearCall"
        );
        assert!(!c.can(Capability::Hangup), "no Hangup while Ringing");
    }
}

/// The same notification with `metrics`, `call.case` and the string-valued `extensions`
/// removed: what the widget makes of it must not change.
fn without_extras(data: &Value) -> Value {
    let mut d = data.clone();
    if let Some(o) = d.as_object_mut() {
        o.remove("metrics");
    }
    if let Some(o) = d.get_mut("call").and_then(Value::as_object_mut) {
        o.remove("case");
    }
    if let Some(o) = d.get_mut("extensions").and_then(Value::as_object_mut) {
        o.retain(|_, v| !v.is_string());
    }
    d
}

fn call_case(body: &str, x: CallExpect) {
    let v = json(body);
    let Some(kind) = x.notification.clone() else {
        // A bare call resource: read alone, and as `/me/calls?fields=*` would list it.
        let w = WireCall::parse(body).expect("a call object");
        let c = call_from_wire(&w);
        check_call(&c, &x);
        let listed = json!({"statusCode": 0, "calls": [v]}).to_string();
        let r = CallsResponse::parse(&listed).unwrap();
        assert_eq!(
            snapshot_from_calls(&r.calls, AT),
            StoreAction::Snapshot {
                calls: vec![c],
                at_ms: AT
            }
        );
        return;
    };
    assert_eq!(v.get("channel").is_some(), x.envelope);
    let (note, data) = if x.envelope {
        assert_eq!(v["channel"], "/v2/me/calls");
        (GwsNotification::from_envelope(&v), v["data"].clone())
    } else {
        (GwsNotification::from_message("/v2/me/calls", &v), v.clone())
    };
    let GwsNotification::Call(m) = &note else {
        panic!("not read as a call notification: {note:?}")
    };
    assert_eq!(m.message_type, "CallStateChangeMessage");
    assert_eq!(m.phone_number, x.agent_dn);
    assert_eq!(m.extensions.wrap_up_time, x.wrap_up_secs);
    assert_eq!(m.extensions.business_call, x.business_call);
    let actions = notification_actions(&note, AT);
    let [StoreAction::CallUpdated(CallUpdate {
        call,
        kind: got_kind,
        wrap_up_secs,
        at_ms,
    })] = actions.as_slice()
    else {
        panic!("one CallUpdated expected: {actions:?}")
    };
    assert_eq!(*got_kind, kind);
    assert_eq!(*wrap_up_secs, x.wrap_up_secs);
    assert_eq!(*at_ms, AT);
    check_call(call, &x);
    // metrics, case and extensions' strings change nothing.
    let plain = GwsNotification::from_message("/v2/me/calls", &without_extras(&data));
    assert_eq!(notification_actions(&plain, AT), actions);
    // The same data read by its messageType alone (no channel) is the same.
    assert_eq!(
        notification_actions(&GwsNotification::from_message("", &data), AT),
        actions
    );
}

fn caps(names: &[&'static str]) -> Vec<&'static str> {
    names.to_vec()
}

const RINGING_CAPS: &[&str] = &[
    "Answer",
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "AttachUserData",
    "ClearCall",
];

fn wwe_party_1003() -> Value {
    json!({"path": "/users/1e553fa1b4164908a5f36d43cec96086", "firstname": "test1",
           "username": "test1", "lastname": "test1"})
}

fn wwe_party_1002() -> Value {
    json!({"path": "/users/3f65ac876a48452f83ffb58cfc58fe47", "firstname": "abhishek",
           "username": "abhishek.varma", "lastname": "test"})
}

/// The WWE log's call (agent 1002 called by 1003), as each of its notifications shows it.
fn wwe_call(state: CallState, kind: NotificationKind) -> CallExpect {
    CallExpect {
        notification: Some(kind),
        agent_dn: "1002",
        business_call: true,
        id: "UIVB8J6JE91C53UIM3VI59VHQ4000015",
        uuid: "UIVB8J6JE91C53UIM3VI59VHQ4000015",
        conn_id: "006c03a7194aa020",
        uri: "http://192.168.210.54:8090/api/v2/me/calls/UIVB8J6JE91C53UIM3VI59VHQ4000015",
        state,
        kind: CallKind::Internal,
        parties: vec![("1003", "1003")],
        dnis: "1002",
        caps: caps(RINGING_CAPS),
        duration: Some(0),
        user_data: vec![
            ("WWE_PARTY_1003", wwe_party_1003()),
            ("IW_RoutingBasedRequestType", json!("MakeCall")),
            ("IW_CaseUid", json!("c75165c3-3ee3-46e0-26a0-83d582797bfc")),
            ("PhoneNumber", json!("1002")),
            (
                "IW_BundleUid",
                json!("21516ee6-5582-4228-8246-3acd7122a3c3"),
            ),
        ],
        user_data_len: 9,
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------
// Devices and agent state.

fn device_note(body: &str) -> GwsNotification {
    let v = json(body);
    if v.get("channel").is_some() {
        assert_eq!(v["channel"], "/v2/me/devices");
        GwsNotification::from_envelope(&v)
    } else {
        GwsNotification::from_message("/v2/me/devices", &v)
    }
}

fn device_case(body: &str, state: AgentState, device_id: &str, dn: &str) {
    let note = device_note(body);
    let GwsNotification::Devices(d) = &note else {
        panic!("not read as a device notification: {note:?}")
    };
    assert_eq!(d.message_type, "DeviceStateChangeMessage");
    assert_eq!(d.devices.len(), 1);
    assert_eq!(
        notification_actions(&note, AT),
        vec![StoreAction::AgentStateChanged(AgentPresence {
            state,
            do_not_disturb: false,
            device_id: device_id.into(),
            dn: dn.into(),
        })]
    );
}

// ---------------------------------------------------------------------------------------
// `/api/v2/me?subresources=…` and other GET answers.

fn me_case(body: &str, who: AgentIdentity, state: AgentState) {
    let me = MeResponse::parse(body).expect("an object");
    assert_eq!(parse_reply(200, body), Ok(GwsAccepted { partial: false }));
    let presence = AgentPresence {
        state,
        do_not_disturb: false,
        device_id: who.device_id.clone(),
        dn: who.dn.clone(),
    };
    assert_eq!(
        snapshot_actions(&me, AT),
        vec![
            StoreAction::AgentIdentified(who),
            StoreAction::AgentStateChanged(presence),
            StoreAction::Snapshot {
                calls: Vec::new(),
                at_ms: AT
            },
        ]
    );
}

fn who(user_id: &str, user_name: &str, display: &str, dn: &str, device: &str) -> AgentIdentity {
    AgentIdentity {
        user_id: user_id.into(),
        user_name: user_name.into(),
        display_name: display.into(),
        dn: dn.into(),
        device_id: device.into(),
    }
}

const ABHISHEK: (&str, &str, &str, &str, &str) = (
    "3f65ac876a48452f83ffb58cfc58fe47",
    "abhishek.varma",
    "abhishek test",
    "1002",
    "27379f71-0f5a-42a1-b899-ea4456c6b337",
);

// ---------------------------------------------------------------------------------------
// Failed requests (jqXHR objects: `status` + `responseText`).

fn xhr(body: &str) -> (u16, String) {
    let v = json(body);
    let http = v["status"].as_u64().expect("an HTTP status") as u16;
    let text = v["responseText"]
        .as_str()
        .expect("the body as sent")
        .to_string();
    assert_eq!(
        json(&text),
        v["responseJSON"],
        "the capture's two copies of the body agree"
    );
    (http, text)
}

fn device_not_registered(body: &str) {
    let (http, text) = xhr(body);
    assert_eq!(http, 500);
    let e = parse_reply(http, &text).unwrap_err();
    assert_eq!(
        e,
        GwsError::InternalError,
        "statusCode 4, not a generic server failure"
    );
    assert_eq!(e.code(), Some(4));
    assert!(!e.needs_session());
    let server = server_message(&text).unwrap();
    assert_eq!(server, "Device '5001' is not registered.");
    assert_eq!(
        failure_text(e.message().in_(Lang::En), &server),
        "The phone system had an internal error. (Device '5001' is not registered.)"
    );
}

// ---------------------------------------------------------------------------------------
// The table: every capture and what it maps to.

fn captures() -> Vec<Capture> {
    vec![
        capture!("docs-call-dialing-dial-operation.json" => |b| call_case(b, CallExpect {
            notification: Some(NotificationKind::StatusChange),
            envelope: true,
            agent_dn: "15000",
            id: "012PUFMMS0ASNAK48O7GK2LAES000004",
            uuid: "012PUFMMS0ASNAK48O7GK2LAES000004",
            conn_id: "007102719260b004",
            uri: "http://hpe-voicevm-70.genesyslab.com:8090/api/v2/me/calls/012PUFMMS0ASNAK48O7GK2LAES000004",
            state: CallState::Dialing,
            kind: CallKind::Internal,
            parties: vec![("15002", "15002")],
            dnis: "15002",
            caps: caps(&["SendDtmf", "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup", "UpdateUserData"]),
            duration: Some(0),
            ..Default::default()
        })),
        capture!("docs-call-dialing-with-userdata-2014.json" => |b| call_case(b, CallExpect {
            notification: Some(NotificationKind::StatusChange),
            envelope: true,
            agent_dn: "5005",
            // Older shape: the id is the T-Server connId; no separate connId.
            id: "0071023821aec015",
            uuid: "013V08JRL498H1OI04000VTAES00000L",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/0071023821aec015",
            state: CallState::Dialing,
            kind: CallKind::Internal,
            parties: vec![("5001", "5001")],
            dnis: "5001",
            caps: caps(&["DeleteUserDataPair", "AttachUserData", "Hangup", "DeleteUserData", "SendDtmf", "UpdateUserData"]),
            duration: Some(0),
            user_data: vec![("CustomerSegment", json!("Gold"))],
            user_data_len: 1,
            ..Default::default()
        })),
        capture!("docs-call-held-hold-operation.json" => |b| call_case(b, CallExpect {
            notification: Some(NotificationKind::StatusChange),
            envelope: true,
            agent_dn: "15000",
            id: "012PUFMMS0ASNAK48O7GK2LAES00000I",
            uuid: "012PUFMMS0ASNAK48O7GK2LAES00000I",
            conn_id: "007102719260b012",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/012PUFMMS0ASNAK48O7GK2LAES00000I",
            state: CallState::Held,
            kind: CallKind::Internal,
            parties: vec![("15001", "15001")],
            dnis: "15000",
            caps: caps(&["SingleStepTransfer", "InitiateConference", "Retrieve", "SingleStepConference", "InitiateTransfer",
                         "DeleteUserData", "AttachUserData", "DeleteUserDataPair", "Hangup", "UpdateUserData"]),
            duration: Some(30),
            ..Default::default()
        })),
        capture!("docs-call-released-hangup-operation.json" => |b| call_case(b, CallExpect {
            notification: Some(NotificationKind::StatusChange),
            envelope: true,
            agent_dn: "15000",
            id: "012PUFMMS0ASNAK48O7GK2LAES00000I",
            uuid: "012PUFMMS0ASNAK48O7GK2LAES00000I",
            conn_id: "007102719260b012",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/012PUFMMS0ASNAK48O7GK2LAES00000I",
            state: CallState::Released,
            kind: CallKind::Internal,
            parties: vec![("15001", "15001")],
            dnis: "15000",
            caps: Vec::new(),
            duration: Some(672),
            ..Default::default()
        })),
        capture!("docs-call-resource-established-participantsinfo-older.json" => |b| call_case(b, CallExpect {
            id: "011DJV5JI898NB2L04000VTAES00000I",
            uuid: "011DJV5JI898NB2L04000VTAES00000I",
            conn_id: "0072026cb98d140f",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/011DJV5JI898NB2L04000VTAES00000I",
            state: CallState::Established,
            kind: CallKind::Internal,
            parties: vec![("5000", "5000")],
            dnis: "5001",
            caps: caps(&["AttachUserData", "InitiateConference", "UpdateUserData", "Hold", "SingleStepTransfer", "DeleteUserData",
                         "SingleStepConference", "Hangup", "DeleteUserDataPair", "SendDtmf", "InitiateTransfer"]),
            duration: Some(1174),
            user_data: vec![("DispositionCode", json!("IssueResolved"))],
            user_data_len: 1,
            supervisor_listening: true,
            ..Default::default()
        })),
        capture!("docs-call-resource-established-v852.json" => |b| call_case(b, CallExpect {
            id: "01RCC3N118B1V0SL8O7GK2LAES000010",
            uuid: "01RCC3N118B1V0SL8O7GK2LAES000010",
            conn_id: "0071027198180020",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES000010",
            state: CallState::Established,
            kind: CallKind::Internal,
            parties: vec![("15001", "15001")],
            dnis: "15001",
            caps: caps(&["UpdateUserData", "SendDtmf", "InitiateConference", "Hold", "SingleStepTransfer", "InitiateTransfer",
                         "AttachUserData", "DeleteUserDataPair", "SingleStepConference", "DeleteUserData", "Hangup",
                         "StartCallRecording"]),
            duration: Some(7),
            user_data: vec![("AccountNumber", json!("12345678"))],
            user_data_len: 1,
            recording: Recording::Stopped,
            ..Default::default()
        })),
        capture!("docs-completetransfer-original-call-released.json" => |b| call_case(b, CallExpect {
            notification: Some(NotificationKind::StatusChange),
            envelope: true,
            agent_dn: "15000",
            id: "01RCC3N118B1V0SL8O7GK2LAES00000M",
            uuid: "01RCC3N118B1V0SL8O7GK2LAES00000M",
            // Not the connId it had when the transfer started (…0011): the id stays.
            conn_id: "0071027198180016",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES00000M",
            state: CallState::Released,
            kind: CallKind::Internal,
            parties: vec![("15001", "15001")],
            dnis: "15001",
            caps: Vec::new(),
            duration: Some(280),
            ..Default::default()
        })),
        capture!("docs-initiatetransfer-original-call-held.json" => |b| call_case(b, CallExpect {
            notification: Some(NotificationKind::StatusChange),
            envelope: true,
            agent_dn: "15000",
            id: "01RCC3N118B1V0SL8O7GK2LAES00000M",
            uuid: "01RCC3N118B1V0SL8O7GK2LAES00000M",
            conn_id: "0071027198180011",
            uri: "http://127.0.0.1:8080/api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES00000M",
            state: CallState::Held,
            kind: CallKind::Internal,
            parties: vec![("15001", "15001")],
            dnis: "15001",
            caps: caps(&["UpdateUserData", "SwapCalls", "InitiateConference", "SingleStepTransfer", "InitiateTransfer",
                         "AttachUserData", "DeleteUserDataPair", "SingleStepConference", "DeleteUserData", "Hangup",
                         "CompleteTransfer"]),
            duration: Some(99),
            ..Default::default()
        })),
        capture!("wwe-log-call-ringing-inbound-internal.json" => |b| call_case(b, CallExpect {
            user_data_len: 8,
            ..wwe_call(CallState::Ringing, NotificationKind::StatusChange)
        })),
        capture!("wwe-log-call-ringing-attacheddatachanged.json" => |b| call_case(b, CallExpect {
            business_call: false,
            user_data: vec![("WWE_PARTY_1003", wwe_party_1003()), ("WWE_PARTY_1002", wwe_party_1002())],
            ..wwe_call(CallState::Ringing, NotificationKind::AttachedDataChanged)
        })),
        capture!("wwe-log-call-established-after-answer.json" => |b| call_case(b, CallExpect {
            wrap_up_secs: Some(20),
            caps: caps(&["UpdateUserData", "DeleteUserData", "DeleteUserDataPair", "InitiateConference", "AttachUserData", "Hangup",
                         "SingleStepConference", "SingleStepTransfer", "SendDtmf", "ClearCall", "Hold", "InitiateTransfer"]),
            duration: Some(2),
            user_data: vec![
                ("WWE_PARTY_1003", wwe_party_1003()),
                ("WWE_PARTY_1002", wwe_party_1002()),
                ("IW_RoutingBasedOriginalEmployeeId", json!("test1")),
            ],
            ..wwe_call(CallState::Established, NotificationKind::StatusChange)
        })),
        capture!("docs-device-aftercallwork.json" => |b| device_case(
            b, AgentState::AfterCallWork, "74152ed8-858f-4a33-9e96-36213a678d30", "5000")),
        capture!("docs-device-notready-operation.json" => |b| device_case(
            b, AgentState::NotReady { reason: None }, "74152ed8-858f-4a33-9e96-36213a678d30", "5000")),
        capture!("docs-device-notready.json" => |b| device_case(
            b, AgentState::NotReady { reason: None }, "efe1ab32-53f9-43ce-b65e-5768c61f7d4a", "5005")),
        capture!("docs-device-ready.json" => |b| device_case(
            b, AgentState::Ready, "74152ed8-858f-4a33-9e96-36213a678d30", "5000")),
        capture!("wwe-log-device-loggedin-no-userstate-id.json" => |b| {
            // After StartContactCenterSession: `{"state":"LoggedIn"}`, no id or displayName.
            device_case(b, AgentState::Other("LoggedIn".into()), "3cb9ad32-e019-4fe8-ba15-a8d9e2d66c52", "1003");
            let GwsNotification::Devices(d) = device_note(b) else { unreachable!() };
            let us = d.devices[0].user_state.clone().unwrap();
            assert_eq!((us.id.as_str(), us.display_name.as_str(), us.state.as_str()), ("", "", "LoggedIn"));
        }),
        capture!("wwe-log-device-notready.json" => |b| device_case(
            b, AgentState::NotReady { reason: None }, "27379f71-0f5a-42a1-b899-ea4456c6b337", "1002")),
        capture!("wwe-log-device-ready.json" => |b| device_case(
            b, AgentState::Ready, "27379f71-0f5a-42a1-b899-ea4456c6b337", "1002")),
        capture!("wwe-log-devices-errormessage.json" => |b| {
            let note = device_note(b);
            assert_eq!(note, GwsNotification::DeviceProblem {
                device_uri: "http://192.168.210.54:8090/api/v2/devices/6f0c9ebb-407d-40b0-a03d-92a2ac0893d9".into(),
                device_path: "/devices/6f0c9ebb-407d-40b0-a03d-92a2ac0893d9".into(),
            });
            assert_eq!(notification_actions(&note, AT), vec![StoreAction::DeviceProblem]);
        }),
        capture!("docs-device-resource-supervisor-monitoring.json" => |b| {
            // The device resource alone (the same in /me/devices, /me and notifications).
            let d = WireDevice::from_value(&json(b));
            assert_eq!(presence(&d), Some(AgentPresence {
                state: AgentState::Ready,
                do_not_disturb: false,
                device_id: "efe1ab32-53f9-43ce-b65e-5768c61f7d4a".into(),
                dn: "5005".into(),
            }));
            let note = GwsNotification::from_message("/v2/me/devices",
                &json!({"messageType": "DeviceStateChangeMessage", "devices": [json(b)]}));
            assert_eq!(notification_actions(&note, AT), vec![StoreAction::AgentStateChanged(presence(&d).unwrap())]);
        }),
        capture!("docs-list-devices-uris-only.json" => |b| {
            // A list of URIs only (no fields=*): accepted, and nothing to read from it.
            assert_eq!(parse_reply(200, b), Ok(GwsAccepted { partial: false }));
            let me = MeResponse::parse(b).unwrap();
            assert_eq!(me.status_code, Some(0));
            assert!(me.user.is_none() && me.all_devices().is_empty() && me.all_calls().is_empty());
            let note = GwsNotification::from_message("/v2/me/devices", &json(b));
            assert!(notification_actions(&note, AT).is_empty());
        }),
        capture!("docs-recovering-state-devices-fields.json" => |b| {
            // GET /me/devices?fields=*: the devices at the top level.
            assert_eq!(parse_reply(200, b), Ok(GwsAccepted { partial: false }));
            let devices = MeResponse::parse(b).unwrap().all_devices();
            assert_eq!(devices.len(), 1);
            assert_eq!(presence(&devices[0]), Some(AgentPresence {
                state: AgentState::NotReady { reason: None },
                do_not_disturb: false,
                device_id: "9c14cad7-17c4-48d0-8492-7cf0ff92c224".into(),
                dn: "5001".into(),
            }));
        }),
        capture!("wwe-log-internal-api-agentstates.json" => |b| {
            // WWE's own list of agent states: each entry has a userState's fields.
            let states: Vec<AgentState> = json(b)["agentStates"].as_array().unwrap().iter()
                .map(|s| agent_state(&WireUserState::from_value(s)))
                .collect();
            assert_eq!(states, vec![
                AgentState::NotReady { reason: None },
                AgentState::LoggedOut,
                AgentState::AfterCallWork,
                AgentState::Ready,
                AgentState::NotReady { reason: Some("AuxWork".into()) },
            ]);
        }),
        capture!("me-subresources-all-user-partial.json" => |b| {
            // No statusCode (the capture is the `user` object only); chats are not calls.
            assert_eq!(MeResponse::parse(b).unwrap().status_code, None);
            me_case(b, who("57c0012d87ce40e498b75214c239704c", "ksippo", "Kristi Sippola", "7001",
                           "7542eb95-8f1c-4b90-bb2a-1b34578a4627"), AgentState::Ready);
        }),
        capture!("wwe-log-rest-me-subresources-features-devices-channels.json" => |b| {
            let (id, user, name, dn, dev) = ABHISHEK;
            me_case(b, who(id, user, name, dn, dev), AgentState::LoggedOut);
        }),
        capture!("wwe-log-rest-me-subresources-devices-calls-aggregated.json" => |b| {
            let (id, user, name, dn, dev) = ABHISHEK;
            me_case(b, who(id, user, name, dn, dev), AgentState::Ready);
        }),
        capture!("wwe-log-rest-me-subresources-with-chat-channel.json" => |b| {
            // The voice state is the device's; `channels`/`channelStates` are chat only.
            me_case(b, who("1e553fa1b4164908a5f36d43cec96086", "test1", "test1 test1", "1003",
                           "3cb9ad32-e019-4fe8-ba15-a8d9e2d66c52"), AgentState::NotReady { reason: None });
        }),
        capture!("wwe-log-rest-diagnostics-version.json" => |b| {
            assert_eq!(parse_reply(200, b), Ok(GwsAccepted { partial: false }));
            assert_eq!(server_message(b), None);
        }),
        capture!("wwe-log-rest-startcontactcentersession-partial-7.json" => |b| {
            // HTTP 200, statusCode 7: accepted on some channels only. The failed channel's
            // own statusMessage is not the answer's.
            assert_eq!(parse_reply(200, b), Ok(GwsAccepted { partial: true }));
            assert_eq!(server_message(b), None);
        }),
        capture!("wwe-log-rest-me-403-access-denied.json" => |b| {
            let (http, text) = xhr(b);
            assert_eq!(http, 403);
            let e = parse_reply(http, &text).unwrap_err();
            assert_eq!(e, GwsError::NotAuthenticated, "statusCode 20, not a CSRF refusal");
            assert_eq!(e.code(), Some(20));
            assert!(e.needs_session());
            assert_eq!(e.message().in_(Lang::En), "You're signed out of the phone system.");
            assert_eq!(server_message(&text).as_deref(), Some("Access denied"));
        }),
        capture!("wwe-log-rest-notready-500-device-not-registered.json" => device_not_registered),
        capture!("wwe-log-rest-internal-senduserevent-500.json" => device_not_registered),
    ]
}

#[test]
fn every_capture_file_has_an_expectation() {
    let table = captures();
    let mut named = BTreeSet::new();
    for c in &table {
        assert!(named.insert(c.name), "{} is in the table twice", c.name);
    }
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(REAL_DIR).expect("fixtures/real exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        on_disk.insert(name);
    }
    let missing: Vec<_> = on_disk
        .iter()
        .filter(|n| !named.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "captures without an expectation in captures(): {missing:?}"
    );
    assert_eq!(on_disk.len(), table.len());
}

#[test]
fn every_capture_maps_as_it_describes() {
    let mut failed = Vec::new();
    for c in captures() {
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| (c.check)(c.body))) {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{}: {why}", c.name));
        }
    }
    assert!(
        failed.is_empty(),
        "{} capture(s) failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// The captures in sequence, through the store.

fn feed(store: &mut CallStore, channel: &str, body: &str, at_ms: u64) {
    let v = json(body);
    let note = if v.get("channel").is_some() {
        GwsNotification::from_envelope(&v)
    } else {
        GwsNotification::from_message(channel, &v)
    };
    let actions = notification_actions(&note, at_ms);
    assert!(!actions.is_empty(), "{note:?} changed nothing");
    for a in actions {
        store.apply(a);
    }
}

fn body_of(name: &str) -> &'static str {
    captures()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
        .body
}

#[test]
fn the_wwe_log_call_rings_and_is_answered() {
    let mut store = CallStore::new();
    feed(
        &mut store,
        "/v2/me/calls",
        body_of("wwe-log-call-ringing-inbound-internal.json"),
        AT,
    );
    let c = store.active().unwrap();
    assert_eq!(c.state, CallState::Ringing);
    assert!(c.can(Capability::ClearCall) && !c.can(Capability::Hangup));
    feed(
        &mut store,
        "/v2/me/calls",
        body_of("wwe-log-call-ringing-attacheddatachanged.json"),
        AT + 151,
    );
    let c = store.active().unwrap();
    assert_eq!(c.state, CallState::Ringing);
    assert!(
        c.user_data["WWE_PARTY_1002"].is_object(),
        "nested userData stays an object"
    );
    feed(
        &mut store,
        "/v2/me/calls",
        body_of("wwe-log-call-established-after-answer.json"),
        AT + 2_970,
    );
    assert_eq!(store.calls().len(), 1);
    let c = store.active().unwrap();
    assert_eq!(c.state, CallState::Established);
    assert!(c.answered && c.can(Capability::Hangup) && c.can(Capability::ClearCall));
    assert_eq!(c.user_data["WWE_PARTY_1003"]["username"], "test1");
    assert_eq!(c.started_at_ms, Some(AT), "the first sighting, duration 0");
}

#[test]
fn the_docs_calls_hold_transfer_and_end_with_a_wrap_up_card() {
    let mut store = CallStore::new();
    feed(
        &mut store,
        "",
        body_of("docs-call-held-hold-operation.json"),
        AT,
    );
    feed(
        &mut store,
        "",
        body_of("docs-call-released-hangup-operation.json"),
        AT + 1_000,
    );
    let c = store.call("012PUFMMS0ASNAK48O7GK2LAES00000I").unwrap();
    assert!(
        c.in_wrap_up(),
        "a call that was held was connected: it wants a disposition"
    );
    assert!(c.capabilities.is_empty());

    // The connId changes between InitiateTransfer and CompleteTransfer; the id stays.
    let mut store = CallStore::new();
    feed(
        &mut store,
        "",
        body_of("docs-initiatetransfer-original-call-held.json"),
        AT,
    );
    assert!(store.active().unwrap().can(Capability::CompleteTransfer));
    feed(
        &mut store,
        "",
        body_of("docs-completetransfer-original-call-released.json"),
        AT + 1_000,
    );
    assert_eq!(store.calls().len(), 1);
    let c = &store.calls()[0];
    assert_eq!(
        (c.state.clone(), c.conn_id.as_str()),
        (CallState::Released, "0071027198180016")
    );
    assert!(c.in_wrap_up());
}

#[test]
fn a_device_error_is_a_device_problem_until_the_next_state() {
    let mut store = CallStore::new();
    feed(
        &mut store,
        "/v2/me/devices",
        body_of("wwe-log-device-notready.json"),
        AT,
    );
    assert!(!store.device_problem);
    feed(
        &mut store,
        "/v2/me/devices",
        body_of("wwe-log-devices-errormessage.json"),
        AT + 1,
    );
    assert!(store.device_problem);
    assert_eq!(
        store.presence.state,
        AgentState::NotReady { reason: None },
        "the state stays"
    );
    feed(
        &mut store,
        "/v2/me/devices",
        body_of("wwe-log-device-ready.json"),
        AT + 2,
    );
    assert!(!store.device_problem);
    assert_eq!(store.presence.state, AgentState::Ready);
    // An ErrorMessage elsewhere is not about the device.
    let other = GwsNotification::from_message(
        "/v2/me/calls",
        &json(body_of("wwe-log-devices-errormessage.json")),
    );
    assert!(notification_actions(&other, AT).is_empty());
}

// ---------------------------------------------------------------------------------------
// Participant shapes the captures name but hold no sample of, made from a real capture.

fn with_call(name: &str, edit: impl FnOnce(&mut Value)) -> Call {
    let mut v = json(body_of(name));
    let data = if v.get("data").is_some() {
        &mut v["data"]
    } else {
        &mut v
    };
    edit(&mut data["call"]);
    let note = GwsNotification::from_message("/v2/me/calls", data);
    match notification_actions(&note, AT).as_slice() {
        [StoreAction::CallUpdated(u)] => u.call.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn participants_in_every_shape_and_none() {
    // Strings + participantsInfo with country and location.
    let c = with_call("docs-call-dialing-with-userdata-2014.json", |call| {
        call["participants"] = json!(["+14155550100", "5002"]);
        call["participantsInfo"] = json!([
            {"digits": "5002", "e164Number": "5002", "formattedPhoneNumber": "5002"},
            {"digits": "14155550100", "e164Number": "+14155550100", "formattedPhoneNumber": "(415) 555-0100",
             "country": {"name": "United States", "code": "US", "callingCode": "1"}, "location": "CA"}
        ]);
    });
    assert_eq!(
        c.parties,
        vec![
            Party::new("+14155550100", "(415) 555-0100"),
            Party::new("5002", "5002")
        ],
        "each bare number finds its own details, whatever their order"
    );
    // Objects (the captures' newer shape) are covered by the table; an empty list, even on
    // an Established inbound call, is a call with nobody named.
    let c = with_call("wwe-log-call-established-after-answer.json", |call| {
        call["participants"] = json!([]);
        call["callType"] = json!("Inbound");
    });
    assert!(c.parties.is_empty());
    assert_eq!(c.state, CallState::Established);
    assert_eq!(c.title(), "1002", "the heading falls back to the dnis");
    let c = with_call("wwe-log-call-established-after-answer.json", |call| {
        call["capabilities"] = json!([]);
    });
    assert!(c.capabilities.is_empty());
    // The wire keeps which shape it was.
    let GwsNotification::Call(CallStateChange { call, .. }) =
        GwsNotification::from_envelope(&json(body_of("docs-call-dialing-with-userdata-2014.json")))
    else {
        panic!()
    };
    assert_eq!(
        call.participants,
        vec![WireParticipant::Number("5001".into())]
    );
}
