//! Runs the Bayeux state machine in the browser: `fetch` for its requests, timers for its
//! wake-ups, and a small handle for the rest of the widget.
//!
//! ```ignore
//! let cometd = CometdDriver::start(format!("{base}/api/v2/notifications"), move |event| match event {
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
//! `credentials: include` (GWS and CometD servers bind the session to cookies), to
//! `<url>/handshake`, `<url>/connect`, `<url>/disconnect` or `<url>/` (as the reference
//! client does), plus any headers the caller's hook gives (e.g. `Authorization`, a CSRF
//! token), asked afresh for each request. Each one has an
//! `AbortController`: aborted when its deadline passes (reported as a timeout), when the
//! state machine gives it up, on [`CometdHandle::stop`], and when the last handle is dropped.
//!
//! # Timers and background tabs
//! Browsers throttle `setTimeout` in hidden tabs: Chrome runs them at most once a second,
//! and after five minutes hidden, chained timers at most once a minute ("intensive
//! throttling"). A long poll driven by timers would then lag by up to a minute. This driver
//! uses no timer for a zero wait, which is the normal case (`interval: 0`): the state
//! machine never asks for a 0 ms wake-up; it emits the next connect's `Send` while handling
//! the previous reply, and the driver handles that reply inside the fetch's promise
//! continuation and starts the next fetch right there (a `spawn_local` future, i.e. a
//! microtask). So the long poll itself never waits on a timer and keeps its pace in a
//! hidden tab. Timers serve only non-zero waits (backoff after a failure, or an
//! `interval` advised with `multiple-clients`) and request deadlines; a throttled one fires
//! late, which at worst delays a retry, and the state machine re-checks the session's
//! lifetime when a late timer fires (handshaking instead of sending a connect the server
//! would refuse). The reference client schedules from a Web Worker instead; that needs a
//! worker script or a `blob:` worker, which a strict host CSP may forbid, so this driver
//! does not.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_net::http::Request as HttpRequest;
use gloo_timers::callback::Timeout;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, RequestCredentials};

use super::client::Client;
use super::events::{Action, Config, Event, Request, RequestId, TransportError};
use super::message::BayeuxError;
use super::status::Status;

/// What the driver tells the widget.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// A notification on a subscribed channel, in arrival order.
    Message {
        /// The channel it was published on.
        channel: String,
        /// Its `data`.
        data: Value,
    },
    /// The connection status changed.
    Status(Status),
    /// A session is up with every subscription in place: read the current state now
    /// (`rehandshake: false`, the first time) or re-read it (`true`: events may have been
    /// missed while the session was down, or in a connect answer that was lost).
    Established {
        /// False for the first session; true for every later one, and once connects
        /// succeed again after one whose answer was lost or unreadable.
        rehandshake: bool,
    },
    /// The server refused a subscription (or the channel name is not valid).
    SubscribeFailed {
        /// The channel asked for.
        channel: String,
        /// The server's error, if any.
        error: Option<BayeuxError>,
    },
}

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
    /// Starts a client for `url` with default settings; see [`CometdDriver::start_with`].
    pub fn start(url: String, on_event: impl Fn(ClientEvent) + 'static) -> CometdHandle {
        CometdDriver::start_with(DriverConfig::new(url), on_event)
    }

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
                fetches: Vec::new(),
                timer: None,
            }),
        });
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
    fetches: Vec<(RequestId, AbortController)>,
    timer: Option<Timeout>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The timer is cancelled by dropping it; fetches need an explicit abort.
        for (_, controller) in self.state.get_mut().fetches.drain(..) {
            controller.abort();
        }
    }
}

/// Feeds `event` to the state machine and carries out what it asks, in order. No borrow of
/// the state is held while an action runs, so `on_event` may call the handle; such calls
/// are queued and handled after the current actions.
fn pump(shared: &Rc<Shared>, event: Event) {
    {
        let mut state = shared.state.borrow_mut();
        state.queue.push_back(event);
        if state.pumping {
            return;
        }
        state.pumping = true;
    }
    loop {
        let actions: Vec<Action> = {
            let mut state = shared.state.borrow_mut();
            let Some(event) = state.queue.pop_front() else {
                state.pumping = false;
                break;
            };
            // Wall-clock time: it keeps counting while the machine sleeps, which is what the
            // session-lifetime check needs.
            let now = js_sys::Date::now().max(0.0) as u64;
            state.client.handle(now, event);
            core::iter::from_fn(|| state.client.poll_action()).collect()
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
                let mut state = shared.state.borrow_mut();
                let index = state.fetches.iter().position(|(r, _)| *r == id);
                index.map(|i| state.fetches.swap_remove(i).1)
            };
            if let Some(controller) = found {
                controller.abort();
            }
        }
        Action::Wake { token, after_ms } => {
            let weak = Rc::downgrade(shared);
            let fire = move || {
                if let Some(shared) = weak.upgrade() {
                    pump(&shared, Event::Timer(token));
                }
            };
            if after_ms == 0 {
                // Never asked for by the state machine; if it were, no timer: a microtask.
                spawn_local(async move { fire() });
                return;
            }
            let timeout = Timeout::new(after_ms.min(u64::from(i32::MAX as u32)) as u32, fire);
            let old = shared.state.borrow_mut().timer.replace(timeout);
            drop(old);
        }
        Action::CancelWake => {
            let old = shared.state.borrow_mut().timer.take();
            drop(old);
        }
        Action::Deliver { channel, data } => {
            (shared.on_event)(ClientEvent::Message { channel, data })
        }
        Action::Status(status) => (shared.on_event)(ClientEvent::Status(status)),
        Action::Established { rehandshake } => {
            (shared.on_event)(ClientEvent::Established { rehandshake })
        }
        Action::SubscribeFailed { channel, error } => {
            (shared.on_event)(ClientEvent::SubscribeFailed { channel, error })
        }
    }
}

