//! The real shape (GWS-REAL.md): capability lists per state, ClearCall, the LoggedIn step of
//! the login, `metrics`/`extensions`/`case`/WWE party on call notifications, the
//! emptyParticipants option, agent states without reasons, operations failing with an HTTP
//! error status, 403 "Access denied", the device ErrorMessage, a Bayeux server without the
//! ack extension — and the real notifications compared with the captures on disk. Then the
//! switches of the remaining facts: StartContactCenterSession's partial success, `uris`
//! list GETs, connIds that change under the same id, legacy connId ids, the `info`
//! participants, DtmfSent, MonitoredUserMutedStateChange, the Error notification, a
//! consult's `parentCallUri`, and a call operation accepted with statusCode 0 that never
//! happens (`silentNextOperation`).

mod common;

use std::path::PathBuf;

use ccsim::world::GwsShape;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const AVA_USER_ID: &str = "6f3c1e0a2b4d4e8f9a1b2c3d4e5f6a70";

const REAL_RINGING: [&str; 6] = [
    "Answer",
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "AttachUserData",
    "ClearCall",
];

const REAL_ESTABLISHED: [&str; 12] = [
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "InitiateConference",
    "AttachUserData",
    "Hangup",
    "SingleStepConference",
    "SingleStepTransfer",
    "SendDtmf",
    "ClearCall",
    "Hold",
    "InitiateTransfer",
];

const REAL_HELD: [&str; 11] = [
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "InitiateConference",
    "AttachUserData",
    "Hangup",
    "SingleStepConference",
    "SingleStepTransfer",
    "ClearCall",
    "Retrieve",
    "InitiateTransfer",
];

/// Switch one agent to the real shape through the control API.
async fn make_real(sim: &TestSim, username: &str) {
    let (status, body) = sim
        .control(
            &format!("/sim/agents/{username}/options"),
            json!({"gwsShape": "real"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// Log in, handshake and subscribe to both channels.
async fn tuned_in(sim: &TestSim, username: &str) -> Agent {
    let agent = sim.agent(username).await;
    agent.handshake().await;
    agent
        .subscribe(json!(["/v2/me/calls", "/v2/me/devices"]))
        .await;
    agent
}

/// Everything queued for the agent now, as (channel, data).
async fn drain(agent: &Agent) -> Vec<(String, Value)> {
    let reply = agent.connect(Some(0)).await;
    reply
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.get("data").is_some())
        .map(|m| {
            (
                m["channel"].as_str().unwrap().to_string(),
                m["data"].clone(),
            )
        })
        .collect()
}

/// The call notifications queued now (their `data`).
async fn call_notifications(agent: &Agent) -> Vec<Value> {
    drain(agent)
        .await
        .into_iter()
        .filter(|(c, _)| c == "/v2/me/calls")
        .map(|(_, d)| d)
        .collect()
}

/// The device notifications queued now (their `data`).
async fn device_notifications(agent: &Agent) -> Vec<Value> {
    drain(agent)
        .await
        .into_iter()
        .filter(|(c, _)| c == "/v2/me/devices")
        .map(|(_, d)| d)
        .collect()
}

fn names(list: &[&str]) -> Value {
    json!(list)
}

fn has_key(v: &Value, key: &str) -> bool {
    v.as_object().is_some_and(|o| o.contains_key(key))
}

// ----- 1. capabilities per state, ClearCall -----

#[tokio::test]
async fn real_capability_lists_follow_the_captured_servers() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let ava = tuned_in(&sim, "ava").await;
    let ben = tuned_in(&sim, "ben").await;

    let id = sim.ring("ava", "5551234").await;
    let ringing = call_notifications(&ava).await;
    assert_eq!(ringing[0]["call"]["state"], "Ringing");
    assert_eq!(ringing[0]["call"]["capabilities"], names(&REAL_RINGING));
    assert_eq!(sim.call(&id).await["capabilities"], names(&REAL_RINGING));
    // No Hangup while ringing.
    let refused = ava.op(&id, json!({"operationName": "Hangup"})).await;
    assert_eq!(refused["statusCode"], 2, "{refused}");

    ava.op(&id, json!({"operationName": "Answer"})).await;
    let established = call_notifications(&ava).await;
    assert_eq!(established[0]["call"]["state"], "Established");
    assert_eq!(
        established[0]["call"]["capabilities"],
        names(&REAL_ESTABLISHED)
    );
    // Mute and recording are not in the real list, so they are refused.
    let refused = ava.op(&id, json!({"operationName": "MuteCall"})).await;
    assert_eq!(refused["statusCode"], 2, "{refused}");

    ava.op(&id, json!({"operationName": "Hold"})).await;
    let held = call_notifications(&ava).await;
    assert_eq!(held[0]["call"]["state"], "Held");
    assert_eq!(held[0]["call"]["capabilities"], names(&REAL_HELD));
    ava.op(&id, json!({"operationName": "Retrieve"})).await;
    drain(&ava).await;

    // A consult: the held original lists SwapCalls and CompleteTransfer at once.
    ava.op(
        &id,
        json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5006"}}),
    )
    .await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["call"]["id"], id.as_str());
    assert_eq!(events[0]["call"]["state"], "Held");
    let mut want: Vec<&str> = REAL_HELD.to_vec();
    want.extend(["SwapCalls", "CompleteTransfer"]);
    assert_eq!(events[0]["call"]["capabilities"], names(&want));
    let consult = events[1]["call"]["id"].as_str().unwrap().to_string();
    assert_eq!(events[1]["call"]["callType"], "Consult");

    // Ben (doc shape) answers; the transfer completes from the held original.
    let ben_call = sim.calls_of("ben").await.remove(0);
    ben.op(
        ben_call["id"].as_str().unwrap(),
        json!({"operationName": "Answer"}),
    )
    .await;
    assert_eq!(sim.call(&consult).await["state"], "Established");
    ava.op(&id, json!({"operationName": "CompleteTransfer"}))
        .await;
    let released = call_notifications(&ava).await;
    let last = released.last().unwrap();
    assert!(
        released
            .iter()
            .all(|d| d["call"]["state"] != "Released" || d["call"]["capabilities"] == json!([])),
        "{released:?}"
    );
    assert_eq!(last["call"]["state"], "Released");
    assert_eq!(sim.call(&id).await["state"], "Released");
    assert_eq!(sim.call(&consult).await["state"], "Released");
}

#[tokio::test]
async fn real_consult_completes_from_the_consult_call_though_it_is_not_listed() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let ava = tuned_in(&sim, "ava").await;
    let id = sim.ring("ava", "5551234").await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    ava.op(
        &id,
        json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5551313"}}),
    )
    .await;
    let consult = sim
        .calls_of("ava")
        .await
        .into_iter()
        .find(|c| c["consultOf"] == id.as_str())
        .unwrap();
    let consult_id = consult["id"].as_str().unwrap().to_string();
    let consult = sim.wait_call_state(&consult_id, "Established").await;
    assert_eq!(consult["capabilities"], names(&REAL_ESTABLISHED));
    // Not the other kind's operation.
    let refused = ava
        .op(
            &consult_id,
            json!({"operationName": "CompleteConference", "consultCallUri": consult_id}),
        )
        .await;
    assert_eq!(refused["statusCode"], 2, "{refused}");
    assert_eq!(
        ava.op(&consult_id, json!({"operationName": "CompleteTransfer"}))
            .await,
        json!({"statusCode": 0})
    );
    assert_eq!(sim.call(&id).await["state"], "Released");
    assert_eq!(sim.call(&consult_id).await["state"], "Released");
}

