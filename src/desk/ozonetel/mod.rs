//! The Ozonetel telephony adapter, for a site whose contact centre runs on CloudAgent
//! alone (no GWS). Ozonetel sends call events to servers, not browsers, so the calls come
//! from the host page: the screen-pop URL (`?ucid=…&did=…&callerID=…`), `setActiveCall`
//! and `callEnded`, and the ucid AgentManualDial answers for click-to-dial. Each becomes
//! a call in the panel's store (id = ucid, DNIS = DID) that ends in a wrap-up card with
//! the ACW countdown. The agent is who the config names; there is no agent state, server
//! channel or connection banner here. A call announced in one tab reaches the agent's
//! other tabs, and the wrap-up shelf keeps the cards across reloads.

use crate::cell::Borrowing;
use crate::gather::{Gather, GatherText};
pub mod api;
pub mod auth;

use super::dispositions::OzonetelCall;
use super::events::{DeskEvent, OpTarget, Pending};
use super::now_ms;
use super::telephony::{DeskCore, Features, PageCall, Telephony};
use crate::host::tabs::TabMessage;
use crate::i18n::{reason_text, Text};
use crate::model::{
    AgentIdentity, AgentStateOperation, Call, CallKind, CallOperation, CallState, CallUpdate, ConnectionStatus,
    NotificationKind, Party, StoreAction,
};
use crate::ozonetel::{classify_dial, manual_dial_body, DialOutcome, MANUAL_DIAL_PATH};
use api::OzonetelApi;
use crate::json::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;
use yew::Callback;

/// The agent's CloudAgent line, as the host page describes it.
pub struct OzonetelLine {
    inner: Rc<Inner>,
}

struct Inner {
    core: Rc<DeskCore>,
    api: Rc<OzonetelApi>,
    /// The calls of this shift the panel shows (live ones, and ended ones until they go).
    calls: RefCell<Vec<Call>>,
}

/// A call the page announced, as the panel's call (`kind`: inbound for a screen pop,
/// outbound for click-to-dial).
fn page_call_to_call(p: &PageCall, kind: CallKind, at_ms: u64) -> Call {
    let mut user_data = crate::json::Map::new();
    user_data.insert("UCID".to_string(), Value::String(p.ucid.clone()));
    if !p.did.is_empty() {
        user_data.insert("DID".to_string(), Value::String(p.did.clone()));
    }
    Call {
        id: p.ucid.clone(),
        uuid: p.ucid.clone(),
        state: CallState::Established,
        kind,
        parties: if p.caller_id.is_empty() { Vec::new() } else { vec![Party::new(p.caller_id.clone(), "")] },
        dnis: p.did.clone(),
        user_data,
        started_at_ms: Some(at_ms),
        answered: true,
        updated_at_ms: at_ms,
        ..Call::default()
    }
}

impl OzonetelLine {
    pub fn start(core: Rc<DeskCore>, api: Rc<OzonetelApi>) -> Self {
        let inner = Rc::new(Inner { core, api, calls: RefCell::new(Vec::new()) });
        let weak = Rc::downgrade(&inner);
        inner.core.dispositions.set_call_over_hook(Callback::from(move |ucid: String| {
            if let Some(inner) = weak.upgrade() {
                inner.end(Some(&ucid), true);
            }
        }));
        inner.identify();
        inner.restore();
        if let Some(pop) = super::dispositions::screen_pop_call() {
            // Once the desk has joined the agent's other tabs, so they hear of it too.
            let weak = Rc::downgrade(&inner);
            crate::timer::after(0, move || {
                if let Some(inner) = weak.upgrade() {
                    let call = PageCall { ucid: pop.ucid, did: pop.did, agent_id: pop.agent_id, caller_id: pop.caller_id };
                    let _ = inner.announce(call, CallKind::Inbound);
                }
            })
            .forget();
        }
        Self { inner }
    }
}

impl Telephony for OzonetelLine {
    fn features(&self) -> Features {
        Features { agent_state: false, connection: false, call_operations: false, calls_from_page: true }
    }

    /// Click-to-dial: AgentManualDial from the agent's toolbar; the ucid it answers
    /// becomes the panel's call.
    fn dial(&self, number: &str, _user_data: Option<Map<String, Value>>) {
        Inner::dial(&self.inner, number);
    }

