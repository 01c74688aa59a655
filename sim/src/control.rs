//! The control API under /sim, for tests and demos to script the world: read the whole
//! state, ring inbound calls, let the far end answer or hang up, give a call a new connId,
//! change its monitored user's mute state or send an Error notification about it, run
//! Ozonetel calls and switch Ozonetel agents' availability, mint an Ozonetel token as a CRM
//! backend would, change settings and agent options (the GWS shape among them), send a
//! device error, and inject faults.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::app::{lock, Sim};
use crate::auth::CookieSameSite;
use crate::faults;
use crate::ozonetel::{self as oz_api, AuthMode, ACCOUNT_API_KEY, ACCOUNT_DID, ACCOUNT_USER};
use crate::render;
use crate::world::{GwsError, GwsShape, NotificationShape, ParticipantShape};

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/sim/state", get(state))
        .route("/sim/calls/inbound", post(inbound))
        .route("/sim/calls/{id}/remote-answer", post(remote_answer))
        .route("/sim/calls/{id}/remote-hangup", post(remote_hangup))
        .route("/sim/calls/{id}/new-conn-id", post(new_conn_id))
        .route(
            "/sim/calls/{id}/monitored-user-muted",
            post(monitored_user_muted),
        )
        .route(
            "/sim/calls/{id}/error-notification",
            post(error_notification),
        )
        .route("/sim/ozonetel/calls", post(ozonetel_call))
        .route(
            "/sim/ozonetel/calls/{ucid}/disconnect",
            post(ozonetel_disconnect),
        )
        .route("/sim/ozonetel/config", post(ozonetel_config))
        .route("/sim/ozonetel/agents/{agent_id}", post(ozonetel_agent))
        .route("/sim/ozonetel/token", get(ozonetel_token))
        .route(
            "/sim/faults",
            get(get_faults).post(post_faults).delete(delete_faults),
        )
        .route("/sim/agents/{username}/options", post(agent_options))
        .route("/sim/agents/{username}/device-error", post(device_error))
        .route("/sim/config", get(get_config).post(post_config))
        .route("/sim/reset-counters", post(reset_counters))
        .route("/sim/burst", post(burst))
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

fn not_found(message: impl Into<String>) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

fn conflict(message: impl Into<String>) -> Response {
    (StatusCode::CONFLICT, Json(json!({"error": message.into()}))).into_response()
}

/// Why a change to an agent's calls did not happen.
enum Refused {
    UnknownAgent,
    World(GwsError),
}

impl Refused {
    fn answer(self, username: &str) -> Response {
        match self {
            Refused::UnknownAgent => not_found(format!("unknown agent '{username}'")),
            Refused::World(e) => conflict(e.message),
        }
    }
}

fn done() -> Response {
    Json(json!({"ok": true})).into_response()
}

/// A JSON object body; an empty body is an empty object.
#[allow(clippy::result_large_err)] // the error is the answer to send
fn object(body: &Bytes) -> Result<Map<String, Value>, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad_request("the body must be a JSON object")),
    }
}

