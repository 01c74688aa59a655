//! JSON text in and out. Text is read by serde_json's parser into a [`Value`] — its one
//! use in the widget, so the parser is compiled once — and written by the browser's
//! `JSON.stringify` (natively by serde_json), so no JSON formatter ships in the wasm.
//!
//! Reading through the browser (`JSON.parse`, then serde-wasm-bindgen walking the parsed
//! objects) is ~10 KB smaller but four to five times slower per CometD message, as every
//! key and string crosses the JavaScript boundary one by one (`scripts/bench-cometd.sh`:
//! 0.53× / 0.26× the official client, client only); the parser in the wasm keeps the
//! Bayeux client ahead of it.

use super::de::{from_value, Error};
use super::value::Value;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Reads JSON text as a [`Value`] (values nested deeper than 128 are refused).
pub fn parse(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::new(e.to_string()))
}

/// Reads JSON text as a `T` (through a [`Value`], see [`from_value`]).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    from_value(parse(text)?)
}

/// Converts anything serialisable into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    #[cfg(target_arch = "wasm32")]
    {
        from_js(to_js(value)?)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let v = serde_json::to_value(value).map_err(|e| Error::new(e.to_string()))?;
        serde::Deserialize::deserialize(v).map_err(|e: serde_json::Error| Error::new(e.to_string()))
    }
}

/// Writes compact JSON text.
#[cfg(target_arch = "wasm32")]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let js = to_js(value)?;
    js_sys::JSON::stringify(&js)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::new("not serialisable as JSON"))
}

/// Writes compact JSON text.
#[cfg(not(target_arch = "wasm32"))]
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::new(e.to_string()))
}

/// A JavaScript value (a plain object, array, string, number, boolean or null) as a [`Value`].
pub fn from_js(js: wasm_bindgen::JsValue) -> Result<Value, Error> {
    serde::Deserialize::deserialize(serde_wasm_bindgen::Deserializer::from(js)).map_err(|e| Error::new(e.to_string()))
}

/// Anything serialisable as a plain JavaScript value (objects, not `Map`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<wasm_bindgen::JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::new(e.to_string()))
}
