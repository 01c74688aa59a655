//! Runs the Bayeux state machine in the browser: `XMLHttpRequest` for its requests, timers
//! for its wake-ups, and a small handle for the rest of the widget.
//!
//! ```ignore
//! let config = DriverConfig::new(format!("{base}/api/v2/notifications"));
//! let cometd = CometdDriver::start_with(config, move |event| match event {
//!     ClientEvent::Message { channel, data } => { /* a notification */ }
//!     ClientEvent::Established { .. } => { /* (re-)read state: GET /api/v2/me?subresources=* */ }
//!     ClientEvent::Status(status) => { /* show it */ }
//!     ClientEvent::SubscribeFailed { .. } => {}
//! });
//! cometd.subscribe("/v2/me/calls");
//! // later: cometd.stop();
//! ```
//!
//! # Requests
//! Every request is a `POST` with `Content-Type: application/json;charset=UTF-8` and
//! credentials (`withCredentials`: GWS and CometD servers bind the session to cookies), to
//! `<url>/handshake`, `<url>/connect`, `<url>/disconnect` or `<url>/` (as the reference
//! client does), plus any headers the caller's hook gives (e.g. `Authorization`, a CSRF
//! token), asked afresh for each request. The body comes back as an `ArrayBuffer`
//! (`open` below says why not `fetch`). A request is aborted when its deadline passes
//! (reported as a timeout), when the state machine gives it up, on
//! [`CometdHandle::stop`], and when the last handle is dropped.
//!
//! # Timers and background tabs
//! Browsers throttle `setTimeout` in hidden tabs: Chrome runs them at most once a second,
//! and after five minutes hidden, chained timers at most once a minute ("intensive
//! throttling"). A long poll driven by timers would then lag by up to a minute. This driver
//! uses no timer for a zero wait, which is the normal case (`interval: 0`): the state
//! machine never asks for a 0 ms wake-up; it emits the next connect's `Send` while handling
//! the previous reply, and the driver handles that reply inside the request's `loadend`
//! continuation and starts the next request right there (a `spawn_local` future, i.e. a
//! microtask). So the long poll itself never waits on a timer and keeps its pace in a
//! hidden tab. Timers serve only non-zero waits (backoff after a failure, or an
//! `interval` advised with `multiple-clients`) and request deadlines; a throttled one fires
//! late, which at worst delays a retry, and the state machine re-checks the session's
//! lifetime when a late timer fires (handshaking instead of sending a connect the server
//! would refuse). The reference client schedules from a Web Worker instead; that needs a
//! worker script or a `blob:` worker, which a strict host CSP may forbid, so this driver
//! does not.

use crate::cell::Borrowing;
use crate::gather::Gather;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use super::client::Client;
pub use super::events::ClientEvent;
use super::events::{Action, Config, Event, Request, RequestId, TransportError};
use super::status::Status;


/// Supplies extra request headers, asked afresh for every request (so a rotated CSRF token
/// or a renewed credential is picked up).
pub type HeaderSource = Rc<dyn Fn() -> Vec<(String, String)>>;

/// How to reach the server.
#[derive(Clone)]
pub struct DriverConfig {
    /// The Bayeux URL, e.g. `https://gws.example.com/api/v2/notifications`.
    pub url: String,
    /// Protocol tunables.
    pub client: Config,
    /// Extra request headers, if any.
    pub headers: Option<HeaderSource>,
}

impl DriverConfig {
    /// Defaults for `url`: reference-client timings, no extra headers.
    pub fn new(url: impl Into<String>) -> DriverConfig {
        DriverConfig {
            url: url.into(),
            client: Config::default(),
            headers: None,
        }
    }

    /// Adds a hook that supplies extra headers for every request.
    pub fn with_headers(
        mut self,
        headers: impl Fn() -> Vec<(String, String)> + 'static,
    ) -> DriverConfig {
        self.headers = Some(Rc::new(headers));
        self
    }
}

/// Starts Bayeux clients in the browser.
pub struct CometdDriver;

impl CometdDriver {
    /// Starts a client: handshakes at once, then keeps the long poll going, subscribing
    /// whatever the handle asks for. It runs while any clone of the returned handle lives;
    /// dropping the last one aborts everything (without telling the server; prefer
    /// [`CometdHandle::stop`]). `on_event` may call the handle; it must not own a clone of
    /// the handle itself, or the client can never be dropped (hold a weak link instead).
    pub fn start_with(
        config: DriverConfig,
        on_event: impl Fn(ClientEvent) + 'static,
    ) -> CometdHandle {
        let shared = Rc::new(Shared {
            url: config.url,
            headers: config.headers,
            on_event: Box::new(on_event),
            state: RefCell::new(State {
                client: Client::new(config.client),
                queue: VecDeque::new(),
                pumping: false,
                requests: Vec::new(),
                timer: None,
                online: None,
            }),
        });
        // Back online after a cut: the retry waiting out its backoff (up to a minute after a
        // long cut) goes at once.
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&shared);
            let online = gloo_events::EventListener::new(&window, "online", move |_| {
                if let Some(shared) = weak.upgrade() {
                    pump(&shared, Event::NetworkBack);
                }
            });
            shared.state.write().online = Some(online);
        }
        pump(&shared, Event::Start);
        CometdHandle { shared }
    }
}

