//! Tabs: one agent, many CRM tabs, one CometD session. The tabs of one agent elect a
//! leader with the Web Locks API; the leader holds the long poll and the disposition
//! sender and shares what it hears over a BroadcastChannel; the others render the same.
//!
//! - Election: every tab asks for the lock `crm-call-widget:<agent>`; the browser grants
//!   it to one tab and, when that tab closes or crashes, to the next in line at once.
//! - A frozen tab (Page Lifecycle `freeze`) gives the lock up before it stops running and
//!   asks again on `resume`. As that last word may not get out before the freeze, the
//!   followers also ping the leader twice a second; a leader silent for 1.4 s has its lock
//!   stolen (`steal: true`), and finds out when it wakes (its lock request rejects), so
//!   there is never more than one leader at work.
//! - Without Web Locks (old browsers, insecure origins) every tab leads its own session,
//!   as a lone tab does.
//!
//! Messages are JSON strings (`TabMessage`: an object with its kind in `type`), written
//! and read by hand, so the protocol is tested natively and costs the wasm little.

use crate::json::{json, Map, Value};
use crate::model::ConnectionStatus;

/// What tabs tell each other.
#[derive(Clone, Debug, PartialEq)]
pub enum TabMessage {
    /// A tab started; the others answer `Here`.
    Hello { tab: String },
    /// A tab is alive; `leader` says whether it holds the session.
    Here { tab: String, leader: bool },
    /// A tab is closing.
    Bye { tab: String },
    /// A follower asks whether the leader is alive.
    Ping { tab: String },
    /// The leader answers a ping.
    Pong { tab: String },
    /// The leader heard a notification on a subscribed channel.
    Notification { channel: String, data: Value },
    /// The leader's connection status changed.
    Connection { status: ConnectionStatus },
    /// The leader re-established its session: events may have been missed, re-read.
    Reread,
    /// Anything for the disposition outbox (routed by the outbox itself).
    Outbox { payload: Value },
    /// Calls the host page announced in one tab (telephony without a server channel), as
    /// JSON text.
    PageCalls { calls: String },
}

impl TabMessage {
    pub fn encode(&self) -> String {
        let (kind, mut body) = match self {
            TabMessage::Hello { tab } => ("Hello", json!({"tab": tab})),
            TabMessage::Here { tab, leader } => ("Here", json!({"tab": tab, "leader": leader})),
            TabMessage::Bye { tab } => ("Bye", json!({"tab": tab})),
            TabMessage::Ping { tab } => ("Ping", json!({"tab": tab})),
            TabMessage::Pong { tab } => ("Pong", json!({"tab": tab})),
            TabMessage::Notification { channel, data } => ("Notification", json!({"channel": channel, "data": data})),
            TabMessage::Connection { status } => ("Connection", json!({"status": status_value(status)})),
            TabMessage::Reread => ("Reread", json!({})),
            TabMessage::Outbox { payload } => ("Outbox", json!({"payload": payload})),
            TabMessage::PageCalls { calls } => ("PageCalls", json!({"calls": calls})),
        };
        body["type"] = json!(kind);
        body.to_string()
    }

