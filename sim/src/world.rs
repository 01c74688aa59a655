//! The call world: two agents with their devices and DNs, the calls on their lines, the
//! external numbers they reach, and the GWS voice state machine that operations drive.
//! Nothing here does I/O: every change comes back as an `Outcome` — notices to publish on
//! the agent's CometD sessions and timers to arm — which the HTTP shell carries out.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use crate::render;

/// Default user-data key that SetCallDisposition writes when the request names none.
pub const DEFAULT_DISPOSITION_KEY: &str = "DispositionCode";
/// A number that rings forever.
pub const NEVER_ANSWERS: &str = "5559999";
/// Numbers `5550000`..`5550009` are busy.
pub const BUSY_PREFIX: &str = "555000";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CallState {
    Dialing,
    Ringing,
    Established,
    Held,
    Released,
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Dialing => "Dialing",
            CallState::Ringing => "Ringing",
            CallState::Established => "Established",
            CallState::Held => "Held",
            CallState::Released => "Released",
        }
    }
    fn is_active(self) -> bool {
        self != CallState::Released
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CallType {
    Internal,
    Inbound,
    Outbound,
    Consult,
}

impl CallType {
    pub fn as_str(self) -> &'static str {
        match self {
            CallType::Internal => "Internal",
            CallType::Inbound => "Inbound",
            CallType::Outbound => "Outbound",
            CallType::Consult => "Consult",
        }
    }
}

/// What a consult call was started for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ConsultKind {
    Transfer,
    Conference,
}

impl ConsultKind {
    /// The operation that completes a consult of this kind.
    pub fn complete_op(self) -> &'static str {
        match self {
            ConsultKind::Transfer => "CompleteTransfer",
            ConsultKind::Conference => "CompleteConference",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Recording {
    Stopped,
    Recording,
    Paused,
}

impl Recording {
    pub fn as_str(self) -> &'static str {
        match self {
            Recording::Stopped => "Stopped",
            Recording::Recording => "Recording",
            Recording::Paused => "Paused",
        }
    }
}

/// Where the call lives in a CallStateChangeMessage: under `data.call` (seed 001) or
/// spread into `data` (seed 000).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NotificationShape {
    Nested,
    Flat,
}

/// `participants` as strings plus `participantsInfo` (seed 001), as objects (seed 002), or
/// as strings plus `participantsInfo` whose entries for `+country_code` numbers carry
/// `country`, `location`, `localPhoneNumber` and `E164digits` (seed 002's field list; the
/// third shape of GWS-REAL.md).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParticipantShape {
    Strings,
    Objects,
    Info,
}

impl ParticipantShape {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantShape::Strings => "strings",
            ParticipantShape::Objects => "objects",
            ParticipantShape::Info => "info",
        }
    }
    pub fn parse(s: &str) -> Option<ParticipantShape> {
        match s {
            "strings" => Some(ParticipantShape::Strings),
            "objects" => Some(ParticipantShape::Objects),
            "info" => Some(ParticipantShape::Info),
            _ => None,
        }
    }
}

/// Which GWS an agent hears: the documented shape of the seeds and `GWS.md` (`doc`), or
/// what the captured GWS 8.5 servers send (`real`, `GWS-REAL.md`): their capability lists,
/// the LoggedIn step of the login, no reason codes, `metrics`, T-Server `extensions`,
/// `case`, the WWE party in userData, no empty userData, DtmfSent after SendDtmf, and a
/// consult call's `parentCallUri` (unless the agent option says otherwise).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum GwsShape {
    #[default]
    Doc,
    Real,
}

impl GwsShape {
    pub fn as_str(self) -> &'static str {
        match self {
            GwsShape::Doc => "doc",
            GwsShape::Real => "real",
        }
    }
    pub fn parse(s: &str) -> Option<GwsShape> {
        match s {
            "doc" => Some(GwsShape::Doc),
            "real" => Some(GwsShape::Real),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct AgentState {
    /// `LoggedOut`, `Ready` or `NotReady` (`LoggedIn` for a moment at a real-shape login).
    pub state: String,
    pub reason: Option<String>,
    /// `AfterCallWork` or `AuxWork` when not ready for one of those.
    pub work_mode: Option<String>,
    /// Bumped on every change, so a stale wrap-up timer knows it is stale.
    pub epoch: u64,
}

#[derive(Clone, Debug)]
pub struct Agent {
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub dn: String,
    pub device_id: String,
    pub user_id: String,
    pub ozonetel_id: String,
    pub state: AgentState,
    pub notification_shape: NotificationShape,
    pub participant_shape: ParticipantShape,
    /// `extensions.WrapUpTime` (seconds) in this agent's call notifications (0 = none).
    pub wrap_up_secs: u64,
    /// The documented or the captured-real GWS.
    pub gws_shape: GwsShape,
    /// Live calls are shown with empty `participants` and `capabilities`, as real servers
    /// sometimes send them (the operations the state allows still work).
    pub empty_participants: bool,
    /// StartContactCenterSession answers statusCode 7 (multimedia down, voice up), as the
    /// captured server with its Interaction Server down did.
    pub start_session_partial: bool,
    /// `GET /api/v2/me/calls` and `/api/v2/me/devices` answer `uris` unless `fields` asks
    /// for more, as GWS documents its list GETs.
    pub list_uris: bool,
    /// A CompleteTransfer/CompleteConference by this agent gives the call that stays up a
    /// new `connId` (its `id` stays), as T-Server does when it merges calls.
    pub new_conn_id_on_complete: bool,
    /// New calls of this agent get the 16-hex-digit connId as their `id`, with a separate
    /// `callUuid` and no `connId` key, as older GWS servers sent them.
    pub legacy_call_ids: bool,
    /// Whether a consult call names its original call (`parentCallUri`): `None` follows
    /// the shape (on in `real`, off in `doc`); `Some` is the agent option's choice.
    pub parent_call_uri: Option<bool>,
    /// Host the agent last reached us on; `uri` fields are built from it.
    pub host: String,
    /// `http`, or `https` when the simulator serves HTTPS; the scheme of `uri` fields.
    pub scheme: &'static str,
}

impl Agent {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Whether this agent's consult calls carry `parentCallUri` now: the option when it
    /// was set, else the shape's default (the real shape sends it, the documented not).
    pub fn sends_parent_call_uri(&self) -> bool {
        self.parent_call_uri
            .unwrap_or(self.gws_shape == GwsShape::Real)
    }
}

/// How a scripted external number behaves when dialled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ExternalScript {
    AnswersAfter(Duration),
    Busy,
    NeverAnswers,
}

pub fn script_for(number: &str, answer_delay: Duration) -> ExternalScript {
    if number == NEVER_ANSWERS {
        ExternalScript::NeverAnswers
    } else if number.len() == 7 && number.starts_with(BUSY_PREFIX) {
        ExternalScript::Busy
    } else {
        ExternalScript::AnswersAfter(answer_delay)
    }
}

#[derive(Clone, Debug)]
enum Party {
    /// An agent's leg of the call (an id in `World::legs`).
    Leg(String),
    /// A number outside the contact centre.
    External { number: String, answered: bool },
}

/// One call on the switch: every party that hears every other.
#[derive(Clone, Debug)]
struct Connection {
    parties: Vec<Party>,
}

/// One agent's view of a call — what GWS calls a call resource.
#[derive(Clone, Debug)]
pub struct Leg {
    pub id: String,
    /// `callUuid`: the id itself, or a 32-character id of its own when the id is the
    /// connId (`legacyCallIds`).
    pub uuid: String,
    /// The id is the connId, as older servers made it (`legacyCallIds`): the resource has
    /// no `connId` key.
    pub legacy_id: bool,
    conn: u64,
    pub conn_id: String,
    pub agent: usize,
    pub state: CallState,
    pub call_type: CallType,
    pub dnis: String,
    pub user_data: Map<String, Value>,
    pub muted: bool,
    /// `monitoredUserMuted`: the monitored user's mute state (control API).
    pub monitored_user_muted: bool,
    pub dtmf: String,
    pub recording: Recording,
    pub established_at: Option<Instant>,
    pub ended_at: Option<Instant>,
    /// For a consult call: the original call and what the consult is for.
    pub consult_of: Option<(String, ConsultKind)>,
    /// Participants last announced (and kept once the leg is released).
    pub participants: Vec<String>,
    /// The agent answered this call (Answer, or the control API's remote-answer of a
    /// ringing call): real servers add `case: []` from then on.
    pub answered: bool,
}

impl Leg {
    pub fn duration_secs(&self) -> u64 {
        match self.established_at {
            Some(t) => self
                .ended_at
                .unwrap_or_else(Instant::now)
                .saturating_duration_since(t)
                .as_secs(),
            None => 0,
        }
    }
}

/// What a new leg starts as.
struct LegSpec {
    state: CallState,
    call_type: CallType,
    dnis: String,
    user_data: Map<String, Value>,
}

/// A notification for one agent's CometD sessions.
#[derive(Clone, Debug)]
pub struct Notice {
    pub agent: String,
    pub channel: &'static str,
    pub data: Value,
}

#[derive(Clone, Debug)]
pub enum TimerAction {
    ExternalAnswers { conn: u64, number: String },
    ExternalBusy { conn: u64, number: String },
    WrapUpEnds { agent: usize, epoch: u64 },
}

#[derive(Clone, Debug)]
pub struct Timer {
    pub after: Duration,
    pub action: TimerAction,
}

#[derive(Default, Debug)]
pub struct Outcome {
    pub notices: Vec<Notice>,
    pub timers: Vec<Timer>,
}

/// A GWS error answer: `{"statusCode":code,"statusMessage":message}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GwsError {
    pub code: u32,
    pub message: String,
}

