//! GWS wire types → the vendor-neutral model: calls, agent state, and store actions for
//! notifications and state re-reads; plus a disposition target/request for the outbox.

use crate::gather::{Gather, GatherText};
use crate::model::{
    AgentIdentity, AgentPresence, AgentState, Call, CallState, CallUpdate, Capabilities,
    DispositionChoice, DispositionTarget, NotificationKind, Party, Recording, StoreAction,
};

use super::ops::{CallOperation, GwsRequest, OpError};
use super::wire::{GwsNotification, MeResponse, WireCall, WireDevice, WireUserState};

/// A GWS call resource as a model `Call` (store-side fields left empty).
pub fn call_from_wire(w: &WireCall) -> Call {
    let parties = w
        .participant_details()
        .iter()
        .map(|p| {
            let number = p.number().to_string();
            let display = [
                &p.formatted_phone_number,
                &p.local_phone_number,
                &p.e164_number,
            ]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| number.clone());
            Party { number, display }
        })
        .gather();
    let state = w.state.clone();
    Call {
        id: if w.id.is_empty() {
            w.call_uuid.clone()
        } else {
            w.id.clone()
        },
        uuid: w.call_uuid.clone(),
        conn_id: w.conn_id.clone(),
        uri: w.uri.clone(),
        parent_uri: w.parent_call_uri.clone(),
        kind: w.call_type.clone(),
        parties,
        dnis: w.dnis.clone(),
        capabilities: Capabilities::from_names(w.capabilities.iter().map(String::as_str)),
        user_data: w
            .user_data
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        duration_s: w.duration,
        muted: w.mute,
        recording: Recording::parse(&w.recording_state),
        supervisor_listening: w.supervisor_listening_in,
        answered: matches!(state, CallState::Established | CallState::Held),
        state,
        ..Default::default()
    }
}

/// The agent's work state from a device's `userState`.
pub fn agent_state(us: &WireUserState) -> AgentState {
    let state = us.state.trim();
    let is = |s: &str| state.eq_ignore_ascii_case(s);
    if us.work_mode.eq_ignore_ascii_case("AfterCallWork") || is("AfterCallWork") {
        return AgentState::AfterCallWork;
    }
    if is("Ready") {
        AgentState::Ready
    } else if is("NotReady") {
        let label = |s: &String| {
            let squashed: String = s.chars().filter(|c| !c.is_whitespace()).gather_text();
            !s.trim().is_empty() && !squashed.eq_ignore_ascii_case("NotReady")
        };
        let reason = [&us.reason, &us.reason_code, &us.display_name]
            .into_iter()
            .find(|s| label(s));
        AgentState::NotReady {
            reason: reason.map(|s| s.trim().to_string()),
        }
    } else if is("LoggedOut") || is("Logout") {
        AgentState::LoggedOut
    } else {
        AgentState::Other(state.to_string())
    }
}

/// A device's state as the agent's presence; `None` when it carries no user state.
pub fn presence(d: &WireDevice) -> Option<AgentPresence> {
    let us = d.user_state.as_ref()?;
    Some(AgentPresence {
        state: agent_state(us),
        do_not_disturb: d.do_not_disturb,
        device_id: d.id.clone(),
        dn: if d.phone_number.is_empty() {
            d.e164_number.clone()
        } else {
            d.phone_number.clone()
        },
    })
}

/// The store actions one notification leads to (none for other channels).
pub fn notification_actions(n: &GwsNotification, at_ms: u64) -> Vec<StoreAction> {
    match n {
        // What an Error notification carries is documented nowhere: it changes nothing on
        // its own (the desk tells the agent and reads the calls again).
        GwsNotification::Call(_) if is_call_error(n) => Vec::new(),
        GwsNotification::Call(m) => vec![StoreAction::CallUpdated(CallUpdate {
            call: call_from_wire(&m.call),
            kind: NotificationKind::parse(&m.notification_type),
            wrap_up_secs: m.extensions.wrap_up_time,
            at_ms,
        })],
        GwsNotification::Devices(d) => d
            .all_devices()
            .filter_map(presence)
            .map(StoreAction::AgentStateChanged)
            .take(1)
            .gather(),
        GwsNotification::DeviceProblem { .. } => vec![StoreAction::DeviceProblem],
        GwsNotification::Other { .. } => Vec::new(),
    }
}

/// A call notification of type `Error` (real servers list it among their types).
pub fn is_call_error(n: &GwsNotification) -> bool {
    matches!(n, GwsNotification::Call(m) if m.notification_type.trim().eq_ignore_ascii_case("Error"))
}

/// The calls of a state re-read (`/me/calls?fields=*`) as one store action.
pub fn snapshot_from_calls(calls: &[WireCall], at_ms: u64) -> StoreAction {
    StoreAction::Snapshot {
        calls: calls.iter().map(call_from_wire).gather(),
        at_ms,
    }
}

