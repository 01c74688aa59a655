//! GWS v2 JSON as the seeds show it (the `doc` shape): the call resource (seeds
//! 000/001/002), both shapes of CallStateChangeMessage, the device with its user state, and
//! the user resource — and as the captured GWS 8.5 servers send it (the `real` shape,
//! GWS-REAL.md): `metrics`, T-Server `extensions`, `case`, no empty userData, a consult's
//! `parentCallUri`, the user states of the captures, and the device `ErrorMessage`.

use serde_json::{json, Map, Value};

use crate::world::{
    now_ms, Agent, CallState, GwsShape, Leg, NotificationShape, ParticipantShape, World,
};

/// The call resource of `leg`, in its agent's shapes.
pub fn call(world: &World, leg: &Leg) -> Value {
    let agent = &world.agents[leg.agent];
    let real = agent.gws_shape == GwsShape::Real;
    // The emptyParticipants option: a live call shown without participants or
    // capabilities (what the server allows does not change).
    let hidden = agent.empty_participants && leg.state != CallState::Released;
    let (scheme, host) = (agent.scheme, &agent.host);
    let numbers = if hidden {
        Vec::new()
    } else {
        world.participants(leg)
    };
    let mut call = Map::new();
    call.insert("id".into(), json!(leg.id));
    call.insert("state".into(), json!(leg.state.as_str()));
    call.insert("callUuid".into(), json!(leg.uuid));
    // An older server's id is the connId, and its call has no `connId` key (the 2014 Dial
    // sample).
    if !leg.legacy_id {
        call.insert("connId".into(), json!(leg.conn_id));
    }
    call.insert(
        "deviceUri".into(),
        json!(format!("{scheme}://{host}/api/v2/devices/{}", agent.device_id)),
    );
    match agent.participant_shape {
        ParticipantShape::Strings => {
            call.insert("participants".into(), json!(numbers));
            let info: Vec<Value> = numbers
                .iter()
                .map(|n| json!({"digits": n, "e164Number": n, "formattedPhoneNumber": n}))
                .collect();
            call.insert("participantsInfo".into(), Value::Array(info));
        }
        ParticipantShape::Info => {
            call.insert("participants".into(), json!(numbers));
            let info: Vec<Value> = numbers.iter().map(|n| participant_info(n)).collect();
            call.insert("participantsInfo".into(), Value::Array(info));
        }
        ParticipantShape::Objects => {
            let objects: Vec<Value> = numbers
                .iter()
                .map(|n| json!({"e164Number": "", "formattedPhoneNumber": n, "phoneNumber": n, "digits": n}))
                .collect();
            call.insert("participants".into(), Value::Array(objects));
        }
    }
    call.insert("dnis".into(), json!(leg.dnis));
    call.insert("callType".into(), json!(leg.call_type.as_str()));
    // A consult call names its original call by the original's own `uri` (the real shape,
    // or the agent option `parentCallUri`).
    if agent.sends_parent_call_uri() {
        if let Some(original) = leg.consult_of.as_ref().and_then(|(o, _)| world.leg(o)) {
            call.insert("parentCallUri".into(), json!(call_uri(world, original)));
        }
    }
    let capabilities = if hidden {
        Vec::new()
    } else {
        world.capabilities(leg)
    };
    call.insert("capabilities".into(), json!(capabilities));
    // Real servers leave out an empty userData.
    if !real || !leg.user_data.is_empty() {
        call.insert("userData".into(), Value::Object(leg.user_data.clone()));
    }
    call.insert("duration".into(), json!(leg.duration_secs().to_string()));
    call.insert("mute".into(), json!(if leg.muted { "On" } else { "Off" }));
    if !real {
        call.insert("recordingState".into(), json!(leg.recording.as_str()));
    }
    call.insert("supervisorListeningIn".into(), json!(false));
    call.insert("monitoredUserMuted".into(), json!(leg.monitored_user_muted));
    call.insert("monitoring".into(), json!(false));
    call.insert("uri".into(), json!(call_uri(world, leg)));
    call.insert("path".into(), json!(format!("/calls/{}", leg.id)));
    if real && leg.answered {
        call.insert("case".into(), json!([]));
    }
    Value::Object(call)
}

