//! The disposition runtime in the browser: drives the pure `DispositionOutbox` with
//! localStorage, timers and fetch (principle 5: nothing is lost).
//!
//! - Every pick is written to localStorage (key namespaced by vendor and agent) before the
//!   first request, and after every change; a reload picks up where it left off. Entries
//!   another tab stored are kept when this tab writes. No token or key is ever stored.
//! - Genesys: SetCallDisposition through the desk's `GwsSession`. On a live call the HTTP
//!   answer only means "accepted": the entry is Queued once `AttachedDataChanged` shows the
//!   code in the call's userData, and Saved when the call is released. On a released call
//!   statusCode 0 is the definite answer. A resend (after a lost answer or a reload) first
//!   reads the call: if the code is already there, nothing is sent twice.
//! - Ozonetel: DispositionAPIV2 with a token from `OzonetelAuth`; "Token Expired" /
//!   "Invalid Token" renew the token once and resend. The active call (ucid, did, caller)
//!   comes from the host API or from the page's screen-pop URL parameters.
//! - A send that fails in a way a retry can help is retried with backoff (and at once
//!   when the browser comes back online). Saved entries raise `disposition-saved` on the
//!   host element.

use super::now_ms;
use super::ozonetel_auth::{OzonetelAuth, OFFLINE, TOKEN_REFUSED};
use super::GwsSession;
use crate::config::{DispositionVendor, WidgetConfig};
use crate::genesys::{self, AgentStateOperation, GwsError};
use crate::model::{
    Call, DispositionChoice, DispositionOutbox, DispositionOutcome, DispositionTarget, EntryState, OutboxEntry,
    StoreAction,
};
use crate::net::{self, HttpRequest};
use crate::ozonetel::{self, classify_response, AuthRetry, OzonetelOutcome};
use crate::ui::state::PanelAction;
use gloo_storage::{LocalStorage, Storage};
use gloo_timers::callback::Timeout;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};
use yew::Callback;

/// The userData key GWS uses when none is configured (seed 000's sample).
const DEFAULT_KEY: &str = "DispositionCode";
/// How long a saved wrap-up card stays (showing "Saved") before it leaves.
const SAVED_CARD_MS: u32 = 2_500;
/// At most this many codes are remembered as "recently used".
const RECENT_MAX: usize = 5;

/// The call on the agent's Ozonetel line, as the host page describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OzonetelCall {
    pub ucid: String,
    pub did: String,
    pub agent_id: String,
    pub caller_id: String,
    /// When the page said the call ended (ms, the UI's clock); `None` while it is up.
    pub ended_at_ms: Option<u64>,
}

/// Where one disposition is, as the agent sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispoStatus {
    Saving,
    Queued,
    Saved,
    Failed,
}

/// One outbox entry, for the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryView {
    pub key: String,
    pub label: String,
    pub disposition: String,
    pub comments: String,
    pub status: DispoStatus,
    /// A reason code (see the catalog's `Rsn*` sentences), for Failed.
    pub reason: String,
    /// The panel retries by itself.
    pub retrying: bool,
    /// When it was saved or queued (ms), for "recent" lists.
    pub settled_at_ms: u64,
    pub created_at_ms: u64,
}

/// The codes the picker offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CodesStatus {
    #[default]
    Ready,
    Loading,
    Failed(String),
}

/// Everything the panel shows about dispositions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DispositionView {
    pub ozonetel: bool,
    /// Recently used first.
    pub codes: Vec<String>,
    pub recent: Vec<String>,
    pub codes_status: CodesStatus,
    /// Newest first.
    pub entries: Vec<EntryView>,
    pub oz_call: Option<OzonetelCall>,
    pub wrap_up_secs: u64,
    /// An API key sits in the page's config (simulator mode).
    pub simulator_key: bool,
}