#[tokio::test]
async fn clear_call_declines_a_ringing_call_and_ends_a_connected_one_in_both_shapes() {
    for shape in ["doc", "real"] {
        let sim = start().await;
        if shape == "real" {
            make_real(&sim, "ava").await;
        }
        let ava = tuned_in(&sim, "ava").await;
        let ben = tuned_in(&sim, "ben").await;

        // An inbound call declined while ringing: released, its caller gone.
        let id = sim.ring("ava", "5551234").await;
        drain(&ava).await;
        assert_eq!(
            ava.op(&id, json!({"operationName": "ClearCall"})).await,
            json!({"statusCode": 0}),
            "{shape}"
        );
        let call = sim.call(&id).await;
        assert_eq!(call["state"], "Released", "{shape}: {call}");
        let events = call_notifications(&ava).await;
        assert_eq!(events.len(), 1, "{shape}: {events:?}");
        assert_eq!(events[0]["notificationType"], "StatusChange");
        assert_eq!(call_of(&events[0])["state"], "Released");
        let (_, _, calls) = ava.get("/api/v2/me/calls").await;
        assert_eq!(calls["calls"], json!([]), "{shape}");
        // The caller side is gone: nobody is left for a remote hangup.
        let (status, _) = sim
            .control(&format!("/sim/calls/{id}/remote-hangup"), json!({}))
            .await;
        assert_eq!(status, 409, "{shape}");

        // Ben calls Ava; Ava declines: Ben's side ends too.
        ben.dial("5005").await;
        let ben_leg = sim.calls_of("ben").await.remove(0);
        let ava_leg = sim.calls_of("ava").await.pop().unwrap();
        assert_eq!(ava_leg["state"], "Ringing");
        ava.op(
            ava_leg["id"].as_str().unwrap(),
            json!({"operationName": "ClearCall"}),
        )
        .await;
        assert_eq!(
            sim.call(ben_leg["id"].as_str().unwrap()).await["state"],
            "Released",
            "{shape}"
        );
        assert_eq!(
            sim.call(ava_leg["id"].as_str().unwrap()).await["state"],
            "Released"
        );

        // A connected call ends as with Hangup.
        let id = sim.ring("ava", "5551313").await;
        ava.op(&id, json!({"operationName": "Answer"})).await;
        assert_eq!(sim.call(&id).await["state"], "Established");
        ava.op(&id, json!({"operationName": "ClearCall"})).await;
        assert_eq!(sim.call(&id).await["state"], "Released", "{shape}");
        // Not on a released call.
        let refused = ava.op(&id, json!({"operationName": "ClearCall"})).await;
        assert_eq!(refused["statusCode"], 2, "{shape}: {refused}");
    }
}

// ----- 2. the login sequence -----

#[tokio::test]
async fn real_login_goes_offline_then_logged_in_then_ready() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let ava = tuned_in(&sim, "ava").await;
    let (_, _, devices) = ava.get("/api/v2/me/devices").await;
    assert_eq!(
        devices["devices"][0]["userState"],
        json!({"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "displayName": "Offline", "state": "LoggedOut"})
    );
    ava.post(
        "/api/v2/me",
        json!({"operationName": "StartContactCenterSession", "channels": ["voice"]}),
    )
    .await;
    let events = device_notifications(&ava).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["messageType"], "DeviceStateChangeMessage");
    assert_eq!(
        events[0]["devices"][0]["userState"],
        json!({"state": "LoggedIn"})
    );
    assert_eq!(
        events[1]["devices"][0]["userState"],
        json!({"id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready", "state": "Ready"})
    );
    assert!(events[0]["metrics"]["eventProcessing"]["serverGenerationTimestamp"].is_u64());
    let state = sim.state().await;
    assert_eq!(state["agents"][0]["agentState"]["state"], "Ready");

    // The documented shape keeps its login: Not Ready at once, no LoggedIn step.
    let ben = tuned_in(&sim, "ben").await;
    ben.post(
        "/api/v2/me",
        json!({"operationName": "StartContactCenterSession", "channels": ["voice"]}),
    )
    .await;
    let events = device_notifications(&ben).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["devices"][0]["userState"]["state"], "NotReady");
}

// ----- 3. call notifications -----

#[tokio::test]
async fn real_call_notifications_carry_metrics_extensions_case_and_the_wwe_party() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let ava = tuned_in(&sim, "ava").await;
    let before = now_ms();
    let id = sim.ring("ava", "5551234").await;
    let events = call_notifications(&ava).await;
    assert_eq!(events.len(), 2, "{events:?}");

    // Ringing: nested, metrics, routing extensions (strings and numbers), no empty
    // userData, no case, duration a string, participant objects.
    let ring = &events[0];
    assert_eq!(ring["notificationType"], "StatusChange");
    assert_eq!(ring["phoneNumber"], "5005");
    let stamp = ring["metrics"]["eventProcessing"]["serverGenerationTimestamp"]
        .as_u64()
        .unwrap();
    assert!(stamp >= before && stamp <= now_ms(), "{stamp}");
    let ext = &ring["extensions"];
    assert!(
        ext.as_object().unwrap().values().any(Value::is_string),
        "{ext}"
    );
    assert!(
        ext.as_object().unwrap().values().any(Value::is_number),
        "{ext}"
    );
    assert_eq!(ext["OriginationDN"], "5551234");
    let call = &ring["call"];
    assert!(!has_key(call, "userData"), "{call}");
    assert!(!has_key(call, "case"), "{call}");
    assert_eq!(call["duration"], "0");
    assert_eq!(
        call["participants"],
        json!([{"e164Number": "", "formattedPhoneNumber": "5551234", "phoneNumber": "5551234", "digits": "5551234"}])
    );

    // Then WWE's party is attached (AttachedDataChanged, no extensions).
    let party = json!({"firstname": "Ava", "lastname": "Patel", "username": "ava", "path": format!("/users/{AVA_USER_ID}")});
    let attached = &events[1];
    assert_eq!(attached["notificationType"], "AttachedDataChanged");
    assert!(!has_key(attached, "extensions"), "{attached}");
    assert!(has_key(attached, "metrics"));
    assert_eq!(
        attached["call"]["userData"],
        json!({"WWE_PARTY_5005": party})
    );

    // After Answer: case: [] and the nested userData stays.
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let events = call_notifications(&ava).await;
    let call = &events[0]["call"];
    assert_eq!(call["state"], "Established");
    assert_eq!(call["case"], json!([]));
    assert_eq!(call["userData"]["WWE_PARTY_5005"], party);
    assert_eq!(events[0]["extensions"]["BusinessCall"], 1);
    assert!(events[0]["extensions"]["WrapUpTime"].is_number());
    let (_, _, got) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
    assert_eq!(got["call"]["case"], json!([]));
    assert!(got["call"]["duration"].is_string());
    ava.op(&id, json!({"operationName": "Hangup"})).await;
    drain(&ava).await;

    // A call Ava makes carries her party from its first notification.
    ava.dial("5559999").await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["call"]["state"], "Dialing");
    assert_eq!(events[0]["call"]["userData"]["WWE_PARTY_5005"], party);
    assert!(!has_key(&events[0]["call"], "case"));

    // The documented shape has none of it.
    let ben = tuned_in(&sim, "ben").await;
    sim.ring("ben", "5551212").await;
    let events = call_notifications(&ben).await;
    assert_eq!(events.len(), 1);
    assert!(!has_key(&events[0], "metrics"));
    assert_eq!(events[0]["call"]["userData"], json!({}));
}

#[tokio::test]
async fn empty_participants_shows_a_live_call_bare_but_it_still_works() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let (status, _) = sim
        .control(
            "/sim/agents/ava/options",
            json!({"emptyParticipants": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(sim.state().await["agents"][0]["emptyParticipants"], true);
    let ava = tuned_in(&sim, "ava").await;
    let id = sim.ring("ava", "5551234").await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let events = call_notifications(&ava).await;
    let established = events
        .iter()
        .find(|d| d["call"]["state"] == "Established")
        .unwrap();
    assert_eq!(established["call"]["participants"], json!([]));
    assert_eq!(established["call"]["capabilities"], json!([]));
    let (_, _, got) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
    assert_eq!(got["call"]["participants"], json!([]));
    assert_eq!(got["call"]["capabilities"], json!([]));
    // The server still knows the call: /sim/state and the operations are unchanged.
    let call = sim.call(&id).await;
    assert_eq!(call["participants"], json!(["5551234"]));
    assert_eq!(call["capabilities"], names(&REAL_ESTABLISHED));
    assert_eq!(
        ava.op(&id, json!({"operationName": "Hangup"})).await,
        json!({"statusCode": 0})
    );
    assert_eq!(sim.call(&id).await["state"], "Released");

    // Off again: a live call shows its parties.
    sim.control(
        "/sim/agents/ava/options",
        json!({"emptyParticipants": false}),
    )
    .await;
    drain(&ava).await;
    sim.ring("ava", "5551313").await;
    let events = call_notifications(&ava).await;
    assert_eq!(
        events[0]["call"]["participants"][0]["phoneNumber"],
        "5551313"
    );
    assert_eq!(events[0]["call"]["capabilities"], names(&REAL_RINGING));
}

// ----- 4. agent states -----

#[tokio::test]
async fn real_agent_states_carry_no_reason_and_acw_is_not_ready_with_a_work_mode() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let ava = tuned_in(&sim, "ava").await;
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "NotReady", "reasonCode": "Lunch"}),
    )
    .await;
    let events = device_notifications(&ava).await;
    let user_state = &events[0]["devices"][0]["userState"];
    assert_eq!(
        *user_state,
        json!({"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready", "state": "NotReady"})
    );
    let (_, _, devices) = ava.get("/api/v2/me/devices").await;
    assert!(!has_key(&devices["devices"][0]["userState"], "reason"));
    assert!(!has_key(&devices["devices"][0]["userState"], "reasonCode"));

    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "AfterCallWork"}),
    )
    .await;
    let events = device_notifications(&ava).await;
    let user_state = &events[0]["devices"][0]["userState"];
    assert_eq!(user_state["state"], "NotReady");
    assert_eq!(user_state["workMode"], "AfterCallWork");

    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "AuxWork", "reasonCode": "Training"}),
    )
    .await;
    let events = device_notifications(&ava).await;
    let user_state = &events[0]["devices"][0]["userState"];
    assert_eq!(user_state["workMode"], "AuxWork");
    assert!(!has_key(user_state, "reason") && !has_key(user_state, "reasonCode"));

    // The documented shape still sends the reason.
    let ben = tuned_in(&sim, "ben").await;
    ben.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "NotReady", "reasonCode": "Lunch"}),
    )
    .await;
    let events = device_notifications(&ben).await;
    assert_eq!(events[0]["devices"][0]["userState"]["reasonCode"], "Lunch");
}

