//! Request builders for every GWS v2 voice operation: the path under the base URL and the
//! JSON body (`{"operationName":…}`), with inputs checked before anything is sent.

use crate::json::{json, Map, Value};

use crate::i18n::Text;
pub use crate::model::{AgentStateOperation, CallOperation};

/// A request to POST: `path` goes after the configured base URL.
#[derive(Clone, Debug, PartialEq)]
pub struct GwsRequest {
    pub path: String,
    pub body: Value,
}

/// An input the panel must not send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpError {
    EmptyDestination,
    /// DTMF digits must be 0-9, * or # (and at least one).
    InvalidDigits,
    /// A call or device id that is empty or would break the path.
    InvalidId,
    /// A required URI, key or value is empty.
    Missing(&'static str),
}

impl OpError {
    /// What is wrong, for the agent (a sentence of the catalog).
    pub fn message(&self) -> Text {
        match self {
            Self::EmptyDestination => Text::OpEnterNumber,
            Self::InvalidDigits => Text::OpOnlyKeys,
            Self::InvalidId => Text::OpCallGone,
            Self::Missing(_) => Text::OpMissing,
        }
    }
}

impl CallOperation {

    /// Builds the request for the call `call_id`.
    pub fn request(&self, call_id: &str) -> Result<GwsRequest, OpError> {
        let path = format!("/api/v2/me/calls/{}", path_id(call_id)?);
        let mut body = Map::new();
        body.insert("operationName".into(), self.name().into());
        match self {
            Self::SendDtmf { digits } => {
                body.insert("digits".into(), dtmf(digits)?.into());
            }
            Self::SingleStepTransfer { destination }
            | Self::SingleStepConference { destination } => {
                body.insert("destination".into(), destination_of(destination)?);
            }
            Self::InitiateTransfer {
                destination,
                location,
                user_data,
            }
            | Self::InitiateConference {
                destination,
                location,
                user_data,
            } => {
                body.insert("destination".into(), destination_of(destination)?);
                put_optional(&mut body, location, user_data);
            }
            Self::CompleteTransfer { consult_call_uri } => {
                if let Some(uri) = consult_call_uri.as_deref().filter(|u| !u.trim().is_empty()) {
                    body.insert("consultCallUri".into(), uri.into());
                }
            }
            Self::CompleteConference { consult_call_uri } => {
                body.insert(
                    "consultCallUri".into(),
                    required("consultCallUri", consult_call_uri)?,
                );
            }
            Self::SwapCalls { other_call_uri } | Self::MergeWithOtherCall { other_call_uri } => {
                body.insert(
                    "otherCallUri".into(),
                    required("otherCallUri", other_call_uri)?,
                );
            }
            Self::RemoveParticipantFromConference { participant } => {
                body.insert("participant".into(), required("participant", participant)?);
            }
            Self::AttachUserData { user_data } | Self::UpdateUserData { user_data } => {
                if user_data.is_empty() {
                    return Err(OpError::Missing("userData"));
                }
                body.insert("userData".into(), Value::Object(user_data.clone()));
            }
            Self::DeleteUserDataPair { key } => {
                body.insert("key".into(), required("key", key)?);
            }
            Self::SetCallDisposition {
                call_uri,
                call_uuid,
                disposition,
                disposition_key,
            } => {
                body.insert("callUri".into(), required("callUri", call_uri)?);
                body.insert("callUuid".into(), required("callUuid", call_uuid)?);
                body.insert("disposition".into(), required("disposition", disposition)?);
                if let Some(k) = disposition_key.as_deref().filter(|k| !k.trim().is_empty()) {
                    body.insert("dispositionKey".into(), k.into());
                }
            }
            _ => {}
        }
        Ok(GwsRequest {
            path,
            body: Value::Object(body),
        })
    }
}

