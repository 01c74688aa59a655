//! Tabs: one agent, many CRM tabs, one CometD session. The tabs of one agent elect a
//! leader with the Web Locks API; the leader holds the long poll and the disposition
//! sender and shares what it hears over a BroadcastChannel; the others render the same.
//!
//! - Election: every tab asks for the lock `crm-call-widget:<agent>`; the browser grants
//!   it to one tab and, when that tab closes or crashes, to the next in line at once.
//! - A frozen tab (Page Lifecycle `freeze`, e.g. a backgrounded tab on a phone or a tab
//!   discarded to save memory) gives the lock up before it stops running and asks again
//!   on `resume`, so a frozen leader never blocks the others.
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
    /// The leader heard a notification on a subscribed channel.
    Notification { channel: String, data: Value },
    /// The leader's connection status changed.
    Connection { status: ConnectionStatus },
    /// The leader re-established its session: events may have been missed, re-read.
    Reread,
    /// Anything for the disposition outbox (routed by the outbox itself).
    Outbox { payload: Value },
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

#[cfg(target_arch = "wasm32")]
pub use browser::TabCoordinator;

#[cfg(target_arch = "wasm32")]
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
        others: RefCell<BTreeSet<String>>,
        leader_seen: Cell<bool>,
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
                others: RefCell::new(BTreeSet::new()),
                leader_seen: Cell::new(false),
                hooks,
                listeners: RefCell::new(Vec::new()),
                stopped: Cell::new(false),
            });
            this.listen();
            this.post(&TabMessage::Hello { tab: this.id.clone() });
            Self::campaign(&this);
            this
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
                        Self::campaign(&this);
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
                    }
                }
                TabMessage::Bye { tab } => {
                    self.others.borrow_mut().remove(tab);
                }
                _ => {}
            }
            (self.hooks.message)(message);
        }

        /// Queues for the lock; leads from the moment it is granted until it is given up.
        fn campaign(this: &Rc<Self>) {
            if this.stopped.get() || this.leader.get() || this.lock_callback.borrow().is_some() {
                return;
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
            let withdraw = web_sys::AbortController::new().ok();
            let options = js_sys::Object::new();
            if let Some(w) = &withdraw {
                let _ = Reflect::set(&options, &JsValue::from_str("signal"), &w.signal());
            }
            // The request's promise rejects when withdrawn: that is expected, not an error.
            let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
            let _ = locks.request(&this.key, &options, &callback).catch(&ignore);
            ignore.forget();
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
