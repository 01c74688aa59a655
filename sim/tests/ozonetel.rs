//! Ozonetel: every row of seed 004's response table, sent as a request under its condition
//! and compared byte for byte; generateToken (JWT, lifetime, rotation, hourly cap); the
//! `get` list; the injectable transient error; queued dispositions applied at disconnect;
//! AgentManualDial (every answer, the call it connects, its disposition), the agents'
//! availability switch, and the stand-in CRM token backend (`/sim/ozonetel/token`).

mod common;

use std::time::Duration;

use base64::Engine;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

const USER: &str = "demo_crm";
const API_KEY: &str = "sim-api-key";
const DID: &str = "914071327663";

async fn generate_token(
    sim: &TestSim,
    user: Option<&str>,
    api_key: Option<&str>,
) -> (StatusCode, String) {
    let mut req = sim
        .http
        .post(sim.url("/ca_apis/CAToken/generateToken"))
        .header("Content-Type", "application/json");
    if let Some(k) = api_key {
        req = req.header("apiKey", k);
    }
    let body = match user {
        Some(u) => json!({"userName": u}),
        None => json!({}),
    };
    let res = req.body(body.to_string()).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn token(sim: &TestSim) -> String {
    let (_, body) = generate_token(sim, Some(USER), Some(API_KEY)).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    v["token"].as_str().expect("token").to_string()
}

async fn dispose(sim: &TestSim, token: Option<&str>, body: &Value) -> (StatusCode, String) {
    let mut req = sim
        .http
        .post(sim.url("/ca_apis/DispositionAPIV2"))
        .header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let res = req.body(body.to_string()).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn ozonetel_call(sim: &TestSim, agent: &str, wrapup_secs: Option<f64>) -> String {
    let mut body = json!({"agentID": agent, "did": DID, "callerID": "9876543210"});
    if let Some(w) = wrapup_secs {
        body["wrapupSecs"] = json!(w);
    }
    let (status, v) = sim.control("/sim/ozonetel/calls", body).await;
    assert_eq!(status, 200);
    v["ucid"].as_str().unwrap().to_string()
}

async fn disconnect(sim: &TestSim, ucid: &str) {
    let (status, _) = sim
        .control(&format!("/sim/ozonetel/calls/{ucid}/disconnect"), json!({}))
        .await;
    assert_eq!(status, 200);
}

fn set_body(ucid: &str) -> Value {
    json!({"userName": USER, "agentID": "ava", "did": DID, "ucid": ucid, "disposition": "Interested", "action": "Set", "comments": "from the table test"})
}

/// How the row authenticates.
#[derive(Clone, Copy)]
enum Auth {
    Fresh,
    Expired,
    Missing,
    Garbage,
    BasicMode,
}

/// The call the row disposes of.
#[derive(Clone, Copy)]
enum CallSetup {
    Connected,
    InAcw,
    AlreadyDisposed,
    WrapUpExceeded,
}

/// What the row does to the valid body.
enum Edit {
    None,
    Remove(&'static str),
    Rename(&'static str, &'static str),
    Set(&'static str, &'static str),
    Add(&'static str, &'static str),
}

struct Row {
    situation: &'static str,
    auth: Auth,
    call: CallSetup,
    edit: Edit,
    expected: &'static str,
}

fn seed_004_table() -> Vec<Row> {
    use Auth::*;
    use CallSetup::*;
    use Edit::*;
    let row = |situation, auth, call, edit, expected| Row {
        situation,
        auth,
        call,
        edit,
        expected,
    };
    vec![
        row(
            "Hitting the request when the token is expired.",
            Expired,
            Connected,
            None,
            r#"{"status":"false","message":"Token Expired","data":null}"#,
        ),
        row(
            "Missing Token.",
            Missing,
            Connected,
            None,
            r#"{"status":"false","message":"Token Should Not be Null or Empty.","data":null}"#,
        ),
        row(
            "Passing Invalid Token.",
            Garbage,
            Connected,
            None,
            r#"{"status":"false","message":"Invalid Token","data":null}"#,
        ),
        row(
            "API Authentication set to Basic Auth",
            BasicMode,
            Connected,
            None,
            r#"{"status":"false","message":"Api Key Should Not be Null or Empty.","data":null}"#,
        ),
        row(
            "Disposing before disconnecting the call.",
            Fresh,
            Connected,
            None,
            r#"{"status":"Success","message":"Disposition Queued Successfully"}"#,
        ),
        row(
            "Disposing after disconnecting the call.",
            Fresh,
            InAcw,
            None,
            r#"{"details":"Disposition saved successfully","status":"Success"}"#,
        ),
        row(
            "Disposing of already disposed call.",
            Fresh,
            AlreadyDisposed,
            None,
            r#"{"details":"This call is already Disposed.","status":"Fail"}"#,
        ),
        row(
            "Passing Invalid userName Key",
            Fresh,
            Connected,
            Rename("userName", "username"),
            r#"{"status":"false","message":"Username Should Not be Null or Empty.","data":null}"#,
        ),
        row(
            "Passing Invalid userName Value",
            Fresh,
            Connected,
            Set("userName", "someone_else"),
            r#"{"status":"false","message":"Invalid User Details","data":null}"#,
        ),
        row(
            "Missing userName key",
            Fresh,
            Connected,
            Remove("userName"),
            r#"{"status":"false","message":"Username Should Not be Null or Empty.","data":null}"#,
        ),
        row(
            "Missing userName Value",
            Fresh,
            Connected,
            Set("userName", ""),
            r#"{"status":"false","message":"Username Should Not be Null or Empty.","data":null}"#,
        ),
        row(
            "Passing Invalid action Key",
            Fresh,
            Connected,
            Rename("action", "actionName"),
            r#"{"status":"Fail","message":"Invalid Action"}"#,
        ),
        row(
            "Passing Invalid action Value",
            Fresh,
            Connected,
            Set("action", "Delete"),
            r#"{"status":"Fail","message":"Invalid Action"}"#,
        ),
        row(
            "Missing action key",
            Fresh,
            Connected,
            Remove("action"),
            r#"{"status":"Fail","message":"Invalid Action"}"#,
        ),
        row(
            "Missing action Value",
            Fresh,
            Connected,
            Set("action", ""),
            r#"{"status":"Fail","message":"Invalid Action"}"#,
        ),
        row(
            "Passing Invalid agentID Key",
            Fresh,
            Connected,
            Rename("agentID", "agentid"),
            r#"{"details":"Invalid agent","status":"Fail"}"#,
        ),
        row(
            "Passing Invalid agentID Value",
            Fresh,
            Connected,
            Set("agentID", "nobody"),
            r#"{"details":"Invalid agent","status":"Fail"}"#,
        ),
        row(
            "Missing agentID key",
            Fresh,
            Connected,
            Remove("agentID"),
            r#"{"details":"Invalid agent","status":"Fail"}"#,
        ),
        row(
            "Missing agentID Value",
            Fresh,
            Connected,
            Set("agentID", ""),
            r#"{"details":"Invalid agent","status":"Fail"}"#,
        ),
        row(
            "Passing Invalid UCID Key",
            Fresh,
            Connected,
            Rename("ucid", "UCID"),
            r#"{"status":"Fail","message":"Invalid ucid"}"#,
        ),
        row(
            "Passing Invalid UCID Value",
            Fresh,
            Connected,
            Set("ucid", "9012171"),
            r#"{"details":"Invalid ucid [9012171] or did [914071327663]","status":"Fail"}"#,
        ),
        row(
            "Missing UCID key",
            Fresh,
            Connected,
            Remove("ucid"),
            r#"{"status":"Fail","message":"Invalid ucid"}"#,
        ),
        row(
            "Missing UCID Value",
            Fresh,
            Connected,
            Set("ucid", ""),
            r#"{"details":"Invalid ucid()","status":"Fail"}"#,
        ),
        row(
            "Passing Invalid disposition Key",
            Fresh,
            Connected,
            Rename("disposition", "dispositionCode"),
            r#"{"status":"Fail","message":"Invalid Disposition"}"#,
        ),
        row(
            "Passing Invalid disposition Value",
            Fresh,
            Connected,
            Set("disposition", "Maybe Later"),
            r#"{"details":"Invalid Disposition","status":"Fail"}"#,
        ),
        row(
            "Missing disposition key",
            Fresh,
            Connected,
            Remove("disposition"),
            r#"{"status":"Fail","message":"Invalid Disposition"}"#,
        ),
        row(
            "Missing disposition Value",
            Fresh,
            Connected,
            Set("disposition", ""),
            r#"{"details":"Empty disposition code","status":"Fail"}"#,
        ),
        row(
            "PauseAfterDispose is enabled without passing a pause reason",
            Fresh,
            Connected,
            Add("pauseAfterDispose", "true"),
            r#"{"details":"Provide pause reason","status":"Fail"}"#,
        ),
        row(
            "In ACW, disposing multiple times",
            Fresh,
            AlreadyDisposed,
            None,
            r#"{"details":"This call is already Disposed.","status":"Fail"}"#,
        ),
        row(
            "In ACW, within wrap-up time",
            Fresh,
            InAcw,
            None,
            r#"{"details":"Disposition saved successfully","status":"Success"}"#,
        ),
        row(
            "In ACW, wrap-up time exceeded",
            Fresh,
            WrapUpExceeded,
            None,
            r#"{"details":"This call is already Disposed.","status":"Fail"}"#,
        ),
        row(
            "valid ucid but the mentioned agent is not on the call",
            Fresh,
            Connected,
            Set("agentID", "ben"),
            r#"{"details":"Agent is not on this call.","status":"Fail"}"#,
        ),
    ]
}

#[tokio::test]
async fn every_row_of_the_seed_004_table() {
    let sim = start().await;
    // Every row mints its own token; lift the hourly cap for this test.
    sim.control("/sim/config", json!({"tokensPerHour": 1000}))
        .await;
    let table = seed_004_table();
    assert_eq!(table.len(), 32, "seed 004 has 32 response rows");
    for row in table {
        // The call, in the row's situation.
        let ucid = match row.call {
            CallSetup::Connected => ozonetel_call(&sim, "ava", None).await,
            CallSetup::InAcw => {
                let ucid = ozonetel_call(&sim, "ava", Some(30.0)).await;
                disconnect(&sim, &ucid).await;
                ucid
            }
            CallSetup::AlreadyDisposed => {
                let ucid = ozonetel_call(&sim, "ava", Some(30.0)).await;
                disconnect(&sim, &ucid).await;
                let t = token(&sim).await;
                let (_, first) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
                assert_eq!(
                    first,
                    r#"{"details":"Disposition saved successfully","status":"Success"}"#
                );
                ucid
            }
            CallSetup::WrapUpExceeded => {
                let ucid = ozonetel_call(&sim, "ava", Some(0.05)).await;
                disconnect(&sim, &ucid).await;
                tokio::time::sleep(Duration::from_millis(120)).await;
                ucid
            }
        };
        // The request body, edited as the row says.
        let mut body: Map<String, Value> = set_body(&ucid).as_object().unwrap().clone();
        match row.edit {
            Edit::None => {}
            Edit::Remove(k) => {
                body.remove(k);
            }
            Edit::Rename(from, to) => {
                if let Some(v) = body.remove(from) {
                    body.insert(to.to_string(), v);
                }
            }
            Edit::Set(k, v) | Edit::Add(k, v) => {
                body.insert(k.to_string(), json!(v));
            }
        }
        // The token, as the row says.
        let token = match row.auth {
            Auth::Fresh => Some(token(&sim).await),
            Auth::Missing => None,
            Auth::Garbage => Some("not.a.token".to_string()),
            Auth::Expired => {
                let t = token(&sim).await;
                sim.faults(json!({"expireOzonetelTokens": true})).await;
                Some(t)
            }
            Auth::BasicMode => {
                sim.control("/sim/ozonetel/config", json!({"authMode": "BASIC_AUTH"}))
                    .await;
                Some(token(&sim).await)
            }
        };
        let (status, answer) = dispose(&sim, token.as_deref(), &Value::Object(body)).await;
        if matches!(row.auth, Auth::BasicMode) {
            sim.control("/sim/ozonetel/config", json!({"authMode": "TOKEN_AUTH"}))
                .await;
        }
        assert_eq!(status, 200, "{}", row.situation);
        assert_eq!(answer, row.expected, "row: {}", row.situation);
    }
}

#[tokio::test]
async fn basic_auth_mode_accepts_the_api_key() {
    let sim = start().await;
    sim.control("/sim/ozonetel/config", json!({"authMode": "BASIC_AUTH"}))
        .await;
    let ucid = ozonetel_call(&sim, "ava", None).await;
    let res = sim
        .http
        .post(sim.url("/ca_apis/DispositionAPIV2"))
        .header("apiKey", API_KEY)
        .body(set_body(&ucid).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.text().await.unwrap(),
        r#"{"status":"Success","message":"Disposition Queued Successfully"}"#
    );
}

#[tokio::test]
async fn generate_token_is_a_jwt_with_exp_and_rotation_invalidates_older_tokens() {
    let sim = start_with(|o| o.settings.token_lifetime_secs = 1_800).await;
    let (status, body) = generate_token(&sim, Some(USER), Some(API_KEY)).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["message"], "");
    assert!(body.starts_with(r#"{"token":""#), "{body}");
    let first = v["token"].as_str().unwrap().to_string();
    let parts: Vec<&str> = first.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |p: &str| -> Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(decode(parts[0])["alg"], "HS256");
    let claims = decode(parts[1]);
    assert_eq!(claims["userName"], USER);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = claims["exp"].as_u64().unwrap();
    assert!(
        exp >= now + 1_790 && exp <= now + 1_810,
        "exp {exp} vs now {now}"
    );

    let ucid = ozonetel_call(&sim, "ava", None).await;
    let (_, answer) = dispose(&sim, Some(&first), &set_body(&ucid)).await;
    assert!(answer.contains("Queued"));
    let second = token(&sim).await;
    let (_, answer) = dispose(&sim, Some(&first), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"status":"false","message":"Invalid Token","data":null}"#
    );
    let (_, answer) = dispose(&sim, Some(&second), &set_body(&ucid)).await;
    assert!(answer.contains("Queued"));

    // Errors of generateToken itself.
    let (_, body) = generate_token(&sim, None, Some(API_KEY)).await;
    assert_eq!(
        body,
        r#"{"status":"false","message":"UserName is null","data":null}"#
    );
    let (_, body) = generate_token(&sim, Some(USER), Some("wrong")).await;
    assert_eq!(
        body,
        r#"{"status":"false","message":"Invalid userName or apiKey","data":null}"#
    );
    let (_, body) = generate_token(&sim, Some("stranger"), Some(API_KEY)).await;
    assert_eq!(
        body,
        r#"{"status":"false","message":"Invalid userName or apiKey","data":null}"#
    );
}

#[tokio::test]
async fn at_most_ten_tokens_an_hour() {
    let sim = start().await;
    for _ in 0..10 {
        token(&sim).await;
    }
    let (_, body) = generate_token(&sim, Some(USER), Some(API_KEY)).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "false");
    assert!(v["message"].as_str().unwrap().contains("limit"));
}

#[tokio::test]
async fn tokens_expire_after_their_lifetime() {
    let sim = start_with(|o| o.settings.token_lifetime_secs = 1).await;
    let t = token(&sim).await;
    let ucid = ozonetel_call(&sim, "ava", None).await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (_, answer) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"status":"false","message":"Token Expired","data":null}"#
    );
}

