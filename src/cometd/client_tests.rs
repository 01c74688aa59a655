//! Unit tests of the Bayeux state machine, with a fake clock (plain numbers for `now_ms`).

use crate::json::{json, Value};

use super::client::Client;
use super::events::{Action, ClientEvent, Config, Event, Request, RequestKind, TimerToken, TransportError};
use super::message::BayeuxError;
use super::status::{Status, StopReason};

/// The client under test plus a clock.
struct Harness {
    client: Client,
    now: u64,
}

impl Harness {
    fn new() -> Harness {
        Harness::with(Config::default())
    }

    fn with(config: Config) -> Harness {
        Harness {
            client: Client::new(config),
            now: 1_000_000,
        }
    }

    fn event(&mut self, event: Event) -> Vec<Action> {
        self.client.handle(self.now, event);
        let mut out = Vec::new();
        while let Some(action) = self.client.poll_action() {
            out.push(action);
        }
        out
    }

    fn reply(&mut self, request: &Request, body: &str) -> Vec<Action> {
        self.event(Event::Response {
            request: request.id,
            body: body.as_bytes().to_vec(),
        })
    }

    fn fail(&mut self, request: &Request) -> Vec<Action> {
        self.event(Event::Failed {
            request: request.id,
            error: TransportError::Network,
        })
    }

    fn subscribe(&mut self, channel: &str) -> Vec<Action> {
        self.event(Event::Subscribe(channel.to_owned()))
    }

    /// Starts and answers the handshake with `advice`; returns what followed.
    fn handshake_with(&mut self, advice: &str) -> Vec<Action> {
        let actions = self.event(Event::Start);
        let handshake = only_send(&actions, RequestKind::Handshake);
        self.reply(&handshake, &handshake_ok(advice))
    }

    /// A connected client following `channels`, with its outstanding connect.
    fn connected(channels: &[&str]) -> (Harness, Request) {
        Harness::connected_with(Config::default(), channels)
    }

    fn connected_with(config: Config, channels: &[&str]) -> (Harness, Request) {
        let mut h = Harness::with(config);
        for channel in channels {
            h.subscribe(channel);
        }
        let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
        let connect = only_send(&after, RequestKind::Connect);
        if !channels.is_empty() {
            let subscribe = only_send(&after, RequestKind::Other);
            h.reply(&subscribe, &subscribe_ok_all(channels));
        }
        let after = h.reply(&connect, CONNECT_OK);
        assert!(after.contains(&Action::Report(ClientEvent::Status(Status::Connected {
            multiple_clients: false
        }))));
        assert!(after.contains(&Action::Report(ClientEvent::Established { rehandshake: false })));
        let next = only_send(&after, RequestKind::Connect);
        (h, next)
    }
}

const CONNECT_OK: &str = r#"[{"channel":"/meta/connect","successful":true}]"#;

fn handshake_ok(advice: &str) -> String {
    format!(
        r#"[{{"id":"1","channel":"/meta/handshake","successful":true,"clientId":"c1","version":"1.0",
             "supportedConnectionTypes":["long-polling"],"advice":{advice}}}]"#
    )
}

fn subscribe_ok_all(channels: &[&str]) -> String {
    let replies: Vec<Value> = channels
        .iter()
        .map(|c| json!({"channel":"/meta/subscribe","successful":true,"subscription":c}))
        .collect();
    Value::Array(replies).to_string()
}

fn sends(actions: &[Action]) -> Vec<Request> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send(request) => Some(request.clone()),
            _ => None,
        })
        .collect()
}

fn sends_of(actions: &[Action], kind: RequestKind) -> Vec<Request> {
    sends(actions)
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect()
}

/// The one request of `kind` among `actions` (panics otherwise: this is a test).
fn only_send(actions: &[Action], kind: RequestKind) -> Request {
    let found = sends_of(actions, kind);
    assert_eq!(
        found.len(),
        1,
        "expected one {kind:?} request in {actions:#?}"
    );
    found[0].clone()
}

fn body(request: &Request) -> Vec<Value> {
    crate::json::from_str(&request.body).expect("the client writes JSON arrays")
}

fn wake(actions: &[Action]) -> Option<(TimerToken, u64)> {
    actions.iter().rev().find_map(|a| match a {
        Action::Wake { token, after_ms } => Some((*token, *after_ms)),
        _ => None,
    })
}

fn statuses(actions: &[Action]) -> Vec<Status> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Report(ClientEvent::Status(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn delivered(actions: &[Action]) -> Vec<(String, Value)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Report(ClientEvent::Message { channel, data }) => Some((channel.clone(), data.clone())),
            _ => None,
        })
        .collect()
}

// ---- handshake ----