fn text(body: &Map<String, Value>, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn state(State(sim): State<Arc<Sim>>) -> Response {
    let settings = sim.settings();
    let world = lock(&sim.world);
    let sessions = lock(&sim.sessions);
    let hub = lock(&sim.hub);
    let oz = lock(&sim.ozonetel);
    let agents: Vec<Value> = world
        .agents
        .iter()
        .map(|a| {
            json!({
                "username": a.username,
                "password": a.password,
                "displayName": a.display_name(),
                "dn": a.dn,
                "deviceId": a.device_id,
                "ozonetelAgentId": a.ozonetel_id,
                "agentState": {"state": a.state.state, "reason": a.state.reason, "workMode": a.state.work_mode},
                "sessions": sessions.count_for(&a.username),
                "cometdSessions": hub.sessions_of(&a.username),
                "subscriptions": hub.subscriptions_of(&a.username),
                "notificationShape": match a.notification_shape { NotificationShape::Nested => "nested", NotificationShape::Flat => "flat" },
                "participantShape": a.participant_shape.as_str(),
                "gwsShape": a.gws_shape.as_str(),
                "emptyParticipants": a.empty_participants,
                "startSessionPartial": a.start_session_partial,
                "listUris": a.list_uris,
                "newConnIdOnComplete": a.new_conn_id_on_complete,
                "legacyCallIds": a.legacy_call_ids,
                "parentCallUri": a.sends_parent_call_uri(),
            })
        })
        .collect();
    let calls: Vec<Value> = world
        .legs()
        .iter()
        .map(|l| render::sim_call(&world, l))
        .collect();
    let mut dispositions: Vec<Value> = world
        .dispositions
        .iter()
        .map(|d| {
            json!({
                "vendor": "genesys", "callId": d.call_id, "agent": d.agent, "disposition": d.disposition,
                "key": d.key, "comments": "", "callActive": d.call_active, "at": d.at_ms,
            })
        })
        .collect();
    dispositions.extend(oz.records.iter().map(|r| {
        json!({
            "vendor": "ozonetel", "ucid": r.ucid, "agentID": r.agent_id, "disposition": r.disposition.disposition,
            "comments": r.disposition.comments, "pauseAfterDispose": r.disposition.pause_after_dispose,
            "pauseReason": r.disposition.pause_reason, "callBackTime": r.disposition.callback_time,
            "queued": r.queued, "at": r.at_ms,
        })
    }));
    dispositions.sort_by_key(|d| d["at"].as_u64().unwrap_or(0));
    let oz_calls: Vec<Value> = oz
        .calls
        .iter()
        .map(|c| {
            json!({
                "ucid": c.ucid, "agentID": c.agent_id, "did": c.did, "callerID": c.caller_id,
                "direction": c.direction.as_str(), "campaignName": c.campaign, "uui": c.uui,
                "state": c.state().as_str(), "queuedDisposition": c.queued.as_ref().map(|d| d.disposition.clone()),
                "disposed": c.disposed,
            })
        })
        .collect();
    let mut faults_json = lock(&sim.faults).to_json();
    faults_json["duplicateNotifications"] = json!(hub.duplicate_left);
    faults_json["reverseNotifications"] = json!(hub.reverse_left);
    let body = json!({
        "agents": agents,
        "calls": calls,
        "dispositions": dispositions,
        "ozonetelCalls": oz_calls,
        "ozonetel": {
            "authMode": match oz.auth_mode { AuthMode::Token => "TOKEN_AUTH", AuthMode::Basic => "BASIC_AUTH" },
            "liveTokens": oz.live_tokens(),
            "transientLeft": oz.transient_left,
            "agents": oz.agents.iter().map(|a| json!({"agentID": a.id, "available": a.available})).collect::<Vec<_>>(),
            "campaigns": oz.campaigns.iter().map(|c| json!({"campaignName": c.name, "did": c.did})).collect::<Vec<_>>(),
        },
        "cometd": {
            "sessions": hub.session_count(),
            "heldConnects": hub.held_count(),
            "connectsInFlight": hub.connects_in_flight,
            "handshakes": hub.handshakes,
            "connects": hub.connects,
        },
        "httpSessions": sessions.len(),
        "sessionsOpened": sessions.opened,
        "requests": *lock(&sim.requests),
        "faults": faults_json,
        "settings": settings_json(&settings),
    });
    Json(body).into_response()
}

fn settings_json(s: &crate::app::Settings) -> Value {
    json!({
        "csrf": s.csrf,
        "cometdTimeoutMs": s.cometd_timeout_ms,
        "cometdMaxIntervalMs": s.cometd_max_interval_ms,
        "multipleClientsIntervalMs": s.multiple_clients_interval_ms,
        "wrapupSecs": s.wrapup_secs,
        "tokenLifetimeSecs": s.token_lifetime_secs,
        "tokensPerHour": s.tokens_per_hour,
        "answerDelayMs": s.answer_delay_ms,
        "gwsShape": s.gws_shape.as_str(),
        "cometdAck": s.cometd_ack,
        "cookieSameSite": s.cookie_samesite.as_str(),
    })
}

async fn inbound(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(username) = text(&body, "agent") else {
        return bad_request("agent is required");
    };
    let from = text(&body, "from").unwrap_or_else(|| "5551234".to_string());
    let user_data = match body.get("userData") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return bad_request("userData must be an object"),
    };
    let id = sim.apply(|world, out| {
        let agent = world.agent_index(&username).ok_or(Refused::UnknownAgent)?;
        Ok::<_, Refused>(world.inbound(agent, &from, user_data, out))
    });
    match id {
        Ok(id) => Json(json!({"id": id})).into_response(),
        Err(r) => r.answer(&username),
    }
}

