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
    /// Exact origins, or `scheme://host:*` for any port of that host (as in CSP).
    pub list: Vec<String>,
    /// Any `http(s)://127.0.0.1:*` or `http(s)://localhost:*` origin.
    pub loopback_any: bool,
}

impl Origins {
    pub fn allows(&self, origin: &str) -> bool {
        if self.list.iter().any(|o| matches_entry(o.trim_end_matches('/'), origin)) {
            return true;
        }
        self.loopback_any && is_loopback_origin(origin)
    }

    /// The sources for CSP `connect-src`.
    pub fn csp_sources(&self) -> Vec<String> {
        let mut sources = self.list.clone();
        if self.loopback_any {
            for scheme in ["http", "https"] {
                sources.push(format!("{scheme}://127.0.0.1:*"));
                sources.push(format!("{scheme}://localhost:*"));
            }
        }
        sources
    }
}

/// An allowlist entry against an origin: equal, or `scheme://host:*` and the origin is
/// that scheme and host with a port (or none).
fn matches_entry(entry: &str, origin: &str) -> bool {
    if entry == origin {
        return true;
    }
    let Some(prefix) = entry.strip_suffix(":*") else {
        return false;
    };
    match origin.strip_prefix(prefix) {
        Some("") => true,
        Some(port) => port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())),
        None => false,
    }
}

fn is_loopback_origin(origin: &str) -> bool {
    let rest = match origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    {
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

#[cfg(test)]
mod tests {
    use super::Origins;

    #[test]
    fn entries_with_any_port_and_loopback_of_either_scheme() {
        let o = Origins {
            list: vec!["https://crm.test:*".into(), "https://a.test:8443".into()],
            loopback_any: false,
        };
        assert!(o.allows("https://crm.test:4431"));
        assert!(o.allows("https://crm.test"));
        assert!(!o.allows("http://crm.test:4431"));
        assert!(!o.allows("https://crm.test.evil:4431"));
        assert!(!o.allows("https://crm.testx:4431"));
        assert!(!o.allows("https://crm.test:44a"));
        assert!(o.allows("https://a.test:8443"));
        assert!(!o.allows("https://a.test:8444"));
        assert!(!o.allows("http://127.0.0.1:9000"));
        let loopback = Origins { list: vec![], loopback_any: true };
        assert!(loopback.allows("http://127.0.0.1:9000"));
        assert!(loopback.allows("https://localhost:9000"));
        assert!(!loopback.allows("https://crm.test:9000"));
    }
}
