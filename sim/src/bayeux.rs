//! A Bayeux 1.0 long-polling server at /api/v2/notifications: handshake, held connects
//! that carry queued events, subscriptions with `*` and `**`, disconnect, advice, session
//! expiry (402::session_unknown → handshake), the BAYEUX_BROWSER cookie with the
//! multiple-clients advice, and one held connect per session.
//! Each session belongs to the GWS HTTP session (and so the agent) that handshook.
//! The `ack` extension (CometD's acknowledged messages) is offered when a client asks for
//! it in its handshake: events stay kept until the client acknowledges the batch that
//! carried them, and are sent again when it did not (a connect answer lost on the way).
//! With the `cometdAck` setting off it is neither advertised nor honoured.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::app::{lock, Sim};
use crate::auth::{append_cookie, cookie, random_hex, CallerSlot};

pub const BROWSER_COOKIE: &str = "BAYEUX_BROWSER";

pub struct BayeuxSession {
    pub id: String,
    pub agent: String,
    pub http_session: String,
    pub browser: String,
    subscriptions: Vec<String>,
    queue: Vec<Value>,
    last_seen: Instant,
    /// Generation of the connect being held now.
    held: Option<u64>,
    next_generation: u64,
    /// A held connect the dropHeldConnects fault cut.
    dropped: Option<u64>,
    /// Events the reverseNotifications fault holds back (see `Hub::publish`).
    held_back: Vec<Value>,
    /// The ack extension: on for this session, the number of the last batch sent, and
    /// the events sent in batches the client has not acknowledged yet.
    ack: bool,
    batch: i64,
    unacked: Vec<Value>,
    wake: Arc<Notify>,
}

#[derive(Default)]
pub struct Hub {
    sessions: HashMap<String, BayeuxSession>,
    pub handshakes: u64,
    pub connects: u64,
    pub connects_in_flight: u64,
    /// Fault: the next N notifications are each queued twice.
    pub duplicate_left: u32,
    /// Fault: the next N notifications are held back, then queued newest first.
    pub reverse_left: u32,
}

/// `/a/*` matches one more segment, `/a/**` any number.
pub fn channel_matches(pattern: &str, channel: &str) -> bool {
    if pattern == channel {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return channel.len() > prefix.len() + 1
            && channel.starts_with(prefix)
            && channel[prefix.len()..].starts_with('/');
    }
    if let Some(prefix) = pattern.strip_suffix("/*") {
        return channel
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    }
    false
}

impl Hub {
    /// Queue an event for every session of `agent` subscribed to `channel`. The
    /// duplicate and reverse faults act here: a duplicated event is queued twice in a row;
    /// while reversing, events wait in `held_back` until the last one counted arrives,
    /// then all go out together, newest first (copies stay side by side).
    pub fn publish(&mut self, agent: &str, channel: &str, data: Value) {
        let event = json!({"channel": channel, "data": data});
        let copies = if self.duplicate_left > 0 {
            self.duplicate_left -= 1;
            2
        } else {
            1
        };
        let reversing = self.reverse_left > 0;
        if reversing {
            self.reverse_left -= 1;
        }
        for s in self.sessions.values_mut() {
            if s.agent == agent && s.subscriptions.iter().any(|p| channel_matches(p, channel)) {
                let target = if reversing { &mut s.held_back } else { &mut s.queue };
                target.extend(std::iter::repeat_n(event.clone(), copies));
                if !reversing {
                    s.wake.notify_waiters();
                }
            }
        }
        if reversing && self.reverse_left == 0 {
            self.release_held_back();
        }
    }

    /// Queue every held-back event, newest first, and wake the sessions that got some.
    pub fn release_held_back(&mut self) {
        for s in self.sessions.values_mut() {
            if !s.held_back.is_empty() {
                let mut held = std::mem::take(&mut s.held_back);
                held.reverse();
                s.queue.extend(held);
                s.wake.notify_waiters();
            }
        }
    }

