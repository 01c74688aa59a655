//! Injected faults for the vendor APIs (never /sim): added latency, an HTTP 5xx rate, a
//! network cut (blackhole, or a full cut that also loses answers on their way out),
//! malformed JSON on the next answers, slow connect answers, duplicated or reordered
//! notifications, GWS operations that fail with an HTTP error status, call operations
//! accepted with statusCode 0 and never carried out — plus the one-shot
//! actions (session expiry, CSRF rotation, restart, dropped connects, token expiry).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use crate::app::{lock, Sim};

pub struct Faults {
    pub latency_ms: u64,
    pub http_5xx_rate: f64,
    pub malformed_next: u32,
    pub blackhole_until: Option<Instant>,
    /// The blackhole is a full cut: answers leaving during it are lost too.
    pub cut: bool,
    /// Every `/meta/connect` answer leaves this much later than it would.
    pub connect_delay_ms: u64,
    /// The next GWS operations fail with an HTTP error status (`failNextOperation`).
    pub fail_operation: Option<FailOperation>,
    /// The next call operations are accepted and never carried out (`silentNextOperation`).
    pub silent_operation: Option<SilentOperation>,
    rng: StdRng,
}

/// `failNextOperation`: the next `left` GWS operations (POSTs to `/api/v2/me`,
/// `/api/v2/me/channels/voice`, `/api/v2/me/calls/{id}` and the Dial route), or only those
/// named `operation`, answer HTTP `http` with `{"statusCode":code,"statusMessage":…}` and
/// are not carried out — as a T-Server failure does on real servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailOperation {
    pub http: u16,
    pub code: u64,
    /// None: `Device '<the agent's DN>' is not registered.`, as captured.
    pub message: Option<String>,
    pub left: u64,
    pub operation: Option<String>,
}

impl FailOperation {
    fn to_json(&self) -> Value {
        json!({
            "http": self.http,
            "statusCode": self.code,
            "statusMessage": self.message,
            "count": self.left,
            "operationName": self.operation,
        })
    }

    /// Parse the fault's JSON: an object (every key optional), `true` for the defaults;
    /// `null`, `false` or `count: 0` clear it (→ `Ok(None)`).
    fn parse(v: &Value) -> Result<Option<FailOperation>, String> {
        let defaults = Map::new();
        let o = match v {
            Value::Null | Value::Bool(false) => return Ok(None),
            Value::Bool(true) => &defaults,
            Value::Object(o) => o,
            _ => return Err("failNextOperation must be an object, true, false or null".into()),
        };
        let int = |key: &str, default: u64| -> Result<u64, String> {
            match o.get(key) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => v.as_u64().ok_or_else(|| {
                    format!("failNextOperation.{key} must be a non-negative integer")
                }),
            }
        };
        let text = |key: &str| -> Result<Option<String>, String> {
            match o.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("failNextOperation.{key} must be a string")),
            }
        };
        let http = int("http", 500)?;
        if !(400..=599).contains(&http) {
            return Err("failNextOperation.http must be an HTTP error status (400-599)".into());
        }
        let left = int("count", 1)?;
        if left == 0 {
            return Ok(None);
        }
        Ok(Some(FailOperation {
            http: http as u16,
            code: int("statusCode", 4)?,
            message: text("statusMessage")?,
            left,
            operation: text("operationName")?,
        }))
    }
}

/// `silentNextOperation`: the next `left` call operations (`POST /api/v2/me/calls/{id}`),
/// or only those named `operation`, are accepted — HTTP 200 `{"statusCode":0}` — and never
/// carried out: no change, no notification, as a real server once answered an Answer.
/// An operation that GWS would refuse is refused as usual and does not count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilentOperation {
    pub left: u64,
    pub operation: Option<String>,
}

impl SilentOperation {
    fn to_json(&self) -> Value {
        json!({"count": self.left, "operationName": self.operation})
    }

