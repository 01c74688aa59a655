//! Ozonetel request bodies (generateToken, DispositionAPIV2 `Set`/`get`) and the answers
//! to generateToken and to the disposition list. All body values are strings, as
//! CloudAgent expects.

use crate::gather::Gather;
use crate::json::{json, Map, Value};

use super::classify::{classify, OzonetelOutcome};
use crate::model::{DispositionChoice, DispositionTarget};

pub const GENERATE_TOKEN_PATH: &str = "/ca_apis/CAToken/generateToken";
pub const DISPOSITION_PATH: &str = "/ca_apis/DispositionAPIV2";
/// Ozonetel's limit on a disposition's length.
pub const MAX_DISPOSITION_CHARS: usize = 250;

/// An input the panel must not send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    Missing(&'static str),
    DispositionTooLong,
    /// Pausing after the call needs a pause reason.
    PauseReasonRequired,
    /// A callback time must be `YYYY-MM-DD HH:MM`.
    BadCallbackTime,
    NotOzonetel,
}

impl RequestError {
    /// A reason code for an input the panel refused to send (see `i18n::reason_text`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing("disposition") => "oz:empty-disposition",
            Self::Missing("userName") => "oz:username-missing",
            Self::Missing(_) => "call-incomplete",
            Self::DispositionTooLong => "too-long",
            Self::PauseReasonRequired => "oz:pause-reason",
            Self::BadCallbackTime => "oz:callback-time",
            Self::NotOzonetel => "call-incomplete",
        }
    }
}

/// `{"userName": …}` for `POST /ca_apis/CAToken/generateToken` (with the `apiKey`
/// header, which only a server — or the simulator — should hold).
pub fn generate_token_body(user_name: &str) -> Result<Value, RequestError> {
    Ok(json!({ "userName": required("userName", user_name)? }))
}

/// A token from a generateToken answer, or what went wrong.
pub fn parse_token(body: &str) -> Result<String, OzonetelOutcome> {
    let v: Value = crate::json::parse(body).map_err(|_| classify(body))?;
    match v.get("token").and_then(Value::as_str).map(str::trim) {
        Some(t) if !t.is_empty() => Ok(t.to_string()),
        _ => Err(classify(body)),
    }
}

/// Checks `YYYY-MM-DD HH:MM` (digits and ranges; not the calendar).
pub fn valid_callback_time(s: &str) -> bool {
    let b = s.as_bytes();
    if !s.is_ascii()
        || b.len() != 16
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    matches!(
        (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16)),
        (
            Some(_),
            Some(1..=12),
            Some(1..=31),
            Some(0..=23),
            Some(0..=59)
        )
    )
}

/// The DispositionAPIV2 `Set` body for an outbox entry.
pub fn set_body(
    user_name: &str,
    target: &DispositionTarget,
    choice: &DispositionChoice,
) -> Result<Value, RequestError> {
    let DispositionTarget::Ozonetel {
        ucid,
        did,
        agent_id,
    } = target
    else {
        return Err(RequestError::NotOzonetel);
    };
    let disposition = required("disposition", &choice.disposition)?;
    if disposition.chars().count() > MAX_DISPOSITION_CHARS {
        return Err(RequestError::DispositionTooLong);
    }
    let mut body = base(user_name, agent_id, did, ucid, "Set")?;
    body.insert("disposition".into(), disposition.into());
    body.insert("comments".into(), choice.comments.trim().into());
    body.insert(
        "pauseAfterDispose".into(),
        if choice.pause_after { "true" } else { "false" }.into(),
    );
    if choice.pause_after {
        let reason = choice.pause_reason.as_deref().map(str::trim).unwrap_or("");
        if reason.is_empty() {
            return Err(RequestError::PauseReasonRequired);
        }
        body.insert("pauseReason".into(), reason.into());
    }
    if let Some(t) = choice
        .callback_time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !valid_callback_time(t) {
            return Err(RequestError::BadCallbackTime);
        }
        body.insert("callBackTime".into(), t.into());
    }
    Ok(Value::Object(body))
}

