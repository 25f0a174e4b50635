//! Helpers shared by the property, catalogue and log tests: an independent reading of the spec's
//! text cleaning and a generator of System Two events driven by the layouts (line splitting,
//! the seeded generator and the batch contract are in `testkit`, shared with the fuzz targets).
//!
//! The cleaning here is written from system-one-records.md ("Text"), not from the library, so
//! that the tests compare two readings of the spec.

#![allow(dead_code)]

pub(crate) mod capture;
pub(crate) mod emf;
pub(crate) mod log_schema;

use base64::Engine;
use serde_json::{json, Map, Value};
use shim::config::Config;
use shim::firehose::{FirehoseEvent, FirehoseRecord};
use shim::layout::Version;
use shim::layout::{Field, Kind, Rule};
use shim::{Stream, Transformer};
use testkit::rng::Rng;

pub(crate) const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub(crate) fn b64(bytes: impl AsRef<[u8]>) -> String {
    B64.encode(bytes)
}

pub(crate) fn transformer(stream: Stream) -> Transformer {
    Transformer::new(stream, Config::with_zone(None).unwrap())
}

pub(crate) fn event(records: impl IntoIterator<Item = (String, String)>) -> FirehoseEvent<'static> {
    FirehoseEvent {
        invocation_id: Some("test".into()),
        records: records
            .into_iter()
            .map(|(record_id, data)| FirehoseRecord {
                record_id: record_id.into(),
                data: data.into(),
                ..FirehoseRecord::default()
            })
            .collect(),
        ..FirehoseEvent::default()
    }
}

/// Spec "Text" step 1: C0 controls except TAB, LF, CR; DEL and C1 (NEL included).
fn removed(c: char) -> bool {
    let n = u32::from(c);
    (n <= 0x1f && !matches!(c, '\t' | '\n' | '\r')) || (0x7f..=0x9f).contains(&n)
}

/// Spec "Text" step 2: the listed Unicode White_Space characters.
fn white(c: char) -> bool {
    let n = u32::from(c);
    (0x09..=0x0d).contains(&n)
        || (0x2000..=0x200a).contains(&n)
        || [0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000].contains(&n)
}

/// Cleaning: remove controls, then trim white space at both ends.
pub(crate) fn clean(raw: &str) -> String {
    let kept: String = raw.chars().filter(|&c| !removed(c)).collect();
    kept.trim_matches(white).to_owned()
}

/// What a TEXT field of `width` makes of a cleaned value: `Ok(text, cut)` or `Err(())` when it
/// is too long for a field that may not be cut.
pub(crate) fn fit(cleaned: &str, width: usize, truncate: bool) -> Result<(String, bool), ()> {
    if cleaned.chars().count() <= width {
        return Ok((cleaned.to_owned(), false));
    }
    if !truncate {
        return Err(());
    }
    let cut: String = cleaned.chars().take(width).collect();
    Ok((cut.trim_end_matches(white).to_owned(), true))
}

/// What a reader gets back after unescaping: the escape maps U+2028 and U+2029 to `\n`.
pub(crate) fn as_read(text: &str) -> String {
    text.replace(['\u{2028}', '\u{2029}'], "\n")
}

/// Characters that exercise every text rule: separators, escapes, controls, white space that
/// is trimmed and white space that is not, multi-byte characters.
const TEXT_CHARS: &[char] = &[
    'a', 'b', 'Z', '7', ' ', ' ', '.', '@', '"', '\'', '|', '\\', '\n', '\r', '\t', '\u{0}', '\u{1}', '\u{b}',
    '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{2028}', '\u{2029}', '\u{3000}',
    '\u{200b}', '\u{feff}', '\u{180e}', 'é', 'ß', 'Ж', '中', '😀', '\u{301}',
];

const CODE_CHARS: &[u8] = b"ABCXYZabcxyz0123456789._/-";

/// What a generated field should come out as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expect {
    /// A text-like field: exactly this unescaped text ("" when absent).
    Text(String),
    /// Some valid value whose text this test does not predict.
    Any,
    /// Absent: an empty field.
    Empty,
}

