//! Property tests: no input — bytes, JSON, or any order of events — panics the codec or the
//! state machine, and the machine keeps its promises (one connect outstanding, timers > 0).

use std::collections::HashMap;

use proptest::prelude::*;
use crate::json::{json, Value};

use super::client::Client;
use super::events::{Action, ClientEvent, Config, Event, RequestId, RequestKind, TimerToken, TransportError};
use super::message::decode_batch;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z/:*]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("/meta/handshake"),
            Just("/meta/connect"),
            Just("/meta/subscribe"),
            Just("retry"),
            Just("handshake"),
            Just("none"),
            Just("402::session_unknown"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("channel".to_owned()),
                        Just("successful".to_owned()),
                        Just("clientId".to_owned()),
                        Just("advice".to_owned()),
                        Just("reconnect".to_owned()),
                        Just("interval".to_owned()),
                        Just("timeout".to_owned()),
                        Just("subscription".to_owned()),
                        Just("error".to_owned()),
                        Just("data".to_owned()),
                        Just("ext".to_owned()),
                        Just("ack".to_owned()),
                        Just("id".to_owned()),
                        "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Replies a real server might send, mixed with noise, so the machine reaches deep states.
fn arb_reply() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"[{"channel":"/meta/handshake","successful":true,"clientId":"c","advice":{"reconnect":"retry","timeout":30000,"interval":0}}]"#.to_owned()),
        Just(r#"[{"channel":"/meta/handshake","successful":false,"advice":{"reconnect":"handshake"}}]"#.to_owned()),
        Just(r#"[{"channel":"/a/b","data":1},{"channel":"/meta/connect","successful":true}]"#.to_owned()),
        Just(r#"[{"channel":"/meta/connect","successful":true,"advice":{"interval":2000,"multiple-clients":true}}]"#.to_owned()),
        Just(r#"[{"channel":"/meta/connect","successful":false,"error":"402::session_unknown","advice":{"reconnect":"handshake"}}]"#.to_owned()),
        Just(r#"[{"channel":"/meta/connect","successful":false}]"#.to_owned()),
        Just(r#"[{"channel":"/meta/subscribe","successful":true,"subscription":["/a/*","/b"]}]"#.to_owned()),
        Just(r#"[{"channel":"/meta/subscribe","successful":false,"subscription":"/b","error":"403::no"}]"#.to_owned()),
        arb_json().prop_map(|v| v.to_string()),
        any::<String>(),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    Start,
    Stop,
    Reply(usize, String),
    Fail(usize),
    FireTimer,
    StaleTimer(u32),
    Subscribe(String),
    Unsubscribe(String),
    Advance(u64),
    Online,
}

fn arb_step() -> impl Strategy<Value = Step> {
    let channel = prop_oneof![
        Just("/a/*".to_owned()),
        Just("/b".to_owned()),
        Just("/meta/x".to_owned()),
        "[/a-z*]{0,6}"
    ];
    prop_oneof![
        1 => Just(Step::Start),
        1 => Just(Step::Stop),
        8 => (any::<usize>(), arb_reply()).prop_map(|(i, r)| Step::Reply(i, r)),
        3 => any::<usize>().prop_map(Step::Fail),
        3 => Just(Step::FireTimer),
        1 => any::<u32>().prop_map(Step::StaleTimer),
        2 => channel.clone().prop_map(Step::Subscribe),
        1 => channel.prop_map(Step::Unsubscribe),
        2 => (0u64..200_000).prop_map(Step::Advance),
        1 => Just(Step::Online),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn codec_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_batch(&bytes);
    }

    #[test]
    fn codec_keeps_every_message_and_only_messages(generated in arb_json()) {
        use crate::json::Value;
        let text = generated.to_string();
        // Compared with the text read back: printing a float and reading it again may
        // move its last digit.
        let value = crate::json::parse(&text).unwrap_or_default();
        // What the codec promises: an object or an array is a batch, anything else is
        // not; its messages are exactly the objects with a string `channel`, in order.
        let elements: Vec<&Value> = match &value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![&value],
            _ => {
                prop_assert_eq!(decode_batch(text.as_bytes()), Err(super::CodecError::NotABatch));
                return Ok(());
            }
        };
        let channels: Vec<&str> = elements.iter().filter_map(|e| e.get("channel").and_then(Value::as_str)).collect();
        let batch = decode_batch(text.as_bytes());
        prop_assert!(batch.is_ok(), "{}", text);
        let batch = batch.unwrap_or_default();
        prop_assert_eq!(batch.iter().map(|m| m.channel.as_str()).collect::<Vec<_>>(), channels);
        for (m, e) in batch.iter().zip(elements.iter().filter(|e| e.get("channel").is_some_and(Value::is_string))) {
            prop_assert_eq!(m.data.as_ref(), e.get("data"));
            prop_assert_eq!(m.client_id.as_deref(), e.get("clientId").and_then(Value::as_str));
        }
    }

    #[test]
    fn state_machine_never_panics_and_keeps_its_promises(steps in prop::collection::vec(arb_step(), 1..60)) {
        let mut client = Client::new(Config { ack: true, ..Config::default() });
        let mut now = 0u64;
        // Requests the driver would have in flight, and the pending wake-up.
        let mut in_flight: HashMap<RequestId, RequestKind> = HashMap::new();
        let mut order: Vec<RequestId> = Vec::new();
        let mut timer: Option<TimerToken> = None;
        for step in steps {
            let event = match step {
                Step::Start => Event::Start,
                Step::Stop => Event::Stop,
                Step::Reply(..) | Step::Fail(_) if order.is_empty() => continue,
                Step::Reply(i, body) => {
                    let id = order.remove(i % order.len());
                    in_flight.remove(&id);
                    Event::Response { request: id, body: body.into_bytes() }
                }
                Step::Fail(i) => {
                    let id = order.remove(i % order.len());
                    in_flight.remove(&id);
                    Event::Failed { request: id, error: TransportError::Timeout }
                }
                Step::FireTimer => match timer.take() {
                    Some(token) => Event::Timer(token),
                    None => continue,
                },
                Step::StaleTimer(n) => Event::Timer(TimerToken(n)),
                Step::Subscribe(c) => Event::Subscribe(c),
                Step::Unsubscribe(c) => Event::Unsubscribe(c),
                Step::Advance(ms) => { now += ms; continue; }
                Step::Online => Event::NetworkBack,
            };
            client.handle(now, event);
            while let Some(action) = client.poll_action() {
                match action {
                    Action::Send(request) => {
                        prop_assert!(crate::json::from_str::<Vec<Value>>(&request.body).is_ok());
                        prop_assert!(request.timeout_ms > 0);
                        in_flight.insert(request.id, request.kind);
                        order.push(request.id);
                    }
                    Action::Abort(id) => {
                        in_flight.remove(&id);
                        order.retain(|o| *o != id);
                    }
                    Action::Wake { token, after_ms } => {
                        prop_assert!(after_ms > 0);
                        timer = Some(token);
                    }
                    Action::CancelWake => timer = None,
                    Action::Report(ClientEvent::Message { channel, .. }) => prop_assert!(!channel.starts_with("/meta/")),
                    Action::Report(ClientEvent::Status(_)) | Action::Report(ClientEvent::Established { .. }) | Action::Report(ClientEvent::SubscribeFailed { .. }) => {}
                }
            }
            let connects = in_flight.values().filter(|k| **k == RequestKind::Connect).count();
            let handshakes = in_flight.values().filter(|k| **k == RequestKind::Handshake).count();
            prop_assert!(connects <= 1, "two connects outstanding");
            prop_assert!(handshakes <= 1, "two handshakes outstanding");
            prop_assert!(connects + handshakes <= 1, "connect alongside handshake");
            if client.is_stopped() {
                prop_assert!(timer.is_none(), "a stopped client keeps a timer");
            }
        }
    }
}

#[test]
fn realistic_json_reaches_the_session() {
    // A sanity check that the generators above are not all noise.
    let mut client = Client::new(Config::default());
    client.handle(0, Event::Start);
    let mut id = None;
    while let Some(action) = client.poll_action() {
        if let Action::Send(request) = action {
            id = Some(request.id);
        }
    }
    let reply = json!([{"channel":"/meta/handshake","successful":true,"clientId":"c"}]);
    if let Some(id) = id {
        client.handle(
            0,
            Event::Response {
                request: id,
                body: reply.to_string().into_bytes(),
            },
        );
    }
    assert_eq!(client.client_id(), Some("c"));
}
