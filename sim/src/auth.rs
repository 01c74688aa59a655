//! GWS authentication: Basic credentials open an HTTP session (the JSESSIONID cookie), the
//! cookie alone carries it afterwards, and a per-session CSRF token guards every write.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::Rng;
use serde_json::json;

use crate::app::{lock, Sim};
use crate::world::GwsShape;

pub const SESSION_COOKIE: &str = "JSESSIONID";
pub const CSRF_HEADER: &str = "X-CSRF-TOKEN";

/// The `SameSite` attributes of the simulator's cookies (`JSESSIONID`, `BAYEUX_BROWSER`):
/// `Lax` by default; `None` (with `Secure`, which browsers require for it) for a GWS on a
/// site other than the page's; `Partitioned` adds `Partitioned` (CHIPS: a cookie kept per
/// top-level site, which browsers keep even when they block third-party cookies).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CookieSameSite {
    #[default]
    Lax,
    None,
    Partitioned,
}

impl CookieSameSite {
    pub fn parse(name: &str) -> Option<CookieSameSite> {
        match name.to_ascii_lowercase().as_str() {
            "lax" => Some(CookieSameSite::Lax),
            "none" => Some(CookieSameSite::None),
            "partitioned" => Some(CookieSameSite::Partitioned),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CookieSameSite::Lax => "lax",
            CookieSameSite::None => "none",
            CookieSameSite::Partitioned => "partitioned",
        }
    }
    /// The attributes that follow `Path=/; HttpOnly`.
    pub fn attributes(self) -> &'static str {
        match self {
            CookieSameSite::Lax => "SameSite=Lax",
            CookieSameSite::None => "SameSite=None; Secure",
            CookieSameSite::Partitioned => "SameSite=None; Secure; Partitioned",
        }
    }
    /// A whole `Set-Cookie` value: `name=value; Path=/; HttpOnly; <attributes>`, plus
    /// `Max-Age=0` when the cookie is being removed.
    pub fn cookie(self, name: &str, value: &str, remove: bool) -> String {
        let max_age = if remove { " Max-Age=0;" } else { "" };
        format!("{name}={value}; Path=/;{max_age} HttpOnly; {}", self.attributes())
    }
}

#[derive(Clone, Debug)]
pub struct HttpSession {
    pub id: String,
    pub agent: String,
    pub csrf: String,
}

#[derive(Default)]
pub struct HttpSessions {
    map: HashMap<String, HttpSession>,
    /// Sessions opened since the start (or the last `/sim/reset-counters`).
    pub opened: u64,
}

impl HttpSessions {
    pub fn get(&self, id: &str) -> Option<&HttpSession> {
        self.map.get(id)
    }
    pub fn create(&mut self, agent: &str) -> HttpSession {
        let session = HttpSession {
            id: random_hex(16).to_uppercase(),
            agent: agent.to_string(),
            csrf: uuid(),
        };
        self.map.insert(session.id.clone(), session.clone());
        self.opened += 1;
        session
    }
    pub fn remove(&mut self, id: &str) {
        self.map.remove(id);
    }
    pub fn clear(&mut self) {
        self.map.clear();
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn count_for(&self, agent: &str) -> usize {
        self.map.values().filter(|s| s.agent == agent).count()
    }
    /// Give every session a fresh CSRF token (the rotateCsrf fault).
    pub fn rotate_csrf(&mut self) {
        for s in self.map.values_mut() {
            s.csrf = uuid();
        }
    }
}

pub fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

pub fn uuid() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The authenticated agent of a request, as the guard found it.
#[derive(Clone, Debug)]
pub struct Caller {
    pub agent: usize,
    pub username: String,
    pub session_id: String,
}

/// Request extension set by `guard`: `None` when nobody is authenticated (only the
/// Bayeux endpoint lets such a request through).
#[derive(Clone, Debug)]
pub struct CallerSlot(pub Option<Caller>);

/// A GWS route's extractor: the authenticated agent, or the answer GWS gives to nobody.
impl axum::extract::FromRequestParts<Arc<Sim>> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        sim: &Arc<Sim>,
    ) -> Result<Self, Response> {
        parts
            .extensions
            .get::<CallerSlot>()
            .and_then(|slot| slot.0.clone())
            .ok_or_else(|| unauthenticated(sim.settings().gws_shape, "Not authenticated"))
    }
}

/// A cookie's value from the Cookie header(s).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

