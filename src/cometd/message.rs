//! Bayeux wire codec: reads a server's reply batch loosely and writes the client's requests.
//!
//! Reading is tolerant, as servers differ: the body may be one object or an array; `id` may
//! be a string or a number; `subscription` a string or a list; unknown fields are ignored;
//! fields of the wrong type read as absent; array elements that are not messages (no string
//! `channel`) are skipped. Only a body that is not JSON, or is neither an object nor an
//! array, is an error. Nothing here panics on any input.
//!
//! A body is read as a [`crate::json::Value`] and each envelope field is interpreted by
//! hand, so a field of the wrong type is simply absent.

use crate::gather::Gather;
use crate::json::{json, Map, Value};
use core::fmt::Write as _;

/// The largest advice value (ms) taken from a server; larger values are clamped, so a
/// garbled advice can neither overflow the arithmetic nor park the client for days.
pub const MAX_ADVICE_MS: u64 = 3_600_000;

/// One message received from the server (an event or a `/meta/*` reply).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    /// The channel, e.g. `/meta/connect` or `/v2/me/calls`.
    pub channel: String,
    /// The message id, as text whether the server sent a string or a number.
    pub id: Option<String>,
    /// `clientId` (set on a handshake reply).
    pub client_id: Option<String>,
    /// `successful` on `/meta/*` replies.
    pub successful: Option<bool>,
    /// `error`, parsed.
    pub error: Option<BayeuxError>,
    /// `advice`, if the message carries one.
    pub advice: Option<Advice>,
    /// `subscription` on subscribe/unsubscribe replies: one channel or several.
    pub subscription: Vec<String>,
    /// `data` of an event.
    pub data: Option<Value>,
    /// `ext`, kept as it came.
    pub ext: Option<Value>,
}

impl Message {
    /// True for `/meta/*` channels.
    pub fn is_meta(&self) -> bool {
        self.channel.starts_with("/meta/")
    }
}

/// What the server advises the client to do when a connection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconnect {
    /// Send the next connect after `interval`.
    Retry,
    /// Handshake again; never retry the connect.
    Handshake,
    /// Stop.
    None,
}

/// A Bayeux `advice` field. Absent fields are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Advice {
    /// `reconnect` (an unknown value reads as absent).
    pub reconnect: Option<Reconnect>,
    /// `interval` in ms, clamped to [`MAX_ADVICE_MS`].
    pub interval_ms: Option<u64>,
    /// `timeout` in ms, clamped to [`MAX_ADVICE_MS`].
    pub timeout_ms: Option<u64>,
    /// `maxInterval` in ms, clamped to [`MAX_ADVICE_MS`].
    pub max_interval_ms: Option<u64>,
    /// `multiple-clients: true`: the server saw several sessions of one browser.
    pub multiple_clients: bool,
}

/// A Bayeux `error` string, `code:args:message` with comma-separated args
/// (e.g. `402::session_unknown`). A string without that shape keeps its whole text in
/// `message` and has no code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BayeuxError {
    /// The numeric code (e.g. 402), when the string has the Bayeux shape.
    pub code: Option<u16>,
    /// The arguments between the first two colons.
    pub args: Vec<String>,
    /// The human text.
    pub message: String,
}

impl BayeuxError {
    /// Parses `code:args:message`; never fails.
    pub fn parse(text: &str) -> BayeuxError {
        // `code:args:message`: the message may hold colons of its own.
        fn after_colon(s: &str) -> Option<&str> {
            crate::text::find(s, ":").map(|i| &s[i + 1..])
        }
        let parsed_code = crate::text::before(text, b":").trim().parse::<u64>().ok().and_then(|n| u16::try_from(n).ok());
        let after_code = after_colon(text);
        let args = after_code.map(|r| crate::text::before(r, b":"));
        let message = after_code.and_then(after_colon);
        match (parsed_code, args, message) {
            (Some(code), Some(args), Some(message)) => BayeuxError {
                code: Some(code),
                args: if args.is_empty() {
                    Vec::new()
                } else {
                    crate::text::parts(args, b',').map(str::to_owned).gather()
                },
                message: message.to_owned(),
            },
            _ => BayeuxError {
                code: None,
                args: Vec::new(),
                message: text.to_owned(),
            },
        }
    }
}

