//! The Bayeux long-polling server: handshake and advice, held connects, batching of events
//! before the connect reply, subscriptions with wildcards, disconnect, expiry → 402,
//! the BAYEUX_BROWSER cookie and multiple-clients, one held connect per session, and
//! delivery to the agent's own sessions only, in either notification shape.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn handshake_gives_client_id_advice_and_browser_cookie() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    let (status, body) = ava
        .bayeux("/api/v2/notifications", json!([{"id": "7", "channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]))
        .await;
    assert_eq!(status, 200);
    let reply = &body[0];
    assert_eq!(reply["id"], "7");
    assert_eq!(reply["channel"], "/meta/handshake");
    assert_eq!(reply["successful"], true);
    assert_eq!(reply["version"], "1.0");
    assert_eq!(reply["supportedConnectionTypes"], json!(["long-polling"]));
    assert_eq!(
        reply["advice"],
        json!({"reconnect": "retry", "interval": 0, "timeout": 400, "maxInterval": 1500})
    );
    assert!(ava.cookies.lock().unwrap().contains_key("BAYEUX_BROWSER"));

    // A single object (not an array) is accepted too; unauthenticated handshakes fail.
    let stranger = Agent::new(&sim, "ava");
    let (status, body) = stranger
        .bayeux(
            "/api/v2/notifications/handshake",
            json!({"id": "1", "channel": "/meta/handshake"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["successful"], false);
    assert!(body[0]["error"].as_str().unwrap().starts_with("401:"));
    assert_eq!(body[0]["advice"]["reconnect"], "none");
}

#[tokio::test]
async fn connect_is_held_until_timeout_and_honours_client_timeout_zero() {
    let sim = start_with(|o| o.settings.cometd_timeout_ms = 1_500).await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    let t = Instant::now();
    let reply = ava.connect(Some(0)).await;
    assert!(t.elapsed() < Duration::from_millis(1_000));
    assert_eq!(reply[0]["successful"], true);
    assert_eq!(reply[0]["advice"]["reconnect"], "retry");
    let t = Instant::now();
    let reply = ava.connect(None).await;
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(1_450) && waited < Duration::from_millis(4_000),
        "held {waited:?}"
    );
    assert_eq!(reply.as_array().unwrap().len(), 1);
    assert_eq!(reply[0]["channel"], "/meta/connect");
    assert_eq!(reply[0]["id"], "3");
}

#[tokio::test]
async fn events_wake_a_held_connect_and_come_before_its_reply() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    assert_eq!(
        ava.subscribe(json!("/v2/me/calls")).await["successful"],
        true
    );
    let held = async {
        let t = Instant::now();
        (ava.connect(Some(5_000)).await, t.elapsed())
    };
    let dial = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        ava.dial("5559999").await;
    };
    let ((reply, waited), _) = tokio::join!(held, dial);
    assert!(
        waited < Duration::from_millis(2_000),
        "woken by the event, not the timeout: {waited:?}"
    );
    let list = reply.as_array().unwrap();
    assert!(list.len() >= 2);
    assert_eq!(list[0]["channel"], "/v2/me/calls");
    assert_eq!(list[0]["data"]["call"]["state"], "Dialing");
    assert_eq!(list.last().unwrap()["channel"], "/meta/connect");
    assert_eq!(list.last().unwrap()["successful"], true);
}

#[tokio::test]
async fn subscriptions_with_wildcards_and_unsubscribe() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    let r = ava.subscribe(json!(["/v2/me/*"])).await;
    assert_eq!(r["successful"], true);
    assert_eq!(r["subscription"], json!(["/v2/me/*"]));
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "Ready"}),
    )
    .await;
    ava.dial("5559999").await;
    let reply = ava.connect(Some(0)).await;
    let channels: Vec<&str> = reply
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["channel"].as_str())
        .collect();
    assert_eq!(
        channels,
        vec!["/v2/me/devices", "/v2/me/calls", "/meta/connect"]
    );

    // Unsubscribing stops delivery.
    let (_, r) = ava
        .bayeux("/api/v2/notifications", json!([{"id": "4", "channel": "/meta/unsubscribe", "clientId": ava.client(), "subscription": "/v2/me/*"}]))
        .await;
    assert_eq!(r[0]["successful"], true);
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "NotReady"}),
    )
    .await;
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply.as_array().unwrap().len(), 1);

    // `/**` matches deeper channels; `/*` only one segment.
    let r = ava.subscribe(json!("/v2/**")).await;
    assert_eq!(r["successful"], true);
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "Ready"}),
    )
    .await;
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply[0]["channel"], "/v2/me/devices");
    assert!(ccsim::bayeux::channel_matches("/v2/**", "/v2/me/calls"));
    assert!(!ccsim::bayeux::channel_matches("/v2/*", "/v2/me/calls"));
    assert!(ccsim::bayeux::channel_matches("/v2/me/*", "/v2/me/calls"));
    assert!(!ccsim::bayeux::channel_matches("/v2/me/*", "/v2/me"));

    // Meta channels cannot be subscribed.
    assert_eq!(
        ava.subscribe(json!("/meta/connect")).await["successful"],
        false
    );
}

