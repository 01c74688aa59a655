//! The call store: every call the panel shows, the agent, and the connection, changed
//! only by a pure reducer (`CallStore::reduce`) fed from notifications and state re-reads.
//!
//! Rules (principle 2: notifications are the truth):
//! - Calls are keyed by id. An update whose id is unknown but whose `uuid` or `conn_id`
//!   matches a stored call is that call under a new id (transfer/conference): it is re-keyed.
//! - Every update carries the whole call and replaces the vendor fields; the store keeps
//!   its own fields (start time, wrap-up, consult link, chosen disposition). So duplicated
//!   notifications are harmless, and an unknown notification type just replaces the call.
//! - No going back: a call's stage only moves forward (setting up → connected → ended).
//!   An update with an earlier stage than the stored one is stale and ignored; Held and
//!   Established swap freely; unknown states are never treated as stale.
//! - Released is final: after a call is Released, nothing brings it back — not a late
//!   notification, not a state re-read. Ended calls that have left the store are
//!   remembered (a bounded list) so a late duplicate does not re-create them either.
//! - A Released call that needs a disposition stays as a wrap-up card until the agent
//!   records a disposition or dismisses it. No card for consult calls, for inbound calls
//!   that rang and were never answered, or when a disposition was already chosen.
//! - Wrap-up cards outlive a page reload: the desk keeps the calls in storage and hands
//!   them back (`ShelfRestored`) after its first state read; a live call that ended while
//!   the page reloaded becomes a card then.
//! - A state re-read (`Snapshot`) replaces the live calls; a live call missing from it
//!   ended while we weren't listening and becomes a wrap-up card (no deadline).
//! - The "active" call: the call the agent picked (while it is live), else the best of:
//!   Established > Dialing > Ringing > Held > other > wrap-up; ties → most recently changed.

use super::agent::{AgentIdentity, AgentPresence, AgentState};
use super::call::{Call, CallId, CallKind, CallState, Capability, WrapUp};

/// Which kind of notification brought a call update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotificationKind {
    StatusChange,
    ParticipantsUpdated,
    AttachedDataChanged,
    CallRecordingStateChange,
    CallRecovered,
    Other(String),
}

impl NotificationKind {
    pub fn parse(name: &str) -> Self {
        match name.trim() {
            "StatusChange" => Self::StatusChange,
            "ParticipantsUpdated" => Self::ParticipantsUpdated,
            "AttachedDataChanged" => Self::AttachedDataChanged,
            "CallRecordingStateChange" => Self::CallRecordingStateChange,
            "CallRecovered" => Self::CallRecovered,
            other => Self::Other(other.to_string()),
        }
    }
}

/// The link to the vendor, as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ConnectionStatus {
    #[default]
    Connecting,
    Connected,
    Reconnecting {
        attempt: u32,
        next_retry_ms: u64,
    },
    Stopped {
        reason: String,
    },
    /// The vendor session is gone (log in again).
    SessionExpired,
    /// The browser does not keep the vendor's session (its cookie, on a site other than
    /// the page's): the panel stopped instead of opening session after session.
    SessionNotKept,
}

/// One call update from a notification.
#[derive(Clone, Debug, PartialEq)]
pub struct CallUpdate {
    pub call: Call,
    pub kind: NotificationKind,
    /// The vendor's wrap-up time in seconds (GWS `extensions.WrapUpTime`), if given.
    pub wrap_up_secs: Option<u64>,
    /// When it arrived (ms since the epoch, the UI's clock).
    pub at_ms: u64,
}

/// Everything that can change the store.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum StoreAction {
    /// The calls a state re-read returned (start-up, after every re-handshake).
    Snapshot {
        calls: Vec<Call>,
        at_ms: u64,
    },
    CallUpdated(CallUpdate),
    AgentIdentified(AgentIdentity),
    AgentStateChanged(AgentPresence),
    ConnectionChanged(ConnectionStatus),
    /// The agent picked this call in the panel.
    Select(CallId),
    /// The agent closed a wrap-up card without a disposition.
    Dismiss(CallId),
    /// The calls kept in storage from before a page reload (see `desk::wrap_up_shelf`),
    /// handed back after the first state read: wrap-up cards come back as they were; a
    /// live call the read no longer lists ended meanwhile and becomes a card if it needs one.
    ShelfRestored {
        calls: Vec<Call>,
        at_ms: u64,
    },
    /// The agent asked for Not Ready with this reason (or none): real servers often say
    /// Not Ready without the reason, and the panel keeps showing the one picked.
    ReasonPicked(Option<String>),
    /// The phone system reports a problem with the agent's device (GWS `ErrorMessage` on
    /// `/v2/me/devices`); the next device state clears it.
    DeviceProblem,
    /// A disposition for this call is safely in the outbox.
    DispositionRecorded {
        call_id: CallId,
        disposition: String,
    },
}