    /// Forget the sessions that match; their held connects answer 402.
    pub fn expire_where(&mut self, pred: impl Fn(&BayeuxSession) -> bool) {
        let doomed: Vec<String> = self
            .sessions
            .values()
            .filter(|s| pred(s))
            .map(|s| s.id.clone())
            .collect();
        for id in doomed {
            if let Some(s) = self.sessions.remove(&id) {
                s.wake.notify_waiters();
            }
        }
    }

    /// Cut every held connect (they fail with HTTP 500).
    pub fn drop_held_connects(&mut self) {
        for s in self.sessions.values_mut() {
            if let Some(g) = s.held {
                s.dropped = Some(g);
                s.wake.notify_waiters();
            }
        }
    }

    /// Remove sessions that have not connected for `max_interval`.
    pub fn sweep(&mut self, max_interval: Duration) {
        let now = Instant::now();
        self.sessions.retain(|_, s| {
            s.held.is_some() || now.saturating_duration_since(s.last_seen) <= max_interval
        });
    }

    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    pub fn sessions_of(&self, agent: &str) -> usize {
        self.sessions.values().filter(|s| s.agent == agent).count()
    }

    pub fn held_count(&self) -> usize {
        self.sessions.values().filter(|s| s.held.is_some()).count()
    }

    pub fn subscriptions_of(&self, agent: &str) -> Vec<String> {
        let mut subs: Vec<String> = self
            .sessions
            .values()
            .filter(|s| s.agent == agent)
            .flat_map(|s| s.subscriptions.iter().cloned())
            .collect();
        subs.sort();
        subs.dedup();
        subs
    }
}

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v2/notifications", post(notifications))
        .route("/api/v2/notifications/", post(notifications))
        .route("/api/v2/notifications/{*message_type}", post(notifications))
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    res
}

fn id_of(msg: &Value) -> Value {
    msg.get("id").cloned().unwrap_or(Value::Null)
}

fn reply(msg: &Value, channel: &str, fields: Value) -> Value {
    let mut r = json!({"channel": channel});
    if let Some(id) = msg.get("id") {
        r["id"] = id.clone();
    }
    if let (Some(r), Value::Object(f)) = (r.as_object_mut(), fields) {
        r.extend(f);
    }
    r
}

fn unknown_session(msg: &Value, channel: &str) -> Value {
    reply(
        msg,
        channel,
        json!({
            "successful": false,
            "error": "402::session_unknown",
            "advice": {"reconnect": "handshake", "interval": 0},
        }),
    )
}

struct Request<'a> {
    sim: &'a Arc<Sim>,
    caller: &'a CallerSlot,
    browser: Option<String>,
    new_browser: Option<String>,
}

