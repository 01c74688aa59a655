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

mod runtime;
mod storage;
mod tabs;
mod via_genesys;
mod via_ozonetel;
mod view;

use crate::cell::Borrowing;
use super::events::DeskEvent;
use super::genesys::session::GwsSession;
use super::now_ms;
use super::ozonetel::api::OzonetelApi;
use crate::config::{DispositionVendor, TelephonyVendor, WidgetConfig};
use crate::genesys;
use crate::model::{AgentStateOperation, Call, DispositionChoice, DispositionOutbox, EntryState, StoreAction};
use crate::ozonetel;
use via_genesys::SeenCall;
use gloo_timers::callback::Timeout;
use crate::json::{json, Value};
use std::cell::{Cell, RefCell};
use crate::json::Map;
use std::rc::Rc;
use yew::Callback;
pub(crate) use via_ozonetel::screen_pop_call;
pub use view::{genesys_key, ozonetel_key, CodesStatus, DispoStatus, DispositionView, EntryView, OzonetelCall};

/// The userData key GWS uses when none is configured (seed 000's sample).
const DEFAULT_KEY: &str = "DispositionCode";
/// How long a saved wrap-up card stays (showing "Saved") before it leaves.
const SAVED_CARD_MS: u32 = 2_500;
/// At most this many codes are remembered as "recently used".
const RECENT_MAX: usize = 5;

/// The runtime; cheap to clone (a handle).
#[derive(Clone)]
pub struct Dispositions {
    rt: Rc<Rt>,
}

struct Rt {
    vendor: DispositionVendor,
    config: Rc<WidgetConfig>,
    /// The GWS session (Genesys telephony); none on an Ozonetel-only site.
    gws: Option<Rc<GwsSession>>,
    api: Rc<OzonetelApi>,
    dispatch: Callback<DeskEvent>,
    /// Puts the agent in Not Ready ("pause after this call", Genesys).
    agent_state: RefCell<Option<Callback<AgentStateOperation>>>,
    /// The calls are Ozonetel's, in the panel's store (Ozonetel telephony): a call's id is
    /// its ucid; no host-given "active call" card of its own.
    line_calls: bool,
    /// The Ozonetel call the code list is asked for (`action: get` needs one).
    codes_for: RefCell<Option<OzonetelCall>>,
    /// Told the ucid of a call Ozonetel says is over (saved, or already disposed).
    call_over: RefCell<Option<Callback<String>>>,
    host_event: RefCell<Option<Callback<(String, Value)>>>,
    outbox: RefCell<DispositionOutbox>,
    namespace: RefCell<Option<String>>,
    forgotten: RefCell<Vec<String>>,
    sending: RefCell<Map<String, ()>>,
    calls: RefCell<Map<String, SeenCall>>,
    /// Genesys keys whose SetCallDisposition was accepted on a live call (awaiting the
    /// AttachedDataChanged that confirms it).
    accepted: RefCell<Map<String, ()>>,
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

impl Rt {
    /// The calls are the Ozonetel line's own (Ozonetel telephony). A constant in a build
    /// with one telephony, so the other telephony's paths are left out of it.
    fn line_calls(&self) -> bool {
        match (TelephonyVendor::Genesys.built(), TelephonyVendor::Ozonetel.built()) {
            (false, _) => true,
            (_, false) => false,
            _ => self.line_calls,
        }
    }

    /// Whether dispositions are recorded at Ozonetel (a constant `false` in a build
    /// without Ozonetel's sender, so its paths are left out of that build).
    fn records_at_ozonetel(&self) -> bool {
        DispositionVendor::Ozonetel.built() && self.vendor == DispositionVendor::Ozonetel
    }
}

impl Dispositions {
    /// Starts the runtime: restores what storage holds (when the agent is known), reads
    /// the screen-pop URL (Ozonetel) and begins sending what is due.
    pub fn start(
        config: &WidgetConfig,
        gws: Option<Rc<GwsSession>>,
        api: Rc<OzonetelApi>,
        dispatch: Callback<DeskEvent>,
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
            api,
            dispatch,
            agent_state: RefCell::new(None),
            line_calls: config.telephony() == TelephonyVendor::Ozonetel,
            codes_for: RefCell::new(None),
            call_over: RefCell::new(None),
            host_event: RefCell::new(None),
            outbox: RefCell::new(DispositionOutbox::new()),
            namespace: RefCell::new(None),
            forgotten: RefCell::new(Vec::new()),
            sending: RefCell::new(Map::new()),
            calls: RefCell::new(Map::new()),
            accepted: RefCell::new(Map::new()),
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
            *rt.online.write() = Some(gloo_events::EventListener::new(&window, "online", move |_| {
                if let Some(rt) = weak.upgrade() {
                    rt.retry_waiting();
                }
            }));
        }
        if vendor == DispositionVendor::Ozonetel {
            if let Some(ns) = Some(config.ozonetel.agent_id.trim()).filter(|a| !a.is_empty()) {
                rt.set_namespace(ns);
            }
            if let Some(call) = via_ozonetel::screen_pop_call().filter(|_| !rt.line_calls()) {
                rt.set_oz_call(Some(call));
            }
        } else if !config.username.trim().is_empty() {
            rt.set_namespace(config.username.trim());
        }
        if rt.api.auth.uses_api_key() {
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
        *self.rt.host_event.write() = Some(emit);
    }

