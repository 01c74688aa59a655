//! PanelState: what the panel renders — the call store plus the operations waiting for
//! their notification and the notices the agent has not dismissed yet. A Yew reducer,
//! pure, so its rules are tested natively.

pub use crate::desk::{OpTarget, Pending};
use crate::desk::DeskEvent;
use crate::model::{CallStore, StoreAction};
use std::rc::Rc;
use yew::Reducible;

/// A message for the agent: what went wrong and what to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u32,
    pub text: String,
    pub next_step: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelState {
    pub store: CallStore,
    pub pending: Vec<Pending>,
    pub notices: Vec<Notice>,
    next_notice: u32,
    /// The disposition picker's codes and the outbox's entries (from the desk's runtime).
    pub dispositions: Rc<crate::desk::DispositionView>,
    /// This tab holds the agent's session (the others follow it); see `host::tabs`.
    pub leading: bool,
    /// Saved dispositions the agent closed in the recent list.
    pub hidden_recent: Vec<String>,
}

/// Everything that changes the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum PanelAction {
    Store(StoreAction),
    /// Several store actions at once (a state re-read, a batch of notifications): one render.
    StoreBatch(Vec<StoreAction>),
    Started(Pending),
    /// The server refused or could not be reached: the control stops waiting, the agent is told.
    Failed { pending: Pending, text: String, next_step: String },
    /// A notice with no operation behind it (e.g. the dial field was empty).
    Notify { text: String, next_step: String },
    Dismiss(u32),
    /// The disposition runtime's latest view.
    Dispositions(Rc<crate::desk::DispositionView>),
    /// This tab leads the agent's session (true) or follows the tab that does.
    TabRole { leading: bool },
    /// The agent closed a saved disposition in the recent list (its outbox key).
    HideRecent(String),
}

impl From<DeskEvent> for PanelAction {
    fn from(event: DeskEvent) -> Self {
        match event {
            DeskEvent::Store(a) => Self::Store(a),
            DeskEvent::StoreBatch(a) => Self::StoreBatch(a),
            DeskEvent::Started(p) => Self::Started(p),
            DeskEvent::Failed { pending, text, next_step } => Self::Failed { pending, text, next_step },
            DeskEvent::Notify { text, next_step } => Self::Notify { text, next_step },
            DeskEvent::Dispositions(v) => Self::Dispositions(v),
            DeskEvent::TabRole { leading } => Self::TabRole { leading },
        }
    }
}

/// At most this many notices stay on screen; older ones give way.
const MAX_NOTICES: usize = 3;

impl PanelState {
    pub fn is_pending(&self, target: &OpTarget, op: &str) -> bool {
        self.pending.iter().any(|p| &p.target == target && p.op == op)
    }

    pub fn is_busy(&self, target: &OpTarget) -> bool {
        self.pending.iter().any(|p| &p.target == target)
    }

    fn apply_store(&mut self, action: StoreAction) {
        // A notification confirms (or overtakes) whatever was waiting on its subject.
        match &action {
            StoreAction::CallUpdated(update) => {
                let id = update.call.id.clone();
                let new_call = self.store.call(&id).is_none();
                crate::gather::keep(&mut self.pending, |p| p.target != OpTarget::Call(id.clone()) && !(new_call && p.target == OpTarget::Dial));
            }
            StoreAction::AgentStateChanged(_) => crate::gather::keep(&mut self.pending, |p| p.target != OpTarget::Agent),
            StoreAction::Snapshot { .. } => crate::gather::keep(&mut self.pending, |p| p.target != OpTarget::Dial),
            _ => {}
        }
        self.store.apply(action);
        // Calls that left (or changed id) no longer wait for anything.
        let store = &self.store;
        crate::gather::keep(&mut self.pending, |p| match &p.target {
            OpTarget::Call(id) => store.call(id).is_some(),
            _ => true,
        });
    }

    fn notify(&mut self, text: String, next_step: String) {
        self.next_notice += 1;
        crate::gather::keep(&mut self.notices, |n| n.text != text);
        self.notices.push(Notice { id: self.next_notice, text, next_step });
        while self.notices.len() > MAX_NOTICES {
            self.notices.remove(0);
        }
    }
}

