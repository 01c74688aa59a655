//! AgentDesk: the running widget behind the panel. It wires the GWS session, the CometD
//! driver and the panel's reducer: reads state at start-up and after every re-handshake,
//! turns notifications into store actions, and sends the agent's operations.

mod dispositions;
mod gws;
mod ozonetel_auth;
mod wrap_up_shelf;

use crate::cometd::driver::{ClientEvent, CometdDriver, CometdHandle, DriverConfig};
use crate::cometd::status::{Status, StopReason};
use crate::config::WidgetConfig;
use crate::genesys::{self, AgentStateOperation, CallOperation, GwsError, GwsNotification, MeResponse};
use crate::i18n::Lang;
use crate::host::tabs::{coordination_key, TabCoordinator, TabHooks, TabMessage};
use crate::model::{ConnectionStatus, StoreAction};
use crate::ui::state::{OpTarget, PanelAction, Pending};
pub use dispositions::{
    genesys_key, ozonetel_key, CodesStatus, DispoStatus, DispositionView, Dispositions, EntryView, OzonetelCall,
};
pub use gws::GwsSession;
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use yew::Callback;

/// The milliseconds clock every store action is stamped with.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Delay before re-reading state after a failed read: 1 s, 2 s, … up to 30 s.
fn reread_delay_ms(failures: u32) -> u32 {
    (failures.max(1) * 1_000).min(30_000)
}

pub struct AgentDesk {
    inner: Rc<Inner>,
}

struct Inner {
    gws: Rc<GwsSession>,
    /// The agent's language, for the sentences of failures.
    lang: Lang,
    dispatch: Callback<PanelAction>,
    cometd: RefCell<Option<CometdHandle>>,
    device_id: RefCell<String>,
    session_started: Cell<bool>,
    read_failures: Cell<u32>,
    /// Notifications applied so far (a state read started before one may be stale).
    notes_applied: Cell<u64>,
    retry_timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    closed: Cell<bool>,
    /// The disposition runtime (see `dispositions.rs`).
    dispositions: RefCell<Option<Dispositions>>,
    /// This agent's other tabs (see `host::tabs`): one of them holds the CometD session.
    tabs: RefCell<Option<Rc<TabCoordinator>>>,
    /// This tab holds the session (the long poll and the disposition sender).
    leading: Cell<bool>,
    /// This tab took the session over from another (so it is already started).
    took_over: Cell<bool>,
    /// The last connection status, for tabs that join.
    connection: RefCell<ConnectionStatus>,
    /// The calls kept from before a reload were handed back (after the first read).
    shelf_restored: Cell<bool>,
    /// What this tab last wrote to the wrap-up shelf.
    shelf_written: RefCell<String>,
}

impl AgentDesk {
    /// Starts: reads who the agent is and their calls, then opens the notification channel.
    pub fn start(config: &WidgetConfig, lang: Lang, dispatch: Callback<PanelAction>) -> Self {
        let basic = (!config.username.is_empty()).then_some((config.username.as_str(), config.password.as_str()));
        let inner = Rc::new(Inner {
            gws: Rc::new(GwsSession::new(config.gws_base(), basic)),
            lang,
            dispatch,
            cometd: RefCell::new(None),
            device_id: RefCell::new(String::new()),
            session_started: Cell::new(false),
            read_failures: Cell::new(0),
            notes_applied: Cell::new(0),
            retry_timer: RefCell::new(None),
            closed: Cell::new(false),
            dispositions: RefCell::new(None),
            tabs: RefCell::new(None),
            leading: Cell::new(false),
            took_over: Cell::new(false),
            connection: RefCell::new(ConnectionStatus::Connecting),
            shelf_restored: Cell::new(false),
            shelf_written: RefCell::new(String::new()),
        });
        Inner::start_dispositions(&inner, config);
        Inner::join_tabs(&inner, config);
        Inner::read_state(&inner);
        Self { inner }
    }

    /// Sends a call operation; the control shows progress until the call's next notification.
    pub fn call_op(&self, call_id: &str, op: CallOperation) {
        let pending = Pending { target: OpTarget::Call(call_id.to_string()), op: op.name() };
        match op.request(call_id) {
            Ok(req) => self.inner.send(pending, req),
            Err(e) => self.inner.dispatch.emit(PanelAction::Notify { text: e.message().in_(self.inner.lang).into(), next_step: String::new() }),
        }
    }