    /// Parse the fault's JSON: an object (`count`, default 1, and `operationName`, both
    /// optional), `true` for one operation of any name; `null`, `false` or `count: 0`
    /// clear it (→ `Ok(None)`).
    fn parse(v: &Value) -> Result<Option<SilentOperation>, String> {
        let defaults = Map::new();
        let o = match v {
            Value::Null | Value::Bool(false) => return Ok(None),
            Value::Bool(true) => &defaults,
            Value::Object(o) => o,
            _ => return Err("silentNextOperation must be an object, true, false or null".into()),
        };
        let left = match o.get("count") {
            None | Some(Value::Null) => 1,
            Some(v) => v.as_u64().ok_or_else(|| {
                "silentNextOperation.count must be a non-negative integer".to_string()
            })?,
        };
        let operation = match o.get("operationName") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err("silentNextOperation.operationName must be a string".into()),
        };
        if left == 0 {
            return Ok(None);
        }
        Ok(Some(SilentOperation { left, operation }))
    }

    fn takes(&self, operation: &str) -> bool {
        self.operation.as_deref().is_none_or(|o| o == operation)
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            http_5xx_rate: 0.0,
            malformed_next: 0,
            blackhole_until: None,
            cut: false,
            connect_delay_ms: 0,
            fail_operation: None,
            silent_operation: None,
            rng: StdRng::from_os_rng(),
        }
    }
}

impl Faults {
    pub fn to_json(&self) -> Value {
        let blackhole_ms = self
            .blackhole_until
            .map(|t| t.saturating_duration_since(Instant::now()).as_millis() as u64)
            .unwrap_or(0);
        json!({
            "latencyMs": self.latency_ms,
            "http5xxRate": self.http_5xx_rate,
            "malformedNext": self.malformed_next,
            "blackholeMs": blackhole_ms,
            "cut": self.cut && blackhole_ms > 0,
            "connectDelayMs": self.connect_delay_ms,
            "failNextOperation": self.fail_operation.as_ref().map(FailOperation::to_json),
            "silentNextOperation": self.silent_operation.as_ref().map(SilentOperation::to_json),
        })
    }

    /// Whether `silentNextOperation` is waiting for a call operation of this name.
    pub fn silences(&self, operation: &str) -> bool {
        self.silent_operation
            .as_ref()
            .is_some_and(|s| s.takes(operation))
    }

    /// An operation the `silentNextOperation` fault took was accepted: count it down.
    /// False when the fault does not take it (any more).
    pub fn take_silent_operation(&mut self, operation: &str) -> bool {
        let Some(s) = self
            .silent_operation
            .as_mut()
            .filter(|s| s.takes(operation))
        else {
            return false;
        };
        s.left -= 1;
        if s.left == 0 {
            self.silent_operation = None;
        }
        true
    }

    /// Whether the fault takes this operation: counts it down and says how to fail.
    pub fn take_operation_failure(&mut self, operation: &str) -> Option<FailOperation> {
        let f = self.fail_operation.as_mut()?;
        if f.operation.as_deref().is_some_and(|o| o != operation) {
            return None;
        }
        let taken = f.clone();
        f.left -= 1;
        if f.left == 0 {
            self.fail_operation = None;
        }
        Some(taken)
    }
}