impl DispositionView {
    pub fn entry(&self, key: &str) -> Option<&EntryView> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// The outbox key of a Genesys call.
pub fn genesys_key(call: &Call) -> String {
    genesys::disposition_target(call, None).key()
}

/// The outbox key of an Ozonetel call.
pub fn ozonetel_key(ucid: &str) -> String {
    ozonetel::disposition_target(ucid, "", "").key()
}

/// What the runtime knows of a Genesys call from notifications and state reads.
#[derive(Clone, Debug)]
struct SeenCall {
    id: String,
    released: bool,
    value: Option<String>,
}

/// The runtime; cheap to clone (a handle).
#[derive(Clone)]
pub struct Dispositions {
    rt: Rc<Rt>,
}

struct Rt {
    vendor: DispositionVendor,
    config: Rc<WidgetConfig>,
    gws: Rc<GwsSession>,
    auth: OzonetelAuth,
    dispatch: Callback<PanelAction>,
    agent_state: Callback<AgentStateOperation>,
    host_event: RefCell<Option<Callback<(String, Value)>>>,
    outbox: RefCell<DispositionOutbox>,
    namespace: RefCell<Option<String>>,
    forgotten: RefCell<Vec<String>>,
    sending: RefCell<HashSet<String>>,
    calls: RefCell<HashMap<String, SeenCall>>,
    /// Genesys keys whose SetCallDisposition was accepted on a live call (awaiting the
    /// AttachedDataChanged that confirms it).
    accepted: RefCell<HashSet<String>>,
    oz_call: RefCell<Option<OzonetelCall>>,
    codes: RefCell<Vec<String>>,
    codes_status: RefCell<CodesStatus>,
    recent: RefCell<Vec<String>>,
    timer: RefCell<Option<Timeout>>,
    later: RefCell<Vec<Timeout>>,
    online: RefCell<Option<gloo_events::EventListener>>,
    closed: Cell<bool>,
    /// Whether this tab sends (one tab of an agent does: the leader; see `host::tabs`).
    leading: Cell<bool>,
    /// Posts an outbox message to the agent's other tabs.
    tab_post: RefCell<Option<Callback<Value>>>,
}

impl Dispositions {
    /// Starts the runtime: restores what storage holds (when the agent is known), reads
    /// the screen-pop URL (Ozonetel) and begins sending what is due.
    pub fn start(
        config: &WidgetConfig,
        gws: Rc<GwsSession>,
        dispatch: Callback<PanelAction>,
        agent_state: Callback<AgentStateOperation>,
    ) -> Self {
        let vendor = config.vendor();
        let codes = match vendor {
            DispositionVendor::Genesys => config.dispositions.clone(),
            DispositionVendor::Ozonetel => Vec::new(),
        };
        let rt = Rc::new(Rt {
            vendor,
            config: Rc::new(config.clone()),
            gws,
            auth: OzonetelAuth::new(&config.ozonetel),
            dispatch,
            agent_state,
            host_event: RefCell::new(None),
            outbox: RefCell::new(DispositionOutbox::new()),
            namespace: RefCell::new(None),
            forgotten: RefCell::new(Vec::new()),
            sending: RefCell::new(HashSet::new()),
            calls: RefCell::new(HashMap::new()),
            accepted: RefCell::new(HashSet::new()),
            oz_call: RefCell::new(None),
            codes: RefCell::new(codes),
            codes_status: RefCell::new(CodesStatus::Ready),
            recent: RefCell::new(Vec::new()),
            timer: RefCell::new(None),
            later: RefCell::new(Vec::new()),
            online: RefCell::new(None),
            closed: Cell::new(false),
            leading: Cell::new(true),
            tab_post: RefCell::new(None),
        });
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(&rt);
            *rt.online.borrow_mut() = Some(gloo_events::EventListener::new(&window, "online", move |_| {
                if let Some(rt) = weak.upgrade() {
                    rt.retry_waiting();
                }
            }));
        }
        if vendor == DispositionVendor::Ozonetel {
            if let Some(ns) = Some(config.ozonetel.agent_id.trim()).filter(|a| !a.is_empty()) {
                rt.set_namespace(ns);
            }
            if let Some(call) = screen_pop_call() {
                rt.set_oz_call(Some(call));
            }
        } else if !config.username.trim().is_empty() {
            rt.set_namespace(config.username.trim());
        }
        if rt.auth.uses_api_key() {
            web_sys::console::warn_1(&wasm_bindgen::JsValue::from_str(
                "crm-call-widget: ozonetel.apiKey is in the page's configuration. That is for the simulator only: in production the CRM's backend mints tokens (tokenUrl or setTokenProvider).",
            ));
        }
        rt.publish();
        rt.schedule();
        Self { rt }
    }

    /// Where `disposition-saved` goes (the host element).
    pub fn set_host_events(&self, emit: Callback<(String, Value)>) {
        *self.rt.host_event.borrow_mut() = Some(emit);
    }

    /// Store actions the desk produced (notifications, state reads): confirms Genesys
    /// dispositions and learns who the agent is.
    pub fn observe(&self, actions: &[StoreAction]) {
        self.rt.observe(actions);
    }

    /// The agent picked `choice` for a Genesys call.
    pub fn dispose_genesys(&self, call: &Call, choice: DispositionChoice) -> Result<(), &'static str> {
        let target = genesys::disposition_target(call, self.rt.disposition_key());
        self.rt.calls.borrow_mut().entry(target.key()).or_insert_with(|| SeenCall {
            id: call.id.clone(),
            released: call.state.is_released(),
            value: None,
        });
        self.rt.enqueue(target, call.title().to_string(), choice)
    }

    /// The agent picked `choice` for the active Ozonetel call.
    pub fn dispose_ozonetel(&self, choice: DispositionChoice) -> Result<(), &'static str> {
        let call = self.rt.oz_call.borrow().clone().ok_or("oz:invalid-ucid")?;
        let target = ozonetel::disposition_target(&call.ucid, &call.did, &call.agent_id);
        let label = if call.caller_id.is_empty() { call.ucid.clone() } else { call.caller_id.clone() };
        self.rt.enqueue(target, label, choice)
    }

    /// Whether the outbox holds a saved disposition under `key`.
    pub fn is_saved(&self, key: &str) -> bool {
        self.rt.outbox.borrow().get(key).is_some_and(|e| e.state == EntryState::Saved)
    }

    /// Send a failed entry again now.
    pub fn retry(&self, key: &str) {
        if !self.rt.forward(json!({"retry": key})) {
            self.rt.retry_now(key);
        }
    }

    /// Drop an entry that is not saved (the agent gave up on it).
    pub fn discard(&self, key: &str) {
        if !self.rt.forward(json!({"discard": key})) {
            self.rt.discard(key);
        }
    }

    /// The call on the agent's Ozonetel line (or none).
    pub fn set_ozonetel_call(&self, call: Option<OzonetelCall>) {
        self.rt.set_oz_call(call);
    }

    /// The page says the Ozonetel call ended: a queued disposition now applies and the
    /// wrap-up countdown starts. `None` = the active call.
    pub fn ozonetel_call_ended(&self, ucid: Option<&str>) {
        self.rt.oz_call_ended(ucid);
    }

    /// The host's token callback (Ozonetel).
    pub fn set_token_provider(&self, provider: Option<js_sys::Function>) {
        self.rt.auth.set_provider(provider);
        // What waited for a token may go now.
        self.rt.retry_waiting();
        if self.rt.codes.borrow().is_empty() {
            Rt::fetch_codes(&self.rt);
        }
    }

    /// Load Ozonetel's code list again (after a failure).
    pub fn reload_codes(&self) {
        Rt::fetch_codes(&self.rt);
    }

    /// How this tab reaches the agent's other tabs (outbox messages).
    pub fn set_tab_link(&self, post: Callback<Value>) {
        *self.rt.tab_post.borrow_mut() = Some(post);
    }

    /// This tab becomes the agent's one sender (`true`), or stops sending (`false`). A new
    /// sender first takes up what storage holds: the old sender's last word on each entry.
    pub fn set_leader(&self, leading: bool) {
        let rt = &self.rt;
        if rt.leading.replace(leading) == leading {
            return;
        }
        if leading {
            rt.take_up_storage();
            rt.change(|_| {});
        } else {
            rt.timer.borrow_mut().take();
        }
    }

    /// An outbox message from another tab of this agent.
    pub fn on_tab_message(&self, payload: &Value) {
        Rt::on_tab_message(&self.rt, payload);
    }

    /// Stops timers and listeners; nothing more is sent from this page.
    pub fn stop(&self) {
        self.rt.closed.set(true);
        self.rt.timer.borrow_mut().take();
        self.rt.later.borrow_mut().clear();
        self.rt.online.borrow_mut().take();
    }
}

