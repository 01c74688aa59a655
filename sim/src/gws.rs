//! GWS v2 voice routes: the user, devices and calls of the authenticated agent, and the
//! operations that change them. Answers are `{"statusCode":N[,"statusMessage"]}`; the
//! outcome travels as CometD notifications. The `failNextOperation` fault fails an
//! operation before it runs; `silentNextOperation` accepts a call operation and drops it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::app::{lock, Sim};
use crate::auth::Caller;
use crate::render;
use crate::world::{GwsError, MeAnswer};

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v2/me", get(get_me).post(post_me))
        .route("/api/v2/me/devices", get(get_devices))
        .route("/api/v2/me/devices/{id}/calls", post(dial))
        .route("/api/v2/me/calls", get(get_calls))
        .route("/api/v2/me/calls/{id}", get(get_call).post(call_operation))
        .route("/api/v2/me/channels/voice", post(voice_operation))
}

pub fn ok() -> Response {
    Json(json!({"statusCode": 0})).into_response()
}

pub fn error(e: GwsError) -> Response {
    Json(json!({"statusCode": e.code, "statusMessage": e.message})).into_response()
}

/// The JSON body of an operation; a body that is not JSON is an input validation error.
fn operation_body(body: &Bytes) -> Result<Value, GwsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(GwsError::new(10, "The body must be a JSON object")),
        Err(_) => Err(GwsError::new(10, "The body is not valid JSON")),
    }
}

/// The `failNextOperation` fault: when it takes this operation, the error answer with its
/// HTTP status (the operation is not carried out). The default message is the captured
/// T-Server failure, with the agent's DN.
fn injected_failure(sim: &Sim, caller: &Caller, body: &Value) -> Option<Response> {
    let op = body
        .get("operationName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let failure = lock(&sim.faults).take_operation_failure(op)?;
    let message = failure.message.unwrap_or_else(|| {
        let dn = lock(&sim.world).agents[caller.agent].dn.clone();
        format!("Device '{dn}' is not registered.")
    });
    let status = StatusCode::from_u16(failure.http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Some(
        (
            status,
            Json(json!({"statusCode": failure.code, "statusMessage": message})),
        )
            .into_response(),
    )
}

/// Parse an operation's body, then let the `failNextOperation` fault take it or `run` it.
fn operate(
    sim: &Sim,
    caller: &Caller,
    body: &Bytes,
    run: impl FnOnce(Value) -> Response,
) -> Response {
    match operation_body(body) {
        Err(e) => error(e),
        Ok(body) => match injected_failure(sim, caller, &body) {
            Some(failed) => failed,
            None => run(body),
        },
    }
}

/// The answer to an operation whose result carries nothing else to say.
fn reply<T>(r: Result<T, GwsError>) -> Response {
    match r {
        Ok(_) => ok(),
        Err(e) => error(e),
    }
}

fn wants_subresources(query: &HashMap<String, String>) -> bool {
    query.get("subresources").is_some_and(|v| !v.is_empty())
}

async fn get_me(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&sim.world);
    Json(json!({"statusCode": 0, "user": render::user(&world, caller.agent, wants_subresources(&query))})).into_response()
}

async fn post_me(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    body: Bytes,
) -> Response {
    operate(&sim, &caller, &body, |body| {
        match sim.apply(|w, out| w.me_operation(caller.agent, &body, out)) {
            Ok(MeAnswer::EndSession) => {
                sim.end_http_session(&caller.session_id);
                ok()
            }
            Ok(MeAnswer::Done) => ok(),
            Ok(MeAnswer::Partial(answer)) => Json(answer).into_response(),
            Err(e) => error(e),
        }
    })
}

/// What a list GET's `fields` asks for.
enum Fields {
    /// No `fields` (or an empty one): the resources' URIs, when the agent's `listUris` is on.
    None,
    /// `fields=*`: every field.
    All,
    /// `fields=a,b`: only these fields of each resource.
    Some(Vec<String>),
}

fn fields(query: &HashMap<String, String>) -> Fields {
    match query.get("fields").map(|f| f.trim()) {
        None | Some("") => Fields::None,
        Some(f) if f.split(',').any(|x| x.trim() == "*") => Fields::All,
        Some(f) => Fields::Some(
            f.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
        ),
    }
}

/// A list GET's answer: `{"statusCode":0,"<key>":[…]}`, or with the agent's `listUris`
/// option `{"statusCode":0,"uris":[…]}` unless `fields` asks for fields (`*`: all of them;
/// `a,b`: those). Without the option `fields` is ignored and the resources are whole.
fn list_answer(
    list_uris: bool,
    query: &HashMap<String, String>,
    key: &str,
    items: Vec<(String, Value)>,
) -> Response {
    let body = match (list_uris, fields(query)) {
        (true, Fields::None) => {
            let uris: Vec<String> = items.into_iter().map(|(uri, _)| uri).collect();
            json!({"statusCode": 0, "uris": uris})
        }
        (true, Fields::Some(names)) => {
            let picked: Vec<Value> = items
                .into_iter()
                .map(|(_, v)| match v {
                    Value::Object(m) => {
                        Value::Object(m.into_iter().filter(|(k, _)| names.contains(k)).collect())
                    }
                    other => other,
                })
                .collect();
            json!({"statusCode": 0, key: picked})
        }
        _ => {
            let all: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
            json!({"statusCode": 0, key: all})
        }
    };
    Json(body).into_response()
}

async fn get_devices(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&sim.world);
    let agent = &world.agents[caller.agent];
    let items = vec![(render::device_uri(agent), render::device(agent))];
    list_answer(agent.list_uris, &query, "devices", items)
}

async fn get_calls(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&sim.world);
    let items = world
        .active_calls_of(caller.agent)
        .into_iter()
        .map(|l| (render::call_uri(&world, l), render::call(&world, l)))
        .collect();
    list_answer(world.agents[caller.agent].list_uris, &query, "calls", items)
}

async fn get_call(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    let world = lock(&sim.world);
    match world.leg(&id).filter(|l| l.agent == caller.agent) {
        Some(leg) => {
            Json(json!({"statusCode": 0, "call": render::call(&world, leg)})).into_response()
        }
        None => error(GwsError::not_found("Call")),
    }
}

async fn dial(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(device): Path<String>,
    body: Bytes,
) -> Response {
    operate(&sim, &caller, &body, |body| {
        reply(sim.apply(|w, out| w.dial(caller.agent, &device, &body, out)))
    })
}

async fn call_operation(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    operate(&sim, &caller, &body, |body| {
        reply(sim.apply(|w, out| {
            let op = body
                .get("operationName")
                .and_then(Value::as_str)
                .unwrap_or("");
            // The `silentNextOperation` fault: GWS accepts the operation (statusCode 0 when
            // its checks pass) and the switch never carries it out. A refused one does
            // not count.
            let silenced = lock(&sim.faults).silences(op);
            if silenced {
                let accepted = w.try_call_operation(caller.agent, &id, &body);
                if accepted.is_ok() {
                    lock(&sim.faults).take_silent_operation(op);
                }
                return accepted;
            }
            w.call_operation(caller.agent, &id, &body, out)
        }))
    })
}

async fn voice_operation(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    body: Bytes,
) -> Response {
    operate(&sim, &caller, &body, |body| {
        reply(sim.apply(|w, out| w.voice_operation(caller.agent, &body, out)))
    })
}
