//! Forgiving readers for GWS JSON fields whose type varies between versions (numbers as
//! strings, `null` for empty, a single object for a list). Reading a `crate::json::Value`
//! by hand keeps the wasm small: no derived deserializer per wire type.

use crate::gather::Gather;
use crate::json::{Map, Value};

/// Any scalar as text: strings as they are, numbers and booleans printed, else empty.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        // Integers only: ids and numbers are never fractional, and this keeps float
        // printing out of the wasm.
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// `obj[key]` as text (see `value_text`); empty when absent.
pub fn text(obj: &Value, key: &str) -> String {
    obj.get(key).map(value_text).unwrap_or_default()
}

/// A count of seconds given as a number or a numeric string; anything else is `None`.
/// Fractions are cut ("12.7" → 12); negative or non-numeric text is `None`.
pub fn value_seconds(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => {
            let whole = crate::text::before(s.trim(), b".");
            if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            whole.parse::<u64>().ok()
        }
        _ => None,
    }
}

pub fn seconds(obj: &Value, key: &str) -> Option<u64> {
    obj.get(key).and_then(value_seconds)
}

/// A flag given as a boolean, "true"/"false", "On"/"Off", or 0/1.
pub fn flag(obj: &Value, key: &str) -> bool {
    match obj.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            let s = s.trim();
            s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("on") || s == "1"
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

/// A list of strings; non-string items are skipped, a bare string is a list of one.
pub fn strings(obj: &Value, key: &str) -> Vec<String> {
    match obj.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .gather(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The items of a list; a bare object counts as a list of one; anything else is empty.
pub fn items<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    match obj.get(key) {
        Some(Value::Array(items)) => items,
        Some(v @ Value::Object(_)) => std::slice::from_ref(v),
        _ => &[],
    }
}

/// The objects of a list (non-objects skipped).
pub fn objects<'a>(obj: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    items(obj, key).iter().filter(|v| v.is_object())
}

/// A nested object, if `obj[key]` is one.
pub fn object<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| v.is_object())
}

/// An object of key → any JSON value; anything else is empty.
pub fn map(obj: &Value, key: &str) -> Map<String, Value> {
    match obj.get(key) {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}