    /// `None` for anything that is not one of ours (other scripts may share the channel name).
    pub fn decode(text: &str) -> Option<Self> {
        let Ok(Value::Object(mut m)) = crate::json::parse(text) else { return None };
        let mut text = |key: &str| match m.remove(key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let kind = text("type")?;
        Some(match kind.as_str() {
            "Hello" => TabMessage::Hello { tab: text("tab")? },
            "Bye" => TabMessage::Bye { tab: text("tab")? },
            "Ping" => TabMessage::Ping { tab: text("tab")? },
            "Pong" => TabMessage::Pong { tab: text("tab")? },
            "PageCalls" => TabMessage::PageCalls { calls: text("calls")? },
            "Here" => {
                let tab = text("tab")?;
                TabMessage::Here { tab, leader: m.get("leader")?.as_bool()? }
            }
            "Notification" => {
                let channel = text("channel")?;
                TabMessage::Notification { channel, data: m.remove("data")? }
            }
            "Connection" => TabMessage::Connection { status: status_from(m.get("status")?)? },
            "Reread" => TabMessage::Reread,
            "Outbox" => TabMessage::Outbox { payload: m.remove("payload")? },
            _ => return None,
        })
    }
}

/// A connection status as JSON: `"Connected"`, or `{"Reconnecting": {"attempt": 2, …}}`
/// for one with fields.
fn status_value(status: &ConnectionStatus) -> Value {
    match status {
        ConnectionStatus::Connecting => json!("Connecting"),
        ConnectionStatus::Connected => json!("Connected"),
        ConnectionStatus::SessionExpired => json!("SessionExpired"),
        ConnectionStatus::SessionNotKept => json!("SessionNotKept"),
        ConnectionStatus::Reconnecting { attempt, next_retry_ms } => {
            json!({"Reconnecting": {"attempt": attempt, "next_retry_ms": next_retry_ms}})
        }
        ConnectionStatus::Stopped { reason } => json!({"Stopped": {"reason": reason}}),
    }
}

fn status_from(v: &Value) -> Option<ConnectionStatus> {
    if let Some(name) = v.as_str() {
        return match name {
            "Connecting" => Some(ConnectionStatus::Connecting),
            "Connected" => Some(ConnectionStatus::Connected),
            "SessionExpired" => Some(ConnectionStatus::SessionExpired),
            "SessionNotKept" => Some(ConnectionStatus::SessionNotKept),
            _ => None,
        };
    }
    let (name, fields): (&String, &Value) = v.as_object().filter(|m: &&Map<String, Value>| m.len() == 1)?.iter().next()?;
    match name.as_str() {
        "Reconnecting" => Some(ConnectionStatus::Reconnecting {
            attempt: u32::try_from(fields.get("attempt")?.as_u64()?).ok()?,
            next_retry_ms: fields.get("next_retry_ms")?.as_u64()?,
        }),
        "Stopped" => Some(ConnectionStatus::Stopped { reason: fields.get("reason")?.as_str()?.to_owned() }),
        _ => None,
    }
}

/// The lock and channel name for one agent on one GWS.
pub fn coordination_key(gws_base: &str, agent: &str) -> String {
    format!("crm-call-widget:{gws_base}:{agent}")
}

pub use browser::{TabCoordinator, TabHooks};

mod browser {
    use crate::cell::Borrowing;
    use super::TabMessage;
    use gloo_events::EventListener;
    use js_sys::{Function, Promise, Reflect};
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{BroadcastChannel, MessageEvent};

    /// How often a follower pings the leader, and how long a silence it tolerates.
    const PING_EVERY_MS: u32 = 450;
    const SILENCE_MS: f64 = 1_400.0;

    #[wasm_bindgen]
    extern "C" {
        /// `navigator.locks` (web-sys has it only behind its unstable flag).
        type LockManager;
        #[wasm_bindgen(method, js_name = request)]
        fn request(this: &LockManager, name: &str, options: &JsValue, callback: &Closure<dyn FnMut(JsValue) -> Promise>) -> Promise;
    }

