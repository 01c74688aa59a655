//! Ozonetel CloudAgent: generateToken (JWT with exp, one live token per user, a cap per
//! hour) and DispositionAPIV2 (`get` list, `Set`) answering every row of seed 004's table
//! under its condition, with calls that the control API connects and disconnects.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::app::{lock, Sim};
use crate::world::now_ms;

pub const ACCOUNT_USER: &str = "demo_crm";
pub const ACCOUNT_API_KEY: &str = "sim-api-key";
pub const ACCOUNT_DID: &str = "914071327663";
/// Dispositions that need `callBackTime` (`YYYY-MM-DD HH:MM`).
pub const CALLBACK_DISPOSITIONS: &[&str] = &["Call Back"];
pub const MAX_DISPOSITION_LEN: usize = 250;

/// The account's "API Authentication" setting.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AuthMode {
    Token,
    Basic,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OzCallState {
    Connected,
    /// After the call, inside the wrap-up window.
    Acw,
    Closed,
}

impl OzCallState {
    pub fn as_str(self) -> &'static str {
        match self {
            OzCallState::Connected => "connected",
            OzCallState::Acw => "acw",
            OzCallState::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Disposition {
    pub disposition: String,
    pub comments: String,
    pub pause_after_dispose: bool,
    pub pause_reason: String,
    pub callback_time: String,
}

#[derive(Clone, Debug)]
pub struct OzCall {
    pub ucid: String,
    pub agent_id: String,
    pub did: String,
    pub caller_id: String,
    pub disconnected_at: Option<Instant>,
    pub wrapup: Duration,
    /// Set during the call, applied at disconnect.
    pub queued: Option<Disposition>,
    pub disposed: bool,
}

impl OzCall {
    pub fn state(&self) -> OzCallState {
        match self.disconnected_at {
            None => OzCallState::Connected,
            Some(_) if self.disposed => OzCallState::Closed,
            Some(t) if t.elapsed() < self.wrapup => OzCallState::Acw,
            Some(_) => OzCallState::Closed,
        }
    }
}

#[derive(Clone, Debug)]
pub struct OzRecord {
    pub ucid: String,
    pub agent_id: String,
    pub disposition: Disposition,
    /// True when it was queued during the call and applied at disconnect.
    pub queued: bool,
    pub at_ms: u64,
}

struct TokenRecord {
    user: String,
    expires_at: Instant,
    superseded: bool,
    expired: bool,
}

pub struct Ozonetel {
    pub auth_mode: AuthMode,
    pub disposition_list: Vec<String>,
    pub agents: Vec<String>,
    secret: Vec<u8>,
    tokens: HashMap<String, TokenRecord>,
    issued: Vec<Instant>,
    pub calls: Vec<OzCall>,
    next_ucid: u64,
    pub transient_left: u32,
    pub records: Vec<OzRecord>,
}

impl Default for Ozonetel {
    fn default() -> Self {
        Self::new()
    }
}

impl Ozonetel {
    pub fn new() -> Ozonetel {
        let mut rng = rand::rng();
        Ozonetel {
            auth_mode: AuthMode::Token,
            disposition_list: [
                "Interested",
                "Call Back",
                "Not Interested",
                "Wrong Number",
                "Sale Done",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            agents: vec!["ava".into(), "ben".into()],
            secret: (0..32).map(|_| rng.random::<u8>()).collect(),
            tokens: HashMap::new(),
            issued: Vec::new(),
            calls: Vec::new(),
            next_ucid: 9_012_172,
            transient_left: 0,
            records: Vec::new(),
        }
    }

    /// A call connected to an agent (control API).
    pub fn connect_call(
        &mut self,
        agent_id: &str,
        did: &str,
        caller_id: &str,
        wrapup: Duration,
    ) -> Result<String, String> {
        if !self.agents.iter().any(|a| a == agent_id) {
            return Err(format!("unknown agentID '{agent_id}'"));
        }
        let ucid = format!(
            "{}{:04}",
            self.next_ucid,
            rand::rng().random_range(0..10_000)
        );
        self.next_ucid += 1;
        self.calls.push(OzCall {
            ucid: ucid.clone(),
            agent_id: agent_id.to_string(),
            did: did.to_string(),
            caller_id: caller_id.to_string(),
            disconnected_at: None,
            wrapup,
            queued: None,
            disposed: false,
        });
        Ok(ucid)
    }

    /// The far end hangs up: a queued disposition is applied now, otherwise ACW starts.
    pub fn disconnect_call(&mut self, ucid: &str) -> Result<(), String> {
        let call = self
            .calls
            .iter_mut()
            .find(|c| c.ucid == ucid)
            .ok_or_else(|| format!("unknown ucid '{ucid}'"))?;
        if call.disconnected_at.is_some() {
            return Err("call already disconnected".into());
        }
        call.disconnected_at = Some(Instant::now());
        if let Some(d) = call.queued.take() {
            call.disposed = true;
            let record = OzRecord {
                ucid: call.ucid.clone(),
                agent_id: call.agent_id.clone(),
                disposition: d,
                queued: true,
                at_ms: now_ms(),
            };
            self.records.push(record);
        }
        Ok(())
    }

    /// Every token issued so far stops working with "Token Expired".
    pub fn expire_tokens(&mut self) {
        for t in self.tokens.values_mut() {
            t.expired = true;
        }
    }

    fn sign(&self, data: &str) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(m) => m,
            Err(_) => return String::new(),
        };
        mac.update(data.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    fn issue_token(
        &mut self,
        user: &str,
        lifetime: Duration,
        per_hour: usize,
    ) -> Result<String, &'static str> {
        let now = Instant::now();
        self.issued
            .retain(|t| now.saturating_duration_since(*t) < Duration::from_secs(3600));
        if self.issued.len() >= per_hour {
            return Err("Token generation limit reached. Please try after some time.");
        }
        self.issued.push(now);
        for t in self.tokens.values_mut() {
            if t.user == user {
                t.superseded = true;
            }
        }
        let jti = crate::auth::random_hex(12);
        let iat = now_ms() / 1000;
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload =
            json!({"userName": user, "iat": iat, "exp": iat + lifetime.as_secs(), "jti": jti});
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let signing_input = format!("{header}.{payload}");
        let token = format!("{signing_input}.{}", self.sign(&signing_input));
        self.tokens.insert(
            jti,
            TokenRecord {
                user: user.to_string(),
                expires_at: now + lifetime,
                superseded: false,
                expired: false,
            },
        );
        Ok(token)
    }

    /// Check a bearer token; the error is the seed's message.
    fn check_token(&self, token: &str) -> Result<(), &'static str> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("Invalid Token");
        };
        if self.sign(&format!("{header}.{payload}")) != signature {
            return Err("Invalid Token");
        }
        let claims: Value = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("Invalid Token")?;
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .ok_or("Invalid Token")?;
        let record = self.tokens.get(jti).ok_or("Invalid Token")?;
        if record.expired || Instant::now() >= record.expires_at {
            return Err("Token Expired");
        }
        if record.superseded {
            return Err("Invalid Token");
        }
        Ok(())
    }

