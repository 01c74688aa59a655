//! The widget's JSON in the browser (wasm-bindgen-test in headless Chromium), as it ships:
//! text read into the widget's value in the wasm and written by the value itself, and the
//! host page's objects converted through js-sys.
#![cfg(target_arch = "wasm32")]

use ccw::cometd::message::decode_batch;
use ccw::cometd::CodecError;
use ccw::config::WidgetConfig;
use ccw::host::tabs::TabMessage;
use ccw::json::{self, json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn parse_reads_every_kind_of_value() {
    let v = json::parse(r#"{"a":[1,-2,3.5,"x\u00e9",true,null],"b":{"c":"d"},"e":12345678901,"big":18446744073709551615}"#)
        .expect("JSON");
    assert_eq!(v["a"][0].as_u64(), Some(1));
    assert_eq!(v["a"][1].as_i64(), Some(-2));
    assert_eq!(v["a"][2].as_f64(), Some(3.5));
    assert_eq!(v["a"][3], "xé");
    assert_eq!(v["a"][4].as_bool(), Some(true));
    assert!(v["a"][5].is_null());
    assert_eq!(v["b"]["c"], "d");
    assert_eq!(v["e"].as_u64(), Some(12_345_678_901));
    assert_eq!(v["big"].as_u64(), Some(u64::MAX));
    // Doubles are read by the browser's parseFloat: correctly rounded, and too large refused.
    assert_eq!(json::parse("[0.1,-2.5e-3,1.7976931348623157e308,1E2]"), Ok(json!([0.1, -0.0025, f64::MAX, 100.0])));
    assert_eq!(json::parse("-0").ok().and_then(|v| v.as_f64()).map(f64::is_sign_negative), Some(true));
    assert_eq!(json::parse(r#""\ud83d\ude00 \u0915\n""#), Ok(json!("😀 क\n")));
    for bad in ["{", "", "1 2", "{'a':1}", "[1,]", "1e400", "01", "\"\\ud83d\"", "\"a\nb\""] {
        assert!(json::parse(bad).is_err(), "{bad:?} is not JSON");
    }
}

#[wasm_bindgen_test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(json::parse(&deep(100)).is_ok());
    assert!(json::parse(&deep(5_000)).is_err());
    assert!(json::parse(&deep(200_000)).is_err());
    assert_eq!(decode_batch(deep(5_000).as_bytes()), Err(CodecError::NotJson));
    let deep_data = format!(r#"[{{"channel":"/v2/me/calls","data":{}}}]"#, deep(5_000));
    assert!(decode_batch(deep_data.as_bytes()).is_err(), "a message whose data nests too deeply is refused");
}

#[wasm_bindgen_test]
fn text_written_by_the_value_reads_back_the_same() {
    let v = json!({"n": 5005, "neg": -3, "f": 0.25, "s": "a\"b\\c\n\u{1}é", "l": [true, null, {}], "big": u64::MAX});
    let text = v.to_string();
    let back = json::parse(&text).expect("JSON");
    assert_eq!(back["s"], v["s"]);
    assert_eq!(back["n"].as_u64(), Some(5005));
    assert_eq!(back["neg"].as_i64(), Some(-3));
    assert_eq!(back["f"].as_f64(), Some(0.25));
    assert_eq!(back["l"], json!([true, null, {}]));
    assert!(back["big"].as_f64().is_some(), "a number beyond 2^53 is written as a number: {text}");
    // Doubles are written by the browser: the shortest text that reads back the same.
    let floats = json!([1e-7, 1e21, -2.5, 0.1, 123456.789]);
    let floats_text = floats.to_string();
    assert_eq!(floats_text, "[1e-7,1e+21,-2.5,0.1,123456.789]");
    assert_eq!(json::parse(&floats_text), Ok(floats));
    // The value's own text is the same JSON.
    assert_eq!(json::parse(&v.to_string()).map(|p| p["s"].clone()), Ok(v["s"].clone()));
}

#[wasm_bindgen_test]
fn javascript_objects_convert_both_ways() {
    let js = js_sys::JSON::parse(r#"{"a":{"b":[1,"two"]},"n":null}"#).expect("JSON");
    let v = json::from_js(js).expect("a plain object");
    assert_eq!(v, json!({"a": {"b": [1, "two"]}, "n": null}));
    let back = json::to_js(&v);
    let text: String = js_sys::JSON::stringify(&back).ok().and_then(|s| s.as_string()).unwrap_or_default();
    assert_eq!(text, r#"{"a":{"b":[1,"two"]},"n":null}"#, "objects, not Maps");
    assert_eq!(json::from_js(JsValue::UNDEFINED), Ok(json!(null)));
    assert_eq!(json::from_js(JsValue::from_f64(f64::NAN)), Ok(json!(null)));
    assert_eq!(json::from_js(JsValue::from_f64(3.0)).map(|v| v.as_u64()), Ok(Some(3)));
    assert_eq!(json::from_js(JsValue::from_f64(-2.5)).map(|v| v.as_f64()), Ok(Some(-2.5)));
    let f = js_sys::Function::new_no_args("return 1");
    assert!(json::from_js(f.into()).is_err(), "a function is not data");
    let deep = js_sys::JSON::parse(&format!("{}{}", "[".repeat(300), "]".repeat(300))).expect("JSON");
    assert!(json::from_js(deep).is_err(), "nested too deeply");
}

#[wasm_bindgen_test]
fn typed_reads_refuse_unknown_fields_and_name_them() {
    let err = WidgetConfig::from_json(r#"{"gwsUrl":"https://gws.example.com","bogus":1}"#).expect_err("unknown field");
    assert!(err.to_string().contains("bogus"), "{err}");
    let ok = WidgetConfig::from_json(r#"{"gwsUrl":"https://gws.example.com","lang":"hi"}"#).expect("a config");
    assert_eq!(ok.lang, "hi");
}

#[wasm_bindgen_test]
fn cometd_batches_read_as_natively() {
    let batch = decode_batch(br#"[1,{"channel":"/a","id":7},{"channel":"/a","id":"7"},{"channel":5},{"channel":"/v2/me/calls","data":{"x":1},"ext":{"ack":3}}]"#)
        .expect("a batch");
    let ids: Vec<_> = batch.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, vec![Some("7".to_string()), Some("7".to_string()), None]);
    assert_eq!(batch[2].data, Some(json!({"x": 1})));
    assert_eq!(decode_batch(b"42"), Err(CodecError::NotABatch));
    assert_eq!(decode_batch(b"not json"), Err(CodecError::NotJson));
}

#[wasm_bindgen_test]
fn tab_messages_round_trip() {
    let m = TabMessage::Notification { channel: "/v2/me/calls".into(), data: json!({"call": {"id": "c1", "n": [1, 2.5]}}) };
    assert_eq!(TabMessage::decode(&m.encode()), Some(m));
    assert_eq!(TabMessage::decode(r#"{"type":"Here","tab":"b","leader":true}"#), Some(TabMessage::Here { tab: "b".into(), leader: true }));
    assert_eq!(TabMessage::decode("[]"), None);
}