// ----- 5. HTTP error statuses -----

#[tokio::test]
async fn an_operation_can_fail_with_http_500_like_an_unregistered_device() {
    let sim = start().await;
    let ava = tuned_in(&sim, "ava").await;
    sim.faults(json!({"failNextOperation": {"http": 500, "statusCode": 4}}))
        .await;
    let faults = sim.state().await["faults"]["failNextOperation"].clone();
    assert_eq!(faults["count"], 1, "{faults}");
    let (status, body) = ava
        .post_status(
            "/api/v2/me/channels/voice",
            json!({"operationName": "NotReady"}),
        )
        .await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"statusCode": 4, "statusMessage": "Device '5005' is not registered."})
    );
    // Not carried out, and only the next one fails.
    assert!(device_notifications(&ava).await.is_empty());
    assert_eq!(
        sim.state().await["agents"][0]["agentState"]["state"],
        "LoggedOut"
    );
    assert!(sim.state().await["faults"]["failNextOperation"].is_null());
    let (status, _) = ava
        .post_status(
            "/api/v2/me/channels/voice",
            json!({"operationName": "NotReady"}),
        )
        .await;
    assert_eq!(status, 200);

    // Only a named operation; another status and message; a count.
    sim.faults(json!({"failNextOperation": {"operationName": "Answer", "http": 503, "statusCode": 4, "statusMessage": "T-Server is down", "count": 2}}))
        .await;
    let id = sim.ring("ava", "5551234").await;
    let (status, _) = ava
        .post_status(
            &format!("/api/v2/me/calls/{id}"),
            json!({"operationName": "AttachUserData", "userData": {"a": "1"}}),
        )
        .await;
    assert_eq!(status, 200, "another operation passes");
    for _ in 0..2 {
        let (status, body) = ava
            .post_status(
                &format!("/api/v2/me/calls/{id}"),
                json!({"operationName": "Answer"}),
            )
            .await;
        assert_eq!(status, 503);
        assert_eq!(
            body,
            json!({"statusCode": 4, "statusMessage": "T-Server is down"})
        );
    }
    assert_eq!(sim.call(&id).await["state"], "Ringing");
    ava.op(&id, json!({"operationName": "Answer"})).await;
    assert_eq!(sim.call(&id).await["state"], "Established");

    // DELETE clears it; a bad status is refused.
    sim.faults(json!({"failNextOperation": true})).await;
    let res = sim
        .http
        .delete(sim.url("/sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(sim.state().await["faults"]["failNextOperation"].is_null());
    let (status, _) = sim
        .control("/sim/faults", json!({"failNextOperation": {"http": 200}}))
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unauthenticated_requests_get_403_access_denied_in_the_real_shape() {
    let sim = start_with(|o| o.settings.gws_shape = GwsShape::Real).await;
    let state = sim.state().await;
    assert_eq!(state["settings"]["gwsShape"], "real");
    for agent in state["agents"].as_array().unwrap() {
        assert_eq!(agent["gwsShape"], "real");
        assert_eq!(agent["participantShape"], "objects");
    }
    let nobody = Agent::new(&sim, "ava");
    let denied = json!({"statusCode": 20, "statusMessage": "Access denied"});
    let (status, _, body) = nobody.get("/api/v2/me?subresources=*").await;
    assert_eq!((status.as_u16(), body), (403, denied.clone()));
    let (status, _, body) = nobody
        .send(
            Method::GET,
            "/api/v2/me/calls",
            None,
            &[("Authorization", basic("ava", "wrong"))],
        )
        .await;
    assert_eq!((status.as_u16(), body), (403, denied.clone()));

    // The documented shape by default, switched at run time through /sim/config.
    let sim = start().await;
    let nobody = Agent::new(&sim, "ava");
    let (status, _, _) = nobody.get("/api/v2/me").await;
    assert_eq!(status, 401);
    let (status, settings) = sim
        .control("/sim/config", json!({"gwsShape": "real"}))
        .await;
    assert_eq!(
        (status.as_u16(), settings["gwsShape"].clone()),
        (200, json!("real"))
    );
    assert_eq!(sim.state().await["agents"][1]["gwsShape"], "real");
    let (status, _, body) = nobody.get("/api/v2/me").await;
    assert_eq!((status.as_u16(), body), (403, denied));
    sim.control("/sim/config", json!({"gwsShape": "doc"})).await;
    let (status, _, _) = nobody.get("/api/v2/me").await;
    assert_eq!(status, 401);
    assert_eq!(sim.state().await["agents"][1]["gwsShape"], "doc");
    let (status, _) = sim.control("/sim/config", json!({"gwsShape": "odd"})).await;
    assert_eq!(status, 400);
}

// ----- 6. device ErrorMessage -----

#[tokio::test]
async fn a_device_error_message_carries_only_path_uri_and_metrics() {
    let sim = start().await;
    let ava = tuned_in(&sim, "ava").await;
    let (status, body) = sim.control("/sim/agents/ava/device-error", json!({})).await;
    assert_eq!((status.as_u16(), body), (200, json!({"ok": true})));
    let events = device_notifications(&ava).await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        vec!["devicePath", "deviceUri", "messageType", "metrics"]
    );
    assert_eq!(e["messageType"], "ErrorMessage");
    assert_eq!(e["devicePath"], format!("/devices/{AVA_DEVICE}"));
    assert!(e["deviceUri"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v2/devices/{AVA_DEVICE}")));
    assert!(e["metrics"]["eventProcessing"]["serverGenerationTimestamp"].is_u64());
    let (status, _) = sim
        .control("/sim/agents/nobody/device-error", json!({}))
        .await;
    assert_eq!(status, 404);
}

// ----- 7. no ack extension -----

#[tokio::test]
async fn without_the_ack_extension_the_server_neither_advertises_nor_honours_it() {
    let sim = start().await;
    let (_, settings) = sim
        .control("/sim/config", json!({"cometdAck": false}))
        .await;
    assert_eq!(settings["cometdAck"], false);
    let ava = sim.agent("ava").await;
    let (_, body) = ava
        .bayeux(
            "/api/v2/notifications/handshake",
            json!([{"id": "1", "channel": "/meta/handshake", "version": "1.0",
                    "supportedConnectionTypes": ["long-polling"], "ext": {"ack": true}}]),
        )
        .await;
    assert_eq!(body[0]["successful"], true);
    assert!(body[0].get("ext").is_none(), "not advertised: {body}");
    *ava.client_id.lock().unwrap() = body[0]["clientId"].as_str().map(str::to_string);
    ava.subscribe(json!("/v2/me/calls")).await;

    let connect = |ack: i64| {
        json!([{"id": "5", "channel": "/meta/connect", "clientId": ava.client(),
                "connectionType": "long-polling", "advice": {"timeout": 0}, "ext": {"ack": ack}}])
    };
    let id = sim.ring("ava", "5551234").await;
    let (_, reply) = ava
        .bayeux("/api/v2/notifications/connect", connect(-1))
        .await;
    assert_eq!(call_messages(&reply).len(), 1, "{reply}");
    assert_eq!(
        call_of(&call_messages(&reply)[0]["data"])["id"],
        id.as_str()
    );
    assert!(reply
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .get("ext")
        .is_none());
    // The client says it never got that batch: nothing is sent again.
    let (_, reply) = ava
        .bayeux("/api/v2/notifications/connect", connect(-1))
        .await;
    assert!(call_messages(&reply).is_empty(), "not honoured: {reply}");
    assert!(reply
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .get("ext")
        .is_none());

    // Back on, a new handshake gets it.
    sim.control("/sim/config", json!({"cometdAck": true})).await;
    let (_, body) = ava
        .bayeux(
            "/api/v2/notifications/handshake",
            json!([{"id": "1", "channel": "/meta/handshake", "version": "1.0",
                    "supportedConnectionTypes": ["long-polling"], "ext": {"ack": true}}]),
        )
        .await;
    assert_eq!(body[0]["ext"], json!({"ack": true}));
}

// ----- 8. the captures -----

/// The public captures, as the repository keeps them (the widget's parser tests read the
/// same files).
fn captures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../src/genesys/fixtures/real")
}

/// A capture's message `data` (the docs samples keep the Bayeux envelope; the WWE logs
/// print only `data`).
fn capture(name: &str) -> Value {
    let path = captures_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("capture {}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    if v.get("channel").is_some() && v.get("data").is_some() {
        v["data"].clone()
    } else {
        v
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// How loosely a capture is compared.
#[derive(Default)]
struct Loose<'a> {
    /// Paths that may be in ours only (e.g. `metrics`, which the older docs samples lack).
    extra: &'a [&'a str],
    /// Objects whose keys depend on the call: compared by type, and every
    /// `WWE_PARTY_*` entry by its keys.
    open: &'a [&'a str],
    /// Objects of which ours must hold at least the capture's keys.
    superset: &'a [&'a str],
}