/// Controls a running client. Clones share the one client.
#[derive(Clone)]
#[must_use = "the client stops when the last handle is dropped"]
pub struct CometdHandle {
    shared: Rc<Shared>,
}

impl CometdHandle {
    /// Follows `channel` (wildcards `/*` and `/**` allowed), now and after every
    /// re-handshake.
    pub fn subscribe(&self, channel: &str) {
        pump(&self.shared, Event::Subscribe(channel.to_owned()));
    }

    /// Stops following `channel`.
    pub fn unsubscribe(&self, channel: &str) {
        pump(&self.shared, Event::Unsubscribe(channel.to_owned()));
    }

    /// Stops: aborts every request and the pending timer, and sends `/meta/disconnect`
    /// (best effort, bounded by its own 10 s deadline). Subscriptions are remembered for
    /// [`CometdHandle::restart`].
    pub fn stop(&self) {
        pump(&self.shared, Event::Stop);
    }

    /// Starts again after a stop (a fresh handshake). Does nothing while running.
    pub fn restart(&self) {
        pump(&self.shared, Event::Start);
    }

    /// The current status.
    pub fn status(&self) -> Status {
        match self.shared.state.try_borrow() {
            Ok(state) => state.client.status().clone(),
            Err(_) => Status::Connecting,
        }
    }
}

struct Shared {
    url: String,
    headers: Option<HeaderSource>,
    on_event: Box<dyn Fn(ClientEvent)>,
    state: RefCell<State>,
}

struct State {
    client: Client,
    /// Events waiting while an earlier one is being carried out (re-entrant calls from
    /// `on_event` land here rather than nesting).
    queue: VecDeque<Event>,
    pumping: bool,
    /// Requests in flight.
    requests: Vec<(RequestId, Xhr)>,
    timer: Option<Timeout>,
    /// The window's `online` listener (removed when the client is dropped).
    online: Option<gloo_events::EventListener>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The timer is cancelled by dropping it; requests need an explicit abort.
        for (_, xhr) in self.state.get_mut().requests.drain(..) {
            xhr.abort();
        }
    }
}

/// Feeds `event` to the state machine and carries out what it asks, in order. No borrow of
/// the state is held while an action runs, so `on_event` may call the handle; such calls
/// are queued and handled after the current actions.
fn pump(shared: &Rc<Shared>, event: Event) {
    {
        let mut state = shared.state.write();
        state.queue.push_back(event);
        if state.pumping {
            return;
        }
        state.pumping = true;
    }
    loop {
        let actions: Vec<Action> = {
            let mut state = shared.state.write();
            let Some(event) = state.queue.pop_front() else {
                state.pumping = false;
                break;
            };
            // Wall-clock time: it keeps counting while the machine sleeps, which is what the
            // session-lifetime check needs.
            let now = js_sys::Date::now().max(0.0) as u64;
            state.client.handle(now, event);
            core::iter::from_fn(|| state.client.poll_action()).gather()
        };
        for action in actions {
            carry_out(shared, action);
        }
    }
}

fn carry_out(shared: &Rc<Shared>, action: Action) {
    match action {
        Action::Send(request) => send(shared, request),
        Action::Abort(id) => {
            let found = {
                let mut state = shared.state.write();
                let index = state.requests.iter().position(|(r, _)| *r == id);
                index.map(|i| state.requests.swap_remove(i).1)
            };
            if let Some(xhr) = found {
                xhr.abort();
            }
        }
        Action::Wake { token, after_ms } => {
            let weak = Rc::downgrade(shared);
            let fire = move || {
                if let Some(shared) = weak.upgrade() {
                    pump(&shared, Event::Timer(token));
                }
            };
            let timeout = crate::timer::after(after_ms.min(u64::from(i32::MAX as u32)) as u32, fire);
            let old = shared.state.write().timer.replace(timeout);
            drop(old);
        }
        Action::CancelWake => {
            let old = shared.state.write().timer.take();
            drop(old);
        }
        Action::Report(event) => (shared.on_event)(event),
    }
}