/// Apply a `POST /sim/faults` body: rates persist, one-shot actions happen now.
pub fn apply(sim: &Arc<Sim>, body: &Value) -> Result<(), String> {
    let Some(body) = body.as_object() else {
        return Err("the body must be a JSON object".into());
    };
    let flag = |key: &str| body.get(key).and_then(Value::as_bool).unwrap_or(false);
    let number = |key: &str| -> Result<Option<u64>, String> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("{key} must be a non-negative integer")),
        }
    };
    let rate = match body.get("http5xxRate") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(r) if (0.0..=1.0).contains(&r) => Some(r),
            _ => return Err("http5xxRate must be between 0 and 1".into()),
        },
    };
    let latency = number("latencyMs")?;
    let malformed = number("malformedNext")?;
    let transient = number("ozonetelTransient")?;
    let seed = number("seed")?;
    let blackhole = number("blackholeMs")?;
    let cut = number("cutMs")?;
    let connect_delay = number("connectDelayMs")?;
    let duplicate = number("duplicateNotifications")?;
    let reverse = number("reverseNotifications")?;
    let fail_operation = body
        .get("failNextOperation")
        .map(FailOperation::parse)
        .transpose()?;
    let silent_operation = body
        .get("silentNextOperation")
        .map(SilentOperation::parse)
        .transpose()?;

    {
        let mut faults = lock(&sim.faults);
        if let Some(s) = seed {
            faults.rng = StdRng::seed_from_u64(s);
        }
        if let Some(l) = latency {
            faults.latency_ms = l;
        }
        if let Some(r) = rate {
            faults.http_5xx_rate = r;
        }
        if let Some(m) = malformed {
            faults.malformed_next = m.min(u32::MAX as u64) as u32;
        }
        if let Some(ms) = blackhole {
            faults.blackhole_until = Some(Instant::now() + Duration::from_millis(ms));
            faults.cut = false;
        }
        if let Some(ms) = cut {
            faults.blackhole_until = Some(Instant::now() + Duration::from_millis(ms));
            faults.cut = true;
        }
        if let Some(ms) = connect_delay {
            faults.connect_delay_ms = ms;
        }
        if let Some(f) = fail_operation {
            faults.fail_operation = f;
        }
        if let Some(s) = silent_operation {
            faults.silent_operation = s;
        }
    }
    if duplicate.is_some() || reverse.is_some() {
        let mut hub = lock(&sim.hub);
        if let Some(n) = duplicate {
            hub.duplicate_left = n.min(u32::MAX as u64) as u32;
        }
        if let Some(n) = reverse {
            hub.reverse_left = n.min(u32::MAX as u64) as u32;
            if n == 0 {
                hub.release_held_back();
            }
        }
    }
    if let Some(t) = transient {
        lock(&sim.ozonetel).transient_left = t.min(u32::MAX as u64) as u32;
    }
    if flag("restart") {
        sim.forget_all_sessions();
    }
    if flag("expireGwsSessions") {
        sim.forget_all_sessions();
    }
    if flag("expireCometdSessions") {
        lock(&sim.hub).expire_where(|_| true);
    }
    if flag("dropHeldConnects") {
        lock(&sim.hub).drop_held_connects();
    }
    if flag("rotateCsrf") {
        lock(&sim.sessions).rotate_csrf();
    }
    if flag("expireOzonetelTokens") {
        lock(&sim.ozonetel).expire_tokens();
    }
    Ok(())
}

/// `DELETE /sim/faults`: every persistent fault off.
pub fn clear(sim: &Arc<Sim>) {
    {
        let mut faults = lock(&sim.faults);
        faults.latency_ms = 0;
        faults.http_5xx_rate = 0.0;
        faults.malformed_next = 0;
        faults.blackhole_until = None;
        faults.cut = false;
        faults.connect_delay_ms = 0;
        faults.fail_operation = None;
        faults.silent_operation = None;
    }
    {
        let mut hub = lock(&sim.hub);
        hub.duplicate_left = 0;
        hub.reverse_left = 0;
        hub.release_held_back();
    }
    lock(&sim.ozonetel).transient_left = 0;
}

/// A response that dies on the way: the body fails, so the client sees a network error.
fn broken_response() -> Response {
    let failing = stream::once(async {
        Err::<Vec<u8>, std::io::Error>(std::io::Error::other("network cut (simulated)"))
    });
    (StatusCode::BAD_GATEWAY, Body::from_stream(failing)).into_response()
}

/// Middleware in front of the vendor APIs.
pub async fn gate(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let blackhole_until = lock(&sim.faults).blackhole_until;
    if let Some(until) = blackhole_until {
        if Instant::now() < until {
            tokio::time::sleep_until(tokio::time::Instant::from_std(until)).await;
            return broken_response();
        }
    }
    let (latency, fail) = {
        let mut faults = lock(&sim.faults);
        let rate = faults.http_5xx_rate;
        let fail = rate > 0.0 && faults.rng.random::<f64>() < rate;
        (faults.latency_ms, fail)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if fail {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                json!({"statusCode": 4, "statusMessage": "Service unavailable (injected fault)"}),
            ),
        )
            .into_response();
    }
    let mut res = next.run(req).await;
    // A full cut also loses the answers that would leave during it (a held connect's too).
    let cut_until = {
        let faults = lock(&sim.faults);
        faults.blackhole_until.filter(|_| faults.cut)
    };
    if let Some(until) = cut_until {
        if Instant::now() < until {
            drop(res);
            tokio::time::sleep_until(tokio::time::Instant::from_std(until)).await;
            return broken_response();
        }
    }
    let malformed = {
        let mut faults = lock(&sim.faults);
        if faults.malformed_next > 0 {
            faults.malformed_next -= 1;
            true
        } else {
            false
        }
    };
    if malformed {
        let (mut parts, _) = res.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res = Response::from_parts(parts, Body::from("{\"statusCode\":0,\"calls\":[{\"id\":"));
    }
    res
}
