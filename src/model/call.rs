//! The vendor-neutral call: its state, direction, parties, the operations it allows now
//! (capabilities), and the wrap-up card it leaves behind when it ends.

use serde::{Deserialize, Serialize};

// `Call` and its parts are written and read by hand (`call_json`); serde's derive, in the
// tests only, is the reference for the format.

/// A call's id as the vendor names it (GWS `id`). It can change on transfer/conference.
pub type CallId = String;

/// Where a call is in its life. Unknown vendor states are kept as they came.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub enum CallState {
    Dialing,
    Ringing,
    Established,
    Held,
    Released,
    Other(String),
}

impl CallState {
    /// Reads a vendor state name (case-insensitive); anything else is kept as `Other`.
    pub fn parse(name: &str) -> Self {
        let n = name.trim();
        for s in [
            Self::Dialing,
            Self::Ringing,
            Self::Established,
            Self::Held,
            Self::Released,
        ] {
            if n.eq_ignore_ascii_case(s.as_str()) {
                return s;
            }
        }
        Self::Other(n.to_string())
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Dialing => "Dialing",
            Self::Ringing => "Ringing",
            Self::Established => "Established",
            Self::Held => "Held",
            Self::Released => "Released",
            Self::Other(s) => s,
        }
    }

    /// How far along its life a call is: 0 = setting up, 1 = connected, 2 = ended.
    /// `None` for states we don't know (they are never treated as a regression).
    pub fn stage(&self) -> Option<u8> {
        match self {
            Self::Dialing | Self::Ringing => Some(0),
            Self::Established | Self::Held => Some(1),
            Self::Released => Some(2),
            Self::Other(_) => None,
        }
    }

    pub fn is_released(&self) -> bool {
        matches!(self, Self::Released)
    }
}

/// The direction or kind of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub enum CallKind {
    Internal,
    Inbound,
    Outbound,
    /// A consultation call made from another call (warm transfer / conference).
    Consult,
    Other(String),
}

impl CallKind {
    pub fn parse(name: &str) -> Self {
        let n = name.trim();
        for k in [Self::Internal, Self::Inbound, Self::Outbound, Self::Consult] {
            if n.eq_ignore_ascii_case(k.as_str()) {
                return k;
            }
        }
        Self::Other(n.to_string())
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Internal => "Internal",
            Self::Inbound => "Inbound",
            Self::Outbound => "Outbound",
            Self::Consult => "Consult",
            Self::Other(s) => s,
        }
    }
}

/// The recording state of a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub enum Recording {
    #[default]
    Stopped,
    Recording,
    Paused,
}

impl Recording {
    pub fn parse(name: &str) -> Self {
        let n = name.trim();
        if n.eq_ignore_ascii_case("Recording") || n.eq_ignore_ascii_case("Started") {
            Self::Recording
        } else if n.eq_ignore_ascii_case("Paused") {
            Self::Paused
        } else {
            Self::Stopped
        }
    }
}

/// The other end(s) of a call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Party {
    /// The number to dial back or to name in an operation (e.g. RemoveParticipant).
    pub number: String,
    /// How to show it (the vendor's formatted number when given).
    pub display: String,
}

impl Party {
    pub fn new(number: impl Into<String>, display: impl Into<String>) -> Self {
        Self {
            number: number.into(),
            display: display.into(),
        }
    }

    /// The text to show: the formatted number, else the raw number, else "Unknown".
    pub fn label(&self) -> &str {
        if !self.display.trim().is_empty() {
            &self.display
        } else if !self.number.trim().is_empty() {
            &self.number
        } else {
            "Unknown"
        }
    }
}

