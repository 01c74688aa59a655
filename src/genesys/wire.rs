//! GWS v2 JSON as it comes over the wire: the call resource, CallStateChangeMessage (both
//! shapes), DeviceStateChangeMessage, and the `/me` and `/me/calls` answers. Read loosely:
//! unknown fields are ignored, missing or mistyped fields fall back to defaults.

use crate::gather::Gather;
use crate::json::{Map, Value};

use super::lenient::{flag, items, map, object, objects, seconds, strings, text, value_text};

/// `state` of a call: the model's own type (same names, unknown ones kept as they came).
pub type WireCallState = crate::model::CallState;
/// `callType` of a call: the model's own type.
pub type WireCallType = crate::model::CallKind;

/// `country` of a participant with a `+country_code` number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireCountry {
    pub name: String,
    pub code: String,
    pub calling_code: String,
}

/// One participant's details (an item of `participants` or of `participantsInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireParticipantInfo {
    pub digits: String,
    pub e164_number: String,
    pub formatted_phone_number: String,
    pub phone_number: String,
    pub country: Option<WireCountry>,
    pub location: String,
    pub local_phone_number: String,
    /// `E164digits`
    pub e164_digits: String,
}

impl WireParticipantInfo {
    pub fn from_value(v: &Value) -> Self {
        Self {
            digits: text(v, "digits"),
            e164_number: text(v, "e164Number"),
            formatted_phone_number: text(v, "formattedPhoneNumber"),
            phone_number: text(v, "phoneNumber"),
            country: object(v, "country").map(|c| WireCountry {
                name: text(c, "name"),
                code: text(c, "code"),
                calling_code: text(c, "callingCode"),
            }),
            location: text(v, "location"),
            local_phone_number: text(v, "localPhoneNumber"),
            e164_digits: text(v, "E164digits"),
        }
    }

    /// Whether any of its number fields is `n` (a bare item of `participants`, which may be
    /// given in any of these forms, e.g. "+14155550100" beside `digits` "14155550100").
    pub fn names(&self, n: &str) -> bool {
        let n = n.trim();
        !n.is_empty()
            && [
                &self.phone_number,
                &self.digits,
                &self.e164_number,
                &self.e164_digits,
                &self.local_phone_number,
                &self.formatted_phone_number,
            ]
            .into_iter()
            .any(|s| s.trim() == n)
    }

    /// The number to use in operations: phoneNumber, else digits, else the E.164 forms.
    pub fn number(&self) -> &str {
        [
            &self.phone_number,
            &self.digits,
            &self.e164_number,
            &self.e164_digits,
            &self.local_phone_number,
        ]
        .into_iter()
        .find(|s| !s.trim().is_empty())
        .map(|s| s.as_str())
        .unwrap_or("")
    }
}

/// An item of `participants`: a bare number (older shape) or an object.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum WireParticipant {
    Number(String),
    Info(WireParticipantInfo),
}

/// The call resource (seed 002), as in `/me/calls` and in notifications.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WireCall {
    pub id: String,
    pub state: WireCallState,
    pub call_uuid: String,
    pub conn_id: String,
    pub device_uri: String,
    pub participants: Vec<WireParticipant>,
    pub participants_info: Vec<WireParticipantInfo>,
    pub dnis: String,
    pub call_type: WireCallType,
    pub capabilities: Vec<String>,
    pub user_data: Map<String, Value>,
    /// Seconds (sent as a string or a number).
    pub duration: Option<u64>,
    /// `mute`: "On"/"Off" (or a boolean).
    pub mute: bool,
    pub recording_state: String,
    pub supervisor_listening_in: bool,
    pub monitored_user_muted: bool,
    pub monitoring: bool,
    pub uri: String,
    pub path: String,
    /// A consult call's original call (`parentCallUri`, as real clients use it).
    pub parent_call_uri: String,
}

impl WireCall {
    /// Reads a call object; anything missing or mistyped falls back to a default.
    pub fn from_value(v: &Value) -> Self {
        let participants = items(v, "participants")
            .iter()
            .filter_map(|p| match p {
                Value::String(_) | Value::Number(_) => Some(WireParticipant::Number(value_text(p))),
                Value::Object(_) => Some(WireParticipant::Info(WireParticipantInfo::from_value(p))),
                _ => None,
            })
            .gather();
        Self {
            id: text(v, "id"),
            state: WireCallState::parse(&text(v, "state")),
            call_uuid: text(v, "callUuid"),
            conn_id: text(v, "connId"),
            device_uri: text(v, "deviceUri"),
            participants,
            participants_info: objects(v, "participantsInfo")
                .map(WireParticipantInfo::from_value)
                .gather(),
            dnis: text(v, "dnis"),
            call_type: WireCallType::parse(&text(v, "callType")),
            capabilities: strings(v, "capabilities"),
            user_data: map(v, "userData"),
            duration: seconds(v, "duration"),
            mute: flag(v, "mute"),
            recording_state: text(v, "recordingState"),
            supervisor_listening_in: flag(v, "supervisorListeningIn"),
            monitored_user_muted: flag(v, "monitoredUserMuted"),
            monitoring: flag(v, "monitoring"),
            uri: text(v, "uri"),
            path: text(v, "path"),
            parent_call_uri: text(v, "parentCallUri"),
        }
    }