impl GwsError {
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        GwsError {
            code,
            message: message.into(),
        }
    }
    pub fn missing(param: &str) -> Self {
        GwsError::new(1, format!("Required parameter '{param}' is missing"))
    }
    pub fn invalid(param: &str) -> Self {
        GwsError::new(10, format!("Parameter '{param}' has an invalid value"))
    }
    pub fn not_found(what: &str) -> Self {
        GwsError::new(6, format!("{what} not found"))
    }
    pub fn unknown_operation(op: &str) -> Self {
        GwsError::new(10, format!("Unknown operation '{op}'"))
    }
}

/// What `POST /api/v2/me` answers when the operation was carried out.
#[derive(Clone, Debug, PartialEq)]
pub enum MeAnswer {
    /// `{"statusCode":0}`.
    Done,
    /// `{"statusCode":0}`, and the HTTP session ends (EndContactCenterSession).
    EndSession,
    /// HTTP 200 with this body: statusCode 7, some channels failed (`startSessionPartial`).
    Partial(Value),
}

/// A disposition recorded through SetCallDisposition.
#[derive(Clone, Debug)]
pub struct GenesysDisposition {
    pub call_id: String,
    pub agent: String,
    pub disposition: String,
    pub key: String,
    pub call_active: bool,
    pub at_ms: u64,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Every operation on `/api/v2/me/calls/{id}` the simulator knows.
pub const CALL_OPERATIONS: &[&str] = &[
    "Answer",
    "Hangup",
    "ClearCall",
    "Hold",
    "Retrieve",
    "MuteCall",
    "UnmuteCall",
    "SingleStepTransfer",
    "SingleStepConference",
    "InitiateTransfer",
    "InitiateConference",
    "CompleteTransfer",
    "CompleteConference",
    "SwapCalls",
    "MergeWithOtherCall",
    "RemoveParticipantFromConference",
    "SendDtmf",
    "AttachUserData",
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "SetCallDisposition",
    "StartCallRecording",
    "StopCallRecording",
    "PauseCallRecording",
    "ResumeCallRecording",
];

/// Seed 001's Dialing list (the captured Dial samples show the same operations).
const DIALING_CAPABILITIES: [&str; 6] = [
    "DeleteUserDataPair",
    "AttachUserData",
    "Hangup",
    "DeleteUserData",
    "SendDtmf",
    "UpdateUserData",
];

/// A ringing call on the captured real servers: no Hangup, ClearCall declines it.
const REAL_RINGING_CAPABILITIES: [&str; 6] = [
    "Answer",
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "AttachUserData",
    "ClearCall",
];

/// An established call on the captured real servers, in their order.
const REAL_ESTABLISHED_CAPABILITIES: [&str; 12] = [
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "InitiateConference",
    "AttachUserData",
    "Hangup",
    "SingleStepConference",
    "SingleStepTransfer",
    "SendDtmf",
    "ClearCall",
    "Hold",
    "InitiateTransfer",
];

/// Cloneable, so that an operation can be tried on a copy and forgotten (the
/// `silentNextOperation` fault: accepted, never carried out).
#[derive(Clone)]
pub struct World {
    pub agents: Vec<Agent>,
    legs: Vec<Leg>,
    conns: HashMap<u64, Connection>,
    next_conn: u64,
    next_serial: u64,
    rng: StdRng,
    pub answer_delay: Duration,
    pub dispositions: Vec<GenesysDisposition>,
}

fn agent(
    username: &str,
    first: &str,
    last: &str,
    dn: &str,
    device: &str,
    user_id: &str,
    host: &str,
) -> Agent {
    Agent {
        username: username.into(),
        password: "demo".into(),
        first_name: first.into(),
        last_name: last.into(),
        dn: dn.into(),
        device_id: device.into(),
        user_id: user_id.into(),
        ozonetel_id: username.into(),
        state: AgentState {
            state: "LoggedOut".into(),
            reason: None,
            work_mode: None,
            epoch: 0,
        },
        notification_shape: NotificationShape::Nested,
        participant_shape: ParticipantShape::Strings,
        wrap_up_secs: 0,
        gws_shape: GwsShape::Doc,
        empty_participants: false,
        start_session_partial: false,
        list_uris: false,
        new_conn_id_on_complete: false,
        legacy_call_ids: false,
        parent_call_uri: None,
        host: host.into(),
        scheme: "http",
    }
}

impl World {
    /// The fixed world: Ava (5005) and Ben (5006).
    pub fn new(default_host: &str, answer_delay: Duration) -> World {
        World {
            agents: vec![
                agent(
                    "ava",
                    "Ava",
                    "Patel",
                    "5005",
                    "efe1ab32-53f9-43ce-b65e-5768c61f7d4a",
                    "6f3c1e0a2b4d4e8f9a1b2c3d4e5f6a70",
                    default_host,
                ),
                agent(
                    "ben",
                    "Ben",
                    "Okafor",
                    "5006",
                    "631608b3-ceb1-472b-ba05-2ae39555b0d1",
                    "7a4d2f1b3c5e4f9a8b2c3d4e5f6a7b81",
                    default_host,
                ),
            ],
            legs: Vec::new(),
            conns: HashMap::new(),
            next_conn: 1,
            next_serial: 1,
            rng: StdRng::from_os_rng(),
            answer_delay,
            dispositions: Vec::new(),
        }
    }

    pub fn agent_index(&self, username: &str) -> Option<usize> {
        self.agents.iter().position(|a| a.username == username)
    }

    fn agent_by_dn(&self, dn: &str) -> Option<usize> {
        self.agents.iter().position(|a| a.dn == dn)
    }

    pub fn check_password(&self, username: &str, password: &str) -> bool {
        self.agents
            .iter()
            .any(|a| a.username == username && a.password == password)
    }

    pub fn legs(&self) -> &[Leg] {
        &self.legs
    }

    pub fn leg(&self, id: &str) -> Option<&Leg> {
        self.legs.iter().find(|l| l.id == id)
    }

    fn leg_index(&self, id: &str) -> Option<usize> {
        self.legs.iter().position(|l| l.id == id)
    }

    /// Calls of an agent that are not released, oldest first.
    pub fn active_calls_of(&self, agent: usize) -> Vec<&Leg> {
        self.legs
            .iter()
            .filter(|l| l.agent == agent && l.state.is_active())
            .collect()
    }

