//! Host events: turns changes of the call store into the documented CustomEvents a CRM
//! listens to (`call-ringing`, `call-connected`, `call-ended`, `agent-state-changed`,
//! `connection-changed`). The diff is pure (`events_between`), so it is tested natively.

use crate::gather::Gather;
use crate::model::{Call, CallKind, CallState, CallStore, ConnectionStatus};
use crate::json::{json, Value};

/// One event for the host page: its name and its detail.
#[derive(Clone, Debug, PartialEq)]
pub struct HostEvent {
    pub name: &'static str,
    pub detail: Value,
}

fn direction(kind: &CallKind) -> &str {
    match kind {
        CallKind::Inbound => "inbound",
        CallKind::Outbound => "outbound",
        CallKind::Internal => "internal",
        CallKind::Consult => "consult",
        CallKind::Other(s) => s.as_str(),
    }
}

fn parties(call: &Call) -> Value {
    Value::Array(call.parties.iter().map(|p| json!({"number": p.number, "display": p.label()})).gather())
}

/// The detail of `call-ringing`: what a CRM needs for a screen pop.
pub fn ringing_detail(call: &Call) -> Value {
    json!({
        "callId": call.id, "callUuid": call.uuid, "ani": call.title(), "dnis": call.dnis,
        "direction": direction(&call.kind), "userData": call.user_data,
    })
}

/// The detail of `call-ended`: a summary a CRM can log as an activity.
pub fn summary(call: &Call, ended_at_ms: u64) -> Value {
    json!({
        "callId": call.id, "callUuid": call.uuid, "parties": parties(call), "direction": direction(&call.kind),
        "dnis": call.dnis, "startedAt": call.started_at_ms, "endedAt": ended_at_ms, "durationSeconds": call.elapsed_s(ended_at_ms),
        "answered": call.answered, "disposition": call.disposition, "userData": call.user_data,
    })
}

fn connection_detail(c: &ConnectionStatus) -> Value {
    match c {
        ConnectionStatus::Connecting => json!({"status": "connecting"}),
        ConnectionStatus::Connected => json!({"status": "connected"}),
        ConnectionStatus::Reconnecting { attempt, next_retry_ms } => {
            json!({"status": "reconnecting", "attempt": attempt, "nextRetryMs": next_retry_ms})
        }
        ConnectionStatus::Stopped { reason } => json!({"status": "stopped", "reason": reason}),
        ConnectionStatus::SessionExpired => json!({"status": "session-expired"}),
        ConnectionStatus::SessionNotKept => json!({"status": "session-not-kept"}),
    }
}

fn was(before: &CallStore, call: &Call) -> Option<CallState> {
    before.calls().iter().find(|c| c.same_call(call)).map(|c| c.state.clone())
}

/// The events that the change from `before` to `after` means for the host, in order.
pub fn events_between(before: &CallStore, after: &CallStore, now_ms: u64) -> Vec<HostEvent> {
    let mut out = Vec::new();
    for call in after.calls() {
        let previous = was(before, call);
        let first_seen = previous.is_none();
        match call.state {
            CallState::Ringing if first_seen => out.push(HostEvent { name: "call-ringing", detail: ringing_detail(call) }),
            CallState::Established if previous.as_ref().is_none_or(|p| p.stage() == Some(0)) => out.push(HostEvent {
                name: "call-connected",
                detail: json!({"callId": call.id, "callUuid": call.uuid, "parties": parties(call), "direction": direction(&call.kind), "userData": call.user_data}),
            }),
            CallState::Released if previous.as_ref().is_some_and(|p| !p.is_released()) => {
                out.push(HostEvent { name: "call-ended", detail: summary(call, now_ms) })
            }
            _ => {}
        }
    }
    // Calls that left while live (ended with no wrap-up card).
    for call in before.calls() {
        let gone = !after.calls().iter().any(|c| c.same_call(call));
        if gone && !call.state.is_released() {
            let mut ended = call.clone();
            ended.state = CallState::Released;
            out.push(HostEvent { name: "call-ended", detail: summary(&ended, now_ms) });
        }
    }
    if before.presence.state != after.presence.state {
        out.push(HostEvent {
            name: "agent-state-changed",
            detail: json!({"state": after.presence.state.label(), "ready": after.presence.state.is_ready()}),
        });
    }
    if before.connection != after.connection {
        out.push(HostEvent { name: "connection-changed", detail: connection_detail(&after.connection) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallUpdate, NotificationKind, Party, StoreAction};

    fn store_with(states: &[(&str, CallState)]) -> CallStore {
        let mut s = CallStore::new();
        for (id, st) in states {
            let call = Call {
                id: (*id).into(),
                uuid: (*id).into(),
                state: st.clone(),
                kind: CallKind::Inbound,
                parties: vec![Party::new("5551212", "555-1212")],
                ..Call::default()
            };
            s.reduce(StoreAction::CallUpdated(CallUpdate { call, kind: NotificationKind::StatusChange, wrap_up_secs: None, at_ms: 1_000 }));
        }
        s
    }

    fn names(events: &[HostEvent]) -> Vec<&str> {
        events.iter().map(|e| e.name).collect()
    }

    #[test]
    fn a_call_rings_connects_and_ends_once_each() {
        let empty = CallStore::new();
        let ringing = store_with(&[("C1", CallState::Ringing)]);
        let up = store_with(&[("C1", CallState::Ringing), ("C1", CallState::Established)]);
        let down = store_with(&[("C1", CallState::Ringing), ("C1", CallState::Established), ("C1", CallState::Released)]);
        let ring = events_between(&empty, &ringing, 2_000);
        assert_eq!(names(&ring), ["call-ringing"]);
        assert_eq!(ring[0].detail["ani"], "555-1212");
        assert_eq!(names(&events_between(&ringing, &up, 2_000)), ["call-connected"]);
        assert!(events_between(&up, &up, 2_000).is_empty(), "no repeats without a change");
        let ended = events_between(&up, &down, 61_000);
        assert_eq!(names(&ended), ["call-ended"]);
        assert_eq!(ended[0].detail["direction"], "inbound");
    }

    #[test]
    fn connection_changes_are_reported() {
        let mut after = CallStore::new();
        after.reduce(StoreAction::ConnectionChanged(ConnectionStatus::Reconnecting { attempt: 2, next_retry_ms: 2000 }));
        let events = events_between(&CallStore::new(), &after, 0);
        assert_eq!(names(&events), ["connection-changed"]);
        assert_eq!(events[0].detail["status"], "reconnecting");
    }
}