    fn call_op(&self, _call_id: &str, _op: CallOperation) {
        // Ozonetel calls list no capabilities: no control is ever offered for them.
        self.inner.notify(Text::NotWithOzonetel);
    }

    fn set_agent_state(&self, _op: &AgentStateOperation) {
        self.inner.notify(Text::NotWithOzonetel);
    }

    fn reconnect(&self) {}

    fn sign_out(&self) -> bool {
        false
    }

    fn lead(&self) {}

    fn follow(&self) {}

    fn on_tab_message(&self, message: TabMessage) {
        if let TabMessage::PageCalls { calls } = message {
            for call in super::wrap_up_shelf::parse_calls(&calls) {
                self.inner.take(call, false);
            }
        }
    }

    fn page_call(&self, call: Option<PageCall>) -> Result<(), &'static str> {
        match call {
            Some(call) => self.inner.announce(call, CallKind::Inbound),
            None => {
                self.inner.end(None, false);
                Ok(())
            }
        }
    }

    fn page_call_ended(&self, ucid: Option<&str>) {
        self.inner.end(ucid, false);
    }

    fn stop(&self) {}
}

impl Inner {
    fn notify(&self, text: Text) {
        self.core.emit(DeskEvent::Notify { text: text.in_(self.core.lang).into(), next_step: String::new() });
    }

    fn agent_id(&self) -> &str {
        self.core.config.ozonetel.agent_id.trim()
    }

    /// The agent the config names; the panel is "connected" from the start (there is no
    /// channel of its own to lose).
    fn identify(&self) {
        let oz = &self.core.config.ozonetel;
        let name = oz.agent_name.trim();
        let who = AgentIdentity {
            user_id: self.agent_id().to_string(),
            user_name: self.agent_id().to_string(),
            display_name: if name.is_empty() { self.agent_id().to_string() } else { name.to_string() },
            dn: String::new(),
            device_id: String::new(),
        };
        self.core.apply(vec![StoreAction::AgentIdentified(who), StoreAction::ConnectionChanged(ConnectionStatus::Connected)]);
    }

    /// The cards kept from before the reload: live calls stay live (the page tells when
    /// they end; Ozonetel's "saved" or "already disposed" ends them too), ended ones come
    /// back as wrap-up cards with their countdown.
    fn restore(&self) {
        let Some(shelf) = self.core.shelved_calls(self.agent_id(), &[]) else { return };
        let (ended, live): (Vec<Call>, Vec<Call>) = shelf.into_iter().partition(|c| c.state.is_released());
        for call in live {
            self.take(call, false);
        }
        if !ended.is_empty() {
            self.learn_codes(&ended[0]);
            self.calls.write().extend(ended.iter().cloned());
            self.core.apply(vec![StoreAction::ShelfRestored { calls: ended, at_ms: now_ms() }]);
        }
    }

    /// The code list is asked for with a call (`action: get` needs one).
    fn learn_codes(&self, call: &Call) {
        let oz = &self.core.config.ozonetel;
        let did = if call.dnis.is_empty() { oz.did.clone() } else { call.dnis.clone() };
        let caller_id = call.parties.first().map(|p| p.number.clone()).unwrap_or_default();
        self.core.dispositions.line_call(OzonetelCall {
            ucid: call.id.clone(),
            did,
            agent_id: oz.agent_id.clone(),
            caller_id,
            ended_at_ms: None,
        });
    }