/// The DispositionAPIV2 `get` body: the account's disposition list.
pub fn get_body(
    user_name: &str,
    agent_id: &str,
    did: &str,
    ucid: &str,
) -> Result<Value, RequestError> {
    Ok(Value::Object(base(user_name, agent_id, did, ucid, "get")?))
}

fn base(
    user_name: &str,
    agent_id: &str,
    did: &str,
    ucid: &str,
    action: &str,
) -> Result<Map<String, Value>, RequestError> {
    let mut m = Map::new();
    m.insert("userName".into(), required("userName", user_name)?.into());
    m.insert("agentID".into(), required("agentID", agent_id)?.into());
    m.insert("did".into(), required("did", did)?.into());
    m.insert("ucid".into(), required("ucid", ucid)?.into());
    m.insert("action".into(), action.into());
    Ok(m)
}

pub(crate) fn required<'a>(name: &'static str, v: &'a str) -> Result<&'a str, RequestError> {
    let v = v.trim();
    if v.is_empty() {
        Err(RequestError::Missing(name))
    } else {
        Ok(v)
    }
}

/// The disposition list from a `get` answer: `details` (or `data`/`dispositions`) as
/// strings or objects with a name field. "No disposition found" is an empty list.
pub fn parse_disposition_list(body: &str) -> Result<Vec<String>, OzonetelOutcome> {
    let v: Value = crate::json::parse(body).map_err(|_| classify(body))?;
    let status = v
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    if crate::text::contains(&text("message"), "no disposition") || crate::text::contains(&text("details"), "no disposition") {
        return Ok(Vec::new());
    }
    let list = ["details", "data", "dispositions", "message"]
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_array))
        .or_else(|| v.as_array());
    match list {
        Some(items) if status.is_empty() || status == "success" => {
            Ok(items.iter().filter_map(item_name).gather())
        }
        _ => Err(classify(body)),
    }
}

