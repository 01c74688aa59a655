//! The disposition outbox: a pure, persistable queue that holds every disposition the
//! agent picked until a vendor gives a definite answer (principle 5: nothing is lost).
//!
//! The driver saves the outbox (JSON in localStorage, `outbox_json`) after every change, sends what
//! `due(now)` lists, and feeds back `mark_sent` / `record_outcome`. Rules:
//! - One entry per call and vendor (`key`). Re-picking before the answer replaces the
//!   entry's choice; after `Saved` the call is closed and a new pick is refused.
//! - Retryable failures back off (2 s doubling, capped at 5 min); rejections wait for the
//!   agent (re-pick or discard). An expired token/session is not the entry's fault: it is
//!   due again at once the first time, then backs off.
//! - "Already disposed" after one of our own sends that may have landed (an answer that
//!   was lost, a timeout, a queued pick, a reload mid-send) counts as saved; after a token
//!   or validation refusal it does not.
//! - Queued (Ozonetel during the call, Genesys confirmed on a live call) becomes Saved when
//!   the call hangs up (`call_ended`).
//! - An entry found InFlight at load (page reloaded mid-send) is sent again; the vendor's
//!   "already disposed" answer dedupes it.
//! - No token, API key or password is ever stored here.

use crate::gather::Gather;
#[cfg(test)]
use serde::Serialize;

/// Retry backoff: first delay, cap.
pub const BACKOFF_BASE_MS: u64 = 2_000;
pub const BACKOFF_CAP_MS: u64 = 300_000;
/// A send with no answer after this long is treated as lost and retried.
pub const IN_FLIGHT_TIMEOUT_MS: u64 = 45_000;
/// Saved entries are kept this long (to refuse a second pick), then dropped.
pub const SAVED_RETENTION_MS: u64 = 12 * 3_600_000;

/// Failure reasons the outbox itself gives (the UI turns reason codes into sentences).
pub const REASON_NO_ANSWER: &str = "no-answer";
pub const REASON_DISPOSED_ELSEWHERE: &str = "already-disposed";

/// Where the disposition goes; everything the vendor adapter needs except credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub enum DispositionTarget {
    Genesys {
        call_id: String,
        call_uri: String,
        call_uuid: String,
        #[cfg_attr(test, serde(default))]
        disposition_key: Option<String>,
    },
    Ozonetel {
        ucid: String,
        did: String,
        agent_id: String,
    },
}

impl DispositionTarget {
    /// The outbox key: unique per call and vendor.
    pub fn key(&self) -> String {
        match self {
            Self::Genesys {
                call_uuid, call_id, ..
            } => {
                let id = if call_uuid.is_empty() {
                    call_id
                } else {
                    call_uuid
                };
                format!("genesys:{id}")
            }
            Self::Ozonetel { ucid, .. } => format!("ozonetel:{ucid}"),
        }
    }
}

/// What the agent picked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct DispositionChoice {
    pub disposition: String,
    #[cfg_attr(test, serde(default))]
    pub comments: String,
    #[cfg_attr(test, serde(default))]
    pub pause_after: bool,
    #[cfg_attr(test, serde(default))]
    pub pause_reason: Option<String>,
    /// `YYYY-MM-DD HH:MM`, for callback dispositions.
    #[cfg_attr(test, serde(default))]
    pub callback_time: Option<String>,
}

/// Where an entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub enum EntryState {
    Pending,
    InFlight {
        since_ms: u64,
    },
    /// The vendor accepted it and applies it when the call hangs up (Ozonetel).
    Queued,
    Saved,
    Failed {
        /// A reason code (`no-answer`, `oz:invalid-disposition`, `gws:6` …), never raw
        /// server text; the UI turns it into a sentence in the agent's language.
        reason: String,
        retryable: bool,
    },
}

