//! Ozonetel CloudAgent: generateToken (JWT with exp, one live token per user, a cap per
//! hour), DispositionAPIV2 (`get` list, `Set`) answering every row of seed 004's table
//! under its condition, and AgentManualDial (click-to-dial through a campaign), with calls
//! that the control API or a manual dial connects and the control API disconnects.

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
/// The campaign the account has by default (AgentManualDial's `campaignName`).
pub const DEFAULT_CAMPAIGN: &str = "Progressive_demo";

/// generateToken's answer past the hourly cap.
pub const TOKEN_LIMIT_REACHED: &str = "Token generation limit reached. Please try after some time.";

/// AgentManualDial's Fail messages. The vendor documents the first; the other three are the
/// simulator's wording, one for each parameter that can be wrong.
pub const MANUAL_DIAL_NOT_AVAILABLE: &str = "Agent is not available";
pub const MANUAL_DIAL_INVALID_AGENT: &str = "Invalid agentID";
pub const MANUAL_DIAL_INVALID_CAMPAIGN: &str = "Invalid campaignName";
pub const MANUAL_DIAL_INVALID_NUMBER: &str = "Invalid customerNumber";

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

/// Who started the call: a customer calling in (the control API) or the agent's manual
/// dial (AgentManualDial).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// An Ozonetel agent and whether it may take or make a call (logged into the toolbar and
/// not paused); the control API switches it.
#[derive(Clone, Debug)]
pub struct OzAgent {
    pub id: String,
    pub available: bool,
}

/// A campaign AgentManualDial can dial through; its calls carry its DID.
#[derive(Clone, Debug)]
pub struct Campaign {
    pub name: String,
    pub did: String,
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
    pub direction: Direction,
    /// The campaign of a manual dial.
    pub campaign: Option<String>,
    /// The `uui` a manual dial carried.
    pub uui: String,
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
    pub agents: Vec<OzAgent>,
    pub campaigns: Vec<Campaign>,
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
            agents: ["ava", "ben"]
                .iter()
                .map(|id| OzAgent {
                    id: id.to_string(),
                    available: true,
                })
                .collect(),
            campaigns: vec![Campaign {
                name: DEFAULT_CAMPAIGN.to_string(),
                did: ACCOUNT_DID.to_string(),
            }],
            secret: (0..32).map(|_| rng.random::<u8>()).collect(),
            tokens: HashMap::new(),
            issued: Vec::new(),
            calls: Vec::new(),
            next_ucid: 9_012_172,
            transient_left: 0,
            records: Vec::new(),
        }
    }

    pub fn agent(&self, agent_id: &str) -> Option<&OzAgent> {
        self.agents.iter().find(|a| a.id == agent_id)
    }

    /// Switch an agent's availability; false when there is no such agent.
    pub fn set_available(&mut self, agent_id: &str, available: bool) -> bool {
        match self.agents.iter_mut().find(|a| a.id == agent_id) {
            Some(a) => {
                a.available = available;
                true
            }
            None => false,
        }
    }

    /// Whether the agent has a call that is still connected (not in ACW, not closed).
    pub fn on_connected_call(&self, agent_id: &str) -> bool {
        self.calls
            .iter()
            .any(|c| c.agent_id == agent_id && c.state() == OzCallState::Connected)
    }

    /// A call connected to an agent (control API).
    pub fn connect_call(
        &mut self,
        agent_id: &str,
        did: &str,
        caller_id: &str,
        wrapup: Duration,
    ) -> Result<String, String> {
        if self.agent(agent_id).is_none() {
            return Err(format!("unknown agentID '{agent_id}'"));
        }
        Ok(self.push_call(OzCall {
            ucid: String::new(),
            agent_id: agent_id.to_string(),
            did: did.to_string(),
            caller_id: caller_id.to_string(),
            direction: Direction::Inbound,
            campaign: None,
            uui: String::new(),
            disconnected_at: None,
            wrapup,
            queued: None,
            disposed: false,
        }))
    }

    /// Give the call a fresh ucid and add it; returns the ucid.
    fn push_call(&mut self, mut call: OzCall) -> String {
        call.ucid = format!(
            "{}{:04}",
            self.next_ucid,
            rand::rng().random_range(0..10_000)
        );
        self.next_ucid += 1;
        let ucid = call.ucid.clone();
        self.calls.push(call);
        ucid
    }

    /// AgentManualDial after authentication and userName: the agent, the campaign, the
    /// number, then the agent's availability. The call is connected at once, like a control
    /// API call, with the campaign's DID and the customer as the caller; the error is the
    /// answer's message.
    pub fn manual_dial(
        &mut self,
        agent_id: &str,
        campaign_name: &str,
        customer_number: &str,
        uui: &str,
        wrapup: Duration,
    ) -> Result<String, &'static str> {
        let Some(agent) = self.agent(agent_id) else {
            return Err(MANUAL_DIAL_INVALID_AGENT);
        };
        let available = agent.available;
        let Some(campaign) = self.campaigns.iter().find(|c| c.name == campaign_name) else {
            return Err(MANUAL_DIAL_INVALID_CAMPAIGN);
        };
        let did = campaign.did.clone();
        if !phone_number_valid(customer_number) {
            return Err(MANUAL_DIAL_INVALID_NUMBER);
        }
        if !available || self.on_connected_call(agent_id) {
            return Err(MANUAL_DIAL_NOT_AVAILABLE);
        }
        Ok(self.push_call(OzCall {
            ucid: String::new(),
            agent_id: agent_id.to_string(),
            did,
            caller_id: customer_number.to_string(),
            direction: Direction::Outbound,
            campaign: Some(campaign_name.to_string()),
            uui: uui.to_string(),
            disconnected_at: None,
            wrapup,
            queued: None,
            disposed: false,
        }))
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
            return Err(TOKEN_LIMIT_REACHED);
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
        .route("/ca_apis/AgentManualDial", post(manual_dial_api))
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
    let user = param(&body, "userName");
    let api_key = header_text(&headers, "apiKey");
    let body = match mint_token(&sim, user.as_deref(), api_key.as_deref()) {
        Ok(token) => ordered(&[("token", json!(token)), ("message", json!(""))]),
        Err(message) => false_message(message),
    };
    answer(body)
}