/// A generated event and what the transformation must make of it.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub stream: Stream,
    pub version: Version,
    pub action: &'static str,
    pub document: Value,
    /// One per layout field.
    pub fields: Vec<Expect>,
    /// TEXT T fields that must be cut.
    pub truncated: Vec<&'static str>,
    /// `Some(tag)` when the record must fail (a text too long, a required field empty).
    pub failure: Option<String>,
}

impl Generated {
    pub(crate) fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.document).unwrap()
    }

    pub(crate) fn data(&self) -> String {
        b64(self.bytes())
    }
}

fn raw_text(gen: &mut Rng, max: usize) -> String {
    let len = gen.below(max as u64 + 1) as usize;
    (0..len).map(|_| gen.pick(TEXT_CHARS)).collect()
}

fn padded(gen: &mut Rng, core: String) -> String {
    let pads = [" ", "\t", "\u{a0}", "\u{0}", "\u{3000}", "\n"];
    let mut text = core;
    if gen.percent(20) {
        text = format!("{}{text}", gen.pick(&pads));
    }
    if gen.percent(20) {
        let pad = gen.pick::<&str>(&pads);
        text.push_str(pad);
    }
    text
}

fn decimal_text(scaled: i64, places: u32) -> String {
    if places == 0 {
        return scaled.to_string();
    }
    let unit = 10_i64.pow(places);
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    format!("{sign}{}.{:0width$}", magnitude / unit as u64, magnitude % unit as u64, width = places as usize)
}

/// A DEC value as a JSON number or a string, in some valid notation.
fn decimal_value(gen: &mut Rng, scaled: i64, places: u32) -> Value {
    let mut text = decimal_text(scaled, places);
    if gen.percent(30) {
        text.push_str("00");
    }
    if gen.percent(40) {
        Value::String(text)
    } else {
        Value::Number(text.parse().unwrap())
    }
}

fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((group, rest)) => {
            let entry = map.entry(group.to_owned()).or_insert_with(|| json!({}));
            if !entry.is_object() {
                *entry = json!({});
            }
            if let Value::Object(inner) = entry {
                set_path(inner, rest, value);
            }
        }
    }
}

fn date(gen: &mut Rng) -> (i64, i64, i64) {
    (gen.range(1900, 2099), gen.range(1, 12), gen.range(1, 28))
}

fn timestamp(gen: &mut Rng) -> Value {
    let seconds = gen.range(1_000_000_000, 3_000_000_000);
    if gen.percent(50) {
        json!(seconds)
    } else {
        let (y, m, d) = (gen.range(1971, 2090), gen.range(1, 12), gen.range(1, 28));
        let (h, min, s) = (gen.range(0, 23), gen.range(0, 59), gen.range(0, 59));
        let fraction = if gen.percent(30) { ".5" } else { "" };
        let zone = gen.pick(&["Z", "z", "+05:30", "-07:00", "-00:00"]);
        json!(format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}{fraction}{zone}"))
    }
}

