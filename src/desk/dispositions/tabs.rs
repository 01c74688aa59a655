//! Many tabs, one sender: a tab that does not send hands its picks, retries and
//! discards to the one that does, which tells every tab where each entry stands.

use crate::cell::Borrowing;
use super::{now_ms, Rt};
use crate::model::outbox_json::{choice_from_value, target_from_value};
use crate::model::DispositionOutbox;
use crate::json::{json, Value};
use std::rc::Rc;

impl Rt {
    /// In a tab that does not send: hands `payload` to the sender and says true.
    pub(super) fn forward(&self, payload: Value) -> bool {
        if self.leading.get() {
            return false;
        }
        if let Some(post) = self.tab_post.read().clone() {
            post.emit(payload);
        }
        true
    }

    pub(super) fn on_tab_message(this: &Rc<Self>, payload: &Value) {
        let now = now_ms();
        if this.leading.get() {
            if let Some(pick) = payload.get("pick") {
                let target = pick.get("target").and_then(target_from_value);
                let choice = pick.get("choice").and_then(choice_from_value);
                let label = pick.get("label").and_then(Value::as_str).unwrap_or("").to_string();
                if let (Some(target), Some(choice)) = (target, choice) {
                    // The other tab showed the agent any refusal already.
                    let _ = this.enqueue(target, label, choice);
                }
            } else if let Some(key) = payload.get("retry").and_then(Value::as_str) {
                this.retry_now(key);
            } else if let Some(key) = payload.get("discard").and_then(Value::as_str) {
                this.discard(key);
            } else if let Some(key) = payload.get("callEnded").and_then(Value::as_str) {
                this.change(|ob| {
                    ob.call_ended(key, now);
                });
            } else if payload.get("hello").is_some() {
                this.share_state();
            }
        } else if let Some(state) = payload.get("state").and_then(Value::as_str) {
            // The sender's outbox: show it (wrap-up cards close on Saved here too).
            let Ok(theirs) = DispositionOutbox::from_json(state, now) else { return };
            let before = this.outbox_states();
            *this.outbox.write() = theirs;
            this.react_to(&before);
            this.publish();
        }
    }

    /// The sender tells the other tabs where every entry stands.
    pub(super) fn share_state(&self) {
        if !self.leading.get() {
            return;
        }
        if let Some(post) = self.tab_post.read().clone() {
            post.emit(json!({"state": self.outbox.read().to_json()}));
        }
    }
}
