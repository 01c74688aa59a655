//! Faults and controls for notification delivery (issue 8): duplicated and reordered
//! notifications, a full network cut that loses answers on their way out, slow connect
//! answers, a burst of notifications in one answer, and agent names set by the tests.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// An agent with a live CometD session subscribed to the calls channel.
async fn listening(sim: &TestSim) -> Agent {
    let ava = sim.listening("ava").await;
    ava.connect(Some(0)).await;
    ava
}

/// The (id, state) of each call event in a connect reply, in order.
fn call_events(reply: &Value) -> Vec<(String, String)> {
    call_messages(reply)
        .into_iter()
        .map(|m| {
            let c = call_of(&m["data"]);
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn duplicated_notifications_come_twice_in_a_row() {
    let sim = start().await;
    let ava = listening(&sim).await;
    sim.faults(json!({"duplicateNotifications": 1})).await;
    assert_eq!(sim.state().await["faults"]["duplicateNotifications"], 1);
    let id = sim.ring("ava", "5551234").await;
    let reply = ava.connect(Some(0)).await;
    let ringing = (id.clone(), "Ringing".to_string());
    assert_eq!(call_events(&reply), vec![ringing.clone(), ringing]);
    // Only the next one: the answer comes once.
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let reply = ava.connect(Some(0)).await;
    assert_eq!(call_events(&reply), vec![(id, "Established".to_string())]);
    assert_eq!(sim.state().await["faults"]["duplicateNotifications"], 0);
}

#[tokio::test]
async fn reversed_notifications_wait_then_come_newest_first() {
    let sim = start().await;
    let ava = listening(&sim).await;
    sim.faults(json!({"reverseNotifications": 2})).await;
    let id = sim.ring("ava", "5551234").await;
    // Held back: nothing yet.
    let reply = ava.connect(Some(0)).await;
    assert!(call_events(&reply).is_empty(), "{reply}");
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let reply = ava.connect(Some(0)).await;
    assert_eq!(
        call_events(&reply),
        vec![
            (id.clone(), "Established".to_string()),
            (id.clone(), "Ringing".to_string())
        ]
    );

    // Clearing the faults releases whatever is still held back.
    sim.faults(json!({"reverseNotifications": 5})).await;
    ava.op(&id, json!({"operationName": "Hold"})).await;
    let reply = ava.connect(Some(0)).await;
    assert!(call_events(&reply).is_empty(), "{reply}");
    sim.http
        .delete(sim.url("/sim/faults"))
        .send()
        .await
        .unwrap();
    let reply = ava.connect(Some(0)).await;
    assert_eq!(call_events(&reply), vec![(id, "Held".to_string())]);
    assert_eq!(sim.state().await["faults"]["reverseNotifications"], 0);
}

#[tokio::test]
async fn a_cut_loses_the_answers_leaving_during_it_a_blackhole_does_not() {
    let sim = start_with(|o| o.settings.cometd_timeout_ms = 5_000).await;
    let ava = listening(&sim).await;

    // Blackhole: a connect held before it still answers (with the event).
    let held = ava.bayeux(
        "/api/v2/notifications/connect",
        json!([{"id": "9", "channel": "/meta/connect", "clientId": ava.client(), "connectionType": "long-polling"}]),
    );
    let act = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        sim.faults(json!({"blackholeMs": 600})).await;
        sim.ring("ava", "5551234").await
    };
    let ((status, reply), id) = tokio::join!(held, act);
    assert_eq!(status, 200);
    assert_eq!(call_events(&reply), vec![(id, "Ringing".to_string())]);
    tokio::time::sleep(Duration::from_millis(700)).await;

    // Cut: the held connect's answer is lost; the connection fails when the cut ends.
    let started = Instant::now();
    let held = sim
        .http
        .post(sim.url("/api/v2/notifications/connect"))
        .header("Cookie", ava.cookie_header())
        .header("Content-Type", "application/json")
        .body(json!([{"id": "10", "channel": "/meta/connect", "clientId": ava.client(), "connectionType": "long-polling"}]).to_string())
        .send();
    let act = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        sim.faults(json!({"cutMs": 800})).await;
        assert_eq!(sim.state().await["faults"]["cut"], true);
        sim.ring("ava", "5551234").await
    };
    let (result, _) = tokio::join!(held, act);
    let lost = match result {
        Err(_) => true,
        Ok(res) => res.bytes().await.is_err(),
    };
    assert!(lost, "the held connect's answer was lost");
    assert!(started.elapsed() >= Duration::from_millis(800), "{:?}", started.elapsed());
    // The event left with that answer: the session's queue is empty now.
    let reply = ava.connect(Some(0)).await;
    assert!(call_events(&reply).is_empty(), "{reply}");
}

#[tokio::test]
async fn slow_connects_answer_late_until_cleared() {
    let sim = start().await;
    let ava = listening(&sim).await;
    sim.faults(json!({"connectDelayMs": 500})).await;
    assert_eq!(sim.state().await["faults"]["connectDelayMs"], 500);
    let t = Instant::now();
    let reply = ava.connect(Some(0)).await;
    assert!(t.elapsed() >= Duration::from_millis(500), "{:?}", t.elapsed());
    assert_eq!(reply[0]["successful"], true);
    // Other requests are not slowed.
    let t = Instant::now();
    ava.get("/api/v2/me").await;
    assert!(t.elapsed() < Duration::from_millis(400));
    sim.http.delete(sim.url("/sim/faults")).send().await.unwrap();
    let t = Instant::now();
    ava.connect(Some(0)).await;
    assert!(t.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn a_burst_leaves_in_one_connect_answer() {
    let sim = start().await;
    let ava = listening(&sim).await;
    let (status, body) = sim
        .control("/sim/burst", json!({"agent": "ava", "count": 5}))
        .await;
    assert_eq!(status, 409, "no live call: {body}");

    let id = sim.ring("ava", "5551234").await;
    ava.connect(Some(0)).await;
    let (status, body) = sim
        .control("/sim/burst", json!({"agent": "ava", "count": 200, "key": "Seq"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let reply = ava.connect(None).await;
    let events = call_messages(&reply);
    assert_eq!(events.len(), 200);
    assert_eq!(events[0]["data"]["notificationType"], "AttachedDataChanged");
    assert_eq!(call_of(&events[199]["data"])["userData"]["Seq"], "burst-199");
    assert_eq!(sim.call(&id).await["userData"]["Seq"], "burst-199");
    let (status, _) = sim
        .control("/sim/burst", json!({"agent": "ava", "count": 3, "key": "Seq", "prefix": "r2"}))
        .await;
    assert_eq!(status, 200);
    let reply = ava.connect(None).await;
    assert_eq!(call_events(&reply).len(), 3);
    assert_eq!(sim.call(&id).await["userData"]["Seq"], "r2-2");
    let (status, _) = sim
        .control("/sim/burst", json!({"agent": "nobody"}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn agent_names_can_be_set() {
    let sim = start().await;
    let (status, _) = sim
        .control(
            "/sim/agents/ava/options",
            json!({"firstName": "<b>Ava</b>", "lastName": "\u{202e}Patel"}),
        )
        .await;
    assert_eq!(status, 200);
    let ava = sim.agent("ava").await;
    let (_, _, me) = ava.get("/api/v2/me").await;
    assert_eq!(me["user"]["firstName"], "<b>Ava</b>");
    assert_eq!(me["user"]["lastName"], "\u{202e}Patel");
    let state = sim.state().await;
    assert_eq!(state["agents"][0]["displayName"], "<b>Ava</b> \u{202e}Patel");
}

/// One /meta/connect with `ext.ack` (and `timeout: 0`, answered at once).
async fn ack_connect(ava: &Agent, ack: i64) -> Value {
    let (status, body) = ava
        .bayeux(
            "/api/v2/notifications/connect",
            json!([{"id": "5", "channel": "/meta/connect", "clientId": ava.client(),
                    "connectionType": "long-polling", "advice": {"timeout": 0}, "ext": {"ack": ack}}]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn reply_ack(reply: &Value) -> Value {
    reply.as_array().unwrap().last().unwrap()["ext"]["ack"].clone()
}

#[tokio::test]
async fn the_ack_extension_sends_unacknowledged_events_again() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    let (_, body) = ava
        .bayeux(
            "/api/v2/notifications/handshake",
            json!([{"id": "1", "channel": "/meta/handshake", "version": "1.0",
                    "supportedConnectionTypes": ["long-polling"], "ext": {"ack": true}}]),
        )
        .await;
    assert_eq!(body[0]["ext"], json!({"ack": true}));
    *ava.client_id.lock().unwrap() = body[0]["clientId"].as_str().map(str::to_string);
    ava.subscribe(json!("/v2/me/calls")).await;
    let reply = ack_connect(&ava, -1).await;
    assert_eq!(reply_ack(&reply), 0);

    let id = sim.ring("ava", "5551234").await;
    let reply = ack_connect(&ava, 0).await;
    assert_eq!(call_events(&reply), vec![(id.clone(), "Ringing".to_string())]);
    assert_eq!(reply_ack(&reply), 1);
    // That answer was lost: the client still acknowledges batch 0, so batch 1 comes again.
    let reply = ack_connect(&ava, 0).await;
    assert_eq!(call_events(&reply), vec![(id.clone(), "Ringing".to_string())]);
    assert_eq!(reply_ack(&reply), 1);
    // A lost answer and a new event: the old one first, then the new, in batch 2.
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let reply = ack_connect(&ava, 0).await;
    assert_eq!(
        call_events(&reply),
        vec![(id.clone(), "Ringing".to_string()), (id.clone(), "Established".to_string())]
    );
    assert_eq!(reply_ack(&reply), 2);
    // Acknowledged: nothing again; a held connect is held (not answered at once).
    let reply = ack_connect(&ava, 2).await;
    assert!(call_events(&reply).is_empty(), "{reply}");
    let started = Instant::now();
    let (_, reply) = ava
        .bayeux(
            "/api/v2/notifications/connect",
            json!([{"id": "6", "channel": "/meta/connect", "clientId": ava.client(),
                    "connectionType": "long-polling", "ext": {"ack": 2}}]),
        )
        .await;
    assert!(started.elapsed() >= Duration::from_millis(300), "held: {reply}");
    assert_eq!(reply_ack(&reply), 2);

    // A client that does not ask for it gets no ext at all.
    let ben = sim.agent("ben").await;
    ben.handshake().await;
    let reply = ben.connect(Some(0)).await;
    assert!(reply[0].get("ext").is_none(), "{reply}");
}