impl core::fmt::Display for BayeuxError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.code {
            Some(code) => write!(f, "{}:{}:{}", u64::from(code), self.args.join(","), self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why a reply body could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// The body is not JSON.
    NotJson,
    /// The body is JSON but neither an object nor an array.
    NotABatch,
}

/// Reads a reply body: one message object or an array of them.
pub fn decode_batch(body: &[u8]) -> Result<Vec<Message>, CodecError> {
    let text = core::str::from_utf8(body).map_err(|_| CodecError::NotJson)?;
    let value = crate::json::parse(text).map_err(|_| CodecError::NotJson)?;
    match value {
        Value::Array(items) => Ok(items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(map) => decode_message(map),
                _ => None,
            })
            .gather()),
        Value::Object(map) => Ok(decode_message(map).into_iter().gather()),
        _ => Err(CodecError::NotABatch),
    }
}

/// The message fields the client reads, in the order [`message_from`] takes them.
const FIELDS: [&str; 9] = [
    "channel",
    "id",
    "clientId",
    "successful",
    "error",
    "advice",
    "subscription",
    "data",
    "ext",
];

fn decode_message(mut map: Map<String, Value>) -> Option<Message> {
    message_from(FIELDS.map(|f| map.remove(f)))
}

/// A message from its raw fields, in [`FIELDS`] order; `None` without a string `channel`.
fn message_from(fields: [Option<Value>; FIELDS.len()]) -> Option<Message> {
    let [channel, id, client_id, successful, error, advice, subscription, data, ext] = fields;
    let channel = match channel {
        Some(Value::String(channel)) => channel,
        _ => return None,
    };
    let id = match id {
        Some(Value::String(id)) => Some(id),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let client_id = match client_id {
        Some(Value::String(id)) => Some(id),
        _ => None,
    };
    let successful = successful.as_ref().and_then(Value::as_bool);
    let error = error
        .as_ref()
        .and_then(Value::as_str)
        .map(BayeuxError::parse);
    let advice = match &advice {
        Some(Value::Object(advice)) => Some(decode_advice(advice)),
        _ => None,
    };
    let subscription = match subscription {
        Some(Value::String(one)) => vec![one],
        Some(Value::Array(list)) => list
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .gather(),
        _ => Vec::new(),
    };
    Some(Message {
        channel,
        id,
        client_id,
        successful,
        error,
        advice,
        subscription,
        data,
        ext,
    })
}

fn decode_advice(map: &Map<String, Value>) -> Advice {
    let reconnect = match map.get("reconnect").and_then(Value::as_str) {
        Some("retry") => Some(Reconnect::Retry),
        Some("handshake") => Some(Reconnect::Handshake),
        Some("none") => Some(Reconnect::None),
        _ => None,
    };
    Advice {
        reconnect,
        interval_ms: map.get("interval").and_then(millis),
        timeout_ms: map.get("timeout").and_then(millis),
        max_interval_ms: map.get("maxInterval").and_then(millis),
        multiple_clients: map
            .get("multiple-clients")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// A non-negative duration in ms from a JSON number (integer or float), clamped.
fn millis(value: &Value) -> Option<u64> {
    let n = value.as_f64()?;
    if !n.is_finite() {
        return None;
    }
    // Negative values read as 0; `as` saturates, and the clamp bounds the rest.
    Some((n.max(0.0) as u64).min(MAX_ADVICE_MS))
}

/// A message the client sends. Built by the state machine; written into a request body
/// (`encode_batch`), fields in this order, absent ones left out.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub id: String,
    pub channel: &'static str,
    pub client_id: Option<String>,
    pub version: Option<&'static str>,
    pub minimum_version: Option<&'static str>,
    pub supported_connection_types: Option<[&'static str; 1]>,
    pub connection_type: Option<&'static str>,
    pub subscription: Option<String>,
    pub advice: Option<OutgoingAdvice>,
    pub ext: Option<Value>,
}

/// The `advice` a client sends (handshake: the defaults it wants; connect: `timeout:0`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OutgoingAdvice {
    pub timeout: u64,
    pub interval: Option<u64>,
}

impl Outgoing {
    /// A message with only `id` and `channel` set.
    pub fn new(id: String, channel: &'static str) -> Outgoing {
        Outgoing {
            id,
            channel,
            client_id: None,
            version: None,
            minimum_version: None,
            supported_connection_types: None,
            connection_type: None,
            subscription: None,
            advice: None,
            ext: None,
        }
    }
}

/// Writes a batch into a request body (a JSON array).
pub(crate) fn encode_batch(messages: &[Outgoing]) -> String {
    let mut body = String::from("[");
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        m.write(&mut body);
    }
    body.push(']');
    body
}

impl Outgoing {
    /// The message as a JSON object, its fields in the order of the struct.
    fn write(&self, out: &mut String) {
        let mut fields: Vec<(&str, Value)> = vec![("id", json!(self.id)), ("channel", json!(self.channel))];
        let mut add = |name, value: Option<Value>| fields.extend(value.map(|v| (name, v)));
        add("clientId", self.client_id.as_ref().map(|c| json!(c)));
        add("version", self.version.map(|v| json!(v)));
        add("minimumVersion", self.minimum_version.map(|v| json!(v)));
        add("supportedConnectionTypes", self.supported_connection_types.map(|t| json!([t[0]])));
        add("connectionType", self.connection_type.map(|t| json!(t)));
        add("subscription", self.subscription.as_ref().map(|s| json!(s)));
        add("advice", self.advice.map(|a| Value::Object(a.members())));
        add("ext", self.ext.clone());
        out.push('{');
        for (i, (name, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // Field names are plain ASCII: no escaping needed.
            let _ = write!(out, "\"{name}\":{value}");
        }
        out.push('}');
    }
}

impl OutgoingAdvice {
    fn members(self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("timeout".into(), json!(self.timeout));
        if let Some(interval) = self.interval {
            m.insert("interval".into(), json!(interval));
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_object_and_array_are_both_batches() {
        let one = decode_batch(br#"{"channel":"/meta/connect","successful":true,"id":"2"}"#);
        let many = decode_batch(br#"[{"channel":"/meta/connect","successful":true,"id":"2"}]"#);
        assert_eq!(one, many);
        assert_eq!(one.map(|m| m.len()), Ok(1));
    }

    #[test]
    fn non_batches_are_errors() {
        assert_eq!(decode_batch(b"not json"), Err(CodecError::NotJson));
        assert_eq!(decode_batch(b""), Err(CodecError::NotJson));
        assert_eq!(decode_batch(b"42"), Err(CodecError::NotABatch));
        assert_eq!(decode_batch(b"\"x\""), Err(CodecError::NotABatch));
        assert_eq!(decode_batch(b"null"), Err(CodecError::NotABatch));
    }

    #[test]
    fn elements_without_channel_are_skipped() {
        let batch = decode_batch(br#"[1,{"id":"1"},{"channel":5},{"channel":"/x","data":{}}]"#);
        assert_eq!(batch.map(|m| m.len()), Ok(1));
    }

    #[test]
    fn numeric_and_string_ids_read_alike() {
        let batch = decode_batch(
            br#"[{"channel":"/a","id":7},{"channel":"/a","id":"7"},{"channel":"/a","id":true}]"#,
        )
        .unwrap_or_default();
        let ids: Vec<_> = batch.iter().map(|m| m.id.clone()).collect();
        assert_eq!(ids, vec![Some("7".into()), Some("7".into()), None]);
    }

    #[test]
    fn subscription_string_or_list() {
        let batch = decode_batch(
            br#"[{"channel":"/meta/subscribe","subscription":"/a"},
                {"channel":"/meta/subscribe","subscription":["/a","/b",3]},
                {"channel":"/meta/subscribe","subscription":{}}]"#,
        )
        .unwrap_or_default();
        assert_eq!(batch[0].subscription, vec!["/a"]);
        assert_eq!(batch[1].subscription, vec!["/a", "/b"]);
        assert!(batch[2].subscription.is_empty());
    }

    #[test]
    fn ext_and_data_kept_unknown_fields_ignored() {
        let batch = decode_batch(
            br#"{"channel":"/v2/me/calls","data":{"x":1},"ext":{"ack":3},"weird":[1,2]}"#,
        )
        .unwrap_or_default();
        assert_eq!(batch[0].data, Some(crate::json::json!({"x":1})));
        assert_eq!(batch[0].ext, Some(crate::json::json!({"ack":3})));
        assert!(!batch[0].is_meta());
    }

    #[test]
    fn error_strings_parse() {
        let e = BayeuxError::parse("402::session_unknown");
        assert_eq!(
            (e.code, e.args.len(), e.message.as_str()),
            (Some(402), 0, "session_unknown")
        );
        let e = BayeuxError::parse("403:a,b:denied: really");
        assert_eq!(e.code, Some(403));
        assert_eq!(e.args, vec!["a", "b"]);
        assert_eq!(e.message, "denied: really");
        let e = BayeuxError::parse("Unknown client");
        assert_eq!((e.code, e.message.as_str()), (None, "Unknown client"));
        let e = BayeuxError::parse("abc:x:y");
        assert_eq!((e.code, e.message.as_str()), (None, "abc:x:y"));
        assert_eq!(
            BayeuxError::parse("402::session_unknown").to_string(),
            "402::session_unknown"
        );
        assert_eq!(BayeuxError::parse("").message, "");
    }

    #[test]
    fn advice_fields_and_clamping() {
        let batch = decode_batch(
            br#"[{"channel":"/meta/connect","error":"402::session_unknown",
                 "advice":{"reconnect":"handshake","interval":-5,"timeout":1e300,
                           "maxInterval":10000.7,"multiple-clients":true}},
                {"channel":"/meta/connect","advice":{"reconnect":"bogus","interval":"5"}}]"#,
        )
        .unwrap_or_default();
        let a = batch[0].advice.unwrap_or_default();
        assert_eq!(a.reconnect, Some(Reconnect::Handshake));
        assert_eq!(a.interval_ms, Some(0));
        assert_eq!(a.timeout_ms, Some(MAX_ADVICE_MS));
        assert_eq!(a.max_interval_ms, Some(10000));
        assert!(a.multiple_clients);
        assert_eq!(batch[0].error.as_ref().and_then(|e| e.code), Some(402));
        let b = batch[1].advice.unwrap_or_default();
        assert_eq!((b.reconnect, b.interval_ms), (None, None));
        for (text, want) in [("retry", Reconnect::Retry), ("none", Reconnect::None)] {
            let body =
                format!(r#"{{"channel":"/meta/connect","advice":{{"reconnect":"{text}"}}}}"#);
            let m = decode_batch(body.as_bytes()).unwrap_or_default();
            assert_eq!(m[0].advice.and_then(|a| a.reconnect), Some(want));
        }
    }

    #[test]
    fn encode_skips_absent_fields() {
        let mut m = Outgoing::new("3".into(), "/meta/subscribe");
        m.client_id = Some("c".into());
        m.subscription = Some("/a".into());
        assert_eq!(
            encode_batch(&[m]),
            r#"[{"id":"3","channel":"/meta/subscribe","clientId":"c","subscription":"/a"}]"#
        );
    }
}