#[test]
fn start_sends_a_lone_handshake() {
    let mut h = Harness::new();
    let actions = h.event(Event::Start);
    assert_eq!(statuses(&actions), vec![Status::Connecting]);
    let handshake = only_send(&actions, RequestKind::Handshake);
    assert_eq!(handshake.kind.url_suffix(), "/handshake");
    assert_eq!(handshake.timeout_ms, 10_000);
    let messages = body(&handshake);
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m["channel"], "/meta/handshake");
    assert_eq!(m["version"], "1.0");
    assert_eq!(m["minimumVersion"], "1.0");
    assert_eq!(m["supportedConnectionTypes"], json!(["long-polling"]));
    assert_eq!(m["advice"], json!({"timeout":60000,"interval":0}));
    assert!(m.get("clientId").is_none());
    assert!(m.get("ext").is_none());
    // A second Start while running does nothing.
    assert!(h.event(Event::Start).is_empty());
}

#[test]
fn handshake_success_subscribes_everything_then_connects_with_timeout_zero() {
    let mut h = Harness::new();
    h.subscribe("/v2/me/calls");
    h.subscribe("/v2/me/devices");
    assert!(
        sends(&h.subscribe("/v2/me/calls")).is_empty(),
        "duplicate subscribe is a no-op"
    );
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    assert_eq!(h.client.client_id(), Some("c1"));

    let subscribe = only_send(&after, RequestKind::Other);
    assert_eq!(subscribe.kind.url_suffix(), "/");
    assert_eq!(subscribe.timeout_ms, 10_000);
    let subs = body(&subscribe);
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0]["channel"], "/meta/subscribe");
    assert_eq!(subs[0]["clientId"], "c1");
    assert_eq!(subs[0]["subscription"], "/v2/me/calls");
    assert_eq!(subs[1]["subscription"], "/v2/me/devices");

    let connect = only_send(&after, RequestKind::Connect);
    assert_eq!(connect.kind.url_suffix(), "/connect");
    assert_eq!(
        connect.timeout_ms, 40_000,
        "advice.timeout + maxNetworkDelay"
    );
    let c = &body(&connect)[0];
    assert_eq!(c["channel"], "/meta/connect");
    assert_eq!(c["clientId"], "c1");
    assert_eq!(c["connectionType"], "long-polling");
    assert_eq!(c["advice"], json!({"timeout":0}));
    // The message ids are all distinct.
    let ids: std::collections::HashSet<String> = subs
        .iter()
        .chain([c])
        .map(|m| m["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
}

#[test]
fn established_after_first_connect_and_all_subscriptions() {
    let mut h = Harness::new();
    h.subscribe("/v2/me/calls");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let subscribe = only_send(&after, RequestKind::Other);
    let connect = only_send(&after, RequestKind::Connect);
    // Connect first: not yet established, the subscription is unconfirmed.
    let after = h.reply(&connect, CONNECT_OK);
    assert!(!after
        .iter()
        .any(|a| matches!(a, Action::Report(ClientEvent::Established { .. }))));
    let next = only_send(&after, RequestKind::Connect);
    assert!(
        body(&next)[0].get("advice").is_none(),
        "only the first connect asks timeout 0"
    );
    let after = h.reply(&subscribe, &subscribe_ok_all(&["/v2/me/calls"]));
    assert_eq!(after, vec![Action::Report(ClientEvent::Established { rehandshake: false })]);
}

#[test]
fn handshake_transport_failure_backs_off_and_retries_handshake() {
    let mut h = Harness::new();
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let after = h.fail(&handshake);
    assert_eq!(
        statuses(&after),
        vec![Status::Reconnecting {
            attempt: 1,
            next_retry_in_ms: 1000
        }]
    );
    let (token, delay) = wake(&after).expect("a wake-up");
    assert_eq!(delay, 1000);
    assert!(sends(&after).is_empty());
    h.now += 1000;
    let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
    let after = h.event(Event::Failed {
        request: retry.id,
        error: TransportError::Timeout,
    });
    assert_eq!(wake(&after).map(|w| w.1), Some(2000));
    assert_eq!(
        statuses(&after),
        vec![Status::Reconnecting {
            attempt: 2,
            next_retry_in_ms: 2000
        }]
    );
}

#[test]
fn backoff_is_capped_at_sixty_seconds() {
    let mut h = Harness::new();
    let mut request = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let mut last = 0;
    for _ in 0..70 {
        let after = h.event(Event::Failed {
            request: request.id,
            error: TransportError::Http(503),
        });
        let (token, delay) = wake(&after).expect("a wake-up");
        assert!(delay >= last && delay <= 60_000);
        last = delay;
        h.now += delay;
        request = only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
    }
    assert_eq!(last, 60_000);
}

#[test]
fn handshake_unsuccessful_without_advice_handshakes_again() {
    let mut h = Harness::new();
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let after = h.reply(
        &handshake,
        r#"{"channel":"/meta/handshake","successful":false,"error":"500::busy"}"#,
    );
    let (token, _) = wake(&after).expect("a wake-up");
    assert!(matches!(
        statuses(&after)[..],
        [Status::Reconnecting { attempt: 1, .. }]
    ));
    only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
}

#[test]
fn handshake_unsuccessful_with_advice_none_stops_with_the_error() {
    let mut h = Harness::new();
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let after = h.reply(
        &handshake,
        r#"[{"channel":"/meta/handshake","successful":false,"error":"401::bad credentials",
            "advice":{"reconnect":"none"}}]"#,
    );
    assert!(sends(&after).is_empty(), "no disconnect without a session");
    assert_eq!(
        statuses(&after),
        vec![Status::Stopped {
            reason: StopReason::ServerRefused(Some(BayeuxError::parse("401::bad credentials")))
        }]
    );
    assert!(h.client.is_stopped());
}

