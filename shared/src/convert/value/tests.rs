//! One test per type rule and per reason a value can give.

use super::*;
use jiff::tz::TimeZone;
use serde_json::{json, Value};

fn zone() -> TimeZone {
    TimeZone::get("America/Chicago").unwrap()
}

fn run(kind: Kind, value: Value) -> Result<Converted, Reason> {
    let zone = zone();
    let text = json!({ "v": value }).to_string();
    let document = crate::parse::document(&text).unwrap();
    convert(kind, document.get("v"), &Context { name: "F", zone: &zone })
}

/// The System One text of a converted value.
fn out(kind: Kind, value: Value) -> Result<String, Reason> {
    run(kind, value).map(|converted| {
        let mut line = String::new();
        converted.cell.write(&mut line);
        line
    })
}

const TEXT5: Kind = Kind::Text { width: 5, truncate: false };
const TEXT5_T: Kind = Kind::Text { width: 5, truncate: true };

#[test]
fn null_and_empty_are_absent_for_every_type() {
    let kinds = [
        TEXT5,
        Kind::Code { width: 3 },
        Kind::Letters(3),
        Kind::Int,
        Kind::Dec(2),
        Kind::Date,
        Kind::Timestamp,
        Kind::Flag,
        Kind::Enum(&[("a", "A")]),
    ];
    for kind in kinds {
        assert_eq!(run(kind, json!(null)), Ok(Cell::Absent.into()), "{kind:?}");
        assert_eq!(run(kind, json!("")), Ok(Cell::Absent.into()), "{kind:?}");
    }
    let zone = zone();
    assert_eq!(convert(Kind::Int, None, &Context { name: "F", zone: &zone }), Ok(Cell::Absent.into()));
}

#[test]
fn text_is_cleaned_checked_and_escaped() {
    assert_eq!(out(TEXT5, json!(" a|b\\ ")), Ok("a\\|b\\\\".into()));
    assert_eq!(out(TEXT5, json!("\u{0}\u{85} ")), Ok(String::new()));
    assert_eq!(run(TEXT5, json!("abcdef")), Err(Reason::TooLong("F")));
    assert_eq!(run(TEXT5, json!(12)), Err(Reason::Type("F")));
    assert_eq!(run(TEXT5, json!(["a"])), Err(Reason::Type("F")));
}

#[test]
fn text_t_truncates_and_says_so() {
    assert_eq!(run(TEXT5_T, json!("abcd  ef")), Ok(Converted { cell: Cell::Text("abcd".into()), truncated: true }));
    assert_eq!(run(TEXT5_T, json!("abcde")), Ok(Converted { cell: Cell::Text("abcde".into()), truncated: false }));
}

#[test]
fn codes_are_upper_cased_and_restricted() {
    let code = Kind::Code { width: 6 };
    assert_eq!(out(code, json!(" so-1+ ")), Err(Reason::Charset("F")));
    assert_eq!(out(code, json!("a._/-")), Ok("A._/-".into()));
    assert_eq!(out(code, json!(" so-1/a ")), Ok("SO-1/A".into()));
    assert_eq!(out(code, json!("SO\u{0}-1")), Ok("SO-1".into()));
    assert_eq!(out(code, json!("a b")), Err(Reason::Charset("F")));
    assert_eq!(out(code, json!("straße")), Err(Reason::Charset("F")));
    assert_eq!(out(code, json!("ABCDEFG")), Err(Reason::TooLong("F")));
    assert_eq!(out(code, json!(2134)), Err(Reason::Type("F")));
    assert_eq!(out(code, json!("   ")), Ok(String::new()));
}

#[test]
fn letter_codes_need_exactly_their_letters() {
    assert_eq!(out(Kind::Letters(3), json!("usd")), Ok("USD".into()));
    for bad in ["US", "USDX", "U5D", "ÜSD"] {
        assert_eq!(out(Kind::Letters(3), json!(bad)), Err(Reason::Charset("F")), "{bad}");
    }
}

#[test]
fn ints_in_any_integral_notation() {
    assert_eq!(out(Kind::Int, json!(42)), Ok("42".into()));
    assert_eq!(out(Kind::Int, serde_json::from_str::<Value>("3e2").unwrap()), Ok("300".into()));
    assert_eq!(out(Kind::Int, serde_json::from_str::<Value>("3.0").unwrap()), Ok("3".into()));
    assert_eq!(out(Kind::Int, json!("007")), Ok("7".into()));
    assert_eq!(out(Kind::Int, json!("-0")), Ok("0".into()));
    assert_eq!(out(Kind::Int, serde_json::from_str::<Value>("3.5").unwrap()), Err(Reason::Precision("F")));
    assert_eq!(out(Kind::Int, json!("9223372036854775808")), Err(Reason::Range("F")));
    for bad in ["+1", " 1", "1.0", "1e2", "0x1", "--1"] {
        assert_eq!(out(Kind::Int, json!(bad)), Err(Reason::Format("F")), "{bad}");
    }
    assert_eq!(out(Kind::Int, json!(true)), Err(Reason::Type("F")));
}