/// One operation a call may allow now, by its GWS name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    Answer,
    Hangup,
    /// Ends a call whatever its state; how a ringing call is declined on real servers.
    ClearCall,
    Hold,
    Retrieve,
    MuteCall,
    UnmuteCall,
    SendDtmf,
    SingleStepTransfer,
    SingleStepConference,
    InitiateTransfer,
    InitiateConference,
    CompleteTransfer,
    CompleteConference,
    SwapCalls,
    MergeWithOtherCall,
    RemoveParticipantFromConference,
    AttachUserData,
    UpdateUserData,
    DeleteUserData,
    DeleteUserDataPair,
    SetCallDisposition,
    StartCallRecording,
    StopCallRecording,
    PauseCallRecording,
    ResumeCallRecording,
    Other(String),
}

impl Capability {
    /// Every known capability, in the order the panel shows its controls.
    pub const KNOWN: [Capability; 26] = [
        Self::Answer,
        Self::Hangup,
        Self::ClearCall,
        Self::Hold,
        Self::Retrieve,
        Self::MuteCall,
        Self::UnmuteCall,
        Self::SendDtmf,
        Self::SingleStepTransfer,
        Self::SingleStepConference,
        Self::InitiateTransfer,
        Self::InitiateConference,
        Self::CompleteTransfer,
        Self::CompleteConference,
        Self::SwapCalls,
        Self::MergeWithOtherCall,
        Self::RemoveParticipantFromConference,
        Self::AttachUserData,
        Self::UpdateUserData,
        Self::DeleteUserData,
        Self::DeleteUserDataPair,
        Self::SetCallDisposition,
        Self::StartCallRecording,
        Self::StopCallRecording,
        Self::PauseCallRecording,
        Self::ResumeCallRecording,
    ];

    /// Reads a GWS operation name, case-insensitively ("HangUp" is "Hangup").
    pub fn parse(name: &str) -> Self {
        let n = name.trim();
        Self::KNOWN
            .iter()
            .find(|c| c.name().eq_ignore_ascii_case(n))
            .cloned()
            .unwrap_or_else(|| Self::Other(n.to_string()))
    }

    /// The GWS operation name.
    pub fn name(&self) -> &str {
        match self {
            Self::Answer => "Answer",
            Self::Hangup => "Hangup",
            Self::ClearCall => "ClearCall",
            Self::Hold => "Hold",
            Self::Retrieve => "Retrieve",
            Self::MuteCall => "MuteCall",
            Self::UnmuteCall => "UnmuteCall",
            Self::SendDtmf => "SendDtmf",
            Self::SingleStepTransfer => "SingleStepTransfer",
            Self::SingleStepConference => "SingleStepConference",
            Self::InitiateTransfer => "InitiateTransfer",
            Self::InitiateConference => "InitiateConference",
            Self::CompleteTransfer => "CompleteTransfer",
            Self::CompleteConference => "CompleteConference",
            Self::SwapCalls => "SwapCalls",
            Self::MergeWithOtherCall => "MergeWithOtherCall",
            Self::RemoveParticipantFromConference => "RemoveParticipantFromConference",
            Self::AttachUserData => "AttachUserData",
            Self::UpdateUserData => "UpdateUserData",
            Self::DeleteUserData => "DeleteUserData",
            Self::DeleteUserDataPair => "DeleteUserDataPair",
            Self::SetCallDisposition => "SetCallDisposition",
            Self::StartCallRecording => "StartCallRecording",
            Self::StopCallRecording => "StopCallRecording",
            Self::PauseCallRecording => "PauseCallRecording",
            Self::ResumeCallRecording => "ResumeCallRecording",
            Self::Other(s) => s,
        }
    }

    fn bit(&self) -> Option<u32> {
        Self::KNOWN
            .iter()
            .position(|c| c == self)
            .map(|i| 1u32 << i)
    }
}

impl Serialize for Capability {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Capability {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

/// The set of operations a call allows now. Known ones are a bit set; unknown names are
/// kept so nothing the vendor sends is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Capabilities {
    known: u32,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    other: Vec<String>,
}

impl Capabilities {
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored form: the known bits and the unknown names.
    pub fn parts(&self) -> (u32, &[String]) {
        (self.known, &self.other)
    }

