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
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src {connect}; img-src 'self' data:"
    )
}

/// Files from `dir` at `/` (index.html for directories), each answer with the CSP.
pub fn static_files(dir: PathBuf, csp: String) -> Router {
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'self'"));
    Router::new()
        .fallback_service(ServeDir::new(dir).append_index_html_on_directories(true))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let csp = csp.clone();
            async move {
                let mut res = next.run(req).await;
                let h = res.headers_mut();
                h.insert(header::CONTENT_SECURITY_POLICY, csp);
                h.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                res
            }
        }))
}

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}