async fn remote_answer(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    remote(&sim, &id, true)
}

async fn remote_hangup(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    remote(&sim, &id, false)
}

fn remote(sim: &Arc<Sim>, id: &str, answer: bool) -> Response {
    let result = sim.apply(|world, out| {
        if answer {
            world.remote_answer(id, out)
        } else {
            world.remote_hangup(id, out)
        }
    });
    match result {
        Ok(()) => done(),
        Err(e) if e.code == 6 => not_found(e.message),
        Err(e) => conflict(e.message),
    }
}

/// What a change to a call by id answers: 404 for an unknown call, 409 when the call's
/// state does not allow it.
fn call_change(result: Result<Value, GwsError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) if e.code == 6 => not_found(e.message),
        Err(e) => conflict(e.message),
    }
}

/// `POST /sim/calls/{id}/new-conn-id {"connId"?,"notificationType"?}`: the call keeps its
/// id and takes a new connId (given, or 16 new hex digits), and every agent on it hears
/// `notificationType` (default `ParticipantsUpdated`).
async fn new_conn_id(State(sim): State<Arc<Sim>>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let conn_id = match body.get("connId") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) if c.len() == 16 && c.chars().all(|ch| ch.is_ascii_hexdigit()) => {
            Some(c.to_ascii_lowercase())
        }
        Some(_) => return bad_request("connId must be 16 hex digits"),
    };
    let notification_type = match body.get("notificationType") {
        None | Some(Value::Null) => "ParticipantsUpdated".to_string(),
        Some(Value::String(t)) if !t.is_empty() => t.clone(),
        Some(_) => return bad_request("notificationType must be a non-empty string"),
    };
    call_change(sim.apply(|world, out| {
        world
            .renew_conn_id(&id, conn_id, &notification_type, out)
            .map(|c| json!({"ok": true, "id": id, "connId": c}))
    }))
}

/// `POST /sim/calls/{id}/monitored-user-muted {"muted"?:bool}` (default true): the call's
/// `monitoredUserMuted` and a `MonitoredUserMutedStateChange` notification.
async fn monitored_user_muted(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let muted = match body.get("muted") {
        None | Some(Value::Null) => true,
        Some(v) => match v.as_bool() {
            Some(b) => b,
            None => return bad_request("muted must be a boolean"),
        },
    };
    call_change(sim.apply(|world, out| {
        world
            .set_monitored_user_muted(&id, muted, out)
            .map(|()| json!({"ok": true, "monitoredUserMuted": muted}))
    }))
}

/// `POST /sim/calls/{id}/error-notification {"errorCode"?,"errorMessage"?}`: a call
/// notification of type `Error`. A missing field takes its default (errorCode 4, the
/// captured T-Server message with the agent's DN); `null` leaves it out.
async fn error_notification(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let code = match body.get("errorCode") {
        None => Some(json!(4)),
        Some(Value::Null) => None,
        Some(v @ Value::Number(_)) if v.as_u64().is_some() => Some(v.clone()),
        Some(_) => return bad_request("errorCode must be a non-negative integer or null"),
    };
    let message = match body.get("errorMessage") {
        None => Some(None),
        Some(Value::Null) => None,
        Some(Value::String(m)) => Some(Some(m.clone())),
        Some(_) => return bad_request("errorMessage must be a string or null"),
    };
    call_change(sim.apply(|world, out| {
        let dn = world
            .leg(&id)
            .map(|l| world.agents[l.agent].dn.clone())
            .unwrap_or_default();
        let mut fields = Map::new();
        if let Some(code) = code {
            fields.insert("errorCode".into(), code);
        }
        if let Some(message) = message {
            let text = message.unwrap_or_else(|| format!("Device '{dn}' is not registered."));
            fields.insert("errorMessage".into(), json!(text));
        }
        world
            .error_notification(&id, fields, out)
            .map(|()| json!({"ok": true}))
    }))
}

