//! The /sim control API and injected faults: the state document, latency, 5xx rate,
//! malformed answers, a network cut, GWS session expiry, restart, and clearing.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn state_lists_agents_calls_dispositions_and_counters() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    let state = sim.state().await;
    let agents = state["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 2);
    let a = &agents[0];
    assert_eq!(
        (
            a["username"].as_str(),
            a["password"].as_str(),
            a["displayName"].as_str(),
            a["dn"].as_str(),
            a["deviceId"].as_str()
        ),
        (
            Some("ava"),
            Some("demo"),
            Some("Ava Patel"),
            Some("5005"),
            Some(AVA_DEVICE)
        )
    );
    assert_eq!(a["sessions"], 1);
    assert_eq!(a["agentState"]["state"], "LoggedOut");
    let b = &agents[1];
    assert_eq!(
        (
            b["username"].as_str(),
            b["displayName"].as_str(),
            b["dn"].as_str(),
            b["deviceId"].as_str()
        ),
        (
            Some("ben"),
            Some("Ben Okafor"),
            Some("5006"),
            Some(BEN_DEVICE)
        )
    );
    assert_eq!(state["cometd"]["sessions"], 1);
    assert_eq!(state["cometd"]["handshakes"], 1);
    for key in ["calls", "dispositions", "ozonetelCalls"] {
        assert!(state[key].is_array(), "{key}");
    }
    assert_eq!(state["requests"]["/api/v2/notifications/handshake"], 1);

    let (status, body) = sim
        .control(
            "/sim/calls/inbound",
            json!({"agent": "ben", "from": "5557777", "userData": {"k": "v"}}),
        )
        .await;
    assert_eq!(status, 200);
    let call = sim.call(body["id"].as_str().unwrap()).await;
    for key in [
        "id",
        "agent",
        "state",
        "callType",
        "participants",
        "userData",
        "capabilities",
        "dtmf",
        "muted",
    ] {
        assert!(call.get(key).is_some(), "calls[].{key}");
    }
    assert_eq!(call["userData"], json!({"k": "v"}));
    let (status, _) = sim
        .control("/sim/calls/inbound", json!({"from": "1"}))
        .await;
    assert_eq!(status, 400);
    let res = sim
        .http
        .post(sim.url("/sim/calls/inbound"))
        .body("[")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn latency_and_5xx_rate_persist_until_cleared() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    sim.faults(json!({"latencyMs": 800})).await;
    let t = Instant::now();
    ava.get("/api/v2/me").await;
    assert!(t.elapsed() >= Duration::from_millis(790));
    // /sim is never slowed down.
    let t = Instant::now();
    sim.state().await;
    assert!(t.elapsed() < Duration::from_millis(700));

    sim.faults(json!({"latencyMs": 0, "http5xxRate": 1.0}))
        .await;
    let (status, _, body) = ava.get("/api/v2/me").await;
    assert_eq!(status.as_u16(), 503);
    assert_eq!(body["statusCode"], 4);
    sim.faults(json!({"http5xxRate": 0.5, "seed": 42})).await;
    let mut failures = 0;
    for _ in 0..40 {
        let (status, _, _) = ava.get("/api/v2/me").await;
        if status.is_server_error() {
            failures += 1;
        }
    }
    assert!((5..=35).contains(&failures), "about half fail: {failures}");

    let res = sim
        .http
        .delete(sim.url("/sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for _ in 0..10 {
        let (status, _, _) = ava.get("/api/v2/me").await;
        assert_eq!(status, 200);
    }
    let (status, _) = sim.control("/sim/faults", json!({"http5xxRate": 3})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn malformed_json_on_the_next_answer_only() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    sim.faults(json!({"malformedNext": 1})).await;
    let (status, _, body) = ava.get("/api/v2/me/calls").await;
    assert_eq!(status, 200);
    let text = body.as_str().expect("not JSON");
    assert!(serde_json::from_str::<Value>(text).is_err());
    let (_, _, body) = ava.get("/api/v2/me/calls").await;
    assert_eq!(body["statusCode"], 0);
}

#[tokio::test]
async fn blackhole_hangs_requests_then_fails_them() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    sim.faults(json!({"blackholeMs": 400})).await;
    let t = Instant::now();
    let result = sim
        .http
        .get(sim.url("/api/v2/me"))
        .header("Authorization", basic("ava", "demo"))
        .send()
        .await;
    let failed = match result {
        Err(_) => true,
        Ok(res) => {
            let status = res.status();
            res.bytes().await.is_err() || status.is_server_error()
        }
    };
    assert!(failed);
    assert!(
        t.elapsed() >= Duration::from_millis(350),
        "it hung first: {:?}",
        t.elapsed()
    );
    // The control API still answers during a cut, and the cut ends by itself.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _, _) = ava.get("/api/v2/me").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn expiring_gws_sessions_and_restart_forget_sessions() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    sim.faults(json!({"expireGwsSessions": true})).await;
    let (status, _, body) = ava.get("/api/v2/me").await;
    assert_eq!(status, 401);
    assert_eq!(body["statusCode"], 20);
    let reply = ava.connect(Some(0)).await;
    assert_eq!(
        reply[0]["error"], "402::session_unknown",
        "CometD sessions die with their HTTP session"
    );

    // Basic again → a new session.
    let (status, _, _) = ava.get_basic("/api/v2/me").await;
    assert_eq!(status, 200);
    ava.handshake().await;
    ava.dial("5559999").await;
    sim.faults(json!({"restart": true})).await;
    let state = sim.state().await;
    assert_eq!(state["agents"][0]["sessions"], 0);
    assert_eq!(state["cometd"]["sessions"], 0);
    assert_eq!(
        state["calls"].as_array().unwrap().len(),
        1,
        "the calls survive a restart of the sessions"
    );
    let (status, _, _) = ava.send(Method::GET, "/api/v2/me", None, &[]).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn config_can_be_read_and_changed() {
    let sim = start().await;
    let res = sim.http.get(sim.url("/sim/config")).send().await.unwrap();
    let config: Value = res.json().await.unwrap();
    assert_eq!(config["csrf"], true);
    let (status, config) = sim
        .control("/sim/config", json!({"wrapupSecs": 5, "answerDelayMs": 50}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(config["wrapupSecs"], 5);
    let (status, _) = sim.control("/sim/config", json!({"wrapupSecs": "x"})).await;
    assert_eq!(status, 400);
}
