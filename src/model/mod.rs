//! The vendor-neutral domain the UI speaks: calls, parties, capabilities, the agent, the
//! call store reducer and the disposition outbox. No vendor types and no browser APIs here.

pub mod agent;
pub mod call;
pub mod call_json;
pub mod operation;
pub mod outbox;
pub mod outbox_json;
pub mod sort;
pub mod store;

pub use agent::{AgentIdentity, AgentPresence, AgentState};
pub use call::{
    Call, CallId, CallKind, CallState, Capabilities, Capability, Party, Recording, WrapUp,
};
pub use outbox::{
    DispositionChoice, DispositionOutbox, DispositionOutcome, DispositionTarget, EntryState,
    OutboxEntry, OutboxError,
};
pub use operation::{AgentStateOperation, CallOperation};
pub use store::{CallStore, CallUpdate, ConnectionStatus, NotificationKind, StoreAction};