async fn ozonetel_call(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(agent_id) = text(&body, "agentID") else {
        return bad_request("agentID is required");
    };
    let did = text(&body, "did").unwrap_or_else(|| ACCOUNT_DID.to_string());
    let caller = text(&body, "callerID").unwrap_or_else(|| "9876543210".to_string());
    let wrapup = body
        .get("wrapupSecs")
        .and_then(Value::as_f64)
        .filter(|s| *s >= 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or_else(|| Duration::from_secs(sim.settings().wrapup_secs));
    match lock(&sim.ozonetel).connect_call(&agent_id, &did, &caller, wrapup) {
        Ok(ucid) => Json(json!({"ucid": ucid})).into_response(),
        Err(e) => bad_request(e),
    }
}

async fn ozonetel_disconnect(State(sim): State<Arc<Sim>>, Path(ucid): Path<String>) -> Response {
    match lock(&sim.ozonetel).disconnect_call(&ucid) {
        Ok(()) => done(),
        Err(e) => not_found(e),
    }
}

async fn ozonetel_config(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut oz = lock(&sim.ozonetel);
    match text(&body, "authMode").as_deref() {
        None => {}
        Some("TOKEN_AUTH") => oz.auth_mode = AuthMode::Token,
        Some("BASIC_AUTH") => oz.auth_mode = AuthMode::Basic,
        Some(other) => {
            return bad_request(format!(
                "authMode must be TOKEN_AUTH or BASIC_AUTH, not '{other}'"
            ))
        }
    }
    if let Some(list) = body.get("dispositions") {
        let Some(list) = list.as_array() else {
            return bad_request("dispositions must be a list of strings");
        };
        oz.disposition_list = list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
    }
    done()
}

/// `POST /sim/ozonetel/agents/{agentID} {"available":bool}`: whether the agent can take a
/// manual dial (a missing `available` makes it available again).
async fn ozonetel_agent(
    State(sim): State<Arc<Sim>>,
    Path(agent_id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let available = match body.get("available") {
        None => true,
        Some(v) => match v.as_bool() {
            Some(b) => b,
            None => return bad_request("available must be a boolean"),
        },
    };
    if !lock(&sim.ozonetel).set_available(&agent_id, available) {
        return not_found(format!("unknown agentID '{agent_id}'"));
    }
    Json(json!({"ok": true, "agentID": agent_id, "available": available})).into_response()
}

/// `GET /sim/ozonetel/token?userName=…`: a stand-in for a CRM's backend, which keeps the API
/// key and hands the page a token. It mints through generateToken's own checks with the
/// account's key, so the hourly cap and the rotation apply. Errors: 429 for the cap, 400
/// for a user other than the account's, each `{"error":"<generateToken's message>"}`.
async fn ozonetel_token(
    State(sim): State<Arc<Sim>>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let user = query
        .get("userName")
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
        .unwrap_or(ACCOUNT_USER);
    match oz_api::mint_token(&sim, Some(user), Some(ACCOUNT_API_KEY)) {
        Ok(token) => Json(json!({"token": token})).into_response(),
        Err(message) if message == oz_api::TOKEN_LIMIT_REACHED => (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({"error": message})),
        )
            .into_response(),
        Err(message) => bad_request(message),
    }
}

async fn get_faults(State(sim): State<Arc<Sim>>) -> Response {
    Json(lock(&sim.faults).to_json()).into_response()
}

async fn post_faults(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match faults::apply(&sim, &Value::Object(body)) {
        Ok(()) => done(),
        Err(e) => bad_request(e),
    }
}

async fn delete_faults(State(sim): State<Arc<Sim>>) -> Response {
    faults::clear(&sim);
    done()
}

async fn agent_options(
    State(sim): State<Arc<Sim>>,
    Path(username): Path<String>,
    body: Bytes,
) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let notification = match text(&body, "notificationShape").as_deref() {
        None => None,
        Some("nested") => Some(NotificationShape::Nested),
        Some("flat") => Some(NotificationShape::Flat),
        Some(other) => {
            return bad_request(format!(
                "notificationShape must be nested or flat, not '{other}'"
            ))
        }
    };
    let participants = match text(&body, "participantShape") {
        None => None,
        Some(name) => match ParticipantShape::parse(&name) {
            Some(shape) => Some(shape),
            None => {
                return bad_request(format!(
                    "participantShape must be strings, objects or info, not '{name}'"
                ))
            }
        },
    };
    let wrap_up = match body.get("wrapUpSecs") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n),
            None => return bad_request("wrapUpSecs must be a non-negative integer"),
        },
    };
    let gws_shape = match text(&body, "gwsShape") {
        None => None,
        Some(name) => match GwsShape::parse(&name) {
            Some(shape) => Some(shape),
            None => return bad_request(format!("gwsShape must be doc or real, not '{name}'")),
        },
    };
    // The boolean options, each optional.
    let mut flags: [(&str, Option<bool>); 5] = [
        ("emptyParticipants", None),
        ("startSessionPartial", None),
        ("listUris", None),
        ("newConnIdOnComplete", None),
        ("legacyCallIds", None),
    ];
    for (key, slot) in flags.iter_mut() {
        if let Some(v) = body.get(*key) {
            match v.as_bool() {
                Some(b) => *slot = Some(b),
                None => return bad_request(format!("{key} must be a boolean")),
            }
        }
    }
    // `parentCallUri`: a boolean, or null for the shape's default (on in `real`).
    let parent_call_uri = match body.get("parentCallUri") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::Bool(b)) => Some(Some(*b)),
        Some(_) => return bad_request("parentCallUri must be a boolean or null"),
    };
    let names = [text(&body, "firstName"), text(&body, "lastName")];
    let mut world = lock(&sim.world);
    let Some(agent) = world.agent_index(&username) else {
        return not_found(format!("unknown agent '{username}'"));
    };
    if let Some(shape) = gws_shape {
        world.set_gws_shape(agent, shape, participants.is_some());
    }
    world.set_shapes(agent, notification, participants);
    for (key, value) in flags {
        let Some(value) = value else { continue };
        let a = &mut world.agents[agent];
        match key {
            "emptyParticipants" => a.empty_participants = value,
            "startSessionPartial" => a.start_session_partial = value,
            "listUris" => a.list_uris = value,
            "newConnIdOnComplete" => a.new_conn_id_on_complete = value,
            _ => a.legacy_call_ids = value,
        }
    }
    if let Some(choice) = parent_call_uri {
        world.agents[agent].parent_call_uri = choice;
    }
    let [first, last] = names;
    if let Some(first) = first {
        world.agents[agent].first_name = first;
    }
    if let Some(last) = last {
        world.agents[agent].last_name = last;
    }
    if let Some(secs) = wrap_up {
        world.agents[agent].wrap_up_secs = secs;
    }
    done()
}