#[tokio::test]
async fn get_lists_the_account_dispositions() {
    let sim = start().await;
    let t = token(&sim).await;
    let (_, answer) = dispose(&sim, Some(&t), &json!({"userName": USER, "action": "get"})).await;
    assert_eq!(
        answer,
        r#"{"status":"Success","details":["Interested","Call Back","Not Interested","Wrong Number","Sale Done"]}"#
    );
}

#[tokio::test]
async fn transient_error_is_injectable_once() {
    let sim = start().await;
    let t = token(&sim).await;
    let ucid = ozonetel_call(&sim, "ava", None).await;
    sim.faults(json!({"ozonetelTransient": 1})).await;
    let (_, answer) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"status":"Error","details":"Unable to Dispose . Please retry after some time."}"#
    );
    let (_, answer) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"status":"Success","message":"Disposition Queued Successfully"}"#
    );
}

#[tokio::test]
async fn queued_disposition_is_applied_at_disconnect_and_callbacks_need_a_time() {
    let sim = start().await;
    let t = token(&sim).await;
    let ucid = ozonetel_call(&sim, "ben", None).await;
    let mut body = set_body(&ucid);
    body["agentID"] = json!("ben");
    body["disposition"] = json!("Call Back");
    let (_, answer) = dispose(&sim, Some(&t), &body).await;
    assert_eq!(
        answer,
        r#"{"details":"Provide callBackTime as YYYY-MM-DD HH:MM","status":"Fail"}"#
    );
    body["callBackTime"] = json!("2030-01-31 14:30");
    body["pauseAfterDispose"] = json!("true");
    body["pauseReason"] = json!("Break");
    let (_, answer) = dispose(&sim, Some(&t), &body).await;
    assert_eq!(
        answer,
        r#"{"status":"Success","message":"Disposition Queued Successfully"}"#
    );
    let state = sim.state().await;
    assert_eq!(state["ozonetelCalls"][0]["state"], "connected");
    assert!(
        state["dispositions"].as_array().unwrap().is_empty(),
        "queued, not yet applied"
    );
    disconnect(&sim, &ucid).await;
    let state = sim.state().await;
    let d = &state["dispositions"][0];
    assert_eq!(
        (
            d["vendor"].as_str(),
            d["ucid"].as_str(),
            d["disposition"].as_str()
        ),
        (Some("ozonetel"), Some(ucid.as_str()), Some("Call Back"))
    );
    assert_eq!(d["queued"], true);
    assert_eq!(d["callBackTime"], "2030-01-31 14:30");
    assert_eq!(d["comments"], "from the table test");
    assert_eq!(state["ozonetelCalls"][0]["state"], "closed");
    let (_, answer) = dispose(&sim, Some(&t), &body).await;
    assert_eq!(
        answer,
        r#"{"details":"This call is already Disposed.","status":"Fail"}"#
    );
    let (status, _) = sim
        .control("/sim/ozonetel/calls", json!({"agentID": "zed"}))
        .await;
    assert_eq!(status, 400);
}