#[test]
fn decimals_are_exact() {
    assert_eq!(out(Kind::Dec(2), serde_json::from_str::<Value>("12.500").unwrap()), Ok("12.50".into()));
    assert_eq!(out(Kind::Dec(2), serde_json::from_str::<Value>("-0.0").unwrap()), Ok("0.00".into()));
    assert_eq!(out(Kind::Dec(4), json!("0.1")), Ok("0.1000".into()));
    assert_eq!(out(Kind::Dec(2), json!("0012.5")), Ok("12.50".into()));
    assert_eq!(out(Kind::Dec(2), serde_json::from_str::<Value>("0.125").unwrap()), Err(Reason::Precision("F")));
    assert_eq!(out(Kind::Dec(2), json!("10000000000000")), Err(Reason::Range("F")));
    for bad in ["1e2", "1.", ".5", "1,000.00", " 1", "$1"] {
        assert_eq!(out(Kind::Dec(2), json!(bad)), Err(Reason::Format("F")), "{bad}");
    }
    assert_eq!(out(Kind::Dec(2), json!(false)), Err(Reason::Type("F")));
}

#[test]
fn dates_are_real_and_in_range() {
    assert_eq!(out(Kind::Date, json!("2026-11-19")), Ok("20261119".into()));
    assert_eq!(out(Kind::Date, json!("2026-02-29")), Err(Reason::Format("F")));
    assert_eq!(out(Kind::Date, json!("1899-12-31")), Err(Reason::Range("F")));
    assert_eq!(out(Kind::Date, json!("2100-01-01")), Err(Reason::Range("F")));
    assert_eq!(out(Kind::Date, json!(20261119)), Err(Reason::Type("F")));
}

#[test]
fn timestamps_from_strings_and_epoch_numbers() {
    let expected = Ok("20261120140405".to_owned());
    assert_eq!(out(Kind::Timestamp, json!("2026-11-20T15:04:05.123-05:00")), expected);
    assert_eq!(out(Kind::Timestamp, json!(1_795_205_045)), expected);
    assert_eq!(out(Kind::Timestamp, serde_json::from_str::<Value>("1.795205045e9").unwrap()), expected);
    assert_eq!(out(Kind::Timestamp, json!("1795205045")), Err(Reason::Format("F")));
    assert_eq!(
        out(Kind::Timestamp, serde_json::from_str::<Value>("1795205045.5").unwrap()),
        Err(Reason::Precision("F"))
    );
    assert_eq!(out(Kind::Timestamp, serde_json::from_str::<Value>("1e30").unwrap()), Err(Reason::Range("F")));
    assert_eq!(out(Kind::Timestamp, json!(true)), Err(Reason::Type("F")));
}

#[test]
fn flags_are_booleans_or_zero_and_one() {
    assert_eq!(out(Kind::Flag, json!(true)), Ok("Y".into()));
    assert_eq!(out(Kind::Flag, json!(false)), Ok("N".into()));
    assert_eq!(out(Kind::Flag, serde_json::from_str::<Value>("1.0").unwrap()), Ok("Y".into()));
    assert_eq!(out(Kind::Flag, serde_json::from_str::<Value>("0e5").unwrap()), Ok("N".into()));
    assert_eq!(out(Kind::Flag, json!(2)), Err(Reason::Range("F")));
    assert_eq!(out(Kind::Flag, json!("Y")), Err(Reason::Type("F")));
}

#[test]
fn enums_fold_ascii_case_only() {
    let status = Kind::Enum(&[("on_hold", "H"), ("active", "A")]);
    assert_eq!(out(status, json!(" ON_HOLD\t")), Ok("H".into()));
    assert_eq!(out(status, json!("actıve")), Err(Reason::UnknownValue("F")));
    assert_eq!(out(status, json!("on hold")), Err(Reason::UnknownValue("F")));
    assert_eq!(out(status, json!(1)), Err(Reason::Type("F")));
}

#[test]
fn weights_convert_kilograms_exactly() {
    let weight = |value: Value| out(Kind::WeightLb, value);
    assert_eq!(weight(json!({"value": 10, "unit": "kg"})), Ok("22.05".into()));
    assert_eq!(weight(json!({"value": "2.5", "unit": "kg"})), Ok("5.51".into()));
    assert_eq!(weight(json!({"value": 12.5, "unit": "lb"})), Ok("12.50".into()));
    assert_eq!(weight(json!({"value": null, "unit": "stone"})), Ok(String::new()));
    assert_eq!(weight(json!({})), Ok(String::new()));
    assert_eq!(
        weight(serde_json::from_str::<Value>(r#"{"value": 12.345, "unit": "lb"}"#).unwrap()),
        Err(Reason::Precision("F"))
    );
    assert_eq!(weight(json!({"value": 5, "unit": "KG"})), Err(Reason::UnknownValue("F")));
    assert_eq!(weight(json!({"value": 5})), Err(Reason::UnknownValue("F")));
    assert_eq!(weight(json!({"value": true, "unit": "kg"})), Err(Reason::Type("F")));
    assert_eq!(weight(json!(5)), Err(Reason::Type("F")));
    assert_eq!(weight(json!("")), Err(Reason::Type("F")));
}