fn item_name(v: &Value) -> Option<String> {
    let name = match v {
        Value::String(s) => s.as_str(),
        Value::Object(o) => ["name", "disposition", "dispositionName", "reason", "value"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))?,
        _ => return None,
    };
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> DispositionTarget {
        DispositionTarget::Ozonetel {
            ucid: "9012171".into(),
            did: "914071327663".into(),
            agent_id: "agent1".into(),
        }
    }

    #[test]
    fn set_body_has_every_field_as_a_string() {
        let choice = DispositionChoice {
            disposition: "Call Back".into(),
            comments: " wants a call at 5 ".into(),
            pause_after: true,
            pause_reason: Some("Break".into()),
            callback_time: Some("2025-01-31 17:00".into()),
        };
        let b = set_body("acme_user", &target(), &choice).unwrap();
        assert_eq!(
            b,
            json!({
                "userName": "acme_user", "agentID": "agent1", "did": "914071327663", "ucid": "9012171",
                "action": "Set", "disposition": "Call Back", "comments": "wants a call at 5",
                "pauseAfterDispose": "true", "pauseReason": "Break", "callBackTime": "2025-01-31 17:00"
            })
        );
        for v in b.as_object().unwrap().values() {
            assert!(v.is_string());
        }
    }

    #[test]
    fn set_body_minimal_and_checks() {
        let choice = DispositionChoice {
            disposition: "Interested".into(),
            ..Default::default()
        };
        let b = set_body("u", &target(), &choice).unwrap();
        assert_eq!(b["pauseAfterDispose"], "false");
        assert!(b.get("pauseReason").is_none());
        assert!(b.get("callBackTime").is_none());

        let mut c = choice.clone();
        c.pause_after = true;
        assert_eq!(
            set_body("u", &target(), &c),
            Err(RequestError::PauseReasonRequired)
        );
        let mut c = choice.clone();
        c.callback_time = Some("31/01/2025 5pm".into());
        assert_eq!(
            set_body("u", &target(), &c),
            Err(RequestError::BadCallbackTime)
        );
        let mut c = choice.clone();
        c.disposition = "x".repeat(251);
        assert_eq!(
            set_body("u", &target(), &c),
            Err(RequestError::DispositionTooLong)
        );
        c.disposition = "é".repeat(250);
        assert!(set_body("u", &target(), &c).is_ok());
        assert_eq!(
            set_body("", &target(), &choice),
            Err(RequestError::Missing("userName"))
        );
        let no_ucid = DispositionTarget::Ozonetel {
            ucid: " ".into(),
            did: "1".into(),
            agent_id: "a".into(),
        };
        assert_eq!(
            set_body("u", &no_ucid, &choice),
            Err(RequestError::Missing("ucid"))
        );
        let g = DispositionTarget::Genesys {
            call_id: "c".into(),
            call_uri: "u".into(),
            call_uuid: "c".into(),
            disposition_key: None,
        };
        assert_eq!(set_body("u", &g, &choice), Err(RequestError::NotOzonetel));
        assert_eq!(
            crate::i18n::reason_text(RequestError::Missing("disposition").code()).in_(crate::i18n::Lang::En),
            "Pick a disposition first."
        );
    }

    #[test]
    fn callback_time_format() {
        assert!(valid_callback_time("2025-01-31 17:00"));
        assert!(valid_callback_time("2025-12-01 00:59"));
        for bad in [
            "2025-13-01 10:00",
            "2025-01-32 10:00",
            "2025-01-01 24:00",
            "2025-01-01 10:60",
            "2025-1-01 10:00",
            "2025-01-01T10:00",
            "+025-01-01 10:00",
            "2025-01-01 10:00:00",
            "２025-01-01 10:0",
        ] {
            assert!(!valid_callback_time(bad), "{bad}");
        }
    }

    #[test]
    fn get_body_and_token_body() {
        assert_eq!(
            get_body("u", "agent1", "914071327663", "9012171").unwrap(),
            json!({"userName": "u", "agentID": "agent1", "did": "914071327663", "ucid": "9012171", "action": "get"})
        );
        assert_eq!(
            generate_token_body("acme").unwrap(),
            json!({"userName": "acme"})
        );
        assert_eq!(
            generate_token_body(" "),
            Err(RequestError::Missing("userName"))
        );
    }

    #[test]
    fn token_answers() {
        assert_eq!(
            parse_token(r#"{"token":"a.b.c","message":""}"#),
            Ok("a.b.c".into())
        );
        assert_eq!(
            parse_token(r#"{"status":"false","message":"Invalid userName or apiKey","data":null}"#),
            Err(OzonetelOutcome::InvalidUser)
        );
        assert_eq!(
            parse_token(r#"{"status":"false","message":"UserName is null","data":null}"#),
            Err(OzonetelOutcome::UserNameMissing)
        );
        assert_eq!(
            parse_token(r#"{"status":"false","message":"Token Expired","data":null}"#),
            Err(OzonetelOutcome::TokenExpired)
        );
        assert!(matches!(
            parse_token("<html>"),
            Err(OzonetelOutcome::Unknown(_))
        ));
        assert!(parse_token(r#"{"token":""}"#).is_err());
    }

    #[test]
    fn disposition_lists() {
        assert_eq!(
            parse_disposition_list(r#"{"status":"Success","details":["Interested","Call Back"]}"#)
                .unwrap(),
            ["Interested", "Call Back"]
        );
        assert_eq!(
            parse_disposition_list(r#"{"status":"Success","details":[{"name":"Interested"},{"disposition":"Call Back"},{"id":3},"  ",7]}"#)
                .unwrap(),
            ["Interested", "Call Back"]
        );
        assert_eq!(
            parse_disposition_list(r#"{"status":"Fail","message":"No disposition found for campaign ID: 12 and user: acme"}"#).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(parse_disposition_list(r#"["A","B"]"#).unwrap(), ["A", "B"]);
        assert_eq!(
            parse_disposition_list(r#"{"status":"false","message":"Token Expired","data":null}"#),
            Err(OzonetelOutcome::TokenExpired)
        );
        assert_eq!(
            parse_disposition_list(r#"{"status":"Fail","message":"Invalid Action"}"#),
            Err(OzonetelOutcome::InvalidAction)
        );
        assert!(parse_disposition_list("oops").is_err());
    }
}
