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

/// The reader's reference: serde_json's parser, read into a `Value` through serde (how
/// the widget read text before it had its own reader).
fn serde_json_reads(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text).ok()
}

#[test]
fn the_reader_reads_what_serde_json_reads() {
    let texts = [
        r#" {"channel":"/v2/me/calls","data":{"call":{"id":"c1","state":"Ringing","userData":{"a":"é","b":[1,2.5,-3,true,null]}}}} "#,
        r#"[{"id":"1","successful":true,"advice":{"reconnect":"retry","interval":0,"timeout":20000}}]"#,
        "\"tab\\tnew\\nline \\\"quoted\\\" \\\\ \\/ \\b\\f\\r \\u00e9 \\u0915 \\ud83d\\ude00\"",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "[0, -1, 1e2, 1E+2, 2.5e-3, -0.0, 1.0, 123456789012345678901234567890]",
        "{\"dup\":1,\"dup\":2,\"b\":{},\"a\":[]}",
        "\t\r\n null \n",
        "{\"é\":\"ü\",\"\":\"\"}",
    ];
    for text in texts {
        assert_eq!(Ok(serde_json_reads(text).unwrap_or_else(|| panic!("reference refused {text}"))), parse(text), "{text}");
    }
    // Both refuse: not JSON, half a surrogate pair, raw control characters, numbers JSON
    // does not allow or a double cannot hold, anything after the value.
    let refused = [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "[1 2]", "tru", "nul", "True",
        "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1e400", "-1e400", "NaN",
        "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\x\"", "\"\\u12G4\"", "\"a\nb\"", "\"\u{1}\"", "\"open",
        "{} x", "[] []", "\"a\" \"b\"",
    ];
    for text in refused {
        assert_eq!(serde_json_reads(text), None, "the reference takes {text:?}");
        assert!(parse(text).is_err(), "{text:?} is not JSON");
    }
}

#[test]
fn whole_numbers_are_exact_to_64_bits_and_larger_ones_doubles() {
    assert_eq!(parse("18446744073709551615").ok().and_then(|v| v.as_u64()), Some(u64::MAX));
    assert_eq!(parse("-9223372036854775808").ok().and_then(|v| v.as_i64()), Some(i64::MIN));
    assert_eq!(parse("18446744073709551616").ok().and_then(|v| v.as_f64()), Some(18446744073709551616.0));
    assert_eq!(parse("18446744073709551616").ok().and_then(|v| v.as_u64()), None);
    assert_eq!(parse("-0").ok().and_then(|v| v.as_f64()).map(f64::is_sign_negative), Some(true));
    assert_eq!(parse("0.1").ok().and_then(|v| v.as_f64()), Some(0.1));
    assert_eq!(parse("1.7976931348623157e308").ok().and_then(|v| v.as_f64()), Some(f64::MAX));
}

#[test]
fn the_reader_stops_at_128_levels() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&deep(128)).is_ok());
    assert_eq!(parse(&deep(129)).unwrap_err().to_string(), "line 1, column 129");
    let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    assert!(parse(&objects(128)).is_ok() && parse(&objects(129)).is_err());
}

mod reader_properties {
    use super::*;
    use proptest::prelude::*;

    /// JSON-like text: pieces of JSON (some of them broken) in any order.
    fn json_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just(" "), Just("\n"),
            Just("\"k\""), Just("\"é\\n\\u0041\""), Just("\"\\ud83d\\ude00\""), Just("\"\\ud83d\""), Just("\""),
            Just("0"), Just("-"), Just("12"), Just("-7"), Just("3.25"), Just("1e3"), Just("."), Just("e"),
            Just("true"), Just("null"), Just("fals"), Just("\\"), Just("x"),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    /// Values as a server writes them, whitespace and all.
    fn written() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            (-1_000_000i32..1_000_000, 0u32..4).prop_map(|(m, e)| serde_json::Value::from(f64::from(m) / 10f64.powi(e as i32))),
            any::<String>().prop_map(serde_json::Value::from),
        ];
        let value = leaf.prop_recursive(5, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-zA-Z_é]{0,8}", inner), 0..8)
                    .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
            ]
        });
        (value, any::<bool>()).prop_map(|(v, pretty)| {
            if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.unwrap_or_default()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn takes_and_refuses_what_serde_json_does(text in json_like()) {
            let reference = serde_json_reads(&text);
            let ours = parse(&text).ok();
            prop_assert_eq!(ours, reference, "{:?}", text);
        }

        #[test]
        fn reads_every_written_value_as_serde_json_does(text in written()) {
            let reference = serde_json_reads(&text);
            prop_assert!(reference.is_some());
            prop_assert_eq!(parse(&text).ok(), reference);
        }
    }
}
