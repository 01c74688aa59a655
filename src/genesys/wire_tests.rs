//! Wire-type tests fed the seeds' samples (repaired into valid JSON under `fixtures/`).

use super::*;
use crate::json::json;

pub(crate) const SEED000_FLAT: &str = include_str!("fixtures/000_attached_data_changed_flat.json");
pub(crate) const SEED001_DIAL: &str = include_str!("fixtures/001_status_change_dialing.json");
pub(crate) const SEED001_DIAL_UD: &str =
    include_str!("fixtures/001_status_change_dialing_user_data.json");
pub(crate) const SEED002_CALL: &str = include_str!("fixtures/002_call_resource.json");
pub(crate) const ME: &str = include_str!("fixtures/synthetic_me_subresources.json");
pub(crate) const DEVICES: &str = include_str!("fixtures/synthetic_device_state_change.json");

fn value(s: &str) -> Value {
    crate::json::from_str(s).unwrap()
}

#[test]
fn seed002_call_resource_reads_fully() {
    let c = WireCall::parse(SEED002_CALL).unwrap();
    assert_eq!(c.id, "01RCC3N118B1V0SL8O7GK2LAES000010");
    assert_eq!(c.state, WireCallState::Established);
    assert_eq!(c.call_type, WireCallType::Internal);
    assert_eq!(c.conn_id, "0071027198180020");
    assert_eq!(c.duration, Some(7));
    assert!(!c.mute);
    assert_eq!(c.recording_state, "Stopped");
    assert_eq!(c.capabilities.len(), 12);
    assert_eq!(c.user_data["AccountNumber"], "12345678");
    let parts = c.participant_details();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].formatted_phone_number, "15001");
    assert_eq!(parts[0].number(), "15001");
    assert_eq!(c.path, "/calls/01RCC3N118B1V0SL8O7GK2LAES000010");
}

#[test]
fn seed001_nested_shape() {
    for sample in [SEED001_DIAL, SEED001_DIAL_UD] {
        match GwsNotification::from_envelope(&value(sample)) {
            GwsNotification::Call(m) => {
                assert_eq!(m.message_type, "CallStateChangeMessage");
                assert_eq!(m.notification_type, "StatusChange");
                assert_eq!(m.phone_number, "5005");
                assert_eq!(
                    m.extensions,
                    WireExtensions {
                        wrap_up_time: Some(0),
                        business_call: false
                    }
                );
                assert_eq!(m.call.state, WireCallState::Dialing);
                assert_eq!(
                    m.call.participants,
                    vec![WireParticipant::Number("5001".into())]
                );
                let p = m.call.participant_details();
                assert_eq!(p[0].e164_number, "5001");
                assert_eq!(p[0].formatted_phone_number, "5001");
                assert_eq!(p[0].phone_number, "5001");
                assert_eq!(m.call.duration, Some(0));
            }
            other => panic!("not a call: {other:?}"),
        }
    }
    let GwsNotification::Call(m) = GwsNotification::from_envelope(&value(SEED001_DIAL_UD)) else {
        panic!()
    };
    assert_eq!(m.call.user_data["CustomerSegment"], "Gold");
}

#[test]
fn seed000_flat_shape() {
    let GwsNotification::Call(m) = GwsNotification::from_envelope(&value(SEED000_FLAT)) else {
        panic!()
    };
    assert_eq!(m.notification_type, "AttachedDataChanged");
    assert_eq!(m.phone_number, "15000");
    assert_eq!(m.extensions, WireExtensions::default());
    assert_eq!(m.call.id, "01RCC3N118B1V0SL807GK2LAES000006");
    assert_eq!(m.call.duration, Some(262));
    assert_eq!(m.call.user_data["DispositionCode"], "Referred");
    assert_eq!(m.call.capabilities.len(), 11);
    assert!(m
        .call
        .capabilities
        .iter()
        .any(|c| c == "DeleteUserDataPair"));
}

#[test]
fn loose_reading_of_odd_types() {
    let data = json!({
        "messageType": "CallStateChangeMessage",
        "notificationType": "CallRecovered",
        "extensions": {"WrapUpTime": "30", "BusinessCall": 1},
        "call": {
            "id": 12345, "state": "Alerting", "callType": "Monitor",
            "participants": {"phoneNumber": "+15551234", "country": {"name": "United States", "code": "US", "callingCode": "1"},
                              "location": "CA", "localPhoneNumber": "(555) 1234", "E164digits": "15551234"},
            "duration": 12.0, "mute": true, "capabilities": "Hangup", "userData": null,
            "unknownField": {"deep": [1, 2, 3]}
        }
    });
    let m = CallStateChange::from_data(&data).unwrap();
    assert_eq!(m.extensions.wrap_up_time, Some(30));
    assert!(m.extensions.business_call);
    assert_eq!(m.call.id, "12345");
    assert_eq!(m.call.state, WireCallState::Other("Alerting".into()));
    assert_eq!(m.call.call_type.as_str(), "Monitor");
    assert_eq!(m.call.duration, Some(12));
    assert!(m.call.mute);
    assert_eq!(m.call.capabilities, ["Hangup"]);
    assert!(m.call.user_data.is_empty());
    let p = &m.call.participant_details()[0];
    assert_eq!(p.country.as_ref().unwrap().calling_code, "1");
    assert_eq!(p.e164_digits, "15551234");
    assert_eq!(p.local_phone_number, "(555) 1234");
    assert_eq!(p.location, "CA");
}

