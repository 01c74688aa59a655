//! JSON text in and out. In the wasm the browser does the work (`JSON.parse`,
//! `JSON.stringify`) and serde-wasm-bindgen bridges its objects to serde; natively
//! serde_json does, so the same readers run in the tests.

use super::de::{from_value, Error};
use super::value::Value;
use serde::de::{DeserializeOwned, DeserializeSeed};
use serde::Serialize;
use std::marker::PhantomData;

/// Reads JSON text as a [`Value`].
pub fn parse(text: &str) -> Result<Value, Error> {
    read_with(text, PhantomData::<Value>)
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

/// Reads JSON text with a hand-written reader (`seed`), in one pass.
#[cfg(target_arch = "wasm32")]
pub fn read_with<T>(text: &str, seed: impl for<'de> DeserializeSeed<'de, Value = T>) -> Result<T, Error> {
    let parsed = js_sys::JSON::parse(text).map_err(|_| Error::new("not JSON"))?;
    seed.deserialize(serde_wasm_bindgen::Deserializer::from(parsed))
        .map_err(|e| Error::new(e.to_string()))
}

/// Reads JSON text with a hand-written reader (`seed`), in one pass.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_with<T>(text: &str, seed: impl for<'de> DeserializeSeed<'de, Value = T>) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let out = seed.deserialize(&mut de).map_err(|e| Error::new(e.to_string()))?;
    de.end().map_err(|e| Error::new(e.to_string()))?;
    Ok(out)
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