    /// A call on the agent's line now. An agent has one line: a live call before it has
    /// ended (its card goes to wrap-up).
    fn announce(&self, mut p: PageCall, kind: CallKind) -> Result<(), &'static str> {
        p.ucid = p.ucid.trim().to_string();
        if p.ucid.is_empty() {
            return Err("oz:invalid-ucid");
        }
        if p.did.trim().is_empty() {
            p.did = self.core.config.ozonetel.did.trim().to_string();
        }
        let known = self.calls.read().iter().any(|c| c.id == p.ucid);
        if known {
            // The same call again (a second screen pop, a reload of the same URL).
            return Ok(());
        }
        let earlier: Vec<String> =
            self.calls.read().iter().filter(|c| !c.state.is_released()).map(|c| c.id.clone()).gather();
        for ucid in earlier {
            self.end(Some(&ucid), false);
        }
        let call = page_call_to_call(&p, kind, now_ms());
        self.take(call, true);
        Ok(())
    }

    /// The call `ucid` (else the newest live one) hung up: its card goes to wrap-up with
    /// the ACW countdown; a disposition queued during it now counts.
    fn end(&self, ucid: Option<&str>, ozonetel_said: bool) {
        let call = {
            let calls = self.calls.read();
            let live = |c: &&Call| !c.state.is_released();
            match ucid {
                Some(u) => calls.iter().filter(live).find(|c| c.id == u).cloned(),
                None => calls.iter().rev().find(live).cloned(),
            }
        };
        let Some(mut call) = call else {
            // Not on the panel (another tab's, or before a reload): the outbox still learns.
            if let Some(u) = ucid.filter(|_| !ozonetel_said) {
                self.core.dispositions.line_call_ended(u);
            }
            return;
        };
        call.state = CallState::Released;
        call.duration_s = call.started_at_ms.map(|s| now_ms().saturating_sub(s) / 1000);
        let ucid = call.id.clone();
        self.take(call, true);
        if !ozonetel_said {
            self.core.dispositions.line_call_ended(&ucid);
        }
    }

    /// Applies a call's new state to the panel (and, when it happened here, to the
    /// agent's other tabs).
    fn take(&self, call: Call, tell_tabs: bool) {
        {
            let mut calls = self.calls.write();
            match calls.iter_mut().find(|c| c.id == call.id) {
                Some(c) if c.state.is_released() => return,
                Some(c) => *c = call.clone(),
                None => calls.push(call.clone()),
            }
            // A shift's calls: the ended ones past the newest few are let go.
            while calls.len() > 20 {
                let Some(i) = calls.iter().position(|c| c.state.is_released()) else { break };
                calls.remove(i);
            }
        }
        if !call.state.is_released() {
            self.learn_codes(&call);
        }
        let wrap_up = Some(self.core.config.ozonetel.wrap_up_secs).filter(|s| *s > 0);
        let update = CallUpdate { call: call.clone(), kind: NotificationKind::StatusChange, wrap_up_secs: wrap_up, at_ms: now_ms() };
        self.core.apply(vec![StoreAction::CallUpdated(update)]);
        if tell_tabs {
            let calls = crate::model::call_json::calls_to_text(&[call]);
            self.core.tell_tabs(TabMessage::PageCalls { calls });
        }
    }

    fn dial(this: &Rc<Self>, number: &str) {
        // Ozonetel takes digits (and a leading +): "98765 43210" and "98765-43210" are the same.
        let number: String = number.trim().chars().filter(|c| c.is_ascii_digit() || *c == '+').gather_text();
        let number = number.as_str();
        let oz = &this.core.config.ozonetel;
        let body = match manual_dial_body(&oz.user_name, &oz.agent_id, &oz.campaign_name, number) {
            Ok(body) => body,
            Err(crate::ozonetel::RequestError::Missing("campaignName")) => return this.notify(Text::RsnNoCampaign),
            Err(_) => return this.notify(Text::OpEnterNumber),
        };
        let pending = Pending { target: OpTarget::Dial, op: "Dial" };
        this.core.emit(DeskEvent::Started(pending.clone()));
        let (this, number) = (this.clone(), number.trim().to_string());
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match this.api.post(MANUAL_DIAL_PATH, &body).await {
                Ok(reply) => classify_dial(reply.status, &reply.body),
                Err(code) => return this.dial_failed(pending, reason_text(&code)),
            };
            if this.core.closed.get() {
                return;
            }
            match outcome {
                DialOutcome::Placed { ucid: Some(ucid) } => {
                    let did = this.core.config.ozonetel.did.trim().to_string();
                    let call = PageCall { ucid, did, agent_id: String::new(), caller_id: number };
                    if this.announce(call, CallKind::Outbound).is_err() {
                        this.dial_failed(pending, Text::RsnDialNoId);
                    }
                }
                DialOutcome::Placed { ucid: None } => this.dial_failed(pending, Text::RsnDialNoId),
                other => this.dial_failed(pending, reason_text(other.code())),
            }
        });
    }

    fn dial_failed(&self, pending: Pending, text: Text) {
        let lang = self.core.lang;
        self.core.emit(DeskEvent::Failed { pending, text: text.in_(lang).into(), next_step: String::new() });
    }
}
