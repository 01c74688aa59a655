//! AgentDesk: the running widget behind the panel, vendor-neutral. It starts the site's
//! telephony adapter (`genesys/` or `ozonetel/`, behind `telephony::Telephony`), the
//! disposition runtime (`dispositions/`) and the tie to the agent's other tabs, and it
//! reports model-level events (`events::DeskEvent`) to whoever shows it. It knows nothing
//! of the UI.

mod dispositions;
pub mod events;
mod genesys;
mod ozonetel;
pub mod telephony;
mod wrap_up_shelf;

use crate::cell::Borrowing;
use crate::config::{TelephonyVendor, WidgetConfig};
use crate::host::tabs::{coordination_key, TabCoordinator, TabHooks, TabMessage};
use crate::i18n::Lang;
use crate::model::{AgentStateOperation, Call, CallOperation, DispositionChoice};
pub use dispositions::{genesys_key, ozonetel_key, CodesStatus, DispoStatus, DispositionView, Dispositions, EntryView, OzonetelCall};
pub use events::{DeskEvent, OpTarget, Pending};
use genesys::{GenesysLine, GwsSession};
pub use ozonetel::api::OzonetelApi;
use ozonetel::OzonetelLine;
use crate::json::{Map, Value};
use std::rc::Rc;
pub use telephony::{Features, PageCall};
use telephony::{DeskCore, Telephony};
use yew::Callback;

/// The milliseconds clock every store action is stamped with.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The reason code of a host call API used where no Ozonetel call can mean anything.
pub const NOT_OZONETEL: &str = "oz:not-ozonetel";

pub struct AgentDesk {
    core: Rc<DeskCore>,
    line: Rc<dyn Telephony>,
}

impl AgentDesk {
    /// Starts the telephony the config names, the disposition runtime and the tab link.
    pub fn start(config: &WidgetConfig, lang: Lang, emit: Callback<DeskEvent>) -> Self {
        let config = Rc::new(config.clone());
        let api = Rc::new(OzonetelApi::new(&config.ozonetel));
        let gws = (config.telephony() == TelephonyVendor::Genesys).then(|| {
            let basic = (!config.username.is_empty()).then_some((config.username.as_str(), config.password.as_str()));
            Rc::new(GwsSession::new(config.gws_base(), basic))
        });
        let dispositions = Dispositions::start(&config, gws.clone(), api.clone(), emit.clone());
        // Until the lock says otherwise, this tab sends nothing.
        dispositions.set_leader(false);
        let core = Rc::new(DeskCore::new(config.clone(), lang, emit, dispositions));
        let line: Rc<dyn Telephony> = match gws {
            Some(gws) => Rc::new(GenesysLine::start(core.clone(), gws)),
            None => Rc::new(OzonetelLine::start(core.clone(), api)),
        };
        let weak = Rc::downgrade(&line);
        core.dispositions.set_agent_state_hook(Callback::from(move |op: AgentStateOperation| {
            if let Some(line) = weak.upgrade() {
                line.set_agent_state(&op);
            }
        }));
        let desk = Self { core, line };
        desk.join_tabs();
        desk
    }

    /// Which parts of the panel the site's telephony offers.
    pub fn features(&self) -> Features {
        let f = self.line.features();
        // What a build cannot offer is a constant, so the views of it are left out too.
        let (genesys, ozonetel) = (TelephonyVendor::Genesys.built(), TelephonyVendor::Ozonetel.built());
        Features {
            agent_state: genesys && f.agent_state,
            connection: genesys && f.connection,
            call_operations: genesys && f.call_operations,
            calls_from_page: !genesys || (ozonetel && f.calls_from_page),
        }
    }

    /// Sends a call operation; the control shows progress until the call changes.
    pub fn call_op(&self, call_id: &str, op: CallOperation) {
        self.line.call_op(call_id, op);
    }

    /// Dials `destination` from the agent's phone, with the host page's userData.
    pub fn dial(&self, destination: &str, user_data: Option<Map<String, Value>>) {
        self.line.dial(destination, user_data);
    }

    /// Changes the agent's state (Ready, Not Ready with a reason, After Call Work).
    pub fn set_agent_state(&self, op: AgentStateOperation) {
        self.line.set_agent_state(&op);
    }

    /// Starts over after the connection or the session ended.
    pub fn reconnect(&self) {
        self.line.reconnect();
    }

    /// Logs the agent out of the phone system — unless another CRM tab of this agent is
    /// still open. Returns whether it was sent.
    pub fn sign_out(&self) -> bool {
        self.line.sign_out()
    }

