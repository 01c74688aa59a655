//! WrapUpShelf: the agent's calls kept in localStorage, so a page reload (a CRM
//! navigation) does not lose a call that waits, or will wait, for its disposition. GWS
//! lists live calls only: after a reload nothing else knows of a wrap-up card, nor of a
//! call that ended while the page was loading.
//!
//! - The tab that leads the agent's session writes the shelf whenever its calls change;
//!   every tab reads it once, after its first state read (`StoreAction::ShelfRestored`:
//!   cards come back as they were; a live call the read no longer lists becomes a card).
//! - A call keeps what the panel shows and what a disposition needs (ids, URI, parties,
//!   times, deadline); its attached data (customer data) and capabilities are not stored.
//! - Calls older than a working day are let go, and at most `MAX_CARDS` are kept.

use crate::gather::Gather;
use crate::model::{Call, CallStore};
use crate::host::storage;

/// Cards older than this are not brought back (ms).
const MAX_AGE_MS: u64 = 12 * 60 * 60 * 1000;
/// At most this many cards are kept (newest first).
const MAX_CARDS: usize = 20;

/// The storage key of an agent's shelf (`vendor`: the telephony's name).
fn key(vendor: &str, agent: &str) -> String {
    format!("ccw.wrap-ups.v1.{vendor}.{agent}")
}

/// When a shelved call last mattered: its end (a card) or its start (a live call).
fn since_ms(call: &Call) -> u64 {
    call.wrap_up.as_ref().map(|w| w.released_at_ms).or(call.started_at_ms).unwrap_or(0)
}

/// The shelf's JSON for the store's calls.
pub fn shelf_json(store: &CallStore) -> String {
    let mut calls: Vec<Call> = store
        .calls()
        .iter()
        .map(|c| Call { user_data: Default::default(), capabilities: Default::default(), updated_at_ms: 0, ..c.clone() })
        .gather();
    crate::model::sort::by_key(&mut calls, |c| std::cmp::Reverse(since_ms(c)));
    calls.truncate(MAX_CARDS);
    crate::model::call_json::calls_to_text(&calls)
}

/// The calls in a shelf's JSON still worth bringing back at `now_ms`; nothing for a bad
/// shelf.
pub fn calls_from_json(json: &str, now_ms: u64) -> Vec<Call> {
    let calls = parse_calls(json);
    calls
        .into_iter()
        .filter(|c| !c.state.is_released() || c.in_wrap_up())
        .filter(|c| now_ms.saturating_sub(since_ms(c)) < MAX_AGE_MS)
        .take(MAX_CARDS)
        .gather()
}

/// Calls from their JSON (the shelf's, or a tab's announcement); none from bad JSON, and
/// a call that cannot be read is left out.
pub fn parse_calls(json: &str) -> Vec<Call> {
    crate::model::call_json::calls_from_text(json)
}

/// Writes the shelf when it differs from what `last` says was written.
pub fn save(vendor: &str, agent: &str, store: &CallStore, last: &mut String) {
    if agent.is_empty() {
        return;
    }
    let json = shelf_json(store);
    if *last == json {
        return;
    }
    let result = if store.calls().is_empty() {
        storage::remove(&key(vendor, agent))
    } else {
        storage::set(&key(vendor, agent), &json)
    };
    match result {
        Ok(()) => *last = json,
        Err(e) => web_sys::console::warn_2(&"crm-call-widget: could not keep the wrap-up cards".into(), &e),
    }
}

/// The agent's shelf as it was left.
pub fn load(vendor: &str, agent: &str, now_ms: u64) -> Vec<Call> {
    match storage::get(&key(vendor, agent)) {
        Some(json) => calls_from_json(&json, now_ms),
        None => Vec::new(),
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
    fn calls_go_on_the_shelf_without_customer_data_and_come_back() {
        let mut store = CallStore::new();
        for a in ended_call("a", 1_000).into_iter().chain(ended_call("b", 2_000)) {
            store.reduce(a);
        }
        // A live call goes on the shelf too (it may end while the page reloads).
        store.reduce(ended_call("live", 3_000).remove(0));
        let json = shelf_json(&store);
        assert!(!json.contains("CustomerSSN"), "attached data stays out of storage: {json}");
        let cards = calls_from_json(&json, 10_000);
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["live", "b", "a"], "newest first");
        assert_eq!(cards[1].wrap_up.as_ref().and_then(|w| w.deadline_ms), Some(2_001 + 30_000));
        assert!(cards[0].capabilities.is_empty() && cards[0].user_data.is_empty());
    }

    #[test]
    fn old_cards_and_bad_shelves_bring_nothing_back() {
        let mut store = CallStore::new();
        for a in ended_call("a", 1_000) {
            store.reduce(a);
        }
        let json = shelf_json(&store);
        assert_eq!(calls_from_json(&json, 1_001 + MAX_AGE_MS + 1).len(), 0);
        assert_eq!(calls_from_json("{not json", 0).len(), 0);
        assert_eq!(calls_from_json(r#"[{"id":"x"}]"#, 0).len(), 0);
    }

    #[test]
    fn the_shelf_is_bounded() {
        let mut store = CallStore::new();
        for i in 0..(MAX_CARDS as u64 + 5) {
            for a in ended_call(&format!("c{i}"), 1_000 + i * 10) {
                store.reduce(a);
            }
        }
        assert_eq!(calls_from_json(&shelf_json(&store), 5_000).len(), MAX_CARDS);
    }
}