    pub fn parse(body: &str) -> Option<Self> {
        let v: Value = crate::json::parse(body).ok()?;
        v.is_object().then(|| Self::from_value(&v))
    }

    /// Each participant's details: objects as they are; bare numbers completed from
    /// `participantsInfo` (by matching number, else by position).
    pub fn participant_details(&self) -> Vec<WireParticipantInfo> {
        self.participants
            .iter()
            .enumerate()
            .map(|(i, p)| match p {
                WireParticipant::Info(info) => info.clone(),
                WireParticipant::Number(n) => {
                    let by_match = self.participants_info.iter().find(|x| x.names(n));
                    let info = by_match.or_else(|| self.participants_info.get(i));
                    let mut info = info.cloned().unwrap_or_default();
                    if info.phone_number.is_empty() {
                        info.phone_number = n.clone();
                    }
                    info
                }
            })
            .gather()
    }
}

/// `data.extensions` of a CallStateChangeMessage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireExtensions {
    /// `WrapUpTime`: seconds of wrap-up the agent gets after the call.
    pub wrap_up_time: Option<u64>,
    /// `BusinessCall`
    pub business_call: bool,
}

/// A CallStateChangeMessage's `data`, from either shape: the call under `data.call`
/// (seed 001) or the call's fields directly in `data` (seed 000).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallStateChange {
    pub message_type: String,
    pub notification_type: String,
    /// The agent's DN.
    pub phone_number: String,
    pub extensions: WireExtensions,
    pub call: WireCall,
}

impl CallStateChange {
    /// Reads a notification's `data`. `None` when it carries no call id at all.
    pub fn from_data(data: &Value) -> Option<Self> {
        if !data.is_object() {
            return None;
        }
        let call = WireCall::from_value(object(data, "call").unwrap_or(data));
        if call.id.is_empty() && call.call_uuid.is_empty() {
            return None;
        }
        let ext = object(data, "extensions");
        Some(Self {
            message_type: text(data, "messageType"),
            notification_type: text(data, "notificationType"),
            phone_number: text(data, "phoneNumber"),
            extensions: WireExtensions {
                wrap_up_time: ext.and_then(|e| seconds(e, "WrapUpTime")),
                business_call: ext.is_some_and(|e| flag(e, "BusinessCall")),
            },
            call,
        })
    }
}

/// `userState` of a device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireUserState {
    pub id: String,
    pub display_name: String,
    pub state: String,
    pub reason: String,
    pub reason_code: String,
    pub work_mode: String,
}

impl WireUserState {
    /// Reads a `userState` object (real servers may send only `state`, e.g. `LoggedIn`).
    pub fn from_value(u: &Value) -> Self {
        Self {
            id: text(u, "id"),
            display_name: text(u, "displayName"),
            state: text(u, "state"),
            reason: text(u, "reason"),
            reason_code: text(u, "reasonCode"),
            work_mode: text(u, "workMode"),
        }
    }
}

/// A device (`/me/devices`, `/me?subresources=*`, DeviceStateChangeMessage).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireDevice {
    pub id: String,
    pub device_state: String,
    pub user_state: Option<WireUserState>,
    pub phone_number: String,
    pub e164_number: String,
    pub do_not_disturb: bool,
    pub capabilities: Vec<String>,
}

impl WireDevice {
    pub fn from_value(v: &Value) -> Self {
        Self {
            id: text(v, "id"),
            device_state: text(v, "deviceState"),
            user_state: object(v, "userState").map(WireUserState::from_value),
            phone_number: text(v, "phoneNumber"),
            e164_number: text(v, "e164Number"),
            do_not_disturb: flag(v, "doNotDisturb"),
            capabilities: strings(v, "capabilities"),
        }
    }
}

/// A DeviceStateChangeMessage's `data`: `devices[]`, or a single `device`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceStateChange {
    pub message_type: String,
    pub notification_type: String,
    pub devices: Vec<WireDevice>,
}

impl DeviceStateChange {
    pub fn from_data(data: &Value) -> Option<Self> {
        if !data.is_object() {
            return None;
        }
        let devices = objects(data, "devices")
            .chain(objects(data, "device"))
            .map(WireDevice::from_value)
            .gather();
        Some(Self {
            message_type: text(data, "messageType"),
            notification_type: text(data, "notificationType"),
            devices,
        })
    }

    /// Every device the message names.
    pub fn all_devices(&self) -> impl Iterator<Item = &WireDevice> {
        self.devices.iter()
    }
}

/// The user in `GET /api/v2/me?subresources=*`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WireUser {
    pub id: String,
    pub user_name: String,
    pub first_name: String,
    pub last_name: String,
    pub devices: Vec<WireDevice>,
    pub calls: Vec<WireCall>,
}