#[test]
fn handshake_successful_with_advice_none_stops() {
    let mut h = Harness::new();
    let after = h.handshake_with(r#"{"reconnect":"none"}"#);
    assert_eq!(
        statuses(&after),
        vec![Status::Stopped {
            reason: StopReason::ServerRefused(None)
        }]
    );
}

#[test]
fn handshake_advice_on_a_successful_handshake_means_retry() {
    let mut h = Harness::new();
    let after = h.handshake_with(r#"{"reconnect":"handshake","timeout":30000,"interval":0}"#);
    let connect = only_send(&after, RequestKind::Connect);
    only_send(&h.reply(&connect, CONNECT_OK), RequestKind::Connect);
}

#[test]
fn handshake_reply_without_handshake_message_is_a_failure() {
    let mut h = Harness::new();
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let after = h.reply(
        &handshake,
        r#"[{"channel":"/meta/connect","successful":true}]"#,
    );
    assert!(wake(&after).is_some());
    // A success without clientId is a failure too.
    let mut h = Harness::new();
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let after = h.reply(
        &handshake,
        r#"[{"channel":"/meta/handshake","successful":true}]"#,
    );
    assert!(wake(&after).is_some());
}

#[test]
fn unreadable_replies_are_failures() {
    for body in ["", "garbage", "[]", "42", r#"[{"no":"channel"}]"#] {
        let (mut h, connect) = Harness::connected(&[]);
        let after = h.reply(&connect, body);
        assert_eq!(wake(&after).map(|w| w.1), Some(1000), "body {body:?}");
    }
}

#[test]
fn handshake_with_interval_waits_before_first_connect() {
    let mut h = Harness::new();
    let after = h.handshake_with(r#"{"reconnect":"retry","interval":500}"#);
    assert!(sends_of(&after, RequestKind::Connect).is_empty());
    let (token, delay) = wake(&after).expect("a wake-up");
    assert_eq!(delay, 500);
    let connect = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    assert_eq!(
        connect.timeout_ms, 70_000,
        "default timeout 60 s when advice gives none"
    );
}

// ---- connect ----

#[test]
fn events_on_subscribed_channels_are_delivered_in_order() {
    let (mut h, connect) = Harness::connected(&["/v2/me/calls", "/v2/me/devices/*"]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/v2/me/calls","data":{"n":1}},
            {"channel":"/other","data":{"n":2}},
            {"channel":"/v2/me/devices/d1","data":{"n":3}},
            {"channel":"/v2/me/devices/d1/x","data":{"n":4}},
            {"channel":"/v2/me/calls","data":{"n":5}},
            {"channel":"/v2/me/calls"},
            {"channel":"/meta/connect","successful":true}]"#,
    );
    let got: Vec<i64> = delivered(&after)
        .iter()
        .map(|(_, d)| d["n"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(got, vec![1, 3, 5]);
    assert_eq!(delivered(&after)[1].0, "/v2/me/devices/d1");
    only_send(&after, RequestKind::Connect);
}

#[test]
fn many_segment_wildcard_delivery() {
    let (mut h, connect) = Harness::connected(&["/v2/**"]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/v2/me/calls/1","data":1},{"channel":"/v3/x","data":2},{"channel":"/meta/connect","successful":true}]"#,
    );
    assert_eq!(
        delivered(&after),
        vec![("/v2/me/calls/1".to_owned(), json!(1))]
    );
}

#[test]
fn only_one_connect_is_outstanding() {
    let (mut h, connect) = Harness::connected(&["/a"]);
    // Subscribing, failing a subscribe, and stale timers never add a second connect.
    let after = h.subscribe("/b");
    assert!(sends_of(&after, RequestKind::Connect).is_empty());
    let other = only_send(&after, RequestKind::Other);
    assert!(sends_of(&h.fail(&other), RequestKind::Connect).is_empty());
    assert!(h.event(Event::Timer(TimerToken(12345))).is_empty());
    // The connect reply brings exactly one next connect.
    let after = h.reply(&connect, CONNECT_OK);
    assert_eq!(sends_of(&after, RequestKind::Connect).len(), 1);
}

#[test]
fn interval_advice_waits_between_connects() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(&connect, r#"[{"channel":"/meta/connect","successful":true,"advice":{"reconnect":"retry","interval":2000,"timeout":30000}}]"#);
    assert!(sends(&after).is_empty());
    let (token, delay) = wake(&after).expect("a wake-up");
    assert_eq!(delay, 2000);
    assert!(
        h.event(Event::Timer(TimerToken(token.0.wrapping_add(1))))
            .is_empty(),
        "stale token"
    );
    h.now += 2000;
    only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    assert!(
        h.event(Event::Timer(token)).is_empty(),
        "a token fires once"
    );
}

#[test]
fn multiple_clients_advice_shows_in_status() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":true,
             "advice":{"reconnect":"retry","interval":2000,"timeout":30000,"multiple-clients":true}}]"#,
    );
    assert_eq!(
        statuses(&after),
        vec![Status::Connected {
            multiple_clients: true
        }]
    );
    assert_eq!(
        h.client.status(),
        &Status::Connected {
            multiple_clients: true
        }
    );
    assert_eq!(wake(&after).map(|w| w.1), Some(2000));
}