/// The call's `uri`: `…/api/v2/me/calls/{id}` on the host its agent reached us on.
pub fn call_uri(world: &World, leg: &Leg) -> String {
    let agent = &world.agents[leg.agent];
    format!(
        "{}://{}/api/v2/me/calls/{}",
        agent.scheme, agent.host, leg.id
    )
}

/// The device's URI as a list GET names it: `…/api/v2/devices/{id}`.
pub fn device_uri(agent: &Agent) -> String {
    format!(
        "{}://{}/api/v2/devices/{}",
        agent.scheme, agent.host, agent.device_id
    )
}

/// Calling codes the `info` participant shape knows: (code, country name, ISO code).
const COUNTRIES: [(&str, &str, &str); 8] = [
    ("1", "United States", "US"),
    ("33", "France", "FR"),
    ("44", "United Kingdom", "GB"),
    ("49", "Germany", "DE"),
    ("55", "Brazil", "BR"),
    ("61", "Australia", "AU"),
    ("81", "Japan", "JP"),
    ("91", "India", "IN"),
];

/// Regions of a few North American area codes (`location` of a `+1` number).
const AREA_CODES: [(&str, &str); 6] = [
    ("202", "DC"),
    ("206", "WA"),
    ("212", "NY"),
    ("312", "IL"),
    ("415", "CA"),
    ("617", "MA"),
];

/// A `participantsInfo` entry of the `info` shape. A `+country_code` number whose calling
/// code the simulator knows carries what seed 002 lists for such numbers: `country`
/// (`{name, code, callingCode}`), `location` (the region: a US state for a few area codes,
/// else the country's name), `localPhoneNumber` (domestic format) and `E164digits`. Any
/// other number gets the plain entry (`digits`, `e164Number`, `formattedPhoneNumber`).
pub fn participant_info(number: &str) -> Value {
    let plain = json!({"digits": number, "e164Number": number, "formattedPhoneNumber": number});
    let Some(digits) = number.strip_prefix('+') else {
        return plain;
    };
    let Some((code, name, iso)) = COUNTRIES
        .iter()
        .filter(|(code, _, _)| digits.starts_with(code))
        .max_by_key(|(code, _, _)| code.len())
    else {
        return plain;
    };
    let national = &digits[code.len()..];
    let (local, location) = if *code == "1" && national.len() == 10 {
        let area = &national[..3];
        let region = AREA_CODES
            .iter()
            .find(|(a, _)| *a == area)
            .map(|(_, r)| *r)
            .unwrap_or(name);
        (
            format!("({area}) {}-{}", &national[3..6], &national[6..]),
            region,
        )
    } else {
        (national.to_string(), *name)
    };
    json!({
        "digits": digits,
        "e164Number": number,
        "formattedPhoneNumber": local,
        "country": {"name": name, "code": iso, "callingCode": code},
        "location": location,
        "localPhoneNumber": local,
        "E164digits": digits,
    })
}

/// `metrics` of the real servers' notifications: when and how fast the server made it.
pub fn metrics() -> Value {
    let now = now_ms();
    json!({"eventProcessing": {
        "nodeProcessingTimeNanos": 240_000 + (now % 250) * 1_000,
        "serverGenerationTimestamp": now,
        "serverProcessingTimeTotalMs": 2,
    }})
}

/// T-Server attributes of a real call notification: the ringing call's routing ones
/// (strings and numbers mixed, as captured), none on AttachedDataChanged, else
/// `BusinessCall` and the agent's `WrapUpTime`.
fn real_extensions(world: &World, leg: &Leg, notification_type: &str) -> Option<Value> {
    if notification_type == "AttachedDataChanged" {
        return None;
    }
    if notification_type == "StatusChange" && leg.state == CallState::Ringing {
        let from = world
            .participants(leg)
            .into_iter()
            .next()
            .unwrap_or_default();
        return Some(json!({
            "NO_ANSWER_ACTION": "notready",
            "BusinessCall": 1,
            "OriginationDN": from,
            "OriginationDN_location": "SIP_Switch",
            "NO_ANSWER_TIMEOUT": 15,
            "NO_ANSWER_OVERFLOW": "recall",
        }));
    }
    Some(json!({"BusinessCall": 1, "WrapUpTime": world.agents[leg.agent].wrap_up_secs}))
}