/// An ended call that left the store; kept to refuse late duplicates.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ended {
    id: CallId,
    uuid: String,
    conn_id: String,
}

const ENDED_MEMORY: usize = 64;

/// The panel's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallStore {
    calls: Vec<Call>,
    pub agent: AgentIdentity,
    pub presence: AgentPresence,
    pub connection: ConnectionStatus,
    /// The phone system reported a problem with the agent's device.
    pub device_problem: bool,
    /// The Not Ready reason the agent last picked (until a state other than Not Ready).
    picked_reason: Option<String>,
    active: Option<CallId>,
    selected: Option<CallId>,
    ended: Vec<Ended>,
}

impl CallStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// All calls in arrival order (live calls and wrap-up cards).
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    pub fn call(&self, id: &str) -> Option<&Call> {
        self.calls.iter().find(|c| c.id == id)
    }

    /// The call the panel shows in front.
    pub fn active(&self) -> Option<&Call> {
        self.active.as_deref().and_then(|id| self.call(id))
    }

    pub fn active_id(&self) -> Option<&str> {
        self.active.as_deref()
    }

    pub fn live_calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter().filter(|c| !c.state.is_released())
    }

    /// Applies one action and says whether anything changed (a copy of the store is
    /// compared: for tests and callers that need the answer; the panel uses `apply`).
    pub fn reduce(&mut self, action: StoreAction) -> bool {
        let before = self.clone();
        self.apply(action);
        *self != before
    }

    /// Applies one action.
    pub fn apply(&mut self, action: StoreAction) {
        match action {
            StoreAction::Snapshot { calls, at_ms } => self.apply_snapshot(calls, at_ms),
            StoreAction::CallUpdated(update) => self.apply_update(update),
            StoreAction::AgentIdentified(who) => self.agent = who,
            StoreAction::AgentStateChanged(p) => self.apply_presence(p),
            StoreAction::ConnectionChanged(c) => self.connection = c,
            StoreAction::Select(id) => {
                if self.call(&id).is_some() {
                    self.selected = Some(id);
                }
            }
            StoreAction::Dismiss(id) => {
                if let Some(i) = self
                    .calls
                    .iter()
                    .position(|c| c.id == id && c.state.is_released())
                {
                    self.remove_at(i);
                }
            }
            StoreAction::ShelfRestored { calls, at_ms } => self.restore_shelf(calls, at_ms),
            StoreAction::ReasonPicked(reason) => {
                self.picked_reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
            }
            StoreAction::DeviceProblem => self.device_problem = true,
            StoreAction::DispositionRecorded {
                call_id,
                disposition,
            } => {
                if let Some(i) = self.calls.iter().position(|c| c.id == call_id) {
                    if self.calls[i].state.is_released() {
                        self.remove_at(i);
                    } else {
                        self.calls[i].disposition = Some(disposition);
                    }
                }
            }
        }
        self.choose_active();
    }

    fn is_ended(&self, call: &Call) -> bool {
        self.ended.iter().any(|e| {
            e.id == call.id
                || (!e.uuid.is_empty() && e.uuid == call.uuid)
                || (!e.conn_id.is_empty() && e.conn_id == call.conn_id)
        })
    }

    fn remember_ended(&mut self, call: &Call) {
        if self.is_ended(call) {
            return;
        }
        if self.ended.len() >= ENDED_MEMORY {
            self.ended.remove(0);
        }
        self.ended.push(Ended {
            id: call.id.clone(),
            uuid: call.uuid.clone(),
            conn_id: call.conn_id.clone(),
        });
    }

    fn remove_at(&mut self, i: usize) {
        let call = self.calls.remove(i);
        self.remember_ended(&call);
        if self.selected.as_deref() == Some(call.id.as_str()) {
            self.selected = None;
        }
    }

    fn find(&self, call: &Call) -> Option<usize> {
        self.calls
            .iter()
            .position(|c| c.id == call.id)
            .or_else(|| self.calls.iter().position(|c| c.same_call(call)))
    }

    fn apply_update(&mut self, update: CallUpdate) {
        let CallUpdate {
            call: incoming,
            wrap_up_secs,
            at_ms,
            ..
        } = update;
        if self.is_ended(&incoming) {
            return;
        }
        match self.find(&incoming) {
            None => {
                let call = self.fresh(incoming, wrap_up_secs, at_ms);
                self.place(None, call);
            }
            Some(i) => {
                let current = &self.calls[i];
                if is_stale(current, &incoming) {
                    return;
                }
                let merged = merge(current, incoming, wrap_up_secs, at_ms);
                self.place(Some(i), merged);
            }
        }
    }

    /// Puts a call in slot `i` (or appends it), re-keying links on an id change and
    /// applying the wrap-up rule when it is Released.
    fn place(&mut self, i: Option<usize>, mut call: Call) {
        if call.is_consult() && call.consult_of.is_none() {
            // The vendor names the original call (`parentCallUri`); else the best guess.
            let named = (!call.parent_uri.is_empty())
                .then(|| self.calls.iter().find(|c| c.uri == call.parent_uri && c.id != call.id))
                .flatten()
                .map(|c| c.id.clone());
            call.consult_of = named.or_else(|| self.consult_parent(&call.id));
        }
        if let Some(i) = i {
            let old_id = self.calls[i].id.clone();
            if old_id != call.id {
                self.rekey(&old_id, &call.id);
            }
        }
        if call.state.is_released() && call.wrap_up.is_none() {
            // Ended and no card wanted: forget it, but remember it ended.
            self.remember_ended(&call);
            if let Some(i) = i {
                self.remove_at(i);
            }
            return;
        }
        match i {
            Some(i) => self.calls[i] = call,
            None => self.calls.push(call),
        }
    }

    fn rekey(&mut self, old: &str, new: &str) {
        for c in self.calls.iter_mut() {
            if c.consult_of.as_deref() == Some(old) {
                c.consult_of = Some(new.to_string());
            }
        }
        for slot in [&mut self.selected, &mut self.active] {
            if slot.as_deref() == Some(old) {
                *slot = Some(new.to_string());
            }
        }
    }

    /// The call a new consult call was made from: a held, non-consult call, preferring one
    /// that offers to complete a transfer or conference, then the most recently changed.
    fn consult_parent(&self, consult_id: &str) -> Option<CallId> {
        self.calls
            .iter()
            .filter(|c| c.id != consult_id && !c.is_consult() && c.state == CallState::Held)
            .max_by_key(|c| {
                let completes =
                    c.can(Capability::CompleteTransfer) || c.can(Capability::CompleteConference);
                (completes, c.updated_at_ms)
            })
            .map(|c| c.id.clone())
    }

    /// A call seen for the first time.
    fn fresh(&self, mut call: Call, wrap_up_secs: Option<u64>, at_ms: u64) -> Call {
        call.answered |= matches!(call.state, CallState::Established | CallState::Held);
        if call.started_at_ms.is_none() {
            call.started_at_ms =
                Some(at_ms.saturating_sub(call.duration_s.unwrap_or(0).saturating_mul(1000)));
        }
        call.updated_at_ms = at_ms;
        call.wrap_up = None;
        if call.state.is_released() && needs_wrap_up(&call, None) {
            call.wrap_up = Some(wrap_up_card(wrap_up_secs, at_ms));
        }
        call
    }

    fn apply_snapshot(&mut self, incoming: Vec<Call>, at_ms: u64) {
        let mut seen: Vec<bool> = vec![false; self.calls.len()];
        let mut added: Vec<Call> = Vec::new();
        for call in incoming {
            if self.is_ended(&call) {
                continue;
            }
            match self.find(&call) {
                Some(i) => {
                    seen[i] = true;
                    if !is_stale(&self.calls[i], &call) {
                        let merged = merge(&self.calls[i], call, None, at_ms);
                        let old_id = self.calls[i].id.clone();
                        if old_id != merged.id {
                            self.rekey(&old_id, &merged.id);
                        }
                        self.calls[i] = merged;
                    }
                }
                None => {
                    if !added.iter().any(|a| a.same_call(&call)) {
                        added.push(self.fresh(call, None, at_ms));
                    }
                }
            }
        }
        // Live calls the server no longer lists ended while we weren't listening.
        for (i, was_seen) in seen.iter().enumerate() {
            let c = &mut self.calls[i];
            if !was_seen && !c.state.is_released() {
                let prev = c.clone();
                c.state = CallState::Released;
                c.capabilities = Default::default();
                c.updated_at_ms = at_ms;
                if needs_wrap_up(c, Some(&prev)) {
                    c.wrap_up = Some(wrap_up_card(None, at_ms));
                }
            }
        }
        // Apply the wrap-up rule to everything released and drop what needs no card.
        let mut i = 0;
        while i < self.calls.len() {
            if self.calls[i].state.is_released() && self.calls[i].wrap_up.is_none() {
                self.remove_at(i);
            } else {
                i += 1;
            }
        }
        for call in added {
            self.place(None, call);
        }
    }

    /// Calls from before a reload that the store does not have (live or as a card) and
    /// that did not leave this session (disposed, dismissed): a wrap-up card comes back as
    /// it was; a live one ended while the page was away and leaves a card (no deadline)
    /// unless it is a consult call or already has its disposition. Unlike a call seen to
    /// ring and end, one that was still ringing when the page left gets a card too: it may
    /// have been answered meanwhile (the agent had just clicked Answer, say), and a card
    /// to dismiss costs less than a disposition never asked for.
    fn restore_shelf(&mut self, calls: Vec<Call>, at_ms: u64) {
        for mut call in calls {
            if self.is_ended(&call) || self.find(&call).is_some() {
                continue;
            }
            if !call.state.is_released() {
                call.state = CallState::Released;
                call.capabilities = Default::default();
                call.updated_at_ms = at_ms;
                if !call.is_consult() && call.disposition.is_none() {
                    call.wrap_up = Some(wrap_up_card(None, at_ms));
                }
            }
            if call.in_wrap_up() {
                self.calls.push(call);
            } else {
                self.remember_ended(&call);
            }
        }
    }

    fn apply_presence(&mut self, mut p: AgentPresence) {
        self.device_problem = false;
        match &mut p.state {
            // The server's reason wins; without one, the reason the agent picked stays.
            AgentState::NotReady { reason } if reason.as_deref().is_some_and(|r| !r.trim().is_empty()) => {
                self.picked_reason = None;
            }
            AgentState::NotReady { reason } => *reason = self.picked_reason.clone(),
            _ => self.picked_reason = None,
        }
        if p.device_id.is_empty() {
            p.device_id = self.presence.device_id.clone();
        }
        if p.dn.is_empty() {
            p.dn = self.presence.dn.clone();
        }
        self.presence = p;
    }

    fn choose_active(&mut self) {
        if let Some(sel) = &self.selected {
            match self.call(sel) {
                Some(c) if !c.state.is_released() => {
                    self.active = Some(sel.clone());
                    return;
                }
                _ => self.selected = None,
            }
        }
        self.active = self
            .calls
            .iter()
            .enumerate()
            .max_by_key(|(i, c)| (priority(&c.state), c.updated_at_ms, *i))
            .map(|(_, c)| c.id.clone());
    }
}