/// One field's JSON value (`None`: leave the member out) and its expectation; `decimals`
/// collects DEC(2) values by field name, for the sum rule.
fn field_value(
    gen: &mut Rng,
    field: &Field,
    version: Version,
    required: bool,
    decimals: &mut Vec<(&'static str, i64)>,
) -> (Option<Value>, Expect) {
    // v2 `weight` is an object, missing or null: "" there is not absent but a wrong type.
    let forms = if matches!(field.kind.for_version(version), Kind::WeightLb) { 2 } else { 3 };
    let absent = |gen: &mut Rng| -> (Option<Value>, Expect) {
        match gen.below(forms) {
            0 => (None, Expect::Empty),
            1 => (Some(Value::Null), Expect::Empty),
            _ => (Some(json!("")), Expect::Empty),
        }
    };
    if !required && gen.percent(25) {
        return absent(gen);
    }
    match field.kind.for_version(version) {
        Kind::Text { width, .. } if field.name == "ARTWORK_URL" => {
            let tail: String = (0..gen.below(60)).map(|_| char::from(gen.pick(b"abcxyz0123456789./-_?=&"))).collect();
            let url = format!("https://{tail}");
            assert!(url.len() <= width);
            (Some(json!(padded(gen, url.clone()))), Expect::Text(url))
        }
        Kind::Text { width, .. } => {
            let raw = raw_text(gen, width + 3);
            let cleaned = clean(&raw);
            (Some(json!(raw)), Expect::Text(cleaned))
        }
        Kind::Code { width } => {
            let len = gen.range(1, width as i64) as usize;
            let core: String = (0..len).map(|_| char::from(gen.pick(CODE_CHARS))).collect();
            let expected = core.to_ascii_uppercase();
            (Some(json!(padded(gen, core))), Expect::Text(expected))
        }
        Kind::Letters(count) => {
            let core: String = (0..count).map(|_| char::from(gen.pick(b"ABCXYZabcxyz"))).collect();
            let expected = core.to_ascii_uppercase();
            (Some(json!(padded(gen, core))), Expect::Text(expected))
        }
        Kind::Enum(table) => {
            let (name, code) = gen.pick(table);
            let spelled: String =
                name.chars().map(|c| if gen.percent(30) { c.to_ascii_uppercase() } else { c }).collect();
            (Some(json!(padded(gen, spelled))), Expect::Text(code.to_owned()))
        }
        Kind::Int => {
            // QTY stays small: a derived EXT_PRICE must fit DECIMAL(15,2).
            let n =
                if field.name != "QTY" && gen.percent(10) { gen.range(1, i64::MAX - 1) } else { gen.range(1, 99_999) };
            let value = match gen.below(4) {
                0 => json!(n.to_string()),
                1 if n < 1_000_000 => Value::Number(format!("{n}.0").parse().unwrap()),
                _ => json!(n),
            };
            (Some(value), Expect::Text(n.to_string()))
        }
        Kind::Dec(places) => {
            let scaled = gen.range(0, 999_999_999);
            if places == 2 {
                decimals.push((field.name, scaled));
            }
            (Some(decimal_value(gen, scaled, places)), Expect::Text(decimal_text(scaled, places)))
        }
        Kind::Date => {
            let (y, m, d) = date(gen);
            (Some(json!(format!("{y:04}-{m:02}-{d:02}"))), Expect::Text(format!("{y:04}{m:02}{d:02}")))
        }
        Kind::Timestamp => (Some(timestamp(gen)), Expect::Any),
        Kind::Flag => {
            let flag = gen.percent(50);
            let value = if gen.percent(30) { json!(u8::from(flag)) } else { json!(flag) };
            (Some(value), Expect::Text(if flag { "Y" } else { "N" }.to_owned()))
        }
        Kind::WeightLb => {
            let scaled = gen.range(0, 99_999_999);
            if gen.percent(50) {
                (
                    Some(json!({"value": decimal_value(gen, scaled, 2), "unit": "lb"})),
                    Expect::Text(decimal_text(scaled, 2)),
                )
            } else {
                (Some(json!({"value": decimal_value(gen, scaled, 3), "unit": "kg"})), Expect::Any)
            }
        }
    }
}

pub(crate) const ACTIONS: [&str; 3] = ["created", "updated", "deleted"];

/// A valid-ish event of `stream`: every field generated from its layout entry, text fields
/// full of characters the text rules act on, and the expected outcome worked out by the rules.
pub(crate) fn generate(stream: Stream, version: Version, action: &'static str, seed: u64) -> Generated {
    let mut gen = Rng::new(seed);
    let layout = stream.layout();
    let deleted = action == "deleted";
    let mut payload = Map::new();
    let mut fields = Vec::new();
    let mut truncated = Vec::new();
    let mut failure = None;
    let mut decimals = Vec::new();
    let mut dates = Vec::new();
    for field in layout.fields {
        let Some(path) = field.source.path(version) else {
            fields.push(Expect::Any);
            continue;
        };
        let required = field.rule == Rule::Key || (field.rule == Rule::Required && !deleted);
        let (value, mut expect) = field_value(&mut gen, field, version, required, &mut decimals);
        if let Some(value) = value {
            if matches!(field.kind, Kind::Date) {
                dates.push((field.name, path, value.clone()));
            }
            set_path(&mut payload, path, value);
        }
        if deleted && field.rule != Rule::Key {
            fields.push(Expect::Empty);
            continue;
        }
        if let (Kind::Text { width, truncate }, Expect::Text(cleaned)) = (field.kind, &expect) {
            match fit(cleaned, width, truncate) {
                Ok((text, cut)) => {
                    if cut {
                        truncated.push(field.name);
                    }
                    expect = Expect::Text(text);
                }
                Err(()) => {
                    failure.get_or_insert_with(|| format!("too-long:{}", field.name));
                }
            }
        }
        if expect == Expect::Text(String::new()) {
            expect = Expect::Empty;
        }
        if required && expect == Expect::Empty {
            failure.get_or_insert_with(|| format!("missing:{}", field.name));
        }
        fields.push(expect);
    }
    if !deleted {
        fix_business_rules(stream, version, &mut payload, &mut fields, &decimals, &dates);
    }
    let entity = layout.entity;
    let occurred_at = timestamp(&mut gen);
    let event_id = format!("evt-{}", gen.next_u64());
    let document = match version {
        Version::V2 => json!({
            "schemaVersion": 2,
            "eventId": event_id,
            "eventType": format!("{entity}.{action}"),
            "occurredAt": occurred_at,
            "data": payload,
        }),
        Version::V1 => {
            let mut doc = json!({
                "event_id": event_id,
                "event_type": format!("{entity}.{action}"),
                "occurred_at": occurred_at,
                "payload": payload,
            });
            if gen.percent(50) {
                doc["schema_version"] = json!(1);
            }
            doc
        }
    };
    Generated { stream, version, action, document, fields, truncated, failure }
}

/// Makes the generated values satisfy the cross-field rules: TOTAL is the sum, DUE_DATE is not
/// before INVOICE_DATE (set equal), derived EXT_PRICE and default UOM are not predicted.
fn fix_business_rules(
    stream: Stream,
    version: Version,
    payload: &mut Map<String, Value>,
    fields: &mut [Expect],
    decimals: &[(&'static str, i64)],
    dates: &[(&'static str, &'static str, Value)],
) {
    let layout = stream.layout();
    let position = |name: &str| layout.position(name).unwrap();
    let path = |name: &str| layout.fields[position(name)].source.path(version).unwrap();
    if layout.position("TOTAL").is_some() {
        let get = |name: &str| decimals.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap();
        let total = get("SUBTOTAL") + get("TAX") + get("FREIGHT");
        set_path(payload, path("TOTAL"), json!(decimal_text(total, 2)));
        fields[position("TOTAL")] = Expect::Text(decimal_text(total, 2));
    }
    if stream == Stream::Invoices {
        if let Some((_, _, invoice_date)) = dates.iter().find(|(n, _, _)| *n == "INVOICE_DATE") {
            if fields[position("DUE_DATE")] != Expect::Empty {
                set_path(payload, path("DUE_DATE"), invoice_date.clone());
                fields[position("DUE_DATE")] = fields[position("INVOICE_DATE")].clone();
            }
        }
    }
    for derived in ["EXT_PRICE", "UOM"] {
        if let Some(at) = layout.position(derived) {
            if fields[at] == Expect::Empty {
                fields[at] = Expect::Any;
            }
        }
    }
}

/// Checks an `Ok` line against what the generator expects.
pub(crate) fn check_expected(generated: &Generated, line: &str, truncated: &[&'static str]) {
    let fields = testkit::contract::check_line(generated.stream, line);
    let action = match generated.action {
        "created" => "A",
        "updated" => "C",
        _ => "D",
    };
    assert_eq!(fields[1], action, "action of {line:?}");
    for ((field, expect), got) in generated.stream.layout().fields.iter().zip(&generated.fields).zip(&fields[2..]) {
        match expect {
            Expect::Text(text) => assert_eq!(got, &as_read(text), "{} in {line:?}", field.name),
            Expect::Empty => assert_eq!(got, "", "{} in {line:?}", field.name),
            Expect::Any => assert!(!got.is_empty(), "{} in {line:?}", field.name),
        }
    }
    assert_eq!(truncated, generated.truncated.as_slice(), "truncated fields of {line:?}");
}
