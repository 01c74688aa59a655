//! Every row of seed 004's response table (bodies repaired from the doubled-quote CSV
//! escaping into `fixtures/004_disposition_responses.json`), plus robustness checks.

use super::*;
use OzonetelOutcome as O;
use crate::i18n::Lang;

#[derive(serde::Deserialize)]
struct Row {
    situation: String,
    body: String,
}

fn rows() -> Vec<Row> {
    crate::json::from_str(include_str!("fixtures/004_disposition_responses.json")).unwrap()
}

fn expected() -> Vec<(&'static str, OzonetelOutcome)> {
    let ucid_or_did = O::InvalidUcidOrDid {
        ucid: "9012171".into(),
        did: "914071327663".into(),
    };
    vec![
        ("Hitting the request when the token is expired.", O::TokenExpired),
        ("Missing Token.", O::TokenMissing),
        ("Passing Invalid Token.", O::TokenInvalid),
        ("Hitting API with valid inputs when the setting \"API Authentication\" is set to - 'Basic Auth'", O::WrongAuthMode),
        ("Disposing before disconnecting the call.", O::Queued),
        ("Disposing after disconnecting the call.", O::Saved),
        ("Disposing of already disposed call.", O::AlreadyDisposed),
        ("Passing Invalid userName Key", O::UserNameMissing),
        ("Passing Invalid userName Value", O::InvalidUser),
        ("Missing userName key", O::UserNameMissing),
        ("Missing userName Value", O::UserNameMissing),
        ("Passing Invalid action Key", O::InvalidAction),
        ("Passing Invalid action Value", O::InvalidAction),
        ("Missing action key", O::InvalidAction),
        ("Missing action Value", O::InvalidAction),
        ("Passing Invalid agentID Key", O::InvalidAgent),
        ("Passing Invalid agentID Value", O::InvalidAgent),
        ("Missing agentID key", O::InvalidAgent),
        ("Missing agentID Value", O::InvalidAgent),
        ("Passing Invalid UCID Key", O::InvalidUcid { ucid: None }),
        ("Passing Invalid UCID Value", ucid_or_did),
        ("Missing UCID key", O::InvalidUcid { ucid: None }),
        ("Missing UCID Value", O::InvalidUcid { ucid: Some(String::new()) }),
        ("Passing Invalid disposition Key", O::InvalidDisposition),
        ("Passing Invalid disposition Value", O::InvalidDisposition),
        ("Missing disposition key", O::InvalidDisposition),
        ("Missing disposition Value", O::EmptyDisposition),
        ("PauseAfterDispose is enabled without passing a pause reason", O::PauseReasonRequired),
        ("In ACW, disposing multiple times", O::AlreadyDisposed),
        ("In ACW, within wrap-up time", O::Saved),
        ("In ACW, wrap-up time exceeded", O::AlreadyDisposed),
        ("valid ucid but the mentioned agent is not on the call", O::AgentNotOnCall),
    ]
}

#[test]
fn every_row_of_seed_004() {
    let rows = rows();
    let want = expected();
    assert_eq!(
        rows.len(),
        want.len(),
        "the fixture holds every row of the table"
    );
    for (row, (situation, outcome)) in rows.iter().zip(want) {
        assert_eq!(row.situation, situation);
        assert_eq!(classify(&row.body), outcome, "{situation}: {}", row.body);
        assert_eq!(classify_response(200, &row.body), outcome, "{situation}");
    }
}