fn priority(state: &CallState) -> u8 {
    match state {
        CallState::Established => 5,
        CallState::Dialing => 4,
        CallState::Ringing => 3,
        CallState::Held => 2,
        CallState::Other(_) => 1,
        CallState::Released => 0,
    }
}

/// An update is stale when the stored call already ended, or when it would move the
/// call back to an earlier stage.
fn is_stale(current: &Call, incoming: &Call) -> bool {
    if current.state.is_released() {
        return true;
    }
    matches!((current.state.stage(), incoming.state.stage()), (Some(c), Some(n)) if n < c)
}

/// Whether an ended call gets a wrap-up card: not for consult calls, not when a
/// disposition was already chosen, not for inbound/internal calls that only rang.
fn needs_wrap_up(call: &Call, prev: Option<&Call>) -> bool {
    if call.is_consult() || call.disposition.is_some() {
        return false;
    }
    let answered = call.answered || prev.is_some_and(|p| p.answered);
    if answered || call.duration_s.unwrap_or(0) > 0 {
        return true;
    }
    // Never connected: an outbound attempt still wants a disposition (no answer, busy);
    // a call that only rang at this agent does not.
    let rang_here =
        prev.is_some_and(|p| p.state == CallState::Ringing) || call.kind == CallKind::Inbound;
    call.kind == CallKind::Outbound || (!rang_here && call.kind != CallKind::Internal)
}