#[tokio::test]
async fn both_url_forms_and_disconnect() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    let id = ava.handshake().await;
    for path in [
        "/api/v2/notifications",
        "/api/v2/notifications/",
        "/api/v2/notifications/connect",
    ] {
        let (status, body) = ava
            .bayeux(path, json!([{"id": "5", "channel": "/meta/connect", "clientId": id, "connectionType": "long-polling", "advice": {"timeout": 0}}]))
            .await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body[0]["successful"], true, "{path}");
    }
    let (_, body) = ava
        .bayeux(
            "/api/v2/notifications/disconnect",
            json!([{"id": "6", "channel": "/meta/disconnect", "clientId": id}]),
        )
        .await;
    assert_eq!(body[0]["successful"], true);
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply[0]["successful"], false);
    assert_eq!(reply[0]["error"], "402::session_unknown");
}

#[tokio::test]
async fn expired_session_answers_402_with_handshake_advice() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    ava.subscribe(json!("/v2/me/calls")).await;

    // Forced expiry releases the held connect with 402.
    let held = ava.connect(Some(5_000));
    let expire = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        sim.faults(json!({"expireCometdSessions": true})).await;
    };
    let (reply, _) = tokio::join!(held, expire);
    assert_eq!(reply[0]["successful"], false);
    assert_eq!(reply[0]["error"], "402::session_unknown");
    assert_eq!(reply[0]["advice"]["reconnect"], "handshake");
    let subscribe = ava.subscribe(json!("/v2/me/calls")).await;
    assert_eq!(subscribe["error"], "402::session_unknown");

    // Idle expiry after maxInterval (1.5 s in tests).
    ava.handshake().await;
    ava.connect(Some(0)).await;
    tokio::time::sleep(Duration::from_millis(1_900)).await;
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply[0]["error"], "402::session_unknown");
    assert_eq!(sim.state().await["cometd"]["sessions"], 0);
}

#[tokio::test]
async fn connect_without_the_browser_cookie_is_unknown() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    ava.cookies.lock().unwrap().remove("BAYEUX_BROWSER");
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply[0]["error"], "402::session_unknown");
}

#[tokio::test]
async fn a_second_connect_releases_the_first() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    let first = async {
        let t = Instant::now();
        let r = ava.connect(Some(5_000)).await;
        (r, t.elapsed())
    };
    let second = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let state = sim.state().await;
        assert_eq!(state["cometd"]["heldConnects"], 1);
        assert_eq!(state["cometd"]["connectsInFlight"], 1);
        ava.connect(Some(300)).await
    };
    let ((first, waited), second) = tokio::join!(first, second);
    assert!(
        waited < Duration::from_millis(3_000),
        "first released early: {waited:?}"
    );
    assert_eq!(first[0]["successful"], true);
    assert_eq!(second[0]["successful"], true);
}

#[tokio::test]
async fn multiple_clients_advice_for_a_second_tab() {
    let sim = start().await;
    let tab1 = sim.agent("ava").await;
    tab1.handshake().await;
    // The second tab shares the browser's cookies.
    let tab2 = Agent::new(&sim, "ava");
    *tab2.cookies.lock().unwrap() = tab1.cookies.lock().unwrap().clone();
    *tab2.csrf.lock().unwrap() = tab1.csrf.lock().unwrap().clone();
    tab2.handshake().await;
    let held = tab1.connect(Some(4_000));
    let other = async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let t = Instant::now();
        let r = tab2.connect(Some(4_000)).await;
        (r, t.elapsed())
    };
    let (_, (reply, waited)) = tokio::join!(held, other);
    assert!(
        waited < Duration::from_millis(2_000),
        "answered at once: {waited:?}"
    );
    let advice = &reply[0]["advice"];
    assert_eq!(advice["multiple-clients"], true);
    assert_eq!(advice["reconnect"], "retry");
    assert_eq!(advice["interval"], 300);
}

