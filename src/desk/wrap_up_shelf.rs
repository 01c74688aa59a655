//! WrapUpShelf: the agent's wrap-up cards kept in localStorage, so a page reload (a CRM
//! navigation) does not lose a call that still waits for its disposition. GWS lists live
//! calls only, so after a reload nothing else could bring these cards back.
//!
//! - The tab that leads the agent's session writes the shelf whenever its set of cards
//!   changes; every tab reads it once, after its first state read.
//! - A card keeps what the panel shows and what a disposition needs (ids, URI, parties,
//!   times, deadline); the call's attached data (customer data) is not stored.
//! - Cards older than a working day are let go, and at most `MAX_CARDS` are kept.

use crate::model::{Call, CallStore};
use gloo_storage::{LocalStorage, Storage};

/// Cards older than this are not brought back (ms).
const MAX_AGE_MS: u64 = 12 * 60 * 60 * 1000;
/// At most this many cards are kept (newest first).
const MAX_CARDS: usize = 20;

/// The storage key of an agent's shelf.
fn key(agent: &str) -> String {
    format!("ccw.wrap-ups.v1.genesys.{agent}")
}

/// The shelf's JSON for the store's wrap-up cards.
pub fn shelf_json(store: &CallStore) -> String {
    let mut cards: Vec<Call> = store
        .wrap_ups()
        .map(|c| Call { user_data: Default::default(), capabilities: Default::default(), ..c.clone() })
        .collect();
    cards.sort_by_key(|c| std::cmp::Reverse(c.wrap_up.as_ref().map_or(0, |w| w.released_at_ms)));
    cards.truncate(MAX_CARDS);
    serde_json::to_string(&cards).unwrap_or_else(|_| "[]".into())
}

/// The cards in a shelf's JSON still worth showing at `now_ms`; nothing for a bad shelf.
pub fn cards_from_json(json: &str, now_ms: u64) -> Vec<Call> {
    let cards: Vec<Call> = serde_json::from_str(json).unwrap_or_default();
    cards
        .into_iter()
        .filter(|c| c.in_wrap_up())
        .filter(|c| c.wrap_up.as_ref().is_some_and(|w| now_ms.saturating_sub(w.released_at_ms) < MAX_AGE_MS))
        .take(MAX_CARDS)
        .collect()
}

/// Writes the shelf when it differs from what `last` says was written.
pub fn save(agent: &str, store: &CallStore, last: &mut String) {
    if agent.is_empty() {
        return;
    }
    let json = shelf_json(store);
    if *last == json {
        return;
    }
    let result = if store.wrap_ups().next().is_none() {
        LocalStorage::raw().remove_item(&key(agent))
    } else {
        LocalStorage::raw().set_item(&key(agent), &json)
    };
    match result {
        Ok(()) => *last = json,
        Err(e) => web_sys::console::warn_2(&"crm-call-widget: could not keep the wrap-up cards".into(), &e),
    }
}

/// The agent's shelf as it was left.
pub fn load(agent: &str, now_ms: u64) -> Vec<Call> {
    match LocalStorage::raw().get_item(&key(agent)) {
        Ok(Some(json)) => cards_from_json(&json, now_ms),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallState, CallUpdate, NotificationKind, StoreAction};

    fn ended_call(id: &str, at: u64) -> Vec<StoreAction> {
        let mut call = Call { id: id.into(), uuid: format!("u-{id}"), state: CallState::Established, ..Default::default() };
        call.user_data.insert("CustomerSSN".into(), "123".into());
        let live = StoreAction::CallUpdated(CallUpdate {
            call: call.clone(),
            kind: NotificationKind::StatusChange,
            wrap_up_secs: None,
            at_ms: at,
        });
        call.state = CallState::Released;
        let ended =
            StoreAction::CallUpdated(CallUpdate { call, kind: NotificationKind::StatusChange, wrap_up_secs: Some(30), at_ms: at + 1 });
        vec![live, ended]
    }

    #[test]
    fn cards_go_on_the_shelf_without_customer_data_and_come_back() {
        let mut store = CallStore::new();
        for a in ended_call("a", 1_000).into_iter().chain(ended_call("b", 2_000)) {
            store.reduce(a);
        }
        let json = shelf_json(&store);
        assert!(!json.contains("CustomerSSN"), "attached data stays out of storage: {json}");
        let cards = cards_from_json(&json, 10_000);
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["b", "a"], "newest first");
        assert_eq!(cards[0].wrap_up.as_ref().and_then(|w| w.deadline_ms), Some(2_001 + 30_000));
    }

    #[test]
    fn old_cards_and_bad_shelves_bring_nothing_back() {
        let mut store = CallStore::new();
        for a in ended_call("a", 1_000) {
            store.reduce(a);
        }
        let json = shelf_json(&store);
        assert_eq!(cards_from_json(&json, 1_001 + MAX_AGE_MS + 1).len(), 0);
        assert_eq!(cards_from_json("{not json", 0).len(), 0);
        assert_eq!(cards_from_json(r#"[{"id":"x"}]"#, 0).len(), 0);
    }

    #[test]
    fn the_shelf_is_bounded() {
        let mut store = CallStore::new();
        for i in 0..(MAX_CARDS as u64 + 5) {
            for a in ended_call(&format!("c{i}"), 1_000 + i * 10) {
                store.reduce(a);
            }
        }
        assert_eq!(cards_from_json(&shelf_json(&store), 5_000).len(), MAX_CARDS);
    }
}