    pub fn live_tokens(&self) -> usize {
        let now = Instant::now();
        self.tokens
            .values()
            .filter(|t| !t.superseded && !t.expired && now < t.expires_at)
            .count()
    }
}

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/ca_apis/CAToken/generateToken", post(generate_token))
        .route("/ca_apis/DispositionAPIV2", post(disposition_api))
}

/// A JSON body whose keys stay in the order given (the seed's bodies are compared as text).
pub fn ordered(pairs: &[(&str, Value)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::String((*k).to_string()), v))
        .collect();
    format!("{{{}}}", fields.join(","))
}

fn answer(body: String) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// `{"status":"false","message":…,"data":null}`
pub fn false_message(message: &str) -> String {
    ordered(&[
        ("status", json!("false")),
        ("message", json!(message)),
        ("data", Value::Null),
    ])
}
/// `{"status":"Fail","message":…}`
pub fn fail_message(message: &str) -> String {
    ordered(&[("status", json!("Fail")), ("message", json!(message))])
}
/// `{"details":…,"status":"Fail"}`
pub fn fail_details(details: &str) -> String {
    ordered(&[("details", json!(details)), ("status", json!("Fail"))])
}
pub fn queued() -> String {
    ordered(&[
        ("status", json!("Success")),
        ("message", json!("Disposition Queued Successfully")),
    ])
}
pub fn saved() -> String {
    ordered(&[
        ("details", json!("Disposition saved successfully")),
        ("status", json!("Success")),
    ])
}
pub fn transient() -> String {
    ordered(&[
        ("status", json!("Error")),
        (
            "details",
            json!("Unable to Dispose . Please retry after some time."),
        ),
    ])
}

