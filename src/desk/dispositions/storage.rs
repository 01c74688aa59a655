//! The outbox in localStorage: one entry list and one recent-codes list per vendor and
//! agent, merged with what other tabs stored (the sender's word is final on its entries).

use crate::cell::Borrowing;
use super::{now_ms, Rt, RECENT_MAX};
use crate::config::DispositionVendor;
use crate::model::DispositionOutbox;
use std::rc::Rc;

pub(super) fn storage_get(key: &str) -> Option<String> {
    crate::host::storage::get(key)
}

pub(super) fn storage_set(key: &str, value: &str) {
    if let Err(e) = crate::host::storage::set(key, value) {
        web_sys::console::warn_2(&wasm_bindgen::JsValue::from_str("crm-call-widget: could not save dispositions"), &e);
    }
}

impl Rt {
    pub(super) fn vendor_name(&self) -> &'static str {
        match self.vendor {
            DispositionVendor::Genesys => "genesys",
            DispositionVendor::Ozonetel => "ozonetel",
        }
    }

    /// The userData key the page configured for Genesys dispositions (else the server's).
    pub(super) fn disposition_key(&self) -> Option<String> {
        Some(self.config.disposition_key.trim()).filter(|k| !k.is_empty()).map(str::to_string)
    }

    pub(super) fn outbox_key(&self, ns: &str) -> String {
        format!("ccw.dispositions.v1.{}.{ns}", self.vendor_name())
    }

    pub(super) fn recent_key(&self, ns: &str) -> String {
        format!("ccw.recent-codes.v1.{}.{ns}", self.vendor_name())
    }

    pub(super) fn codes_key(&self) -> String {
        format!("ccw.codes.v1.ozonetel.{}", self.config.ozonetel.user_name.trim())
    }

    /// The agent is known: restore what storage holds for them and merge it in.
    pub(super) fn set_namespace(self: &Rc<Self>, agent: &str) {
        if agent.is_empty() || self.namespace.read().is_some() {
            return;
        }
        *self.namespace.write() = Some(agent.to_string());
        let now = now_ms();
        if let Some(json) = storage_get(&self.outbox_key(agent)) {
            match DispositionOutbox::from_json(&json, now) {
                Ok(stored) => {
                    let mut ob = self.outbox.write();
                    *ob = ob.merged_with(&stored, &[]);
                }
                Err(_) => web_sys::console::warn_1(&"crm-call-widget: stored dispositions were unreadable".into()),
            }
        }
        if let Some(json) = storage_get(&self.recent_key(agent)) {
            if let Some(list) = crate::json::read::strings_from_text(&json) {
                let mut recent = self.recent.write();
                for code in list {
                    if !recent.contains(&code) && recent.len() < RECENT_MAX {
                        recent.push(code);
                    }
                }
            }
        }
        self.change(|_| {});
    }

    pub(super) fn remember_code(&self, code: &str) {
        {
            let mut recent = self.recent.write();
            crate::gather::keep(&mut recent, |c| c != code);
            recent.insert(0, code.to_string());
            recent.truncate(RECENT_MAX);
        }
        if let Some(ns) = self.namespace.read().as_deref() {
            storage_set(&self.recent_key(ns), &crate::json::json!(*self.recent.read()).to_string());
        }
    }

    /// Writes the outbox to storage, merged with what other tabs stored there.
    pub(super) fn persist(&self) {
        let Some(ns) = self.namespace.read().clone() else { return };
        let key = self.outbox_key(&ns);
        let stored = storage_get(&key)
            .and_then(|json| DispositionOutbox::from_stored(&json).ok())
            .unwrap_or_default();
        // The sender's word is final on the entries it knows; another tab only adds picks.
        let merged = if self.leading.get() {
            self.outbox.read().merged_with(&stored, &self.forgotten.read())
        } else {
            stored.merged_with(&self.outbox.read(), &self.forgotten.read())
        };
        storage_set(&key, &merged.to_json());
    }

    /// Takes what storage holds as the truth for the entries in it, keeping this tab's
    /// own picks that storage lacks.
    pub(super) fn take_up_storage(&self) {
        let Some(ns) = self.namespace.read().clone() else { return };
        let Some(stored) = storage_get(&self.outbox_key(&ns)).and_then(|j| DispositionOutbox::from_json(&j, now_ms()).ok()) else {
            return;
        };
        let mut ob = self.outbox.write();
        *ob = stored.merged_with(&ob, &self.forgotten.read());
    }

}