/// Differences between a capture and ours: the same keys (within `loose`) and the same
/// JSON type at each path, recursively; arrays by their first elements.
fn shape_diff(capture: &Value, ours: &Value, path: &str, loose: &Loose, out: &mut Vec<String>) {
    if kind(capture) != kind(ours) {
        out.push(format!(
            "{path}: {} in the capture, {} here",
            kind(capture),
            kind(ours)
        ));
        return;
    }
    match (capture, ours) {
        (Value::Object(c), Value::Object(o)) => {
            if loose.open.contains(&path) {
                let party_keys = |m: &serde_json::Map<String, Value>| -> Vec<Vec<String>> {
                    m.iter()
                        .filter(|(k, _)| k.starts_with("WWE_PARTY_"))
                        .map(|(_, v)| {
                            let mut keys: Vec<String> = v
                                .as_object()
                                .map(|p| p.keys().cloned().collect())
                                .unwrap_or_default();
                            keys.sort();
                            keys
                        })
                        .collect()
                };
                let (cp, op) = (party_keys(c), party_keys(o));
                if let Some(want) = cp.first() {
                    if !op.iter().any(|k| k == want) {
                        out.push(format!("{path}: no WWE_PARTY_* entry with keys {want:?}"));
                    }
                }
                return;
            }
            for (k, cv) in c {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match o.get(k) {
                    Some(ov) => shape_diff(cv, ov, &p, loose, out),
                    None => out.push(format!("{p}: missing here")),
                }
            }
            if !loose.superset.contains(&path) {
                for k in o.keys().filter(|k| !c.contains_key(*k)) {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    if !loose.extra.contains(&p.as_str()) {
                        out.push(format!("{p}: not in the capture"));
                    }
                }
            }
        }
        (Value::Array(c), Value::Array(o)) => {
            if let (Some(cf), Some(of)) = (c.first(), o.first()) {
                shape_diff(cf, of, &format!("{path}[]"), loose, out);
            }
        }
        _ => {}
    }
}

fn assert_shape(capture_name: &str, ours: &Value, loose: &Loose) {
    let mut problems = Vec::new();
    shape_diff(&capture(capture_name), ours, "", loose, &mut problems);
    assert!(
        problems.is_empty(),
        "{capture_name}:\n  {}\nours: {ours:#}",
        problems.join("\n  ")
    );
}

#[test]
fn the_captures_are_on_disk() {
    assert!(
        captures_dir()
            .join("wwe-log-call-ringing-inbound-internal.json")
            .is_file(),
        "the captures are expected at {}",
        captures_dir().display()
    );
}

#[tokio::test]
async fn real_notifications_match_the_captured_ones() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    make_real(&sim, "ben").await;
    let ava = tuned_in(&sim, "ava").await;
    let ben = tuned_in(&sim, "ben").await;
    // The WWE logs: exact key sets. The docs samples predate `metrics`, and their calls
    // had no userData (WWE's party is on every real call).
    let wwe = Loose {
        open: &["call.userData"],
        ..Loose::default()
    };
    let docs = Loose {
        extra: &["metrics", "call.userData"],
        open: &["call.userData"],
        superset: &["extensions"],
    };

    // Login: LoggedIn (no id), then Ready, as in the WWE logs.
    ava.post(
        "/api/v2/me",
        json!({"operationName": "StartContactCenterSession", "channels": ["voice"]}),
    )
    .await;
    let events = device_notifications(&ava).await;
    assert_shape(
        "wwe-log-device-loggedin-no-userstate-id.json",
        &events[0],
        &wwe,
    );
    assert_shape("wwe-log-device-ready.json", &events[1], &wwe);
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "NotReady", "reasonCode": "Break"}),
    )
    .await;
    let events = device_notifications(&ava).await;
    assert_shape("wwe-log-device-notready.json", &events[0], &wwe);
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "AfterCallWork"}),
    )
    .await;
    let events = device_notifications(&ava).await;
    assert_eq!(
        events[0]["devices"][0]["userState"],
        capture("docs-device-aftercallwork.json")["devices"][0]["userState"]
    );
    sim.control("/sim/agents/ava/device-error", json!({})).await;
    let events = device_notifications(&ava).await;
    assert_shape("wwe-log-devices-errormessage.json", &events[0], &wwe);

    // Ben calls Ava (Internal, as in the WWE log): Ringing, then WWE's AttachedDataChanged.
    ben.dial("5005").await;
    let events = call_notifications(&ava).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["call"]["callType"], "Internal");
    assert_shape(
        "wwe-log-call-ringing-inbound-internal.json",
        &events[0],
        &wwe,
    );
    assert_shape(
        "wwe-log-call-ringing-attacheddatachanged.json",
        &events[1],
        &wwe,
    );
    assert_eq!(
        events[0]["call"]["capabilities"],
        capture("wwe-log-call-ringing-inbound-internal.json")["call"]["capabilities"]
    );
    let id = events[0]["call"]["id"].as_str().unwrap().to_string();

    ava.op(&id, json!({"operationName": "Answer"})).await;
    let events = call_notifications(&ava).await;
    assert_shape(
        "wwe-log-call-established-after-answer.json",
        &events[0],
        &wwe,
    );
    assert_eq!(
        events[0]["call"]["capabilities"],
        capture("wwe-log-call-established-after-answer.json")["call"]["capabilities"]
    );

    ava.op(&id, json!({"operationName": "Hangup"})).await;
    drain(&ava).await;

    // The docs samples' call was dialled (never answered, so no `case`): Hold, Hangup.
    ava.dial("5551212").await;
    let id = sim.calls_of("ava").await.pop().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    sim.wait_call_state(&id, "Established").await;
    drain(&ava).await;
    ava.op(&id, json!({"operationName": "Hold"})).await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["call"]["state"], "Held");
    assert_shape("docs-call-held-hold-operation.json", &events[0], &docs);

    ava.op(&id, json!({"operationName": "Hangup"})).await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["call"]["state"], "Released");
    assert_shape(
        "docs-call-released-hangup-operation.json",
        &events[0],
        &docs,
    );
    assert_eq!(events[0]["call"]["capabilities"], json!([]));

    // The answers to nobody and to a failed operation, as captured.
    let (status, _) = sim
        .control("/sim/config", json!({"gwsShape": "real"}))
        .await;
    assert_eq!(status, 200);
    let denied = capture("wwe-log-rest-me-403-access-denied.json");
    let (status, _, body) = Agent::new(&sim, "ava").get("/api/v2/me").await;
    assert_eq!(status.as_u16() as u64, denied["status"].as_u64().unwrap());
    assert_eq!(body, denied["responseJSON"]);
    let failed = capture("wwe-log-rest-notready-500-device-not-registered.json");
    sim.faults(json!({"failNextOperation": {}})).await;
    let (status, body) = ava
        .post_status(
            "/api/v2/me/channels/voice",
            json!({"operationName": "NotReady"}),
        )
        .await;
    assert_eq!(status.as_u16() as u64, failed["status"].as_u64().unwrap());
    assert_eq!(
        body,
        json!({
            "statusCode": failed["responseJSON"]["statusCode"],
            "statusMessage": failed["responseJSON"]["statusMessage"].as_str().unwrap().replace("5001", "5005"),
        })
    );
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

