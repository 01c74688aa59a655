//! Small pieces for readers (and the one shape writers need) written by hand over a
//! [`Value`], following serde's rules for what a derived `Deserialize` would accept: a
//! required field must be there with its type; an `Option` is `None` when missing or
//! `null`; a defaulted field takes its default only when missing. Each reader gives `None`
//! for a value it cannot read.

use crate::gather::GatherAll;
use super::value::{Map, Value};

/// An object's members.
pub type Object = Map<String, Value>;

/// A string value, owned.
pub fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// A required string member.
pub fn text(o: &Object, key: &str) -> Option<String> {
    string(o.get(key)?)
}

/// A number that fits a `u32`.
pub fn u32_of(v: &Value) -> Option<u32> {
    u32::try_from(v.as_u64()?).ok()
}

/// A list of strings, as JSON text (`["a","b"]`); `None` for anything else.
pub fn strings_from_text(text: &str) -> Option<Vec<String>> {
    super::parse(text).ok()?.as_array()?.iter().map(string).gather_all()
}

/// An optional member: `Some(None)` when missing or `null`, `None` when of the wrong type.
pub fn optional<T>(o: &Object, key: &str, read: impl Fn(&Value) -> Option<T>) -> Option<Option<T>> {
    match o.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(v) => read(v).map(Some),
    }
}

/// A member with a default: the default when missing, else read (`None` when it cannot be).
pub fn or_default<T: Default>(o: &Object, key: &str, read: impl Fn(&Value) -> Option<T>) -> Option<T> {
    match o.get(key) {
        None => Some(T::default()),
        Some(v) => read(v),
    }
}

/// An enum variant with content as serde writes it: `{"Name": content}`.
pub fn tagged(name: &str, content: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_owned(), content);
    Value::Object(m)
}

/// An enum variant as serde writes it: `"Name"`, or `{"Name": content}`.
pub fn variant(v: &Value) -> Option<(&str, Option<&Value>)> {
    match v {
        Value::String(name) => Some((name, None)),
        Value::Object(m) if m.len() == 1 => m.iter().next().map(|(name, content)| (name.as_str(), Some(content))),
        _ => None,
    }
}