/// POSTs `request` and reports its outcome, unless it was aborted on purpose meanwhile.
fn send(shared: &Rc<Shared>, request: Request) {
    let id = request.id;
    let Ok(controller) = AbortController::new() else {
        return report_later(
            shared,
            Event::Failed {
                request: id,
                error: TransportError::Network,
            },
        );
    };
    let url = format!(
        "{}{}",
        shared.url.trim_end_matches('/'),
        request.kind.url_suffix()
    );
    let mut builder = HttpRequest::post(&url)
        .credentials(RequestCredentials::Include)
        .header("Content-Type", "application/json;charset=UTF-8")
        .abort_signal(Some(&controller.signal()));
    if let Some(headers) = &shared.headers {
        for (name, value) in headers() {
            builder = builder.header(&name, &value);
        }
    }
    let http = builder.body(request.body);
    shared
        .state
        .borrow_mut()
        .fetches
        .push((id, controller.clone()));
    let weak = Rc::downgrade(shared);
    let deadline_ms = request.timeout_ms.min(u64::from(i32::MAX as u32)) as u32;
    spawn_local(async move {
        let timed_out = Rc::new(Cell::new(false));
        let deadline = {
            let (flag, controller) = (timed_out.clone(), controller.clone());
            Timeout::new(deadline_ms, move || {
                flag.set(true);
                controller.abort();
            })
        };
        let failed = |timed_out: &Cell<bool>| Event::Failed {
            request: id,
            error: if timed_out.get() {
                TransportError::Timeout
            } else {
                TransportError::Network
            },
        };
        let event = match http {
            Err(_) => failed(&timed_out),
            Ok(http) => match http.send().await {
                Ok(response) if response.ok() => match read_body(&response).await {
                    Ok(body) => Event::Response { request: id, body },
                    Err(()) => failed(&timed_out),
                },
                Ok(response) => Event::Failed {
                    request: id,
                    error: TransportError::Http(response.status()),
                },
                Err(_) => failed(&timed_out),
            },
        };
        drop(deadline);
        let Some(shared) = weak.upgrade() else { return };
        shared.state.borrow_mut().fetches.retain(|(r, _)| *r != id);
        if controller.signal().aborted() && !timed_out.get() {
            return; // given up on purpose: nobody waits for it
        }
        pump(&shared, event);
    });
}

/// Reads a response body as bytes, copying each chunk into wasm memory as it arrives.
///
/// Not `text()`: the browser would decode the UTF-8 into a JS string, which wasm-bindgen
/// then walks char by char back into UTF-8 (a few ms for a 2 MB burst); the JSON parser
/// reads UTF-8 itself. Not `arrayBuffer()` either: it resolves only after the whole body
/// has been gathered, and then the copy into wasm memory starts; reading the stream
/// overlaps the copies with the transfer. (In headless Chromium, for a 2 MB body:
/// stream ≈ 4.5 ms, XMLHttpRequest text ≈ 5.5 ms, arrayBuffer ≈ 7 ms.) An abort or a
/// network failure mid-body is an `Err`.
async fn read_body(response: &gloo_net::http::Response) -> Result<Vec<u8>, ()> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new()); // no body at all (e.g. 204)
    };
    // Content-Length is readable cross-origin (CORS-safelisted); a hint only, bounded.
    let hint = response
        .headers()
        .get("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(16 << 20);
    let mut body = Vec::with_capacity(hint);
    // `getReader()`'s result and its `read()` are reached dynamically: the typed bindings
    // need web-sys features this crate does not otherwise use.
    let reader: JsValue = stream.get_reader().into();
    let read = js_sys::Reflect::get(&reader, &JsValue::from_str("read"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(())?;
    let (done_key, value_key) = (JsValue::from_str("done"), JsValue::from_str("value"));
    loop {
        let promise = read
            .call0(&reader)
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
            .ok_or(())?;
        let chunk = JsFuture::from(promise).await.map_err(|_| ())?;
        if js_sys::Reflect::get(&chunk, &done_key)
            .ok()
            .and_then(|d| d.as_bool())
            == Some(true)
        {
            return Ok(body);
        }
        let bytes = js_sys::Reflect::get(&chunk, &value_key)
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
            .ok_or(())?;
        let start = body.len();
        body.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut body[start..]);
    }
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
