//! JSON between the wasm and the host page's JavaScript: plain objects, arrays and
//! values to and from a [`Value`] through js-sys. (Text is read by [`super::parse`], in
//! the wasm: reading it through the browser's `JSON.parse` and walking the parsed objects
//! is four to five times slower per CometD message, as every key and string crosses the
//! JavaScript boundary one by one — `scripts/bench-cometd.sh` measured 0.53× / 0.26× the
//! official client, client only.)

use super::de::{Error, MAX_DEPTH};
use super::value::Value;
use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript value — a plain object, array, string, number, boolean, `null` or
/// `undefined` (read as `null`) — as a [`Value`]. Functions, symbols and big integers
/// cannot be read; numbers that are not finite read as `null`, as `JSON.stringify` writes
/// them.
pub fn from_js(js: JsValue) -> Result<Value, Error> {
    js_value(&js, 0)
}

fn js_value(js: &JsValue, depth: u16) -> Result<Value, Error> {
    if js.is_null() || js.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = js.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = js.as_f64() {
        return Ok(Value::from_js_number(n));
    }
    if let Some(s) = js.as_string() {
        return Ok(Value::String(s));
    }
    if depth >= MAX_DEPTH {
        return Err(Error::new("nested too deeply"));
    }
    if js_sys::Array::is_array(js) {
        let mut items = Vec::new();
        for item in js_sys::Array::from(js).iter() {
            items.push(js_value(&item, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    match js.dyn_ref::<js_sys::Object>() {
        Some(object) if !js.is_function() => {
            let mut members = super::Map::new();
            for entry in js_sys::Object::entries(object).iter() {
                let entry = js_sys::Array::from(&entry);
                let key = entry.get(0).as_string().unwrap_or_default();
                members.insert(key, js_value(&entry.get(1), depth + 1)?);
            }
            Ok(Value::Object(members))
        }
        _ => Err(Error::new("not a plain value (a function, a symbol or a big integer)")),
    }
}

/// A [`Value`] as a plain JavaScript value (objects, arrays, strings, numbers, booleans,
/// `null`).
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or_default()),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(to_js).collect::<js_sys::Array>().into(),
        Value::Object(members) => {
            let object = js_sys::Object::new();
            for (key, item) in members {
                let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &to_js(item));
            }
            object.into()
        }
    }
}