    fn lock_manager() -> Option<LockManager> {
        let navigator = web_sys::window()?.navigator();
        let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
        (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
    }

    /// What the desk does when this tab's role changes or a message arrives.
    pub struct TabHooks {
        pub became_leader: Box<dyn Fn()>,
        pub lost_leadership: Box<dyn Fn()>,
        pub message: Box<dyn Fn(TabMessage)>,
    }

    pub struct TabCoordinator {
        id: String,
        key: String,
        channel: Option<BroadcastChannel>,
        leader: Cell<bool>,
        /// Resolves the promise that holds the lock (gives the lock up).
        release: RefCell<Option<Function>>,
        /// Keeps the lock callback alive while the request is queued or held.
        lock_callback: RefCell<Option<Closure<dyn FnMut(JsValue) -> Promise>>>,
        /// Withdraws a request still in the queue (a frozen tab must not be granted the lock).
        withdraw: RefCell<Option<web_sys::AbortController>>,
        /// Numbers lock requests, so a late rejection of an old one changes nothing.
        generation: Cell<u32>,
        /// The agent's other tabs, by id (a handful: a list, not a map).
        others: RefCell<Vec<String>>,
        leader_seen: Cell<bool>,
        /// When a leader last spoke (ms); followers steal the lock after `SILENCE_MS` of silence.
        leader_heard_at: Cell<f64>,
        watchdog: RefCell<Option<gloo_timers::callback::Interval>>,
        hooks: TabHooks,
        listeners: RefCell<Vec<EventListener>>,
        stopped: Cell<bool>,
    }

    impl TabCoordinator {
        pub fn start(key: &str, hooks: TabHooks) -> Rc<Self> {
            let id = format!("{:x}", (js_sys::Math::random() * 1e15) as u64);
            let channel = BroadcastChannel::new(key).ok();
            let this = Rc::new(Self {
                id,
                key: key.to_string(),
                channel,
                leader: Cell::new(false),
                release: RefCell::new(None),
                lock_callback: RefCell::new(None),
                withdraw: RefCell::new(None),
                generation: Cell::new(0),
                others: RefCell::new(Vec::new()),
                leader_seen: Cell::new(false),
                leader_heard_at: Cell::new(js_sys::Date::now()),
                watchdog: RefCell::new(None),
                hooks,
                listeners: RefCell::new(Vec::new()),
                stopped: Cell::new(false),
            });
            this.listen();
            this.post(&TabMessage::Hello { tab: this.id.clone() });
            Self::campaign(&this, false);
            Self::watch_leader(&this);
            this
        }

        /// Followers ping the leader every second and take over from a silent one.
        fn watch_leader(this: &Rc<Self>) {
            if lock_manager().is_none() {
                return;
            }
            let weak = Rc::downgrade(this);
            let interval = crate::timer::every(PING_EVERY_MS, move || {
                let Some(this) = weak.upgrade() else { return };
                if this.stopped.get() || this.leader.get() {
                    return;
                }
                let silent_for = js_sys::Date::now() - this.leader_heard_at.get();
                if this.leader_seen.get() && silent_for > SILENCE_MS {
                    this.leader_heard_at.set(js_sys::Date::now());
                    Self::campaign(&this, true);
                } else {
                    this.post(&TabMessage::Ping { tab: this.id.clone() });
                }
            });
            *this.watchdog.write() = Some(interval);
        }

        pub fn is_leader(&self) -> bool {
            self.leader.get()
        }

        /// Whether another tab of this agent has led a session (so it was started already).
        pub fn leader_seen(&self) -> bool {
            self.leader_seen.get()
        }

        /// How many other tabs of this agent are open.
        pub fn other_tabs(&self) -> usize {
            self.others.read().len()
        }

        pub fn post(&self, message: &TabMessage) {
            if let Some(channel) = &self.channel {
                let _ = channel.post_message(&JsValue::from_str(&message.encode()));
            }
        }

        /// Gives up the lock and says goodbye (the widget is going away).
        pub fn stop(&self) {
            if self.stopped.replace(true) {
                return;
            }
            self.post(&TabMessage::Bye { tab: self.id.clone() });
            self.step_down();
            self.watchdog.write().take();
            self.listeners.write().clear();
            if let Some(channel) = &self.channel {
                channel.close();
            }
        }

        fn listen(self: &Rc<Self>) {
            let mut listeners = Vec::new();
            if let Some(channel) = &self.channel {
                let weak = Rc::downgrade(self);
                listeners.push(EventListener::new(channel, "message", move |event| {
                    let (Some(this), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) else { return };
                    if let Some(message) = event.data().as_string().and_then(|t| TabMessage::decode(&t)) {
                        this.on_message(message);
                    }
                }));
            }
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                let weak: Weak<Self> = Rc::downgrade(self);
                listeners.push(EventListener::new(&document, "freeze", move |_| {
                    if let Some(this) = weak.upgrade() {
                        this.step_down();
                    }
                }));
                let weak: Weak<Self> = Rc::downgrade(self);
                listeners.push(EventListener::new(&document, "resume", move |_| {
                    if let Some(this) = weak.upgrade() {
                        this.leader_heard_at.set(js_sys::Date::now());
                        Self::campaign(&this, false);
                    }
                }));
            }
            if let Some(window) = web_sys::window() {
                let weak: Weak<Self> = Rc::downgrade(self);
                listeners.push(EventListener::new(&window, "pagehide", move |_| {
                    if let Some(this) = weak.upgrade() {
                        this.post(&TabMessage::Bye { tab: this.id.clone() });
                    }
                }));
            }
            *self.listeners.write() = listeners;
        }

        /// Another tab of the agent said it is open.
        fn met(&self, tab: &str) {
            let mut others = self.others.write();
            if !others.iter().any(|t| t == tab) {
                others.push(tab.to_string());
            }
        }

        fn on_message(&self, message: TabMessage) {
            match &message {
                TabMessage::Hello { tab } => {
                    self.met(tab);
                    self.post(&TabMessage::Here { tab: self.id.clone(), leader: self.is_leader() });
                }
                TabMessage::Here { tab, leader } => {
                    self.met(tab);
                    if *leader {
                        self.leader_seen.set(true);
                        self.leader_heard_at.set(js_sys::Date::now());
                    }
                }
                TabMessage::Ping { .. } => {
                    if self.is_leader() {
                        self.post(&TabMessage::Pong { tab: self.id.clone() });
                    }
                    return;
                }
                TabMessage::Pong { .. } => {
                    self.leader_seen.set(true);
                    self.leader_heard_at.set(js_sys::Date::now());
                    return;
                }
                TabMessage::Notification { .. } | TabMessage::Connection { .. } | TabMessage::Reread => {
                    self.leader_heard_at.set(js_sys::Date::now());
                }
                TabMessage::Bye { tab } => {
                    crate::gather::keep(&mut self.others.write(), |t| t != tab);
                }
                _ => {}
            }
            (self.hooks.message)(message);
        }

        /// Queues for the lock (or, with `steal`, takes it from a silent leader); leads from
        /// the moment it is granted until it is given up or stolen.
        fn campaign(this: &Rc<Self>, steal: bool) {
            if this.stopped.get() || this.leader.get() {
                return;
            }
            if this.lock_callback.read().is_some() {
                if !steal {
                    return;
                }
                // Withdraw the queued request before taking the lock over.
                if let Some(w) = this.withdraw.write().take() {
                    w.abort();
                }
                this.lock_callback.write().take();
            }
            let Some(locks) = lock_manager() else {
                this.leader.set(true);
                (this.hooks.became_leader)();
                return;
            };
            let weak = Rc::downgrade(this);
            let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
                let mut resolver: Option<Function> = None;
                let held = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
                match weak.upgrade() {
                    Some(this) if !this.stopped.get() => {
                        *this.release.write() = resolver;
                        this.leader.set(true);
                        this.post(&TabMessage::Here { tab: this.id.clone(), leader: true });
                        (this.hooks.became_leader)();
                    }
                    _ => {
                        if let Some(resolve) = resolver {
                            let _ = resolve.call0(&JsValue::NULL);
                        }
                    }
                }
                held
            });
            let withdraw = if steal { None } else { web_sys::AbortController::new().ok() };
            let options = js_sys::Object::new();
            if let Some(w) = &withdraw {
                let _ = Reflect::set(&options, &JsValue::from_str("signal"), &w.signal());
            }
            if steal {
                let _ = Reflect::set(&options, &JsValue::from_str("steal"), &JsValue::TRUE);
            }
            // The request's promise rejects when withdrawn (expected) or when another tab
            // stole the lock from this one while it led: then this tab steps down.
            let weak = Rc::downgrade(this);
            let generation = this.generation.get() + 1;
            this.generation.set(generation);
            let on_reject = Closure::<dyn FnMut(JsValue)>::new(move |_| {
                if let Some(this) = weak.upgrade() {
                    if this.generation.get() == generation && this.leader.get() {
                        this.step_down();
                        Self::campaign(&this, false);
                    }
                }
            });
            let _ = locks.request(&this.key, &options, &callback).catch(&on_reject);
            on_reject.forget();
            *this.lock_callback.write() = Some(callback);
            *this.withdraw.write() = withdraw;
        }

