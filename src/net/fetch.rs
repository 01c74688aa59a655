//! The wasm side of `net`: runs an `HttpRequest` through the browser's fetch.

use super::{HttpReply, HttpRequest, Method, NetError};
use gloo_net::http::RequestBuilder;
use gloo_timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{AbortController, RequestCredentials};

/// Headers the adapters read from answers (CORS exposes exactly these).
const READ_HEADERS: [&str; 2] = ["X-CSRF-HEADER", "X-CSRF-TOKEN"];

/// Sends `req` with cookies (`credentials: include`), aborting after its timeout or when
/// `cancel` is aborted by the caller.
pub async fn send(req: HttpRequest, cancel: Option<&web_sys::AbortSignal>) -> Result<HttpReply, NetError> {
    if cancel.is_some_and(|s| s.aborted()) {
        return Err(NetError::Cancelled);
    }
    let controller = AbortController::new().map_err(|_| NetError::Unreachable("AbortController"))?;
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        Timeout::new(req.timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    // Follow the caller's cancellation too.
    let _follow = cancel.map(|outer| {
        let controller = controller.clone();
        gloo_events::EventListener::once(outer, "abort", move |_| controller.abort())
    });

    let url = &req.url;
    let mut builder = match req.method {
        Method::Get => RequestBuilder::new(url),
        Method::Post => RequestBuilder::new(url).method(gloo_net::http::Method::POST),
    }
    .credentials(if req.cookies { RequestCredentials::Include } else { RequestCredentials::SameOrigin })
    .abort_signal(Some(&controller.signal()));
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    let request = match req.body {
        Some(body) => builder.body(body),
        None => builder.build(),
    }
    .map_err(|_| NetError::Unreachable("request"))?;

    let failure = |_: gloo_net::Error| {
        if timed_out.get() {
            NetError::TimedOut
        } else if cancel.is_some_and(|s| s.aborted()) {
            NetError::Cancelled
        } else {
            NetError::Unreachable("fetch")
        }
    };
    let response = request.send().await.map_err(failure)?;
    let headers = READ_HEADERS
        .iter()
        .filter_map(|name| response.headers().get(name).map(|v| ((*name).to_string(), v)))
        .collect();
    let status = response.status();
    let body = response.text().await.map_err(failure)?;
    Ok(HttpReply { status, headers, body })
}