    /// Dials `destination` from the agent's device, with the host page's userData.
    pub fn dial(&self, destination: &str, user_data: Option<Map<String, Value>>) {
        let device = self.inner.device_id.borrow().clone();
        let pending = Pending { target: OpTarget::Dial, op: "Dial" };
        match genesys::ops::dial(&device, destination, None, user_data.as_ref()) {
            Ok(req) => self.inner.send(pending, req),
            Err(e) => self.inner.dispatch.emit(PanelAction::Notify { text: e.message().in_(self.inner.lang).into(), next_step: String::new() }),
        }
    }

    /// Changes the agent's state (Ready, Not Ready with a reason, After Call Work).
    pub fn set_agent_state(&self, op: AgentStateOperation) {
        self.inner.set_agent_state(&op);
    }

    /// Starts over after the session ended: a fresh read and a fresh notification channel.
    pub fn reconnect(&self) {
        self.inner.read_failures.set(0);
        if let Some(cometd) = self.inner.cometd.borrow().as_ref() {
            cometd.restart();
        }
        Inner::read_state(&self.inner);
    }

    /// Logs the agent out of the contact centre (EndContactCenterSession) — unless another
    /// CRM tab of this agent is still open: that ends the HTTP session for every tab, so it
    /// is never sent while one is. Returns whether it was sent.
    pub fn sign_out(&self) -> bool {
        let others = self.inner.tabs.borrow().as_ref().map_or(0, |t| t.other_tabs());
        if others > 0 {
            return false;
        }
        let pending = Pending { target: OpTarget::Agent, op: "EndContactCenterSession" };
        self.inner.send(pending, genesys::ops::end_contact_center_session());
        true
    }

    /// Keeps the store's calls in storage (the tab that leads the session does), so a
    /// reload does not lose a call that waits, or will wait, for its disposition.
    pub fn shelve_calls(&self, store: &crate::model::CallStore) {
        if self.inner.leading.get() && self.inner.shelf_restored.get() && !self.inner.closed.get() {
            wrap_up_shelf::save(store.agent.user_name.trim(), store, &mut self.inner.shelf_written.borrow_mut());
        }
    }

    /// How many other CRM tabs of this agent are open.
    pub fn other_tabs(&self) -> usize {
        self.inner.tabs.borrow().as_ref().map_or(0, |t| t.other_tabs())
    }

    /// Stops everything it started: the long poll, timers, requests in flight.
    pub fn stop(&self) {
        self.inner.closed.set(true);
        if let Some(tabs) = self.inner.tabs.borrow_mut().take() {
            tabs.stop();
        }
        if let Some(d) = self.inner.dispositions.borrow_mut().take() {
            d.stop();
        }
        self.inner.retry_timer.borrow_mut().take();
        if let Some(cometd) = self.inner.cometd.borrow_mut().take() {
            cometd.stop();
        }
        self.inner.gws.close();
    }
}

impl Drop for AgentDesk {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Inner {
    fn store(&self, action: StoreAction) {
        self.dispatch.emit(PanelAction::Store(action));
    }

    fn set_agent_state(self: &Rc<Self>, op: &AgentStateOperation) {
        self.send(Pending { target: OpTarget::Agent, op: op.name() }, op.request());
    }

