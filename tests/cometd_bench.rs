//! The benchmark's wasm side: our Bayeux client (`ccw::cometd::driver`) behind a tiny JS
//! API, so `bench/cometd/index.html` can time it against the official JavaScript client
//! in the same page. Not a test: `scripts/bench-cometd.sh` builds this file as a wasm test
//! target, runs `wasm-bindgen --target web` on it, and loads the result into the page.
//!
//! End to end, through the network:
//!
//! ```js
//! const client = new OursBench(url);        // handshakes at once
//! client.subscribe("/bench/x");
//! await client.ready();                      // subscribed and connected
//! const done = client.expect(1000);          // arms the counter
//! /* make the server publish 1000 messages {"seq":0..999} */
//! const t = await done;                      // performance.now() when the 1000th arrived
//! client.stop();
//! ```
//!
//! And the client-side work alone, without the network: [`OursProcessing`] feeds a
//! connect reply (bytes, as the driver reads them) to the same state machine and counts
//! what it delivers.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use ccw::cometd::{
    Action, Client, ClientEvent, CometdDriver, CometdHandle, Config, DriverConfig, Event,
    RequestId, RequestKind,
};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Counter {
    ready: bool,
    on_ready: Option<Function>,
    /// Messages still expected, the seq the next one must carry, and who to tell.
    left: u32,
    next_seq: u64,
    on_done: Option<(Function, Function)>,
    errors: u32,
}

/// Our client, wired for the benchmark.
#[wasm_bindgen]
pub struct OursBench {
    handle: CometdHandle,
    counter: Rc<RefCell<Counter>>,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

#[wasm_bindgen]
impl OursBench {
    /// Starts a client for the Bayeux `url`.
    #[wasm_bindgen(constructor)]
    pub fn new(url: String) -> OursBench {
        let counter = Rc::new(RefCell::new(Counter::default()));
        let sink = Rc::clone(&counter);
        let handle = CometdDriver::start_with(DriverConfig::new(url), move |event| {
            let mut c = sink.borrow_mut();
            match event {
                ClientEvent::Message { data, .. } => {
                    if c.left == 0 {
                        return;
                    }
                    if data.get("seq").and_then(|s| s.as_u64()) != Some(c.next_seq) {
                        c.errors += 1;
                    }
                    c.next_seq += 1;
                    c.left -= 1;
                    if c.left == 0 {
                        let at = now();
                        let errors = c.errors;
                        if let Some((resolve, reject)) = c.on_done.take() {
                            drop(c);
                            if errors == 0 {
                                let _ = resolve.call1(&JsValue::NULL, &at.into());
                            } else {
                                let message = format!("{errors} messages out of order");
                                let _ = reject.call1(&JsValue::NULL, &message.into());
                            }
                        }
                    }
                }
                ClientEvent::Established { .. } => {
                    c.ready = true;
                    if let Some(resolve) = c.on_ready.take() {
                        drop(c);
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                }
                ClientEvent::Status(_) | ClientEvent::SubscribeFailed { .. } => {}
            }
        });
        OursBench { handle, counter }
    }

    /// Follows `channel`.
    pub fn subscribe(&self, channel: &str) {
        self.handle.subscribe(channel);
    }

    /// Resolves once the session is up with every subscription in place.
    pub fn ready(&self) -> Promise {
        let counter = Rc::clone(&self.counter);
        Promise::new(&mut |resolve, _| {
            let mut c = counter.borrow_mut();
            if c.ready {
                drop(c);
                let _ = resolve.call0(&JsValue::NULL);
            } else {
                c.on_ready = Some(resolve);
            }
        })
    }

    /// Expects `count` messages with `seq` 0, 1, …; resolves with `performance.now()` at the
    /// last one (rejects if any arrived out of order).
    pub fn expect(&self, count: u32) -> Promise {
        let counter = Rc::clone(&self.counter);
        Promise::new(&mut |resolve, reject| {
            let mut c = counter.borrow_mut();
            c.left = count;
            c.next_seq = 0;
            c.errors = 0;
            c.on_done = Some((resolve, reject));
        })
    }

    /// Stops the client (sends `/meta/disconnect`).
    pub fn stop(&self) {
        self.handle.stop();
    }
}

/// Our state machine with a session up and a connect in flight, to time the handling of
/// one reply: parse, advice, deliveries (each handed to a callback that checks `seq`, as
/// the application's would), and the next connect.
#[wasm_bindgen]
pub struct OursProcessing {
    client: Client,
    connect: Option<RequestId>,
}

#[wasm_bindgen]
impl OursProcessing {
    /// A client subscribed to `channel`, its first long poll in flight.
    #[wasm_bindgen(constructor)]
    pub fn new(channel: &str) -> OursProcessing {
        let mut p = OursProcessing {
            client: Client::new(Config::default()),
            connect: None,
        };
        p.client.handle(0, Event::Subscribe(channel.to_owned()));
        p.client.handle(0, Event::Start);
        let handshake = p.drain(|_| {}).expect("a handshake");
        let reply = r#"[{"id":"1","channel":"/meta/handshake","successful":true,"clientId":"c","advice":{"reconnect":"retry","interval":0,"timeout":30000}}]"#;
        p.respond(handshake, reply);
        let subscribe = p.drain(|_| {}).expect("a subscribe");
        let reply = format!(
            r#"[{{"channel":"/meta/subscribe","subscription":"{channel}","successful":true}}]"#
        );
        p.respond(subscribe, reply);
        p.drain(|_| {});
        let first = p.connect.take().expect("a connect");
        p.respond(first, r#"[{"channel":"/meta/connect","successful":true}]"#);
        p.drain(|_| {});
        p
    }

    /// Hands `body` to the client as the reply to its connect; returns how many messages
    /// it delivered in `seq` order from 0 (stops counting at the first out of order).
    pub fn process(&mut self, body: Vec<u8>) -> u32 {
        let connect = self.connect.take().expect("a connect in flight");
        self.respond(connect, body);
        let mut next = 0u64;
        let mut in_order = true;
        self.drain(|data| {
            in_order &= data.get("seq").and_then(|s| s.as_u64()) == Some(next);
            if in_order {
                next += 1;
            }
        });
        next as u32
    }

    fn respond(&mut self, request: RequestId, body: impl Into<Vec<u8>>) {
        let event = Event::Response {
            request,
            body: body.into(),
        };
        self.client.handle(0, event);
    }

    /// Carries out the actions: deliveries go to `deliver`; the new connect is kept; the
    /// first other request is returned.
    fn drain(&mut self, mut deliver: impl FnMut(&ccw::json::Value)) -> Option<RequestId> {
        let mut other = None;
        while let Some(action) = self.client.poll_action() {
            match action {
                Action::Report(ClientEvent::Message { data, .. }) => deliver(&data),
                Action::Send(request) if request.kind == RequestKind::Connect => {
                    self.connect = Some(request.id)
                }
                Action::Send(request) => {
                    other.get_or_insert(request.id);
                }
                _ => {}
            }
        }
        other
    }
}
