//! The operations an agent asks of the phone system, vendor-neutral: on one call (answer,
//! hold, transfer …) and on the agent's own state. Each telephony adapter turns them into
//! its own requests (GWS: `genesys::ops`).

use crate::json::{Map, Value};

use super::Capability;

/// An operation on one call (`POST /api/v2/me/calls/{id}`).
#[derive(Clone, Debug, PartialEq)]
pub enum CallOperation {
    Answer,
    Hangup,
    /// Ends the call whatever its state (declines a ringing call).
    ClearCall,
    Hold,
    Retrieve,
    MuteCall,
    UnmuteCall,
    SendDtmf {
        digits: String,
    },
    SingleStepTransfer {
        destination: String,
    },
    SingleStepConference {
        destination: String,
    },
    InitiateTransfer {
        destination: String,
        location: Option<String>,
        user_data: Option<Map<String, Value>>,
    },
    InitiateConference {
        destination: String,
        location: Option<String>,
        user_data: Option<Map<String, Value>>,
    },
    CompleteTransfer {
        consult_call_uri: Option<String>,
    },
    CompleteConference {
        consult_call_uri: String,
    },
    SwapCalls {
        other_call_uri: String,
    },
    MergeWithOtherCall {
        other_call_uri: String,
    },
    RemoveParticipantFromConference {
        participant: String,
    },
    AttachUserData {
        user_data: Map<String, Value>,
    },
    UpdateUserData {
        user_data: Map<String, Value>,
    },
    DeleteUserData,
    DeleteUserDataPair {
        key: String,
    },
    SetCallDisposition {
        call_uri: String,
        call_uuid: String,
        disposition: String,
        disposition_key: Option<String>,
    },
    StartCallRecording,
    StopCallRecording,
    PauseCallRecording,
    ResumeCallRecording,
}

impl CallOperation {
    /// The capability the call must list for the panel to offer this operation.
    pub fn capability(&self) -> Capability {
        Capability::parse(self.name())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Answer => "Answer",
            Self::Hangup => "Hangup",
            Self::ClearCall => "ClearCall",
            Self::Hold => "Hold",
            Self::Retrieve => "Retrieve",
            Self::MuteCall => "MuteCall",
            Self::UnmuteCall => "UnmuteCall",
            Self::SendDtmf { .. } => "SendDtmf",
            Self::SingleStepTransfer { .. } => "SingleStepTransfer",
            Self::SingleStepConference { .. } => "SingleStepConference",
            Self::InitiateTransfer { .. } => "InitiateTransfer",
            Self::InitiateConference { .. } => "InitiateConference",
            Self::CompleteTransfer { .. } => "CompleteTransfer",
            Self::CompleteConference { .. } => "CompleteConference",
            Self::SwapCalls { .. } => "SwapCalls",
            Self::MergeWithOtherCall { .. } => "MergeWithOtherCall",
            Self::RemoveParticipantFromConference { .. } => "RemoveParticipantFromConference",
            Self::AttachUserData { .. } => "AttachUserData",
            Self::UpdateUserData { .. } => "UpdateUserData",
            Self::DeleteUserData => "DeleteUserData",
            Self::DeleteUserDataPair { .. } => "DeleteUserDataPair",
            Self::SetCallDisposition { .. } => "SetCallDisposition",
            Self::StartCallRecording => "StartCallRecording",
            Self::StopCallRecording => "StopCallRecording",
            Self::PauseCallRecording => "PauseCallRecording",
            Self::ResumeCallRecording => "ResumeCallRecording",
        }
    }
}

/// An agent-state change on the voice channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentStateOperation {
    Ready,
    NotReady { reason_code: Option<String> },
    AfterCallWork { wrap_up_time: Option<u64> },
}

impl AgentStateOperation {
    /// The GWS operation name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ready => "Ready",
            Self::NotReady { .. } => "NotReady",
            Self::AfterCallWork { .. } => "AfterCallWork",
        }
    }
}