// ----- 9. the remaining facts, each behind its own switch -----

/// Set agent options through the control API.
async fn options(sim: &TestSim, username: &str, body: Value) {
    let (status, answer) = sim
        .control(&format!("/sim/agents/{username}/options"), body)
        .await;
    assert_eq!(status, 200, "{answer}");
}

fn is_hex16(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 16 && s.chars().all(|c| c.is_ascii_hexdigit()))
}

#[tokio::test]
async fn start_session_partial_answers_status_7_and_the_voice_channel_still_starts() {
    let start_session =
        json!({"operationName": "StartContactCenterSession", "channels": ["voice", "chat"]});
    for shape in ["doc", "real"] {
        let sim = start().await;
        if shape == "real" {
            make_real(&sim, "ava").await;
        }
        // Off by default: statusCode 0.
        let ben = tuned_in(&sim, "ben").await;
        assert_eq!(
            ben.post("/api/v2/me", start_session.clone()).await,
            json!({"statusCode": 0})
        );
        assert_eq!(sim.state().await["agents"][1]["startSessionPartial"], false);

        options(&sim, "ava", json!({"startSessionPartial": true})).await;
        assert_eq!(sim.state().await["agents"][0]["startSessionPartial"], true);
        let ava = tuned_in(&sim, "ava").await;
        let (status, body) = ava.post_status("/api/v2/me", start_session.clone()).await;
        assert_eq!(status, 200, "{shape}");
        assert_eq!(
            body,
            capture("wwe-log-rest-startcontactcentersession-partial-7.json"),
            "{shape}: the captured answer"
        );
        // The voice channel is up all the same.
        let events = device_notifications(&ava).await;
        let states: Vec<Value> = events
            .iter()
            .map(|e| e["devices"][0]["userState"]["state"].clone())
            .collect();
        let want = if shape == "real" {
            json!(["LoggedIn", "Ready"])
        } else {
            json!(["NotReady"])
        };
        assert_eq!(json!(states), want, "{shape}");
        // A request for voice alone gets the same answer.
        let (_, body) = ava
            .post_status(
                "/api/v2/me",
                json!({"operationName": "StartContactCenterSession", "channels": ["voice"]}),
            )
            .await;
        assert_eq!(body["statusCode"], 7, "{shape}");

        // Off again.
        options(&sim, "ava", json!({"startSessionPartial": false})).await;
        assert_eq!(
            ava.post("/api/v2/me", start_session.clone()).await,
            json!({"statusCode": 0})
        );
        let (status, _) = sim
            .control(
                "/sim/agents/ava/options",
                json!({"startSessionPartial": "yes"}),
            )
            .await;
        assert_eq!(status, 400);
    }
}

#[tokio::test]
async fn list_uris_lists_uris_unless_fields_asks_and_subresources_stay_whole() {
    let sim = start().await;
    let ava = tuned_in(&sim, "ava").await;
    let id = sim.ring("ava", "5551234").await;
    // Off by default: the lists carry the resources.
    let (_, _, calls) = ava.get("/api/v2/me/calls").await;
    assert_eq!(calls["calls"][0]["id"], id.as_str());

    options(&sim, "ava", json!({"listUris": true})).await;
    assert_eq!(sim.state().await["agents"][0]["listUris"], true);
    let base = sim.base.clone();
    let (status, _, devices) = ava.get("/api/v2/me/devices").await;
    assert_eq!(status, 200);
    assert_eq!(
        devices,
        json!({"statusCode": 0, "uris": [format!("{base}/api/v2/devices/{AVA_DEVICE}")]})
    );
    assert_shape(
        "docs-list-devices-uris-only.json",
        &devices,
        &Loose::default(),
    );
    let (_, _, calls) = ava.get("/api/v2/me/calls").await;
    assert_eq!(
        calls,
        json!({"statusCode": 0, "uris": [format!("{base}/api/v2/me/calls/{id}")]})
    );

    // fields=*: the whole resources.
    let (_, _, calls) = ava.get("/api/v2/me/calls?fields=*").await;
    assert!(!has_key(&calls, "uris"));
    assert_eq!(calls["calls"][0]["id"], id.as_str());
    assert_eq!(calls["calls"][0]["state"], "Ringing");
    assert_eq!(calls["calls"][0]["participants"], json!(["5551234"]));
    let (_, _, devices) = ava.get("/api/v2/me/devices?fields=*").await;
    assert_eq!(devices["devices"][0]["id"], AVA_DEVICE);
    assert!(devices["devices"][0]["userState"].is_object());
    // fields=a,b: those fields only.
    let (_, _, calls) = ava.get("/api/v2/me/calls?fields=id,state").await;
    assert_eq!(
        calls,
        json!({"statusCode": 0, "calls": [{"id": id, "state": "Ringing"}]})
    );

    // What the widget reads is unchanged: the user with its subresources, and one call.
    let (_, _, me) = ava.get("/api/v2/me?subresources=*").await;
    assert_eq!(me["user"]["calls"][0]["id"], id.as_str());
    assert_eq!(me["user"]["calls"][0]["state"], "Ringing");
    assert_eq!(me["user"]["devices"][0]["id"], AVA_DEVICE);
    let (_, _, one) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
    assert_eq!(one["call"]["id"], id.as_str());

    // Another agent is not affected; off again.
    let ben = tuned_in(&sim, "ben").await;
    let (_, _, devices) = ben.get("/api/v2/me/devices").await;
    assert_eq!(devices["devices"][0]["id"], BEN_DEVICE);
    options(&sim, "ava", json!({"listUris": false})).await;
    let (_, _, calls) = ava.get("/api/v2/me/calls").await;
    assert_eq!(calls["calls"][0]["id"], id.as_str());
}

/// Ava's answered inbound call from 5551234 with a consult to `to` that is Established;
/// returns (original id, consult id).
async fn consulting(
    sim: &TestSim,
    ava: &Agent,
    ben: Option<&Agent>,
    op: &str,
    to: &str,
) -> (String, String) {
    let id = sim.ring("ava", "5551234").await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    ava.op(
        &id,
        json!({"operationName": op, "destination": {"phoneNumber": to}}),
    )
    .await;
    let consult = sim
        .calls_of("ava")
        .await
        .into_iter()
        .find(|c| c["consultOf"] == id.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    if let Some(ben) = ben {
        let ringing = sim.calls_of("ben").await.pop().unwrap();
        ben.op(
            ringing["id"].as_str().unwrap(),
            json!({"operationName": "Answer"}),
        )
        .await;
    }
    sim.wait_call_state(&consult, "Established").await;
    (id, consult)
}

#[tokio::test]
async fn new_conn_id_on_complete_keeps_the_id_and_changes_the_conn_id() {
    // CompleteConference: Ava's original stays up, with its id and a new connId.
    for on in [false, true] {
        let sim = start().await;
        options(&sim, "ava", json!({"newConnIdOnComplete": on})).await;
        assert_eq!(sim.state().await["agents"][0]["newConnIdOnComplete"], on);
        let ava = tuned_in(&sim, "ava").await;
        let (id, consult) = consulting(&sim, &ava, None, "InitiateConference", "5551313").await;
        let before = sim.call(&id).await["connId"].clone();
        drain(&ava).await;
        ava.op(
            &id,
            json!({"operationName": "CompleteConference", "consultCallUri": consult}),
        )
        .await;
        let events = call_notifications(&ava).await;
        let original: Vec<&Value> = events
            .iter()
            .filter(|d| d["call"]["id"] == id.as_str())
            .collect();
        assert!(!original.is_empty(), "{events:?}");
        for d in &original {
            assert!(is_hex16(&d["call"]["connId"]));
            if on {
                assert_ne!(d["call"]["connId"], before, "a new connId: {d}");
            } else {
                assert_eq!(d["call"]["connId"], before, "the same connId: {d}");
            }
        }
        assert_eq!(original.last().unwrap()["call"]["state"], "Established");
        assert_eq!(sim.call(&id).await["connId"], original[0]["call"]["connId"]);
    }

    // CompleteTransfer: Ben, who stays on the call, keeps his id and gets a connId that is
    // neither his old one nor the original call's.
    let sim = start().await;
    options(&sim, "ava", json!({"newConnIdOnComplete": true})).await;
    let ava = tuned_in(&sim, "ava").await;
    let ben = tuned_in(&sim, "ben").await;
    let (id, _) = consulting(&sim, &ava, Some(&ben), "InitiateTransfer", "5006").await;
    let ben_leg = sim.calls_of("ben").await.pop().unwrap();
    let ben_id = ben_leg["id"].as_str().unwrap().to_string();
    let olds = [
        ben_leg["connId"].clone(),
        sim.call(&id).await["connId"].clone(),
    ];
    drain(&ben).await;
    ava.op(&id, json!({"operationName": "CompleteTransfer"}))
        .await;
    let events = call_notifications(&ben).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["notificationType"], "ParticipantsUpdated");
    assert_eq!(events[0]["call"]["id"], ben_id.as_str());
    assert_eq!(events[0]["call"]["participants"], json!(["5551234"]));
    assert!(is_hex16(&events[0]["call"]["connId"]));
    assert!(
        !olds.contains(&events[0]["call"]["connId"]),
        "{:?} {}",
        olds,
        events[0]
    );
}

