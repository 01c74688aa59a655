//! Ozonetel CloudAgent adapter, pure parts: reading DispositionAPIV2 and AgentManualDial answers, the token
//! renewal policy, and the request bodies. (The fetch and the host's token source live in
//! the browser shell.)

pub mod classify;
pub mod dial;
pub mod request;
pub mod token;

pub use classify::{classify, classify_response, OzonetelOutcome};
pub use dial::{classify_dial, manual_dial_body, DialOutcome, MANUAL_DIAL_PATH};
pub use request::{
    generate_token_body, get_body, parse_disposition_list, parse_token, set_body, RequestError,
    DISPOSITION_PATH, GENERATE_TOKEN_PATH,
};
pub use token::{jwt_exp, AuthRetry, TokenAction, TokenPolicy};

use crate::model::{DispositionTarget, OutboxEntry};

/// Where an Ozonetel disposition for the host-given call goes (for the outbox).
pub fn disposition_target(ucid: &str, did: &str, agent_id: &str) -> DispositionTarget {
    DispositionTarget::Ozonetel {
        ucid: ucid.trim().into(),
        did: did.trim().into(),
        agent_id: agent_id.trim().into(),
    }
}

/// The `Set` body for an outbox entry (`user_name` comes from the widget's config).
pub fn entry_body(user_name: &str, entry: &OutboxEntry) -> Result<crate::json::Value, RequestError> {
    set_body(user_name, &entry.target, &entry.choice)
}