impl Reducible for PanelState {
    type Action = PanelAction;

    fn reduce(self: Rc<Self>, action: PanelAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PanelAction::Store(a) => next.apply_store(a),
            PanelAction::StoreBatch(list) => list.into_iter().for_each(|a| next.apply_store(a)),
            PanelAction::Started(p) => {
                if !next.pending.contains(&p) {
                    next.pending.push(p);
                }
            }
            PanelAction::Failed { pending, text, next_step } => {
                crate::gather::keep(&mut next.pending, |p| p != &pending);
                next.notify(text, next_step);
            }
            PanelAction::Notify { text, next_step } => next.notify(text, next_step),
            PanelAction::Dismiss(id) => crate::gather::keep(&mut next.notices, |n| n.id != id),
            PanelAction::Dispositions(view) => next.dispositions = view,
            PanelAction::TabRole { leading } => next.leading = leading,
            PanelAction::HideRecent(key) => {
                if !next.hidden_recent.contains(&key) {
                    next.hidden_recent.push(key);
                }
            }
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Call, CallState, CallUpdate, NotificationKind};

    fn call(id: &str, state: CallState) -> Call {
        Call { id: id.into(), uuid: id.into(), state, ..Call::default() }
    }

    fn update(c: Call) -> PanelAction {
        PanelAction::Store(StoreAction::CallUpdated(CallUpdate {
            call: c,
            kind: NotificationKind::StatusChange,
            wrap_up_secs: None,
            at_ms: 1,
        }))
    }

    fn hold_pending() -> Pending {
        Pending { target: OpTarget::Call("C1".into()), op: "Hold" }
    }

    #[test]
    fn a_control_waits_until_its_calls_notification() {
        let s = Rc::new(PanelState::default()).reduce(update(call("C1", CallState::Established)));
        let s = s.reduce(PanelAction::Started(hold_pending()));
        assert!(s.is_pending(&OpTarget::Call("C1".into()), "Hold"));
        let s = s.reduce(update(call("C1", CallState::Held)));
        assert!(!s.is_busy(&OpTarget::Call("C1".into())));
    }

    #[test]
    fn a_failure_ends_the_wait_and_tells_the_agent_once() {
        let s = Rc::new(PanelState::default()).reduce(update(call("C1", CallState::Established)));
        let s = s.reduce(PanelAction::Started(hold_pending()));
        let failed = PanelAction::Failed { pending: hold_pending(), text: "No".into(), next_step: "Try".into() };
        let s = s.reduce(failed.clone()).reduce(failed);
        assert!(s.pending.is_empty());
        assert_eq!(s.notices.len(), 1, "the same sentence is not stacked");
        let id = s.notices[0].id;
        assert!(s.reduce(PanelAction::Dismiss(id)).notices.is_empty());
    }

    #[test]
    fn dial_waits_for_a_new_call_and_notices_are_bounded() {
        let mut s = Rc::new(PanelState::default()).reduce(PanelAction::Started(Pending { target: OpTarget::Dial, op: "Dial" }));
        assert!(s.is_busy(&OpTarget::Dial));
        s = s.reduce(update(call("N1", CallState::Dialing)));
        assert!(!s.is_busy(&OpTarget::Dial));
        for i in 0..5 {
            s = s.reduce(PanelAction::Notify { text: format!("n{i}"), next_step: String::new() });
        }
        assert_eq!(s.notices.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["n2", "n3", "n4"]);
    }

    #[test]
    fn a_closed_recent_disposition_stays_closed_once() {
        let s = Rc::new(PanelState::default()).reduce(PanelAction::HideRecent("genesys:C1".into()));
        let again = s.clone().reduce(PanelAction::HideRecent("genesys:C1".into()));
        assert_eq!(again.hidden_recent, ["genesys:C1"]);
        assert!(Rc::ptr_eq(&s, &again), "closing it again changes nothing");
    }

    #[test]
    fn an_unchanged_state_keeps_its_rc_so_yew_skips_the_render() {
        let s = Rc::new(PanelState::default());
        let same = s.clone().reduce(PanelAction::Dismiss(99));
        assert!(Rc::ptr_eq(&s, &same));
    }
}
