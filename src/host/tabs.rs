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
//! Messages are JSON strings (`TabMessage`), so the protocol is tested natively.

use crate::model::ConnectionStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What tabs tell each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
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
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for anything that is not one of ours (other scripts may share the channel name).
    pub fn decode(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// The lock and channel name for one agent on one GWS.
pub fn coordination_key(gws_base: &str, agent: &str) -> String {
    format!("crm-call-widget:{gws_base}:{agent}")
}

pub use browser::{TabCoordinator, TabHooks};

mod browser {
    use super::TabMessage;
    use gloo_events::EventListener;
    use js_sys::{Function, Promise, Reflect};
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeSet;
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
        others: RefCell<BTreeSet<String>>,
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
                others: RefCell::new(BTreeSet::new()),
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
            let interval = gloo_timers::callback::Interval::new(PING_EVERY_MS, move || {
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
            *this.watchdog.borrow_mut() = Some(interval);
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
            self.others.borrow().len()
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
            self.watchdog.borrow_mut().take();
            self.listeners.borrow_mut().clear();
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
            *self.listeners.borrow_mut() = listeners;
        }

        fn on_message(&self, message: TabMessage) {
            match &message {
                TabMessage::Hello { tab } => {
                    self.others.borrow_mut().insert(tab.clone());
                    self.post(&TabMessage::Here { tab: self.id.clone(), leader: self.is_leader() });
                }
                TabMessage::Here { tab, leader } => {
                    self.others.borrow_mut().insert(tab.clone());
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
                    self.others.borrow_mut().remove(tab);
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
            if this.lock_callback.borrow().is_some() {
                if !steal {
                    return;
                }
                // Withdraw the queued request before taking the lock over.
                if let Some(w) = this.withdraw.borrow_mut().take() {
                    w.abort();
                }
                this.lock_callback.borrow_mut().take();
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
                        *this.release.borrow_mut() = resolver;
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
            *this.lock_callback.borrow_mut() = Some(callback);
            *this.withdraw.borrow_mut() = withdraw;
        }

        /// Stops leading (if it did) and lets the next tab in line take over.
        fn step_down(&self) {
            let was_leader = self.leader.replace(false);
            if was_leader {
                (self.hooks.lost_leadership)();
            }
            match self.release.borrow_mut().take() {
                Some(release) => {
                    let _ = release.call0(&JsValue::NULL);
                }
                None => {
                    if let Some(w) = self.withdraw.borrow().as_ref() {
                        w.abort();
                    }
                }
            }
            self.withdraw.borrow_mut().take();
            self.lock_callback.borrow_mut().take();
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
            TabMessage::Notification { channel: "/v2/me/calls".into(), data: serde_json::json!({"x": [1, 2]}) },
            TabMessage::Connection { status: ConnectionStatus::Reconnecting { attempt: 2, next_retry_ms: 3000 } },
            TabMessage::Reread,
            TabMessage::Outbox { payload: serde_json::json!({"k": "v"}) },
        ];
        for m in all {
            assert_eq!(TabMessage::decode(&m.encode()), Some(m));
        }
    }

    #[test]
    fn foreign_messages_are_ignored() {
        assert_eq!(TabMessage::decode("hello"), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Launch"}"#), None);
        assert_eq!(TabMessage::decode(r#"{"type":"Hello"}"#), None);
    }
}
