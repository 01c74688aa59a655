//! The JSON value type, its macro, and reading and writing it natively.

use super::*;
use serde::{Deserialize, Serialize};

#[test]
fn parse_reads_every_kind_of_value() {
    let v = parse(r#"{"a":[1,-2,3.5,"x",true,null],"b":{"c":"d"},"e":12345678901}"#).unwrap_or_default();
    assert_eq!(v["a"][0].as_u64(), Some(1));
    assert_eq!(v["a"][1].as_i64(), Some(-2));
    assert_eq!(v["a"][1].as_u64(), None);
    assert_eq!(v["a"][2].as_f64(), Some(3.5));
    assert_eq!(v["a"][2].as_i64(), None);
    assert_eq!(v["a"][3], "x");
    assert_eq!(v["a"][4].as_bool(), Some(true));
    assert!(v["a"][5].is_null());
    assert_eq!(v["b"]["c"].as_str(), Some("d"));
    assert_eq!(v["e"].as_u64(), Some(12_345_678_901));
    assert!(v["missing"]["deeper"].is_null());
    assert!(parse("{").is_err());
    assert!(parse("1 2").is_err());
    assert!(parse("").is_err());
}

#[test]
fn display_writes_compact_json_and_whole_numbers_without_a_fraction() {
    let v = json!({"n": 5005, "f": 1.5, "s": "a\"b\\c\n\u{1}", "l": [true, null], "o": {}});
    assert_eq!(v.to_string(), r#"{"f":1.5,"l":[true,null],"n":5005,"o":{},"s":"a\"b\\c\n\u0001"}"#);
    assert_eq!(parse(&v.to_string()), Ok(v));
    assert_eq!(Value::from(f64::NAN), Value::Null);
}

#[test]
fn display_agrees_with_serde_json_for_values() {
    let v = json!({"n": 5005, "neg": -3, "f": 0.25, "big": u64::MAX, "s": "é\u{7f}\"", "a": [1, "x", null, false]});
    assert_eq!(serde_json::to_string(&v).unwrap_or_default(), v.to_string());
}

#[test]
fn the_macro_takes_expressions_by_reference_and_nests() {
    let name = String::from("Ava");
    let maybe: Option<u32> = None;
    let key = "dynamic";
    let list = vec!["a".to_string(), "b".to_string()];
    let v = json!({"name": name, "age": 30 + 1, "none": maybe, key: [1, {"x": null}], "list": list,});
    assert_eq!(name, "Ava", "the macro does not move what it reads");
    assert_eq!(v["name"], "Ava");
    assert_eq!(v["age"].as_u64(), Some(31));
    assert!(v["none"].is_null());
    assert_eq!(v["dynamic"][1], json!({"x": null}));
    assert_eq!(v["list"], json!(["a", "b"]));
    assert_eq!(json!([]), Value::Array(Vec::new()));
    assert_eq!(json!({}), Value::Object(Map::new()));
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Sample {
    call_id: String,
    count: u64,
    #[serde(default)]
    ratio: f64,
    maybe: Option<String>,
    kind: Kind,
    target: Target,
    list: Vec<u8>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Kind {
    Inbound,
    Outbound,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Target {
    Genesys { call_id: String },
    Ozonetel(String),
}

#[test]
fn typed_reads_go_through_the_value_and_round_trip() {
    let text = r#"{"callId":"c1","count":3,"maybe":null,"kind":"Outbound","target":{"Genesys":{"call_id":"x"}},"list":[1,2]}"#;
    let s: Sample = from_str(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.call_id, "c1");
    assert_eq!((s.count, s.ratio, s.maybe.as_deref()), (3, 0.0, None));
    assert_eq!(s.kind, Kind::Outbound);
    assert_eq!(s.target, Target::Genesys { call_id: "x".into() });
    let back: Sample = from_str(&serde_json::to_string(&s).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, s);
    let oz: Target = from_value(json!({"Ozonetel": "u1"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(oz, Target::Ozonetel("u1".into()));
    assert_eq!(parse(&serde_json::to_string(&oz).unwrap_or_default()), Ok(json!({"Ozonetel": "u1"})));
}

#[test]
fn typed_reads_name_what_is_wrong() {
    let unknown = from_str::<Sample>(r#"{"callId":"c","count":1,"kind":"Inbound","target":{"Ozonetel":"u"},"list":[],"bogus":1}"#);
    assert!(unknown.is_err_and(|e| e.to_string().contains("unknown field `bogus`")));
    let missing = from_value::<Sample>(json!({"count": 1}));
    assert!(missing.is_err_and(|e| e.to_string().contains("missing field `callId`")));
    let wrong = from_value::<Sample>(json!({"callId": "c", "count": 1.5, "kind": "Inbound", "target": {"Ozonetel": "u"}, "list": []}));
    assert!(wrong.is_err());
    let variant = from_value::<Kind>(json!("Sideways"));
    assert!(variant.is_err_and(|e| e.to_string().contains("Sideways")));
}

#[test]
fn text_that_is_not_json_is_refused_with_where_it_stopped() {
    assert_eq!(parse("{\"a\":}").unwrap_err().to_string(), "line 1, column 6");
    assert_eq!(parse("[1,\n 2,").unwrap_err().to_string(), "line 2, column 3");
    assert!(parse("").is_err() && parse("{} x").is_err());
}

#[test]
fn values_nested_too_deeply_are_refused_not_overflowing() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&deep(100)).is_ok());
    assert!(parse(&deep(5_000)).is_err());
    // The value's own limit (what guards the browser's parsed objects): a source that
    // nests without limit — here a `Value` read as a deserializer — is cut at 128.
    let nest = |n: usize| (0..n).fold(Value::Null, |inner, _| Value::Array(vec![inner]));
    assert!(<Value as Deserialize>::deserialize(nest(120)).is_ok());
    assert!(<Value as Deserialize>::deserialize(nest(200)).is_err_and(|e| e.to_string().contains("too deeply")));
}

#[test]
fn index_mut_builds_objects() {
    let mut v = Value::Null;
    v["a"]["b"] = json!(1);
    assert_eq!(v, json!({"a": {"b": 1}}));
    assert_eq!(v.get_mut("a").and_then(|a| a.as_object_mut()).map(|m| m.len()), Some(1));
    assert_eq!(v["a"].take(), json!({"b": 1}));
    assert_eq!(v, json!({"a": null}));
    let mut w = json!({"data": {"calls": [{"id": "c1"}], "a/b": 1}});
    if let Some(id) = w.pointer_mut("/data/calls/0/id") {
        *id = json!("c2");
    }
    assert_eq!(w["data"]["calls"][0]["id"], "c2");
    assert!(w.pointer_mut("/data/a~1b").is_some());
    assert!(w.pointer_mut("/data/calls/9").is_none());
}

#[test]
fn string_lists_read_by_hand() {
    assert_eq!(read::strings_from_text(r#"["a","é"]"#), Some(vec!["a".to_string(), "é".to_string()]));
    assert_eq!(read::strings_from_text("[]"), Some(Vec::new()));
    assert_eq!(read::strings_from_text(r#"["a",1]"#), None);
    assert_eq!(read::strings_from_text(r#"{"a":1}"#), None);
    assert_eq!(read::strings_from_text("nope"), None);
}