    /// Store actions the desk produced (notifications, state reads): confirms Genesys
    /// dispositions and learns who the agent is.
    pub fn observe(&self, actions: &[StoreAction]) {
        self.rt.observe(actions);
    }

    /// Where "pause after this call" goes (the telephony's agent state).
    pub fn set_agent_state_hook(&self, hook: Callback<AgentStateOperation>) {
        *self.rt.agent_state.write() = Some(hook);
    }

    /// Who hears that Ozonetel says a call is over (its ucid).
    pub fn set_call_over_hook(&self, hook: Callback<String>) {
        *self.rt.call_over.write() = Some(hook);
    }

    /// The outbox key of a call on the panel.
    pub fn key_of(&self, call: &Call) -> String {
        if self.rt.line_calls() {
            ozonetel_key(&call.id)
        } else {
            genesys_key(call)
        }
    }

    /// The agent picked `choice` for a call on the panel (queued during the call).
    pub fn dispose(&self, call: &Call, choice: DispositionChoice) -> Result<(), &'static str> {
        if !self.rt.line_calls() {
            return self.dispose_genesys(call, choice);
        }
        let oz = &self.rt.config.ozonetel;
        let did = if call.dnis.trim().is_empty() { oz.did.as_str() } else { call.dnis.as_str() };
        let target = ozonetel::disposition_target(&call.id, did, &oz.agent_id);
        self.rt.enqueue(target, call.title().to_string(), choice)
    }

    /// Ozonetel telephony: a call is on the line (the code list is asked for with it).
    pub fn line_call(&self, call: OzonetelCall) {
        let first = self.rt.codes_for.replace(Some(call)).is_none();
        if first && self.rt.codes.read().is_empty() {
            self.rt.load_codes();
        }
    }

    /// Ozonetel telephony: the call `ucid` hung up (a disposition queued during it now
    /// counts as applied; the wrap-up countdown runs).
    pub fn line_call_ended(&self, ucid: &str) {
        self.rt.call_ended_at_ozonetel(ucid);
    }

    /// The agent picked `choice` for a Genesys call.
    pub fn dispose_genesys(&self, call: &Call, choice: DispositionChoice) -> Result<(), &'static str> {
        let target = genesys::disposition_target(call, self.rt.disposition_key());
        self.rt.calls.write().get_or_insert_with(target.key(), || SeenCall {
            id: call.id.clone(),
            released: call.state.is_released(),
            value: None,
        });
        self.rt.enqueue(target, call.title().to_string(), choice)
    }

    /// The agent picked `choice` for the active Ozonetel call.
    pub fn dispose_ozonetel(&self, choice: DispositionChoice) -> Result<(), &'static str> {
        // A widget that does not record at Ozonetel has no such call (and a build without
        // Ozonetel's sender no request for it: the test is a constant there).
        if !self.rt.records_at_ozonetel() {
            return Err(crate::desk::NOT_OZONETEL);
        }
        let call = self.rt.oz_call.read().clone().ok_or("oz:invalid-ucid")?;
        let target = ozonetel::disposition_target(&call.ucid, &call.did, &call.agent_id);
        let label = if call.caller_id.is_empty() { call.ucid.clone() } else { call.caller_id.clone() };
        self.rt.enqueue(target, label, choice)
    }

    /// Whether the outbox holds a saved disposition under `key`.
    pub fn is_saved(&self, key: &str) -> bool {
        self.rt.outbox.read().get(key).is_some_and(|e| e.state == EntryState::Saved)
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

    /// Whether dispositions are recorded at Ozonetel.
    pub fn records_at_ozonetel(&self) -> bool {
        self.rt.records_at_ozonetel()
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
        self.rt.api.auth.set_provider(provider);
        // What waited for a token may go now.
        self.rt.retry_waiting();
        if self.rt.codes.read().is_empty() {
            Rt::fetch_codes(&self.rt);
        }
    }

    /// Load Ozonetel's code list again (after a failure).
    pub fn reload_codes(&self) {
        Rt::fetch_codes(&self.rt);
    }

    /// How this tab reaches the agent's other tabs (outbox messages).
    pub fn set_tab_link(&self, post: Callback<Value>) {
        *self.rt.tab_post.write() = Some(post);
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
            rt.timer.write().take();
        }
    }

    /// An outbox message from another tab of this agent.
    pub fn on_tab_message(&self, payload: &Value) {
        Rt::on_tab_message(&self.rt, payload);
    }

    /// Stops timers and listeners; nothing more is sent from this page.
    pub fn stop(&self) {
        self.rt.closed.set(true);
        self.rt.timer.write().take();
        self.rt.later.write().clear();
        self.rt.online.write().take();
    }
}
