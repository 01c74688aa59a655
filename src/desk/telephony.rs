//! Telephony: the one interface every phone-system adapter offers the desk — which calls
//! exist (as store actions), the operations on them, the agent's identity and state, and
//! the connection — and `DeskCore`, the vendor-neutral services the desk lends an adapter
//! (the panel's event sink, the disposition runtime, the agent's other tabs, the wrap-up
//! shelf). A new vendor is one more folder beside `genesys/` and `ozonetel/`.

use crate::cell::Borrowing;
use crate::gather::Gather;
use super::dispositions::Dispositions;
use super::events::DeskEvent;
use super::{now_ms, wrap_up_shelf};
use crate::config::WidgetConfig;
use crate::host::tabs::{TabCoordinator, TabMessage};
use crate::i18n::Lang;
use crate::model::{AgentStateOperation, Call, CallOperation, StoreAction};
use crate::json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::Callback;

/// The parts of the panel a vendor offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// The agent's work state can be read and changed here (Ready, Not Ready …).
    pub agent_state: bool,
    /// The panel keeps a connection of its own to the phone system, worth a banner.
    pub connection: bool,
    /// Operations on calls (hold, transfer, attached data …) go through the panel.
    pub call_operations: bool,
    /// The calls come from the host page (`setActiveCall`, `callEnded`, the screen-pop
    /// URL); otherwise a page's call is the one Ozonetel dispositions are recorded for.
    pub calls_from_page: bool,
}

/// A call the host page announces (a screen pop, `setActiveCall`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageCall {
    pub ucid: String,
    pub did: String,
    pub agent_id: String,
    pub caller_id: String,
}

/// A phone system behind the panel.
pub trait Telephony {
    fn features(&self) -> Features;
    /// Places a call to `number` from the agent's phone, with the host page's data.
    fn dial(&self, number: &str, user_data: Option<Map<String, Value>>);
    /// An operation on one call (only those its capabilities list are offered).
    fn call_op(&self, call_id: &str, op: CallOperation);
    fn set_agent_state(&self, op: &AgentStateOperation);
    /// Starts over after the connection or the session ended.
    fn reconnect(&self);
    /// Logs the agent out of the phone system; false when it was not sent.
    fn sign_out(&self) -> bool;
    /// This tab now leads the agent's session (`DeskCore::leading` says so already).
    fn lead(&self);
    /// Another tab leads now.
    fn follow(&self);
    /// A message from the agent's other tabs (the outbox's are handled by the desk).
    fn on_tab_message(&self, message: TabMessage);
    /// The host page says which call is on the line now (`None`: none); only asked of a
    /// vendor whose `Features::calls_from_page`.
    fn page_call(&self, call: Option<PageCall>) -> Result<(), &'static str>;
    /// The host page says a call hung up (`None`: the active one).
    fn page_call_ended(&self, ucid: Option<&str>);
    fn stop(&self);
}

/// What the desk shares with its adapter.
pub struct DeskCore {
    pub lang: Lang,
    pub config: Rc<WidgetConfig>,
    emit: Callback<DeskEvent>,
    pub dispositions: Dispositions,
    pub tabs: RefCell<Option<Rc<TabCoordinator>>>,
    /// This tab holds the agent's session (the long poll and the disposition sender).
    pub leading: Cell<bool>,
    pub closed: Cell<bool>,
    /// The calls kept from before a reload were handed back.
    shelf_restored: Cell<bool>,
    /// What this tab last wrote to the wrap-up shelf.
    shelf_written: RefCell<String>,
}

impl DeskCore {
    pub fn new(config: Rc<WidgetConfig>, lang: Lang, emit: Callback<DeskEvent>, dispositions: Dispositions) -> Self {
        Self {
            lang,
            config,
            emit,
            dispositions,
            tabs: RefCell::new(None),
            leading: Cell::new(false),
            closed: Cell::new(false),
            shelf_restored: Cell::new(false),
            shelf_written: RefCell::new(String::new()),
        }
    }

    pub fn emit(&self, event: DeskEvent) {
        if !self.closed.get() {
            self.emit.emit(event);
        }
    }

    pub fn store(&self, action: StoreAction) {
        self.apply(vec![action]);
    }

    /// Store actions from the vendor: the disposition runtime sees them first (it confirms
    /// dispositions from them), then the panel, in one render.
    pub fn apply(&self, actions: Vec<StoreAction>) {
        if actions.is_empty() {
            return;
        }
        self.dispositions.observe(&actions);
        self.emit(DeskEvent::StoreBatch(actions));
    }

    /// Posts to the agent's other tabs. Only the leader speaks for the session; outbox
    /// messages and calls the host page announced go from any tab.
    pub fn tell_tabs(&self, message: TabMessage) {
        let any_tab = matches!(message, TabMessage::Outbox { .. } | TabMessage::PageCalls { .. });
        if !self.leading.get() && !any_tab {
            return;
        }
        if let Some(tabs) = self.tabs.read().as_ref() {
            tabs.post(&message);
        }
    }

    pub fn other_tabs(&self) -> usize {
        self.tabs.read().as_ref().map_or(0, |t| t.other_tabs())
    }

    /// Once, after the first look at the vendor's calls: the calls kept from before the
    /// reload, less those the vendor lists (`listed`) and those whose disposition was
    /// already saved (their card was about to leave).
    pub fn shelved_calls(&self, agent: &str, listed: &[&Call]) -> Option<Vec<Call>> {
        if self.shelf_restored.replace(true) {
            return None;
        }
        let calls: Vec<Call> = wrap_up_shelf::load(self.config.telephony_name(), agent, now_ms())
            .into_iter()
            .filter(|c| !listed.iter().any(|l| l.same_call(c)))
            .filter(|c| !self.dispositions.is_saved(&self.dispositions.key_of(c)))
            .gather();
        Some(calls)
    }

    /// Whether the kept calls were handed back already (they are, once).
    pub fn shelf_restored(&self) -> bool {
        self.shelf_restored.get()
    }

    /// Keeps the store's calls in storage (the leading tab does, once the shelf was read).
    pub fn shelve(&self, store: &crate::model::CallStore) {
        if self.leading.get() && self.shelf_restored.get() && !self.closed.get() {
            wrap_up_shelf::save(self.config.telephony_name(), store.agent.user_name.trim(), store, &mut self.shelf_written.write());
        }
    }
}
