//! Genesys Web Services v2 adapter, pure parts: wire types, statusCode errors, operation
//! request builders, and the mapping from notifications to the vendor-neutral model.
//! (Session handling and fetch live in the browser shell, not here.)

pub(crate) mod lenient;
pub mod mapping;
pub mod ops;
pub mod status;
pub mod wire;

pub use mapping::{
    call_from_wire, disposition_request, is_call_error, disposition_target, notification_actions,
    snapshot_actions, snapshot_from_calls,
};
pub use ops::{
    dial, end_contact_center_session, start_contact_center_session, AgentStateOperation,
    CallOperation, GwsRequest, OpError,
};
pub use status::{failure_text, parse_reply, server_message, GwsAccepted, GwsError};
pub use wire::{
    CallStateChange, CallsResponse, DeviceStateChange, GwsNotification, MeResponse, WireCall,
    WireDevice,
};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod capture_tests;