fn parse_body(body: &Bytes) -> Map<String, Value> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// A parameter as text: `None` when the key is missing; numbers and booleans as text.
fn param(body: &Map<String, Value>, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => Some(String::new()),
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

async fn generate_token(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    let body = parse_body(&body);
    let settings = sim.settings();
    let Some(user) = param(&body, "userName").filter(|u| !u.is_empty()) else {
        return answer(false_message("UserName is null"));
    };
    if header_text(&headers, "apiKey").as_deref() != Some(ACCOUNT_API_KEY) || user != ACCOUNT_USER {
        return answer(false_message("Invalid userName or apiKey"));
    }
    let lifetime = Duration::from_secs(settings.token_lifetime_secs);
    match lock(&sim.ozonetel).issue_token(&user, lifetime, settings.tokens_per_hour) {
        Ok(token) => answer(ordered(&[("token", json!(token)), ("message", json!(""))])),
        Err(message) => answer(false_message(message)),
    }
}

fn callback_time_valid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

async fn disposition_api(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    answer(disposition(&sim, &headers, &parse_body(&body)))
}

/// DispositionAPIV2, checked in the order: authentication, userName, action, agentID,
/// ucid key/value, disposition key/value, ucid+did, pause reason, callback time, agent on
/// the call, injected transient error, then the call's timing.
fn disposition(sim: &Arc<Sim>, headers: &HeaderMap, body: &Map<String, Value>) -> String {
    let mut oz = lock(&sim.ozonetel);
    match oz.auth_mode {
        AuthMode::Basic => {
            if header_text(headers, "apiKey").as_deref() != Some(ACCOUNT_API_KEY) {
                return false_message("Api Key Should Not be Null or Empty.");
            }
        }
        AuthMode::Token => {
            let bearer = header_text(headers, "Authorization")
                .map(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                        .unwrap_or(&v)
                        .trim()
                        .to_string()
                })
                .filter(|t| !t.is_empty() && t != "Bearer");
            let Some(token) = bearer else {
                return false_message("Token Should Not be Null or Empty.");
            };
            if let Err(message) = oz.check_token(&token) {
                return false_message(message);
            }
        }
    }
    let user = param(body, "userName").unwrap_or_default();
    if user.is_empty() {
        return false_message("Username Should Not be Null or Empty.");
    }
    if user != ACCOUNT_USER {
        return false_message("Invalid User Details");
    }
    let action = param(body, "action").unwrap_or_default();
    if action.eq_ignore_ascii_case("get") {
        let list = json!(oz.disposition_list);
        return ordered(&[("status", json!("Success")), ("details", list)]);
    }
    if !action.eq_ignore_ascii_case("set") {
        return fail_message("Invalid Action");
    }
    let agent_id = param(body, "agentID").unwrap_or_default();
    if !oz.agents.contains(&agent_id) {
        return fail_details("Invalid agent");
    }
    let Some(ucid) = param(body, "ucid") else {
        return fail_message("Invalid ucid");
    };
    if ucid.is_empty() {
        return fail_details("Invalid ucid()");
    }
    let Some(disposition) = param(body, "disposition") else {
        return fail_message("Invalid Disposition");
    };
    if disposition.is_empty() {
        return fail_details("Empty disposition code");
    }
    if disposition.chars().count() > MAX_DISPOSITION_LEN
        || !oz.disposition_list.contains(&disposition)
    {
        return fail_details("Invalid Disposition");
    }
    let did = param(body, "did").unwrap_or_default();
    let Some(index) = oz.calls.iter().position(|c| c.ucid == ucid && c.did == did) else {
        return fail_details(&format!("Invalid ucid [{ucid}] or did [{did}]"));
    };
    let pause_after_dispose =
        param(body, "pauseAfterDispose").is_some_and(|p| p.eq_ignore_ascii_case("true"));
    let pause_reason = param(body, "pauseReason").unwrap_or_default();
    if pause_after_dispose && pause_reason.is_empty() {
        return fail_details("Provide pause reason");
    }
    let callback_time = param(body, "callBackTime").unwrap_or_default();
    if CALLBACK_DISPOSITIONS.contains(&disposition.as_str()) && !callback_time_valid(&callback_time)
    {
        return fail_details("Provide callBackTime as YYYY-MM-DD HH:MM");
    }
    if oz.calls[index].agent_id != agent_id {
        return fail_details("Agent is not on this call.");
    }
    if oz.transient_left > 0 {
        oz.transient_left -= 1;
        return transient();
    }
    let chosen = Disposition {
        disposition,
        comments: param(body, "comments").unwrap_or_default(),
        pause_after_dispose,
        pause_reason,
        callback_time,
    };
    let call = &mut oz.calls[index];
    match call.state() {
        OzCallState::Connected => {
            call.queued = Some(chosen);
            queued()
        }
        OzCallState::Acw => {
            call.disposed = true;
            let record = OzRecord {
                ucid: call.ucid.clone(),
                agent_id: call.agent_id.clone(),
                disposition: chosen,
                queued: false,
                at_ms: now_ms(),
            };
            oz.records.push(record);
            saved()
        }
        OzCallState::Closed => fail_details("This call is already Disposed."),
    }
}
