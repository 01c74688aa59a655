//! Genesys dispositions: SetCallDisposition through the GWS session, confirmed by the
//! call's notifications (AttachedDataChanged on a live call, its release), and a resend
//! that reads the call first so nothing is recorded twice.

use crate::cell::Borrowing;
use crate::gather::Gather;
use super::{now_ms, Rt, DEFAULT_KEY};
use crate::config::DispositionVendor;
use crate::genesys::{self, GwsError};
use crate::model::{Call, DispositionOutcome, DispositionTarget, EntryState, OutboxEntry, StoreAction};
use super::view::genesys_key;
use crate::json::Value;
use crate::json::Map;
use std::rc::Rc;

/// What the runtime knows of a Genesys call from notifications and state reads.
#[derive(Clone, Debug)]
pub(super) struct SeenCall {
    pub(super) id: String,
    pub(super) released: bool,
    pub(super) value: Option<String>,
}

impl Rt {
    /// Genesys: the outcome, or `None` while a live call's confirmation is awaited.
    #[cfg_attr(not(feature = "genesys-dispositions"), allow(dead_code))]
    pub(super) async fn send_genesys(&self, e: &OutboxEntry) -> Option<DispositionOutcome> {
        let DispositionTarget::Genesys { call_id, disposition_key, .. } = &e.target else { return None };
        let Some(gws) = self.gws.as_ref() else { return Some(DispositionOutcome::Rejected("call-incomplete".into())) };
        let value_key = disposition_key.clone().unwrap_or_else(|| DEFAULT_KEY.to_string());
        let code = e.choice.disposition.trim();
        if e.attempts > 1 || e.sent_before {
            // An earlier send may have landed: look before sending it again, and when the
            // call cannot be read now, try later rather than send blind.
            let read = gws.get(&format!("/api/v2/me/calls/{call_id}")).await;
            if let Some(outcome) = before_resend(read.as_deref().map_err(|e| e.clone()), &value_key, code) {
                return Some(outcome);
            }
        }
        let req = match genesys::disposition_request(&e.target, &e.choice) {
            Some(Ok(req)) => req,
            Some(Err(_)) | None => return Some(DispositionOutcome::Rejected("call-incomplete".into())),
        };
        match gws.post(&req).await {
            Ok(_) => {
                let seen = self.calls.read().get(&e.key).cloned();
                match seen {
                    Some(c) if !c.released => {
                        if c.value.as_deref() == Some(code) {
                            return Some(DispositionOutcome::Queued);
                        }
                        self.accepted.write().insert(e.key.clone(), ());
                        None
                    }
                    // Released (or unknown): statusCode 0 is the definite answer (seed 000).
                    _ => Some(DispositionOutcome::Saved),
                }
            }
            Err(err) => Some(err.disposition_outcome()),
        }
    }

