//! JSON for the widget: a small value type and one way in and out of text. Text is read
//! into a [`Value`] by the widget's own reader ([`parse`]) and written by the `Value`'s
//! `Display`; the widget's own types are written and read by hand over the `Value`
//! ([`read`] has the pieces: serde's derives cost the wasm far more); the host page's
//! JavaScript objects convert through js-sys. The same code runs natively in the tests,
//! which also read any `Deserialize` type from a `Value` (`from_value`, `from_str`) and
//! write a `Value` with serde; the widget does neither, to keep its size.

mod de;
mod map;
mod parse;
pub mod read;
#[cfg(test)]
mod ser;
mod text;
#[cfg(test)]
mod typed;
mod value;

pub use de::Error;
#[cfg(test)]
pub use typed::{from_str, from_value};
pub use parse::parse;
pub use text::{from_js, to_js};
pub use value::{Map, Number, ToJson, Value};
#[doc(inline)]
pub use crate::json_value as json;

/// Builds a [`Value`] from JSON-like syntax: `json!({"a": 1, "b": [x, "y"], "c": null})`.
/// Keys are string literals (or `&str` variables); a value is a nested object or array, `null`, or any
/// expression whose type is [`ToJson`] (read by reference, as `serde_json::json!` does).
#[macro_export]
#[doc(hidden)]
macro_rules! json_value {
    (null) => { $crate::json::Value::Null };
    ([]) => { $crate::json::Value::Array(::std::vec::Vec::new()) };
    ([ $($items:tt)+ ]) => {{
        let mut items = $crate::json::new_list();
        $crate::json_items!(items () $($items)+);
        $crate::json::Value::Array(items)
    }};
    ({}) => { $crate::json::Value::Object($crate::json::Map::new()) };
    ({ $($entries:tt)+ }) => {{
        let mut map = $crate::json::Map::new();
        $crate::json_entries!(map $($entries)+);
        $crate::json::Value::Object(map)
    }};
    ($value:expr) => { $crate::json::ToJson::to_json(&$value) };
}

/// The entries of a `json!` object, one `"key": value` at a time.
#[doc(hidden)]
#[macro_export]
macro_rules! json_entries {
    ($map:ident) => {};
    ($map:ident ,) => {};
    ($map:ident $key:tt : $($rest:tt)+) => { $crate::json_entries!(@value $map $key () $($rest)+) };
    (@value $map:ident $key:tt ($($value:tt)+) , $($rest:tt)*) => {
        $map.insert(::std::string::String::from($key), $crate::json::json!($($value)+));
        $crate::json_entries!($map $($rest)*);
    };
    (@value $map:ident $key:tt ($($value:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_entries!(@value $map $key ($($value)* $next) $($rest)*)
    };
    (@value $map:ident $key:tt ($($value:tt)+)) => {
        $map.insert(::std::string::String::from($key), $crate::json::json!($($value)+));
    };
}

/// The items of a `json!` array, one at a time.
#[doc(hidden)]
#[macro_export]
macro_rules! json_items {
    ($items:ident ()) => {};
    ($items:ident ($($item:tt)+) , $($rest:tt)*) => {
        $items.push($crate::json::json!($($item)+));
        $crate::json_items!($items () $($rest)*);
    };
    ($items:ident ($($item:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_items!($items ($($item)* $next) $($rest)*)
    };
    ($items:ident ($($item:tt)+)) => {
        $items.push($crate::json::json!($($item)+));
    };
}

/// An empty list for `json!` to fill.
#[doc(hidden)]
pub fn new_list() -> Vec<Value> {
    Vec::new()
}

#[cfg(test)]
mod tests;
