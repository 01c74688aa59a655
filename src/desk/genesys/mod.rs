//! The Genesys telephony adapter: the GWS session, the CometD driver and the state reads.
//! It reads who the agent is and their calls at start-up and after every re-handshake,
//! turns notifications into store actions, and sends the agent's operations. The tab that
//! leads holds the long poll and relays what it hears to the agent's other tabs.

use crate::cell::Borrowing;
use crate::gather::Gather;
pub mod session;

use super::events::{DeskEvent, OpTarget, Pending};
use super::now_ms;
use super::telephony::{DeskCore, Features, PageCall, Telephony};
use crate::cometd::driver::{ClientEvent, CometdDriver, CometdHandle, DriverConfig};
use crate::cometd::status::{Status, StopReason};
use crate::genesys::{self, GwsError, GwsNotification, MeResponse};
use crate::host::tabs::TabMessage;
use crate::model::{AgentStateOperation, CallOperation, ConnectionStatus, StoreAction};
use crate::json::{Map, Value};
pub use session::GwsSession;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// Delay before re-reading state after a failed read: 1 s, 2 s, … up to 30 s.
fn reread_delay_ms(failures: u32) -> u32 {
    (failures.max(1) * 1_000).min(30_000)
}

/// The agent's line through Genesys Web Services.
pub struct GenesysLine {
    inner: Rc<Inner>,
}

struct Inner {
    core: Rc<DeskCore>,
    gws: Rc<GwsSession>,
    cometd: RefCell<Option<CometdHandle>>,
    device_id: RefCell<String>,
    session_started: Cell<bool>,
    read_failures: Cell<u32>,
    /// Notifications applied so far (a state read started before one may be stale).
    notes_applied: Cell<u64>,
    retry_timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    /// This tab took the session over from another (so it is already started).
    took_over: Cell<bool>,
    /// The last connection status, for tabs that join.
    connection: RefCell<ConnectionStatus>,
    /// Notifications heard per call, so an operation GWS accepted can be checked for the
    /// notification that should follow (see `Subject`).
    heard_calls: RefCell<crate::json::Map<String, u32>>,
    /// Agent-state notifications heard.
    heard_agent: Cell<u32>,
    /// Calls first heard of (what a Dial brings).
    heard_new_calls: Cell<u32>,
}

/// What confirms an operation: a notification about its call, the agent, or a new call.
enum Subject {
    Call(String),
    Agent,
    NewCall,
}

/// How long an accepted operation may go without its notification before the panel
/// looks again (real servers have answered statusCode 0 and then done nothing).
const CONFIRM_WAIT_MS: u32 = 5_000;

/// The subject whose notification confirms `pending`, for the operations that always
/// bring one; `None` for the others (tones, attached data, …).
fn confirming_subject(pending: &Pending) -> Option<Subject> {
    match &pending.target {
        OpTarget::Call(id) if matches!(pending.op, "Answer" | "Hangup" | "ClearCall" | "Hold" | "Retrieve") => {
            Some(Subject::Call(id.clone()))
        }
        OpTarget::Agent if matches!(pending.op, "Ready" | "NotReady" | "AfterCallWork") => Some(Subject::Agent),
        OpTarget::Dial => Some(Subject::NewCall),
        _ => None,
    }
}

impl GenesysLine {
    /// Starts: reads who the agent is and their calls, then (in the leading tab) opens the
    /// notification channel.
    pub fn start(core: Rc<DeskCore>, gws: Rc<GwsSession>) -> Self {
        let inner = Rc::new(Inner {
            core,
            gws,
            cometd: RefCell::new(None),
            device_id: RefCell::new(String::new()),
            session_started: Cell::new(false),
            read_failures: Cell::new(0),
            notes_applied: Cell::new(0),
            retry_timer: RefCell::new(None),
            took_over: Cell::new(false),
            connection: RefCell::new(ConnectionStatus::Connecting),
            heard_calls: RefCell::new(crate::json::Map::new()),
            heard_agent: Cell::new(0),
            heard_new_calls: Cell::new(0),
        });
        Inner::read_state(&inner);
        Self { inner }
    }
}

impl Telephony for GenesysLine {
    fn features(&self) -> Features {
        Features { agent_state: true, connection: true, call_operations: true, calls_from_page: false }
    }

    fn dial(&self, destination: &str, user_data: Option<Map<String, Value>>) {
        let device = self.inner.device_id.read().clone();
        let pending = Pending { target: OpTarget::Dial, op: "Dial" };
        match genesys::ops::dial(&device, destination, None, user_data.as_ref()) {
            Ok(req) => self.inner.send(pending, req),
            Err(e) => self.inner.notify(e.message()),
        }
    }

