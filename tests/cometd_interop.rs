//! Our Bayeux client (the browser driver, `ccw::cometd::driver`) against two servers, in
//! headless Chromium: the official CometD server (npm `cometd-nodejs-server`, wrapped by
//! `tests/cometd-peer/server.mjs`) and the simulator's Bayeux endpoint (`ccsim`). The same
//! three scenarios run against each:
//! - handshake, subscribe, 1,000 messages received in order, none lost, none doubled;
//! - the server expires the session → the client handshakes again, subscribes again and
//!   keeps receiving;
//! - the server is down for 15 s, then back → the client recovers by itself.
//!
//! `scripts/cometd-interop.sh` starts both servers and passes their URLs at build time in
//! `CCW_COMETD_PEER_URL` and `CCW_SIM_URL`; a test whose server is not given is skipped.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use ccw::cometd::{ClientEvent, CometdDriver, CometdHandle, DriverConfig, Status};
use gloo_net::http::Request;
use gloo_timers::future::TimeoutFuture;
use ccw::json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BURST: usize = 1_000;
const OUTAGE_MS: u64 = 15_000;
/// `Authorization` for the simulator's agent `ava` (password `demo`).
const BASIC_AVA: &str = "Basic YXZhOmRlbW8=";

// ---- the servers ----

