//! Click-to-dial through CloudAgent's `AgentManualDial`: the request body and its answers.
//! The call goes out from the agent's toolbar (the agent must be logged in and free);
//! with `UCID: "true"` the answer names the new call, which becomes the panel's call.

use crate::json::{json, Value};

use super::classify::{classify_response, OzonetelOutcome};
use super::request::{required, RequestError};

pub const MANUAL_DIAL_PATH: &str = "/ca_apis/AgentManualDial";

/// What an AgentManualDial answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialOutcome {
    /// "queued successfully": the toolbar places the call; `ucid` names it when given.
    Placed { ucid: Option<String> },
    /// The agent is not logged in to the toolbar, is paused, or is on another call.
    AgentNotAvailable,
    /// The number is not one Ozonetel can dial.
    InvalidNumber,
    /// The campaign in the panel's setup is missing or unknown to the account.
    InvalidCampaign,
    /// Any other answer, read the way disposition answers are (tokens, account, agent …).
    Other(OzonetelOutcome),
}

impl DialOutcome {
    /// A reason code (see `i18n::reason_text`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Placed { .. } => "oz:dial-placed",
            Self::AgentNotAvailable => "oz:agent-unavailable",
            Self::InvalidNumber => "oz:invalid-number",
            Self::InvalidCampaign => "oz:invalid-campaign",
            Self::Other(o) => o.code(),
        }
    }
}

/// The body of `POST /ca_apis/AgentManualDial`, asking for the call's ucid back.
pub fn manual_dial_body(user_name: &str, agent_id: &str, campaign: &str, number: &str) -> Result<Value, RequestError> {
    Ok(json!({
        "userName": required("userName", user_name)?,
        "agentID": required("agentID", agent_id)?,
        "campaignName": required("campaignName", campaign)?,
        "customerNumber": required("customerNumber", number)?,
        "UCID": "true",
    }))
}

/// Reads an AgentManualDial answer (HTTP status and body). Never panics.
pub fn classify_dial(http: u16, body: &str) -> DialOutcome {
    let v: Value = crate::json::parse(body).unwrap_or(Value::Null);
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").trim().to_ascii_lowercase();
    let status = text("status");
    let said = format!("{} {}", text("message"), text("details"));
    let ucid = match v.get("ucid") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if http == 200 && (crate::text::contains(&status, "queued") || (status == "success" && ucid.is_some())) {
        return DialOutcome::Placed { ucid };
    }
    if crate::text::contains(&said, "not available") || crate::text::contains(&said, "not logged") || crate::text::contains(&said, "busy") {
        DialOutcome::AgentNotAvailable
    } else if crate::text::contains(&said, "campaign") {
        DialOutcome::InvalidCampaign
    } else if crate::text::contains(&said, "number") {
        DialOutcome::InvalidNumber
    } else {
        DialOutcome::Other(classify_response(http, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_asks_for_the_ucid_and_refuses_what_is_missing() {
        let b = manual_dial_body("demo_crm", "ava", "Progressive", " 9876543210 ").unwrap();
        assert_eq!(b["customerNumber"], "9876543210");
        assert_eq!(b["UCID"], "true");
        assert_eq!(b["agentID"], "ava");
        assert_eq!(manual_dial_body("demo_crm", "ava", "", "1").unwrap_err(), RequestError::Missing("campaignName"));
        assert_eq!(manual_dial_body("", "ava", "c", "1").unwrap_err(), RequestError::Missing("userName"));
    }

    #[test]
    fn every_answer_has_its_own_outcome() {
        let placed = r#"{"ucid":"90121720001","status":"queued successfully"}"#;
        assert_eq!(classify_dial(200, placed), DialOutcome::Placed { ucid: Some("90121720001".into()) });
        assert_eq!(classify_dial(200, r#"{"status":"queued successfully"}"#), DialOutcome::Placed { ucid: None });
        let busy = r#"{"status":"Fail","message":"Agent is not available"}"#;
        assert_eq!(classify_dial(200, busy), DialOutcome::AgentNotAvailable);
        assert_eq!(classify_dial(200, r#"{"status":"Fail","message":"Invalid customer number"}"#), DialOutcome::InvalidNumber);
        assert_eq!(classify_dial(200, r#"{"status":"Fail","message":"Invalid campaign name"}"#), DialOutcome::InvalidCampaign);
        let expired = r#"{"status":"false","message":"Token Expired","data":null}"#;
        assert_eq!(classify_dial(200, expired), DialOutcome::Other(OzonetelOutcome::TokenExpired));
        assert_eq!(classify_dial(200, r#"{"details":"Invalid agent","status":"Fail"}"#), DialOutcome::Other(OzonetelOutcome::InvalidAgent));
        assert!(matches!(classify_dial(0, ""), DialOutcome::Other(o) if o.retryable()));
        assert!(matches!(classify_dial(200, "<html>"), DialOutcome::Other(OzonetelOutcome::Unknown(_))));
        // A queued-looking body with a failure status is not a placed call.
        assert_ne!(classify_dial(200, r#"{"status":"Fail","message":"not queued: Agent is not available"}"#), DialOutcome::Placed { ucid: None });
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            DialOutcome::Placed { ucid: None },
            DialOutcome::AgentNotAvailable,
            DialOutcome::InvalidNumber,
            DialOutcome::InvalidCampaign,
        ];
        let mut codes: Vec<&str> = all.iter().map(DialOutcome::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