#[test]
fn connect_failure_retries_with_backoff_and_success_resets_it() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.fail(&connect);
    assert_eq!(
        statuses(&after),
        vec![Status::Reconnecting {
            attempt: 1,
            next_retry_in_ms: 1000
        }]
    );
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 1000;
    let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    assert_eq!(
        body(&retry)[0]["advice"],
        json!({"timeout":0}),
        "unconnected: ask for an answer at once"
    );
    let after = h.event(Event::Failed {
        request: retry.id,
        error: TransportError::Timeout,
    });
    assert_eq!(wake(&after).map(|w| w.1), Some(2000));
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 2000;
    let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    let after = h.reply(&retry, CONNECT_OK);
    assert_eq!(
        statuses(&after),
        vec![Status::Connected {
            multiple_clients: false
        }]
    );
    assert_eq!(
        after
            .iter()
            .filter(|a| matches!(a, Action::Report(ClientEvent::Established { .. })))
            .collect::<Vec<_>>(),
        vec![&Action::Report(ClientEvent::Established { rehandshake: true })],
        "same session, but the lost answers may have carried events: re-read, once"
    );
    let next = only_send(&after, RequestKind::Connect);
    let after = h.fail(&next);
    assert_eq!(
        statuses(&after),
        vec![Status::Reconnecting {
            attempt: 1,
            next_retry_in_ms: 1000
        }]
    );
}

#[test]
fn an_unreadable_connect_answer_leads_to_a_re_read_once_connected_again() {
    let (mut h, connect) = Harness::connected(&["/v2/me/calls"]);
    // A truncated answer: whatever events it carried are gone.
    let after = h.reply(
        &connect,
        r#"[{"channel":"/v2/me/calls","data":{"call":{"id":"#,
    );
    assert!(delivered(&after).is_empty());
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 1000;
    let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    let after = h.reply(&retry, CONNECT_OK);
    assert!(after.contains(&Action::Report(ClientEvent::Established { rehandshake: true })));
    // Later good connects: no more re-reads.
    let next = only_send(&after, RequestKind::Connect);
    let after = h.reply(&next, CONNECT_OK);
    assert!(!after
        .iter()
        .any(|a| matches!(a, Action::Report(ClientEvent::Established { .. }))));
}

#[test]
fn back_online_the_waiting_retry_goes_at_once() {
    let (mut h, connect) = Harness::connected(&[]);
    // Fail a few times: the backoff grows to 3 s.
    let mut after = h.fail(&connect);
    for _ in 0..2 {
        let (token, delay) = wake(&after).expect("a wake-up");
        h.now += delay;
        let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
        after = h.fail(&retry);
    }
    assert_eq!(wake(&after).map(|w| w.1), Some(3000));
    // The browser says it is online again: the connect goes now, the timer is dropped.
    let after = h.event(Event::NetworkBack);
    assert!(after.contains(&Action::CancelWake));
    assert_eq!(
        statuses(&after),
        vec![Status::Reconnecting {
            attempt: 3,
            next_retry_in_ms: 0
        }]
    );
    let retry = only_send(&after, RequestKind::Connect);
    // A second `online` with nothing waiting does nothing.
    assert!(h.event(Event::NetworkBack).is_empty());
    // The backoff starts again from the bottom: the old network's failures don't count.
    let after = h.reply(
        &retry,
        r#"[{"channel":"/meta/connect","successful":false,"error":"402::session_unknown",
             "advice":{"reconnect":"handshake","interval":0}}]"#,
    );
    assert_eq!(wake(&after).map(|w| w.1), Some(1000));
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 1000;
    let handshake = only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
    let after = h.reply(
        &handshake,
        &handshake_ok(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#),
    );
    let retry = only_send(&after, RequestKind::Connect);
    let after = h.reply(&retry, CONNECT_OK);
    assert!(statuses(&after).contains(&Status::Connected {
        multiple_clients: false
    }));
    // Connected: `online` means nothing.
    assert!(h.event(Event::NetworkBack).is_empty());
}

#[test]
fn back_online_does_not_cut_short_an_advised_interval() {
    let mut h = Harness::new();
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":2000}"#);
    assert!(sends_of(&after, RequestKind::Connect).is_empty());
    assert!(h.event(Event::NetworkBack).is_empty());
}

#[test]
fn an_unsuccessful_connect_answer_is_no_reason_to_re_read() {
    // The server answered (and delivered what it had): nothing was lost.
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":false,"error":"500::oops"}]"#,
    );
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 1000;
    let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    let after = h.reply(&retry, CONNECT_OK);
    assert!(!after
        .iter()
        .any(|a| matches!(a, Action::Report(ClientEvent::Established { .. }))));
}

#[test]
fn connect_unsuccessful_retry_advice_retries_the_connect() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":false,"error":"500::oops"}]"#,
    );
    let (token, delay) = wake(&after).expect("a wake-up");
    assert_eq!(delay, 1000);
    only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
}