    /// The set from its stored form: the known bits and the unknown names.
    pub fn from_parts(known: u32, other: Vec<String>) -> Self {
        let known = Capability::KNOWN.iter().filter_map(Capability::bit).fold(0, |all, b| all | b) & known;
        Self { known, other }
    }

    /// Builds the set from GWS operation names.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = Self::default();
        for n in names {
            set.insert(Capability::parse(n));
        }
        set
    }

    pub fn insert(&mut self, cap: Capability) {
        match cap.bit() {
            Some(b) => self.known |= b,
            None => {
                let name = cap.name().to_string();
                if !name.is_empty() && !self.other.contains(&name) {
                    self.other.push(name);
                }
            }
        }
    }

    pub fn remove(&mut self, cap: &Capability) {
        match cap.bit() {
            Some(b) => self.known &= !b,
            None => crate::gather::keep(&mut self.other, |o| o != cap.name()),
        }
    }

    pub fn contains(&self, cap: &Capability) -> bool {
        match cap.bit() {
            Some(b) => self.known & b != 0,
            None => self.other.iter().any(|o| o == cap.name()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.known == 0 && self.other.is_empty()
    }

    pub fn len(&self) -> usize {
        self.known.count_ones() as usize + self.other.len()
    }

    /// Known capabilities in display order, then unknown ones as they came.
    pub fn iter(&self) -> impl Iterator<Item = Capability> + '_ {
        Capability::KNOWN
            .iter()
            .filter(|c| self.contains(c))
            .cloned()
            .chain(self.other.iter().map(|o| Capability::Other(o.clone())))
    }
}

/// The card a call leaves when it ends, until the agent disposes of it or dismisses it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct WrapUp {
    /// When the store saw the call end (ms since the epoch, the UI's clock).
    pub released_at_ms: u64,
    /// When the vendor's wrap-up time runs out (from `WrapUpTime`), if it gave one.
    pub deadline_ms: Option<u64>,
}

/// A call as the panel knows it.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Call {
    pub id: CallId,
    /// The vendor's unique id for the call across id changes (GWS `callUuid`).
    pub uuid: String,
    /// The switch's connection id (GWS `connId`); also survives some id changes.
    pub conn_id: String,
    /// The call's resource URI (needed by SetCallDisposition, CompleteTransfer …).
    pub uri: String,
    pub state: CallState,
    pub kind: CallKind,
    pub parties: Vec<Party>,
    pub dnis: String,
    pub capabilities: Capabilities,
    pub user_data: crate::json::Map<String, crate::json::Value>,
    /// Seconds of call time the vendor reported with the latest update.
    pub duration_s: Option<u64>,
    /// When the call started, on the UI's clock (first sighting minus its duration).
    pub started_at_ms: Option<u64>,
    pub muted: bool,
    pub recording: Recording,
    pub supervisor_listening: bool,
    /// Set once the call is Released and still waits for a disposition.
    pub wrap_up: Option<WrapUp>,
    /// For a consultation call: the call it was made from.
    pub consult_of: Option<CallId>,
    /// For a consultation call: the original call's URI, when the vendor names it.
    #[cfg_attr(test, serde(default, skip_serializing_if = "String::is_empty"))]
    pub parent_uri: String,
    /// The disposition the agent chose for this call, once it is in the outbox.
    pub disposition: Option<String>,
    /// Whether the call was ever connected (Established or Held).
    pub answered: bool,
    /// When the store last changed this call (UI clock); orders "most recent".
    pub updated_at_ms: u64,
}

impl Default for CallState {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl Default for CallKind {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl Call {
    /// Whether the vendor allows `cap` on this call now (principle 3).
    /// Takes a `Capability` or a `&Capability`.
    pub fn can(&self, cap: impl std::borrow::Borrow<Capability>) -> bool {
        self.capabilities.contains(cap.borrow())
    }

    /// The first party's label, for headings.
    pub fn title(&self) -> &str {
        self.parties.first().map(Party::label).unwrap_or_else(|| {
            if self.dnis.is_empty() {
                "Unknown"
            } else {
                &self.dnis
            }
        })
    }