/// `data` of a CallStateChangeMessage about `leg`, in its agent's shapes.
pub fn call_state_change(world: &World, leg: &Leg, notification_type: &str) -> Value {
    let agent = &world.agents[leg.agent];
    let call = call(world, leg);
    if agent.gws_shape == GwsShape::Real {
        // Always nested, as every capture is.
        let mut data = Map::new();
        data.insert("notificationType".into(), json!(notification_type));
        data.insert("call".into(), call);
        data.insert("phoneNumber".into(), json!(agent.dn));
        if let Some(ext) = real_extensions(world, leg, notification_type) {
            data.insert("extensions".into(), ext);
        }
        data.insert("messageType".into(), json!("CallStateChangeMessage"));
        data.insert("metrics".into(), metrics());
        return Value::Object(data);
    }
    match agent.notification_shape {
        NotificationShape::Nested => json!({
            "messageType": "CallStateChangeMessage",
            "notificationType": notification_type,
            "extensions": {"WrapUpTime": agent.wrap_up_secs, "BusinessCall": 0},
            "call": call,
            "phoneNumber": agent.dn,
        }),
        NotificationShape::Flat => {
            let mut data = match call {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            data.insert("notificationType".into(), json!(notification_type));
            data.insert("phoneNumber".into(), json!(agent.dn));
            data.insert("messageType".into(), json!("CallStateChangeMessage"));
            Value::Object(data)
        }
    }
}

/// The agent states of the captured servers (their ids and display names).
fn real_user_state(agent: &Agent) -> Value {
    let s = &agent.state;
    let (id, display, state, mode) = match (s.state.as_str(), s.work_mode.as_deref()) {
        // Right after StartContactCenterSession: the bare state, no id, no displayName.
        ("LoggedIn", _) => return json!({"state": "LoggedIn"}),
        ("Ready", _) => (
            "9430250E-0A1B-421F-B372-F29E69366DED",
            "Ready",
            "Ready",
            None,
        ),
        ("NotReady", Some("AfterCallWork")) => (
            "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF",
            "AfterCallWork",
            "NotReady",
            Some("AfterCallWork"),
        ),
        ("NotReady", Some("AuxWork")) => (
            "2B36138D-C564-4562-A8CB-3C32D564F296",
            "AuxWork",
            "NotReady",
            Some("AuxWork"),
        ),
        ("NotReady", _) => (
            "900D55CC-2BB0-431F-8BF9-D3525B383BE6",
            "Not Ready",
            "NotReady",
            None,
        ),
        _ => (
            "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB",
            "Offline",
            "LoggedOut",
            None,
        ),
    };
    // Never a reason: no captured notification carries one.
    let mut v = json!({"id": id, "displayName": display, "state": state});
    if let Some(mode) = mode {
        v["workMode"] = json!(mode);
    }
    v
}

fn user_state(agent: &Agent) -> Value {
    let s = &agent.state;
    let display = match (s.state.as_str(), s.work_mode.as_deref()) {
        ("Ready", _) => "Ready",
        ("NotReady", Some("AfterCallWork")) => "After Call Work",
        ("NotReady", Some("AuxWork")) => "Aux Work",
        ("NotReady", _) => "Not Ready",
        _ => "Logged Out",
    };
    let mut state = Map::new();
    state.insert(
        "id".into(),
        json!(format!(
            "{}-{}",
            s.state,
            s.work_mode.as_deref().unwrap_or("none")
        )),
    );
    state.insert("displayName".into(), json!(display));
    state.insert("state".into(), json!(s.state));
    if let Some(reason) = &s.reason {
        state.insert("reason".into(), json!(reason));
        state.insert("reasonCode".into(), json!(reason));
    }
    if let Some(mode) = &s.work_mode {
        state.insert("workMode".into(), json!(mode));
    }
    Value::Object(state)
}

/// The device resource, with the agent's voice state.
pub fn device(agent: &Agent) -> Value {
    let (scheme, host) = (agent.scheme, &agent.host);
    if agent.gws_shape == GwsShape::Real {
        // As the WWE captures show it: no uri/path, channels, empty e164Number.
        return json!({
            "id": agent.device_id,
            "deviceState": "Active",
            "userState": real_user_state(agent),
            "phoneNumber": agent.dn,
            "description": "",
            "e164Number": "",
            "telephonyNetwork": "Private",
            "doNotDisturb": "Off",
            "voiceEnvironmentUri": format!("{scheme}://{host}/api/v2/voice-environments/sim"),
            "capabilities": ["DoNotDisturbOn", "ForwardCallsOn"],
            "channels": ["voice"],
            "dynamicPhoneNumber": "",
        });
    }
    json!({
        "id": agent.device_id,
        "deviceState": "Active",
        "userState": user_state(agent),
        "phoneNumber": agent.dn,
        "e164Number": agent.dn,
        "telephonyNetwork": "Private",
        "doNotDisturb": "Off",
        "voiceEnvironmentUri": format!("{scheme}://{host}/api/v2/voice-environments/sim"),
        "capabilities": ["ForwardCallsOn", "DoNotDisturbOn"],
        "uri": format!("{scheme}://{host}/api/v2/devices/{}", agent.device_id),
        "path": format!("/devices/{}", agent.device_id),
    })
}

/// `data` of a DeviceStateChangeMessage (with `metrics` in the real shape).
pub fn device_state_change(agent: &Agent) -> Value {
    let mut data = json!({"messageType": "DeviceStateChangeMessage", "devices": [device(agent)]});
    if agent.gws_shape == GwsShape::Real {
        data["metrics"] = metrics();
    }
    data
}

/// A device ErrorMessage as captured: no text, only where and when.
pub fn device_error(agent: &Agent) -> Value {
    json!({
        "messageType": "ErrorMessage",
        "metrics": metrics(),
        "devicePath": format!("/devices/{}", agent.device_id),
        "deviceUri": format!("{}://{}/api/v2/devices/{}", agent.scheme, agent.host, agent.device_id),
    })
}

/// Active calls of an agent as call resources.
pub fn calls_of(world: &World, agent: usize) -> Vec<Value> {
    world
        .active_calls_of(agent)
        .into_iter()
        .map(|l| call(world, l))
        .collect()
}

/// The user resource; with `subresources` it carries devices and calls too.
pub fn user(world: &World, agent: usize, subresources: bool) -> Value {
    let a = &world.agents[agent];
    let (scheme, host) = (a.scheme, &a.host);
    let mut user = json!({
        "id": a.user_id,
        "userName": a.username,
        "firstName": a.first_name,
        "lastName": a.last_name,
        "emailAddress": format!("{}@sim.example", a.username),
        "roles": ["ROLE_AGENT"],
        "enabled": true,
        "changePasswordOnFirstLogin": false,
        "uri": format!("{scheme}://{host}/api/v2/users/{}", a.user_id),
        "path": format!("/users/{}", a.user_id),
    });
    if subresources {
        user["devices"] = json!([device(a)]);
        user["calls"] = Value::Array(calls_of(world, agent));
    }
    user
}

/// A call as /sim/state shows it: plain participants, agent name, consult link.
pub fn sim_call(world: &World, leg: &Leg) -> Value {
    let mut v = json!({
        "id": leg.id,
        "callUuid": leg.uuid,
        "agent": world.agents[leg.agent].username,
        "state": leg.state.as_str(),
        "callType": leg.call_type.as_str(),
        "connId": leg.conn_id,
        "dnis": leg.dnis,
        "participants": world.participants(leg),
        "userData": leg.user_data,
        "capabilities": world.capabilities(leg),
        "dtmf": leg.dtmf,
        "muted": leg.muted,
        "monitoredUserMuted": leg.monitored_user_muted,
        "recordingState": leg.recording.as_str(),
        "duration": leg.duration_secs(),
        "released": leg.state == CallState::Released,
    });
    if let Some((original, kind)) = &leg.consult_of {
        v["consultOf"] = json!(original);
        v["consultKind"] = json!(format!("{kind:?}"));
    }
    v
}
