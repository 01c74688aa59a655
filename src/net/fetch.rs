//! The wasm side of `net`: runs an `HttpRequest` through the browser's fetch (web-sys's
//! `RequestInit` and `Response` directly: gloo-net's builder would bring the http crate's
//! method table and its error conversions into every build).

use crate::gather::Gather;
use super::{EarlyRequest, HttpReply, HttpRequest, Method, NetError};
use wasm_bindgen_futures::JsFuture;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, RequestCredentials, RequestInit, Response};

/// Headers the adapters read from answers (CORS exposes exactly these).
const READ_HEADERS: [&str; 2] = ["X-CSRF-HEADER", "X-CSRF-TOKEN"];

thread_local! {
    /// A request the loader sent while the wasm downloaded, with its pending answer (a
    /// `Promise<Response>`), until the widget sends the same request. The latest offer only:
    /// should a second widget mount before the first sends its read, the first sends its
    /// own (one request more, nothing lost).
    static EARLY: RefCell<Option<(EarlyRequest, js_sys::Promise)>> = const { RefCell::new(None) };
}

/// Keeps a request the page's loader already sent (the widget's first read of GWS, sent
/// while the wasm downloads), so `send` takes its answer instead of asking again.
pub fn offer_early(request: EarlyRequest, answer: js_sys::Promise) {
    EARLY.with_borrow_mut(|early| *early = Some((request, answer)));
}

/// Sends `req` with cookies (`credentials: include`), aborting after its timeout or when
/// `cancel` is aborted by the caller.
pub async fn send(req: HttpRequest, cancel: Option<&web_sys::AbortSignal>) -> Result<HttpReply, NetError> {
    if cancel.is_some_and(|s| s.aborted()) {
        return Err(NetError::Cancelled);
    }
    let early = EARLY.with_borrow_mut(|early| early.take_if(|(sent, _)| sent.answers(&req))).map(|(_, answer)| answer);
    let controller = AbortController::new().map_err(|_| NetError::Unreachable("AbortController"))?;
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        crate::timer::after(req.timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    // Follow the caller's cancellation too.
    let _follow = cancel.map(|outer| {
        let controller = controller.clone();
        gloo_events::EventListener::once(outer, "abort", move |_| controller.abort())
    });
    let failure = || {
        if timed_out.get() {
            NetError::TimedOut
        } else if cancel.is_some_and(|s| s.aborted()) {
            NetError::Cancelled
        } else {
            NetError::Unreachable("fetch")
        }
    };

    let answer = match early {
        // Sent by the loader, with the same timeout; its answer is this request's.
        Some(answer) => answer,
        None => {
            let init = RequestInit::new();
            init.set_method(match req.method {
                Method::Get => "GET",
                Method::Post => "POST",
            });
            init.set_credentials(if req.cookies { RequestCredentials::Include } else { RequestCredentials::SameOrigin });
            init.set_signal(Some(&controller.signal()));
            let headers = web_sys::Headers::new().map_err(|_| NetError::Unreachable("request"))?;
            for (name, value) in &req.headers {
                headers.append(name, value).map_err(|_| NetError::Unreachable("request"))?;
            }
            init.set_headers(&headers);
            if let Some(body) = &req.body {
                init.set_body(&body.into());
            }
            let window = web_sys::window().ok_or(NetError::Unreachable("request"))?;
            window.fetch_with_str_and_init(&req.url, &init)
        }
    };
    let response: Response = JsFuture::from(answer).await.map_err(|_| failure())?.unchecked_into();
    let headers = READ_HEADERS
        .iter()
        .filter_map(|name| response.headers().get(name).ok().flatten().map(|v| ((*name).to_string(), v)))
        .gather();
    let status = response.status();
    let text = response.text().map_err(|_| failure())?;
    let body = JsFuture::from(text).await.map_err(|_| failure())?.as_string().unwrap_or_default();
    Ok(HttpReply { status, headers, body })
}