/// The store actions for `GET /api/v2/me?subresources=*`: who, their state, their calls.
pub fn snapshot_actions(me: &MeResponse, at_ms: u64) -> Vec<StoreAction> {
    let user = me.user();
    let devices = me.all_devices();
    let device = devices
        .iter()
        .find(|d| d.user_state.is_some())
        .or(devices.first());
    let full_name = format!("{} {}", user.first_name.trim(), user.last_name.trim())
        .trim()
        .to_string();
    let identity = AgentIdentity {
        user_id: user.id.clone(),
        display_name: if full_name.is_empty() {
            user.user_name.clone()
        } else {
            full_name
        },
        user_name: user.user_name,
        dn: device.map(|d| d.phone_number.clone()).unwrap_or_default(),
        device_id: device.map(|d| d.id.clone()).unwrap_or_default(),
    };
    let mut out = vec![StoreAction::AgentIdentified(identity)];
    if let Some(p) = device.and_then(presence) {
        out.push(StoreAction::AgentStateChanged(p));
    }
    out.push(snapshot_from_calls(&me.all_calls(), at_ms));
    out
}

/// Where a Genesys disposition for `call` goes (for the outbox).
pub fn disposition_target(call: &Call, disposition_key: Option<String>) -> DispositionTarget {
    DispositionTarget::Genesys {
        call_id: call.id.clone(),
        call_uri: call.uri.clone(),
        call_uuid: if call.uuid.is_empty() {
            call.id.clone()
        } else {
            call.uuid.clone()
        },
        disposition_key,
    }
}