/// `Dial` on the agent's device: `POST /api/v2/me/devices/{deviceId}/calls`.
pub fn dial(
    device_id: &str,
    destination: &str,
    location: Option<&str>,
    user_data: Option<&Map<String, Value>>,
) -> Result<GwsRequest, OpError> {
    let path = format!("/api/v2/me/devices/{}/calls", path_id(device_id)?);
    let mut body = Map::new();
    body.insert("operationName".into(), "Dial".into());
    body.insert("destination".into(), destination_of(destination)?);
    put_optional(
        &mut body,
        &location.map(str::to_string),
        &user_data.cloned(),
    );
    Ok(GwsRequest {
        path,
        body: Value::Object(body),
    })
}

/// `POST /api/v2/me {"operationName":"StartContactCenterSession","channels":["voice"]}`.
pub fn start_contact_center_session() -> GwsRequest {
    GwsRequest {
        path: "/api/v2/me".into(),
        body: json!({"operationName": "StartContactCenterSession", "channels": ["voice"]}),
    }
}

/// Logs the agent out and ends the HTTP session for every tab sharing the cookie.
pub fn end_contact_center_session() -> GwsRequest {
    GwsRequest {
        path: "/api/v2/me".into(),
        body: json!({"operationName": "EndContactCenterSession"}),
    }
}

impl AgentStateOperation {
    /// `POST /api/v2/me/channels/voice` (the samples' URL, not the docs' table).
    pub fn request(&self) -> GwsRequest {
        let body = match self {
            Self::Ready => json!({"operationName": "Ready"}),
            Self::NotReady {
                reason_code: Some(r),
            } if !r.trim().is_empty() => {
                json!({"operationName": "NotReady", "reasonCode": r})
            }
            Self::NotReady { .. } => json!({"operationName": "NotReady"}),
            Self::AfterCallWork {
                wrap_up_time: Some(t),
            } => {
                json!({"operationName": "AfterCallWork", "wrapUpTime": t})
            }
            Self::AfterCallWork { wrap_up_time: None } => json!({"operationName": "AfterCallWork"}),
        };
        GwsRequest {
            path: "/api/v2/me/channels/voice".into(),
            body,
        }
    }
}

fn path_id(id: &str) -> Result<&str, OpError> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok && id != "." && id != ".." {
        Ok(id)
    } else {
        Err(OpError::InvalidId)
    }
}

fn destination_of(number: &str) -> Result<Value, OpError> {
    let n = number.trim();
    if n.is_empty() {
        return Err(OpError::EmptyDestination);
    }
    Ok(json!({ "phoneNumber": n }))
}

fn dtmf(digits: &str) -> Result<&str, OpError> {
    let ok = !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#');
    if ok {
        Ok(digits)
    } else {
        Err(OpError::InvalidDigits)
    }
}

fn required(name: &'static str, value: &str) -> Result<Value, OpError> {
    if value.trim().is_empty() {
        Err(OpError::Missing(name))
    } else {
        Ok(value.into())
    }
}

