//! The agent: who is logged in (name, DN, device) and their work state (Ready, Not Ready …).

use serde::{Deserialize, Serialize};

/// The agent's work state on the voice channel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentState {
    Ready,
    NotReady {
        reason: Option<String>,
    },
    AfterCallWork,
    #[default]
    LoggedOut,
    /// A vendor state we don't model (e.g. `LoggedIn`, `AuxWork`), kept by name.
    Other(String),
}

impl AgentState {
    /// A short label for the panel.
    pub fn label(&self) -> String {
        match self {
            Self::Ready => "Ready".into(),
            Self::NotReady { reason: Some(r) } if !r.trim().is_empty() => {
                format!("Not Ready – {}", r.trim())
            }
            Self::NotReady { .. } => "Not Ready".into(),
            Self::AfterCallWork => "After Call Work".into(),
            Self::LoggedOut => "Logged Out".into(),
            Self::Other(s) => s.clone(),
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self, Self::Ready)
    }
}

/// Who the agent is, as the vendor reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentIdentity {
    pub user_id: String,
    pub user_name: String,
    /// "First Last", or the user name when no names are given.
    pub display_name: String,
    /// The agent's phone number (directory number) on the switch.
    pub dn: String,
    /// The device that places calls (GWS device id, used by Dial).
    pub device_id: String,
}

/// The agent's state plus the device flags that come with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPresence {
    pub state: AgentState,
    pub do_not_disturb: bool,
    /// The device the state belongs to, when known.
    pub device_id: String,
    pub dn: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(AgentState::Ready.label(), "Ready");
        assert_eq!(
            AgentState::NotReady {
                reason: Some("Lunch".into())
            }
            .label(),
            "Not Ready – Lunch"
        );
        assert_eq!(
            AgentState::NotReady {
                reason: Some(" ".into())
            }
            .label(),
            "Not Ready"
        );
        assert_eq!(AgentState::Other("AuxWork".into()).label(), "AuxWork");
        assert!(AgentState::Ready.is_ready());
        assert_eq!(AgentState::default(), AgentState::LoggedOut);
    }
}