    fn call_op(&self, call_id: &str, op: CallOperation) {
        let pending = Pending { target: OpTarget::Call(call_id.to_string()), op: op.name() };
        match op.request(call_id) {
            Ok(req) => self.inner.send(pending, req),
            Err(e) => self.inner.notify(e.message()),
        }
    }

    fn set_agent_state(&self, op: &AgentStateOperation) {
        if let AgentStateOperation::NotReady { reason_code } = op {
            self.inner.core.store(StoreAction::ReasonPicked(reason_code.clone()));
        }
        self.inner.send(Pending { target: OpTarget::Agent, op: op.name() }, op.request());
    }

    fn reconnect(&self) {
        self.inner.read_failures.set(0);
        if let Some(cometd) = self.inner.cometd.read().as_ref() {
            cometd.restart();
        }
        Inner::read_state(&self.inner);
    }

    /// EndContactCenterSession — never while another CRM tab of this agent is open: it
    /// ends the HTTP session for every tab.
    fn sign_out(&self) -> bool {
        if self.inner.core.other_tabs() > 0 {
            return false;
        }
        let pending = Pending { target: OpTarget::Agent, op: "EndContactCenterSession" };
        self.inner.send(pending, genesys::ops::end_contact_center_session());
        true
    }

    fn lead(&self) {
        let this = &self.inner;
        let seen_before = this.core.tabs.read().as_ref().is_some_and(|t| t.leader_seen());
        this.took_over.set(seen_before);
        if seen_before {
            this.session_started.set(true);
        }
        // Before the first read the device is unknown; the read opens the channel then.
        if !this.device_id.read().is_empty() {
            Inner::open_notifications(this);
        }
    }

    fn follow(&self) {
        if let Some(cometd) = self.inner.cometd.write().take() {
            cometd.stop();
        }
    }

    fn on_tab_message(&self, message: TabMessage) {
        let this = &self.inner;
        let leading = this.core.leading.get();
        match message {
            TabMessage::Notification { channel, data } if !leading => this.apply_notification(&channel, &data),
            TabMessage::Connection { status } if !leading => this.set_connection(status),
            TabMessage::Reread if !leading => Inner::read_state(this),
            TabMessage::Hello { .. } if leading => {
                let status = this.connection.read().clone();
                this.core.tell_tabs(TabMessage::Connection { status });
            }
            _ => {}
        }
    }

    fn page_call(&self, _call: Option<PageCall>) -> Result<(), &'static str> {
        // With Genesys the calls come from GWS (`calls_from_page` is false).
        Ok(())
    }

    fn page_call_ended(&self, _ucid: Option<&str>) {}

    fn stop(&self) {
        self.inner.retry_timer.write().take();
        if let Some(cometd) = self.inner.cometd.write().take() {
            cometd.stop();
        }
        self.inner.gws.close();
    }
}

impl Inner {
    fn notify(&self, text: crate::i18n::Text) {
        self.core.emit(DeskEvent::Notify { text: text.in_(self.core.lang).into(), next_step: String::new() });
    }