    fn send(self: &Rc<Self>, pending: Pending, req: genesys::GwsRequest) {
        self.dispatch.emit(PanelAction::Started(pending.clone()));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = this.gws.post(&req).await {
                this.report(pending, &e);
            }
        });
    }

    fn report(self: &Rc<Self>, pending: Pending, e: &GwsError) {
        if self.closed.get() {
            return;
        }
        if e.needs_session() {
            self.store(StoreAction::ConnectionChanged(ConnectionStatus::SessionExpired));
        }
        self.dispatch.emit(PanelAction::Failed {
            pending,
            text: e.message().in_(self.lang).into(),
            next_step: e.next_step().in_(self.lang).into(),
        });
        // statusCode 2 or 6: the call changed or left under the click (without a notification
        // that said so). Re-read, so the panel shows the calls and controls as they are now,
        // as the next step promises.
        if matches!(e, GwsError::InvalidForState | GwsError::NotFound) {
            Inner::read_state(self);
        }
    }

    /// `GET /api/v2/me?subresources=*`: who, their state and their calls. On success the
    /// notification channel starts (the first time); on failure it tries again later.
    fn read_state(self: &Rc<Self>) {
        Inner::read_state_fresh(self, 3);
    }

    /// The server takes its snapshot when it answers: a notification applied while the
    /// read was under way may be newer, and the snapshot would undo it (end a call it does
    /// not list yet, put back the agent's old state). Such a snapshot is dropped and read
    /// again (`stale_left` times at most; then it is applied as it is).
    fn read_state_fresh(self: &Rc<Self>, stale_left: u32) {
        let this = self.clone();
        let mark = self.notes_applied.get();
        wasm_bindgen_futures::spawn_local(async move {
            let result = this.gws.get("/api/v2/me?subresources=*").await;
            if this.closed.get() {
                return;
            }
            match result.and_then(|body| MeResponse::parse(&body).ok_or(GwsError::UnexpectedHttp(200))) {
                Ok(_) if this.notes_applied.get() != mark && stale_left > 0 => {
                    Inner::read_state_fresh(&this, stale_left - 1);
                }
                Ok(me) => {
                    this.read_failures.set(0);
                    let mut actions = genesys::snapshot_actions(&me, now_ms());
                    this.observe_dispositions(&actions);
                    if let Some(restored) = this.restore_shelf(&actions) {
                        this.observe_dispositions(std::slice::from_ref(&restored));
                        actions.push(restored);
                    }
                    for action in &actions {
                        if let StoreAction::AgentIdentified(who) = action {
                            *this.device_id.borrow_mut() = who.device_id.clone();
                        }
                    }
                    this.dispatch.emit(PanelAction::StoreBatch(actions));
                    if this.leading.get() {
                        Inner::open_notifications(&this);
                    }
                }
                Err(e) if e.needs_session() => {
                    this.store(StoreAction::ConnectionChanged(ConnectionStatus::SessionExpired));
                }
                Err(_) => {
                    let failures = this.read_failures.get() + 1;
                    this.read_failures.set(failures);
                    let delay = reread_delay_ms(failures);
                    this.store(StoreAction::ConnectionChanged(ConnectionStatus::Reconnecting {
                        attempt: failures,
                        next_retry_ms: u64::from(delay),
                    }));
                    let weak = Rc::downgrade(&this);
                    let timer = gloo_timers::callback::Timeout::new(delay, move || {
                        if let Some(this) = weak.upgrade() {
                            Inner::read_state(&this);
                        }
                    });
                    *this.retry_timer.borrow_mut() = Some(timer);
                }
            }
        });
    }

    /// After the first state read: the calls kept from before the reload, less those the
    /// read lists (they are live) and those whose disposition was already saved (their
    /// card was about to leave).
    fn restore_shelf(&self, actions: &[StoreAction]) -> Option<StoreAction> {
        if self.shelf_restored.replace(true) {
            return None;
        }
        let agent = actions.iter().find_map(|a| match a {
            StoreAction::AgentIdentified(who) => Some(who.user_name.trim().to_string()),
            _ => None,
        })?;
        let listed: Vec<&crate::model::Call> = actions
            .iter()
            .flat_map(|a| match a {
                StoreAction::Snapshot { calls, .. } => calls.iter().collect(),
                _ => Vec::new(),
            })
            .collect();
        let dispositions = self.dispositions.borrow().clone();
        let calls: Vec<crate::model::Call> = wrap_up_shelf::load(&agent, now_ms())
            .into_iter()
            .filter(|c| !listed.iter().any(|l| l.same_call(c)))
            .filter(|c| !dispositions.as_ref().is_some_and(|d| d.is_saved(&genesys_key(c))))
            .collect();
        (!calls.is_empty()).then_some(StoreAction::ShelfRestored { calls, at_ms: now_ms() })
    }

    fn open_notifications(self: &Rc<Self>) {
        if self.cometd.borrow().is_some() {
            return;
        }
        let weak: Weak<Inner> = Rc::downgrade(self);
        let headers_from = weak.clone();
        let mut config = DriverConfig::new(self.gws.url("/api/v2/notifications")).with_headers(move || {
            headers_from.upgrade().map(|i| i.gws.headers()).unwrap_or_default()
        });
        // The ack extension, where the server offers it: a connect answer lost on the way
        // (its events with it) is sent again instead of vanishing.
        config.client.ack = true;
        let handle = CometdDriver::start_with(config, move |event| {
            if let Some(this) = weak.upgrade() {
                Inner::on_cometd(&this, event);
            }
        });
        handle.subscribe("/v2/me/calls");
        handle.subscribe("/v2/me/devices");
        *self.cometd.borrow_mut() = Some(handle);
    }

    fn on_cometd(self: &Rc<Self>, event: ClientEvent) {
        if self.closed.get() {
            return;
        }
        match event {
            ClientEvent::Message { channel, data } => {
                self.apply_notification(&channel, &data);
                self.tell_tabs(TabMessage::Notification { channel, data });
            }
            ClientEvent::Status(status) => {
                let status = connection_status(&status);
                self.set_connection(status.clone());
                self.tell_tabs(TabMessage::Connection { status });
            }
            ClientEvent::Established { rehandshake: false } if self.took_over.get() => {
                // Taking over from another tab: what happened during the hand-over is only
                // in a fresh read; the session itself is already started.
                Inner::read_state(self);
                self.tell_tabs(TabMessage::Reread);
            }
            ClientEvent::Established { rehandshake: false } => {
                // What happened between the first read and the subscriptions (a call that
                // ended, one that rang) reached nobody: read again, now that nothing slips by.
                Inner::read_state(self);
                self.start_contact_center_session();
            }
            ClientEvent::Established { rehandshake: true } => {
                Inner::read_state(self);
                self.tell_tabs(TabMessage::Reread);
            }
            ClientEvent::SubscribeFailed { .. } => {}
        }
    }

    fn apply_notification(&self, channel: &str, data: &Value) {
        let note = GwsNotification::from_message(channel, data);
        let actions = genesys::notification_actions(&note, now_ms());
        if !actions.is_empty() {
            self.notes_applied.set(self.notes_applied.get().wrapping_add(1));
        }
        self.observe_dispositions(&actions);
        if !actions.is_empty() {
            self.dispatch.emit(PanelAction::StoreBatch(actions));
        }
    }

    fn set_connection(&self, status: ConnectionStatus) {
        *self.connection.borrow_mut() = status.clone();
        self.store(StoreAction::ConnectionChanged(status));
    }

    /// After the first connect: StartContactCenterSession (statusCode 7, partial, is fine).
    fn start_contact_center_session(self: &Rc<Self>) {
        if self.session_started.replace(true) {
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = this.gws.post(&genesys::ops::start_contact_center_session()).await;
        });
    }
}