// ----- AgentManualDial, agent availability, the stand-in CRM token backend -----

const CAMPAIGN: &str = "Progressive_demo";
const QUEUED_NO_UCID: &str = r#"{"status":"queued successfully"}"#;
const NOT_AVAILABLE: &str = r#"{"status":"Fail","message":"Agent is not available"}"#;
const INVALID_AGENT: &str = r#"{"status":"Fail","message":"Invalid agentID"}"#;
const INVALID_CAMPAIGN: &str = r#"{"status":"Fail","message":"Invalid campaignName"}"#;
const INVALID_NUMBER: &str = r#"{"status":"Fail","message":"Invalid customerNumber"}"#;

fn dial_body(agent: &str, number: &str) -> Value {
    json!({"userName": USER, "agentID": agent, "campaignName": CAMPAIGN, "customerNumber": number, "UCID": "true"})
}

async fn manual_dial(sim: &TestSim, token: Option<&str>, body: &Value) -> (StatusCode, String) {
    let mut req = sim
        .http
        .post(sim.url("/ca_apis/AgentManualDial"))
        .header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let res = req.body(body.to_string()).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Dial and expect success with the ucid; returns the ucid after checking the body byte
/// for byte.
async fn dialled(sim: &TestSim, token: &str, body: &Value) -> String {
    let (status, answer) = manual_dial(sim, Some(token), body).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
    let ucid = v["ucid"]
        .as_str()
        .unwrap_or_else(|| panic!("no ucid in {answer}"))
        .to_string();
    assert!(
        !ucid.is_empty() && ucid.bytes().all(|b| b.is_ascii_digit()),
        "{ucid}"
    );
    assert_eq!(
        answer,
        format!(r#"{{"ucid":"{ucid}","status":"queued successfully"}}"#)
    );
    ucid
}

async fn oz_call(sim: &TestSim, ucid: &str) -> Value {
    let state = sim.state().await;
    state["ozonetelCalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ucid"] == ucid)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn oz_call_count(sim: &TestSim) -> usize {
    sim.state().await["ozonetelCalls"].as_array().unwrap().len()
}

async fn set_available(sim: &TestSim, agent: &str, available: bool) {
    let (status, body) = sim
        .control(
            &format!("/sim/ozonetel/agents/{agent}"),
            json!({"available": available}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn sim_token(sim: &TestSim, query: &str) -> (StatusCode, String) {
    let res = sim
        .http
        .get(sim.url(&format!("/sim/ozonetel/token{query}")))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn agent_manual_dial_connects_a_call_to_the_agent() {
    let sim = start().await;
    let t = token(&sim).await;
    let mut body = dial_body("ava", "+919876543210");
    body["uui"] = json!("lead-42");
    let ucid = dialled(&sim, &t, &body).await;
    let call = oz_call(&sim, &ucid).await;
    assert_eq!(
        call,
        json!({"ucid": ucid, "agentID": "ava", "did": DID, "callerID": "+919876543210",
               "direction": "outbound", "campaignName": CAMPAIGN, "uui": "lead-42",
               "state": "connected", "queuedDisposition": null, "disposed": false})
    );
    // A customer calling in through the control API is listed as inbound.
    let inbound = ozonetel_call(&sim, "ben", None).await;
    let call = oz_call(&sim, &inbound).await;
    assert_eq!(
        (&call["direction"], &call["campaignName"]),
        (&json!("inbound"), &Value::Null)
    );

    // Without UCID:"true" the answer carries no ucid, and the call exists all the same.
    disconnect(&sim, &ucid).await;
    let before = oz_call_count(&sim).await;
    let mut body = dial_body("ava", "5551212");
    body.as_object_mut().unwrap().remove("UCID");
    let (status, answer) = manual_dial(&sim, Some(&t), &body).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, QUEUED_NO_UCID));
    let state = sim.state().await;
    let calls = state["ozonetelCalls"].as_array().unwrap();
    assert_eq!(calls.len(), before + 1);
    let last = calls.last().unwrap();
    assert_eq!(
        (
            &last["agentID"],
            &last["callerID"],
            &last["direction"],
            &last["state"]
        ),
        (
            &json!("ava"),
            &json!("5551212"),
            &json!("outbound"),
            &json!("connected")
        )
    );

    // The default campaign is listed with its DID.
    assert_eq!(
        state["ozonetel"]["campaigns"],
        json!([{"campaignName": CAMPAIGN, "did": DID}])
    );
}

#[tokio::test]
async fn agent_manual_dial_authenticates_like_the_disposition_api() {
    let sim = start().await;
    sim.control("/sim/config", json!({"tokensPerHour": 1000}))
        .await;
    let body = dial_body("ava", "5551212");
    let false_body = |m: &str| format!(r#"{{"status":"false","message":"{m}","data":null}}"#);

    let (_, answer) = manual_dial(&sim, None, &body).await;
    assert_eq!(answer, false_body("Token Should Not be Null or Empty."));
    let (_, answer) = manual_dial(&sim, Some("not.a.token"), &body).await;
    assert_eq!(answer, false_body("Invalid Token"));
    let old = token(&sim).await;
    let fresh = token(&sim).await;
    let (_, answer) = manual_dial(&sim, Some(&old), &body).await;
    assert_eq!(answer, false_body("Invalid Token"), "a rotated-out token");
    sim.faults(json!({"expireOzonetelTokens": true})).await;
    let (_, answer) = manual_dial(&sim, Some(&fresh), &body).await;
    assert_eq!(answer, false_body("Token Expired"));

    let t = token(&sim).await;
    let mut no_user = body.clone();
    no_user.as_object_mut().unwrap().remove("userName");
    let (_, answer) = manual_dial(&sim, Some(&t), &no_user).await;
    assert_eq!(answer, false_body("Username Should Not be Null or Empty."));
    let mut empty_user = body.clone();
    empty_user["userName"] = json!("");
    let (_, answer) = manual_dial(&sim, Some(&t), &empty_user).await;
    assert_eq!(answer, false_body("Username Should Not be Null or Empty."));
    let mut other_user = body.clone();
    other_user["userName"] = json!("someone_else");
    let (_, answer) = manual_dial(&sim, Some(&t), &other_user).await;
    assert_eq!(answer, false_body("Invalid User Details"));

    // BASIC_AUTH mode: a bearer token is the wrong credential, the apiKey header works.
    sim.control("/sim/ozonetel/config", json!({"authMode": "BASIC_AUTH"}))
        .await;
    let (status, answer) = manual_dial(&sim, Some(&t), &body).await;
    assert_eq!(status, 200);
    assert_eq!(answer, false_body("Api Key Should Not be Null or Empty."));
    assert_eq!(
        oz_call_count(&sim).await,
        0,
        "no refused request made a call"
    );
    let res = sim
        .http
        .post(sim.url("/ca_apis/AgentManualDial"))
        .header("apiKey", API_KEY)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let answer = res.text().await.unwrap();
    assert!(
        answer.starts_with(r#"{"ucid":""#)
            && answer.ends_with(r#"","status":"queued successfully"}"#),
        "{answer}"
    );
    assert_eq!(oz_call_count(&sim).await, 1);
}

#[tokio::test]
async fn agent_manual_dial_rejects_a_bad_agent_campaign_or_number() {
    let sim = start().await;
    let t = token(&sim).await;
    let edited = |key: &str, value: Option<&str>| {
        let mut b = dial_body("ava", "5551212");
        match value {
            Some(v) => b[key] = json!(v),
            None => {
                b.as_object_mut().unwrap().remove(key);
            }
        }
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (edited("agentID", None), INVALID_AGENT, "agentID missing"),
        (edited("agentID", Some("")), INVALID_AGENT, "agentID empty"),
        (
            edited("agentID", Some("zed")),
            INVALID_AGENT,
            "agentID unknown",
        ),
        (
            edited("campaignName", None),
            INVALID_CAMPAIGN,
            "campaignName missing",
        ),
        (
            edited("campaignName", Some("")),
            INVALID_CAMPAIGN,
            "campaignName empty",
        ),
        (
            edited("campaignName", Some("Inbound_1")),
            INVALID_CAMPAIGN,
            "campaignName unknown",
        ),
        (
            edited("customerNumber", None),
            INVALID_NUMBER,
            "customerNumber missing",
        ),
        (
            edited("customerNumber", Some("")),
            INVALID_NUMBER,
            "customerNumber empty",
        ),
        (
            edited("customerNumber", Some("98765abc")),
            INVALID_NUMBER,
            "letters",
        ),
        (
            edited("customerNumber", Some("555-1212")),
            INVALID_NUMBER,
            "a dash",
        ),
        (
            edited("customerNumber", Some("12")),
            INVALID_NUMBER,
            "two digits",
        ),
        (
            edited("customerNumber", Some("+")),
            INVALID_NUMBER,
            "a plus alone",
        ),
        (
            edited("customerNumber", Some("1234567890123456")),
            INVALID_NUMBER,
            "16 digits",
        ),
        (
            edited("customerNumber", Some("91+98765")),
            INVALID_NUMBER,
            "a plus inside",
        ),
    ];
    for (body, expected, case) in &cases {
        let (status, answer) = manual_dial(&sim, Some(&t), body).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(answer, *expected, "{case}");
    }
    // The parameters are checked in order: agent, campaign, number, then availability.
    set_available(&sim, "ava", false).await;
    let mut all_bad = dial_body("zed", "x");
    all_bad["campaignName"] = json!("nope");
    let (_, answer) = manual_dial(&sim, Some(&t), &all_bad).await;
    assert_eq!(answer, INVALID_AGENT);
    all_bad["agentID"] = json!("ava");
    let (_, answer) = manual_dial(&sim, Some(&t), &all_bad).await;
    assert_eq!(answer, INVALID_CAMPAIGN);
    all_bad["campaignName"] = json!(CAMPAIGN);
    let (_, answer) = manual_dial(&sim, Some(&t), &all_bad).await;
    assert_eq!(answer, INVALID_NUMBER);
    set_available(&sim, "ava", true).await;
    assert_eq!(
        oz_call_count(&sim).await,
        0,
        "no refused request made a call"
    );

    // The edges of a phone number: 3 and 15 digits, a leading plus, a JSON number.
    for number in [
        json!("100"),
        json!("123456789012345"),
        json!("+4420"),
        json!(9876543210u64),
    ] {
        let mut body = dial_body("ava", "");
        body["customerNumber"] = number.clone();
        let ucid = dialled(&sim, &t, &body).await;
        let call = oz_call(&sim, &ucid).await;
        let expected = number
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| number.to_string());
        assert_eq!(call["callerID"], json!(expected));
        disconnect(&sim, &ucid).await;
    }
}

#[tokio::test]
async fn agent_manual_dial_needs_an_available_agent_not_on_a_call() {
    let sim = start().await;
    let t = token(&sim).await;
    let state = sim.state().await;
    assert_eq!(
        state["ozonetel"]["agents"],
        json!([{"agentID": "ava", "available": true}, {"agentID": "ben", "available": true}])
    );

    // Not available (not logged in, or paused).
    set_available(&sim, "ava", false).await;
    let state = sim.state().await;
    assert_eq!(
        state["ozonetel"]["agents"][0],
        json!({"agentID": "ava", "available": false})
    );
    assert_eq!(
        state["ozonetel"]["agents"][1],
        json!({"agentID": "ben", "available": true})
    );
    let (status, answer) = manual_dial(&sim, Some(&t), &dial_body("ava", "5551212")).await;
    assert_eq!((status, answer.as_str()), (StatusCode::OK, NOT_AVAILABLE));
    assert_eq!(oz_call_count(&sim).await, 0);
    // Ben is not affected.
    let bens = dialled(&sim, &t, &dial_body("ben", "5551313")).await;
    set_available(&sim, "ava", true).await;
    let first = dialled(&sim, &t, &dial_body("ava", "5551212")).await;

    // Already on a connected call: the agent's own dial, or a customer's call in.
    let (_, answer) = manual_dial(&sim, Some(&t), &dial_body("ava", "5551313")).await;
    assert_eq!(answer, NOT_AVAILABLE);
    let (_, answer) = manual_dial(&sim, Some(&t), &dial_body("ben", "5551212")).await;
    assert_eq!(answer, NOT_AVAILABLE);
    disconnect(&sim, &bens).await;
    let inbound = ozonetel_call(&sim, "ben", None).await;
    let (_, answer) = manual_dial(&sim, Some(&t), &dial_body("ben", "5551212")).await;
    assert_eq!(answer, NOT_AVAILABLE);
    assert_eq!(oz_call_count(&sim).await, 3);

    // Once the call has disconnected (in ACW) the agent may dial again.
    disconnect(&sim, &first).await;
    assert_eq!(oz_call(&sim, &first).await["state"], "acw");
    dialled(&sim, &t, &dial_body("ava", "5551313")).await;
    disconnect(&sim, &inbound).await;
    dialled(&sim, &t, &dial_body("ben", "5551212")).await;

    // `available` defaults to true; the control answers for bad requests.
    set_available(&sim, "ava", false).await;
    let (status, _) = sim.control("/sim/ozonetel/agents/ava", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        sim.state().await["ozonetel"]["agents"][0]["available"],
        true
    );
    let (status, _) = sim
        .control("/sim/ozonetel/agents/zed", json!({"available": false}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = sim
        .control("/sim/ozonetel/agents/ava", json!({"available": "no"}))
        .await;
    assert_eq!(status, 400);
}

/// What the disposition API answers over a call's life: disconnect, dispose in ACW,
/// dispose again.
async fn acw_answers(sim: &TestSim, token: &str, ucid: &str) -> Vec<String> {
    disconnect(sim, ucid).await;
    let mut answers = vec![oz_call(sim, ucid).await["state"].to_string()];
    for _ in 0..2 {
        answers.push(dispose(sim, Some(token), &set_body(ucid)).await.1);
    }
    answers.push(oz_call(sim, ucid).await["state"].to_string());
    answers
}

#[tokio::test]
async fn a_dialled_call_ends_and_is_disposed_like_a_control_api_call() {
    let sim = start().await;
    let t = token(&sim).await;
    let expected = vec![
        r#""acw""#.to_string(),
        r#"{"details":"Disposition saved successfully","status":"Success"}"#.to_string(),
        r#"{"details":"This call is already Disposed.","status":"Fail"}"#.to_string(),
        r#""closed""#.to_string(),
    ];
    let control = ozonetel_call(&sim, "ava", None).await;
    assert_eq!(acw_answers(&sim, &t, &control).await, expected);
    let dialled_ucid = dialled(&sim, &t, &dial_body("ava", "9876543210")).await;
    assert_eq!(acw_answers(&sim, &t, &dialled_ucid).await, expected);
    let state = sim.state().await;
    let records: Vec<(&str, &str, bool)> = state["dispositions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["ucid"].as_str().unwrap(),
                d["disposition"].as_str().unwrap(),
                d["queued"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        records,
        vec![
            (control.as_str(), "Interested", false),
            (dialled_ucid.as_str(), "Interested", false)
        ]
    );
    // A second disconnect is refused, as for any call.
    let (status, _) = sim
        .control(
            &format!("/sim/ozonetel/calls/{dialled_ucid}/disconnect"),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);

    // During the call: queued, applied at disconnect; Ben is not on it.
    let ucid = dialled(&sim, &t, &dial_body("ava", "9876543210")).await;
    let mut ben = set_body(&ucid);
    ben["agentID"] = json!("ben");
    let (_, answer) = dispose(&sim, Some(&t), &ben).await;
    assert_eq!(
        answer,
        r#"{"details":"Agent is not on this call.","status":"Fail"}"#
    );
    let (_, answer) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"status":"Success","message":"Disposition Queued Successfully"}"#
    );
    assert_eq!(
        oz_call(&sim, &ucid).await["queuedDisposition"],
        "Interested"
    );
    disconnect(&sim, &ucid).await;
    let state = sim.state().await;
    let last = state["dispositions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (&last["ucid"], &last["queued"]),
        (&json!(ucid), &json!(true))
    );
    assert_eq!(oz_call(&sim, &ucid).await["state"], "closed");
    let (_, answer) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"details":"This call is already Disposed.","status":"Fail"}"#
    );
}

#[tokio::test]
async fn the_dialled_call_waits_the_default_wrap_up() {
    let sim = start_with(|o| o.settings.wrapup_secs = 1).await;
    let t = token(&sim).await;
    let ucid = dialled(&sim, &t, &dial_body("ava", "9876543210")).await;
    disconnect(&sim, &ucid).await;
    assert_eq!(oz_call(&sim, &ucid).await["state"], "acw");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(oz_call(&sim, &ucid).await["state"], "closed");
    let (_, answer) = dispose(&sim, Some(&t), &set_body(&ucid)).await;
    assert_eq!(
        answer,
        r#"{"details":"This call is already Disposed.","status":"Fail"}"#
    );
}

#[tokio::test]
async fn the_token_endpoint_mints_as_generate_token_does() {
    let sim = start().await;
    let (status, body) = sim_token(&sim, "").await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    let first = v["token"].as_str().expect("token").to_string();
    assert_eq!(body, format!(r#"{{"token":"{first}"}}"#));
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(first.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["userName"], USER);
    // The token works on the CloudAgent APIs.
    let get = json!({"userName": USER, "action": "get"});
    let (_, answer) = dispose(&sim, Some(&first), &get).await;
    assert!(
        answer.starts_with(r#"{"status":"Success","details":["#),
        "{answer}"
    );
    dialled(&sim, &first, &dial_body("ava", "5551212")).await;

    // Same rotation as generateToken: a newer token (from either) retires the older ones.
    let (_, body) = sim_token(&sim, "?userName=demo_crm").await;
    let second: Value = serde_json::from_str(&body).unwrap();
    let second = second["token"].as_str().unwrap().to_string();
    let (_, answer) = dispose(&sim, Some(&first), &get).await;
    assert_eq!(
        answer,
        r#"{"status":"false","message":"Invalid Token","data":null}"#
    );
    let third = token(&sim).await;
    let (_, answer) = dispose(&sim, Some(&second), &get).await;
    assert_eq!(
        answer,
        r#"{"status":"false","message":"Invalid Token","data":null}"#
    );
    let (_, answer) = dispose(&sim, Some(&third), &get).await;
    assert!(answer.contains("Success"));
    assert_eq!(sim.state().await["ozonetel"]["liveTokens"], 1);

    // Another user is refused as generateToken refuses it.
    let (status, body) = sim_token(&sim, "?userName=stranger").await;
    assert_eq!(status, 400);
    assert_eq!(body, r#"{"error":"Invalid userName or apiKey"}"#);

    // The hourly cap is shared with generateToken: 3 issued so far, 7 more allowed.
    for _ in 0..6 {
        let (status, _) = sim_token(&sim, "").await;
        assert_eq!(status, 200);
    }
    token(&sim).await;
    let (status, body) = sim_token(&sim, "").await;
    assert_eq!(status, 429);
    assert_eq!(
        body,
        r#"{"error":"Token generation limit reached. Please try after some time."}"#
    );
    let (_, body) = generate_token(&sim, Some(USER), Some(API_KEY)).await;
    assert_eq!(
        body,
        r#"{"status":"false","message":"Token generation limit reached. Please try after some time.","data":null}"#
    );
}

/// The Ozonetel-only demo page (`www/demo/ozonetel.html` + `ozonetel-demo.js`) as the
/// simulator serves it: the same strict CSP as the Genesys page, nothing in the page that
/// the CSP would block, trunk told to copy both files, and the page's names (campaign, DID,
/// control routes) the simulator's own.
#[tokio::test]
async fn serves_the_ozonetel_demo_page_under_the_strict_csp() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let page = std::fs::read_to_string(repo.join("www/demo/ozonetel.html")).unwrap();
    let script = std::fs::read_to_string(repo.join("www/demo/ozonetel-demo.js")).unwrap();
    let index = std::fs::read_to_string(repo.join("index.html")).unwrap();
    let dir = std::env::temp_dir().join(format!("ccsim-oz-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), &index).unwrap();
    std::fs::write(dir.join("ozonetel.html"), &page).unwrap();
    std::fs::write(dir.join("ozonetel-demo.js"), &script).unwrap();
    let d = dir.clone();
    let sim = start_with(move |o| o.static_dir = Some(d.clone())).await;

    let csp_of = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let res = sim.http.get(sim.url("/")).send().await.unwrap();
    let index_csp = csp_of(&res);
    let res = sim
        .http
        .get(sim.url("/ozonetel.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = csp_of(&res);
    assert_eq!(csp, index_csp);
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';") && csp.contains("connect-src 'self'")
    );
    assert!(csp.contains("style-src 'self';"), "{csp}");
    assert_eq!(res.text().await.unwrap(), page);
    let res = sim
        .http
        .get(sim.url("/ozonetel-demo.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(csp_of(&res), index_csp);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    // Nothing inline: every script has a src on this site, no style attributes or
    // elements, no inline event handlers, no javascript: URLs.
    let lower = page.to_ascii_lowercase();
    let scripts: Vec<&str> = lower.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 2, "the loader and the demo script");
    for s in &scripts {
        let tag = &s[..s.find('>').unwrap()];
        assert!(
            tag.contains(" src=\"") && !tag.contains("//"),
            "<script{tag}>"
        );
        assert!(s[s.find('>').unwrap() + 1..]
            .trim_start()
            .starts_with("</script>"));
    }
    assert!(
        lower.contains(r#"src="crm-call-widget.js""#)
            && lower.contains(r#"src="ozonetel-demo.js""#)
    );
    for banned in [" style=", "<style", "javascript:"] {
        assert!(!lower.contains(banned), "the page has {banned:?}");
    }
    let inline_handler = lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    });
    assert!(!inline_handler, "the page has an inline event handler");
    let title = lower
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next());
    assert!(title.is_some_and(|t| t.contains("ozonetel")), "{title:?}");
    // The script talks to its own origin only, with the simulator's names.
    assert!(!script.contains("http://") && !script.contains("https://"));
    assert!(!script.contains("eval(") && !script.contains("new Function"));
    for name in [
        "location.origin",
        "\"Progressive_demo\"",
        "\"914071327663\"",
        "\"/sim/ozonetel/token\"",
        "\"/sim/ozonetel/calls\"",
        "\"/disconnect\"",
        "\"/sim/ozonetel/agents/\"",
        "setActiveCall",
        "callEnded",
        "\"call-connected\"",
        "\"call-ringing\"",
    ] {
        assert!(script.contains(name), "ozonetel-demo.js lacks {name}");
    }
    let state = sim.state().await;
    assert_eq!(
        state["ozonetel"]["campaigns"][0]["campaignName"],
        "Progressive_demo"
    );
    // trunk copies both files into dist/, and the Genesys page links to the Ozonetel one.
    assert!(index.contains(r#"<link data-trunk rel="copy-file" href="www/demo/ozonetel.html">"#));
    assert!(index.contains(r#"<link data-trunk rel="copy-file" href="www/demo/ozonetel-demo.js">"#));
    assert!(index.contains(r#"href="ozonetel.html">Ozonetel-only demo</a>"#));
    let _ = std::fs::remove_dir_all(&dir);
}