async fn notifications(
    State(sim): State<Arc<Sim>>,
    Extension(slot): Extension<CallerSlot>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let messages: Vec<Value> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(list)) => list,
        Ok(v @ Value::Object(_)) => vec![v],
        _ => {
            return json_response(
                StatusCode::BAD_REQUEST,
                &json!([{"successful": false, "error": "400::invalid message"}]),
            )
        }
    };
    let mut request = Request {
        sim: &sim,
        caller: &slot,
        browser: cookie(&headers, BROWSER_COOKIE),
        new_browser: None,
    };
    let batched = messages.len() > 1;
    let mut replies: Vec<Value> = Vec::new();
    let mut connect: Option<Value> = None;
    for msg in &messages {
        match msg.get("channel").and_then(Value::as_str) {
            Some("/meta/handshake") => replies.push(handshake(&mut request, msg)),
            Some("/meta/connect") if connect.is_none() => connect = Some(msg.clone()),
            Some("/meta/connect") => replies.push(reply(
                msg,
                "/meta/connect",
                json!({"successful": false, "error": "400::one connect per request"}),
            )),
            Some(ch @ ("/meta/subscribe" | "/meta/unsubscribe")) => {
                replies.push(subscription(&request, msg, ch == "/meta/subscribe"))
            }
            Some("/meta/disconnect") => replies.push(disconnect(&request, msg)),
            Some(ch) => replies.push(reply(
                msg,
                ch,
                json!({"successful": false, "error": "403::publish_denied"}),
            )),
            None => replies.push(
                json!({"id": id_of(msg), "successful": false, "error": "400::channel missing"}),
            ),
        }
    }
    if let Some(msg) = connect {
        let answer = hold_connect(&request, &msg, batched).await;
        // Fault: connect answers leave late (a slow server or proxy). Clearing the fault
        // lets the answers waiting now go at once.
        let ready = tokio::time::Instant::now();
        loop {
            let delay = Duration::from_millis(lock(&sim.faults).connect_delay_ms);
            let waited = ready.elapsed();
            if waited >= delay {
                break;
            }
            tokio::time::sleep((delay - waited).min(Duration::from_millis(100))).await;
        }
        match answer {
            Some((events, mut reply)) => {
                let events = acknowledged(&sim, &msg, events, &mut reply);
                replies.extend(events);
                replies.push(reply);
            }
            None => return (StatusCode::INTERNAL_SERVER_ERROR, "connect dropped").into_response(),
        }
    }
    let mut res = json_response(StatusCode::OK, &Value::Array(replies));
    if let Some(browser) = request.new_browser {
        append_cookie(
            &mut res,
            &sim.settings().cookie_samesite.cookie(BROWSER_COOKIE, &browser, false),
        );
    }
    res
}

/// The batch number a connect acknowledges (`ext.ack`), -1 when none.
fn client_ack(msg: &Value) -> i64 {
    msg.get("ext")
        .and_then(|e| e.get("ack"))
        .and_then(Value::as_i64)
        .unwrap_or(-1)
}

/// The ack extension on a successful connect answer of a session that uses it: the events
/// not yet acknowledged go again before the new ones, the new ones open a new batch, and
/// the reply says which batch this is (`ext.ack`).
fn acknowledged(sim: &Arc<Sim>, msg: &Value, events: Vec<Value>, reply: &mut Value) -> Vec<Value> {
    if reply.get("successful") != Some(&Value::Bool(true)) {
        return events;
    }
    let mut hub = lock(&sim.hub);
    let Some(session) = client_id(msg).and_then(|id| hub.sessions.get_mut(id)) else {
        return events;
    };
    if !session.ack {
        return events;
    }
    if !events.is_empty() {
        session.batch += 1;
        session.unacked.extend(events);
    }
    reply["ext"] = json!({"ack": session.batch});
    session.unacked.clone()
}