#[test]
fn a_message_without_a_call_is_other() {
    let n = GwsNotification::from_message(
        "/v2/me/calls",
        &json!({"messageType": "CallStateChangeMessage"}),
    );
    assert!(matches!(n, GwsNotification::Other { .. }));
    let n = GwsNotification::from_message("/v2/me/calls", &json!("garbage"));
    assert!(matches!(n, GwsNotification::Other { .. }));
    let n = GwsNotification::from_message(
        "/notifications/services",
        &json!({"messageType": "ServiceStateChangeMessage"}),
    );
    assert_eq!(
        n,
        GwsNotification::Other {
            channel: "/notifications/services".into(),
            message_type: "ServiceStateChangeMessage".into()
        }
    );
}

#[test]
fn devices_list_or_single() {
    let GwsNotification::Devices(d) = GwsNotification::from_envelope(&value(DEVICES)) else {
        panic!()
    };
    let dev: Vec<_> = d.all_devices().collect();
    assert_eq!(dev.len(), 1);
    let us = dev[0].user_state.as_ref().unwrap();
    assert_eq!(us.state, "NotReady");
    assert_eq!(us.reason, "Lunch");
    let single = json!({"messageType": "DeviceStateChangeMessage",
        "device": {"id": "d1", "userState": {"state": "NotReady", "workMode": "AfterCallWork"}, "doNotDisturb": "On"}});
    let GwsNotification::Devices(d) = GwsNotification::from_message("", &single) else {
        panic!()
    };
    let dev: Vec<_> = d.all_devices().collect();
    assert_eq!(dev[0].id, "d1");
    assert!(dev[0].do_not_disturb);
    assert_eq!(
        dev[0].user_state.as_ref().unwrap().work_mode,
        "AfterCallWork"
    );
}

#[test]
fn me_answer_nested_and_top_level() {
    let me = MeResponse::parse(ME).unwrap();
    assert_eq!(me.status_code, Some(0));
    assert_eq!(me.user().user_name, "agent1@example.com");
    assert_eq!(me.all_devices().len(), 1);
    let calls = me.all_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].duration, Some(42));
    assert!(calls[0].mute);

    let flat = json!({"statusCode": 0, "user": {"id": "u"}, "devices": [{"id": "d"}], "calls": [{"id": "c1"}, {"id": "c1"}]});
    let me = MeResponse::parse(&flat.to_string()).unwrap();
    assert_eq!(me.all_devices()[0].id, "d");
    assert_eq!(me.all_calls().len(), 1);
}

#[test]
fn me_calls_answer() {
    let body = format!("{{\"statusCode\":0,\"calls\":[{SEED002_CALL}]}}");
    let r = CallsResponse::parse(&body).unwrap();
    assert_eq!(r.calls.len(), 1);
    assert_eq!(r.calls[0].state, WireCallState::Established);
    assert!(CallsResponse::parse("<html>").is_none());
    assert!(CallsResponse::parse("{\"calls\":null}")
        .unwrap()
        .calls
        .is_empty());
}

#[test]
fn seconds_and_text_edge_cases() {
    use crate::genesys::lenient::{value_seconds, value_text};
    assert_eq!(value_seconds(&json!("262")), Some(262));
    assert_eq!(value_seconds(&json!(" 12.7 ")), Some(12));
    assert_eq!(value_seconds(&json!("-3")), None);
    assert_eq!(value_seconds(&json!("abc")), None);
    assert_eq!(value_seconds(&json!("")), None);
    assert_eq!(value_seconds(&json!(-1)), None);
    assert_eq!(value_seconds(&json!(3.9)), Some(3));
    assert_eq!(value_seconds(&json!(null)), None);
    assert_eq!(value_text(&json!(12345)), "12345");
    assert_eq!(value_text(&json!(-5)), "-5");
    assert_eq!(value_text(&json!(u64::MAX)), u64::MAX.to_string());
    assert_eq!(value_text(&json!(true)), "true");
    assert_eq!(value_text(&json!([1])), "");
}

#[test]
fn a_status_code_as_text_is_read_as_the_standard_library_reads_an_i64() {
    for text in ["0", "4", " 12 ", "-1", "007", "+3", "-+3", "--3", "", "x", "4.0", "99999999999999999999", "9223372036854775807"] {
        let v = crate::json::json!({ "statusCode": text });
        assert_eq!(super::status_code(&v), text.trim().parse::<i64>().ok(), "{text:?}");
    }
}