/// The SetCallDisposition request for an outbox entry; `None` if it isn't a Genesys one.
pub fn disposition_request(
    target: &DispositionTarget,
    choice: &DispositionChoice,
) -> Option<Result<GwsRequest, OpError>> {
    match target {
        DispositionTarget::Genesys {
            call_id,
            call_uri,
            call_uuid,
            disposition_key,
        } => Some(
            CallOperation::SetCallDisposition {
                call_uri: call_uri.clone(),
                call_uuid: call_uuid.clone(),
                disposition: choice.disposition.clone(),
                disposition_key: disposition_key.clone(),
            }
            .request(call_id),
        ),
        DispositionTarget::Ozonetel { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::wire::tests::{DEVICES, ME, SEED000_FLAT, SEED001_DIAL, SEED002_CALL};
    use crate::model::{CallKind, CallStore, Capability};
    use crate::json::{json, Value};

    fn note(s: &str) -> GwsNotification {
        GwsNotification::from_envelope(&crate::json::parse(s).unwrap())
    }

    #[test]
    fn seed002_to_model() {
        let w = WireCall::parse(SEED002_CALL).unwrap();
        let c = call_from_wire(&w);
        assert_eq!(c.state, CallState::Established);
        assert_eq!(c.kind, CallKind::Internal);
        assert_eq!(c.parties, vec![Party::new("15001", "15001")]);
        assert!(c.can(Capability::Hold));
        assert!(c.can(Capability::StartCallRecording));
        assert!(!c.can(Capability::Answer));
        assert_eq!(c.duration_s, Some(7));
        assert_eq!(c.recording, Recording::Stopped);
        assert!(c.answered);
        assert_eq!(c.user_data["AccountNumber"], "12345678");
    }

    #[test]
    fn participants_prefer_formatted_number() {
        let w = WireCall::from_value(&json!({
            "id": "c", "participants": [{"phoneNumber": "+14155550100", "formattedPhoneNumber": "(415) 555-0100"}]
        }));
        assert_eq!(
            call_from_wire(&w).parties[0],
            Party::new("+14155550100", "(415) 555-0100")
        );
        let w = WireCall::from_value(&json!({"id": "c", "participants": ["5001", "5002"]}));
        let c = call_from_wire(&w);
        assert_eq!(
            c.parties,
            vec![Party::new("5001", "5001"), Party::new("5002", "5002")]
        );
    }

    #[test]
    fn notifications_drive_the_store() {
        let mut store = CallStore::new();
        for a in notification_actions(&note(SEED001_DIAL), 1_000) {
            store.reduce(a);
        }
        let c = store.call("013V08JRL498H1OI04000VTAES00000G").unwrap();
        assert_eq!(c.state, CallState::Dialing);
        assert_eq!(c.parties[0].label(), "5001");
        assert!(c.can(Capability::Hangup));

        for a in notification_actions(&note(SEED000_FLAT), 2_000) {
            store.reduce(a);
        }
        let c = store.call("01RCC3N118B1V0SL807GK2LAES000006").unwrap();
        assert_eq!(c.user_data["DispositionCode"], "Referred");
        assert_eq!(
            c.started_at_ms,
            Some(0),
            "2 000 ms minus 262 s saturates at 0"
        );
    }

    #[test]
    fn wrap_up_time_becomes_a_deadline() {
        let mut store = CallStore::new();
        let mut v: Value = crate::json::parse(SEED001_DIAL).unwrap();
        v["data"]["call"]["state"] = json!("Established");
        store.reduce(notification_actions(&GwsNotification::from_envelope(&v), 1_000).remove(0));
        v["data"]["call"]["state"] = json!("Released");
        v["data"]["extensions"]["WrapUpTime"] = json!(60);
        store.reduce(notification_actions(&GwsNotification::from_envelope(&v), 5_000).remove(0));
        let c = store.calls().first().unwrap();
        assert_eq!(c.wrap_up.as_ref().unwrap().deadline_ms, Some(65_000));
    }

    #[test]
    fn device_states() {
        let actions = notification_actions(&note(DEVICES), 0);
        assert_eq!(
            actions,
            vec![StoreAction::AgentStateChanged(AgentPresence {
                state: AgentState::NotReady {
                    reason: Some("Lunch".into())
                },
                do_not_disturb: false,
                device_id: "efe1ab32-53f9-43ce-b65e-5768c61f7d4a".into(),
                dn: "5005".into(),
            })]
        );
        let us = |state: &str, work_mode: &str, display: &str| WireUserState {
            state: state.into(),
            work_mode: work_mode.into(),
            display_name: display.into(),
            ..Default::default()
        };
        assert_eq!(agent_state(&us("Ready", "", "Ready")), AgentState::Ready);
        assert_eq!(
            agent_state(&us("NotReady", "AfterCallWork", "")),
            AgentState::AfterCallWork
        );
        assert_eq!(
            agent_state(&us("NotReady", "", "Not Ready")),
            AgentState::NotReady { reason: None }
        );
        assert_eq!(
            agent_state(&us("NotReady", "", "Break")),
            AgentState::NotReady {
                reason: Some("Break".into())
            }
        );
        assert_eq!(agent_state(&us("LoggedOut", "", "")), AgentState::LoggedOut);
        assert_eq!(
            agent_state(&us("LoggedIn", "", "")),
            AgentState::Other("LoggedIn".into())
        );
        assert!(notification_actions(
            &GwsNotification::Other {
                channel: "x".into(),
                message_type: "y".into()
            },
            0
        )
        .is_empty());
    }

    #[test]
    fn me_snapshot() {
        let me = MeResponse::parse(ME).unwrap();
        let actions = snapshot_actions(&me, 100_000);
        let mut store = CallStore::new();
        for a in actions {
            store.reduce(a);
        }
        assert_eq!(store.agent.display_name, "Asha Rao");
        assert_eq!(store.agent.dn, "5005");
        assert_eq!(
            store.agent.device_id,
            "efe1ab32-53f9-43ce-b65e-5768c61f7d4a"
        );
        assert_eq!(store.presence.state, AgentState::Ready);
        let c = store.active().unwrap();
        assert_eq!(c.kind, CallKind::Inbound);
        assert!(c.muted);
        assert_eq!(c.started_at_ms, Some(58_000));
    }

    #[test]
    fn disposition_round_trip_to_request() {
        let w = WireCall::parse(SEED002_CALL).unwrap();
        let call = call_from_wire(&w);
        let target = disposition_target(&call, Some("DispositionCode".into()));
        let choice = DispositionChoice {
            disposition: "Referred".into(),
            ..Default::default()
        };
        let req = disposition_request(&target, &choice).unwrap().unwrap();
        assert_eq!(
            req.path,
            "/api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES000010"
        );
        assert_eq!(
            req.body["callUri"],
            "http://127.0.0.1:8080/api/v2/me/calls/01RCC3N118B1V0SL8O7GK2LAES000010"
        );
        assert_eq!(req.body["dispositionKey"], "DispositionCode");
        let oz = DispositionTarget::Ozonetel {
            ucid: "1".into(),
            did: "2".into(),
            agent_id: "3".into(),
        };
        assert!(disposition_request(&oz, &choice).is_none());
    }

    #[test]
    fn an_error_notification_changes_no_call_and_other_real_types_update_it() {
        let note = |kind: &str| {
            crate::genesys::GwsNotification::from_message(
                "/v2/me/calls",
                &json!({"messageType": "CallStateChangeMessage", "notificationType": kind,
                        "call": {"id": "c1", "state": "Established", "capabilities": ["Hangup"]}}),
            )
        };
        assert!(is_call_error(&note("Error")));
        assert!(notification_actions(&note("Error"), 1).is_empty());
        for kind in ["DtmfSent", "MonitoredUserMutedStateChange", "StatusChange"] {
            assert!(!is_call_error(&note(kind)), "{kind}");
            assert!(matches!(notification_actions(&note(kind), 1).as_slice(), [StoreAction::CallUpdated(_)]), "{kind}");
        }
    }

    #[test]
    fn a_consult_call_keeps_the_uri_of_the_call_it_was_made_from() {
        let w = WireCall::from_value(&json!({"id": "c2", "callType": "Consult", "state": "Dialing",
            "parentCallUri": "https://gws/api/v2/me/calls/c1"}));
        let c = call_from_wire(&w);
        assert_eq!(c.parent_uri, "https://gws/api/v2/me/calls/c1");
        assert!(call_from_wire(&WireCall::from_value(&json!({"id": "c3"}))).parent_uri.is_empty());
    }
}