fn handshake(request: &mut Request<'_>, msg: &Value) -> Value {
    let Some(caller) = &request.caller.0 else {
        return reply(
            msg,
            "/meta/handshake",
            json!({
                "successful": false,
                "error": "401::Authentication required",
                "advice": {"reconnect": "none"},
            }),
        );
    };
    let settings = request.sim.settings();
    let browser = match (&request.browser, &request.new_browser) {
        (Some(b), _) | (None, Some(b)) => b.clone(),
        (None, None) => {
            let b = random_hex(12);
            request.new_browser = Some(b.clone());
            b
        }
    };
    let client_id = random_hex(16);
    // With the ack extension off the server neither advertises nor honours it, as a
    // server without it (no GWS document mentions it) would.
    let wants_ack = settings.cometd_ack
        && msg
            .get("ext")
            .and_then(|e| e.get("ack"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
    let mut hub = lock(&request.sim.hub);
    hub.handshakes += 1;
    hub.sessions.insert(
        client_id.clone(),
        BayeuxSession {
            id: client_id.clone(),
            agent: caller.username.clone(),
            http_session: caller.session_id.clone(),
            browser,
            subscriptions: Vec::new(),
            queue: Vec::new(),
            last_seen: Instant::now(),
            held: None,
            next_generation: 0,
            dropped: None,
            held_back: Vec::new(),
            ack: wants_ack,
            batch: 0,
            unacked: Vec::new(),
            wake: Arc::new(Notify::new()),
        },
    );
    let mut fields = json!({
            "successful": true,
            "clientId": client_id,
            "version": "1.0",
            "minimumVersion": "1.0",
            "supportedConnectionTypes": ["long-polling"],
            "advice": {
                "reconnect": "retry",
                "interval": 0,
                "timeout": settings.cometd_timeout_ms,
                "maxInterval": settings.cometd_max_interval_ms,
            },
        });
    if wants_ack {
        fields["ext"] = json!({"ack": true});
    }
    reply(msg, "/meta/handshake", fields)
}

fn client_id(msg: &Value) -> Option<&str> {
    msg.get("clientId").and_then(Value::as_str)
}

/// Subscribe or unsubscribe; `subscription` is a channel or a list of them.
fn subscription(request: &Request<'_>, msg: &Value, subscribe: bool) -> Value {
    let channel = if subscribe {
        "/meta/subscribe"
    } else {
        "/meta/unsubscribe"
    };
    let mut hub = lock(&request.sim.hub);
    let Some(session) = client_id(msg).and_then(|id| hub.sessions.get_mut(id)) else {
        return unknown_session(msg, channel);
    };
    let requested = msg.get("subscription").cloned().unwrap_or(Value::Null);
    let list: Vec<String> = match &requested {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    if list.is_empty() {
        return reply(
            msg,
            channel,
            json!({"successful": false, "error": "400::subscription missing", "subscription": requested}),
        );
    }
    if let Some(bad) = list
        .iter()
        .find(|c| !c.starts_with('/') || c.starts_with("/meta/"))
    {
        return reply(
            msg,
            channel,
            json!({"successful": false, "error": format!("403:{bad}:forbidden"), "subscription": requested}),
        );
    }
    for c in list {
        if subscribe {
            if !session.subscriptions.contains(&c) {
                session.subscriptions.push(c);
            }
        } else {
            session.subscriptions.retain(|s| *s != c);
        }
    }
    reply(
        msg,
        channel,
        json!({"successful": true, "subscription": requested}),
    )
}

fn disconnect(request: &Request<'_>, msg: &Value) -> Value {
    let mut hub = lock(&request.sim.hub);
    match client_id(msg).and_then(|id| hub.sessions.remove(id)) {
        Some(session) => {
            session.wake.notify_waiters();
            reply(msg, "/meta/disconnect", json!({"successful": true}))
        }
        None => unknown_session(msg, "/meta/disconnect"),
    }
}

/// Clears the held mark when a connect ends in any way (also when the client goes away).
struct HeldConnect {
    sim: Arc<Sim>,
    client_id: String,
    generation: u64,
}

impl Drop for HeldConnect {
    fn drop(&mut self) {
        let mut hub = lock(&self.sim.hub);
        hub.connects_in_flight = hub.connects_in_flight.saturating_sub(1);
        if let Some(s) = hub.sessions.get_mut(&self.client_id) {
            if s.held == Some(self.generation) {
                s.held = None;
            }
            s.last_seen = Instant::now();
        }
    }
}

enum Wait {
    Answer(Vec<Value>, Value),
    Dropped,
    Sleep(Arc<Notify>),
}

/// Answer a /meta/connect: at once when events are queued, the connect came batched, the
/// client asked for timeout 0 or another session of the browser holds a connect;
/// otherwise hold it until events arrive, the timeout passes, a newer connect of the
/// same session replaces it, or the session dies. `None` means: fail with HTTP 500.
async fn hold_connect(
    request: &Request<'_>,
    msg: &Value,
    batched: bool,
) -> Option<(Vec<Value>, Value)> {
    let sim = request.sim;
    let settings = sim.settings();
    let server_timeout = settings.cometd_timeout_ms;
    let hold_for = msg
        .get("advice")
        .and_then(|a| a.get("timeout"))
        .and_then(Value::as_u64)
        .unwrap_or(server_timeout);
    let normal_advice = json!({"reconnect": "retry", "interval": 0, "timeout": server_timeout});
    let success = |advice: &Value| {
        reply(
            msg,
            "/meta/connect",
            json!({"successful": true, "advice": advice}),
        )
    };

    let Some(id) = client_id(msg).map(str::to_string) else {
        return Some((Vec::new(), unknown_session(msg, "/meta/connect")));
    };
    let generation = {
        let mut hub = lock(&sim.hub);
        hub.connects += 1;
        let Some(session) = hub.sessions.get(&id) else {
            return Some((Vec::new(), unknown_session(msg, "/meta/connect")));
        };
        if request.browser.as_deref() != Some(session.browser.as_str()) {
            return Some((Vec::new(), unknown_session(msg, "/meta/connect")));
        }
        let browser = session.browser.clone();
        let other_tab_holds = hub
            .sessions
            .values()
            .any(|s| s.id != id && s.browser == browser && s.held.is_some());
        hub.connects_in_flight += 1;
        let Some(session) = hub.sessions.get_mut(&id) else {
            hub.connects_in_flight -= 1;
            return Some((Vec::new(), unknown_session(msg, "/meta/connect")));
        };
        session.last_seen = Instant::now();
        if session.ack && client_ack(msg) >= session.batch {
            session.unacked.clear(); // the client got every batch sent so far
        }
        let resend = session.ack && !session.unacked.is_empty();
        session.next_generation += 1;
        let generation = session.next_generation;
        // A second connect releases the one held before it.
        session.held = Some(generation);
        session.wake.notify_waiters();
        if !session.queue.is_empty() || resend || batched || hold_for == 0 || other_tab_holds {
            let events = std::mem::take(&mut session.queue);
            session.held = None;
            hub.connects_in_flight -= 1;
            let advice = if other_tab_holds {
                json!({"reconnect": "retry", "interval": settings.multiple_clients_interval_ms, "timeout": server_timeout, "multiple-clients": true})
            } else {
                normal_advice.clone()
            };
            return Some((events, success(&advice)));
        }
        generation
    };
    let _held = HeldConnect {
        sim: Arc::clone(sim),
        client_id: id.clone(),
        generation,
    };
    let deadline = tokio::time::Instant::now() + Duration::from_millis(hold_for);
    loop {
        let wake = {
            let hub = lock(&sim.hub);
            match hub.sessions.get(&id) {
                None => Wait::Answer(Vec::new(), unknown_session(msg, "/meta/connect")),
                Some(s) if s.dropped == Some(generation) => Wait::Dropped,
                Some(s) if s.held != Some(generation) => {
                    Wait::Answer(Vec::new(), success(&normal_advice))
                }
                Some(s) if !s.queue.is_empty() => Wait::Answer(Vec::new(), Value::Null),
                Some(s) => Wait::Sleep(Arc::clone(&s.wake)),
            }
        };
        match wake {
            Wait::Dropped => return None,
            Wait::Answer(events, reply) if !reply.is_null() => return Some((events, reply)),
            Wait::Answer(..) => {
                let mut hub = lock(&sim.hub);
                let events = hub
                    .sessions
                    .get_mut(&id)
                    .map(|s| std::mem::take(&mut s.queue))
                    .unwrap_or_default();
                return Some((events, success(&normal_advice)));
            }
            Wait::Sleep(notify) => {
                let notified = notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                // Re-check after registering, so a wake between the check and here is kept.
                let changed = {
                    let hub = lock(&sim.hub);
                    match hub.sessions.get(&id) {
                        None => true,
                        Some(s) => {
                            s.dropped == Some(generation)
                                || s.held != Some(generation)
                                || !s.queue.is_empty()
                        }
                    }
                };
                if changed {
                    continue;
                }
                tokio::select! {
                    _ = &mut notified => continue,
                    _ = tokio::time::sleep_until(deadline) => {
                        let mut hub = lock(&sim.hub);
                        let events = hub.sessions.get_mut(&id).map(|s| std::mem::take(&mut s.queue)).unwrap_or_default();
                        return Some((events, success(&normal_advice)));
                    }
                }
            }
        }
    }
}