#[test]
fn session_unknown_rehandshakes_resubscribes_and_reports_rehandshake() {
    let (mut h, connect) = Harness::connected(&["/v2/me/calls", "/v2/me/devices"]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":false,"error":"402::session_unknown",
             "advice":{"reconnect":"handshake","interval":0}}]"#,
    );
    assert_eq!(
        statuses(&after),
        vec![Status::Reconnecting {
            attempt: 1,
            next_retry_in_ms: 1000
        }]
    );
    assert_eq!(h.client.client_id(), None);
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 1000;
    let handshake = only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
    // Advice was reset before the handshake: the defaults, not the server's 30 s.
    assert_eq!(
        body(&handshake)[0]["advice"],
        json!({"timeout":60000,"interval":0})
    );
    let after = h.reply(
        &handshake,
        &handshake_ok(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#),
    );
    let subscribe = only_send(&after, RequestKind::Other);
    let channels: Vec<Value> = body(&subscribe)
        .iter()
        .map(|m| m["subscription"].clone())
        .collect();
    assert_eq!(
        channels,
        vec![json!("/v2/me/calls"), json!("/v2/me/devices")]
    );
    let connect = only_send(&after, RequestKind::Connect);
    assert_eq!(body(&connect)[0]["advice"], json!({"timeout":0}));
    h.reply(
        &subscribe,
        &subscribe_ok_all(&["/v2/me/calls", "/v2/me/devices"]),
    );
    let after = h.reply(&connect, CONNECT_OK);
    assert!(after.contains(&Action::Report(ClientEvent::Established { rehandshake: true })));
}

#[test]
fn old_style_unknown_client_with_handshake_advice_rehandshakes() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"{"channel":"/meta/connect","successful":false,"error":"403::Unknown client","advice":{"reconnect":"handshake"}}"#,
    );
    let (token, _) = wake(&after).expect("a wake-up");
    only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
}

#[test]
fn handshake_loop_keeps_backing_off_until_a_connect_succeeds() {
    // Cookies blocked: every handshake works, every connect says 402.
    let (mut h, mut connect) = Harness::connected(&[]);
    let mut delays = Vec::new();
    for _ in 0..4 {
        let after = h.reply(
            &connect,
            r#"[{"channel":"/meta/connect","successful":false,"error":"402::session_unknown","advice":{"reconnect":"handshake"}}]"#,
        );
        let (token, delay) = wake(&after).expect("a wake-up");
        delays.push(delay);
        h.now += delay;
        let handshake = only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
        let after = h.reply(
            &handshake,
            &handshake_ok(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#),
        );
        connect = only_send(&after, RequestKind::Connect);
    }
    assert_eq!(delays, vec![1000, 2000, 3000, 4000]);
}

#[test]
fn connect_unsuccessful_with_advice_none_stops() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":false,"error":"403::denied","advice":{"reconnect":"none"}}]"#,
    );
    assert!(sends(&after).is_empty());
    assert_eq!(
        statuses(&after),
        vec![Status::Stopped {
            reason: StopReason::ServerRefused(Some(BayeuxError::parse("403::denied")))
        }]
    );
}

#[test]
fn connect_successful_with_advice_none_stops() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":true,"advice":{"reconnect":"none"}}]"#,
    );
    assert!(matches!(
        statuses(&after).last(),
        Some(Status::Stopped { .. })
    ));
    assert!(sends(&after).is_empty());
}

#[test]
fn connect_successful_with_handshake_advice_handshakes() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":true,"advice":{"reconnect":"handshake"}}]"#,
    );
    only_send(&after, RequestKind::Handshake);
}

#[test]
fn unconnected_past_session_lifetime_rehandshakes() {
    // timeout 30 s + interval 0 + maxInterval (default) 10 s = 40 s.
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.fail(&connect);
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 1000;
    let retry = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    h.now += 39_000; // held until it failed, 40 s after the first failure
    let after = h.fail(&retry);
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 2000;
    only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
}

#[test]
fn server_max_interval_counts_in_the_session_lifetime() {
    let mut h = Harness::new();
    let after = h.handshake_with(
        r#"{"reconnect":"retry","timeout":1000,"interval":0,"maxInterval":100000}"#,
    );
    let mut connect = only_send(&after, RequestKind::Connect);
    // 50 s of failures stays within 1 + 0 + 100 s: still connecting.
    for _ in 0..5 {
        let after = h.fail(&connect);
        let (token, delay) = wake(&after).expect("a wake-up");
        h.now += delay;
        connect = only_send(&h.event(Event::Timer(token)), RequestKind::Connect);
    }
}

#[test]
fn a_late_timer_after_the_session_expired_rehandshakes() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.fail(&connect);
    let (token, _) = wake(&after).expect("a wake-up");
    h.now += 3_600_000; // the laptop slept
    only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
}

#[test]
fn request_timeouts_follow_advice() {
    let mut h = Harness::new();
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":45000,"interval":0}"#);
    assert_eq!(only_send(&after, RequestKind::Connect).timeout_ms, 55_000);
    let after = h.subscribe("/a");
    assert_eq!(only_send(&after, RequestKind::Other).timeout_ms, 10_000);
}