#[derive(Clone, Copy)]
enum Server {
    /// The official server behind the CORS wrapper; its Bayeux URL is `<base>/cometd`.
    Peer(&'static str),
    /// The simulator; Bayeux at `<base>/api/v2/notifications`, Basic auth.
    Sim(&'static str),
}

impl Server {
    fn peer() -> Option<Server> {
        option_env!("CCW_COMETD_PEER_URL").map(Server::Peer)
    }

    fn sim() -> Option<Server> {
        option_env!("CCW_SIM_URL").map(Server::Sim)
    }

    fn config(self) -> DriverConfig {
        match self {
            Server::Peer(base) => DriverConfig::new(format!("{base}/cometd")),
            Server::Sim(base) => DriverConfig::new(format!("{base}/api/v2/notifications"))
                .with_headers(|| vec![("Authorization".into(), BASIC_AVA.into())]),
        }
    }

    /// The channel to follow; `test` keeps the official server's channels apart per test.
    fn channel(self, test: &str) -> String {
        match self {
            Server::Peer(_) => format!("/interop/{test}"),
            Server::Sim(_) => "/v2/me/calls".into(),
        }
    }

    /// What identifies one expected message: the peer's `seq`, or the simulator's call
    /// id with its state.
    fn key(self, data: &Value) -> Option<String> {
        match self {
            Server::Peer(_) => data.get("seq").map(|s| s.to_string()),
            Server::Sim(_) => {
                let call = data.get("call").unwrap_or(data);
                let id = call.get("id")?.as_str()?;
                let state = call.get("state")?.as_str()?;
                Some(format!("{id}:{state}"))
            }
        }
    }

    /// Makes the server send `count` messages on `channel` (`from` numbers the first);
    /// returns their keys in the order they are sent.
    async fn emit(self, channel: &str, from: usize, count: usize) -> Vec<String> {
        match self {
            Server::Peer(base) => {
                // In bursts of 100: each one lands while a connect is held or between two.
                let mut keys = Vec::with_capacity(count);
                let mut sent = 0;
                while sent < count {
                    let n = (count - sent).min(100);
                    let body = json!({"channel": channel, "count": n, "from": from + sent});
                    post(format!("{base}/control/publish"), body).await;
                    keys.extend((from + sent..from + sent + n).map(|s| s.to_string()));
                    sent += n;
                }
                keys
            }
            Server::Sim(base) => {
                // Half the messages ring calls, the other half end them: each call makes one
                // `Ringing` and one `Released` notification.
                let calls = count.div_ceil(2);
                let mut ids = Vec::with_capacity(calls);
                let mut keys = Vec::with_capacity(count);
                for i in 0..calls {
                    let from = format!("555{:07}", from + i);
                    let reply = post(
                        format!("{base}/sim/calls/inbound"),
                        json!({"agent": "ava", "from": from}),
                    )
                    .await;
                    let id = reply["id"].as_str().expect("a call id").to_owned();
                    keys.push(format!("{id}:Ringing"));
                    ids.push(id);
                }
                for id in ids.iter().take(count - calls) {
                    post(format!("{base}/sim/calls/{id}/remote-hangup"), json!({})).await;
                    keys.push(format!("{id}:Released"));
                }
                keys
            }
        }
    }

    /// Expires every Bayeux session on the server.
    async fn expire_sessions(self) {
        match self {
            Server::Peer(base) => post(format!("{base}/control/expire-sessions"), json!({})),
            Server::Sim(base) => post(
                format!("{base}/sim/faults"),
                json!({"expireCometdSessions": true}),
            ),
        }
        .await;
    }

    /// Takes the server down for `ms`. The peer closes its port and resets every
    /// connection, then listens again as a fresh process would; the simulator blackholes
    /// its APIs (requests hang, then the connection closes without an answer).
    async fn go_down(self, ms: u64) {
        match self {
            Server::Peer(base) => post(
                format!("{base}/control/down"),
                json!({"ms": ms, "restart": true}),
            ),
            Server::Sim(base) => post(format!("{base}/sim/faults"), json!({"blackholeMs": ms})),
        }
        .await;
    }

    /// (live Bayeux sessions, handshakes so far).
    async fn counts(self) -> (u64, u64) {
        match self {
            Server::Peer(base) => {
                let s = get(format!("{base}/control/state")).await;
                (num(&s["sessions"]), num(&s["handshakes"]))
            }
            Server::Sim(base) => {
                let s = get(format!("{base}/sim/state")).await;
                (
                    num(&s["cometd"]["sessions"]),
                    num(&s["cometd"]["handshakes"]),
                )
            }
        }
    }
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("a count, not {v}"))
}

/// A control request. `text/plain` keeps it a simple CORS request (no preflight); both
/// servers read the body as JSON whatever its type.
async fn post(url: String, body: Value) -> Value {
    let reply = Request::post(&url)
        .header("Content-Type", "text/plain")
        .body(body.to_string())
        .expect("a request")
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = reply.status();
    let text = reply.text().await.unwrap_or_default();
    assert!((200..300).contains(&status), "POST {url} → {status} {text}");
    ccw::json::parse(&text).unwrap_or(Value::Null)
}

async fn get(url: String) -> Value {
    let reply = Request::get(&url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert!(reply.ok(), "GET {url} → {}", reply.status());
    ccw::json::parse(&reply.text().await.unwrap_or_default()).expect("JSON")
}

// ---- the client under test ----

#[derive(Default)]
struct Seen {
    /// (channel, key) of every message, in arrival order.
    messages: Vec<(String, Option<String>)>,
    statuses: Vec<Status>,
    /// The `rehandshake` flag of every `Established`.
    established: Vec<bool>,
    refused: Vec<String>,
}

struct Run {
    server: Server,
    channel: String,
    handle: CometdHandle,
    seen: Rc<RefCell<Seen>>,
    started: f64,
}

impl Run {
    async fn start(server: Server, test: &str) -> Run {
        let seen = Rc::new(RefCell::new(Seen::default()));
        let sink = Rc::clone(&seen);
        let handle = CometdDriver::start_with(server.config(), move |event| {
            let mut seen = sink.borrow_mut();
            match event {
                ClientEvent::Message { channel, data } => {
                    let key = server.key(&data);
                    seen.messages.push((channel, key));
                }
                ClientEvent::Status(status) => seen.statuses.push(status),
                ClientEvent::Established { rehandshake } => seen.established.push(rehandshake),
                ClientEvent::SubscribeFailed { channel, error } => {
                    seen.refused.push(format!("{channel}: {error:?}"))
                }
            }
        });
        let channel = server.channel(test);
        handle.subscribe(&channel);
        let run = Run {
            server,
            channel,
            handle,
            seen,
            started: now(),
        };
        run.until("the first session", 10_000, |s| !s.established.is_empty())
            .await;
        {
            let seen = run.seen.borrow();
            assert_eq!(seen.established, vec![false]);
            assert!(seen.refused.is_empty(), "{:?}", seen.refused);
            assert_eq!(
                run.handle.status(),
                Status::Connected {
                    multiple_clients: false
                }
            );
        }
        run
    }

    /// Waits until `done` holds, polling every 10 ms; fails after `ms`.
    async fn until(&self, what: &str, ms: u64, done: impl Fn(&Seen) -> bool) {
        let deadline = now() + ms as f64;
        loop {
            if done(&self.seen.borrow()) {
                return;
            }
            if now() > deadline {
                let seen = self.seen.borrow();
                panic!(
                    "no {what} within {ms} ms; statuses {:?}; established {:?}; {} messages; refused {:?}",
                    seen.statuses,
                    seen.established,
                    seen.messages.len(),
                    seen.refused
                );
            }
            TimeoutFuture::new(10).await;
        }
    }

    /// Has the server send `count` messages and checks that exactly those arrive, in order.
    async fn emit_and_receive(&self, from: usize, count: usize, ms: u64) {
        let before = self.seen.borrow().messages.len();
        let expected = self.server.emit(&self.channel, from, count).await;
        let wanted: HashSet<&str> = expected.iter().map(String::as_str).collect();
        let ours = |s: &Seen| -> Vec<String> {
            s.messages[before..]
                .iter()
                .filter(|(channel, _)| *channel == self.channel)
                .filter_map(|(_, key)| key.clone())
                .filter(|key| wanted.contains(key.as_str()))
                .collect()
        };
        self.until(&format!("{count} messages"), ms, |s| {
            ours(s).len() >= expected.len()
        })
        .await;
        // Anything doubled would arrive right behind: give it a moment.
        TimeoutFuture::new(100).await;
        let got = ours(&self.seen.borrow());
        assert_eq!(got.len(), expected.len(), "a message arrived twice");
        if let Some(i) = (0..got.len()).find(|&i| got[i] != expected[i]) {
            panic!(
                "out of order at {i}: got {} where {} was sent",
                got[i], expected[i]
            );
        }
    }

    /// Stops the client and waits until the server has dropped its session, so the next
    /// test's client is the browser's only one (else the server answers it with the
    /// `multiple-clients` advice and a 2 s interval).
    async fn finish(self) {
        self.handle.stop();
        let deadline = now() + 5_000.0;
        loop {
            let (sessions, _) = self.server.counts().await;
            if sessions == 0 {
                break;
            }
            assert!(now() < deadline, "the server still has {sessions} sessions");
            TimeoutFuture::new(20).await;
        }
        let seen = self.seen.borrow();
        assert!(seen.refused.is_empty(), "{:?}", seen.refused);
        assert!(
            matches!(seen.statuses.last(), Some(Status::Stopped { .. })),
            "{:?}",
            seen.statuses
        );
        web_sys::console::log_1(
            &format!(
                "{}: {} messages in {:.0} ms",
                self.channel,
                seen.messages.len(),
                now() - self.started
            )
            .into(),
        );
    }
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn reconnecting(s: &Status) -> bool {
    matches!(s, Status::Reconnecting { .. })
}

// ---- the scenarios ----

async fn burst(server: Server, test: &str) {
    let run = Run::start(server, test).await;
    run.emit_and_receive(0, BURST, 20_000).await;
    assert_eq!(
        run.seen.borrow().established,
        vec![false],
        "one session throughout"
    );
    run.finish().await;
}

async fn session_expiry(server: Server, test: &str) {
    let run = Run::start(server, test).await;
    run.emit_and_receive(0, 10, 5_000).await;
    let (_, handshakes) = server.counts().await;
    server.expire_sessions().await;
    run.until("re-established session", 10_000, |s| {
        s.established.len() == 2
    })
    .await;
    assert_eq!(run.seen.borrow().established, vec![false, true]);
    let (sessions, after) = server.counts().await;
    assert_eq!(sessions, 1, "one live session");
    assert_eq!(after, handshakes + 1, "exactly one new handshake");
    assert_eq!(
        run.handle.status(),
        Status::Connected {
            multiple_clients: false
        }
    );
    run.emit_and_receive(10, 10, 5_000).await;
    run.finish().await;
}

async fn outage(server: Server, test: &str) {
    let run = Run::start(server, test).await;
    run.emit_and_receive(0, 10, 5_000).await;
    let statuses_before = run.seen.borrow().statuses.len();
    let down_at = now();
    server.go_down(OUTAGE_MS).await;
    run.until("reconnecting status", OUTAGE_MS + 15_000, |s| {
        s.statuses[statuses_before..].iter().any(reconnecting)
    })
    .await;
    run.until("recovery", OUTAGE_MS + 30_000, |s| s.established.len() == 2)
        .await;
    let recovered_after = now() - down_at;
    assert!(
        recovered_after >= OUTAGE_MS as f64 - 500.0,
        "back after {recovered_after} ms, while the server was down for {OUTAGE_MS} ms"
    );
    assert_eq!(run.seen.borrow().established, vec![false, true]);
    assert_eq!(
        run.handle.status(),
        Status::Connected {
            multiple_clients: false
        }
    );
    run.emit_and_receive(10, 10, 5_000).await;
    web_sys::console::log_1(
        &format!("{test}: recovered {recovered_after:.0} ms after the outage began").into(),
    );
    run.finish().await;
}

fn skip(what: &str) {
    web_sys::console::log_1(&format!("skipped: {what} not given at build time").into());
}

// ---- the tests ----

#[wasm_bindgen_test]
async fn official_server_handshake_subscribe_and_1000_messages_in_order() {
    match Server::peer() {
        Some(server) => burst(server, "burst").await,
        None => skip("CCW_COMETD_PEER_URL"),
    }
}

#[wasm_bindgen_test]
async fn official_server_session_expiry_rehandshakes_resubscribes_and_keeps_receiving() {
    match Server::peer() {
        Some(server) => session_expiry(server, "expiry").await,
        None => skip("CCW_COMETD_PEER_URL"),
    }
}

#[wasm_bindgen_test]
async fn official_server_down_15_s_then_back_recovers_by_itself() {
    match Server::peer() {
        Some(server) => outage(server, "outage").await,
        None => skip("CCW_COMETD_PEER_URL"),
    }
}

#[wasm_bindgen_test]
async fn simulator_handshake_subscribe_and_1000_messages_in_order() {
    match Server::sim() {
        Some(server) => burst(server, "burst").await,
        None => skip("CCW_SIM_URL"),
    }
}

#[wasm_bindgen_test]
async fn simulator_session_expiry_rehandshakes_resubscribes_and_keeps_receiving() {
    match Server::sim() {
        Some(server) => session_expiry(server, "expiry").await,
        None => skip("CCW_SIM_URL"),
    }
}

#[wasm_bindgen_test]
async fn simulator_down_15_s_then_back_recovers_by_itself() {
    match Server::sim() {
        Some(server) => outage(server, "outage").await,
        None => skip("CCW_SIM_URL"),
    }
}
