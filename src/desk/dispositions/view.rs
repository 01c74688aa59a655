//! What the panel shows of dispositions: the codes to pick from, each outbox entry's
//! status, and the host's active Ozonetel call (when Ozonetel only records dispositions).

use crate::cell::Borrowing;
use crate::gather::Gather;
use super::Rt;
use crate::genesys;
use crate::model::{Call, EntryState, OutboxEntry};
use crate::ozonetel;
use crate::config::DispositionVendor;
use super::super::events::DeskEvent;
use std::rc::Rc;

/// The call on the agent's Ozonetel line, as the host page describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OzonetelCall {
    pub ucid: String,
    pub did: String,
    pub agent_id: String,
    pub caller_id: String,
    /// When the page said the call ended (ms, the UI's clock); `None` while it is up.
    pub ended_at_ms: Option<u64>,
}

/// Where one disposition is, as the agent sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispoStatus {
    Saving,
    Queued,
    Saved,
    Failed,
}

/// One outbox entry, for the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryView {
    pub key: String,
    pub label: String,
    pub disposition: String,
    pub comments: String,
    pub status: DispoStatus,
    /// A reason code (see the catalog's `Rsn*` sentences), for Failed.
    pub reason: String,
    /// The panel retries by itself.
    pub retrying: bool,
    /// When it was saved or queued (ms), for "recent" lists.
    pub settled_at_ms: u64,
    pub created_at_ms: u64,
}

/// The codes the picker offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CodesStatus {
    #[default]
    Ready,
    Loading,
    Failed(String),
}

/// Everything the panel shows about dispositions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DispositionView {
    pub ozonetel: bool,
    /// Recently used first.
    pub codes: Vec<String>,
    pub recent: Vec<String>,
    pub codes_status: CodesStatus,
    /// Newest first.
    pub entries: Vec<EntryView>,
    pub oz_call: Option<OzonetelCall>,
    pub wrap_up_secs: u64,
    /// An API key sits in the page's config (simulator mode).
    pub simulator_key: bool,
}


impl DispositionView {
    pub fn entry(&self, key: &str) -> Option<&EntryView> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// The outbox key of a Genesys call.
pub fn genesys_key(call: &Call) -> String {
    genesys::disposition_target(call, None).key()
}

/// The outbox key of an Ozonetel call.
pub fn ozonetel_key(ucid: &str) -> String {
    ozonetel::disposition_target(ucid, "", "").key()
}

pub(super) fn entry_view(e: &OutboxEntry) -> EntryView {
    let (status, reason, retrying) = match &e.state {
        EntryState::Pending | EntryState::InFlight { .. } => (DispoStatus::Saving, String::new(), false),
        EntryState::Queued => (DispoStatus::Queued, String::new(), false),
        EntryState::Saved => (DispoStatus::Saved, String::new(), false),
        EntryState::Failed { reason, retryable } => (DispoStatus::Failed, reason.clone(), *retryable),
    };
    EntryView {
        key: e.key.clone(),
        label: e.label.clone(),
        disposition: e.choice.disposition.clone(),
        comments: e.choice.comments.clone(),
        status,
        reason,
        retrying,
        settled_at_ms: e.next_attempt_at_ms,
        created_at_ms: e.created_at_ms,
    }
}

impl DispositionView {
    /// The host page's active Ozonetel call (Ozonetel dispositions beside Genesys
    /// telephony). Never in a build without Genesys telephony (there the calls are the
    /// panel's own) or without Ozonetel's sender: such a build has no card for one.
    pub fn host_call(&self) -> Option<&OzonetelCall> {
        use crate::config::{DispositionVendor, TelephonyVendor};
        self.oz_call.as_ref().filter(|_| TelephonyVendor::Genesys.built() && DispositionVendor::Ozonetel.built() && self.ozonetel)
    }
}

impl Rt {
    pub(super) fn publish(&self) {
        let recent = self.recent.read().clone();
        let codes = self.codes.read();
        let mut ordered: Vec<String> = recent.iter().filter(|r| codes.contains(r)).cloned().gather();
        ordered.extend(codes.iter().filter(|c| !recent.contains(c)).cloned());
        let mut entries: Vec<EntryView> = self.outbox.read().entries().iter().map(entry_view).gather();
        crate::model::sort::by_key(&mut entries, |e| std::cmp::Reverse(e.created_at_ms));
        let view = DispositionView {
            ozonetel: self.vendor == DispositionVendor::Ozonetel,
            codes: ordered,
            recent,
            codes_status: self.codes_status.read().clone(),
            entries,
            oz_call: self.oz_call.read().clone(),
            wrap_up_secs: self.config.ozonetel.wrap_up_secs,
            simulator_key: self.vendor == DispositionVendor::Ozonetel && self.api.auth.uses_api_key(),
        };
        self.dispatch.emit(DeskEvent::Dispositions(Rc::new(view)));
    }
}