    pub fn is_consult(&self) -> bool {
        self.kind == CallKind::Consult
    }

    /// Whether this entry is a wrap-up card (the call ended, a disposition is still due).
    pub fn in_wrap_up(&self) -> bool {
        self.state.is_released() && self.wrap_up.is_some()
    }

    /// Seconds since the call started, at `now_ms` (on the UI's clock).
    pub fn elapsed_s(&self, now_ms: u64) -> u64 {
        match self.started_at_ms {
            Some(start) => now_ms.saturating_sub(start) / 1000,
            None => self.duration_s.unwrap_or(0),
        }
    }

    /// Whether `other` is the same call, possibly under a new id (transfer/conference).
    pub fn same_call(&self, other: &Call) -> bool {
        self.id == other.id
            || (!self.uuid.is_empty() && self.uuid == other.uuid)
            || (!self.conn_id.is_empty() && self.conn_id == other.conn_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_names_round_trip_and_unknown_kept() {
        for c in Capability::KNOWN.iter() {
            assert_eq!(&Capability::parse(c.name()), c);
        }
        assert_eq!(Capability::parse("HangUp"), Capability::Hangup);
        assert_eq!(
            Capability::parse("Teleport"),
            Capability::Other("Teleport".into())
        );
    }

    #[test]
    fn capabilities_set_behaviour() {
        let mut s = Capabilities::from_names(["Hold", "Hangup", "Teleport", "Hold", "Teleport"]);
        assert_eq!(s.len(), 3);
        assert!(s.contains(&Capability::Hold));
        assert!(s.contains(&Capability::Other("Teleport".into())));
        assert!(!s.contains(&Capability::Answer));
        let order: Vec<_> = s.iter().map(|c| c.name().to_string()).collect();
        assert_eq!(order, ["Hangup", "Hold", "Teleport"]);
        s.remove(&Capability::Hold);
        s.remove(&Capability::Other("Teleport".into()));
        assert_eq!(s.len(), 1);
        assert_eq!(Capabilities::from_parts(s.known, s.other.clone()), s);
    }

    #[test]
    fn states_and_kinds_parse() {
        assert_eq!(CallState::parse("established"), CallState::Established);
        assert_eq!(
            CallState::parse("Alerting"),
            CallState::Other("Alerting".into())
        );
        assert_eq!(CallKind::parse("Consult"), CallKind::Consult);
        assert_eq!(CallKind::parse("Monitor").as_str(), "Monitor");
        assert_eq!(Recording::parse("Recording"), Recording::Recording);
    }

    #[test]
    fn party_label_prefers_display() {
        assert_eq!(Party::new("15001", "+1 500-1").label(), "+1 500-1");
        assert_eq!(Party::new("15001", " ").label(), "15001");
        assert_eq!(Party::default().label(), "Unknown");
    }

    #[test]
    fn same_call_by_uuid_or_conn_id() {
        let a = Call {
            id: "a".into(),
            uuid: "u".into(),
            ..Default::default()
        };
        let b = Call {
            id: "b".into(),
            uuid: "u".into(),
            ..Default::default()
        };
        let c = Call {
            id: "c".into(),
            conn_id: "k".into(),
            ..Default::default()
        };
        let d = Call {
            id: "d".into(),
            conn_id: "k".into(),
            ..Default::default()
        };
        assert!(a.same_call(&b));
        assert!(c.same_call(&d));
        assert!(!a.same_call(&c));
        let e = Call {
            id: "e".into(),
            ..Default::default()
        };
        let f = Call {
            id: "f".into(),
            ..Default::default()
        };
        assert!(!e.same_call(&f), "empty uuids never match");
    }

    #[test]
    fn elapsed_uses_start_time() {
        let c = Call {
            started_at_ms: Some(10_000),
            duration_s: Some(3),
            ..Default::default()
        };
        assert_eq!(c.elapsed_s(25_500), 15);
        let d = Call {
            duration_s: Some(3),
            ..Default::default()
        };
        assert_eq!(d.elapsed_s(25_500), 3);
    }
}