    /// The host page says which call is on the agent's line (Ozonetel). With Ozonetel
    /// telephony it becomes a card; with Genesys telephony it is the call Ozonetel
    /// dispositions are recorded for.
    pub fn set_page_call(&self, call: Option<PageCall>) -> Result<(), &'static str> {
        if !self.takes_page_calls() {
            return Err(NOT_OZONETEL);
        }
        if self.features().calls_from_page {
            return self.line.page_call(call);
        }
        let call = call.map(|c| OzonetelCall {
            ucid: c.ucid,
            did: c.did,
            agent_id: c.agent_id,
            caller_id: c.caller_id,
            ended_at_ms: None,
        });
        self.core.dispositions.set_ozonetel_call(call);
        Ok(())
    }

    /// Whether the host page's Ozonetel calls mean anything here: the calls of Ozonetel
    /// telephony, or the calls Ozonetel dispositions are recorded for.
    pub fn takes_page_calls(&self) -> bool {
        self.features().calls_from_page || self.core.dispositions.records_at_ozonetel()
    }

    /// The host page says a call hung up (`None`: the active one).
    pub fn page_call_ended(&self, ucid: Option<&str>) -> Result<(), &'static str> {
        if !self.takes_page_calls() {
            return Err(NOT_OZONETEL);
        }
        if self.features().calls_from_page {
            self.line.page_call_ended(ucid);
        } else {
            // The page's call is the one Ozonetel dispositions are recorded for.
            self.core.dispositions.ozonetel_call_ended(ucid);
        }
        Ok(())
    }

    /// Keeps the store's calls in storage (the tab that leads does), so a reload does not
    /// lose a call that waits, or will wait, for its disposition.
    pub fn shelve_calls(&self, store: &crate::model::CallStore) {
        self.core.shelve(store);
    }

    /// How many other CRM tabs of this agent are open.
    pub fn other_tabs(&self) -> usize {
        self.core.other_tabs()
    }

    /// The disposition runtime (a cheap handle), while the desk runs.
    pub fn dispositions(&self) -> Option<Dispositions> {
        (!self.core.closed.get()).then(|| self.core.dispositions.clone())
    }

    /// The outbox key of a call on the panel.
    pub fn disposition_key(&self, call: &Call) -> String {
        self.core.dispositions.key_of(call)
    }

    /// Records `choice` for a call on the panel (queued durably, sent, retried until
    /// definite). Err: a reason code for the agent (see the catalog's `Rsn*` sentences).
    pub fn dispose(&self, call: &Call, choice: DispositionChoice) -> Result<(), &'static str> {
        self.dispositions().ok_or("no-answer")?.dispose(call, choice)
    }

    /// Where `disposition-saved` events go.
    pub fn set_host_events(&self, emit: Callback<(String, Value)>) {
        self.core.dispositions.set_host_events(emit);
    }

    /// Stops everything it started: the long poll, timers, requests in flight.
    pub fn stop(&self) {
        if self.core.closed.replace(true) {
            return;
        }
        if let Some(tabs) = self.core.tabs.write().take() {
            tabs.stop();
        }
        self.core.dispositions.stop();
        self.line.stop();
    }
}

impl Drop for AgentDesk {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Tabs (one agent, many CRM tabs): the leader holds the vendor's session and the
/// disposition sender and relays what it hears; the others apply the same events and
/// send their operations directly — a follower's click does not wait on another tab.
impl AgentDesk {
    fn join_tabs(&self) {
        let core = &self.core;
        let weak_core = Rc::downgrade(core);
        core.dispositions.set_tab_link(Callback::from(move |payload: Value| {
            if let Some(core) = weak_core.upgrade() {
                core.tell_tabs(TabMessage::Outbox { payload });
            }
        }));
        let config = &core.config;
        let key = match config.telephony() {
            TelephonyVendor::Genesys => {
                let agent = if config.username.trim().is_empty() { "session" } else { config.username.trim() };
                coordination_key(config.gws_base(), agent)
            }
            TelephonyVendor::Ozonetel => coordination_key(config.ozonetel.base(), config.ozonetel.agent_id.trim()),
        };
        let lead = (Rc::downgrade(core), Rc::downgrade(&self.line));
        let follow = lead.clone();
        let message = lead.clone();
        let hooks = TabHooks {
            became_leader: Box::new(move || {
                if let (Some(core), Some(line)) = (lead.0.upgrade(), lead.1.upgrade()) {
                    if core.closed.get() || core.leading.replace(true) {
                        return;
                    }
                    core.emit(DeskEvent::TabRole { leading: true });
                    core.dispositions.set_leader(true);
                    line.lead();
                }
            }),
            lost_leadership: Box::new(move || {
                if let (Some(core), Some(line)) = (follow.0.upgrade(), follow.1.upgrade()) {
                    core.leading.set(false);
                    core.emit(DeskEvent::TabRole { leading: false });
                    line.follow();
                    core.dispositions.set_leader(false);
                }
            }),
            message: Box::new(move |m| {
                if let (Some(core), Some(line)) = (message.0.upgrade(), message.1.upgrade()) {
                    if core.closed.get() {
                        return;
                    }
                    match m {
                        TabMessage::Outbox { payload } => core.dispositions.on_tab_message(&payload),
                        other => line.on_tab_message(other),
                    }
                }
            }),
        };
        let tabs = TabCoordinator::start(&key, hooks);
        *core.tabs.write() = Some(tabs);
        if !core.leading.get() {
            // Ask the sender where the outbox stands (it answers with its state).
            core.tell_tabs(TabMessage::Outbox { payload: crate::json::json!({"hello": true}) });
        }
    }
}