    fn send(self: &Rc<Self>, pending: Pending, req: genesys::GwsRequest) {
        self.core.emit(DeskEvent::Started(pending.clone()));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let subject = confirming_subject(&pending);
            let mark = subject.as_ref().map(|s| this.heard(s));
            match this.gws.post_detailed(&req).await {
                Err((e, server)) => this.report(pending, &e, &server),
                Ok(_) => {
                    if let (Some(subject), Some(mark)) = (subject, mark) {
                        Inner::expect_notification(&this, pending, subject, mark);
                    }
                }
            }
        });
    }

    fn heard(&self, subject: &Subject) -> u32 {
        match subject {
            Subject::Call(id) => self.heard_calls.read().get(id).copied().unwrap_or(0),
            Subject::Agent => self.heard_agent.get(),
            Subject::NewCall => self.heard_new_calls.get(),
        }
    }

    /// GWS accepted `pending`; its notification should follow. If none has come by
    /// `CONFIRM_WAIT_MS` while the channel is up, the operation may not have happened: the
    /// control stops waiting, the agent is told, and the calls are read again.
    fn expect_notification(this: &Rc<Self>, pending: Pending, subject: Subject, mark: u32) {
        let weak = Rc::downgrade(this);
        crate::timer::after(CONFIRM_WAIT_MS, move || {
            let Some(this) = weak.upgrade() else { return };
            let connected = *this.connection.read() == ConnectionStatus::Connected;
            if this.core.closed.get() || !connected || this.heard(&subject) != mark {
                return;
            }
            let lang = this.core.lang;
            this.core.emit(DeskEvent::Failed {
                pending,
                text: crate::i18n::Text::NotConfirmed.in_(lang).into(),
                next_step: crate::i18n::Text::TryAgainIfUnchanged.in_(lang).into(),
            });
            Inner::read_state(&this);
        })
        .forget();
    }

    /// Counts what a notification's actions confirm (see `Subject`).
    fn hear(&self, actions: &[StoreAction]) {
        let mut calls = self.heard_calls.write();
        for action in actions {
            match action {
                StoreAction::CallUpdated(u) => match calls.get_mut(&u.call.id) {
                    Some(n) => *n += 1,
                    None => {
                        if calls.len() >= 256 {
                            calls.clear();
                        }
                        calls.insert(u.call.id.clone(), 1);
                        self.heard_new_calls.set(self.heard_new_calls.get().wrapping_add(1));
                    }
                },
                StoreAction::AgentStateChanged(_) => self.heard_agent.set(self.heard_agent.get().wrapping_add(1)),
                _ => {}
            }
        }
    }

    fn report(self: &Rc<Self>, pending: Pending, e: &GwsError, server: &str) {
        if self.core.closed.get() {
            return;
        }
        if e.needs_session() {
            self.core.store(StoreAction::ConnectionChanged(ConnectionStatus::SessionExpired));
        }
        let lang = self.core.lang;
        let text = genesys::failure_text(e.message().in_(lang), server);
        self.core.emit(DeskEvent::Failed { pending, text, next_step: e.next_step().in_(lang).into() });
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
            if this.core.closed.get() {
                return;
            }
            match result.and_then(|body| MeResponse::parse(&body).ok_or(GwsError::UnexpectedHttp(200))) {
                Ok(_) if this.notes_applied.get() != mark && stale_left > 0 => {
                    Inner::read_state_fresh(&this, stale_left - 1);
                }
                Ok(me) => {
                    this.read_failures.set(0);
                    let mut actions = genesys::snapshot_actions(&me, now_ms());
                    if let Some(restored) = this.restore_shelf(&actions) {
                        actions.push(restored);
                    }
                    for action in &actions {
                        if let StoreAction::AgentIdentified(who) = action {
                            *this.device_id.write() = who.device_id.clone();
                        }
                    }
                    this.core.apply(actions);
                    if this.core.leading.get() {
                        Inner::open_notifications(&this);
                    }
                }
                Err(e) if e.needs_session() => {
                    this.core.store(StoreAction::ConnectionChanged(ConnectionStatus::SessionExpired));
                }
                Err(_) => {
                    let failures = this.read_failures.get() + 1;
                    this.read_failures.set(failures);
                    let delay = reread_delay_ms(failures);
                    this.core.store(StoreAction::ConnectionChanged(ConnectionStatus::Reconnecting {
                        attempt: failures,
                        next_retry_ms: u64::from(delay),
                    }));
                    let weak = Rc::downgrade(&this);
                    let timer = crate::timer::after(delay, move || {
                        if let Some(this) = weak.upgrade() {
                            Inner::read_state(&this);
                        }
                    });
                    *this.retry_timer.write() = Some(timer);
                }
            }
        });
    }

    /// After the first state read: the calls kept from before the reload that the read
    /// does not list.
    fn restore_shelf(&self, actions: &[StoreAction]) -> Option<StoreAction> {
        if self.core.shelf_restored() {
            return None;
        }
        let agent = actions.iter().find_map(|a| match a {
            StoreAction::AgentIdentified(who) => Some(who.user_name.trim().to_string()),
            _ => None,
        })?;
        let listed: Vec<&crate::model::Call> = actions
            .iter()
            .flat_map(|a| match a {
                StoreAction::Snapshot { calls, .. } => calls.as_slice(),
                _ => &[],
            })
            .gather();
        let calls = self.core.shelved_calls(&agent, &listed)?;
        (!calls.is_empty()).then_some(StoreAction::ShelfRestored { calls, at_ms: now_ms() })
    }

    fn open_notifications(self: &Rc<Self>) {
        if self.cometd.read().is_some() {
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
        // A browser that drops the GWS session cookie (a site other than the page's, third-
        // party cookies blocked) makes every request a new GWS session: stop, and say so.
        config.client.max_unkept_sessions = 2;
        let handle = CometdDriver::start_with(config, move |event| {
            if let Some(this) = weak.upgrade() {
                Inner::on_cometd(&this, event);
            }
        });
        handle.subscribe("/v2/me/calls");
        handle.subscribe("/v2/me/devices");
        *self.cometd.write() = Some(handle);
    }

    fn on_cometd(self: &Rc<Self>, event: ClientEvent) {
        if self.core.closed.get() {
            return;
        }
        match event {
            ClientEvent::Message { channel, data } => {
                self.apply_notification(&channel, &data);
                self.core.tell_tabs(TabMessage::Notification { channel, data });
            }
            ClientEvent::Status(status) => {
                let status = connection_status(&status);
                self.set_connection(status.clone());
                self.core.tell_tabs(TabMessage::Connection { status });
            }
            ClientEvent::Established { rehandshake: false } if self.took_over.get() => {
                // Taking over from another tab: what happened during the hand-over is only
                // in a fresh read; the session itself is already started.
                Inner::read_state(self);
                self.core.tell_tabs(TabMessage::Reread);
            }
            ClientEvent::Established { rehandshake: false } => {
                // What happened between the first read and the subscriptions (a call that
                // ended, one that rang) reached nobody: read again, now that nothing slips by.
                Inner::read_state(self);
                self.start_contact_center_session();
            }
            ClientEvent::Established { rehandshake: true } => {
                Inner::read_state(self);
                self.core.tell_tabs(TabMessage::Reread);
            }
            ClientEvent::SubscribeFailed { .. } => {}
        }
    }

    fn apply_notification(self: &Rc<Self>, channel: &str, data: &Value) {
        let note = GwsNotification::from_message(channel, data);
        if genesys::is_call_error(&note) {
            // The phone system reports an error on a call: say so, and look at the calls
            // again rather than guess what changed.
            self.notify(crate::i18n::Text::CallErrorReported);
            Inner::read_state(self);
            return;
        }
        let actions = genesys::notification_actions(&note, now_ms());
        if !actions.is_empty() {
            self.notes_applied.set(self.notes_applied.get().wrapping_add(1));
        }
        self.hear(&actions);
        self.core.apply(actions);
    }

    fn set_connection(&self, status: ConnectionStatus) {
        if status == ConnectionStatus::SessionNotKept && *self.connection.read() != status && self.core.leading.get() {
            self.session_not_kept();
        }
        *self.connection.write() = status.clone();
        self.core.store(StoreAction::ConnectionChanged(status));
    }

    /// The browser does not keep the GWS session: one console error for the CRM's
    /// administrator (the agent reads the banner), and no more requests from this panel.
    fn session_not_kept(&self) {
        let page = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        let gws = self.gws.url("");
        web_sys::console::error_1(&wasm_bindgen::JsValue::from_str(&format!(
            "crm-call-widget: the GWS session cookie is not kept across sites. The page ({page}) and GWS ({gws}) \
             are on different sites, and this browser does not keep GWS's session cookie (JSESSIONID) for the \
             widget's requests (SameSite=Lax, or third-party cookies blocked), so every request opened a new GWS \
             session; the panel stopped. Fixes: serve GWS under the CRM's own site (e.g. gws.crm.example.com), or \
             proxy /api/v2 through the CRM's origin and leave gwsUrl empty, or have GWS set its cookies with \
             SameSite=None; Secure; Partitioned (kept even where third-party cookies are blocked) or \
             SameSite=None; Secure (needs third-party cookies allowed for the GWS site). See the README's \
             \"Deployment topologies\"."
        )));
        self.retry_timer.write().take();
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
        Status::Stopped { reason: StopReason::SessionNotKept } => ConnectionStatus::SessionNotKept,
        // The server's error as it sent it (`500::Internal error`), for the host page's
        // `connection-changed` event.
        Status::Stopped { reason: StopReason::ServerRefused(e) } => ConnectionStatus::Stopped {
            reason: e.as_ref().map(ToString::to_string).unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::connection_status;
    use crate::cometd::message::BayeuxError;
    use crate::cometd::status::{Status, StopReason};
    use crate::model::ConnectionStatus;

    #[test]
    fn a_refused_handshake_reads_as_the_server_wrote_it() {
        let refused = |text: &str| Status::Stopped { reason: StopReason::ServerRefused(Some(BayeuxError::parse(text))) };
        assert_eq!(connection_status(&refused("500::Internal error")), ConnectionStatus::Stopped { reason: "500::Internal error".into() });
        assert_eq!(connection_status(&refused("402:a,b:Unknown client")), ConnectionStatus::Stopped { reason: "402:a,b:Unknown client".into() });
        assert_eq!(connection_status(&refused("not bayeux")), ConnectionStatus::Stopped { reason: "not bayeux".into() });
        assert_eq!(connection_status(&refused("403::Forbidden")), ConnectionStatus::SessionExpired);
        let silent = Status::Stopped { reason: StopReason::ServerRefused(None) };
        assert_eq!(connection_status(&silent), ConnectionStatus::Stopped { reason: String::new() });
    }
}
