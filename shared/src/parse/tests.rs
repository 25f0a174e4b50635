//! The strict parser's rules, one test per rule.

use super::scalar::find_string_special;
use super::*;

use serde_json::Value;

fn parse(text: &str) -> Result<Value, Reason> {
    document(text).map(|object| Value::Object(object.to_map()))
}

#[test]
fn parses_every_value_form() {
    let text = r#" {"a": [1, -2.5e3, 0.10, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}} "#;
    let expected: Value = serde_json::from_str(text).unwrap();
    assert_eq!(parse(text), Ok(expected));
}

#[test]
fn keeps_number_digits_exactly() {
    let Ok(value) = parse(r#"{"n": 0.1000000000000000000001, "big": 1e400, "e": 1.5E-2}"#) else {
        panic!("valid document")
    };
    let text = |key: &str| value.get(key).and_then(Value::as_number).map(|n| n.as_str().to_owned());
    assert_eq!(text("n").as_deref(), Some("0.1000000000000000000001"));
    assert_eq!(text("big").as_deref(), Some("1e+400"));
    assert_eq!(text("e").as_deref(), Some("1.5e-2"));
}

#[test]
fn rejects_what_strict_json_rejects() {
    for bad in [
        "",
        "\u{feff}{}",
        "{",
        r#"{"a":1,}"#,
        r#"{"a":NaN}"#,
        r#"{"a":Infinity}"#,
        r#"{"a":+1}"#,
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":.5}"#,
        r#"{"a":1e}"#,
        r#"{'a':1}"#,
        "{\"a\":1} // c",
        "{\"a\":\"\u{1}\"}",
        r#"{"a":"\x"}"#,
        r#"{"a":"\u12"}"#,
        r#"{"a":1}{}"#,
        r#"{"a" 1}"#,
        "{\"a\":1}\u{a0}",
        r#"{"a":tru}"#,
    ] {
        assert_eq!(parse(bad), Err(Reason::Json), "{bad:?}");
    }
}

#[test]
fn top_level_must_be_an_object() {
    for bad in ["[]", "null", "1", "\"a\""] {
        assert_eq!(parse(bad), Err(Reason::NotObject), "{bad:?}");
    }
}

#[test]
fn duplicate_names_fail_after_unescaping() {
    assert_eq!(parse(r#"{"a":1,"a":2}"#), Err(Reason::DuplicateName));
    assert_eq!(parse(r#"{"a":1,"\u0061":2}"#), Err(Reason::DuplicateName));
    assert_eq!(parse(r#"{"x":{"a":[{"b":1,"b":1}]}}"#), Err(Reason::DuplicateName));
    assert!(parse(r#"{"a":{"a":1}}"#).is_ok());
}

#[test]
fn unpaired_surrogates_fail_anywhere() {
    for bad in [r#"{"a":"\ud800"}"#, r#"{"a":"\udc00\ud800"}"#, r#"{"\udfff":1}"#, r#"{"a":"\ud800\u0041"}"#] {
        assert_eq!(parse(bad), Err(Reason::LoneSurrogate), "{bad:?}");
    }
}

#[test]
fn nesting_is_limited_to_64_levels() {
    let nested = |levels: usize| format!("{}{}", "{\"a\":".repeat(levels - 1) + "{", "}".repeat(levels));
    assert!(parse(&nested(64)).is_ok());
    assert_eq!(parse(&nested(65)), Err(Reason::TooDeep));
    let arrays = |levels: usize| format!("{{\"a\":{}{}}}", "[".repeat(levels - 1), "]".repeat(levels - 1));
    assert!(parse(&arrays(64)).is_ok());
    assert_eq!(parse(&arrays(65)), Err(Reason::TooDeep));
    assert_eq!(parse(&arrays(100_000)), Err(Reason::TooDeep));
}

#[test]
fn skipped_members_obey_every_rule() {
    let interest = Interest::reading(["number", "amount"]);
    let cases = [
        (r#"{"x":{"a":1,"a":2}}"#, Err(Reason::DuplicateName)),
        (r#"{"x":1,"x":2}"#, Err(Reason::DuplicateName)),
        (r#"{"x":{"a\u0062":1,"ab":2}}"#, Err(Reason::DuplicateName)),
        (r#"{"x":["\ud800"]}"#, Err(Reason::LoneSurrogate)),
        (r#"{"\udc00":1}"#, Err(Reason::LoneSurrogate)),
        (r#"{"x":[1,]}"#, Err(Reason::Json)),
        (r#"{"x":01}"#, Err(Reason::Json)),
        (r#"{"x":"\x"}"#, Err(Reason::Json)),
        (r#"{"x":nul}"#, Err(Reason::Json)),
        (r#"{"x":{"a":1,"b":[true,false,null,-1.5e3,"s"],"c":{}}}"#, Ok(())),
    ];
    for (text, expected) in cases {
        assert_eq!(document_of_interest(text, &interest).map(drop), expected, "{text}");
        assert_eq!(document(text).map(drop), expected, "{text}");
    }
    // Past the linear scan's few names, duplicates are still found, skipped or built.
    let members: Vec<String> = (0..40).map(|i| format!("\"m{i}\":{i}")).collect();
    for dup in [0, 15, 16, 39] {
        let text = format!("{{\"x\":{{{},\"m{dup}\":0}}}}", members.join(","));
        assert_eq!(document_of_interest(&text, &interest).map(drop), Err(Reason::DuplicateName), "{dup}");
        let text = format!("{{{},\"m{dup}\":0}}", members.join(","));
        assert_eq!(document_of_interest(&text, &interest).map(drop), Err(Reason::DuplicateName), "{dup}");
        assert_eq!(document(&text).map(drop), Err(Reason::DuplicateName), "{dup}");
    }
    let text = format!("{{\"x\":{{{}}},{}}}", members.join(","), members.join(","));
    assert!(document_of_interest(&text, &interest).is_ok());
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(64), "]".repeat(64));
    assert_eq!(document_of_interest(&deep, &interest).map(drop), Err(Reason::TooDeep));
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(63), "]".repeat(63));
    assert!(document_of_interest(&deep, &interest).is_ok());
}

#[test]
fn finds_the_first_special_byte_anywhere() {
    for len in 0..20 {
        for at in 0..len {
            for special in [b'"', b'\\', 0x00, 0x1f] {
                let mut bytes = vec![b'a'; len];
                bytes[at] = special;
                assert_eq!(find_string_special(&bytes), Some(at), "{len} {at} {special}");
            }
        }
        assert_eq!(find_string_special(&vec![0x20; len]), None);
        assert_eq!(find_string_special("é€😀".repeat(len).as_bytes()), None);
    }
}
