//! The call world through the GWS API: scripted numbers, agent-to-agent calls, inbound
//! calls, every call operation (seed 003 + Answer, user data, SetCallDisposition), consult
//! transfer/conference, swap, merge, participants, capabilities and duration.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// Events queued for the agent so far, as (notificationType, call id, state).
async fn drain(agent: &Agent) -> Vec<(String, String, String)> {
    let reply = agent.connect(Some(0)).await;
    call_messages(&reply)
        .into_iter()
        .map(|m| {
            let call = call_of(&m["data"]);
            (
                m["data"]["notificationType"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                call["id"].as_str().unwrap_or("").to_string(),
                call["state"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn caps(call: &Value) -> Vec<String> {
    call["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

fn ev(t: &str, id: &str, s: &str) -> (String, String, String) {
    (t.to_string(), id.to_string(), s.to_string())
}

#[tokio::test]
async fn dial_an_external_number_that_answers() {
    // Slow enough to see Dialing before the far end answers, even on a busy machine.
    let sim = start_with(|o| o.settings.answer_delay_ms = 600).await;
    let ava = sim.listening("ava").await;
    ava.post(&format!("/api/v2/me/devices/{AVA_DEVICE}/calls"), json!({"operationName": "Dial", "destination": {"phoneNumber": "5551212"}, "userData": {"CustomerSegment": "Gold"}})).await;
    let call = sim.calls_of("ava").await.remove(0);
    let id = call["id"].as_str().unwrap().to_string();
    assert!(
        id.len() == 32
            && id
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "{id}"
    );
    assert_eq!(call["state"], "Dialing");
    assert_eq!(call["callType"], "Outbound");
    assert_eq!(
        caps(&call),
        vec![
            "DeleteUserDataPair",
            "AttachUserData",
            "Hangup",
            "DeleteUserData",
            "SendDtmf",
            "UpdateUserData"
        ]
    );
    assert_eq!(call["userData"], json!({"CustomerSegment": "Gold"}));
    let call = sim.wait_call_state(&id, "Established").await;
    for cap in [
        "UpdateUserData",
        "SendDtmf",
        "InitiateConference",
        "Hold",
        "SingleStepTransfer",
        "InitiateTransfer",
        "AttachUserData",
        "DeleteUserDataPair",
        "SingleStepConference",
        "DeleteUserData",
        "Hangup",
        "StartCallRecording",
        "MuteCall",
    ] {
        assert!(caps(&call).contains(&cap.to_string()), "{cap} in {call}");
    }
    assert_eq!(
        drain(&ava).await,
        vec![
            ev("StatusChange", &id, "Dialing"),
            ev("StatusChange", &id, "Established")
        ]
    );

    // Duration ticks while established.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (_, _, body) = ava.get(&format!("/api/v2/me/calls/{id}")).await;
    assert!(
        body["call"]["duration"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );

    ava.op(&id, json!({"operationName": "Hangup"})).await;
    let call = sim.wait_call_state(&id, "Released").await;
    assert_eq!(call["capabilities"], json!([]));
    assert_eq!(drain(&ava).await, vec![ev("StatusChange", &id, "Released")]);
    let (_, _, calls) = ava.get("/api/v2/me/calls").await;
    assert_eq!(calls["calls"], json!([]), "released calls leave the list");
}

#[tokio::test]
async fn scripted_numbers_busy_and_never_answers() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    ava.dial("5550003").await;
    let busy = sim.calls_of("ava").await.remove(0);
    let busy_id = busy["id"].as_str().unwrap();
    sim.wait_call_state(busy_id, "Released").await;

    ava.dial("5559999").await;
    let never = sim.calls_of("ava").await.remove(1);
    let never_id = never["id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sim.call(&never_id).await["state"], "Dialing");
    // The control API lets the far end answer, then hang up.
    let (status, _) = sim
        .control(&format!("/sim/calls/{never_id}/remote-answer"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(sim.call(&never_id).await["state"], "Established");
    let (status, _) = sim
        .control(&format!("/sim/calls/{never_id}/remote-hangup"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(sim.call(&never_id).await["state"], "Released");
    let (status, _) = sim
        .control("/sim/calls/NOPE/remote-hangup", json!({}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn remote_answer_of_a_consult_to_an_agent_answers_that_agent() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let ben = sim.listening("ben").await;
    let orig = sim.ring("ava", "5551212").await;
    ava.op(&orig, json!({"operationName": "Answer"})).await;
    ava.op(
        &orig,
        json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5006"}}),
    )
    .await;
    let consult = sim
        .calls_of("ava")
        .await
        .into_iter()
        .find(|c| c["consultOf"] == orig.as_str())
        .unwrap();
    let consult_id = consult["id"].as_str().unwrap().to_string();
    let ben_id = sim.calls_of("ben").await.remove(0)["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sim.call(&ben_id).await["state"], "Ringing");
    drain(&ava).await;
    drain(&ben).await;

    // The control API answers for Ben: both ends of the consult are established.
    let (status, _) = sim
        .control(&format!("/sim/calls/{consult_id}/remote-answer"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(sim.call(&ben_id).await["state"], "Established");
    assert_eq!(sim.call(&consult_id).await["state"], "Established");
    assert_eq!(
        drain(&ben).await,
        vec![ev("StatusChange", &ben_id, "Established")]
    );
    assert_eq!(
        drain(&ava).await,
        vec![ev("StatusChange", &consult_id, "Established")]
    );
    // The transfer completes: Ben talks to the customer.
    ava.op(&orig, json!({"operationName": "CompleteTransfer"})).await;
    assert_eq!(sim.call(&ben_id).await["participants"], json!(["5551212"]));

    // A ringing call can be answered for its agent too; an established one cannot.
    let id = sim.ring("ava", "5551313").await;
    let (status, _) = sim
        .control(&format!("/sim/calls/{id}/remote-answer"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(sim.call(&id).await["state"], "Established");
    let (status, _) = sim
        .control(&format!("/sim/calls/{id}/remote-answer"), json!({}))
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_call_between_agents_rings_the_other() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let ben = sim.listening("ben").await;
    ava.dial("5006").await;
    let a = sim.calls_of("ava").await.remove(0);
    let b = sim.calls_of("ben").await.remove(0);
    let (a_id, b_id) = (
        a["id"].as_str().unwrap().to_string(),
        b["id"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        (a["state"].as_str(), a["callType"].as_str()),
        (Some("Dialing"), Some("Internal"))
    );
    assert_eq!(
        (b["state"].as_str(), b["callType"].as_str()),
        (Some("Ringing"), Some("Internal"))
    );
    assert_eq!(a["participants"], json!(["5006"]));
    assert_eq!(b["participants"], json!(["5005"]));
    assert!(caps(&b).contains(&"Answer".to_string()));
    assert_eq!(a["connId"], b["connId"]);

    ben.op(&b_id, json!({"operationName": "Answer"})).await;
    assert_eq!(sim.call(&a_id).await["state"], "Established");
    assert_eq!(sim.call(&b_id).await["state"], "Established");
    assert_eq!(
        drain(&ava).await,
        vec![
            ev("StatusChange", &a_id, "Dialing"),
            ev("StatusChange", &a_id, "Established")
        ]
    );
    assert_eq!(
        drain(&ben).await,
        vec![
            ev("StatusChange", &b_id, "Ringing"),
            ev("StatusChange", &b_id, "Established")
        ]
    );

    // User data belongs to the call: both agents see it.
    ava.op(
        &a_id,
        json!({"operationName": "AttachUserData", "userData": {"Case": "42"}}),
    )
    .await;
    assert_eq!(sim.call(&b_id).await["userData"]["Case"], "42");
    assert_eq!(
        drain(&ben).await,
        vec![ev("AttachedDataChanged", &b_id, "Established")]
    );

    ben.op(&b_id, json!({"operationName": "Hangup"})).await;
    assert_eq!(sim.call(&a_id).await["state"], "Released");
    assert_eq!(sim.call(&b_id).await["state"], "Released");
}

#[tokio::test]
async fn inbound_call_answer_hold_retrieve_mute_dtmf_recording() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let id = sim.inbound(json!({"agent": "ava", "from": "+14155550100", "userData": {"AccountNumber": "12345678"}})).await;
    let call = sim.call(&id).await;
    assert_eq!(
        (call["state"].as_str(), call["callType"].as_str()),
        (Some("Ringing"), Some("Inbound"))
    );
    assert_eq!(call["participants"], json!(["+14155550100"]));
    assert_eq!(call["dnis"], "5005");
    ava.op(&id, json!({"operationName": "Answer"})).await;
    ava.op(&id, json!({"operationName": "Hold"})).await;
    let held = sim.call(&id).await;
    assert_eq!(held["state"], "Held");
    assert!(caps(&held).contains(&"Retrieve".to_string()));
    assert!(!caps(&held).contains(&"Hold".to_string()));
    ava.op(&id, json!({"operationName": "Retrieve"})).await;
    ava.op(&id, json!({"operationName": "MuteCall"})).await;
    let muted = sim.call(&id).await;
    assert_eq!(muted["muted"], true);
    assert!(caps(&muted).contains(&"UnmuteCall".to_string()));
    assert_eq!(
        ava.op(&id, json!({"operationName": "MuteCall"})).await["statusCode"],
        2
    );
    ava.op(&id, json!({"operationName": "UnmuteCall"})).await;
    ava.op(&id, json!({"operationName": "SendDtmf", "digits": "12#"}))
        .await;
    ava.op(&id, json!({"operationName": "SendDtmf", "digits": "9*"}))
        .await;
    assert_eq!(
        ava.op(&id, json!({"operationName": "SendDtmf", "digits": "12a"}))
            .await["statusCode"],
        10
    );
    assert_eq!(
        ava.op(&id, json!({"operationName": "SendDtmf"})).await["statusCode"],
        1
    );
    assert_eq!(sim.call(&id).await["dtmf"], "12#9*");
    ava.op(&id, json!({"operationName": "StartCallRecording"}))
        .await;
    let rec = sim.call(&id).await;
    assert_eq!(rec["recordingState"], "Recording");
    assert!(caps(&rec).contains(&"StopCallRecording".to_string()));
    let events = drain(&ava).await;
    let states: Vec<(&str, &str)> = events
        .iter()
        .map(|(t, _, s)| (t.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        states,
        vec![
            ("StatusChange", "Ringing"),
            ("StatusChange", "Established"),
            ("StatusChange", "Held"),
            ("StatusChange", "Established"),
            ("StatusChange", "Established"),
            ("StatusChange", "Established"),
            ("CallRecordingStateChange", "Established"),
        ]
    );
    let (status, _) = sim
        .control("/sim/calls/inbound", json!({"agent": "zed"}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn user_data_operations_and_set_call_disposition() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    ava.dial("5551212").await;
    let id = sim.calls_of("ava").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    sim.wait_call_state(&id, "Established").await;
    drain(&ava).await;

    ava.op(
        &id,
        json!({"operationName": "AttachUserData", "userData": {"A": "1", "B": "2"}}),
    )
    .await;
    ava.op(
        &id,
        json!({"operationName": "UpdateUserData", "userData": {"A": "3"}}),
    )
    .await;
    ava.op(
        &id,
        json!({"operationName": "DeleteUserDataPair", "key": "B"}),
    )
    .await;
    assert_eq!(sim.call(&id).await["userData"], json!({"A": "3"}));
    assert_eq!(
        ava.op(&id, json!({"operationName": "DeleteUserDataPair"}))
            .await["statusCode"],
        1
    );
    assert_eq!(
        ava.op(&id, json!({"operationName": "AttachUserData"}))
            .await["statusCode"],
        1
    );
    assert_eq!(
        ava.op(
            &id,
            json!({"operationName": "AttachUserData", "userData": "x"})
        )
        .await["statusCode"],
        10
    );
    ava.op(&id, json!({"operationName": "DeleteUserData"}))
        .await;
    assert_eq!(sim.call(&id).await["userData"], json!({}));
    let types: Vec<String> = drain(&ava).await.into_iter().map(|e| e.0).collect();
    assert_eq!(types, vec!["AttachedDataChanged"; 4]);

    // Seed 000: active call → userData[dispositionKey] + AttachedDataChanged.
    let r = ava
        .op(&id, json!({"operationName": "SetCallDisposition", "callUri": format!("{}/api/v2/calls/{id}", sim.base), "callUuid": id, "disposition": "Referred", "dispositionKey": "DispositionCode"}))
        .await;
    assert_eq!(r, json!({"statusCode": 0}));
    let reply = ava.connect(Some(0)).await;
    let data = &reply[0]["data"];
    assert_eq!(data["notificationType"], "AttachedDataChanged");
    assert_eq!(data["call"]["userData"]["DispositionCode"], "Referred");
    assert_eq!(data["call"]["state"], "Established");
    // No key given → the server's default key.
    ava.op(
        &id,
        json!({"operationName": "SetCallDisposition", "disposition": "Sale"}),
    )
    .await;
    assert_eq!(sim.call(&id).await["userData"]["DispositionCode"], "Sale");
    assert_eq!(
        ava.op(&id, json!({"operationName": "SetCallDisposition"}))
            .await["statusCode"],
        1
    );
    drain(&ava).await;

    // Released call → accepted and recorded, no notification.
    ava.op(&id, json!({"operationName": "Hangup"})).await;
    drain(&ava).await;
    let r = ava.op(&id, json!({"operationName": "SetCallDisposition", "callUuid": id, "disposition": "Callback", "dispositionKey": "Outcome"})).await;
    assert_eq!(r, json!({"statusCode": 0}));
    assert_eq!(drain(&ava).await, vec![]);
    let state = sim.state().await;
    let recorded: Vec<(String, bool)> = state["dispositions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["vendor"] == "genesys")
        .map(|d| {
            (
                d["disposition"].as_str().unwrap().to_string(),
                d["callActive"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        recorded,
        vec![
            ("Referred".into(), true),
            ("Sale".into(), true),
            ("Callback".into(), false)
        ]
    );
    assert_eq!(state["dispositions"][2]["callId"], id.as_str());
}

#[tokio::test]
async fn consult_transfer_to_another_agent() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let ben = sim.listening("ben").await;
    let orig = sim
        .inbound(json!({"agent": "ava", "from": "5550100", "userData": {"Case": "7"}}))
        .await;
    ava.op(&orig, json!({"operationName": "Answer"})).await;
    drain(&ava).await;

    ava.op(
        &orig,
        json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5006"}}),
    )
    .await;
    let held = sim.call(&orig).await;
    assert_eq!(held["state"], "Held");
    let consult = sim
        .calls_of("ava")
        .await
        .into_iter()
        .find(|c| c["id"] != orig.as_str())
        .unwrap();
    let consult_id = consult["id"].as_str().unwrap().to_string();
    assert_eq!(consult["callType"], "Consult");
    assert_eq!(consult["state"], "Dialing");
    assert_eq!(consult["consultOf"], orig.as_str());
    assert_eq!(
        consult["userData"]["Case"], "7",
        "the consult carries the call's data"
    );
    let ring = sim.calls_of("ben").await.remove(0);
    let ben_id = ring["id"].as_str().unwrap().to_string();
    assert_eq!(ring["state"], "Ringing");
    ben.op(&ben_id, json!({"operationName": "Answer"})).await;
    assert_eq!(sim.call(&consult_id).await["state"], "Established");
    let held = sim.call(&orig).await;
    assert!(
        caps(&held).contains(&"CompleteTransfer".to_string()),
        "{held}"
    );
    assert!(caps(&held).contains(&"SwapCalls".to_string()));
    assert_eq!(
        drain(&ava).await,
        vec![
            ev("StatusChange", &orig, "Held"),
            ev("StatusChange", &consult_id, "Dialing"),
            ev("StatusChange", &consult_id, "Established")
        ]
    );
    drain(&ben).await;

    // CompleteTransfer without consultCallUri: both of Ava's calls are released; Ben now
    // talks to the customer.
    assert_eq!(
        ava.op(&orig, json!({"operationName": "CompleteTransfer"}))
            .await["statusCode"],
        0
    );
    assert_eq!(sim.call(&orig).await["state"], "Released");
    assert_eq!(sim.call(&consult_id).await["state"], "Released");
    let ben_call = sim.call(&ben_id).await;
    assert_eq!(ben_call["state"], "Established");
    assert_eq!(ben_call["participants"], json!(["5550100"]));
    assert_eq!(
        drain(&ben).await,
        vec![ev("ParticipantsUpdated", &ben_id, "Established")]
    );
    let released: Vec<String> = drain(&ava).await.into_iter().map(|e| e.2).collect();
    assert_eq!(released, vec!["Released", "Released"]);
}

#[tokio::test]
async fn consult_conference_then_remove_a_participant() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let orig = sim.ring("ava", "5550100").await;
    ava.op(&orig, json!({"operationName": "Answer"})).await;
    ava.op(&orig, json!({"operationName": "InitiateConference", "destination": {"phoneNumber": "5551212"}, "userData": {"Reason": "expert"}})).await;
    let consult = sim
        .calls_of("ava")
        .await
        .into_iter()
        .find(|c| c["id"] != orig.as_str())
        .unwrap();
    let consult_id = consult["id"].as_str().unwrap().to_string();
    assert_eq!(consult["userData"]["Reason"], "expert");
    sim.wait_call_state(&consult_id, "Established").await;
    let held = sim.call(&orig).await;
    assert!(
        caps(&held).contains(&"CompleteConference".to_string()),
        "{held}"
    );
    assert_eq!(
        ava.op(&orig, json!({"operationName": "CompleteConference"}))
            .await["statusCode"],
        1
    );
    drain(&ava).await;

    let uri = format!("{}/api/v2/me/calls/{consult_id}", sim.base);
    assert_eq!(
        ava.op(
            &orig,
            json!({"operationName": "CompleteConference", "consultCallUri": uri})
        )
        .await["statusCode"],
        0
    );
    let conf = sim.call(&orig).await;
    assert_eq!(conf["state"], "Established");
    assert_eq!(conf["participants"], json!(["5550100", "5551212"]));
    assert!(caps(&conf).contains(&"RemoveParticipantFromConference".to_string()));
    assert_eq!(sim.call(&consult_id).await["state"], "Released");
    let events = drain(&ava).await;
    assert!(events.contains(&ev("StatusChange", &consult_id, "Released")));
    assert!(events.contains(&ev("StatusChange", &orig, "Established")));
    assert!(events.contains(&ev("ParticipantsUpdated", &orig, "Established")));

    assert_eq!(
        ava.op(
            &orig,
            json!({"operationName": "RemoveParticipantFromConference", "participant": "9999"})
        )
        .await["statusCode"],
        10
    );
    assert_eq!(
        ava.op(
            &orig,
            json!({"operationName": "RemoveParticipantFromConference"})
        )
        .await["statusCode"],
        1
    );
    ava.op(
        &orig,
        json!({"operationName": "RemoveParticipantFromConference", "participant": "5551212"}),
    )
    .await;
    assert_eq!(sim.call(&orig).await["participants"], json!(["5550100"]));
    assert_eq!(
        drain(&ava).await,
        vec![ev("ParticipantsUpdated", &orig, "Established")]
    );
}

#[tokio::test]
async fn swap_calls_and_merge_with_other_call() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let one = sim.ring("ava", "5550101").await;
    ava.op(&one, json!({"operationName": "Answer"})).await;
    ava.op(&one, json!({"operationName": "Hold"})).await;
    let two = sim.ring("ava", "5550102").await;
    ava.op(&two, json!({"operationName": "Answer"})).await;
    drain(&ava).await;

    assert!(caps(&sim.call(&two).await).contains(&"SwapCalls".to_string()));
    assert_eq!(
        ava.op(&two, json!({"operationName": "SwapCalls"})).await["statusCode"],
        1
    );
    ava.op(&two, json!({"operationName": "SwapCalls", "otherCallUri": format!("{}/api/v2/me/calls/{one}", sim.base)})).await;
    assert_eq!(sim.call(&two).await["state"], "Held");
    assert_eq!(sim.call(&one).await["state"], "Established");
    assert_eq!(
        drain(&ava).await,
        vec![
            ev("StatusChange", &two, "Held"),
            ev("StatusChange", &one, "Established")
        ]
    );

    assert_eq!(
        ava.op(
            &one,
            json!({"operationName": "MergeWithOtherCall", "otherCallUri": "NOPE"})
        )
        .await["statusCode"],
        6
    );
    ava.op(
        &one,
        json!({"operationName": "MergeWithOtherCall", "otherCallUri": two}),
    )
    .await;
    let merged = sim.call(&one).await;
    assert_eq!(merged["participants"], json!(["5550101", "5550102"]));
    assert_eq!(sim.call(&two).await["state"], "Released");
}

#[tokio::test]
async fn single_step_transfer_and_conference() {
    let sim = start().await;
    let ava = sim.listening("ava").await;
    let ben = sim.listening("ben").await;
    let id = sim
        .inbound(json!({"agent": "ava", "from": "5550100", "userData": {"Case": "9"}}))
        .await;
    ava.op(&id, json!({"operationName": "Answer"})).await;
    ava.op(
        &id,
        json!({"operationName": "SingleStepConference", "destination": {"phoneNumber": "5551313"}}),
    )
    .await;
    assert_eq!(
        sim.call(&id).await["participants"],
        json!(["5550100", "5551313"])
    );
    assert_eq!(
        ava.op(&id, json!({"operationName": "SingleStepTransfer"}))
            .await["statusCode"],
        1
    );
    ava.op(
        &id,
        json!({"operationName": "SingleStepTransfer", "destination": {"phoneNumber": "5006"}}),
    )
    .await;
    assert_eq!(sim.call(&id).await["state"], "Released");
    let ring = sim.calls_of("ben").await.remove(0);
    assert_eq!(ring["state"], "Ringing");
    assert_eq!(ring["callType"], "Inbound");
    assert_eq!(ring["participants"], json!(["5550100", "5551313"]));
    assert_eq!(ring["userData"]["Case"], "9");
    drain(&ben).await;
}

#[test]
fn scripted_number_rules() {
    use ccsim::world::{script_for, ExternalScript};
    let d = Duration::from_millis(1000);
    assert_eq!(script_for("5551212", d), ExternalScript::AnswersAfter(d));
    assert_eq!(script_for("5550000", d), ExternalScript::Busy);
    assert_eq!(script_for("5550009", d), ExternalScript::Busy);
    assert_eq!(script_for("55500091", d), ExternalScript::AnswersAfter(d));
    assert_eq!(script_for("5559999", d), ExternalScript::NeverAnswers);
}