#[tokio::test]
async fn notifications_go_to_the_agents_own_sessions_only() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    let ben = sim.agent("ben").await;
    ava.handshake().await;
    ben.handshake().await;
    ava.subscribe(json!("/**")).await;
    ben.subscribe(json!("/**")).await;
    ava.dial("5559999").await;
    let reply = ben.connect(Some(0)).await;
    assert_eq!(
        reply.as_array().unwrap().len(),
        1,
        "Ben hears nothing of Ava's call: {reply}"
    );
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn both_notification_shapes_and_both_participant_shapes() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    ava.subscribe(json!("/v2/me/calls")).await;

    // Default: nested (seed 001) with string participants + participantsInfo.
    ava.dial("5559999").await;
    let data = ava.events("/v2/me/calls", 1).await.remove(0);
    assert_eq!(data["messageType"], "CallStateChangeMessage");
    assert_eq!(data["notificationType"], "StatusChange");
    assert_eq!(data["phoneNumber"], "5005");
    assert_eq!(
        data["extensions"],
        json!({"WrapUpTime": 0, "BusinessCall": 0})
    );
    let call = &data["call"];
    assert_eq!(call["participants"], json!(["5559999"]));
    assert_eq!(
        call["participantsInfo"],
        json!([{"digits": "5559999", "e164Number": "5559999", "formattedPhoneNumber": "5559999"}])
    );
    for key in [
        "id",
        "connId",
        "state",
        "callUuid",
        "deviceUri",
        "uri",
        "dnis",
        "callType",
        "capabilities",
        "duration",
        "mute",
        "supervisorListeningIn",
        "monitoredUserMuted",
    ] {
        assert!(call.get(key).is_some(), "call.{key} in {call}");
    }
    let id = call["id"].as_str().unwrap().to_string();
    assert_eq!(call["uri"], format!("{}/api/v2/me/calls/{id}", sim.base));
    assert_eq!(call["path"], format!("/calls/{id}"));

    // Flat (seed 000) with participant objects (seed 002).
    let (status, _) = sim
        .control(
            "/sim/agents/ava/options",
            json!({"notificationShape": "flat", "participantShape": "objects"}),
        )
        .await;
    assert_eq!(status, 200);
    ava.op(
        &id,
        json!({"operationName": "AttachUserData", "userData": {"AccountNumber": "12345678"}}),
    )
    .await;
    let data = ava.events("/v2/me/calls", 1).await.remove(0);
    assert!(data.get("call").is_none());
    assert_eq!(data["notificationType"], "AttachedDataChanged");
    assert_eq!(data["id"], id.as_str());
    assert_eq!(data["messageType"], "CallStateChangeMessage");
    assert_eq!(data["phoneNumber"], "5005");
    assert_eq!(
        data["participants"],
        json!([{"e164Number": "", "formattedPhoneNumber": "5559999", "phoneNumber": "5559999", "digits": "5559999"}])
    );
    assert!(data.get("participantsInfo").is_none());
    assert_eq!(data["userData"]["AccountNumber"], "12345678");
    let (_, _, calls) = ava.get("/api/v2/me/calls").await;
    assert_eq!(calls["calls"][0]["participants"][0]["digits"], "5559999");
    let (status, _) = sim
        .control(
            "/sim/agents/ava/options",
            json!({"notificationShape": "sideways"}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_agents_wrap_up_time_is_sent_in_the_extensions() {
    let sim = start().await;
    let (status, _) = sim.control("/sim/agents/ava/options", json!({"wrapUpSecs": 45})).await;
    assert_eq!(status, 200);
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    ava.subscribe(json!("/v2/me/calls")).await;
    ava.dial("5559999").await;
    let data = ava.events("/v2/me/calls", 1).await.remove(0);
    assert_eq!(data["extensions"], json!({"WrapUpTime": 45, "BusinessCall": 0}));
    let (status, _) = sim.control("/sim/agents/ava/options", json!({"wrapUpSecs": -1})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn dropped_held_connects_fail_and_the_session_survives() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    let held = ava.bayeux(
        "/api/v2/notifications/connect",
        json!([{"id": "9", "channel": "/meta/connect", "clientId": ava.client(), "connectionType": "long-polling", "advice": {"timeout": 5000}}]),
    );
    let drop = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        sim.faults(json!({"dropHeldConnects": true})).await;
    };
    let ((status, _), _) = tokio::join!(held, drop);
    assert_eq!(status, 500);
    let reply = ava.connect(Some(0)).await;
    assert_eq!(reply[0]["successful"], true);
}

#[tokio::test]
async fn bad_bodies_and_unknown_channels() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    let (status, _) = ava
        .bayeux("/api/v2/notifications", Value::String("nope".into()))
        .await;
    assert_eq!(status, 400);
    let id = ava.handshake().await;
    let (_, body) = ava
        .bayeux(
            "/api/v2/notifications",
            json!([{"id": "1", "channel": "/some/channel", "clientId": id, "data": {}}]),
        )
        .await;
    assert_eq!(body[0]["successful"], false);
}