/// `statusCode`, as a number or a numeric string.
pub(crate) fn status_code(v: &Value) -> Option<i64> {
    let c = v.get("statusCode")?;
    c.as_i64().or_else(|| c.as_str().and_then(|s| signed(s.trim())))
}

/// A whole number as text, read through the one integer parser the widget carries (`u64`'s:
/// each integer type's `parse` is code of its own).
fn signed(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if negative && digits.starts_with('+') {
        return None;
    }
    let n = i64::try_from(digits.parse::<u64>().ok()?).ok()?;
    Some(if negative { -n } else { n })
}

fn devices_and_calls(v: &Value) -> (Vec<WireDevice>, Vec<WireCall>) {
    (
        objects(v, "devices").map(WireDevice::from_value).gather(),
        objects(v, "calls").map(WireCall::from_value).gather(),
    )
}

/// `GET /api/v2/me?subresources=*`. Devices and calls may sit under `user` or at the top.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeResponse {
    pub status_code: Option<i64>,
    pub user: Option<WireUser>,
    pub devices: Vec<WireDevice>,
    pub calls: Vec<WireCall>,
}

impl MeResponse {
    /// `None` unless the body is a JSON object.
    pub fn parse(body: &str) -> Option<Self> {
        let v: Value = crate::json::parse(body).ok()?;
        if !v.is_object() {
            return None;
        }
        let user = object(&v, "user").map(|u| {
            let (devices, calls) = devices_and_calls(u);
            WireUser {
                id: text(u, "id"),
                user_name: text(u, "userName"),
                first_name: text(u, "firstName"),
                last_name: text(u, "lastName"),
                devices,
                calls,
            }
        });
        let (devices, calls) = devices_and_calls(&v);
        Some(Self {
            status_code: status_code(&v),
            user,
            devices,
            calls,
        })
    }

    pub fn user(&self) -> WireUser {
        self.user.clone().unwrap_or_default()
    }

    /// Devices from `user` and from the top level, without repeats.
    pub fn all_devices(&self) -> Vec<WireDevice> {
        let mut out: Vec<WireDevice> = Vec::new();
        let nested = self.user.iter().flat_map(|u| u.devices.iter());
        for d in nested.chain(self.devices.iter()) {
            if !out.iter().any(|o| o.id == d.id) {
                out.push(d.clone());
            }
        }
        out
    }

    /// Calls from `user` and from the top level, without repeats.
    pub fn all_calls(&self) -> Vec<WireCall> {
        let mut out: Vec<WireCall> = Vec::new();
        let nested = self.user.iter().flat_map(|u| u.calls.iter());
        for c in nested.chain(self.calls.iter()) {
            if !out.iter().any(|o| o.id == c.id) {
                out.push(c.clone());
            }
        }
        out
    }
}

/// `GET /api/v2/me/calls?fields=*`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallsResponse {
    pub status_code: Option<i64>,
    pub calls: Vec<WireCall>,
}

impl CallsResponse {
    /// `None` unless the body is a JSON object.
    pub fn parse(body: &str) -> Option<Self> {
        let v: Value = crate::json::parse(body).ok()?;
        if !v.is_object() {
            return None;
        }
        Some(Self {
            status_code: status_code(&v),
            calls: devices_and_calls(&v).1,
        })
    }
}

/// A GWS notification, sorted by what it carries.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum GwsNotification {
    Call(CallStateChange),
    Devices(DeviceStateChange),
    /// `messageType: ErrorMessage` on `/v2/me/devices`: the phone system reports a problem
    /// with the agent's device. Real servers send no text, only which device.
    DeviceProblem {
        device_uri: String,
        device_path: String,
    },
    /// Another channel or message type (password change, service health …).
    Other {
        channel: String,
        message_type: String,
    },
}

impl GwsNotification {
    /// Sorts a Bayeux message's `channel` and `data`: by channel first, else by messageType.
    pub fn from_message(channel: &str, data: &Value) -> Self {
        let message_type = text(data, "messageType");
        let is_calls = channel == "/v2/me/calls" || message_type == "CallStateChangeMessage";
        let is_devices = channel == "/v2/me/devices" || message_type == "DeviceStateChangeMessage";
        if is_calls {
            if let Some(c) = CallStateChange::from_data(data) {
                return Self::Call(c);
            }
        } else if is_devices {
            if channel == "/v2/me/devices" && message_type.trim().eq_ignore_ascii_case("ErrorMessage") {
                return Self::DeviceProblem {
                    device_uri: text(data, "deviceUri"),
                    device_path: text(data, "devicePath"),
                };
            }
            if let Some(d) = DeviceStateChange::from_data(data) {
                return Self::Devices(d);
            }
        }
        Self::Other {
            channel: channel.to_string(),
            message_type,
        }
    }

    /// Sorts a whole Bayeux message (`{"channel":…,"data":{…}}`).
    pub fn from_envelope(message: &Value) -> Self {
        let channel = message.get("channel").and_then(Value::as_str).unwrap_or("");
        let data = message.get("data").unwrap_or(&Value::Null);
        Self::from_message(channel, data)
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
pub(crate) mod tests;
