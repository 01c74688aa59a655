//! Ozonetel dispositions: DispositionAPIV2 with the token from `OzonetelAuth` (renewed
//! once and resent when Ozonetel refuses it), the account's codes (`action: get`), and
//! the host's active call (screen-pop URL or host API) when Genesys carries the calls.

use crate::cell::Borrowing;
use super::{now_ms, Rt};
use super::view::{ozonetel_key, CodesStatus, OzonetelCall};
use super::storage::{storage_get, storage_set};
use crate::model::{DispositionOutcome, DispositionTarget, OutboxEntry};
use crate::ozonetel::{self, classify_response, OzonetelOutcome};
use crate::json::{json, Value};
use std::rc::Rc;

/// The Ozonetel call in the page's URL (`?ucid=…&did=…&agentID=…&callerID=…`).
pub(crate) fn screen_pop_call() -> Option<OzonetelCall> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let get = |names: &[&str]| names.iter().find_map(|n| params.get(n)).map(|v| v.trim().to_string()).unwrap_or_default();
    let ucid = get(&["ucid", "UCID"]);
    if ucid.is_empty() {
        return None;
    }
    // What the URL leaves out, `set_oz_call` takes from the config.
    let did = get(&["did", "DID"]);
    let agent_id = get(&["agentID", "agentId", "agent_id"]);
    let caller_id = get(&["callerID", "callerId", "caller_id", "cli"]);
    Some(OzonetelCall { ucid, did, agent_id, caller_id, ended_at_ms: None })
}

impl Rt {
    #[cfg_attr(not(feature = "ozonetel-dispositions"), allow(dead_code))]
    pub(super) async fn send_ozonetel(&self, e: &OutboxEntry) -> DispositionOutcome {
        let body = match ozonetel::entry_body(&self.config.ozonetel.user_name, e) {
            Ok(b) => b,
            Err(err) => return DispositionOutcome::Rejected(err.code().into()),
        };
        match self.ozonetel_post(&body).await {
            Ok((outcome, _)) => outcome.disposition_outcome(),
            Err(code) => DispositionOutcome::Retryable(code),
        }
    }

    /// POSTs to DispositionAPIV2: the answer (classified, and its body), or a reason code.
    pub(super) async fn ozonetel_post(&self, body: &Value) -> Result<(OzonetelOutcome, String), String> {
        let reply = self.api.post(ozonetel::DISPOSITION_PATH, body).await?;
        Ok((classify_response(reply.status, &reply.body), reply.body))
    }

    /// "Saved successfully" or "already disposed" mean the Ozonetel call is over.
    pub(super) fn learn_from_ozonetel(self: &Rc<Self>, e: &OutboxEntry, outcome: &DispositionOutcome) {
        let DispositionTarget::Ozonetel { ucid, .. } = &e.target else { return };
        if matches!(outcome, DispositionOutcome::Saved | DispositionOutcome::AlreadyDisposed) {
            if let Some(hook) = self.call_over.read().clone() {
                hook.emit(ucid.clone());
            }
            let mut call = self.oz_call.write();
            if let Some(c) = call.as_mut().filter(|c| &c.ucid == ucid && c.ended_at_ms.is_none()) {
                c.ended_at_ms = Some(now_ms());
            }
        }
    }

    pub(super) fn set_oz_call(self: &Rc<Self>, mut call: Option<OzonetelCall>) {
        if let Some(c) = call.as_mut() {
            // The config gives what the page leaves out.
            if c.did.trim().is_empty() {
                c.did = self.config.ozonetel.did.clone();
            }
            if c.agent_id.trim().is_empty() {
                c.agent_id = self.config.ozonetel.agent_id.clone();
            }
            if self.oz_call.read().as_ref().is_some_and(|old| old.ucid == c.ucid) {
                // The same call again: keep what we learned (it may have ended).
                c.ended_at_ms = c.ended_at_ms.or(self.oz_call.read().as_ref().and_then(|o| o.ended_at_ms));
            }
        }
        if let Some(c) = &call {
            self.set_namespace(c.agent_id.trim());
        }
        let first = self.oz_call.read().is_none() && call.is_some();
        *self.oz_call.write() = call;
        if first && self.codes.read().is_empty() {
            self.load_codes();
        }
        self.publish();
    }

    /// The codes kept from the last list (shown at once), then the account's list.
    pub(super) fn load_codes(self: &Rc<Self>) {
        if let Some(cached) = storage_get(&self.codes_key()).and_then(|j| crate::json::read::strings_from_text(&j)) {
            *self.codes.write() = cached;
        }
        Rt::fetch_codes(self);
    }

    /// An Ozonetel call hung up: its entry may now be applied (queued) or due (wrap-up).
    pub(super) fn call_ended_at_ozonetel(self: &Rc<Self>, ucid: &str) {
        let key = ozonetel_key(ucid);
        let now = now_ms();
        self.forward(json!({"callEnded": key}));
        self.change(|ob| {
            ob.call_ended(&key, now);
        });
    }

    pub(super) fn oz_call_ended(self: &Rc<Self>, ucid: Option<&str>) {
        let ucid = {
            let mut call = self.oz_call.write();
            match call.as_mut().filter(|c| ucid.is_none_or(|u| u == c.ucid)) {
                Some(c) => {
                    if c.ended_at_ms.is_none() {
                        c.ended_at_ms = Some(now_ms());
                    }
                    c.ucid.clone()
                }
                None => match ucid {
                    Some(u) => u.to_string(),
                    None => return,
                },
            }
        };
        self.call_ended_at_ozonetel(&ucid);
    }

    /// Ozonetel's disposition list (`action: get`), for the active call.
    pub(super) fn fetch_codes(self: &Rc<Self>) {
        if !self.records_at_ozonetel() {
            return;
        }
        let Some(call) = self.oz_call.read().clone().or_else(|| self.codes_for.read().clone()) else { return };
        let body = match ozonetel::get_body(&self.config.ozonetel.user_name, &call.agent_id, &call.did, &call.ucid) {
            Ok(b) => b,
            Err(e) => {
                *self.codes_status.write() = CodesStatus::Failed(e.code().into());
                self.publish();
                return;
            }
        };
        if self.codes.read().is_empty() {
            *self.codes_status.write() = CodesStatus::Loading;
            self.publish();
        }
        let rt = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match rt.ozonetel_post(&body).await {
                Ok((_, text)) => ozonetel::parse_disposition_list(&text).map_err(|o: OzonetelOutcome| o.code().to_string()),
                Err(code) => Err(code),
            };
            if rt.closed.get() {
                return;
            }
            match result {
                Ok(list) => {
                    storage_set(&rt.codes_key(), &crate::json::json!(list).to_string());
                    *rt.codes.write() = list;
                    *rt.codes_status.write() = CodesStatus::Ready;
                }
                Err(code) => {
                    // With a cached list the picker still works; say so only without one.
                    if rt.codes.read().is_empty() {
                        *rt.codes_status.write() = CodesStatus::Failed(code);
                    }
                }
            }
            rt.publish();
        });
    }
}