    pub(super) fn observe(self: &Rc<Self>, actions: &[StoreAction]) {
        if self.vendor != DispositionVendor::Genesys || !DispositionVendor::Genesys.built() {
            return;
        }
        let key_name = self.disposition_key().unwrap_or_else(|| DEFAULT_KEY.to_string());
        for action in actions {
            match action {
                StoreAction::AgentIdentified(who) => self.set_namespace(who.user_name.trim()),
                StoreAction::Snapshot { calls, .. } => {
                    let live: Map<String, ()> = calls.iter().filter(|c| !c.state.is_released()).map(|c| (genesys_key(c), ())).collect();
                    for c in calls {
                        self.see(c, &key_name);
                    }
                    // Calls that ended while nobody listened.
                    let gone: Vec<String> = self.calls.read().keys().filter(|k| !live.contains_key(*k)).cloned().gather();
                    for k in &gone {
                        if let Some(c) = self.calls.write().get_mut(k) {
                            c.released = true;
                        }
                    }
                    if !self.leading.get() {
                        continue;
                    }
                    let now = now_ms();
                    let accepted = &self.accepted;
                    let stale: Vec<String> = self
                        .outbox
                        .read()
                        .entries()
                        .iter()
                        .filter(|e| matches!(e.target, DispositionTarget::Genesys { .. }) && !live.contains_key(&e.key))
                        .map(|e| e.key.clone())
                        .gather();
                    if stale.is_empty() {
                        continue;
                    }
                    self.change(|ob| {
                        for k in &stale {
                            ob.call_ended(k, now);
                            if accepted.write().remove(k).is_some() {
                                let _ = ob.record_outcome(k, DispositionOutcome::Saved, now);
                            }
                        }
                    });
                }
                StoreAction::CallUpdated(update) => {
                    let key = self.see(&update.call, &key_name);
                    self.confirm(&key);
                }
                StoreAction::ShelfRestored { calls, .. } => {
                    // Ended, all of them (the desk hands back none the read listed).
                    for c in calls {
                        self.see(c, &key_name);
                        if let Some(seen) = self.calls.write().get_mut(&genesys_key(c)) {
                            seen.released = true;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn see(&self, call: &Call, key_name: &str) -> String {
        let key = genesys_key(call);
        let value = call.user_data.get(key_name).and_then(|v| v.as_str()).map(str::to_string);
        self.calls.write().insert(
            key.clone(),
            SeenCall { id: call.id.clone(), released: call.state.is_released(), value },
        );
        key
    }

    /// What a Genesys call's latest state means for its entry.
    pub(super) fn confirm(self: &Rc<Self>, key: &str) {
        if !self.leading.get() {
            return;
        }
        let Some(seen) = self.calls.read().get(key).cloned() else { return };
        let Some(entry) = self.outbox.read().get(key).cloned() else { return };
        let now = now_ms();
        let code = entry.choice.disposition.trim().to_string();
        match entry.state {
            EntryState::InFlight { .. } if self.accepted.read().contains_key(key) => {
                let outcome = if seen.released {
                    Some(DispositionOutcome::Saved)
                } else if seen.value.as_deref() == Some(code.as_str()) {
                    Some(DispositionOutcome::Queued)
                } else {
                    None
                };
                if let Some(outcome) = outcome {
                    self.accepted.write().remove(key);
                    self.change(|ob| {
                        let _ = ob.record_outcome(key, outcome, now);
                    });
                }
            }
            EntryState::Queued if seen.released => self.change(|ob| {
                ob.call_ended(key, now);
            }),
            _ => {}
        }
    }
}

/// Forgets the ended calls no outbox entry needs any more, so an eight-hour shift does
/// not grow the map by a call each time (a live call, or one with an entry, stays).
pub(super) fn prune_seen(calls: &mut Map<String, SeenCall>, has_entry: impl Fn(&str) -> bool) {
    calls.retain(|key, c| !c.released || has_entry(key));
}

/// Before a resend: what reading the call (`GET /api/v2/me/calls/{id}`) says. `Some` is
/// the entry's outcome without sending — the code is on the call already (Queued on a live
/// call, Saved on a released one), or the read failed in a way that may pass (try later:
/// sending blind could record it twice). `None`: send. A definite refusal of the read (the
/// call is gone, statusCode 6 …) also means send: the POST gets its own definite answer.
pub(super) fn before_resend(read: Result<&str, GwsError>, key: &str, code: &str) -> Option<DispositionOutcome> {
    match read {
        Ok(body) => match read_call(body, key) {
            Some((released, value)) if value.as_deref() == Some(code) => {
                Some(if released { DispositionOutcome::Saved } else { DispositionOutcome::Queued })
            }
            Some(_) => None,
            None => Some(GwsError::UnexpectedHttp(200).disposition_outcome()),
        },
        Err(e) if e.retryable() || e.needs_session() => Some(e.disposition_outcome()),
        Err(_) => None,
    }
}

/// A call resource's state and `userData[key]` (`GET /api/v2/me/calls/{id}`).
pub(super) fn read_call(body: &str, key: &str) -> Option<(bool, Option<String>)> {
    let v: Value = crate::json::parse(body).ok()?;
    let call = v.get("call").unwrap_or(&v);
    let released = call.get("state").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("Released"));
    let value = call.get("userData").and_then(|u| u.get(key)).and_then(Value::as_str).map(str::to_string);
    Some((released, value))
}

#[cfg(test)]
mod tests {
    use super::{before_resend, prune_seen, read_call, SeenCall};
    use crate::json::Map;

    #[test]
    fn ended_calls_without_an_entry_are_forgotten() {
        let seen = |id: &str, released| SeenCall { id: id.into(), released, value: None };
        let mut calls: Map<String, SeenCall> = Map::new();
        calls.insert("live".into(), seen("live", false));
        calls.insert("ended-with-entry".into(), seen("e1", true));
        calls.insert("ended".into(), seen("e2", true));
        prune_seen(&mut calls, |k| k == "ended-with-entry");
        let mut left: Vec<&str> = calls.keys().map(String::as_str).collect();
        left.sort();
        assert_eq!(left, ["ended-with-entry", "live"]);
    }
    use crate::genesys::GwsError;
    use crate::model::DispositionOutcome;

    #[test]
    fn a_resend_looks_first_and_never_goes_blind() {
        let key = "DispositionCode";
        let released = r#"{"statusCode":0,"call":{"state":"Released","userData":{"DispositionCode":"Sale"}}}"#;
        let live = r#"{"statusCode":0,"call":{"state":"Established","userData":{"DispositionCode":"Sale"}}}"#;
        let without = r#"{"statusCode":0,"call":{"state":"Released","userData":{}}}"#;
        assert_eq!(before_resend(Ok(released), key, "Sale"), Some(DispositionOutcome::Saved));
        assert_eq!(before_resend(Ok(live), key, "Sale"), Some(DispositionOutcome::Queued));
        // Another code, or none: the earlier send did not land — send.
        assert_eq!(before_resend(Ok(released), key, "Resolved"), None);
        assert_eq!(before_resend(Ok(without), key, "Sale"), None);
        // The read failed in a way that may pass (a cut, a 5xx, a garbled answer, the
        // session): not now — the first send may have landed.
        for e in [GwsError::ServerUnavailable { http: 0 }, GwsError::ServerUnavailable { http: 503 }, GwsError::InternalError] {
            assert!(matches!(before_resend(Err(e), key, "Sale"), Some(DispositionOutcome::Retryable(_))));
        }
        assert!(matches!(before_resend(Ok("{garbled"), key, "Sale"), Some(DispositionOutcome::Retryable(_))));
        assert_eq!(before_resend(Err(GwsError::CsrfRejected), key, "Sale"), Some(DispositionOutcome::AuthExpired));
        // The call is gone: send, and let the POST's answer decide.
        assert_eq!(before_resend(Err(GwsError::NotFound), key, "Sale"), None);
    }

    #[test]
    fn a_call_resource_is_read_for_its_disposition() {
        let body = r#"{"statusCode":0,"call":{"id":"C1","state":"Released","userData":{"DispositionCode":"Sale"}}}"#;
        assert_eq!(read_call(body, "DispositionCode"), Some((true, Some("Sale".into()))));
        let live = r#"{"statusCode":0,"call":{"state":"Established","userData":{}}}"#;
        assert_eq!(read_call(live, "DispositionCode"), Some((false, None)));
        assert_eq!(read_call("nope", "DispositionCode"), None);
    }
}
