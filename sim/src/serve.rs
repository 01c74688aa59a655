//! Serving the widget's build and the demo CRM page under a strict Content-Security-Policy
//! (no inline script, no eval; wasm allowed), on the API port or on a page-only port.

use std::path::PathBuf;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::services::ServeDir;

/// The page's policy; `connect_sources` are the API origins the page may call.
pub fn csp(connect_sources: &[String]) -> String {
    let mut connect = String::from("'self'");
    for s in connect_sources {
        connect.push(' ');
        connect.push_str(s);
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src {connect}; img-src 'self' data:"
    )
}

/// Files from `dir` at `/` (index.html for directories), each answer with the CSP.
pub fn static_files(dir: PathBuf, csp: String) -> Router {
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'self'"));
    Router::new()
        .fallback_service(
            // The build writes .br and .gz beside each file: sent as they are to browsers
            // that accept them (ServeDir sets Content-Encoding; Vary is set below).
            ServeDir::new(dir).append_index_html_on_directories(true).precompressed_br().precompressed_gzip(),
        )
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let csp = csp.clone();
            let immutable = is_content_hashed(req.uri().path());
            async move {
                let mut res = next.run(req).await;
                let h = res.headers_mut();
                h.insert(header::CONTENT_SECURITY_POLICY, csp);
                h.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                // Content-hashed files never change: cache them for a year. Stable names
                // (the loader, the page) must be revalidated so a new build is picked up.
                h.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(if immutable { "public, max-age=31536000, immutable" } else { "no-cache" }),
                );
                // The loader imports the module and fetches the wasm in CORS mode, so a widget
                // served from its own origin must let any page read them.
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
                // The same URL answers brotli, gzip or plain bytes by Accept-Encoding; ServeDir
                // does not say so, and a cache must not hand one browser's answer to another.
                h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
                res
            }
        }))
}

/// Whether a path names a build file with a content hash (`name-0123456789abcdef.js`,
/// `name-0123456789abcdef_bg.wasm`; trunk writes the hash without leading zeros).
pub fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("").trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| (8..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn hashed_build_files_are_recognised() {
        assert!(is_content_hashed("/crm-call-widget-23dd481c961e5e82.js"));
        assert!(is_content_hashed("/crm-call-widget-23dd481c961e5e82_bg.wasm"));
        assert!(is_content_hashed("/crm-call-widget-a2b2c7581c4b39_bg.wasm"));
        assert!(!is_content_hashed("/crm-call-widget-demo.js"));
        assert!(!is_content_hashed("/crm-call-widget.js"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/"));
    }
}