    /// Forget every call (used by tests through the control API's restart of the world).
    pub fn clear_calls(&mut self) {
        self.legs.clear();
        self.conns.clear();
    }

    // ----- ids -----

    fn new_call_id(&mut self) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let mut id: String = (0..22)
            .map(|_| ALPHABET[self.rng.random_range(0..36)] as char)
            .collect();
        id.push_str("LAES");
        let serial = self.next_serial;
        self.next_serial += 1;
        id.push_str(&format!("{serial:06}"));
        id
    }

    fn new_conn_id(&mut self) -> String {
        format!("{:016x}", self.rng.random::<u64>())
    }

    // ----- participants, capabilities, notices -----

    fn number_of(&self, party: &Party) -> String {
        match party {
            Party::External { number, .. } => number.clone(),
            Party::Leg(id) => self
                .leg(id)
                .map(|l| self.agents[l.agent].dn.clone())
                .unwrap_or_default(),
        }
    }

    /// The numbers on a call besides its own agent: live from its connection while the
    /// call is active, else the last snapshot.
    pub fn participants(&self, leg: &Leg) -> Vec<String> {
        if !leg.state.is_active() {
            return leg.participants.clone();
        }
        match self.conns.get(&leg.conn) {
            Some(conn) => conn
                .parties
                .iter()
                .filter(|p| !matches!(p, Party::Leg(id) if *id == leg.id))
                .map(|p| self.number_of(p))
                .collect(),
            None => leg.participants.clone(),
        }
    }

    /// Store a leg's current participants on it.
    fn snapshot_participants(&mut self, idx: usize) {
        let parts = self.participants(&self.legs[idx]);
        self.legs[idx].participants = parts;
    }

    fn other_active_calls(&self, leg: &Leg) -> Vec<&Leg> {
        self.legs
            .iter()
            .filter(|l| l.agent == leg.agent && l.id != leg.id && l.state.is_active())
            .collect()
    }

    /// The consult call started from `original`, if one is still up.
    fn consult_of_original(&self, original: &str) -> Option<&Leg> {
        self.legs
            .iter()
            .find(|l| l.state.is_active() && matches!(&l.consult_of, Some((o, _)) if o == original))
    }