#[test]
fn the_other_documented_answers() {
    assert_eq!(
        classify(
            r#"{"status":"Error","details":"Unable to Dispose . Please retry after some time."}"#
        ),
        O::Transient
    );
    assert_eq!(
        classify(r#"{"status":"false","message":"UserName is null","data":null}"#),
        O::UserNameMissing
    );
    assert_eq!(
        classify(r#"{"status":"false","message":"Invalid userName or apiKey","data":null}"#),
        O::InvalidUser
    );
    assert_eq!(
        classify(r#"{"status":false,"message":"Token Expired"}"#),
        O::TokenExpired
    );
}

#[test]
fn each_outcome_has_its_own_sentence() {
    let all = [
        O::Queued,
        O::Saved,
        O::AlreadyDisposed,
        O::TokenExpired,
        O::TokenMissing,
        O::TokenInvalid,
        O::WrongAuthMode,
        O::UserNameMissing,
        O::InvalidUser,
        O::InvalidAction,
        O::InvalidAgent,
        O::InvalidUcid { ucid: None },
        O::InvalidUcidOrDid {
            ucid: "1".into(),
            did: "2".into(),
        },
        O::EmptyDisposition,
        O::InvalidDisposition,
        O::PauseReasonRequired,
        O::CallbackTimeRequired,
        O::AgentNotOnCall,
        O::Transient,
        O::Unknown("x".into()),
    ];
    let mut seen = Vec::new();
    let mut codes = Vec::new();
    for o in &all {
        assert!(!codes.contains(&o.code()), "{o:?} repeats its code");
        codes.push(o.code());
    }
    // Each outcome has its own sentence for the agent, in every language of the catalog.
    for lang in [Lang::En, Lang::Hi] {
        seen.clear();
        for o in &all {
            let m = o.text().in_(lang);
            assert!(!m.contains('{'), "never a raw blob: {m}");
            assert!(!seen.contains(&m), "{o:?} repeats {m}");
            seen.push(m);
        }
    }
}

#[test]
fn retry_and_token_flags() {
    for o in [O::TokenExpired, O::TokenInvalid, O::TokenMissing] {
        assert!(o.renew_token() && o.retryable());
        assert_eq!(o.disposition_outcome(), DispositionOutcome::AuthExpired);
    }
    assert!(O::Transient.retryable() && !O::Transient.renew_token());
    assert!(matches!(
        O::Transient.disposition_outcome(),
        DispositionOutcome::Retryable(_)
    ));
    assert!(matches!(
        O::Unknown("?".into()).disposition_outcome(),
        DispositionOutcome::Retryable(_)
    ));
    for o in [
        O::WrongAuthMode,
        O::InvalidAgent,
        O::InvalidDisposition,
        O::PauseReasonRequired,
        O::AgentNotOnCall,
    ] {
        assert!(!o.retryable() && !o.renew_token());
        assert!(matches!(
            o.disposition_outcome(),
            DispositionOutcome::Rejected(_)
        ));
    }
    assert_eq!(O::Queued.disposition_outcome(), DispositionOutcome::Queued);
    assert_eq!(O::Saved.disposition_outcome(), DispositionOutcome::Saved);
    assert_eq!(
        O::AlreadyDisposed.disposition_outcome(),
        DispositionOutcome::AlreadyDisposed
    );
    assert!(O::Saved.is_success() && O::Queued.is_success() && !O::AlreadyDisposed.is_success());
}

#[test]
fn http_level_answers() {
    assert_eq!(
        classify_response(502, "<html>Bad gateway</html>"),
        O::Transient
    );
    assert_eq!(classify_response(0, ""), O::Transient);
    assert_eq!(classify_response(401, ""), O::TokenInvalid);
    assert_eq!(
        classify_response(404, "Not Found"),
        O::Unknown("Not Found".into())
    );
    assert_eq!(
        classify_response(500, r#"{"status":"false","message":"Token Expired"}"#),
        O::TokenExpired
    );
}

#[test]
fn odd_bodies() {
    assert_eq!(classify(""), O::Unknown(String::new()));
    assert_eq!(classify("[]"), O::Unknown(String::new()));
    assert_eq!(classify("null"), O::Unknown(String::new()));
    assert_eq!(classify(r#"{"status":"Success"}"#), O::Saved);
    assert_eq!(
        classify(r#"{"status":"Fail","message":"Something new"}"#),
        O::Unknown("Something new".into())
    );
    assert_eq!(
        classify(r#"{"status":"Fail","details":"Invalid ucid [é] or did [ü]"}"#),
        O::InvalidUcidOrDid {
            ucid: "é".into(),
            did: "ü".into()
        }
    );
    assert_eq!(classify(&"x".repeat(10_000)), O::Unknown("x".repeat(200)));
}

#[cfg(not(target_arch = "wasm32"))]
mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_string_never_panics(s in ".*") {
            let o = classify(&s);
            let _ = o.text();
            let _ = classify_response(200, &s);
        }

        #[test]
        fn any_text_in_any_field_never_panics(status in ".*", text in ".*", key in prop_oneof!["message", "details"]) {
            let body = crate::json::json!({ "status": status, key: text }).to_string();
            let o = classify(&body);
            prop_assert!(!o.text().in_(Lang::En).is_empty());
        }
    }
}

#[test]
fn the_simulators_callback_answer_is_its_own_rejection() {
    let o = classify(r#"{"details":"Provide callBackTime as YYYY-MM-DD HH:MM","status":"Fail"}"#);
    assert_eq!(o, O::CallbackTimeRequired);
    assert_eq!(o.disposition_outcome(), DispositionOutcome::Rejected("oz:callback-time".into()));
}

/// More "no panic on any input" (issue 8): any HTTP status with any body, fields of any
/// JSON type, and every row of seed 004's table damaged byte by byte.
#[cfg(not(target_arch = "wasm32"))]
mod prop_any_input {
    use super::*;
    use proptest::prelude::*;
    use crate::json::Value;

    fn arb_field() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::String),
            proptest::sample::select(vec!["Success", "Fail", "false", "Error", "queued", "Invalid UCID (1) or DID [2]", "[", "("])
                .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("status|message|details|data|.{0,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_status_any_body(http in any::<u16>(), body in ".{0,120}") {
            let o = classify_response(http, &body);
            prop_assert!(!o.text().in_(Lang::En).is_empty());
            let _ = (o.code(), o.retryable(), o.renew_token(), o.disposition_outcome());
        }

        #[test]
        fn fields_of_any_type(status in arb_field(), message in arb_field(), details in arb_field(), http in any::<u16>()) {
            let body = crate::json::json!({"status": status, "message": message, "details": details}).to_string();
            let o = classify_response(http, &body);
            prop_assert!(!o.text().in_(Lang::En).is_empty());
            let _ = o.disposition_outcome();
        }

        #[test]
        fn damaged_table_rows(row in 0usize..64, cut in any::<usize>(), at in any::<usize>(), byte in any::<u8>()) {
            let rows = rows();
            let body = rows[row % rows.len()].body.as_bytes().to_vec();
            let mut damaged = body.clone();
            if !damaged.is_empty() {
                let i = at % damaged.len();
                damaged[i] = byte;
                damaged.truncate(cut % (damaged.len() + 1));
            }
            let text = String::from_utf8_lossy(&damaged);
            let _ = classify(&text).text();
            let _ = classify_response(200, &text).disposition_outcome();
        }
    }
}