fn wrap_up_card(wrap_up_secs: Option<u64>, at_ms: u64) -> WrapUp {
    WrapUp {
        released_at_ms: at_ms,
        deadline_ms: wrap_up_secs
            .filter(|s| *s > 0)
            .map(|s| at_ms.saturating_add(s.saturating_mul(1000))),
    }
}

/// The incoming call's vendor fields with the store's own fields kept.
fn merge(current: &Call, mut incoming: Call, wrap_up_secs: Option<u64>, at_ms: u64) -> Call {
    incoming.started_at_ms = current.started_at_ms.or(incoming.started_at_ms);
    incoming.consult_of = current.consult_of.clone().or(incoming.consult_of);
    incoming.disposition = current.disposition.clone().or(incoming.disposition);
    // A Released notification often lists nobody (the far end left): the card keeps who
    // the call was with.
    if incoming.parties.is_empty() && incoming.state.is_released() {
        incoming.parties = current.parties.clone();
    }
    incoming.answered = current.answered
        || incoming.answered
        || matches!(incoming.state, CallState::Established | CallState::Held);
    incoming.updated_at_ms = at_ms;
    incoming.wrap_up = None;
    if incoming.state.is_released() && needs_wrap_up(&incoming, Some(current)) {
        incoming.wrap_up = Some(wrap_up_card(wrap_up_secs, at_ms));
    }
    incoming
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