#[test]
fn stale_and_unknown_replies_are_ignored() {
    let (mut h, connect) = Harness::connected(&[]);
    let subscribe = only_send(&h.subscribe("/a"), RequestKind::Other);
    // A new session: the old connect and subscribe are aborted; their late outcomes change
    // nothing.
    let after = h.event(Event::Stop);
    assert!(
        after.contains(&Action::Abort(connect.id)) && after.contains(&Action::Abort(subscribe.id))
    );
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    assert!(h.reply(&connect, CONNECT_OK).is_empty());
    assert!(h.fail(&connect).is_empty());
    assert!(h.reply(&subscribe, &subscribe_ok_all(&["/a"])).is_empty());
    let bogus = Request {
        id: super::events::RequestId(999),
        kind: RequestKind::Connect,
        body: String::new(),
        timeout_ms: 0,
    };
    assert!(h.reply(&bogus, CONNECT_OK).is_empty());
    // The current handshake still works, and an answered request cannot be answered twice.
    let after = h.reply(
        &handshake,
        &handshake_ok(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#),
    );
    only_send(&after, RequestKind::Connect);
    assert!(h.reply(&handshake, &handshake_ok("{}")).is_empty());
}

// ---- subscriptions ----

#[test]
fn subscribe_before_start_waits_for_the_session() {
    let mut h = Harness::new();
    assert!(h.subscribe("/a").is_empty());
    assert_eq!(h.client.subscriptions().collect::<Vec<_>>(), vec!["/a"]);
}

#[test]
fn subscribe_while_connected_is_sent_at_once_and_queued_behind_another() {
    let (mut h, _connect) = Harness::connected(&[]);
    let first = only_send(&h.subscribe("/a"), RequestKind::Other);
    assert!(
        sends(&h.subscribe("/b")).is_empty(),
        "one non-connect request at a time"
    );
    assert!(sends(&h.subscribe("/c")).is_empty());
    let after = h.reply(&first, &subscribe_ok_all(&["/a"]));
    let second = only_send(&after, RequestKind::Other);
    let channels: Vec<Value> = body(&second)
        .iter()
        .map(|m| m["subscription"].clone())
        .collect();
    assert_eq!(channels, vec![json!("/b"), json!("/c")]);
}

#[test]
fn subscribe_refused_is_reported_and_dropped() {
    let mut h = Harness::new();
    h.subscribe("/v2/me/calls");
    h.subscribe("/secret");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let subscribe = only_send(&after, RequestKind::Other);
    let connect = only_send(&after, RequestKind::Connect);
    let after = h.reply(
        &subscribe,
        r#"[{"channel":"/meta/subscribe","successful":true,"subscription":"/v2/me/calls"},
            {"channel":"/meta/subscribe","successful":false,"subscription":"/secret","error":"403:/secret:denied"}]"#,
    );
    assert!(after.contains(&Action::Report(ClientEvent::SubscribeFailed {
        channel: "/secret".into(),
        error: Some(BayeuxError::parse("403:/secret:denied")),
    })));
    assert_eq!(
        h.client.subscriptions().collect::<Vec<_>>(),
        vec!["/v2/me/calls"]
    );
    let after = h.reply(
        &connect,
        r#"[{"channel":"/secret","data":1},{"channel":"/meta/connect","successful":true}]"#,
    );
    assert!(delivered(&after).is_empty());
    assert!(after.contains(&Action::Report(ClientEvent::Established { rehandshake: false })));
}

#[test]
fn subscribe_reply_without_subscription_is_matched_by_id() {
    let mut h = Harness::new();
    h.subscribe("/a");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let subscribe = only_send(&after, RequestKind::Other);
    let id = body(&subscribe)[0]["id"].clone();
    let reply = json!([{"channel":"/meta/subscribe","successful":false,"id":id,"error":"403::no"}]);
    let after = h.reply(&subscribe, &reply.to_string());
    assert!(matches!(&after[..], [Action::Report(ClientEvent::SubscribeFailed { channel, .. })] if channel == "/a"));
}

#[test]
fn subscribe_with_session_unknown_is_not_a_refusal() {
    let mut h = Harness::new();
    h.subscribe("/a");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let subscribe = only_send(&after, RequestKind::Other);
    let after = h.reply(
        &subscribe,
        r#"[{"channel":"/meta/subscribe","successful":false,"subscription":"/a","error":"402::session_unknown","advice":{"reconnect":"handshake"}}]"#,
    );
    assert!(after.is_empty());
    assert_eq!(h.client.subscriptions().collect::<Vec<_>>(), vec!["/a"]);
}