/// `POST /sim/agents/{username}/device-error`: the agent's device gets a GWS
/// `ErrorMessage` on `/v2/me/devices` (only `devicePath`, `deviceUri`, `metrics`).
async fn device_error(State(sim): State<Arc<Sim>>, Path(username): Path<String>) -> Response {
    let sent = sim.apply(|world, out| {
        let agent = world.agent_index(&username).ok_or(())?;
        world.device_error(agent, out);
        Ok::<_, ()>(())
    });
    match sent {
        Ok(()) => done(),
        Err(()) => not_found(format!("unknown agent '{username}'")),
    }
}

/// `POST /sim/burst {"agent","count"?,"key"?,"prefix"?}`: queues `count` (default 200, at
/// most 10 000) AttachedDataChanged notifications for the agent's live calls at once, so
/// they leave in one connect answer (see `World::burst`).
async fn burst(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(username) = text(&body, "agent") else {
        return bad_request("agent is required");
    };
    let count = match body.get("count") {
        None | Some(Value::Null) => 200,
        Some(v) => match v.as_u64() {
            Some(n) if n <= 10_000 => n as usize,
            _ => return bad_request("count must be an integer from 0 to 10000"),
        },
    };
    let key = text(&body, "key").unwrap_or_else(|| "BurstSeq".to_string());
    let prefix = text(&body, "prefix").unwrap_or_else(|| "burst".to_string());
    // When the burst fails nothing was queued, so the empty outcome publishes nothing.
    let result = sim.apply(|world, out| {
        let agent = world.agent_index(&username).ok_or(Refused::UnknownAgent)?;
        world
            .burst(agent, count, &key, &prefix, out)
            .map_err(Refused::World)
    });
    match result {
        Ok(()) => Json(json!({"ok": true, "count": count, "key": key})).into_response(),
        Err(r) => r.answer(&username),
    }
}