enum Basic {
    Absent,
    Malformed,
    Credentials(String, String),
}

fn basic_credentials(headers: &HeaderMap) -> Basic {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Basic::Absent;
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Basic::Absent;
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    match decoded.as_deref().and_then(|s| s.split_once(':')) {
        Some((u, p)) => Basic::Credentials(u.to_string(), p.to_string()),
        None => Basic::Malformed,
    }
}

/// The answer to a request nobody is authenticated for: HTTP 401 with statusCode 20 and
/// the reason, or — as the captured real servers answer — HTTP 403
/// `{"statusCode":20,"statusMessage":"Access denied"}`.
pub fn unauthenticated(shape: GwsShape, message: &str) -> Response {
    let (status, message) = match shape {
        GwsShape::Doc => (StatusCode::UNAUTHORIZED, message),
        GwsShape::Real => (StatusCode::FORBIDDEN, "Access denied"),
    };
    (
        status,
        axum::Json(json!({"statusCode": 20, "statusMessage": message})),
    )
        .into_response()
}

fn csrf_rejected() -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::Json(json!({"statusCode": 3, "statusMessage": "Missing or invalid Csrf token"})),
    )
        .into_response()
}

fn session_cookie(mode: CookieSameSite, id: &str) -> String {
    mode.cookie(SESSION_COOKIE, id, false)
}

/// Middleware for everything under /api/v2: find or open the session, check CSRF on
/// writes, and on the way out set the cookie and hand out the CSRF token on GETs.
pub async fn guard(State(sim): State<Arc<Sim>>, mut req: Request, next: Next) -> Response {
    let is_bayeux = req.uri().path().starts_with("/api/v2/notifications");
    let headers = req.headers().clone();
    let method = req.method().clone();
    let settings = sim.settings();
    let shape = settings.gws_shape;

    let mut opened: Option<String> = None;
    let session: Option<HttpSession> = match basic_credentials(&headers) {
        Basic::Malformed => return unauthenticated(shape, "Malformed Basic credentials"),
        Basic::Credentials(user, password) => {
            if !lock(&sim.world).check_password(&user, &password) {
                return unauthenticated(shape, "Invalid username or password");
            }
            let existing = cookie(&headers, SESSION_COOKIE)
                .and_then(|sid| lock(&sim.sessions).get(&sid).cloned())
                .filter(|s| s.agent == user);
            match existing {
                Some(s) => Some(s),
                None => {
                    let s = lock(&sim.sessions).create(&user);
                    opened = Some(s.id.clone());
                    Some(s)
                }
            }
        }
        Basic::Absent => {
            cookie(&headers, SESSION_COOKIE).and_then(|sid| lock(&sim.sessions).get(&sid).cloned())
        }
    };

    let caller = session.as_ref().and_then(|s| {
        let mut world = lock(&sim.world);
        let agent = world.agent_index(&s.agent)?;
        if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
            world.agents[agent].host = host.to_string();
        }
        Some(Caller {
            agent,
            username: s.agent.clone(),
            session_id: s.id.clone(),
        })
    });

    let writes = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !is_bayeux {
        if writes && settings.csrf {
            let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            let valid = matches!((&session, sent), (Some(s), Some(t)) if s.csrf == t);
            if !valid {
                let mut res = csrf_rejected();
                if let Some(id) = &opened {
                    append_cookie(&mut res, &session_cookie(settings.cookie_samesite, id));
                }
                return res;
            }
        }
        if caller.is_none() {
            return unauthenticated(shape, "Not authenticated");
        }
    }

    req.extensions_mut().insert(CallerSlot(caller));
    let mut res = next.run(req).await;

    if let Some(s) = &session {
        let still_open = lock(&sim.sessions).get(&s.id).map(|s| s.csrf.clone());
        match still_open {
            Some(csrf) => {
                if let Some(id) = &opened {
                    append_cookie(&mut res, &session_cookie(settings.cookie_samesite, id));
                }
                if method == Method::GET && settings.csrf && !is_bayeux {
                    let h = res.headers_mut();
                    h.insert("X-CSRF-HEADER", HeaderValue::from_static(CSRF_HEADER));
                    if let Ok(v) = HeaderValue::from_str(&csrf) {
                        h.insert(CSRF_HEADER, v);
                    }
                }
            }
            None => append_cookie(
                &mut res,
                &settings.cookie_samesite.cookie(SESSION_COOKIE, "", true),
            ),
        }
    }
    res
}

pub fn append_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}