/// The Ozonetel call in the page's URL (`?ucid=…&did=…&agentID=…&callerID=…`).
fn screen_pop_call() -> Option<OzonetelCall> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let get = |names: &[&str]| names.iter().find_map(|n| params.get(n)).map(|v| v.trim().to_string()).unwrap_or_default();
    let ucid = get(&["ucid", "UCID"]);
    if ucid.is_empty() {
        return None;
    }
    // What the URL leaves out, `set_oz_call` takes from the config.
    let did = get(&["did", "DID"]);
    let agent_id = get(&["agentID", "agentId", "agent_id"]);
    let caller_id = get(&["callerID", "callerId", "caller_id", "cli"]);
    Some(OzonetelCall { ucid, did, agent_id, caller_id, ended_at_ms: None })
}

fn storage_get(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

fn storage_set(key: &str, value: &str) {
    if let Err(e) = LocalStorage::raw().set_item(key, value) {
        web_sys::console::warn_2(&wasm_bindgen::JsValue::from_str("crm-call-widget: could not save dispositions"), &e);
    }
}

impl Rt {
    fn vendor_name(&self) -> &'static str {
        match self.vendor {
            DispositionVendor::Genesys => "genesys",
            DispositionVendor::Ozonetel => "ozonetel",
        }
    }

    /// The userData key the page configured for Genesys dispositions (else the server's).
    fn disposition_key(&self) -> Option<String> {
        Some(self.config.disposition_key.trim()).filter(|k| !k.is_empty()).map(str::to_string)
    }

    fn outbox_key(&self, ns: &str) -> String {
        format!("ccw.dispositions.v1.{}.{ns}", self.vendor_name())
    }

    fn recent_key(&self, ns: &str) -> String {
        format!("ccw.recent-codes.v1.{}.{ns}", self.vendor_name())
    }

    fn codes_key(&self) -> String {
        format!("ccw.codes.v1.ozonetel.{}", self.config.ozonetel.user_name.trim())
    }

    /// The agent is known: restore what storage holds for them and merge it in.
    fn set_namespace(self: &Rc<Self>, agent: &str) {
        if agent.is_empty() || self.namespace.borrow().is_some() {
            return;
        }
        *self.namespace.borrow_mut() = Some(agent.to_string());
        let now = now_ms();
        if let Some(json) = storage_get(&self.outbox_key(agent)) {
            match DispositionOutbox::from_json(&json, now) {
                Ok(stored) => {
                    let mut ob = self.outbox.borrow_mut();
                    *ob = ob.merged_with(&stored, &[]);
                }
                Err(_) => web_sys::console::warn_1(&"crm-call-widget: stored dispositions were unreadable".into()),
            }
        }
        if let Some(json) = storage_get(&self.recent_key(agent)) {
            if let Ok(list) = serde_json::from_str::<Vec<String>>(&json) {
                let mut recent = self.recent.borrow_mut();
                for code in list {
                    if !recent.contains(&code) && recent.len() < RECENT_MAX {
                        recent.push(code);
                    }
                }
            }
        }
        self.change(|_| {});
    }

    fn enqueue(self: &Rc<Self>, target: DispositionTarget, label: String, choice: DispositionChoice) -> Result<(), &'static str> {
        if choice.pause_after && choice.pause_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err("oz:pause-reason");
        }
        if let DispositionTarget::Ozonetel { .. } = &target {
            ozonetel::set_body(&self.config.ozonetel.user_name, &target, &choice).map_err(|e| e.code())?;
        }
        let now = now_ms();
        let code = choice.disposition.trim().to_string();
        let key_of = target.key();
        let mut result = Ok(());
        self.change(|ob| match ob.enqueue(target, choice, now) {
            Ok(key) => {
                ob.set_label(&key, &label);
                self.remember_code(&code);
            }
            Err(crate::model::OutboxError::AlreadySaved) => result = Err("already-saved"),
            Err(_) => result = Err("oz:empty-disposition"),
        });
        if result.is_ok() {
            if let Some(e) = self.outbox.borrow().entries().iter().find(|e| e.key == key_of) {
                self.forward(json!({"pick": {"target": e.target, "choice": e.choice, "label": label}}));
            }
        }
        result
    }

    fn retry_now(self: &Rc<Self>, key: &str) {
        let now = now_ms();
        self.change(|ob| {
            let _ = ob.retry_now(key, now);
        });
    }

    fn discard(self: &Rc<Self>, key: &str) {
        self.forgotten.borrow_mut().push(key.to_string());
        self.change(|ob| {
            let _ = ob.discard(key);
        });
    }

    fn remember_code(&self, code: &str) {
        {
            let mut recent = self.recent.borrow_mut();
            recent.retain(|c| c != code);
            recent.insert(0, code.to_string());
            recent.truncate(RECENT_MAX);
        }
        if let Some(ns) = self.namespace.borrow().as_deref() {
            storage_set(&self.recent_key(ns), &serde_json::to_string(&*self.recent.borrow()).unwrap_or_default());
        }
    }

    /// Applies `f` to the outbox, then: reacts to entries that became Queued or Saved,
    /// writes storage, tells the panel, and arms the timer.
    fn change(self: &Rc<Self>, f: impl FnOnce(&mut DispositionOutbox)) {
        let before = self.outbox_states();
        f(&mut self.outbox.borrow_mut());
        prune_seen(&mut self.calls.borrow_mut(), |k| self.outbox.borrow().get(k).is_some());
        self.persist();
        let changed = self.react_to(&before);
        self.publish();
        if changed {
            self.share_state();
        }
        self.schedule();
    }

    /// Where every entry stands now, to compare with after a change.
    fn outbox_states(&self) -> HashMap<String, EntryState> {
        self.outbox.borrow().entries().iter().map(|e| (e.key.clone(), e.state.clone())).collect()
    }

    /// Reacts to the entries whose state differs from `before` (Saved, Queued); says
    /// whether any did.
    fn react_to(self: &Rc<Self>, before: &HashMap<String, EntryState>) -> bool {
        let changed: Vec<OutboxEntry> =
            self.outbox.borrow().entries().iter().filter(|e| before.get(&e.key) != Some(&e.state)).cloned().collect();
        for e in &changed {
            match e.state {
                EntryState::Saved => self.on_saved(e),
                EntryState::Queued => self.on_queued(e),
                _ => {}
            }
        }
        !changed.is_empty()
    }

    fn persist(&self) {
        let Some(ns) = self.namespace.borrow().clone() else { return };
        let key = self.outbox_key(&ns);
        let stored = storage_get(&key)
            .and_then(|json| serde_json::from_str::<DispositionOutbox>(&json).ok())
            .unwrap_or_default();
        // The sender's word is final on the entries it knows; another tab only adds picks.
        let merged = if self.leading.get() {
            self.outbox.borrow().merged_with(&stored, &self.forgotten.borrow())
        } else {
            stored.merged_with(&self.outbox.borrow(), &self.forgotten.borrow())
        };
        storage_set(&key, &merged.to_json());
    }

    /// Takes what storage holds as the truth for the entries in it, keeping this tab's
    /// own picks that storage lacks.
    fn take_up_storage(&self) {
        let Some(ns) = self.namespace.borrow().clone() else { return };
        let Some(stored) = storage_get(&self.outbox_key(&ns)).and_then(|j| DispositionOutbox::from_json(&j, now_ms()).ok()) else {
            return;
        };
        let mut ob = self.outbox.borrow_mut();
        *ob = stored.merged_with(&ob, &self.forgotten.borrow());
    }

    /// In a tab that does not send: hands `payload` to the sender and says true.
    fn forward(&self, payload: Value) -> bool {
        if self.leading.get() {
            return false;
        }
        if let Some(post) = self.tab_post.borrow().clone() {
            post.emit(payload);
        }
        true
    }

    fn on_tab_message(this: &Rc<Self>, payload: &Value) {
        let now = now_ms();
        if this.leading.get() {
            if let Some(pick) = payload.get("pick") {
                let target = serde_json::from_value::<DispositionTarget>(pick.get("target").cloned().unwrap_or_default());
                let choice = serde_json::from_value::<DispositionChoice>(pick.get("choice").cloned().unwrap_or_default());
                let label = pick.get("label").and_then(Value::as_str).unwrap_or("").to_string();
                if let (Ok(target), Ok(choice)) = (target, choice) {
                    // The other tab showed the agent any refusal already.
                    let _ = this.enqueue(target, label, choice);
                }
            } else if let Some(key) = payload.get("retry").and_then(Value::as_str) {
                this.retry_now(key);
            } else if let Some(key) = payload.get("discard").and_then(Value::as_str) {
                this.discard(key);
            } else if let Some(key) = payload.get("callEnded").and_then(Value::as_str) {
                this.change(|ob| {
                    ob.call_ended(key, now);
                });
            } else if payload.get("hello").is_some() {
                this.share_state();
            }
        } else if let Some(state) = payload.get("state").and_then(Value::as_str) {
            // The sender's outbox: show it (wrap-up cards close on Saved here too).
            let Ok(theirs) = DispositionOutbox::from_json(state, now) else { return };
            let before = this.outbox_states();
            *this.outbox.borrow_mut() = theirs;
            this.react_to(&before);
            this.publish();
        }
    }

    /// The sender tells the other tabs where every entry stands.
    fn share_state(&self) {
        if !self.leading.get() {
            return;
        }
        if let Some(post) = self.tab_post.borrow().clone() {
            post.emit(json!({"state": self.outbox.borrow().to_json()}));
        }
    }

    /// A Genesys pick confirmed on a live call: the call carries it from now on.
    fn on_queued(self: &Rc<Self>, e: &OutboxEntry) {
        if let DispositionTarget::Genesys { .. } = &e.target {
            let call_id = self.calls.borrow().get(&e.key).filter(|c| !c.released).map(|c| c.id.clone());
            if let Some(call_id) = call_id {
                self.dispatch.emit(PanelAction::Store(StoreAction::DispositionRecorded {
                    call_id,
                    disposition: e.choice.disposition.clone(),
                }));
            }
        }
    }

    /// Saved: tell the host page, pause if asked (Genesys), and let a wrap-up card go.
    fn on_saved(self: &Rc<Self>, e: &OutboxEntry) {
        let c = &e.choice;
        let detail = match &e.target {
            DispositionTarget::Genesys { call_id, call_uuid, .. } => json!({
                "vendor": "genesys", "callId": call_id, "callUuid": call_uuid,
                "disposition": c.disposition, "comments": c.comments,
                "pauseAfter": c.pause_after, "pauseReason": c.pause_reason, "callbackTime": c.callback_time,
            }),
            DispositionTarget::Ozonetel { ucid, did, agent_id } => json!({
                "vendor": "ozonetel", "ucid": ucid, "did": did, "agentID": agent_id,
                "disposition": c.disposition, "comments": c.comments,
                "pauseAfter": c.pause_after, "pauseReason": c.pause_reason, "callbackTime": c.callback_time,
            }),
        };
        // One tab (the sender) tells its page and pauses the agent; the others only show it.
        if self.leading.get() {
            if let Some(emit) = self.host_event.borrow().clone() {
                emit.emit(("disposition-saved".into(), detail));
            }
        }
        if let DispositionTarget::Genesys { call_id, .. } = &e.target {
            if c.pause_after && self.leading.get() {
                self.agent_state.emit(AgentStateOperation::NotReady { reason_code: c.pause_reason.clone() });
            }
            let seen = self.calls.borrow().get(&e.key).cloned();
            let call_id = seen.as_ref().map(|s| s.id.clone()).unwrap_or_else(|| call_id.clone());
            let record = PanelAction::Store(StoreAction::DispositionRecorded {
                call_id,
                disposition: c.disposition.clone(),
            });
            if seen.is_some_and(|s| s.released) {
                // Let the agent see "Saved" on the wrap-up card for a moment.
                let dispatch = self.dispatch.clone();
                let mut later = self.later.borrow_mut();
                if later.len() >= 8 {
                    // Long fired; dropping them cancels nothing.
                    drop(later.remove(0));
                }
                later.push(Timeout::new(SAVED_CARD_MS, move || dispatch.emit(record)));
            } else {
                self.dispatch.emit(record);
            }
        }
    }

    fn publish(&self) {
        let recent = self.recent.borrow().clone();
        let codes = self.codes.borrow();
        let mut ordered: Vec<String> = recent.iter().filter(|r| codes.contains(r)).cloned().collect();
        ordered.extend(codes.iter().filter(|c| !recent.contains(c)).cloned());
        let mut entries: Vec<EntryView> = self.outbox.borrow().entries().iter().map(entry_view).collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.created_at_ms));
        let view = DispositionView {
            ozonetel: self.vendor == DispositionVendor::Ozonetel,
            codes: ordered,
            recent,
            codes_status: self.codes_status.borrow().clone(),
            entries,
            oz_call: self.oz_call.borrow().clone(),
            wrap_up_secs: self.config.ozonetel.wrap_up_secs,
            simulator_key: self.vendor == DispositionVendor::Ozonetel && self.auth.uses_api_key(),
        };
        self.dispatch.emit(PanelAction::Dispositions(Rc::new(view)));
    }

    /// Arms the timer for the next entry that falls due.
    fn schedule(self: &Rc<Self>) {
        if self.closed.get() || !self.leading.get() {
            self.timer.borrow_mut().take();
            return;
        }
        let next = self.outbox.borrow().next_due_at();
        let timer = next.map(|at| {
            let delay = at.saturating_sub(now_ms()).min(i32::MAX as u64) as u32;
            let weak: Weak<Rt> = Rc::downgrade(self);
            Timeout::new(delay, move || {
                if let Some(rt) = weak.upgrade() {
                    Rt::pump(&rt);
                }
            })
        });
        *self.timer.borrow_mut() = timer;
    }

    /// Sends everything due now.
    fn pump(self: &Rc<Self>) {
        if self.closed.get() || !self.leading.get() {
            return;
        }
        let now = now_ms();
        let mut started = Vec::new();
        {
            let sending = self.sending.borrow();
            let forgotten = &self.forgotten;
            self.change(|ob| {
                forgotten.borrow_mut().extend(ob.tick(now));
                let due: Vec<OutboxEntry> =
                    ob.due(now).into_iter().filter(|e| !sending.contains(&e.key)).cloned().collect();
                for e in due {
                    if ob.mark_sent(&e.key, now).is_ok() {
                        started.push(ob.get(&e.key).cloned().unwrap_or(e));
                    }
                }
            });
        }
        for e in started {
            self.sending.borrow_mut().insert(e.key.clone());
            let rt = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = match &e.target {
                    DispositionTarget::Genesys { .. } => rt.send_genesys(&e).await,
                    DispositionTarget::Ozonetel { .. } => Some(rt.send_ozonetel(&e).await),
                };
                rt.sending.borrow_mut().remove(&e.key);
                if rt.closed.get() {
                    return;
                }
                if let Some(outcome) = outcome {
                    rt.learn_from_ozonetel(&e, &outcome);
                    let now = now_ms();
                    rt.change(|ob| {
                        let _ = ob.record_outcome(&e.key, outcome, now);
                    });
                } else {
                    rt.schedule();
                }
            });
        }
    }

    /// Retryable failures go again now (back online, a token provider arrived).
    fn retry_waiting(self: &Rc<Self>) {
        let keys: Vec<String> = self
            .outbox
            .borrow()
            .entries()
            .iter()
            .filter(|e| matches!(e.state, EntryState::Failed { retryable: true, .. } | EntryState::Pending))
            .map(|e| e.key.clone())
            .collect();
        if keys.is_empty() {
            return;
        }
        let now = now_ms();
        self.change(|ob| {
            for k in keys {
                let _ = ob.retry_now(&k, now);
            }
        });
    }

    /// Genesys: the outcome, or `None` while a live call's confirmation is awaited.
    async fn send_genesys(&self, e: &OutboxEntry) -> Option<DispositionOutcome> {
        let DispositionTarget::Genesys { call_id, disposition_key, .. } = &e.target else { return None };
        let value_key = disposition_key.clone().unwrap_or_else(|| DEFAULT_KEY.to_string());
        let code = e.choice.disposition.trim();
        if e.attempts > 1 || e.sent_before {
            // An earlier send may have landed: look before sending it again, and when the
            // call cannot be read now, try later rather than send blind.
            let read = self.gws.get(&format!("/api/v2/me/calls/{call_id}")).await;
            if let Some(outcome) = before_resend(read.as_deref().map_err(|e| e.clone()), &value_key, code) {
                return Some(outcome);
            }
        }
        let req = match genesys::disposition_request(&e.target, &e.choice) {
            Some(Ok(req)) => req,
            Some(Err(_)) | None => return Some(DispositionOutcome::Rejected("call-incomplete".into())),
        };
        match self.gws.post(&req).await {
            Ok(_) => {
                let seen = self.calls.borrow().get(&e.key).cloned();
                match seen {
                    Some(c) if !c.released => {
                        if c.value.as_deref() == Some(code) {
                            return Some(DispositionOutcome::Queued);
                        }
                        self.accepted.borrow_mut().insert(e.key.clone());
                        None
                    }
                    // Released (or unknown): statusCode 0 is the definite answer (seed 000).
                    _ => Some(DispositionOutcome::Saved),
                }
            }
            Err(err) => Some(err.disposition_outcome()),
        }
    }

    async fn send_ozonetel(&self, e: &OutboxEntry) -> DispositionOutcome {
        let body = match ozonetel::entry_body(&self.config.ozonetel.user_name, e) {
            Ok(b) => b,
            Err(err) => return DispositionOutcome::Rejected(err.code().into()),
        };
        match self.ozonetel_post(&body).await {
            Ok((outcome, _)) => outcome.disposition_outcome(),
            Err(code) => DispositionOutcome::Retryable(code),
        }
    }

    /// POSTs to DispositionAPIV2 with a token; renews it once and resends when Ozonetel
    /// refuses it. The answer (classified, and its body), or a reason code.
    async fn ozonetel_post(&self, body: &Value) -> Result<(OzonetelOutcome, String), String> {
        let url = format!("{}{}", self.config.ozonetel.base(), ozonetel::DISPOSITION_PATH);
        let mut resent = false;
        loop {
            let (token, generation) = self.auth.token().await?;
            let req = HttpRequest::post_json(url.clone(), body.to_string())
                .header("Authorization", &format!("Bearer {token}"))
                .without_cookies();
            let reply = net::send(req, None).await.map_err(|_| OFFLINE.to_string())?;
            let outcome = classify_response(reply.status, &reply.body);
            if outcome.renew_token() {
                match self.auth.on_rejected(generation, resent) {
                    AuthRetry::GiveUp => return Err(TOKEN_REFUSED.into()),
                    AuthRetry::Resend | AuthRetry::RenewAndResend => {
                        resent = true;
                        continue;
                    }
                }
            }
            return Ok((outcome, reply.body));
        }
    }

    /// "Saved successfully" or "already disposed" mean the Ozonetel call is over.
    fn learn_from_ozonetel(self: &Rc<Self>, e: &OutboxEntry, outcome: &DispositionOutcome) {
        let DispositionTarget::Ozonetel { ucid, .. } = &e.target else { return };
        if matches!(outcome, DispositionOutcome::Saved | DispositionOutcome::AlreadyDisposed) {
            let mut call = self.oz_call.borrow_mut();
            if let Some(c) = call.as_mut().filter(|c| &c.ucid == ucid && c.ended_at_ms.is_none()) {
                c.ended_at_ms = Some(now_ms());
            }
        }
    }

    fn set_oz_call(self: &Rc<Self>, mut call: Option<OzonetelCall>) {
        if let Some(c) = call.as_mut() {
            // The config gives what the page leaves out.
            if c.did.trim().is_empty() {
                c.did = self.config.ozonetel.did.clone();
            }
            if c.agent_id.trim().is_empty() {
                c.agent_id = self.config.ozonetel.agent_id.clone();
            }
            if self.oz_call.borrow().as_ref().is_some_and(|old| old.ucid == c.ucid) {
                // The same call again: keep what we learned (it may have ended).
                c.ended_at_ms = c.ended_at_ms.or(self.oz_call.borrow().as_ref().and_then(|o| o.ended_at_ms));
            }
        }
        if let Some(c) = &call {
            self.set_namespace(c.agent_id.trim());
        }
        let first = self.oz_call.borrow().is_none() && call.is_some();
        *self.oz_call.borrow_mut() = call;
        if first && self.codes.borrow().is_empty() {
            if let Some(cached) = storage_get(&self.codes_key()).and_then(|j| serde_json::from_str::<Vec<String>>(&j).ok()) {
                *self.codes.borrow_mut() = cached;
            }
            Rt::fetch_codes(self);
        }
        self.publish();
    }

    fn oz_call_ended(self: &Rc<Self>, ucid: Option<&str>) {
        let ucid = {
            let mut call = self.oz_call.borrow_mut();
            match call.as_mut().filter(|c| ucid.is_none_or(|u| u == c.ucid)) {
                Some(c) => {
                    if c.ended_at_ms.is_none() {
                        c.ended_at_ms = Some(now_ms());
                    }
                    c.ucid.clone()
                }
                None => match ucid {
                    Some(u) => u.to_string(),
                    None => return,
                },
            }
        };
        let key = ozonetel_key(&ucid);
        let now = now_ms();
        self.forward(json!({"callEnded": key}));
        self.change(|ob| {
            ob.call_ended(&key, now);
        });
    }

    /// Ozonetel's disposition list (`action: get`), for the active call.
    fn fetch_codes(self: &Rc<Self>) {
        if self.vendor != DispositionVendor::Ozonetel {
            return;
        }
        let Some(call) = self.oz_call.borrow().clone() else { return };
        let body = match ozonetel::get_body(&self.config.ozonetel.user_name, &call.agent_id, &call.did, &call.ucid) {
            Ok(b) => b,
            Err(e) => {
                *self.codes_status.borrow_mut() = CodesStatus::Failed(e.code().into());
                self.publish();
                return;
            }
        };
        if self.codes.borrow().is_empty() {
            *self.codes_status.borrow_mut() = CodesStatus::Loading;
            self.publish();
        }
        let rt = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match rt.ozonetel_post(&body).await {
                Ok((_, text)) => ozonetel::parse_disposition_list(&text).map_err(|o: OzonetelOutcome| o.code().to_string()),
                Err(code) => Err(code),
            };
            if rt.closed.get() {
                return;
            }
            match result {
                Ok(list) => {
                    storage_set(&rt.codes_key(), &serde_json::to_string(&list).unwrap_or_default());
                    *rt.codes.borrow_mut() = list;
                    *rt.codes_status.borrow_mut() = CodesStatus::Ready;
                }
                Err(code) => {
                    // With a cached list the picker still works; say so only without one.
                    if rt.codes.borrow().is_empty() {
                        *rt.codes_status.borrow_mut() = CodesStatus::Failed(code);
                    }
                }
            }
            rt.publish();
        });
    }

    fn observe(self: &Rc<Self>, actions: &[StoreAction]) {
        if self.vendor != DispositionVendor::Genesys {
            return;
        }
        let key_name = self.disposition_key().unwrap_or_else(|| DEFAULT_KEY.to_string());
        for action in actions {
            match action {
                StoreAction::AgentIdentified(who) => self.set_namespace(who.user_name.trim()),
                StoreAction::Snapshot { calls, .. } => {
                    let live: HashSet<String> = calls.iter().filter(|c| !c.state.is_released()).map(genesys_key).collect();
                    for c in calls {
                        self.see(c, &key_name);
                    }
                    // Calls that ended while nobody listened.
                    let gone: Vec<String> = self.calls.borrow().keys().filter(|k| !live.contains(*k)).cloned().collect();
                    for k in &gone {
                        if let Some(c) = self.calls.borrow_mut().get_mut(k) {
                            c.released = true;
                        }
                    }
                    if !self.leading.get() {
                        continue;
                    }
                    let now = now_ms();
                    let accepted = &self.accepted;
                    let stale: Vec<String> = self
                        .outbox
                        .borrow()
                        .entries()
                        .iter()
                        .filter(|e| matches!(e.target, DispositionTarget::Genesys { .. }) && !live.contains(&e.key))
                        .map(|e| e.key.clone())
                        .collect();
                    if stale.is_empty() {
                        continue;
                    }
                    self.change(|ob| {
                        for k in &stale {
                            ob.call_ended(k, now);
                            if accepted.borrow_mut().remove(k) {
                                let _ = ob.record_outcome(k, DispositionOutcome::Saved, now);
                            }
                        }
                    });
                }
                StoreAction::CallUpdated(update) => {
                    let key = self.see(&update.call, &key_name);
                    self.confirm(&key);
                }
                StoreAction::ShelfRestored { calls, .. } => {
                    // Ended, all of them (the desk hands back none the read listed).
                    for c in calls {
                        self.see(c, &key_name);
                        if let Some(seen) = self.calls.borrow_mut().get_mut(&genesys_key(c)) {
                            seen.released = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn see(&self, call: &Call, key_name: &str) -> String {
        let key = genesys_key(call);
        let value = call.user_data.get(key_name).and_then(|v| v.as_str()).map(str::to_string);
        self.calls.borrow_mut().insert(
            key.clone(),
            SeenCall { id: call.id.clone(), released: call.state.is_released(), value },
        );
        key
    }

    /// What a Genesys call's latest state means for its entry.
    fn confirm(self: &Rc<Self>, key: &str) {
        if !self.leading.get() {
            return;
        }
        let Some(seen) = self.calls.borrow().get(key).cloned() else { return };
        let Some(entry) = self.outbox.borrow().get(key).cloned() else { return };
        let now = now_ms();
        let code = entry.choice.disposition.trim().to_string();
        match entry.state {
            EntryState::InFlight { .. } if self.accepted.borrow().contains(key) => {
                let outcome = if seen.released {
                    Some(DispositionOutcome::Saved)
                } else if seen.value.as_deref() == Some(code.as_str()) {
                    Some(DispositionOutcome::Queued)
                } else {
                    None
                };
                if let Some(outcome) = outcome {
                    self.accepted.borrow_mut().remove(key);
                    self.change(|ob| {
                        let _ = ob.record_outcome(key, outcome, now);
                    });
                }
            }
            EntryState::Queued if seen.released => self.change(|ob| {
                ob.call_ended(key, now);
            }),
            _ => {}
        }
    }
}

/// Forgets the ended calls no outbox entry needs any more, so an eight-hour shift does
/// not grow the map by a call each time (a live call, or one with an entry, stays).
fn prune_seen(calls: &mut HashMap<String, SeenCall>, has_entry: impl Fn(&str) -> bool) {
    calls.retain(|key, c| !c.released || has_entry(key));
}

/// Before a resend: what reading the call (`GET /api/v2/me/calls/{id}`) says. `Some` is
/// the entry's outcome without sending — the code is on the call already (Queued on a live
/// call, Saved on a released one), or the read failed in a way that may pass (try later:
/// sending blind could record it twice). `None`: send. A definite refusal of the read (the
/// call is gone, statusCode 6 …) also means send: the POST gets its own definite answer.
fn before_resend(read: Result<&str, GwsError>, key: &str, code: &str) -> Option<DispositionOutcome> {
    match read {
        Ok(body) => match read_call(body, key) {
            Some((released, value)) if value.as_deref() == Some(code) => {
                Some(if released { DispositionOutcome::Saved } else { DispositionOutcome::Queued })
            }
            Some(_) => None,
            None => Some(GwsError::UnexpectedHttp(200).disposition_outcome()),
        },
        Err(e) if e.retryable() || e.needs_session() => Some(e.disposition_outcome()),
        Err(_) => None,
    }
}

/// A call resource's state and `userData[key]` (`GET /api/v2/me/calls/{id}`).
fn read_call(body: &str, key: &str) -> Option<(bool, Option<String>)> {
    let v: Value = serde_json::from_str(body).ok()?;
    let call = v.get("call").unwrap_or(&v);
    let released = call.get("state").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("Released"));
    let value = call.get("userData").and_then(|u| u.get(key)).and_then(Value::as_str).map(str::to_string);
    Some((released, value))
}

fn entry_view(e: &OutboxEntry) -> EntryView {
    let (status, reason, retrying) = match &e.state {
        EntryState::Pending | EntryState::InFlight { .. } => (DispoStatus::Saving, String::new(), false),
        EntryState::Queued => (DispoStatus::Queued, String::new(), false),
        EntryState::Saved => (DispoStatus::Saved, String::new(), false),
        EntryState::Failed { reason, retryable } => (DispoStatus::Failed, reason.clone(), *retryable),
    };
    EntryView {
        key: e.key.clone(),
        label: e.label.clone(),
        disposition: e.choice.disposition.clone(),
        comments: e.choice.comments.clone(),
        status,
        reason,
        retrying,
        settled_at_ms: e.next_attempt_at_ms,
        created_at_ms: e.created_at_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::{before_resend, prune_seen, read_call, SeenCall};
    use std::collections::HashMap;

    #[test]
    fn ended_calls_without_an_entry_are_forgotten() {
        let seen = |id: &str, released| SeenCall { id: id.into(), released, value: None };
        let mut calls: HashMap<String, SeenCall> = HashMap::new();
        calls.insert("live".into(), seen("live", false));
        calls.insert("ended-with-entry".into(), seen("e1", true));
        calls.insert("ended".into(), seen("e2", true));
        prune_seen(&mut calls, |k| k == "ended-with-entry");
        let mut left: Vec<&str> = calls.keys().map(String::as_str).collect();
        left.sort();
        assert_eq!(left, ["ended-with-entry", "live"]);
    }
    use crate::genesys::GwsError;
    use crate::model::DispositionOutcome;

    #[test]
    fn a_resend_looks_first_and_never_goes_blind() {
        let key = "DispositionCode";
        let released = r#"{"statusCode":0,"call":{"state":"Released","userData":{"DispositionCode":"Sale"}}}"#;
        let live = r#"{"statusCode":0,"call":{"state":"Established","userData":{"DispositionCode":"Sale"}}}"#;
        let without = r#"{"statusCode":0,"call":{"state":"Released","userData":{}}}"#;
        assert_eq!(before_resend(Ok(released), key, "Sale"), Some(DispositionOutcome::Saved));
        assert_eq!(before_resend(Ok(live), key, "Sale"), Some(DispositionOutcome::Queued));
        // Another code, or none: the earlier send did not land — send.
        assert_eq!(before_resend(Ok(released), key, "Resolved"), None);
        assert_eq!(before_resend(Ok(without), key, "Sale"), None);
        // The read failed in a way that may pass (a cut, a 5xx, a garbled answer, the
        // session): not now — the first send may have landed.
        for e in [GwsError::ServerUnavailable { http: 0 }, GwsError::ServerUnavailable { http: 503 }, GwsError::InternalError] {
            assert!(matches!(before_resend(Err(e), key, "Sale"), Some(DispositionOutcome::Retryable(_))));
        }
        assert!(matches!(before_resend(Ok("{garbled"), key, "Sale"), Some(DispositionOutcome::Retryable(_))));
        assert_eq!(before_resend(Err(GwsError::CsrfRejected), key, "Sale"), Some(DispositionOutcome::AuthExpired));
        // The call is gone: send, and let the POST's answer decide.
        assert_eq!(before_resend(Err(GwsError::NotFound), key, "Sale"), None);
    }

    #[test]
    fn a_call_resource_is_read_for_its_disposition() {
        let body = r#"{"statusCode":0,"call":{"id":"C1","state":"Released","userData":{"DispositionCode":"Sale"}}}"#;
        assert_eq!(read_call(body, "DispositionCode"), Some((true, Some("Sale".into()))));
        let live = r#"{"statusCode":0,"call":{"state":"Established","userData":{}}}"#;
        assert_eq!(read_call(live, "DispositionCode"), Some((false, None)));
        assert_eq!(read_call("nope", "DispositionCode"), None);
    }
}
