//! What the desk tells whoever shows it (the panel): store changes, operations under way
//! and their failures, notices, the disposition view and this tab's role. Model-level:
//! no vendor type and nothing of the UI.

use super::DispositionView;
use crate::model::StoreAction;
use std::rc::Rc;

/// What an operation acts on, so its control can show progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpTarget {
    Call(String),
    Agent,
    Dial,
}

/// An operation sent and not yet confirmed by the vendor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub target: OpTarget,
    /// The operation's name (`Hold`, `Dial`, `NotReady` …).
    pub op: &'static str,
}

/// One thing the desk reports.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum DeskEvent {
    Store(StoreAction),
    /// Several store actions at once (a state re-read, a batch of notifications): one render.
    StoreBatch(Vec<StoreAction>),
    Started(Pending),
    /// The vendor refused or could not be reached: the control stops waiting, the agent is told.
    Failed { pending: Pending, text: String, next_step: String },
    /// A sentence for the agent with no operation behind it.
    Notify { text: String, next_step: String },
    /// The disposition runtime's latest view.
    Dispositions(Rc<DispositionView>),
    /// This tab leads the agent's session (true) or follows the tab that does.
    TabRole { leading: bool },
}