#[test]
fn failed_subscribe_request_is_retried_after_the_next_good_connect() {
    let mut h = Harness::new();
    h.subscribe("/a");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let subscribe = only_send(&after, RequestKind::Other);
    let connect = only_send(&after, RequestKind::Connect);
    assert!(sends(&h.fail(&subscribe)).is_empty(), "no tight retry loop");
    let after = h.reply(&connect, CONNECT_OK);
    assert!(!after
        .iter()
        .any(|a| matches!(a, Action::Report(ClientEvent::Established { .. }))));
    let again = only_send(&after, RequestKind::Other);
    assert_eq!(body(&again)[0]["subscription"], "/a");
    let after = h.reply(&again, &subscribe_ok_all(&["/a"]));
    assert_eq!(after, vec![Action::Report(ClientEvent::Established { rehandshake: false })]);
}

#[test]
fn subscribe_reply_missing_from_the_batch_is_retried_later() {
    let mut h = Harness::new();
    h.subscribe("/a");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let subscribe = only_send(&after, RequestKind::Other);
    let connect = only_send(&after, RequestKind::Connect);
    let after = h.reply(
        &subscribe,
        r#"[{"channel":"/meta/unsubscribe","successful":true}]"#,
    );
    assert!(sends(&after).is_empty());
    only_send(&h.reply(&connect, CONNECT_OK), RequestKind::Other);
}

#[test]
fn invalid_channels_are_refused_locally() {
    let mut h = Harness::new();
    for channel in ["", "/", "nope", "/meta/connect"] {
        let after = h.subscribe(channel);
        assert_eq!(
            after,
            vec![Action::Report(ClientEvent::SubscribeFailed {
                channel: channel.into(),
                error: None
            })]
        );
    }
}

#[test]
fn unsubscribe_tells_the_server_and_stops_delivery() {
    let (mut h, connect) = Harness::connected(&["/a", "/b"]);
    let after = h.event(Event::Unsubscribe("/a".into()));
    let unsubscribe = only_send(&after, RequestKind::Other);
    let m = &body(&unsubscribe)[0];
    assert_eq!(
        (m["channel"].as_str(), m["subscription"].as_str()),
        (Some("/meta/unsubscribe"), Some("/a"))
    );
    assert_eq!(m["clientId"], "c1");
    assert!(h
        .reply(
            &unsubscribe,
            r#"[{"channel":"/meta/unsubscribe","successful":false,"subscription":"/a"}]"#
        )
        .is_empty());
    let after = h.reply(
        &connect,
        r#"[{"channel":"/a","data":1},{"channel":"/b","data":2},{"channel":"/meta/connect","successful":true}]"#,
    );
    assert_eq!(delivered(&after), vec![("/b".to_owned(), json!(2))]);
    assert!(h.event(Event::Unsubscribe("/zzz".into())).is_empty());
}

#[test]
fn unsubscribe_of_an_unsent_subscription_sends_nothing() {
    let mut h = Harness::new();
    h.subscribe("/a");
    assert!(h.event(Event::Unsubscribe("/a".into())).is_empty());
    assert_eq!(h.client.subscriptions().count(), 0);
}

#[test]
fn unsubscribe_while_subscribing_goes_after_the_subscribe() {
    let (mut h, _connect) = Harness::connected(&[]);
    let subscribe = only_send(&h.subscribe("/a"), RequestKind::Other);
    assert!(sends(&h.event(Event::Unsubscribe("/a".into()))).is_empty());
    let after = h.reply(&subscribe, &subscribe_ok_all(&["/a"]));
    let unsubscribe = only_send(&after, RequestKind::Other);
    assert_eq!(body(&unsubscribe)[0]["channel"], "/meta/unsubscribe");
}

#[test]
fn unsubscribing_the_last_pending_subscription_completes_establishment() {
    let mut h = Harness::new();
    h.subscribe("/a");
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let connect = only_send(&after, RequestKind::Connect);
    h.reply(&connect, CONNECT_OK);
    let after = h.event(Event::Unsubscribe("/a".into()));
    assert!(after.contains(&Action::Report(ClientEvent::Established { rehandshake: false })));
}

// ---- stop ----

#[test]
fn stop_aborts_everything_and_disconnects() {
    let (mut h, connect) = Harness::connected(&["/a"]);
    let after = h.event(Event::Stop);
    assert!(after.contains(&Action::Abort(connect.id)));
    let disconnect = only_send(&after, RequestKind::Disconnect);
    assert_eq!(disconnect.kind.url_suffix(), "/disconnect");
    let m = &body(&disconnect)[0];
    assert_eq!(
        (m["channel"].as_str(), m["clientId"].as_str()),
        (Some("/meta/disconnect"), Some("c1"))
    );
    assert_eq!(
        statuses(&after),
        vec![Status::Stopped {
            reason: StopReason::Requested
        }]
    );
    assert!(h.client.is_stopped());
    // Nothing more happens: late replies, timers, subscriptions, a second stop.
    assert!(h.reply(&connect, CONNECT_OK).is_empty());
    assert!(h
        .reply(
            &disconnect,
            r#"[{"channel":"/meta/disconnect","successful":true}]"#
        )
        .is_empty());
    assert!(h.subscribe("/b").is_empty());
    assert!(h.event(Event::Stop).is_empty());
    // Start again: a fresh handshake, then both subscriptions.
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let channels: Vec<Value> = body(&only_send(&after, RequestKind::Other))
        .iter()
        .map(|m| m["subscription"].clone())
        .collect();
    assert_eq!(channels, vec![json!("/a"), json!("/b")]);
}

