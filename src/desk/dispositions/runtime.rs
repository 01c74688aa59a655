//! The outbox's life in the browser: picks go in, every change is stored, shown and
//! shared, due entries are sent by the vendor's sender, answers come back, timers re-arm.

use crate::cell::Borrowing;
use crate::gather::Gather;
use super::via_genesys::prune_seen;
use super::{now_ms, Rt, SAVED_CARD_MS};
use super::super::events::DeskEvent;
use crate::model::{
    AgentStateOperation, DispositionChoice, DispositionOutbox, DispositionTarget, EntryState,
    OutboxEntry, StoreAction,
};
use crate::ozonetel;
use crate::model::outbox_json::{choice_to_value, target_to_value};
use crate::json::json;
use crate::json::Map;
use std::rc::{Rc, Weak};

impl Rt {
    pub(super) fn enqueue(self: &Rc<Self>, target: DispositionTarget, label: String, choice: DispositionChoice) -> Result<(), &'static str> {
        if choice.pause_after && choice.pause_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err("oz:pause-reason");
        }
        if self.records_at_ozonetel() && matches!(target, DispositionTarget::Ozonetel { .. }) {
            ozonetel::set_body(&self.config.ozonetel.user_name, &target, &choice).map_err(|e| e.code())?;
        }
        let now = now_ms();
        let code = choice.disposition.trim().to_string();
        let key_of = target.key();
        let mut result = Ok(());
        self.change(|ob| match ob.enqueue(target, choice, now) {
            Ok(key) => {
                ob.set_label(&key, &label);
                self.remember_code(&code);
            }
            Err(crate::model::OutboxError::AlreadySaved) => result = Err("already-saved"),
            Err(_) => result = Err("oz:empty-disposition"),
        });
        if result.is_ok() {
            if let Some(e) = self.outbox.read().entries().iter().find(|e| e.key == key_of) {
                let (target, choice) = (target_to_value(&e.target), choice_to_value(&e.choice));
                self.forward(json!({"pick": {"target": target, "choice": choice, "label": label}}));
            }
        }
        result
    }

    pub(super) fn retry_now(self: &Rc<Self>, key: &str) {
        let now = now_ms();
        self.change(|ob| {
            let _ = ob.retry_now(key, now);
        });
    }

    pub(super) fn discard(self: &Rc<Self>, key: &str) {
        self.forgotten.write().push(key.to_string());
        self.change(|ob| {
            let _ = ob.discard(key);
        });
    }

    /// Applies `f` to the outbox, then: reacts to entries that became Queued or Saved,
    /// writes storage, tells the panel, and arms the timer.
    pub(super) fn change(self: &Rc<Self>, f: impl FnOnce(&mut DispositionOutbox)) {
        let before = self.outbox_states();
        f(&mut self.outbox.write());
        prune_seen(&mut self.calls.write(), |k| self.outbox.read().get(k).is_some());
        self.persist();
        let changed = self.react_to(&before);
        self.publish();
        if changed {
            self.share_state();
        }
        self.schedule();
    }

    /// Where every entry stands now, to compare with after a change.
    pub(super) fn outbox_states(&self) -> Map<String, EntryState> {
        self.outbox.read().entries().iter().map(|e| (e.key.clone(), e.state.clone())).collect()
    }

    /// Reacts to the entries whose state differs from `before` (Saved, Queued); says
    /// whether any did.
    pub(super) fn react_to(self: &Rc<Self>, before: &Map<String, EntryState>) -> bool {
        let changed: Vec<OutboxEntry> =
            self.outbox.read().entries().iter().filter(|e| before.get(&e.key) != Some(&e.state)).cloned().gather();
        for e in &changed {
            match e.state {
                EntryState::Saved => self.on_saved(e),
                EntryState::Queued => self.on_queued(e),
                _ => {}
            }
        }
        !changed.is_empty()
    }

    /// A pick confirmed on a live call: the call carries it from now on.
    pub(super) fn on_queued(self: &Rc<Self>, e: &OutboxEntry) {
        let call_id = match &e.target {
            DispositionTarget::Genesys { .. } => {
                self.calls.read().get(&e.key).filter(|c| !c.released).map(|c| c.id.clone())
            }
            DispositionTarget::Ozonetel { ucid, .. } => self.line_calls().then(|| ucid.clone()),
        };
        if let Some(call_id) = call_id {
            let disposition = e.choice.disposition.clone();
            self.dispatch.emit(DeskEvent::Store(StoreAction::DispositionRecorded { call_id, disposition }));
        }
    }

    /// Saved: tell the host page, pause if asked (Genesys), and let a wrap-up card go.
    pub(super) fn on_saved(self: &Rc<Self>, e: &OutboxEntry) {
        let c = &e.choice;
        let detail = match &e.target {
            DispositionTarget::Genesys { call_id, call_uuid, .. } => json!({
                "vendor": "genesys", "callId": call_id, "callUuid": call_uuid,
                "disposition": c.disposition, "comments": c.comments,
                "pauseAfter": c.pause_after, "pauseReason": c.pause_reason, "callbackTime": c.callback_time,
            }),
            DispositionTarget::Ozonetel { ucid, did, agent_id } => json!({
                "vendor": "ozonetel", "ucid": ucid, "did": did, "agentID": agent_id,
                "disposition": c.disposition, "comments": c.comments,
                "pauseAfter": c.pause_after, "pauseReason": c.pause_reason, "callbackTime": c.callback_time,
            }),
        };
        // One tab (the sender) tells its page and pauses the agent; the others only show it.
        if self.leading.get() {
            if let Some(emit) = self.host_event.read().clone() {
                emit.emit(("disposition-saved".into(), detail));
            }
        }
        // Which card it was, and whether that card is a wrap-up card now.
        let (call_id, released) = match &e.target {
            DispositionTarget::Genesys { call_id, .. } => {
                if c.pause_after && self.leading.get() {
                    if let Some(hook) = self.agent_state.read().clone() {
                        hook.emit(AgentStateOperation::NotReady { reason_code: c.pause_reason.clone() });
                    }
                }
                let seen = self.calls.read().get(&e.key).cloned();
                let released = seen.as_ref().is_some_and(|s| s.released);
                (seen.map(|s| s.id).unwrap_or_else(|| call_id.clone()), released)
            }
            // Ozonetel pauses the agent itself (pauseAfterDispose); its calls are cards
            // only with Ozonetel telephony.
            DispositionTarget::Ozonetel { ucid, .. } if self.line_calls() => (ucid.clone(), true),
            DispositionTarget::Ozonetel { .. } => return,
        };
        let record = DeskEvent::Store(StoreAction::DispositionRecorded { call_id, disposition: c.disposition.clone() });
        if released {
            // Let the agent see "Saved" on the wrap-up card for a moment.
            let dispatch = self.dispatch.clone();
            let mut later = self.later.write();
            if later.len() >= 8 {
                // Long fired; dropping them cancels nothing.
                drop(later.remove(0));
            }
            later.push(crate::timer::after(SAVED_CARD_MS, move || dispatch.emit(record)));
        } else {
            self.dispatch.emit(record);
        }
    }

    /// Arms the timer for the next entry that falls due.
    pub(super) fn schedule(self: &Rc<Self>) {
        if self.closed.get() || !self.leading.get() {
            self.timer.write().take();
            return;
        }
        let next = self.outbox.read().next_due_at();
        let timer = next.map(|at| {
            let delay = at.saturating_sub(now_ms()).min(i32::MAX as u64) as u32;
            let weak: Weak<Rt> = Rc::downgrade(self);
            crate::timer::after(delay, move || {
                if let Some(rt) = weak.upgrade() {
                    Rt::pump(&rt);
                }
            })
        });
        *self.timer.write() = timer;
    }

    /// Sends everything due now.
    pub(super) fn pump(self: &Rc<Self>) {
        if self.closed.get() || !self.leading.get() {
            return;
        }
        let now = now_ms();
        let mut started = Vec::new();
        {
            let sending = self.sending.read();
            let forgotten = &self.forgotten;
            self.change(|ob| {
                forgotten.write().extend(ob.tick(now));
                let due: Vec<OutboxEntry> =
                    ob.due(now).into_iter().filter(|e| !sending.contains_key(&e.key)).cloned().gather();
                for e in due {
                    if ob.mark_sent(&e.key, now).is_ok() {
                        started.push(ob.get(&e.key).cloned().unwrap_or(e));
                    }
                }
            });
        }
        for e in started {
            self.sending.write().insert(e.key.clone(), ());
            let rt = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = match &e.target {
                    // Only a build with the vendor's sender sends to it (else the entry
                    // stays in the outbox); a constant does not remove an await's state
                    // from the future, so a sender is left out by name.
                    #[cfg(feature = "genesys-dispositions")]
                    DispositionTarget::Genesys { .. } => rt.send_genesys(&e).await,
                    #[cfg(not(feature = "genesys-dispositions"))]
                    DispositionTarget::Genesys { .. } => None,
                    #[cfg(feature = "ozonetel-dispositions")]
                    DispositionTarget::Ozonetel { .. } => Some(rt.send_ozonetel(&e).await),
                    #[cfg(not(feature = "ozonetel-dispositions"))]
                    DispositionTarget::Ozonetel { .. } => None,
                };
                rt.sending.write().remove(&e.key);
                if rt.closed.get() {
                    return;
                }
                if let Some(outcome) = outcome {
                    rt.learn_from_ozonetel(&e, &outcome);
                    let now = now_ms();
                    rt.change(|ob| {
                        let _ = ob.record_outcome(&e.key, outcome, now);
                    });
                } else {
                    rt.schedule();
                }
            });
        }
    }

    /// Retryable failures go again now (back online, a token provider arrived).
    pub(super) fn retry_waiting(self: &Rc<Self>) {
        let keys: Vec<String> = self
            .outbox
            .read()
            .entries()
            .iter()
            .filter(|e| matches!(e.state, EntryState::Failed { retryable: true, .. } | EntryState::Pending))
            .map(|e| e.key.clone())
            .gather();
        if keys.is_empty() {
            return;
        }
        let now = now_ms();
        self.change(|ob| {
            for k in keys {
                let _ = ob.retry_now(&k, now);
            }
        });
    }

}