/// A vendor answer, in vendor-neutral terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DispositionOutcome {
    Saved,
    Queued,
    AlreadyDisposed,
    Retryable(String),
    Rejected(String),
    /// The token or session needs renewing; then send again.
    AuthExpired,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct OutboxEntry {
    pub key: String,
    pub target: DispositionTarget,
    pub choice: DispositionChoice,
    pub created_at_ms: u64,
    /// Sends so far.
    pub attempts: u32,
    /// Failed sends in a row (drives the backoff).
    #[cfg_attr(test, serde(default))]
    pub failures: u32,
    pub state: EntryState,
    pub next_attempt_at_ms: u64,
    /// The vendor may already have applied one of our sends for this call.
    #[cfg_attr(test, serde(default))]
    pub sent_before: bool,
    /// The agent re-picked while a send was in flight: send again after it returns.
    #[cfg_attr(test, serde(default))]
    pub resend: bool,
    /// How the panel names the call (the caller), for lists of dispositions.
    #[cfg_attr(test, serde(default))]
    pub label: String,
}

impl OutboxEntry {
    pub fn is_done(&self) -> bool {
        matches!(self.state, EntryState::Saved | EntryState::Queued)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutboxError {
    /// This call's disposition is already saved.
    AlreadySaved,
    EmptyDisposition,
    UnknownEntry,
}

/// The queue itself; serialize it whole to persist it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
pub struct DispositionOutbox {
    entries: Vec<OutboxEntry>,
}

/// The delay before retry number `failures` (1-based): base·2^(n-1), capped.
pub fn backoff_ms(failures: u32) -> u64 {
    let shift = failures.saturating_sub(1).min(20);
    BACKOFF_BASE_MS
        .saturating_mul(1u64 << shift)
        .min(BACKOFF_CAP_MS)
}

impl DispositionOutbox {
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores a saved outbox. Entries that were InFlight when the page went away are
    /// due again now.
    pub fn from_json(json: &str, now_ms: u64) -> Result<Self, crate::json::Error> {
        let mut outbox = Self::from_stored(json)?;
        for e in outbox.entries.iter_mut() {
            if matches!(e.state, EntryState::InFlight { .. }) {
                e.state = EntryState::Pending;
                e.sent_before = true;
                e.next_attempt_at_ms = now_ms;
            }
        }
        Ok(outbox)
    }

    /// A saved outbox exactly as it was stored (another tab's, to merge with).
    pub fn from_stored(json: &str) -> Result<Self, crate::json::Error> {
        let value = crate::json::parse(json)?;
        let entries = super::outbox_json::entries_from_value(&value).ok_or_else(|| crate::json::Error::new("not a stored outbox"))?;
        Ok(Self { entries })
    }

    pub fn to_json(&self) -> String {
        super::outbox_json::entries_to_text(&self.entries)
    }

    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    pub fn get(&self, key: &str) -> Option<&OutboxEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut OutboxEntry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }

    /// Puts the agent's pick in the queue (before any request). Returns the entry key.
    pub fn enqueue(
        &mut self,
        target: DispositionTarget,
        choice: DispositionChoice,
        now_ms: u64,
    ) -> Result<String, OutboxError> {
        if choice.disposition.trim().is_empty() {
            return Err(OutboxError::EmptyDisposition);
        }
        let key = target.key();
        match self.get_mut(&key) {
            Some(e) => match e.state {
                EntryState::Saved => return Err(OutboxError::AlreadySaved),
                // The same pick again (a double click, a second tab) changes nothing: what
                // is on its way is what the agent wants.
                EntryState::InFlight { .. } if e.choice == choice => {}
                EntryState::InFlight { .. } => {
                    e.target = target;
                    e.choice = choice;
                    e.resend = true;
                }
                EntryState::Pending | EntryState::Queued | EntryState::Failed { .. } => {
                    if e.state == EntryState::Queued {
                        e.sent_before = true;
                    }
                    e.target = target;
                    e.choice = choice;
                    e.state = EntryState::Pending;
                    e.failures = 0;
                    e.next_attempt_at_ms = now_ms;
                }
            },
            None => self.entries.push(OutboxEntry {
                key: key.clone(),
                target,
                choice,
                created_at_ms: now_ms,
                attempts: 0,
                failures: 0,
                state: EntryState::Pending,
                next_attempt_at_ms: now_ms,
                sent_before: false,
                resend: false,
                label: String::new(),
            }),
        }
        Ok(key)
    }

    /// The entries to send now: Pending or retryable-Failed, whose time has come.
    pub fn due(&self, now_ms: u64) -> Vec<&OutboxEntry> {
        self.entries
            .iter()
            .filter(|e| match &e.state {
                EntryState::Pending => true,
                EntryState::Failed { retryable, .. } => *retryable,
                _ => false,
            })
            .filter(|e| e.next_attempt_at_ms <= now_ms)
            .gather()
    }

    /// When the next entry falls due (for the driver's timer), if any waits.
    pub fn next_due_at(&self) -> Option<u64> {
        self.entries
            .iter()
            .filter_map(|e| match &e.state {
                EntryState::Pending => Some(e.next_attempt_at_ms),
                EntryState::Failed {
                    retryable: true, ..
                } => Some(e.next_attempt_at_ms),
                EntryState::InFlight { since_ms } => {
                    Some(since_ms.saturating_add(IN_FLIGHT_TIMEOUT_MS))
                }
                _ => None,
            })
            .min()
    }

    /// The driver has sent this entry's request.
    pub fn mark_sent(&mut self, key: &str, now_ms: u64) -> Result<(), OutboxError> {
        let e = self.get_mut(key).ok_or(OutboxError::UnknownEntry)?;
        match e.state {
            EntryState::Saved | EntryState::Queued => Err(OutboxError::AlreadySaved),
            _ => {
                e.state = EntryState::InFlight { since_ms: now_ms };
                e.attempts = e.attempts.saturating_add(1);
                e.resend = false;
                Ok(())
            }
        }
    }

    /// The vendor's answer to the last send of this entry.
    pub fn record_outcome(
        &mut self,
        key: &str,
        outcome: DispositionOutcome,
        now_ms: u64,
    ) -> Result<(), OutboxError> {
        let e = self.get_mut(key).ok_or(OutboxError::UnknownEntry)?;
        if e.state == EntryState::Saved {
            return Ok(());
        }
        let sent_before = e.sent_before;
        // Only an answer that leaves open whether the vendor applied it counts as "sent
        // before"; a token or validation refusal proves it was not applied.
        if matches!(
            outcome,
            DispositionOutcome::Saved | DispositionOutcome::Queued | DispositionOutcome::Retryable(_)
        ) {
            e.sent_before = true;
        }
        match outcome {
            DispositionOutcome::Saved => settle(e, EntryState::Saved, now_ms),
            DispositionOutcome::Queued => settle(e, EntryState::Queued, now_ms),
            DispositionOutcome::AlreadyDisposed if sent_before => {
                e.resend = false;
                e.state = EntryState::Saved;
                e.next_attempt_at_ms = now_ms;
            }
            DispositionOutcome::AlreadyDisposed => {
                e.state = EntryState::Failed {
                    reason: REASON_DISPOSED_ELSEWHERE.into(),
                    retryable: false,
                };
            }
            DispositionOutcome::Retryable(reason) => {
                e.failures = e.failures.saturating_add(1);
                e.next_attempt_at_ms = now_ms.saturating_add(backoff_ms(e.failures));
                e.state = EntryState::Failed {
                    reason,
                    retryable: true,
                };
            }
            DispositionOutcome::AuthExpired => {
                e.failures = e.failures.saturating_add(1);
                let wait = if e.failures <= 1 {
                    0
                } else {
                    backoff_ms(e.failures - 1)
                };
                e.next_attempt_at_ms = now_ms.saturating_add(wait);
                e.state = EntryState::Pending;
            }
            DispositionOutcome::Rejected(reason) => {
                e.state = EntryState::Failed {
                    reason,
                    retryable: false,
                };
            }
        }
        Ok(())
    }

    /// Time passes: sends with no answer for too long are retried; old saved entries go
    /// (their keys are returned).
    pub fn tick(&mut self, now_ms: u64) -> Vec<String> {
        for e in self.entries.iter_mut() {
            if let EntryState::InFlight { since_ms } = e.state {
                if now_ms.saturating_sub(since_ms) >= IN_FLIGHT_TIMEOUT_MS {
                    e.failures = e.failures.saturating_add(1);
                    e.next_attempt_at_ms = now_ms.saturating_add(backoff_ms(e.failures));
                    e.sent_before = true;
                    e.state = EntryState::Failed {
                        reason: REASON_NO_ANSWER.into(),
                        retryable: true,
                    };
                }
            }
        }
        let (old, keep): (Vec<OutboxEntry>, Vec<OutboxEntry>) =
            std::mem::take(&mut self.entries).into_iter().partition(|e| {
                e.is_done() && now_ms.saturating_sub(e.next_attempt_at_ms) >= SAVED_RETENTION_MS
            });
        self.entries = keep;
        old.into_iter().map(|e| e.key).gather()
    }

    /// Names the call of an entry (for lists); no-op for an unknown key.
    pub fn set_label(&mut self, key: &str, label: &str) {
        if let Some(e) = self.get_mut(key) {
            e.label = label.to_string();
        }
    }

    /// The call hung up: a disposition the vendor queued during the call now applies.
    /// Returns whether the entry became Saved.
    pub fn call_ended(&mut self, key: &str, now_ms: u64) -> bool {
        match self.get_mut(key) {
            Some(e) if e.state == EntryState::Queued => {
                e.state = EntryState::Saved;
                e.next_attempt_at_ms = now_ms;
                true
            }
            _ => false,
        }
    }

    /// The agent asks to send a failed entry again now (same choice, fresh backoff).
    pub fn retry_now(&mut self, key: &str, now_ms: u64) -> Result<(), OutboxError> {
        let e = self.get_mut(key).ok_or(OutboxError::UnknownEntry)?;
        match e.state {
            EntryState::Failed { .. } | EntryState::Pending => {
                e.state = EntryState::Pending;
                e.failures = 0;
                e.next_attempt_at_ms = now_ms;
                Ok(())
            }
            EntryState::Saved | EntryState::Queued => Err(OutboxError::AlreadySaved),
            EntryState::InFlight { .. } => Ok(()),
        }
    }

    /// What to write to storage: these entries, plus entries another tab stored that this
    /// one does not hold and has not `forgotten` (so tabs never erase each other's picks).
    pub fn merged_with(&self, stored: &DispositionOutbox, forgotten: &[String]) -> DispositionOutbox {
        let mut out = self.clone();
        for e in &stored.entries {
            if self.get(&e.key).is_none() && !forgotten.contains(&e.key) {
                out.entries.push(e.clone());
            }
        }
        out
    }

    /// The agent gave up on a failed or waiting entry. A saved one stays (it guards
    /// against a second pick until it ages out).
    pub fn discard(&mut self, key: &str) -> Result<(), OutboxError> {
        let i = self
            .entries
            .iter()
            .position(|e| e.key == key)
            .ok_or(OutboxError::UnknownEntry)?;
        if self.entries[i].state == EntryState::Saved {
            return Err(OutboxError::AlreadySaved);
        }
        self.entries.remove(i);
        Ok(())
    }
}

/// A definite success; if the agent re-picked meanwhile, the new pick still goes out.
fn settle(e: &mut OutboxEntry, done: EntryState, now_ms: u64) {
    e.failures = 0;
    e.next_attempt_at_ms = now_ms;
    e.state = if e.resend { EntryState::Pending } else { done };
    e.resend = false;
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