#[test]
fn stop_while_waiting_cancels_the_wake_up() {
    let (mut h, connect) = Harness::connected(&[]);
    let after = h.fail(&connect);
    let (token, _) = wake(&after).expect("a wake-up");
    let after = h.event(Event::Stop);
    assert!(after.contains(&Action::CancelWake));
    assert!(h.event(Event::Timer(token)).is_empty());
}

#[test]
fn stop_before_a_session_sends_no_disconnect() {
    let mut h = Harness::new();
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    let after = h.event(Event::Stop);
    assert_eq!(
        after,
        vec![
            Action::Abort(handshake.id),
            Action::Report(ClientEvent::Status(Status::Stopped {
                reason: StopReason::Requested
            }))
        ]
    );
    let mut idle = Harness::new();
    assert!(sends(&idle.event(Event::Stop)).is_empty());
}

// ---- ack extension ----

#[test]
fn ack_extension_when_both_sides_agree() {
    let mut h = Harness::with(Config {
        ack: true,
        ..Config::default()
    });
    let handshake = only_send(&h.event(Event::Start), RequestKind::Handshake);
    assert_eq!(body(&handshake)[0]["ext"], json!({"ack":true}));
    let reply = r#"[{"channel":"/meta/handshake","successful":true,"clientId":"c1","ext":{"ack":true},
                     "advice":{"reconnect":"retry","timeout":30000,"interval":0}}]"#;
    let connect = only_send(&h.reply(&handshake, reply), RequestKind::Connect);
    assert_eq!(body(&connect)[0]["ext"], json!({"ack":-1}));
    let after = h.reply(
        &connect,
        r#"[{"channel":"/meta/connect","successful":true,"ext":{"ack":5}}]"#,
    );
    let next = only_send(&after, RequestKind::Connect);
    assert_eq!(body(&next)[0]["ext"], json!({"ack":5}));
}

#[test]
fn ack_extension_off_when_the_server_does_not_agree() {
    let mut h = Harness::with(Config {
        ack: true,
        ..Config::default()
    });
    let after = h.handshake_with(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#);
    let connect = only_send(&after, RequestKind::Connect);
    assert!(body(&connect)[0].get("ext").is_none());
}

/// The reply of a connect whose session the server no longer knows.
const SESSION_UNKNOWN: &str =
    r#"[{"channel":"/meta/connect","successful":false,"error":"402::session_unknown","advice":{"reconnect":"handshake"}}]"#;

/// From a connect that just failed with 402: waits, handshakes (ok) and returns the
/// session's first connect.
fn rehandshake(h: &mut Harness, after: &[Action]) -> Request {
    let (token, delay) = wake(after).expect("a wake-up");
    h.now += delay;
    let handshake = only_send(&h.event(Event::Timer(token)), RequestKind::Handshake);
    let after = h.reply(&handshake, &handshake_ok(r#"{"reconnect":"retry","timeout":30000,"interval":0}"#));
    only_send(&after, RequestKind::Connect)
}

#[test]
fn sessions_the_server_never_keeps_stop_the_client_instead_of_opening_more() {
    let config = Config { max_unkept_sessions: 3, ..Config::default() };
    let (mut h, connect) = Harness::connected_with(config, &[]);
    // The session that had worked is lost once: that alone is a plain re-handshake.
    let after = h.reply(&connect, SESSION_UNKNOWN);
    let mut connect = rehandshake(&mut h, &after);
    // Then each new session is unknown by its first connect (the cookie is not kept).
    for _ in 0..2 {
        let after = h.reply(&connect, SESSION_UNKNOWN);
        assert!(!statuses(&after).iter().any(|s| matches!(s, Status::Stopped { .. })));
        connect = rehandshake(&mut h, &after);
    }
    let after = h.reply(&connect, SESSION_UNKNOWN);
    assert_eq!(statuses(&after), vec![Status::Stopped { reason: StopReason::SessionNotKept }]);
    assert!(sends(&after).is_empty(), "no more handshakes");
    assert!(wake(&after).is_none(), "nothing scheduled");
}

#[test]
fn a_session_that_connects_once_resets_the_count_of_unkept_ones() {
    let config = Config { max_unkept_sessions: 2, ..Config::default() };
    let (mut h, connect) = Harness::connected_with(config, &[]);
    let after = h.reply(&connect, SESSION_UNKNOWN);
    let connect = rehandshake(&mut h, &after);
    let after = h.reply(&connect, SESSION_UNKNOWN); // one unkept
    let connect = rehandshake(&mut h, &after);
    // This one connects: the server kept it.
    let after = h.reply(&connect, r#"[{"channel":"/meta/connect","successful":true}]"#);
    let connect = only_send(&after, RequestKind::Connect);
    let after = h.reply(&connect, SESSION_UNKNOWN); // lost after working: not counted
    let connect = rehandshake(&mut h, &after);
    let after = h.reply(&connect, SESSION_UNKNOWN); // one unkept again, below the limit
    assert!(!statuses(&after).iter().any(|s| matches!(s, Status::Stopped { .. })));
    assert!(wake(&after).is_some());
}