fn put_optional(
    body: &mut Map<String, Value>,
    location: &Option<String>,
    user_data: &Option<Map<String, Value>>,
) {
    if let Some(l) = location.as_deref().filter(|l| !l.trim().is_empty()) {
        body.insert("location".into(), l.into());
    }
    if let Some(ud) = user_data.as_ref().filter(|u| !u.is_empty()) {
        body.insert("userData".into(), Value::Object(ud.clone()));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Capability;
    use super::*;

    fn fixture(s: &str) -> Value {
        crate::json::from_str(s).unwrap()
    }

    #[test]
    fn seed000_set_call_disposition() {
        let op = CallOperation::SetCallDisposition {
            call_uri: "http://127.0.0.1:8080/api/v2/calls/01RCC3N118B1V0SL807GK2LAES000006".into(),
            call_uuid: "01RCC3N118B1V0SL807GK2LAES000006".into(),
            disposition: "Referred".into(),
            disposition_key: Some("DispositionCode".into()),
        };
        let r = op.request("01RCC3N118B1V0SL807GK2LAES000006").unwrap();
        assert_eq!(r.path, "/api/v2/me/calls/01RCC3N118B1V0SL807GK2LAES000006");
        assert_eq!(
            r.body,
            fixture(include_str!(
                "fixtures/000_set_call_disposition_request.json"
            ))
        );
        assert_eq!(op.capability(), Capability::SetCallDisposition);
    }

    #[test]
    fn seed001_dial() {
        let r = dial("efe1ab32-53f9-43ce-b65e-5768c61f7d4a", "5001", None, None).unwrap();
        assert_eq!(
            r.path,
            "/api/v2/me/devices/efe1ab32-53f9-43ce-b65e-5768c61f7d4a/calls"
        );
        assert_eq!(
            r.body,
            fixture(include_str!("fixtures/001_dial_request.json"))
        );
        let mut ud = Map::new();
        ud.insert("CustomerSegment".into(), "Gold".into());
        let r = dial(
            "efe1ab32-53f9-43ce-b65e-5768c61f7d4a",
            " 5001 ",
            Some(""),
            Some(&ud),
        )
        .unwrap();
        assert_eq!(
            r.body,
            fixture(include_str!("fixtures/001_dial_user_data_request.json"))
        );
        let r = dial("dev", "5001", Some("site-a"), None).unwrap();
        assert_eq!(r.body["location"], "site-a");
        assert_eq!(
            dial("dev", "  ", None, None),
            Err(OpError::EmptyDestination)
        );
        assert_eq!(dial("../x", "5001", None, None), Err(OpError::InvalidId));
    }

    #[test]
    fn simple_operations() {
        for (op, name) in [
            (CallOperation::Answer, "Answer"),
            (CallOperation::Hangup, "Hangup"),
            (CallOperation::ClearCall, "ClearCall"),
            (CallOperation::Hold, "Hold"),
            (CallOperation::Retrieve, "Retrieve"),
            (CallOperation::MuteCall, "MuteCall"),
            (CallOperation::UnmuteCall, "UnmuteCall"),
            (CallOperation::DeleteUserData, "DeleteUserData"),
            (CallOperation::StartCallRecording, "StartCallRecording"),
        ] {
            let r = op.request("c1").unwrap();
            assert_eq!(r.path, "/api/v2/me/calls/c1");
            assert_eq!(r.body, json!({ "operationName": name }));
            assert_eq!(op.capability().name(), name);
            assert!(!matches!(op.capability(), Capability::Other(_)));
        }
    }

    #[test]
    fn dtmf_is_checked() {
        let ok = CallOperation::SendDtmf {
            digits: "0123456789*#".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            ok.body,
            json!({"operationName": "SendDtmf", "digits": "0123456789*#"})
        );
        for bad in ["", "12a", "1 2", "+1", "１"] {
            assert_eq!(
                CallOperation::SendDtmf { digits: bad.into() }.request("c1"),
                Err(OpError::InvalidDigits),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn transfers_and_conferences() {
        let r = CallOperation::SingleStepTransfer {
            destination: "5002".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "SingleStepTransfer", "destination": {"phoneNumber": "5002"}})
        );
        let r = CallOperation::SingleStepConference {
            destination: "5002".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(r.body["operationName"], "SingleStepConference");
        assert_eq!(
            CallOperation::SingleStepTransfer {
                destination: "".into()
            }
            .request("c1"),
            Err(OpError::EmptyDestination)
        );
        let mut ud = Map::new();
        ud.insert("Reason".into(), "Billing".into());
        let r = CallOperation::InitiateTransfer {
            destination: "5002".into(),
            location: None,
            user_data: Some(ud),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "InitiateTransfer", "destination": {"phoneNumber": "5002"}, "userData": {"Reason": "Billing"}})
        );
        let r = CallOperation::InitiateConference {
            destination: "5003".into(),
            location: None,
            user_data: None,
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "InitiateConference", "destination": {"phoneNumber": "5003"}})
        );
        let r = CallOperation::CompleteTransfer {
            consult_call_uri: None,
        }
        .request("c1")
        .unwrap();
        assert_eq!(r.body, json!({"operationName": "CompleteTransfer"}));
        let r = CallOperation::CompleteTransfer {
            consult_call_uri: Some("http://x/calls/c2".into()),
        }
        .request("c1")
        .unwrap();
        assert_eq!(r.body["consultCallUri"], "http://x/calls/c2");
        let r = CallOperation::CompleteConference {
            consult_call_uri: "http://x/calls/c2".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "CompleteConference", "consultCallUri": "http://x/calls/c2"})
        );
        assert_eq!(
            CallOperation::CompleteConference {
                consult_call_uri: "".into()
            }
            .request("c1"),
            Err(OpError::Missing("consultCallUri"))
        );
        let r = CallOperation::SwapCalls {
            other_call_uri: "u2".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "SwapCalls", "otherCallUri": "u2"})
        );
        let r = CallOperation::MergeWithOtherCall {
            other_call_uri: "u2".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "MergeWithOtherCall", "otherCallUri": "u2"})
        );
        let r = CallOperation::RemoveParticipantFromConference {
            participant: "5003".into(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "RemoveParticipantFromConference", "participant": "5003"})
        );
    }

    #[test]
    fn user_data_operations() {
        let mut ud = Map::new();
        ud.insert("k".into(), "v".into());
        let r = CallOperation::AttachUserData {
            user_data: ud.clone(),
        }
        .request("c1")
        .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "AttachUserData", "userData": {"k": "v"}})
        );
        let r = CallOperation::UpdateUserData { user_data: ud }
            .request("c1")
            .unwrap();
        assert_eq!(r.body["operationName"], "UpdateUserData");
        assert_eq!(
            CallOperation::UpdateUserData {
                user_data: Map::new()
            }
            .request("c1"),
            Err(OpError::Missing("userData"))
        );
        let r = CallOperation::DeleteUserDataPair { key: "k".into() }
            .request("c1")
            .unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "DeleteUserDataPair", "key": "k"})
        );
    }

    #[test]
    fn disposition_without_key_and_bad_inputs() {
        let op = CallOperation::SetCallDisposition {
            call_uri: "u".into(),
            call_uuid: "id".into(),
            disposition: "Sale".into(),
            disposition_key: None,
        };
        let r = op.request("id").unwrap();
        assert_eq!(
            r.body,
            json!({"operationName": "SetCallDisposition", "callUri": "u", "callUuid": "id", "disposition": "Sale"})
        );
        assert_eq!(CallOperation::Hangup.request(""), Err(OpError::InvalidId));
        assert_eq!(
            CallOperation::Hangup.request("a/b"),
            Err(OpError::InvalidId)
        );
        assert_eq!(CallOperation::Hangup.request(".."), Err(OpError::InvalidId));
    }

    #[test]
    fn session_and_agent_state() {
        let r = start_contact_center_session();
        assert_eq!(r.path, "/api/v2/me");
        assert_eq!(
            r.body,
            json!({"operationName": "StartContactCenterSession", "channels": ["voice"]})
        );
        assert_eq!(
            end_contact_center_session().body,
            json!({"operationName": "EndContactCenterSession"})
        );
        let r = AgentStateOperation::Ready.request();
        assert_eq!(r.path, "/api/v2/me/channels/voice");
        assert_eq!(r.body, json!({"operationName": "Ready"}));
        let r = AgentStateOperation::NotReady {
            reason_code: Some("Lunch".into()),
        }
        .request();
        assert_eq!(
            r.body,
            json!({"operationName": "NotReady", "reasonCode": "Lunch"})
        );
        assert_eq!(
            AgentStateOperation::NotReady { reason_code: None }
                .request()
                .body,
            json!({"operationName": "NotReady"})
        );
        let r = AgentStateOperation::AfterCallWork {
            wrap_up_time: Some(30),
        }
        .request();
        assert_eq!(
            r.body,
            json!({"operationName": "AfterCallWork", "wrapUpTime": 30})
        );
    }

    #[test]
    fn every_op_error_has_a_sentence() {
        for e in [
            OpError::EmptyDestination,
            OpError::InvalidDigits,
            OpError::InvalidId,
            OpError::Missing("x"),
        ] {
            assert!(e.message().in_(crate::i18n::Lang::En).ends_with('.'));
        }
    }
}
