//! CORS with an origin allowlist as GWS does it: the allowed origin is echoed (never `*`),
//! credentials are allowed, the CSRF headers are exposed, and preflights are answered.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::Sim;

#[derive(Clone, Debug, Default)]
pub struct Origins {
    pub list: Vec<String>,
    /// Any `http://127.0.0.1:*` or `http://localhost:*` origin.
    pub loopback_any: bool,
}

impl Origins {
    pub fn allows(&self, origin: &str) -> bool {
        if self.list.iter().any(|o| o.trim_end_matches('/') == origin) {
            return true;
        }
        self.loopback_any && is_loopback_origin(origin)
    }

    /// The sources for CSP `connect-src`.
    pub fn csp_sources(&self) -> Vec<String> {
        let mut sources = self.list.clone();
        if self.loopback_any {
            sources.push("http://127.0.0.1:*".into());
            sources.push("http://localhost:*".into());
        }
        sources
    }
}

fn is_loopback_origin(origin: &str) -> bool {
    let rest = match origin.strip_prefix("http://") {
        Some(r) => r,
        None => return false,
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    port_ok && (host == "127.0.0.1" || host == "localhost")
}

const EXPOSED: &str = "X-CSRF-HEADER, X-CSRF-TOKEN";
const METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
const DEFAULT_ALLOWED_HEADERS: &str =
    "Content-Type, Authorization, X-CSRF-TOKEN, apiKey, X-Requested-With";

fn allowed_origin(sim: &Sim, headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let text = origin.to_str().ok()?;
    sim.origins.allows(text).then(|| origin.clone())
}

pub async fn layer(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let origin = allowed_origin(&sim, req.headers());
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        let Some(origin) = origin else {
            return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
        };
        let requested = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned()
            .unwrap_or(HeaderValue::from_static(DEFAULT_ALLOWED_HEADERS));
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        allow_origin(h, origin);
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(METHODS));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        return res;
    }
    let mut res = next.run(req).await;
    if let Some(origin) = origin {
        let h = res.headers_mut();
        allow_origin(h, origin);
        h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED));
    }
    res
}

/// What every answer to an allowed origin carries: the origin itself (never `*`, since
/// credentials are allowed) and `Vary: Origin` for caches.
fn allow_origin(h: &mut axum::http::HeaderMap, origin: HeaderValue) {
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    h.append(header::VARY, HeaderValue::from_static("Origin"));
}
