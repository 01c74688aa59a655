//! GWS v2 JSON as the seeds show it: the call resource (seeds 000/001/002), both shapes of
//! CallStateChangeMessage, the device with its user state, and the user resource.

use serde_json::{json, Map, Value};

use crate::world::{Agent, CallState, Leg, NotificationShape, ParticipantShape, World};

/// The call resource of `leg`, in its agent's participant shape.
pub fn call(world: &World, leg: &Leg) -> Value {
    let agent = &world.agents[leg.agent];
    let host = &agent.host;
    let numbers = world.participants(leg);
    let mut call = Map::new();
    call.insert("id".into(), json!(leg.id));
    call.insert("state".into(), json!(leg.state.as_str()));
    call.insert("callUuid".into(), json!(leg.id));
    call.insert("connId".into(), json!(leg.conn_id));
    call.insert(
        "deviceUri".into(),
        json!(format!("http://{host}/api/v2/devices/{}", agent.device_id)),
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
    call.insert("capabilities".into(), json!(world.capabilities(leg)));
    call.insert("userData".into(), Value::Object(leg.user_data.clone()));
    call.insert("duration".into(), json!(leg.duration_secs().to_string()));
    call.insert("mute".into(), json!(if leg.muted { "On" } else { "Off" }));
    call.insert("recordingState".into(), json!(leg.recording.as_str()));
    call.insert("supervisorListeningIn".into(), json!(false));
    call.insert("monitoredUserMuted".into(), json!(false));
    call.insert("monitoring".into(), json!(false));
    call.insert(
        "uri".into(),
        json!(format!("http://{host}/api/v2/me/calls/{}", leg.id)),
    );
    call.insert("path".into(), json!(format!("/calls/{}", leg.id)));
    Value::Object(call)
}

/// `data` of a CallStateChangeMessage in the agent's chosen shape.
pub fn call_state_change(agent: &Agent, call: Value, notification_type: &str) -> Value {
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
    let host = &agent.host;
    json!({
        "id": agent.device_id,
        "deviceState": "Active",
        "userState": user_state(agent),
        "phoneNumber": agent.dn,
        "e164Number": agent.dn,
        "telephonyNetwork": "Private",
        "doNotDisturb": "Off",
        "voiceEnvironmentUri": format!("http://{host}/api/v2/voice-environments/sim"),
        "capabilities": ["ForwardCallsOn", "DoNotDisturbOn"],
        "uri": format!("http://{host}/api/v2/devices/{}", agent.device_id),
        "path": format!("/devices/{}", agent.device_id),
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
    let host = &a.host;
    let mut user = json!({
        "id": a.user_id,
        "userName": a.username,
        "firstName": a.first_name,
        "lastName": a.last_name,
        "emailAddress": format!("{}@sim.example", a.username),
        "roles": ["ROLE_AGENT"],
        "enabled": true,
        "changePasswordOnFirstLogin": false,
        "uri": format!("http://{host}/api/v2/users/{}", a.user_id),
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