/// POSTs `request` and reports its outcome, unless it was given up on purpose meanwhile
/// (then it is no longer listed in `State::requests`).
fn send(shared: &Rc<Shared>, request: Request) {
    let id = request.id;
    let url = format!(
        "{}{}",
        crate::text::trim_end_byte(&shared.url, b'/'),
        request.kind.url_suffix()
    );
    let headers = shared.headers.as_ref().map(|h| h()).unwrap_or_default();
    let xhr = match open(&url, &headers) {
        Ok(xhr) => xhr,
        Err(_) => {
            return report_later(
                shared,
                Event::Failed {
                    request: id,
                    error: TransportError::Network,
                },
            )
        }
    };
    // `loadend` follows every outcome: load, error, abort, timeout.
    let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    if xhr.send_with_str(&request.body).is_err() {
        return report_later(
            shared,
            Event::Failed {
                request: id,
                error: TransportError::Network,
            },
        );
    }
    shared.state.write().requests.push((id, xhr.clone()));
    let weak = Rc::downgrade(shared);
    let deadline_ms = request.timeout_ms.min(u64::from(i32::MAX as u32)) as u32;
    spawn_local(async move {
        let timed_out = Rc::new(Cell::new(false));
        let deadline = {
            let (flag, xhr) = (timed_out.clone(), xhr.clone());
            crate::timer::after(deadline_ms, move || {
                flag.set(true);
                xhr.abort();
            })
        };
        let _ = JsFuture::from(done).await;
        drop(deadline);
        let Some(shared) = weak.upgrade() else { return };
        let wanted = {
            let mut state = shared.state.write();
            let before = state.requests.len();
            crate::gather::keep(&mut state.requests, |(r, _)| *r != id);
            state.requests.len() < before
        };
        if !wanted {
            return; // given up on purpose: nobody waits for it
        }
        let status = xhr.status();
        let event = if timed_out.get() {
            Event::Failed {
                request: id,
                error: TransportError::Timeout,
            }
        } else if status == 0 {
            Event::Failed {
                request: id,
                error: TransportError::Network,
            }
        } else if !(200..300).contains(&status) {
            Event::Failed {
                request: id,
                error: TransportError::Http(status),
            }
        } else {
            let body = xhr
                .response()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                .unwrap_or_default();
            Event::Response { request: id, body }
        };
        pump(&shared, event);
    });
}

/// An `XMLHttpRequest` opened for `POST url` with the body's type, credentials and the
/// extra headers.
///
/// Not `fetch`: in Chromium a fetch body reaches the page through a stream, which for a
/// 2 MB burst ends 3–4 ms after its last byte arrived (`arrayBuffer()` or a reader
/// alike), where an `XMLHttpRequest` with `responseType = "arraybuffer"` hands it over
/// 1.3–1.6 ms after; and not text either: a JS string would be decoded from UTF-8 by the
/// browser and then walked char by char back into UTF-8 on its way into wasm memory,
/// while the JSON parser reads UTF-8 itself.
fn open(url: &str, headers: &[(String, String)]) -> Result<Xhr, JsValue> {
    let xhr = Xhr::new()?;
    xhr.open("POST", url)?;
    xhr.set_with_credentials(true); // GWS and CometD servers bind the session to cookies
    xhr.set_response_type("arraybuffer");
    xhr.set_request_header("Content-Type", "application/json;charset=UTF-8")?;
    for (name, value) in headers {
        xhr.set_request_header(name, value)?;
    }
    Ok(xhr)
}

// The few `XMLHttpRequest` members the driver uses, bound here rather than through
// web-sys features.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = XMLHttpRequest)]
    #[derive(Clone)]
    type Xhr;

    #[wasm_bindgen(constructor, js_class = "XMLHttpRequest", catch)]
    fn new() -> Result<Xhr, JsValue>;

    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
    fn open(this: &Xhr, method: &str, url: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, setter = withCredentials, js_class = "XMLHttpRequest")]
    fn set_with_credentials(this: &Xhr, value: bool);

    #[wasm_bindgen(method, setter = responseType, js_class = "XMLHttpRequest")]
    fn set_response_type(this: &Xhr, value: &str);

    #[wasm_bindgen(method, catch, js_name = setRequestHeader, js_class = "XMLHttpRequest")]
    fn set_request_header(this: &Xhr, name: &str, value: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, setter = onloadend, js_class = "XMLHttpRequest")]
    fn set_onloadend(this: &Xhr, handler: Option<&js_sys::Function>);

    #[wasm_bindgen(method, catch, js_name = send, js_class = "XMLHttpRequest")]
    fn send_with_str(this: &Xhr, body: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_class = "XMLHttpRequest")]
    fn abort(this: &Xhr);

    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
    fn status(this: &Xhr) -> u16;

    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
    fn response(this: &Xhr) -> JsValue;
}

/// Reports `event` from a microtask, never from inside the current pump.
fn report_later(shared: &Rc<Shared>, event: Event) {
    let weak: Weak<Shared> = Rc::downgrade(shared);
    spawn_local(async move {
        if let Some(shared) = weak.upgrade() {
            pump(&shared, event);
        }
    });
}
