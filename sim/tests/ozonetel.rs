//! Ozonetel: every row of seed 004's response table, sent as a request under its condition
//! and compared byte for byte; generateToken (JWT, lifetime, rotation, hourly cap); the
//! `get` list; the injectable transient error; queued dispositions applied at disconnect.

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