        /// Stops leading (if it did) and lets the next tab in line take over.
        fn step_down(&self) {
            let was_leader = self.leader.replace(false);
            if was_leader {
                (self.hooks.lost_leadership)();
            }
            match self.release.write().take() {
                Some(release) => {
                    let _ = release.call0(&JsValue::NULL);
                }
                None => {
                    if let Some(w) = self.withdraw.read().as_ref() {
                        w.abort();
                    }
                }
            }
            self.withdraw.write().take();
            self.lock_callback.write().take();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_json() {
        let all = [
            TabMessage::Hello { tab: "a".into() },
            TabMessage::Here { tab: "b".into(), leader: true },
            TabMessage::Bye { tab: "c".into() },
            TabMessage::Ping { tab: "d".into() },
            TabMessage::Pong { tab: "e".into() },
            TabMessage::Notification { channel: "/v2/me/calls".into(), data: crate::json::json!({"x": [1, 2]}) },
            TabMessage::Connection { status: ConnectionStatus::Reconnecting { attempt: 2, next_retry_ms: 3000 } },
            TabMessage::Reread,
            TabMessage::Outbox { payload: crate::json::json!({"k": "v"}) },
        ];
        for m in all {
            assert_eq!(TabMessage::decode(&m.encode()), Some(m));
        }
    }

    #[test]
    fn every_status_round_trips() {
        for status in [
            ConnectionStatus::Connecting,
            ConnectionStatus::Connected,
            ConnectionStatus::SessionExpired,
            ConnectionStatus::SessionNotKept,
            ConnectionStatus::Reconnecting { attempt: 7, next_retry_ms: 12_000 },
            ConnectionStatus::Stopped { reason: "gone".into() },
        ] {
            let m = TabMessage::Connection { status };
            assert_eq!(TabMessage::decode(&m.encode()), Some(m));
        }
        let m = TabMessage::PageCalls { calls: "[]".into() };
        assert_eq!(TabMessage::decode(&m.encode()), Some(m));
    }

    /// The texts earlier releases wrote (serde's internally tagged form), so tabs of two
    /// releases open side by side during a deploy still understand each other.
    #[test]
    fn reads_the_wire_format_of_earlier_releases() {
        let earlier = [
            (r#"{"type":"Here","tab":"b","leader":true}"#, TabMessage::Here { tab: "b".into(), leader: true }),
            (
                r#"{"type":"Notification","channel":"/v2/me/calls","data":{"x":[1,2]}}"#,
                TabMessage::Notification { channel: "/v2/me/calls".into(), data: crate::json::json!({"x": [1, 2]}) },
            ),
            (
                r#"{"type":"Connection","status":{"Reconnecting":{"attempt":2,"next_retry_ms":3000}}}"#,
                TabMessage::Connection { status: ConnectionStatus::Reconnecting { attempt: 2, next_retry_ms: 3000 } },
            ),
            (
                r#"{"type":"Connection","status":{"Stopped":{"reason":"r"}}}"#,
                TabMessage::Connection { status: ConnectionStatus::Stopped { reason: "r".into() } },
            ),
            (r#"{"type":"Connection","status":"SessionNotKept"}"#, TabMessage::Connection { status: ConnectionStatus::SessionNotKept }),
            (r#"{"type":"Reread"}"#, TabMessage::Reread),
            (r#"{"type":"Outbox","payload":{"k":"v"}}"#, TabMessage::Outbox { payload: crate::json::json!({"k": "v"}) }),
            (r#"{"type":"PageCalls","calls":"[]"}"#, TabMessage::PageCalls { calls: "[]".into() }),
        ];
        for (text, message) in earlier {
            assert_eq!(TabMessage::decode(text).as_ref(), Some(&message), "{text}");
            assert_eq!(crate::json::parse(&message.encode()), crate::json::parse(text), "written as before: {text}");
        }
    }

    #[test]
    fn foreign_messages_are_ignored() {
        assert_eq!(TabMessage::decode("hello"), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Launch"}"#), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Hello"}"#), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Here","tab":"a","leader":"yes"}"#), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Connection","status":{"Reconnecting":{}}}"#), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Connection","status":"Sideways"}"#), None);
        assert_eq!(TabMessage::decode(r#"["Hello"]"#), None);
    }
}