async fn get_config(State(sim): State<Arc<Sim>>) -> Response {
    Json(settings_json(&sim.settings())).into_response()
}

async fn post_config(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let body = match object(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut s = sim.settings();
    if let Some(v) = body.get("csrf") {
        match v.as_bool() {
            Some(b) => s.csrf = b,
            None => return bad_request("csrf must be a boolean"),
        }
    }
    let fields: [(&str, &mut u64); 6] = [
        ("cometdTimeoutMs", &mut s.cometd_timeout_ms),
        ("cometdMaxIntervalMs", &mut s.cometd_max_interval_ms),
        (
            "multipleClientsIntervalMs",
            &mut s.multiple_clients_interval_ms,
        ),
        ("wrapupSecs", &mut s.wrapup_secs),
        ("tokenLifetimeSecs", &mut s.token_lifetime_secs),
        ("answerDelayMs", &mut s.answer_delay_ms),
    ];
    for (key, slot) in fields {
        if let Some(v) = body.get(key) {
            match v.as_u64() {
                Some(n) => *slot = n,
                None => return bad_request(format!("{key} must be a non-negative integer")),
            }
        }
    }
    if let Some(v) = body.get("tokensPerHour") {
        match v.as_u64() {
            Some(n) => s.tokens_per_hour = n as usize,
            None => return bad_request("tokensPerHour must be a non-negative integer"),
        }
    }
    if let Some(v) = body.get("cookieSameSite") {
        match v.as_str().and_then(CookieSameSite::parse) {
            Some(mode) => s.cookie_samesite = mode,
            None => return bad_request("cookieSameSite must be lax, none or partitioned"),
        }
    }
    if let Some(v) = body.get("cometdAck") {
        match v.as_bool() {
            Some(b) => s.cometd_ack = b,
            None => return bad_request("cometdAck must be a boolean"),
        }
    }
    if let Some(v) = body.get("cookieSameSite") {
        match v.as_str().and_then(CookieSameSite::parse) {
            Some(mode) => s.cookie_samesite = mode,
            None => return bad_request("cookieSameSite must be lax, none or partitioned"),
        }
    }
    let gws_shape = match text(&body, "gwsShape") {
        None => None,
        Some(name) => match GwsShape::parse(&name) {
            Some(shape) => Some(shape),
            None => return bad_request(format!("gwsShape must be doc or real, not '{name}'")),
        },
    };
    {
        let mut world = lock(&sim.world);
        world.answer_delay = Duration::from_millis(s.answer_delay_ms);
        // The server-wide shape applies to every agent too.
        if let Some(shape) = gws_shape {
            s.gws_shape = shape;
            for agent in 0..world.agents.len() {
                world.set_gws_shape(agent, shape, false);
            }
        }
    }
    *lock(&sim.settings) = s.clone();
    Json(settings_json(&s)).into_response()
}

async fn reset_counters(State(sim): State<Arc<Sim>>) -> Response {
    lock(&sim.requests).clear();
    lock(&sim.sessions).opened = 0;
    {
        let mut hub = lock(&sim.hub);
        hub.handshakes = 0;
        hub.connects = 0;
    }
    done()
}