    /// The operations allowed on a call now (seed 001 for Dialing, seeds 000/002 for
    /// Established), extended with what the call's situation adds.
    pub fn capabilities(&self, leg: &Leg) -> Vec<&'static str> {
        if self.agents[leg.agent].gws_shape == GwsShape::Real {
            return self.real_capabilities(leg);
        }
        let mut caps: Vec<&'static str> = Vec::new();
        match leg.state {
            CallState::Dialing => caps.extend(DIALING_CAPABILITIES),
            CallState::Ringing => {
                caps.extend([
                    "Answer",
                    "AttachUserData",
                    "UpdateUserData",
                    "DeleteUserData",
                    "DeleteUserDataPair",
                ]);
            }
            CallState::Established => {
                caps.extend(["UpdateUserData", "SendDtmf"]);
                let is_consult = leg.consult_of.is_some();
                let busy_consulting = self.consult_of_original(&leg.id).is_some();
                if !is_consult && !busy_consulting {
                    caps.extend([
                        "InitiateConference",
                        "Hold",
                        "SingleStepTransfer",
                        "InitiateTransfer",
                    ]);
                } else {
                    caps.push("Hold");
                }
                caps.extend(["AttachUserData", "DeleteUserDataPair"]);
                if !is_consult && !busy_consulting {
                    caps.push("SingleStepConference");
                }
                caps.extend(["DeleteUserData", "Hangup"]);
                caps.push(match leg.recording {
                    Recording::Stopped => "StartCallRecording",
                    Recording::Recording => "StopCallRecording",
                    Recording::Paused => "ResumeCallRecording",
                });
                if leg.recording == Recording::Recording {
                    caps.push("PauseCallRecording");
                }
                caps.push(if leg.muted { "UnmuteCall" } else { "MuteCall" });
                if self.participants(leg).len() >= 2 {
                    caps.push("RemoveParticipantFromConference");
                }
                if let Some((original, kind)) = &leg.consult_of {
                    if self
                        .leg(original)
                        .is_some_and(|o| o.state == CallState::Held)
                    {
                        caps.push(kind.complete_op());
                    }
                }
                self.add_pair_capabilities(leg, &mut caps);
            }
            CallState::Held => {
                caps.extend([
                    "Retrieve",
                    "Hangup",
                    "AttachUserData",
                    "UpdateUserData",
                    "DeleteUserData",
                    "DeleteUserDataPair",
                ]);
                if let Some(consult) = self.consult_of_original(&leg.id) {
                    if consult.state == CallState::Established {
                        if let Some((_, kind)) = &consult.consult_of {
                            caps.push(kind.complete_op());
                        }
                    }
                }
                self.add_pair_capabilities(leg, &mut caps);
            }
            CallState::Released => {}
        }
        caps
    }

    /// The capability lists of the captured real servers (GWS-REAL.md): Ringing and
    /// Established exactly as captured, Held with Retrieve for Hold and no SendDtmf, the
    /// held original of a consult with SwapCalls and the consult's Complete operation.
    /// Dialing keeps seed 001's list, which the captures repeat.
    fn real_capabilities(&self, leg: &Leg) -> Vec<&'static str> {
        match leg.state {
            CallState::Dialing => DIALING_CAPABILITIES.to_vec(),
            CallState::Ringing => REAL_RINGING_CAPABILITIES.to_vec(),
            CallState::Established => REAL_ESTABLISHED_CAPABILITIES.to_vec(),
            CallState::Held => {
                let mut caps: Vec<&'static str> = REAL_ESTABLISHED_CAPABILITIES
                    .iter()
                    .filter(|c| **c != "SendDtmf")
                    .map(|c| if *c == "Hold" { "Retrieve" } else { *c })
                    .collect();
                if let Some((_, kind)) = self
                    .consult_of_original(&leg.id)
                    .and_then(|c| c.consult_of.as_ref())
                {
                    caps.push("SwapCalls");
                    caps.push(kind.complete_op());
                }
                caps
            }
            CallState::Released => Vec::new(),
        }
    }

    /// SwapCalls and MergeWithOtherCall need a second call of the same agent.
    fn add_pair_capabilities(&self, leg: &Leg, caps: &mut Vec<&'static str>) {
        let others = self.other_active_calls(leg);
        let swappable = others.iter().any(|o| {
            matches!(
                (leg.state, o.state),
                (CallState::Held, CallState::Established)
                    | (CallState::Established, CallState::Held)
            )
        });
        if swappable {
            caps.push("SwapCalls");
        }
        let mergeable = others.iter().any(|o| {
            matches!(o.state, CallState::Established | CallState::Held) && o.conn != leg.conn
        });
        if mergeable {
            caps.push("MergeWithOtherCall");
        }
    }

    fn notify_call(&self, leg_id: &str, notification_type: &str, out: &mut Outcome) {
        let Some(leg) = self.leg(leg_id) else { return };
        out.notices.push(Notice {
            agent: self.agents[leg.agent].username.clone(),
            channel: "/v2/me/calls",
            data: render::call_state_change(self, leg, notification_type),
        });
    }

    fn notify_device(&self, agent: usize, out: &mut Outcome) {
        let a = &self.agents[agent];
        out.notices.push(Notice {
            agent: a.username.clone(),
            channel: "/v2/me/devices",
            data: render::device_state_change(a),
        });
    }

    /// A device `ErrorMessage` on `/v2/me/devices`, as real servers send when the device
    /// fails (control API): only `devicePath`, `deviceUri` and `metrics`, no text.
    pub fn device_error(&self, agent: usize, out: &mut Outcome) {
        let a = &self.agents[agent];
        out.notices.push(Notice {
            agent: a.username.clone(),
            channel: "/v2/me/devices",
            data: render::device_error(a),
        });
    }

    /// What Workspace Web Edition writes onto every call of its agent:
    /// `WWE_PARTY_<dn>: {firstname, lastname, username, path}`.
    fn wwe_party(&self, agent: usize) -> (String, Value) {
        let a = &self.agents[agent];
        (
            format!("WWE_PARTY_{}", a.dn),
            json!({
                "path": format!("/users/{}", a.user_id),
                "firstname": a.first_name,
                "username": a.username,
                "lastname": a.last_name,
            }),
        )
    }

    /// A call ringing at a real-shape agent: its WWE party is attached (AttachedDataChanged
    /// to every leg of the call), as the captured ringing call shows.
    fn attach_wwe_party_if_real(&mut self, leg_id: &str, out: &mut Outcome) {
        let Some(leg) = self.leg(leg_id).cloned() else {
            return;
        };
        if self.agents[leg.agent].gws_shape != GwsShape::Real {
            return;
        }
        let (key, party) = self.wwe_party(leg.agent);
        if leg.user_data.get(&key) == Some(&party) {
            return;
        }
        self.edit_user_data(&leg, out, |ud| {
            ud.insert(key.clone(), party.clone());
        });
    }

    fn set_state(&mut self, idx: usize, state: CallState) {
        let leg = &mut self.legs[idx];
        leg.state = state;
        match state {
            CallState::Established if leg.established_at.is_none() => {
                leg.established_at = Some(Instant::now())
            }
            CallState::Released => leg.ended_at = Some(Instant::now()),
            _ => {}
        }
    }

    fn change_state(&mut self, leg_id: &str, state: CallState, out: &mut Outcome) {
        if let Some(idx) = self.leg_index(leg_id) {
            if self.legs[idx].state != state {
                self.set_state(idx, state);
                self.notify_call(leg_id, "StatusChange", out);
            }
        }
    }

    /// Take a leg out of its connection and announce it Released.
    fn release_leg(&mut self, leg_id: &str, out: &mut Outcome) {
        let Some(idx) = self.leg_index(leg_id) else {
            return;
        };
        if !self.legs[idx].state.is_active() {
            return;
        }
        self.snapshot_participants(idx);
        self.set_state(idx, CallState::Released);
        let conn = self.legs[idx].conn;
        if let Some(c) = self.conns.get_mut(&conn) {
            c.parties
                .retain(|p| !matches!(p, Party::Leg(id) if id == leg_id));
        }
        self.notify_call(leg_id, "StatusChange", out);
    }

    /// After parties left or joined: a connection with fewer than two parties ends; the
    /// legs that remain hear about changed participants.
    fn settle(&mut self, conn: u64, out: &mut Outcome) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let leg_ids: Vec<String> = c
            .parties
            .iter()
            .filter_map(|p| match p {
                Party::Leg(id) => Some(id.clone()),
                Party::External { .. } => None,
            })
            .collect();
        if c.parties.len() < 2 || leg_ids.is_empty() {
            for id in &leg_ids {
                self.release_leg(id, out);
            }
            self.conns.remove(&conn);
            return;
        }
        for id in leg_ids {
            let Some(idx) = self.leg_index(&id) else {
                continue;
            };
            let now = self.participants(&self.legs[idx]);
            if now != self.legs[idx].participants {
                self.legs[idx].participants = now;
                self.notify_call(&id, "ParticipantsUpdated", out);
            }
        }
    }

    fn new_leg(&mut self, conn: u64, conn_id: &str, agent: usize, spec: LegSpec) -> String {
        let LegSpec {
            state,
            call_type,
            dnis,
            user_data,
        } = spec;
        let uuid = self.new_call_id();
        let mut conn_id = conn_id.to_string();
        let legacy = self.agents[agent].legacy_call_ids;
        if legacy {
            // The id is the connId. Both agents of an internal call share the connId, and
            // the simulator's ids must stay unique: a second legacy leg of the same call
            // gets a connId of its own.
            while self.legs.iter().any(|l| l.id == conn_id) {
                conn_id = self.new_conn_id();
            }
        }
        let id = if legacy {
            conn_id.clone()
        } else {
            uuid.clone()
        };
        self.legs.push(Leg {
            id: id.clone(),
            uuid,
            legacy_id: legacy,
            conn,
            conn_id,
            agent,
            state,
            call_type,
            dnis,
            user_data,
            muted: false,
            monitored_user_muted: false,
            dtmf: String::new(),
            recording: Recording::Stopped,
            established_at: if state == CallState::Established {
                Some(Instant::now())
            } else {
                None
            },
            ended_at: None,
            consult_of: None,
            participants: Vec::new(),
            answered: false,
        });
        if let Some(c) = self.conns.get_mut(&conn) {
            c.parties.push(Party::Leg(id.clone()));
        }
        id
    }

    fn new_connection(&mut self) -> (u64, String) {
        let key = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            key,
            Connection {
                parties: Vec::new(),
            },
        );
        (key, self.new_conn_id())
    }

    /// Bring `number` into a connection: an agent's DN rings that agent, any other number
    /// follows its script.
    fn add_target(
        &mut self,
        conn: u64,
        conn_id: &str,
        number: &str,
        from_agent: bool,
        user_data: &Map<String, Value>,
        out: &mut Outcome,
    ) {
        if let Some(target) = self.agent_by_dn(number) {
            let call_type = if from_agent {
                CallType::Internal
            } else {
                CallType::Inbound
            };
            let spec = LegSpec {
                state: CallState::Ringing,
                call_type,
                dnis: number.to_string(),
                user_data: user_data.clone(),
            };
            let id = self.new_leg(conn, conn_id, target, spec);
            if let Some(idx) = self.leg_index(&id) {
                self.snapshot_participants(idx);
            }
            self.notify_call(&id, "StatusChange", out);
            self.attach_wwe_party_if_real(&id, out);
            return;
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.parties.push(Party::External {
                number: number.to_string(),
                answered: false,
            });
        }
        match script_for(number, self.answer_delay) {
            ExternalScript::AnswersAfter(after) => out.timers.push(Timer {
                after,
                action: TimerAction::ExternalAnswers {
                    conn,
                    number: number.to_string(),
                },
            }),
            ExternalScript::Busy => out.timers.push(Timer {
                after: Duration::from_millis(300),
                action: TimerAction::ExternalBusy {
                    conn,
                    number: number.to_string(),
                },
            }),
            ExternalScript::NeverAnswers => {}
        }
    }

    // ----- timers -----

    pub fn fire(&mut self, action: TimerAction) -> Outcome {
        let mut out = Outcome::default();
        match action {
            TimerAction::ExternalAnswers { conn, number } => {
                self.external_answers(conn, &number, &mut out)
            }
            TimerAction::ExternalBusy { conn, number } => {
                let still_ringing = self.conns.get(&conn).is_some_and(|c| {
                    c.parties.iter().any(|p| matches!(p, Party::External { number: n, answered: false } if *n == number))
                });
                if still_ringing {
                    if let Some(c) = self.conns.get_mut(&conn) {
                        c.parties.retain(|p| !matches!(p, Party::External { number: n, answered: false } if *n == number));
                    }
                    self.settle(conn, &mut out);
                }
            }
            TimerAction::WrapUpEnds { agent, epoch } => {
                if self
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.state.epoch == epoch)
                {
                    self.set_agent_state(agent, "Ready", None, None, &mut out);
                }
            }
        }
        out
    }

    fn external_answers(&mut self, conn: u64, number: &str, out: &mut Outcome) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let mut found = false;
        for p in c.parties.iter_mut() {
            if let Party::External {
                number: n,
                answered,
            } = p
            {
                if n == number && !*answered {
                    *answered = true;
                    found = true;
                }
            }
        }
        if found {
            self.connect_dialing_legs(conn, out);
        }
    }

    /// The far end picked up: every leg still dialing in the connection is established.
    fn connect_dialing_legs(&mut self, conn: u64, out: &mut Outcome) {
        let dialing: Vec<String> = self
            .legs
            .iter()
            .filter(|l| l.conn == conn && l.state == CallState::Dialing)
            .map(|l| l.id.clone())
            .collect();
        for id in dialing {
            self.change_state(&id, CallState::Established, out);
        }
    }

    // ----- agent state and sessions -----

    fn set_agent_state(
        &mut self,
        agent: usize,
        state: &str,
        reason: Option<String>,
        work_mode: Option<&str>,
        out: &mut Outcome,
    ) {
        let a = &mut self.agents[agent];
        a.state.state = state.to_string();
        a.state.reason = reason;
        a.state.work_mode = work_mode.map(str::to_string);
        a.state.epoch += 1;
        self.notify_device(agent, out);
    }

    /// `POST /api/v2/me`: Start/EndContactCenterSession. Says what to answer and whether
    /// the HTTP session must end (EndContactCenterSession).
    pub fn me_operation(
        &mut self,
        agent: usize,
        body: &Value,
        out: &mut Outcome,
    ) -> Result<MeAnswer, GwsError> {
        match operation_name(body)? {
            "StartContactCenterSession" => {
                let channels = body
                    .get("channels")
                    .ok_or_else(|| GwsError::missing("channels"))?;
                let voice = channels
                    .as_array()
                    .is_some_and(|c| c.iter().any(|v| v.as_str() == Some("voice")));
                if !voice {
                    return Err(GwsError::invalid("channels"));
                }
                if self.agents[agent].gws_shape == GwsShape::Real {
                    // The captured login: `{"state":"LoggedIn"}`, then Ready.
                    self.set_agent_state(agent, "LoggedIn", None, None, out);
                    self.set_agent_state(agent, "Ready", None, None, out);
                } else {
                    self.set_agent_state(agent, "NotReady", None, None, out);
                }
                if self.agents[agent].start_session_partial {
                    // The captured partial success: the voice channel is up, multimedia
                    // (Interaction Server) is not — whatever else the request named.
                    return Ok(MeAnswer::Partial(json!({
                        "statusCode": 7,
                        "failed": [{
                            "statusCode": 4,
                            "statusMessage": "Interaction server connection is not opened",
                            "channel": "multimedia",
                        }],
                        "succeeded": [{"statusCode": 0, "channel": "voice"}],
                    })));
                }
                Ok(MeAnswer::Done)
            }
            "EndContactCenterSession" => {
                self.set_agent_state(agent, "LoggedOut", None, None, out);
                Ok(MeAnswer::EndSession)
            }
            other => Err(GwsError::unknown_operation(other)),
        }
    }

    /// `POST /api/v2/me/channels/voice`: Ready, NotReady, AfterCallWork, AuxWork.
    pub fn voice_operation(
        &mut self,
        agent: usize,
        body: &Value,
        out: &mut Outcome,
    ) -> Result<(), GwsError> {
        match operation_name(body)? {
            "Ready" => self.set_agent_state(agent, "Ready", None, None, out),
            "NotReady" => {
                let reason = optional_text(body, "reasonCode")?;
                self.set_agent_state(agent, "NotReady", reason, None, out);
            }
            "AuxWork" => {
                let reason = optional_text(body, "reasonCode")?;
                self.set_agent_state(agent, "NotReady", reason, Some("AuxWork"), out);
            }
            "AfterCallWork" => {
                let wrap_up = match body.get("wrapUpTime") {
                    None | Some(Value::Null) => None,
                    Some(v) => {
                        Some(non_negative_int(v).ok_or_else(|| GwsError::invalid("wrapUpTime"))?)
                    }
                };
                self.set_agent_state(agent, "NotReady", None, Some("AfterCallWork"), out);
                if let Some(secs) = wrap_up.filter(|s| *s > 0) {
                    out.timers.push(Timer {
                        after: Duration::from_secs(secs),
                        action: TimerAction::WrapUpEnds {
                            agent,
                            epoch: self.agents[agent].state.epoch,
                        },
                    });
                }
            }
            other => return Err(GwsError::unknown_operation(other)),
        }
        Ok(())
    }

    // ----- calls -----

    /// `POST /api/v2/me/devices/{id}/calls` with `Dial`.
    pub fn dial(
        &mut self,
        agent: usize,
        device_id: &str,
        body: &Value,
        out: &mut Outcome,
    ) -> Result<String, GwsError> {
        if self.agents[agent].device_id != device_id {
            return Err(GwsError::not_found("Device"));
        }
        match operation_name(body)? {
            "Dial" => {}
            other => return Err(GwsError::unknown_operation(other)),
        }
        let destination = destination(body)?;
        let user_data = optional_user_data(body)?;
        self.place_call(agent, &destination, user_data, None, out)
    }

    /// Start a call from an agent's line: the Dial and the consult of Initiate*.
    fn place_call(
        &mut self,
        agent: usize,
        destination: &str,
        mut user_data: Map<String, Value>,
        consult: Option<(String, ConsultKind)>,
        out: &mut Outcome,
    ) -> Result<String, GwsError> {
        if destination == self.agents[agent].dn {
            return Err(GwsError::new(10, "Cannot dial your own number"));
        }
        if self.agents[agent].gws_shape == GwsShape::Real {
            // The caller's WWE attaches its party to the call it makes.
            let (key, party) = self.wwe_party(agent);
            user_data.insert(key, party);
        }
        let to_agent = self.agent_by_dn(destination).is_some();
        let call_type = match (&consult, to_agent) {
            (Some(_), _) => CallType::Consult,
            (None, true) => CallType::Internal,
            (None, false) => CallType::Outbound,
        };
        let (conn, conn_id) = self.new_connection();
        let spec = LegSpec {
            state: CallState::Dialing,
            call_type,
            dnis: destination.to_string(),
            user_data: user_data.clone(),
        };
        let id = self.new_leg(conn, &conn_id, agent, spec);
        if let Some(idx) = self.leg_index(&id) {
            self.legs[idx].consult_of = consult;
        }
        let before_target = out.notices.len();
        self.add_target(conn, &conn_id, destination, true, &user_data, out);
        if let Some(idx) = self.leg_index(&id) {
            self.snapshot_participants(idx);
        }
        // The caller's Dialing comes first, then the ring at the other agent.
        let ring_notices: Vec<Notice> = out.notices.split_off(before_target);
        self.notify_call(&id, "StatusChange", out);
        out.notices.extend(ring_notices);
        Ok(id)
    }

    /// An inbound call from `from` ringing at an agent (control API).
    pub fn inbound(
        &mut self,
        agent: usize,
        from: &str,
        user_data: Map<String, Value>,
        out: &mut Outcome,
    ) -> String {
        let (conn, conn_id) = self.new_connection();
        if let Some(c) = self.conns.get_mut(&conn) {
            c.parties.push(Party::External {
                number: from.to_string(),
                answered: true,
            });
        }
        let dnis = self.agents[agent].dn.clone();
        let id = self.new_leg(
            conn,
            &conn_id,
            agent,
            LegSpec {
                state: CallState::Ringing,
                call_type: CallType::Inbound,
                dnis,
                user_data,
            },
        );
        if let Some(idx) = self.leg_index(&id) {
            self.snapshot_participants(idx);
        }
        self.notify_call(&id, "StatusChange", out);
        self.attach_wwe_party_if_real(&id, out);
        id
    }

    /// The far end answers now (control API). On a Dialing call every external party
    /// answers, and an agent it rings answers as Answer would (a consult to Ben, say); on
    /// a Ringing call its own agent answers.
    pub fn remote_answer(&mut self, call_id: &str, out: &mut Outcome) -> Result<(), GwsError> {
        let leg = self
            .leg(call_id)
            .ok_or_else(|| GwsError::not_found("Call"))?
            .clone();
        match leg.state {
            CallState::Dialing => {
                if let Some(c) = self.conns.get_mut(&leg.conn) {
                    for p in c.parties.iter_mut() {
                        if let Party::External { answered, .. } = p {
                            *answered = true;
                        }
                    }
                }
                let ringing: Vec<String> = self
                    .legs
                    .iter()
                    .filter(|l| l.conn == leg.conn && l.state == CallState::Ringing)
                    .map(|l| l.id.clone())
                    .collect();
                for id in ringing {
                    self.answer_leg(&id, out);
                }
            }
            CallState::Ringing => self.answer_leg(&leg.id, out),
            other => {
                return Err(GwsError::new(
                    2,
                    format!("Call is {}, not Dialing or Ringing", other.as_str()),
                ))
            }
        }
        self.connect_dialing_legs(leg.conn, out);
        Ok(())
    }

    /// An agent's ringing leg is answered: Established, with `case` from now on.
    fn answer_leg(&mut self, id: &str, out: &mut Outcome) {
        if let Some(idx) = self.leg_index(id) {
            self.legs[idx].answered = true;
        }
        self.change_state(id, CallState::Established, out);
    }

    /// Every external party of the call hangs up (control API).
    pub fn remote_hangup(&mut self, call_id: &str, out: &mut Outcome) -> Result<(), GwsError> {
        let leg = self
            .leg(call_id)
            .ok_or_else(|| GwsError::not_found("Call"))?;
        if !leg.state.is_active() {
            return Err(GwsError::new(2, "Call is already released"));
        }
        let conn = leg.conn;
        let had_external = self.conns.get(&conn).is_some_and(|c| {
            c.parties
                .iter()
                .any(|p| matches!(p, Party::External { .. }))
        });
        if !had_external {
            return Err(GwsError::new(2, "Call has no external party"));
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.parties.retain(|p| matches!(p, Party::Leg(_)));
        }
        self.settle(conn, out);
        Ok(())
    }

    /// An operation on `/api/v2/me/calls/{id}` that is accepted and never carried out
    /// (the `silentNextOperation` fault): every check runs, on a copy of the world that is
    /// then forgotten with all it would have sent and armed. The answer is what the
    /// operation would have answered; nothing changes.
    pub fn try_call_operation(
        &self,
        agent: usize,
        call_id: &str,
        body: &Value,
    ) -> Result<(), GwsError> {
        let mut copy = self.clone();
        copy.call_operation(agent, call_id, body, &mut Outcome::default())
    }

    /// An operation on `/api/v2/me/calls/{id}`.
    pub fn call_operation(
        &mut self,
        agent: usize,
        call_id: &str,
        body: &Value,
        out: &mut Outcome,
    ) -> Result<(), GwsError> {
        let leg = self
            .leg(call_id)
            .filter(|l| l.agent == agent)
            .ok_or_else(|| GwsError::not_found("Call"))?
            .clone();
        let op = operation_name(body)?;
        if !CALL_OPERATIONS.contains(&op) {
            return Err(GwsError::unknown_operation(op));
        }
        if op == "SetCallDisposition" {
            return self.set_call_disposition(&leg, body, out);
        }
        // ClearCall works on any live call, listed or not (the documented lists do not
        // name it; the real ones do where the captures show it). A real server completes
        // a consult from the consult call too (the CompleteTransfer sample posts it there),
        // though its Established list does not name the operation.
        let clear_call = op == "ClearCall" && leg.state.is_active();
        let real_complete = self.agents[agent].gws_shape == GwsShape::Real
            && leg.state == CallState::Established
            && leg
                .consult_of
                .as_ref()
                .is_some_and(|(_, kind)| kind.complete_op() == op);
        if !clear_call && !real_complete && !self.capabilities(&leg).contains(&op) {
            return Err(GwsError::new(
                2,
                format!(
                    "Operation {op} is not allowed for a call in state {}",
                    leg.state.as_str()
                ),
            ));
        }
        let id = leg.id.as_str();
        match op {
            "Answer" => {
                self.answer_leg(id, out);
                self.connect_dialing_legs(leg.conn, out);
            }
            "Hangup" => {
                self.release_leg(id, out);
                self.settle(leg.conn, out);
            }
            "ClearCall" => self.clear_call(&leg, out),
            "Hold" => self.change_state(id, CallState::Held, out),
            "Retrieve" => self.change_state(id, CallState::Established, out),
            "MuteCall" | "UnmuteCall" => {
                if let Some(idx) = self.leg_index(id) {
                    self.legs[idx].muted = op == "MuteCall";
                }
                self.notify_call(id, "StatusChange", out);
            }
            "SendDtmf" => {
                let digits = required_text(body, "digits")?;
                if digits.is_empty()
                    || !digits
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
                {
                    return Err(GwsError::invalid("digits"));
                }
                if let Some(idx) = self.leg_index(id) {
                    self.legs[idx].dtmf.push_str(&digits);
                }
                // Real servers tell the agent the tones went out.
                if self.agents[agent].gws_shape == GwsShape::Real {
                    self.notify_call(id, "DtmfSent", out);
                }
            }
            "AttachUserData" | "UpdateUserData" => {
                let data = required_user_data(body)?;
                self.edit_user_data(&leg, out, |ud| {
                    for (k, v) in &data {
                        ud.insert(k.clone(), v.clone());
                    }
                });
            }
            "DeleteUserDataPair" => {
                let key = required_text(body, "key")?;
                self.edit_user_data(&leg, out, |ud| {
                    ud.remove(&key);
                });
            }
            "DeleteUserData" => self.edit_user_data(&leg, out, |ud| ud.clear()),
            "StartCallRecording" | "ResumeCallRecording" => {
                self.set_recording(id, Recording::Recording, out)
            }
            "StopCallRecording" => self.set_recording(id, Recording::Stopped, out),
            "PauseCallRecording" => self.set_recording(id, Recording::Paused, out),
            "InitiateTransfer" | "InitiateConference" => {
                let destination = destination(body)?;
                let extra = optional_user_data(body)?;
                if destination == self.agents[agent].dn {
                    return Err(GwsError::new(10, "Cannot consult your own number"));
                }
                let kind = if op == "InitiateTransfer" {
                    ConsultKind::Transfer
                } else {
                    ConsultKind::Conference
                };
                let mut user_data = leg.user_data.clone();
                user_data.extend(extra);
                // The consult exists before the original's Held goes out (a real held
                // original already lists SwapCalls and the Complete operation), but the
                // Held notification comes first.
                let mut consult = Outcome::default();
                self.place_call(
                    agent,
                    &destination,
                    user_data,
                    Some((leg.id.clone(), kind)),
                    &mut consult,
                )?;
                self.change_state(id, CallState::Held, out);
                out.notices.extend(consult.notices);
                out.timers.extend(consult.timers);
            }
            "CompleteTransfer" | "CompleteConference" => {
                let (original, consult) =
                    self.consult_pair(&leg, body, op == "CompleteConference")?;
                let (orig_conn, cons_conn) = (original.conn, consult.conn);
                self.move_parties(cons_conn, orig_conn, &consult.id);
                // `newConnIdOnComplete`: the call that stays up gets a new connId before
                // anyone hears of the change, so their next notification carries it.
                let renewed = if self.agents[agent].new_conn_id_on_complete {
                    let conn_id = self.new_conn_id();
                    let staying: Vec<(String, Vec<String>)> = self
                        .legs
                        .iter()
                        .filter(|l| {
                            l.conn == orig_conn
                                && l.state.is_active()
                                && l.id != consult.id
                                && (op == "CompleteConference" || l.id != original.id)
                        })
                        .map(|l| (l.id.clone(), l.participants.clone()))
                        .collect();
                    for (id, _) in &staying {
                        if let Some(idx) = self.leg_index(id) {
                            self.legs[idx].conn_id = conn_id.clone();
                        }
                    }
                    staying
                } else {
                    Vec::new()
                };
                if op == "CompleteTransfer" {
                    self.release_leg(&consult.id, out);
                    self.release_leg(&original.id, out);
                } else {
                    self.release_leg(&consult.id, out);
                    self.change_state(&original.id, CallState::Established, out);
                }
                self.conns.remove(&cons_conn);
                self.settle(orig_conn, out);
                // A leg whose parties did not change still hears of its new connId.
                for (id, before) in renewed {
                    let unchanged = self
                        .leg(&id)
                        .is_some_and(|l| l.state.is_active() && l.participants == before);
                    if unchanged {
                        self.notify_call(&id, "ParticipantsUpdated", out);
                    }
                }
            }
            "SwapCalls" => {
                let other = self.other_call(&leg, body, "otherCallUri")?;
                let pair = (leg.state, other.state);
                let (to_hold, to_retrieve) = match pair {
                    (CallState::Established, CallState::Held) => (leg.id.clone(), other.id.clone()),
                    (CallState::Held, CallState::Established) => (other.id.clone(), leg.id.clone()),
                    _ => {
                        return Err(GwsError::new(
                            2,
                            "SwapCalls needs one held and one established call",
                        ))
                    }
                };
                self.change_state(&to_hold, CallState::Held, out);
                self.change_state(&to_retrieve, CallState::Established, out);
            }
            "MergeWithOtherCall" => {
                let other = self.other_call(&leg, body, "otherCallUri")?;
                if other.conn == leg.conn {
                    return Err(GwsError::new(2, "The calls are already merged"));
                }
                self.move_parties(other.conn, leg.conn, &other.id);
                self.release_leg(&other.id, out);
                self.conns.remove(&other.conn);
                self.change_state(id, CallState::Established, out);
                self.settle(leg.conn, out);
            }
            "RemoveParticipantFromConference" => {
                let participant = required_text(body, "participant")?;
                let conn = self
                    .conns
                    .get(&leg.conn)
                    .ok_or_else(|| GwsError::not_found("Call"))?;
                let found = conn
                    .parties
                    .iter()
                    .find(|p| {
                        !matches!(p, Party::Leg(pid) if *pid == leg.id)
                            && self.number_of(p) == participant
                    })
                    .cloned();
                match found {
                    Some(Party::Leg(other)) => self.release_leg(&other, out),
                    Some(Party::External { number, .. }) => {
                        if let Some(c) = self.conns.get_mut(&leg.conn) {
                            c.parties.retain(
                                |p| !matches!(p, Party::External { number: n, .. } if *n == number),
                            );
                        }
                    }
                    None => {
                        return Err(GwsError::new(
                            10,
                            format!("Participant '{participant}' is not on the call"),
                        ))
                    }
                }
                self.settle(leg.conn, out);
            }
            "SingleStepTransfer" => {
                let destination = destination(body)?;
                if destination == self.agents[agent].dn {
                    return Err(GwsError::new(10, "Cannot transfer to your own number"));
                }
                let data = leg.user_data.clone();
                self.add_target(leg.conn, &leg.conn_id, &destination, false, &data, out);
                self.release_leg(id, out);
                self.settle(leg.conn, out);
            }
            "SingleStepConference" => {
                let destination = destination(body)?;
                if destination == self.agents[agent].dn {
                    return Err(GwsError::new(10, "Cannot conference your own number"));
                }
                let data = leg.user_data.clone();
                self.add_target(leg.conn, &leg.conn_id, &destination, false, &data, out);
                self.settle(leg.conn, out);
            }
            _ => return Err(GwsError::unknown_operation(op)),
        }
        Ok(())
    }

    /// ClearCall: the whole call is cleared — every agent's leg is released and every
    /// external party is gone. A ringing call is declined this way (the caller's side
    /// ends too); on a two-party call it is Hangup.
    fn clear_call(&mut self, leg: &Leg, out: &mut Outcome) {
        let others: Vec<String> = self
            .conns
            .get(&leg.conn)
            .map(|c| {
                c.parties
                    .iter()
                    .filter_map(|p| match p {
                        Party::Leg(id) if *id != leg.id => Some(id.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.release_leg(&leg.id, out);
        for id in others {
            self.release_leg(&id, out);
        }
        self.conns.remove(&leg.conn);
    }

    fn set_recording(&mut self, id: &str, state: Recording, out: &mut Outcome) {
        if let Some(idx) = self.leg_index(id) {
            self.legs[idx].recording = state;
        }
        self.notify_call(id, "CallRecordingStateChange", out);
    }

    /// User data belongs to the call on the switch: every leg of the connection sees the
    /// change and gets AttachedDataChanged.
    fn edit_user_data(
        &mut self,
        leg: &Leg,
        out: &mut Outcome,
        edit: impl Fn(&mut Map<String, Value>),
    ) {
        let ids: Vec<String> = self
            .legs
            .iter()
            .filter(|l| l.state.is_active() && (l.conn == leg.conn || l.id == leg.id))
            .map(|l| l.id.clone())
            .collect();
        for id in ids {
            if let Some(idx) = self.leg_index(&id) {
                edit(&mut self.legs[idx].user_data);
            }
            self.notify_call(&id, "AttachedDataChanged", out);
        }
    }

    /// Seed 000: active call → userData[key] + AttachedDataChanged; released → recorded,
    /// no notification.
    fn set_call_disposition(
        &mut self,
        leg: &Leg,
        body: &Value,
        out: &mut Outcome,
    ) -> Result<(), GwsError> {
        let disposition = required_text(body, "disposition")?;
        if disposition.is_empty() {
            return Err(GwsError::invalid("disposition"));
        }
        let key = optional_text(body, "dispositionKey")?
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| DEFAULT_DISPOSITION_KEY.to_string());
        let active = leg.state.is_active();
        if active {
            let (k, v) = (key.clone(), disposition.clone());
            self.edit_user_data(leg, out, |ud| {
                ud.insert(k.clone(), Value::String(v.clone()));
            });
        } else if let Some(idx) = self.leg_index(&leg.id) {
            self.legs[idx]
                .user_data
                .insert(key.clone(), Value::String(disposition.clone()));
        }
        self.dispositions.push(GenesysDisposition {
            call_id: leg.id.clone(),
            agent: self.agents[leg.agent].username.clone(),
            disposition,
            key,
            call_active: active,
            at_ms: now_ms(),
        });
        Ok(())
    }

    /// The original and consult calls of a CompleteTransfer/CompleteConference, from
    /// either side.
    fn consult_pair(
        &self,
        leg: &Leg,
        body: &Value,
        uri_required: bool,
    ) -> Result<(Leg, Leg), GwsError> {
        if let Some((original, _)) = &leg.consult_of {
            let original = self
                .leg(original)
                .filter(|o| o.state.is_active())
                .ok_or_else(|| GwsError::not_found("Original call"))?;
            return Ok((original.clone(), leg.clone()));
        }
        let consult = match body.get("consultCallUri") {
            None | Some(Value::Null) if uri_required => {
                return Err(GwsError::missing("consultCallUri"))
            }
            None | Some(Value::Null) => self
                .consult_of_original(&leg.id)
                .cloned()
                .ok_or_else(|| GwsError::not_found("Consult call"))?,
            Some(v) => {
                let uri = v
                    .as_str()
                    .ok_or_else(|| GwsError::invalid("consultCallUri"))?;
                let id = call_id_from_uri(uri);
                let consult = self
                    .leg(id)
                    .filter(|l| l.agent == leg.agent && l.state.is_active())
                    .ok_or_else(|| GwsError::not_found("Consult call"))?;
                consult.clone()
            }
        };
        if consult.id == leg.id || consult.state != CallState::Established {
            return Err(GwsError::new(2, "The consult call is not established"));
        }
        Ok((leg.clone(), consult))
    }

    fn other_call(&self, leg: &Leg, body: &Value, param: &str) -> Result<Leg, GwsError> {
        let uri = match body.get(param) {
            None | Some(Value::Null) => return Err(GwsError::missing(param)),
            Some(v) => v.as_str().ok_or_else(|| GwsError::invalid(param))?,
        };
        let id = call_id_from_uri(uri);
        let other = self
            .leg(id)
            .filter(|o| o.agent == leg.agent && o.state.is_active() && o.id != leg.id)
            .ok_or_else(|| GwsError::not_found("Other call"))?;
        Ok(other.clone())
    }

    /// Move every party of `from` except `leaving` into `to`.
    fn move_parties(&mut self, from: u64, to: u64, leaving: &str) {
        let moving: Vec<Party> = self
            .conns
            .get(&from)
            .map(|c| {
                c.parties
                    .iter()
                    .filter(|p| !matches!(p, Party::Leg(id) if id == leaving))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if let Some(c) = self.conns.get_mut(&from) {
            c.parties
                .retain(|p| matches!(p, Party::Leg(id) if id == leaving));
        }
        let to_conn_id = self
            .legs
            .iter()
            .find(|l| l.conn == to)
            .map(|l| l.conn_id.clone());
        for p in &moving {
            if let Party::Leg(id) = p {
                if let Some(idx) = self.leg_index(id) {
                    self.legs[idx].conn = to;
                    if let Some(cid) = &to_conn_id {
                        self.legs[idx].conn_id = cid.clone();
                    }
                }
            }
        }
        if let Some(c) = self.conns.get_mut(&to) {
            c.parties.extend(moving);
        }
    }

    /// A burst (control API, `POST /sim/burst`): `count` AttachedDataChanged
    /// notifications on the agent's live calls in turn, the i-th setting
    /// `userData[key]` to `<prefix>-<i>`. Err when the agent has no live call.
    pub fn burst(
        &mut self,
        agent: usize,
        count: usize,
        key: &str,
        prefix: &str,
        out: &mut Outcome,
    ) -> Result<(), GwsError> {
        let ids: Vec<String> = self
            .active_calls_of(agent)
            .iter()
            .map(|l| l.id.clone())
            .collect();
        if ids.is_empty() {
            return Err(GwsError::new(2, "the agent has no live call"));
        }
        for i in 0..count {
            let id = &ids[i % ids.len()];
            if let Some(idx) = self.leg_index(id) {
                self.legs[idx]
                    .user_data
                    .insert(key.to_string(), Value::String(format!("{prefix}-{i}")));
            }
            self.notify_call(id, "AttachedDataChanged", out);
        }
        Ok(())
    }

    /// A live call by id for the control API: 404-ish (code 6) when unknown, code 2 when
    /// released.
    fn live_leg(&self, call_id: &str) -> Result<Leg, GwsError> {
        let leg = self
            .leg(call_id)
            .ok_or_else(|| GwsError::not_found("Call"))?;
        if !leg.state.is_active() {
            return Err(GwsError::new(2, "Call is already released"));
        }
        Ok(leg.clone())
    }

    /// The switch gives the call a new connId (a re-route, or T-Server's party change;
    /// control API): every live leg of its connection keeps its `id`, takes the connId
    /// (`conn_id`, or 16 new hex digits) and hears `notification_type`. Returns the connId.
    pub fn renew_conn_id(
        &mut self,
        call_id: &str,
        conn_id: Option<String>,
        notification_type: &str,
        out: &mut Outcome,
    ) -> Result<String, GwsError> {
        let leg = self.live_leg(call_id)?;
        let conn_id = match conn_id {
            Some(c) => c,
            None => loop {
                let c = self.new_conn_id();
                if c != leg.conn_id {
                    break c;
                }
            },
        };
        let ids: Vec<String> = self
            .legs
            .iter()
            .filter(|l| l.conn == leg.conn && l.state.is_active())
            .map(|l| l.id.clone())
            .collect();
        for id in &ids {
            if let Some(idx) = self.leg_index(id) {
                self.legs[idx].conn_id = conn_id.clone();
            }
            self.notify_call(id, notification_type, out);
        }
        Ok(conn_id)
    }

    /// The monitored user's mute state changes (control API): `monitoredUserMuted` and a
    /// `MonitoredUserMutedStateChange` notification with the call.
    pub fn set_monitored_user_muted(
        &mut self,
        call_id: &str,
        muted: bool,
        out: &mut Outcome,
    ) -> Result<(), GwsError> {
        let leg = self.live_leg(call_id)?;
        if let Some(idx) = self.leg_index(&leg.id) {
            self.legs[idx].monitored_user_muted = muted;
        }
        self.notify_call(&leg.id, "MonitoredUserMutedStateChange", out);
        Ok(())
    }

    /// A call notification of type `Error` (control API): the call as it is, plus the given
    /// fields (`errorCode`, `errorMessage`) beside `notificationType`. The call itself does
    /// not change. Works on released calls too (an operation on one may fail).
    pub fn error_notification(
        &mut self,
        call_id: &str,
        fields: Map<String, Value>,
        out: &mut Outcome,
    ) -> Result<(), GwsError> {
        let leg = self
            .leg(call_id)
            .ok_or_else(|| GwsError::not_found("Call"))?;
        let mut data = render::call_state_change(self, leg, "Error");
        if let Value::Object(m) = &mut data {
            m.extend(fields);
        }
        out.notices.push(Notice {
            agent: self.agents[leg.agent].username.clone(),
            channel: "/v2/me/calls",
            data,
        });
        Ok(())
    }

    /// Switch an agent between the documented and the captured-real GWS (control API,
    /// `--gws-shape`). Choosing `real` also chooses participant objects, the shape of
    /// every WWE capture, unless `keep_participants`.
    pub fn set_gws_shape(&mut self, agent: usize, shape: GwsShape, keep_participants: bool) {
        self.agents[agent].gws_shape = shape;
        if shape == GwsShape::Real && !keep_participants {
            self.agents[agent].participant_shape = ParticipantShape::Objects;
        }
    }

    /// Change an agent's notification and participant shapes (control API).
    pub fn set_shapes(
        &mut self,
        agent: usize,
        notification: Option<NotificationShape>,
        participants: Option<ParticipantShape>,
    ) {
        if let Some(n) = notification {
            self.agents[agent].notification_shape = n;
        }
        if let Some(p) = participants {
            self.agents[agent].participant_shape = p;
        }
    }
}

/// `.../calls/{id}` or a bare id → the id.
pub fn call_id_from_uri(uri: &str) -> &str {
    uri.trim_end_matches('/').rsplit('/').next().unwrap_or(uri)
}

pub fn operation_name(body: &Value) -> Result<&str, GwsError> {
    match body.get("operationName") {
        None | Some(Value::Null) => Err(GwsError::missing("operationName")),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.as_str()),
        Some(_) => Err(GwsError::invalid("operationName")),
    }
}

fn required_text(body: &Value, key: &str) -> Result<String, GwsError> {
    match body.get(key) {
        None | Some(Value::Null) => Err(GwsError::missing(key)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(GwsError::invalid(key)),
    }
}

fn optional_text(body: &Value, key: &str) -> Result<Option<String>, GwsError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => required_text(body, key).map(Some),
    }
}

fn non_negative_int(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `destination: {phoneNumber}` (a bare string is tolerated).
fn destination(body: &Value) -> Result<String, GwsError> {
    let number = match body.get("destination") {
        None | Some(Value::Null) => return Err(GwsError::missing("destination")),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => match o.get("phoneNumber") {
            None | Some(Value::Null) => return Err(GwsError::missing("destination.phoneNumber")),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(GwsError::invalid("destination.phoneNumber")),
        },
        Some(_) => return Err(GwsError::invalid("destination")),
    };
    let number = number.trim().to_string();
    let dialable = !number.is_empty()
        && number.len() <= 32
        && number
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '*' || c == '#' || (i == 0 && c == '+'));
    if !dialable {
        return Err(GwsError::invalid("destination.phoneNumber"));
    }
    Ok(number)
}

fn optional_user_data(body: &Value) -> Result<Map<String, Value>, GwsError> {
    match body.get("userData") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(_) => Err(GwsError::invalid("userData")),
    }
}

fn required_user_data(body: &Value) -> Result<Map<String, Value>, GwsError> {
    match body.get("userData") {
        None | Some(Value::Null) => Err(GwsError::missing("userData")),
        Some(Value::Object(o)) => Ok(o.clone()),
        Some(_) => Err(GwsError::invalid("userData")),
    }
}