#[tokio::test]
async fn a_switch_re_route_gives_a_call_a_new_conn_id_under_the_same_id() {
    let sim = start().await;
    let ava = tuned_in(&sim, "ava").await;
    let ben = tuned_in(&sim, "ben").await;
    ben.dial("5005").await;
    let ava_id = sim.calls_of("ava").await.pop().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    ava.op(&ava_id, json!({"operationName": "Answer"})).await;
    let before = sim.call(&ava_id).await["connId"].clone();
    drain(&ava).await;
    drain(&ben).await;

    let (status, answer) = sim
        .control(&format!("/sim/calls/{ava_id}/new-conn-id"), json!({}))
        .await;
    assert_eq!(status, 200, "{answer}");
    let new = answer["connId"].clone();
    assert!(is_hex16(&new) && new != before, "{answer}");
    // Both agents on the call hear it: the same ids, the new connId.
    let events = call_notifications(&ava).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["notificationType"], "ParticipantsUpdated");
    assert_eq!(events[0]["call"]["id"], ava_id.as_str());
    assert_eq!(events[0]["call"]["connId"], new);
    assert_eq!(events[0]["call"]["state"], "Established");
    let events = call_notifications(&ben).await;
    assert_eq!(events[0]["call"]["connId"], new);
    assert_eq!(sim.call(&ava_id).await["connId"], new);

    // A given connId and notification type.
    sim.control(
        &format!("/sim/calls/{ava_id}/new-conn-id"),
        json!({"connId": "00710238AAAA0001", "notificationType": "StatusChange"}),
    )
    .await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["notificationType"], "StatusChange");
    assert_eq!(events[0]["call"]["connId"], "00710238aaaa0001");
    assert_eq!(events[0]["call"]["id"], ava_id.as_str());

    // Errors: a bad connId, an unknown call, a released call.
    let (status, _) = sim
        .control(
            &format!("/sim/calls/{ava_id}/new-conn-id"),
            json!({"connId": "xyz"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = sim.control("/sim/calls/nope/new-conn-id", json!({})).await;
    assert_eq!(status, 404);
    ava.op(&ava_id, json!({"operationName": "Hangup"})).await;
    let (status, _) = sim
        .control(&format!("/sim/calls/{ava_id}/new-conn-id"), json!({}))
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn legacy_call_ids_make_the_conn_id_the_call_id() {
    let sim = start().await;
    options(&sim, "ava", json!({"legacyCallIds": true})).await;
    assert_eq!(sim.state().await["agents"][0]["legacyCallIds"], true);
    let ava = tuned_in(&sim, "ava").await;
    ava.post(
        &format!("/api/v2/me/devices/{AVA_DEVICE}/calls"),
        json!({"operationName": "Dial", "destination": {"phoneNumber": "5001"},
               "userData": {"CustomerSegment": "Gold"}}),
    )
    .await;
    let events = call_notifications(&ava).await;
    let call = &events[0]["call"];
    assert_eq!(call["state"], "Dialing");
    let id = call["id"].as_str().unwrap().to_string();
    assert!(is_hex16(&call["id"]), "{call}");
    assert!(
        !has_key(call, "connId"),
        "no connId key, as in the 2014 sample: {call}"
    );
    assert_eq!(call["callUuid"].as_str().unwrap().len(), 32);
    assert_ne!(call["callUuid"], call["id"]);
    assert!(call["uri"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v2/me/calls/{id}")));
    let state = sim.call(&id).await;
    assert_eq!(state["connId"], id.as_str());
    assert_eq!(state["callUuid"], call["callUuid"]);
    // The 2014 Dial sample's keys, and no connId (the docs sample has no extensions,
    // recordingState, monitoring or path).
    assert_shape(
        "docs-call-dialing-with-userdata-2014.json",
        &events[0],
        &Loose {
            extra: &[
                "extensions",
                "call.recordingState",
                "call.monitoring",
                "call.path",
            ],
            ..Loose::default()
        },
    );
    // The id works as any id does.
    let (_, _, got) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
    assert_eq!(got["call"]["id"], id.as_str());
    ava.op(&id, json!({"operationName": "Hangup"})).await;
    assert_eq!(sim.call(&id).await["state"], "Released");

    // Both agents legacy on one internal call: two distinct 16-hex-digit ids.
    options(&sim, "ben", json!({"legacyCallIds": true})).await;
    let ben = tuned_in(&sim, "ben").await;
    ben.dial("5005").await;
    let ben_id = sim.calls_of("ben").await.pop().unwrap()["id"].clone();
    let ava_leg = sim.calls_of("ava").await.pop().unwrap();
    assert!(is_hex16(&ben_id) && is_hex16(&ava_leg["id"]));
    assert_ne!(ben_id, ava_leg["id"]);
    assert_eq!(ava_leg["connId"], ava_leg["id"]);
    ava.op(
        ava_leg["id"].as_str().unwrap(),
        json!({"operationName": "Answer"}),
    )
    .await;
    assert_eq!(
        sim.call(ben_id.as_str().unwrap()).await["state"],
        "Established"
    );

    // Off: the 32-character ids again, with a connId.
    options(&sim, "ava", json!({"legacyCallIds": false})).await;
    drain(&ava).await;
    let id = sim.ring("ava", "5551234").await;
    assert_eq!(id.len(), 32);
    let events = call_notifications(&ava).await;
    assert!(is_hex16(&events[0]["call"]["connId"]));
    assert_eq!(events[0]["call"]["callUuid"], id.as_str());
}

#[tokio::test]
async fn participant_shape_info_adds_country_and_location_to_participants_info() {
    for shape in ["doc", "real"] {
        let sim = start().await;
        if shape == "real" {
            make_real(&sim, "ava").await;
        }
        options(&sim, "ava", json!({"participantShape": "info"})).await;
        assert_eq!(sim.state().await["agents"][0]["participantShape"], "info");
        let ava = tuned_in(&sim, "ava").await;
        let id = sim.ring("ava", "+14155550100").await;
        let events = call_notifications(&ava).await;
        let call = &events[0]["call"];
        assert_eq!(call["participants"], json!(["+14155550100"]), "{shape}");
        assert_eq!(
            call["participantsInfo"],
            json!([{
                "digits": "14155550100",
                "e164Number": "+14155550100",
                "formattedPhoneNumber": "(415) 555-0100",
                "country": {"name": "United States", "code": "US", "callingCode": "1"},
                "location": "CA",
                "localPhoneNumber": "(415) 555-0100",
                "E164digits": "14155550100",
            }]),
            "{shape}"
        );
        let (_, _, got) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
        assert_eq!(got["call"]["participantsInfo"][0]["location"], "CA");
        ava.op(&id, json!({"operationName": "Answer"})).await;
        ava.op(&id, json!({"operationName": "Hangup"})).await;
        drain(&ava).await;

        // Another country; a number without a country code keeps the plain entry.
        sim.ring("ava", "+442079460018").await;
        let events = call_notifications(&ava).await;
        let info = &events[0]["call"]["participantsInfo"][0];
        assert_eq!(
            info["country"],
            json!({"name": "United Kingdom", "code": "GB", "callingCode": "44"})
        );
        assert_eq!(info["location"], "United Kingdom");
        assert_eq!(info["E164digits"], "442079460018");
        drain(&ava).await;
        sim.ring("ava", "5551212").await;
        let events = call_notifications(&ava).await;
        assert_eq!(
            events[0]["call"]["participantsInfo"],
            json!([{"digits": "5551212", "e164Number": "5551212", "formattedPhoneNumber": "5551212"}])
        );
    }
    let sim = start().await;
    let (status, _) = sim
        .control(
            "/sim/agents/ava/options",
            json!({"participantShape": "odd"}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn dtmf_sent_follows_send_dtmf_in_the_real_shape() {
    for shape in ["doc", "real"] {
        let sim = start().await;
        if shape == "real" {
            make_real(&sim, "ava").await;
        }
        let ava = tuned_in(&sim, "ava").await;
        let id = sim.ring("ava", "5551234").await;
        ava.op(&id, json!({"operationName": "Answer"})).await;
        drain(&ava).await;
        assert_eq!(
            ava.op(&id, json!({"operationName": "SendDtmf", "digits": "12#"}))
                .await,
            json!({"statusCode": 0})
        );
        let events = call_notifications(&ava).await;
        if shape == "real" {
            assert_eq!(events.len(), 1, "{events:?}");
            assert_eq!(events[0]["notificationType"], "DtmfSent");
            assert_eq!(events[0]["messageType"], "CallStateChangeMessage");
            assert_eq!(events[0]["call"]["id"], id.as_str());
            assert_eq!(events[0]["call"]["state"], "Established");
            assert!(events[0]["metrics"].is_object());
        } else {
            assert!(
                events.is_empty(),
                "the documented shape sends none: {events:?}"
            );
        }
        assert_eq!(sim.call(&id).await["dtmf"], "12#");
    }
}

#[tokio::test]
async fn monitored_user_muted_state_change_carries_the_call_with_the_flag() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    let ava = tuned_in(&sim, "ava").await;
    let id = sim.ring("ava", "5551234").await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    drain(&ava).await;
    let (status, answer) = sim
        .control(
            &format!("/sim/calls/{id}/monitored-user-muted"),
            json!({"muted": true}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), answer),
        (200, json!({"ok": true, "monitoredUserMuted": true}))
    );
    let events = call_notifications(&ava).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["notificationType"],
        "MonitoredUserMutedStateChange"
    );
    assert_eq!(events[0]["call"]["id"], id.as_str());
    assert_eq!(events[0]["call"]["monitoredUserMuted"], true);
    assert_eq!(events[0]["call"]["state"], "Established");
    assert_eq!(sim.call(&id).await["monitoredUserMuted"], true);
    let (_, _, got) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
    assert_eq!(got["call"]["monitoredUserMuted"], true);

    sim.control(
        &format!("/sim/calls/{id}/monitored-user-muted"),
        json!({"muted": false}),
    )
    .await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["call"]["monitoredUserMuted"], false);

    let (status, _) = sim
        .control(
            &format!("/sim/calls/{id}/monitored-user-muted"),
            json!({"muted": 1}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = sim
        .control("/sim/calls/nope/monitored-user-muted", json!({}))
        .await;
    assert_eq!(status, 404);
    ava.op(&id, json!({"operationName": "Hangup"})).await;
    let (status, _) = sim
        .control(&format!("/sim/calls/{id}/monitored-user-muted"), json!({}))
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn an_error_notification_names_the_call_and_changes_nothing() {
    for shape in ["doc", "real"] {
        let sim = start().await;
        if shape == "real" {
            make_real(&sim, "ava").await;
        }
        let ava = tuned_in(&sim, "ava").await;
        let id = sim.ring("ava", "5551234").await;
        drain(&ava).await;
        let (status, answer) = sim
            .control(&format!("/sim/calls/{id}/error-notification"), json!({}))
            .await;
        assert_eq!(
            (status.as_u16(), answer),
            (200, json!({"ok": true})),
            "{shape}"
        );
        let events = call_notifications(&ava).await;
        assert_eq!(events.len(), 1, "{shape}: {events:?}");
        let e = &events[0];
        assert_eq!(e["messageType"], "CallStateChangeMessage");
        assert_eq!(e["notificationType"], "Error");
        assert_eq!(e["errorCode"], 4);
        assert_eq!(e["errorMessage"], "Device '5005' is not registered.");
        assert_eq!(call_of(e)["id"], id.as_str());
        assert_eq!(call_of(e)["state"], "Ringing");
        assert_eq!(sim.call(&id).await["state"], "Ringing");

        // Chosen fields; null leaves one out.
        sim.control(
            &format!("/sim/calls/{id}/error-notification"),
            json!({"errorCode": 56, "errorMessage": "Invalid called DN"}),
        )
        .await;
        let e = &call_notifications(&ava).await[0];
        assert_eq!(
            (e["errorCode"].clone(), e["errorMessage"].clone()),
            (json!(56), json!("Invalid called DN"))
        );
        sim.control(
            &format!("/sim/calls/{id}/error-notification"),
            json!({"errorCode": null}),
        )
        .await;
        let e = &call_notifications(&ava).await[0];
        assert!(
            !has_key(e, "errorCode") && has_key(e, "errorMessage"),
            "{e}"
        );

        let (status, _) = sim
            .control(
                &format!("/sim/calls/{id}/error-notification"),
                json!({"errorCode": "x"}),
            )
            .await;
        assert_eq!(status, 400);
        let (status, _) = sim
            .control("/sim/calls/nope/error-notification", json!({}))
            .await;
        assert_eq!(status, 404);
    }
}

// ----- a consult's parentCallUri -----

/// The call notifications of one call among `events`.
fn of_call<'a>(events: &'a [Value], id: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["call"]["id"] == id).collect()
}

#[tokio::test]
async fn a_real_consult_call_names_its_original_by_parent_call_uri() {
    let sim = start().await;
    make_real(&sim, "ava").await;
    make_real(&sim, "ben").await;
    let ava = tuned_in(&sim, "ava").await;
    let ben = tuned_in(&sim, "ben").await;
    assert_eq!(sim.state().await["agents"][0]["parentCallUri"], true);

    let id = sim.ring("ava", "5551234").await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let events = call_notifications(&ava).await;
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| !has_key(&e["call"], "parentCallUri")),
        "not on a call that is no consult: {events:?}"
    );

    ava.op(
        &id,
        json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5006"}}),
    )
    .await;
    let events = call_notifications(&ava).await;
    let held = of_call(&events, &id);
    assert_eq!(held[0]["call"]["state"], "Held");
    assert!(!has_key(&held[0]["call"], "parentCallUri"), "{held:?}");
    // The original's own `uri`, as its resource has it.
    let original_uri = held[0]["call"]["uri"].as_str().unwrap().to_string();
    assert!(original_uri.ends_with(&format!("/api/v2/me/calls/{id}")));
    let consult = events
        .iter()
        .find(|e| e["call"]["id"] != id.as_str())
        .expect("the consult's Dialing")["call"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dialing = of_call(&events, &consult);
    assert_eq!(dialing[0]["call"]["state"], "Dialing");
    assert_eq!(dialing[0]["call"]["callType"], "Consult");
    assert_eq!(dialing[0]["call"]["parentCallUri"], original_uri.as_str());

    // The listings: /api/v2/me?subresources=* and the call itself.
    let (_, _, me) = ava.get("/api/v2/me?subresources=*").await;
    let calls = me["user"]["calls"].as_array().unwrap();
    let listed = calls.iter().find(|c| c["id"] == consult.as_str()).unwrap();
    assert_eq!(listed["callType"], "Consult");
    assert_eq!(listed["parentCallUri"], original_uri.as_str());
    let listed_original = calls.iter().find(|c| c["id"] == id.as_str()).unwrap();
    assert_eq!(listed_original["uri"], original_uri.as_str());
    assert!(!has_key(listed_original, "parentCallUri"));
    let (_, _, one) = ava.get(&format!("/api/v2/me/calls/{consult}")).await;
    assert_eq!(one["call"]["parentCallUri"], original_uri.as_str());

    // Ben's leg rings as an Internal call, no consult of his.
    let ben_events = call_notifications(&ben).await;
    let ben_id = ben_events[0]["call"]["id"].as_str().unwrap().to_string();
    assert!(ben_events
        .iter()
        .all(|e| !has_key(&e["call"], "parentCallUri")));

    // Every later notification of the consult names the original, the Released one too.
    ben.op(&ben_id, json!({"operationName": "Answer"})).await;
    let events = call_notifications(&ava).await;
    let established = of_call(&events, &consult);
    assert_eq!(established[0]["call"]["state"], "Established");
    assert_eq!(
        established[0]["call"]["parentCallUri"],
        original_uri.as_str()
    );
    ava.op(&id, json!({"operationName": "CompleteTransfer"}))
        .await;
    let events = call_notifications(&ava).await;
    let released = of_call(&events, &consult);
    assert_eq!(released.last().unwrap()["call"]["state"], "Released");
    assert!(released
        .iter()
        .all(|e| e["call"]["parentCallUri"] == original_uri.as_str()));
    assert!(of_call(&events, &id)
        .iter()
        .all(|e| !has_key(&e["call"], "parentCallUri")));
}

#[tokio::test]
async fn the_parent_call_uri_option_overrides_the_shape_either_way() {
    let sim = start().await;
    let ava = tuned_in(&sim, "ava").await;
    let id = sim.ring("ava", "5551234").await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    ava.op(
        &id,
        json!({"operationName": "InitiateConference", "destination": {"phoneNumber": "5551313"}}),
    )
    .await;
    let events = call_notifications(&ava).await;
    let consult = events
        .iter()
        .find(|e| e["call"]["id"] != id.as_str())
        .unwrap()["call"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let original_uri = of_call(&events, &id)[0]["call"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = |body: &Value| body["call"].get("parentCallUri").cloned();
    let consult_path = format!("/api/v2/me/calls/{consult}");

    // The documented shape: none by default.
    assert!(of_call(&events, &consult)
        .iter()
        .all(|e| !has_key(&e["call"], "parentCallUri")));
    assert_eq!(shown(&ava.get(&consult_path).await.2), None);
    assert_eq!(sim.state().await["agents"][0]["parentCallUri"], false);

    // `true` adds it in the documented shape.
    options(&sim, "ava", json!({"parentCallUri": true})).await;
    assert_eq!(sim.state().await["agents"][0]["parentCallUri"], true);
    assert_eq!(
        shown(&ava.get(&consult_path).await.2),
        Some(json!(original_uri))
    );
    ava.op(
        &consult,
        json!({"operationName": "AttachUserData", "userData": {"k": "v"}}),
    )
    .await;
    let events = call_notifications(&ava).await;
    assert_eq!(
        of_call(&events, &consult)[0]["call"]["parentCallUri"],
        original_uri.as_str()
    );

    // `false` leaves it out of the real shape; `null` gives the shape's default back.
    options(
        &sim,
        "ava",
        json!({"gwsShape": "real", "parentCallUri": false}),
    )
    .await;
    assert_eq!(sim.state().await["agents"][0]["parentCallUri"], false);
    assert_eq!(shown(&ava.get(&consult_path).await.2), None);
    options(&sim, "ava", json!({"parentCallUri": null})).await;
    assert_eq!(sim.state().await["agents"][0]["parentCallUri"], true);
    assert_eq!(
        shown(&ava.get(&consult_path).await.2),
        Some(json!(original_uri))
    );
    options(&sim, "ava", json!({"gwsShape": "doc"})).await;
    assert_eq!(shown(&ava.get(&consult_path).await.2), None);

    let (status, _) = sim
        .control("/sim/agents/ava/options", json!({"parentCallUri": "yes"}))
        .await;
    assert_eq!(status, 400);
}

// ----- an operation accepted with statusCode 0 that never happens -----

/// No event reaches the agent within `ms` milliseconds (a held connect times out empty).
async fn nothing_follows(agent: &Agent, ms: u64) {
    let reply = agent.connect(Some(ms)).await;
    let events: Vec<&Value> = reply
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.get("data").is_some())
        .collect();
    assert!(events.is_empty(), "{events:?}");
}

#[tokio::test]
async fn a_silent_operation_answers_status_0_and_never_happens() {
    let sim = start().await;
    let ava = tuned_in(&sim, "ava").await;
    let silent = |state: &Value| state["faults"]["silentNextOperation"].clone();
    sim.faults(json!({"silentNextOperation": {"count": 1, "operationName": "Answer"}}))
        .await;
    assert_eq!(
        silent(&sim.state().await),
        json!({"count": 1, "operationName": "Answer"})
    );
    let id = sim.ring("ava", "5551234").await;
    drain(&ava).await;

    // Another operation is carried out.
    ava.op(
        &id,
        json!({"operationName": "AttachUserData", "userData": {"a": "1"}}),
    )
    .await;
    assert!(!call_notifications(&ava).await.is_empty());
    // One that GWS refuses is refused as usual and does not count.
    let (status, body) = ava
        .post_status(
            "/api/v2/me/calls/NOSUCHCALL",
            json!({"operationName": "Answer"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["statusCode"], 6, "{body}");
    assert_eq!(silent(&sim.state().await)["count"], 1);

    // The Answer: HTTP 200 {"statusCode":0}, and nothing happens, then or later.
    let (status, body) = ava
        .post_status(
            &format!("/api/v2/me/calls/{id}"),
            json!({"operationName": "Answer"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"statusCode": 0}));
    nothing_follows(&ava, 400).await;
    assert_eq!(sim.call(&id).await["state"], "Ringing");
    assert!(silent(&sim.state().await).is_null());
    // The next one is carried out.
    ava.op(&id, json!({"operationName": "Answer"})).await;
    let events = call_notifications(&ava).await;
    assert_eq!(events[0]["call"]["state"], "Established");

    // `true`: one call operation of any name. Agent-state operations are no call
    // operations; a refused consult does not count; an accepted one leaves nothing behind.
    sim.faults(json!({"silentNextOperation": true})).await;
    assert_eq!(
        silent(&sim.state().await),
        json!({"count": 1, "operationName": null})
    );
    ava.post(
        "/api/v2/me/channels/voice",
        json!({"operationName": "NotReady"}),
    )
    .await;
    assert_eq!(device_notifications(&ava).await.len(), 1);
    let refused = ava
        .op(&id, json!({"operationName": "InitiateTransfer"}))
        .await;
    assert_eq!(refused["statusCode"], 1, "{refused}");
    assert_eq!(silent(&sim.state().await)["count"], 1);
    let accepted = ava
        .op(
            &id,
            json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5006"}}),
        )
        .await;
    assert_eq!(accepted, json!({"statusCode": 0}));
    nothing_follows(&ava, 300).await;
    assert_eq!(sim.calls_of("ava").await.len(), 1);
    assert_eq!(sim.call(&id).await["state"], "Established");
    assert!(sim.calls_of("ben").await.is_empty());
    assert!(silent(&sim.state().await).is_null());

    // A count, with a name: two Holds vanish, the third is carried out.
    sim.faults(json!({"silentNextOperation": {"count": 2, "operationName": "Hold"}}))
        .await;
    for left in [1, 0] {
        assert_eq!(
            ava.op(&id, json!({"operationName": "Hold"})).await,
            json!({"statusCode": 0})
        );
        let state = sim.state().await;
        if left == 0 {
            assert!(silent(&state).is_null());
        } else {
            assert_eq!(silent(&state)["count"], left);
        }
    }
    nothing_follows(&ava, 200).await;
    assert_eq!(sim.call(&id).await["state"], "Established");
    ava.op(&id, json!({"operationName": "Hold"})).await;
    assert_eq!(call_notifications(&ava).await[0]["call"]["state"], "Held");

    // Cleared by null, false, count 0 and DELETE; bad values are refused.
    for clear in [json!(null), json!(false), json!({"count": 0})] {
        sim.faults(json!({"silentNextOperation": {"count": 2}}))
            .await;
        assert_eq!(silent(&sim.state().await)["count"], 2);
        sim.faults(json!({"silentNextOperation": clear})).await;
        assert!(silent(&sim.state().await).is_null(), "{clear}");
    }
    sim.faults(json!({"silentNextOperation": true})).await;
    let res = sim
        .http
        .delete(sim.url("/sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(silent(&sim.state().await).is_null());
    for bad in [
        json!("yes"),
        json!({"count": -1}),
        json!({"operationName": 5}),
    ] {
        let (status, _) = sim
            .control("/sim/faults", json!({"silentNextOperation": bad}))
            .await;
        assert_eq!(status, 400, "{bad}");
    }
    ava.op(&id, json!({"operationName": "Retrieve"})).await;
    assert_eq!(sim.call(&id).await["state"], "Established");
}