/// generateToken's checks and minting: a token for `user`, or generateToken's error
/// message. The control API's stand-in CRM backend mints through this too, so it shares
/// the hourly cap and the rotation.
pub fn mint_token(
    sim: &Sim,
    user: Option<&str>,
    api_key: Option<&str>,
) -> Result<String, &'static str> {
    let settings = sim.settings();
    let Some(user) = user.filter(|u| !u.is_empty()) else {
        return Err("UserName is null");
    };
    if api_key != Some(ACCOUNT_API_KEY) || user != ACCOUNT_USER {
        return Err("Invalid userName or apiKey");
    }
    let lifetime = Duration::from_secs(settings.token_lifetime_secs);
    lock(&sim.ozonetel).issue_token(user, lifetime, settings.tokens_per_hour)
}

/// A customer number AgentManualDial accepts: 3 to 15 digits after an optional `+`.
pub fn phone_number_valid(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (3..=15).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit())
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

/// The checks DispositionAPIV2 and AgentManualDial share, in this order: the token (or,
/// in BASIC_AUTH mode, the `apiKey` header), then `userName`. The error is the answer.
fn authenticate(
    oz: &Ozonetel,
    headers: &HeaderMap,
    body: &Map<String, Value>,
) -> Result<(), String> {
    match oz.auth_mode {
        AuthMode::Basic => {
            if header_text(headers, "apiKey").as_deref() != Some(ACCOUNT_API_KEY) {
                return Err(false_message("Api Key Should Not be Null or Empty."));
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
                return Err(false_message("Token Should Not be Null or Empty."));
            };
            oz.check_token(&token).map_err(false_message)?;
        }
    }
    let user = param(body, "userName").unwrap_or_default();
    if user.is_empty() {
        return Err(false_message("Username Should Not be Null or Empty."));
    }
    if user != ACCOUNT_USER {
        return Err(false_message("Invalid User Details"));
    }
    Ok(())
}

async fn manual_dial_api(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    answer(manual_dial(&sim, &headers, &parse_body(&body)))
}

/// AgentManualDial: authentication and userName as DispositionAPIV2 checks them, then
/// agentID, campaignName, customerNumber, and whether the agent is available and free.
fn manual_dial(sim: &Arc<Sim>, headers: &HeaderMap, body: &Map<String, Value>) -> String {
    let wrapup = Duration::from_secs(sim.settings().wrapup_secs);
    let mut oz = lock(&sim.ozonetel);
    if let Err(answer) = authenticate(&oz, headers, body) {
        return answer;
    }
    let agent_id = param(body, "agentID").unwrap_or_default();
    let campaign = param(body, "campaignName").unwrap_or_default();
    let number = param(body, "customerNumber").unwrap_or_default();
    let uui = param(body, "uui").unwrap_or_default();
    let want_ucid = param(body, "UCID").is_some_and(|u| u.eq_ignore_ascii_case("true"));
    match oz.manual_dial(&agent_id, &campaign, &number, &uui, wrapup) {
        Ok(ucid) if want_ucid => ordered(&[
            ("ucid", json!(ucid)),
            ("status", json!("queued successfully")),
        ]),
        Ok(_) => ordered(&[("status", json!("queued successfully"))]),
        Err(message) => fail_message(message),
    }
}

async fn disposition_api(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: Bytes) -> Response {
    answer(disposition(&sim, &headers, &parse_body(&body)))
}

/// DispositionAPIV2, checked in the order: authentication, userName, action, agentID,
/// ucid key/value, disposition key/value, ucid+did, pause reason, callback time, agent on
/// the call, injected transient error, then the call's timing.
fn disposition(sim: &Arc<Sim>, headers: &HeaderMap, body: &Map<String, Value>) -> String {
    let mut oz = lock(&sim.ozonetel);
    if let Err(answer) = authenticate(&oz, headers, body) {
        return answer;
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
    if oz.agent(&agent_id).is_none() {
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