/// The driver's status in the panel's terms.
fn connection_status(status: &Status) -> ConnectionStatus {
    match status {
        Status::Connecting => ConnectionStatus::Connecting,
        Status::Connected { .. } => ConnectionStatus::Connected,
        Status::Reconnecting { attempt, next_retry_in_ms } => {
            ConnectionStatus::Reconnecting { attempt: *attempt, next_retry_ms: *next_retry_in_ms }
        }
        Status::Stopped { reason: StopReason::Requested } => ConnectionStatus::Stopped { reason: String::new() },
        // The handshake was refused for want of a session (`401::Authentication required`,
        // `403::…`): the GWS session ended, and signing in again is the way back.
        Status::Stopped { reason: StopReason::ServerRefused(Some(e)) } if matches!(e.code, Some(401 | 403)) => {
            ConnectionStatus::SessionExpired
        }
        Status::Stopped { reason: StopReason::ServerRefused(e) } => ConnectionStatus::Stopped {
            reason: e.as_ref().map(|e| format!("{e:?}")).unwrap_or_default(),
        },
    }
}

/// Dispositions (issue 6): the runtime starts with the desk; the UI and the host API reach
/// it through these.
impl AgentDesk {
    /// The disposition runtime (a cheap handle), while the desk runs.
    pub fn dispositions(&self) -> Option<Dispositions> {
        self.inner.dispositions.borrow().clone()
    }

    /// Records `choice` for a Genesys call (queued durably, sent, retried until definite).
    /// Err: a reason code for the agent (see the catalog's `Rsn*` sentences).
    pub fn dispose(&self, call: &crate::model::Call, choice: crate::model::DispositionChoice) -> Result<(), &'static str> {
        self.dispositions().ok_or("no-answer")?.dispose_genesys(call, choice)
    }

    /// The call on the agent's Ozonetel line, from the host API (or `None`).
    pub fn set_active_ozonetel_call(&self, call: Option<OzonetelCall>) {
        if let Some(d) = self.dispositions() {
            d.set_ozonetel_call(call);
        }
    }

    /// Where `disposition-saved` events go.
    pub fn set_host_events(&self, emit: Callback<(String, Value)>) {
        if let Some(d) = self.dispositions() {
            d.set_host_events(emit);
        }
    }
}

impl Inner {
    fn start_dispositions(this: &Rc<Self>, config: &WidgetConfig) {
        let weak = Rc::downgrade(this);
        let agent_state = Callback::from(move |op: AgentStateOperation| {
            if let Some(inner) = weak.upgrade() {
                inner.set_agent_state(&op);
            }
        });
        let d = Dispositions::start(config, this.gws.clone(), this.dispatch.clone(), agent_state);
        *this.dispositions.borrow_mut() = Some(d);
    }

    fn observe_dispositions(&self, actions: &[StoreAction]) {
        let d = self.dispositions.borrow().clone();
        if let Some(d) = d {
            d.observe(actions);
        }
    }
}

/// Tabs (one agent, many CRM tabs): the leader holds the CometD session and the
/// disposition sender and relays what it hears; the others apply the same notifications
/// and send their operations directly over the shared cookie session — a follower's click
/// does not wait on another tab, and keeps working while the leader is being replaced.
impl Inner {
    fn join_tabs(this: &Rc<Self>, config: &WidgetConfig) {
        if let Some(d) = this.dispositions.borrow().as_ref() {
            // Until the lock says otherwise, this tab sends nothing.
            d.set_leader(false);
            let weak = Rc::downgrade(this);
            d.set_tab_link(Callback::from(move |payload: Value| {
                if let Some(inner) = weak.upgrade() {
                    inner.tell_tabs(TabMessage::Outbox { payload });
                }
            }));
        }
        let agent = if config.username.trim().is_empty() { "session" } else { config.username.trim() };
        let key = coordination_key(config.gws_base(), agent);
        let (lead, follow, message) = (Rc::downgrade(this), Rc::downgrade(this), Rc::downgrade(this));
        let hooks = TabHooks {
            became_leader: Box::new(move || {
                if let Some(inner) = lead.upgrade() {
                    Inner::lead(&inner);
                }
            }),
            lost_leadership: Box::new(move || {
                if let Some(inner) = follow.upgrade() {
                    inner.follow();
                }
            }),
            message: Box::new(move |m| {
                if let Some(inner) = message.upgrade() {
                    Inner::on_tab_message(&inner, m);
                }
            }),
        };
        let tabs = TabCoordinator::start(&key, hooks);
        *this.tabs.borrow_mut() = Some(tabs);
        if !this.leading.get() {
            // Ask the sender where the outbox stands (it answers with its state).
            this.tell_tabs(TabMessage::Outbox { payload: serde_json::json!({"hello": true}) });
        }
    }

    fn tell_tabs(&self, message: TabMessage) {
        if !self.leading.get() && !matches!(message, TabMessage::Outbox { .. }) {
            return;
        }
        if let Some(tabs) = self.tabs.borrow().as_ref() {
            tabs.post(&message);
        }
    }

    /// This tab now holds the session: open the long poll and send dispositions.
    fn lead(this: &Rc<Self>) {
        if this.closed.get() || this.leading.replace(true) {
            return;
        }
        this.dispatch.emit(PanelAction::TabRole { leading: true });
        let seen_before = this.tabs.borrow().as_ref().is_some_and(|t| t.leader_seen());
        this.took_over.set(seen_before);
        if seen_before {
            this.session_started.set(true);
        }
        if let Some(d) = this.dispositions.borrow().as_ref() {
            d.set_leader(true);
        }
        // Before the first read the device is unknown; the read opens the channel then.
        if !this.device_id.borrow().is_empty() {
            Inner::open_notifications(this);
        }
    }

    /// Another tab holds the session now (this one froze or is closing).
    fn follow(&self) {
        self.leading.set(false);
        self.dispatch.emit(PanelAction::TabRole { leading: false });
        if let Some(cometd) = self.cometd.borrow_mut().take() {
            cometd.stop();
        }
        if let Some(d) = self.dispositions.borrow().as_ref() {
            d.set_leader(false);
        }
    }

    fn on_tab_message(this: &Rc<Self>, message: TabMessage) {
        if this.closed.get() {
            return;
        }
        match message {
            TabMessage::Notification { channel, data } if !this.leading.get() => this.apply_notification(&channel, &data),
            TabMessage::Connection { status } if !this.leading.get() => this.set_connection(status),
            TabMessage::Reread if !this.leading.get() => Inner::read_state(this),
            TabMessage::Hello { .. } if this.leading.get() => {
                let status = this.connection.borrow().clone();
                this.tell_tabs(TabMessage::Connection { status });
            }
            TabMessage::Outbox { payload } => {
                if let Some(d) = this.dispositions.borrow().as_ref() {
                    d.on_tab_message(&payload);
                }
            }
            _ => {}
        }
    }
}
