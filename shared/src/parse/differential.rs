//! Differential tests of the strict parser (`parse`) against `serde_json::from_str::<Value>`
//! on generated documents (any JSON, written with every escape, number shape and white space)
//! and on mutations of them (bytes deleted, inserted, replaced, cut; BOMs, control characters).
//!
//! The two must agree on accepting, rejecting and the value, except where our rules are
//! stricter, and there only for the rule the document really breaks, checked independently
//! through serde_json:
//! - a member name given twice (after unescaping): serde_json keeps the last, we fail with
//!   `DuplicateName` (seen by [`Shape`], a serde visitor over serde_json's own reading);
//! - nesting deeper than 64 (serde_json allows 128): `TooDeep` ([`nesting`], read from the
//!   text: serde_json's value may have dropped the deep one of two same-named members);
//! - a top level other than an object: `NotObject`.
//!
//! Lone surrogate escapes are the third extra rule of the parser, but serde_json rejects them as
//! well when it builds a `Value`, so they are an agreement on rejecting; where we name the reason
//! `LoneSurrogate`, the text must hold one ([`has_lone_surrogate`]).
//!
//! `document_of_interest` must give `document`'s value filtered to the interest, or the same
//! error. Case counts are set below (`PROPTEST_CASES` overrides them); the file runs in a few
//! seconds in a debug build.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::parse::{self, Interest, MAX_DEPTH};
use crate::Reason;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use testkit::rng::Rng;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generated documents: a tree, written out with choices a serializer never makes.

/// A JSON value before it is written: object members are a list, so a name may come twice.
#[derive(Debug, Clone)]
enum Node {
    Null,
    Bool(bool),
    /// The number's text, any shape the grammar allows.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// Member names: a few, so that names repeat, and the ones the interests below ask for.
const NAMES: [&str; 10] = ["a", "b", "data", "payload", "eventType", "id", "é", "", "a\"b", "😀"];

/// Dotted paths an interest may read under `data` / `payload`.
const PATHS: [&str; 8] = ["a", "b", "id", "a.b", "a.id", "b.a.b", "data.a", "😀"];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned),
        1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

/// Numbers of every shape: `-0`, leading zeros after the point, big integers, long fractions,
/// exponents of either case and sign, exponents far outside `f64`.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,25})?([eE][+-]?[0-9]{1,5})?",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| f.to_string()),
        prop::sample::select(vec![
            "0",
            "-0",
            "-0.0",
            "0e0",
            "0E-0",
            "1e400",
            "-1e-400",
            "123456789012345678901234567890"
        ])
        .prop_map(str::to_owned),
    ]
}

/// Strings with what needs escaping (quotes, backslashes, control characters) and what may be
/// escaped (`/`, any character, astral ones as surrogate pairs).
fn text() -> impl Strategy<Value = String> {
    let char = prop_oneof![
        6 => proptest::char::range(' ', '~'),
        2 => prop::sample::select(vec!['"', '\\', '/', '\u{0}', '\n', '\t', '\u{1f}', '\u{7f}', '\u{a0}', '\u{2028}']),
        2 => any::<char>(),
        1 => prop::sample::select(vec!['é', '€', '😀', '\u{ffff}', '\u{10ffff}', '\u{fffd}', '\u{feff}']),
    ];
    prop::collection::vec(char, 0..12).prop_map(|chars| chars.into_iter().collect())
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Node::Null),
        any::<bool>().prop_map(Node::Bool),
        number().prop_map(Node::Number),
        text().prop_map(Node::String),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Node::Array),
            prop::collection::vec((name(), inner), 0..6).prop_map(Node::Object),
        ]
    })
}

/// A generated document: mostly an object at the top, sometimes any value, sometimes wrapped
/// in a chain of containers up to past serde_json's 128 levels (objects and arrays mixed).
fn document() -> impl Strategy<Value = Node> {
    let object = prop::collection::vec((name(), node()), 0..6).prop_map(Node::Object);
    let chain = (prop::collection::vec(any::<bool>(), 40..140), node()).prop_map(|(levels, inner)| {
        let wrapped = levels.into_iter().fold(inner, |inner, as_object| match as_object {
            true => Node::Object(vec![("a".to_owned(), inner)]),
            false => Node::Array(vec![inner]),
        });
        match wrapped {
            object @ Node::Object(_) => object,
            array => Node::Object(vec![("data".to_owned(), array)]),
        }
    });
    prop_oneof![6 => object, 1 => node(), 2 => chain]
}

/// Writes `node` as JSON text, choosing white space and each character's form (as it is, a
/// short escape, `\u` in either case) from `rng`; one string in about `1 / lone` gets a lone
/// surrogate escape (0 for never).
fn write(node: &Node, rng: &mut Rng, lone: u64, out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Number(text) => out.push_str(text),
        Node::String(text) => write_string(text, rng, lone, out),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                white_space(rng, out);
                write(item, rng, lone, out);
                white_space(rng, out);
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            white_space(rng, out);
            for (i, (name, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    white_space(rng, out);
                }
                write_string(name, rng, lone, out);
                white_space(rng, out);
                out.push(':');
                white_space(rng, out);
                write(value, rng, lone, out);
                white_space(rng, out);
            }
            out.push('}');
        }
    }
}

fn white_space(rng: &mut Rng, out: &mut String) {
    out.push_str(["", "", "", " ", "\n", "\t", "\r\n", "  "][rng.below(8) as usize]);
}

fn write_string(text: &str, rng: &mut Rng, lone: u64, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    let lone_at = (lone > 0 && rng.below(lone) == 0).then(|| rng.below(chars.len() as u64 + 1) as usize);
    out.push('"');
    for at in 0..=chars.len() {
        if lone_at == Some(at) {
            out.push_str(&format!("\\u{:04x}", 0xD800 + rng.below(0x800)));
        }
        if let Some(&c) = chars.get(at) {
            write_char(c, rng, out);
        }
    }
    out.push('"');
}

fn write_char(c: char, rng: &mut Rng, out: &mut String) {
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '/' => Some("\\/"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    };
    let must_escape = c == '"' || c == '\\' || c < ' ';
    // Half of the characters that may stand as they are do; the rest take their short escape
    // if they have one (mostly), else `\u`, in lower or (one in four) upper case hex.
    let choice = rng.below(4);
    match short {
        _ if !must_escape && choice < 2 => out.push(c),
        Some(short) if choice < 3 => out.push_str(short),
        _ => {
            let mut units = [0; 2];
            for unit in c.encode_utf16(&mut units) {
                match choice {
                    3 => out.push_str(&format!("\\u{unit:04X}")),
                    _ => out.push_str(&format!("\\u{unit:04x}")),
                }
            }
        }
    }
}

/// A generated document's text.
fn written() -> impl Strategy<Value = String> {
    (document(), any::<u64>(), prop_oneof![3 => Just(0_u64), 1 => Just(8_u64)]).prop_map(|(node, seed, lone)| {
        let mut out = String::new();
        let mut rng = Rng::new(seed);
        white_space(&mut rng, &mut out);
        write(&node, &mut rng, lone, &mut out);
        white_space(&mut rng, &mut out);
        out
    })
}

/// A generated document's text with one to four edits: most of these are invalid JSON.
fn mutated() -> impl Strategy<Value = String> {
    (written(), prop::collection::vec((0..8_u8, any::<prop::sample::Index>(), 0..4_usize, any::<u8>()), 1..5)).prop_map(
        |(text, edits)| {
            let mut bytes = text.into_bytes();
            for (how, at, len, byte) in edits {
                let at = at.index(bytes.len() + 1);
                let end = (at + len).min(bytes.len());
                let interesting = b"{}[],:\"\\-+.eE0159tfnu \t\n\r\x00\x1f\x7f";
                match how {
                    0 => drop(bytes.drain(at..end)),
                    1 => bytes.insert(at, interesting[usize::from(byte) % interesting.len()]),
                    2 => bytes.insert(at, byte),
                    3 => {
                        if let Some(b) = bytes.get_mut(at) {
                            *b = interesting[usize::from(byte) % interesting.len()];
                        }
                    }
                    4 => bytes.truncate(at),
                    5 => {
                        let extra: &[u8] = ["\u{feff}", "\u{a0}", "\u{2028}", "\u{0}", "\u{1}", "\u{b}", "\u{c}", " "]
                            [usize::from(byte) % 8]
                            .as_bytes();
                        bytes.splice(at..at, extra.iter().copied());
                    }
                    6 => {
                        let copy = bytes[at..end].to_vec();
                        bytes.splice(at..at, copy);
                    }
                    _ => bytes.insert(0, [b'[', b'{', b' ', b'"'][usize::from(byte) % 4]),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        },
    )
}

/// Interests shaped as `Transformer` builds them (an envelope member whole, a few dotted paths
/// under `data` and under `payload`), and the whole value.
fn interest() -> impl Strategy<Value = Interest> {
    let shaped = |paths: Vec<&'static str>| {
        let payload = Interest::reading(paths);
        Interest::Members(vec![("eventType", Interest::Everything), ("data", payload.clone()), ("payload", payload)])
    };
    prop_oneof![
        1 => Just(Interest::Everything),
        4 => prop::sample::subsequence(PATHS.to_vec(), 0..=PATHS.len()).prop_map(shaped),
    ]
}

// ---------------------------------------------------------------------------------------------
// The oracle, and what is independently known about a document serde_json accepts.

/// What serde_json's own reading of a document shows: whether an object holds a member name
/// twice (compared after unescaping, as serde_json decodes names).
struct Shape {
    duplicate: bool,
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape { duplicate: false })
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape { duplicate: false })
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape { duplicate: false })
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape { duplicate: false })
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape { duplicate: false })
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape { duplicate: false })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut duplicate = false;
        while let Some(item) = seq.next_element::<Shape>()? {
            duplicate |= item.duplicate;
        }
        Ok(Shape { duplicate })
    }

    /// With `arbitrary_precision` a number arrives as a one-member map; its one name cannot
    /// repeat, so it needs no special case.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut names = HashSet::new();
        let mut duplicate = false;
        while let Some(name) = map.next_key::<String>()? {
            duplicate |= !names.insert(name);
            duplicate |= map.next_value::<Shape>()?.duplicate;
        }
        Ok(Shape { duplicate })
    }
}

/// Whether the text holds a `\\u` escape of a surrogate that is not one half of a pair (a high
/// one directly followed by an escaped low one). Read escape by escape, not string by string:
/// enough for documents whose first fault is in a string.
fn has_lone_surrogate(text: &str) -> bool {
    let bytes = text.as_bytes();
    let unit = |at: usize| {
        let hex = std::str::from_utf8(bytes.get(at + 2..at + 6)?).ok()?;
        (bytes.get(at + 1) == Some(&b'u')).then(|| u32::from_str_radix(hex, 16).ok()).flatten()
    };
    let (mut at, mut high) = (0, false);
    while at < bytes.len() {
        let escaped = (bytes[at] == b'\\').then(|| unit(at));
        match escaped {
            Some(Some(0xD800..=0xDBFF)) if !high => (high, at) = (true, at + 6),
            Some(Some(0xDC00..=0xDFFF)) if high => (high, at) = (false, at + 6),
            Some(Some(0xD800..=0xDFFF)) => return true,
            _ if high => return true,
            Some(_) => at += 2,
            None => at += 1,
        }
    }
    high
}

/// The deepest nesting of a valid JSON text; the top-level container is level 1. Read from the
/// text, not from serde_json's value, which keeps only the last of two same-named members.
fn nesting(text: &str) -> usize {
    let (mut level, mut deepest, mut in_string, mut escaped) = (0_usize, 0, false, false);
    for byte in text.bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b'[' | b'{') => {
                level += 1;
                deepest = deepest.max(level);
            }
            (false, _, b']' | b'}') => level = level.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// `value` cut down to `interest`, as `document_of_interest` is to build it: an interest in
/// members applies to every object it meets, through arrays too.
fn filtered(value: &Value, interest: &Interest) -> Value {
    match (interest, value) {
        (Interest::Everything, value) => value.clone(),
        (Interest::Members(wanted), Value::Object(map)) => Value::Object(
            map.iter()
                .filter_map(|(name, value)| {
                    let (_, inner) = wanted.iter().find(|(wanted, _)| wanted == name)?;
                    Some((name.clone(), filtered(value, inner)))
                })
                .collect(),
        ),
        (Interest::Members(_), Value::Array(items)) => {
            Value::Array(items.iter().map(|item| filtered(item, interest)).collect())
        }
        (Interest::Members(_), value) => value.clone(),
    }
}

/// How a document came out: the two agree, or we are stricter for a rule it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    BothAccept,
    BothReject,
    /// Both reject; we say `LoneSurrogate`.
    BothRejectLoneSurrogate,
    /// serde_json accepts; we reject for a member name given twice.
    DuplicateName,
    /// serde_json accepts; we reject for nesting past 64.
    TooDeep,
    /// serde_json accepts a value that is no object; we reject it.
    NotObject,
}

/// Parses `text` with both parsers and classifies the outcome; `Err` says how they disagree.
fn classify(text: &str, interest: &Interest) -> Result<Class, String> {
    let ours = parse::document(text).map(|object| object.to_map());
    let of_interest = parse::document_of_interest(text, interest).map(|object| object.to_map());
    match &ours {
        Ok(map) => {
            let expected = filtered(&Value::Object(map.clone()), interest);
            if of_interest.as_ref().map(|m| Value::Object(m.clone())) != Ok(expected) {
                return Err(format!("document_of_interest {of_interest:?} is not document filtered"));
            }
        }
        Err(reason) if of_interest.as_ref() != Err(reason) => {
            return Err(format!("document_of_interest {of_interest:?} but document {reason:?}"));
        }
        Err(_) => {}
    }
    match (serde_json::from_str::<Value>(text), ours) {
        (Ok(theirs), Ok(ours)) if theirs == Value::Object(ours.clone()) => Ok(Class::BothAccept),
        (Ok(theirs), Ok(ours)) => Err(format!("values differ: serde_json {theirs} ours {}", Value::Object(ours))),
        (Err(theirs), Ok(_)) => Err(format!("serde_json rejects ({theirs}), we accept")),
        (Err(theirs), Err(Reason::LoneSurrogate)) => match has_lone_surrogate(text) {
            true => Ok(Class::BothRejectLoneSurrogate),
            false => Err(format!("we say LoneSurrogate, but there is none; serde_json says {theirs}")),
        },
        (Err(_), Err(_)) => Ok(Class::BothReject),
        (Ok(theirs), Err(reason)) => stricter(text, &theirs, reason),
    }
}

/// serde_json accepted `text` as `theirs` and we rejected it for `reason`: right only if the
/// document breaks that rule, and no value would have been the answer without our rules.
fn stricter(text: &str, theirs: &Value, reason: Reason) -> Result<Class, String> {
    let duplicate = serde_json::from_str::<Shape>(text).map_err(|e| e.to_string())?.duplicate;
    let too_deep = nesting(text) > MAX_DEPTH;
    let not_object = !theirs.is_object();
    match reason {
        Reason::DuplicateName if duplicate => Ok(Class::DuplicateName),
        Reason::TooDeep if too_deep => Ok(Class::TooDeep),
        // A top level that is no object is found last, after every other rule.
        Reason::NotObject if not_object && !duplicate && !too_deep => Ok(Class::NotObject),
        _ => Err(format!(
            "serde_json accepts, we say {reason:?}; duplicate {duplicate}, depth {}, object {}",
            nesting(text),
            !not_object
        )),
    }
}

fn check(text: &str, interest: &Interest) -> Result<Class, TestCaseError> {
    classify(text, interest).map_err(|why| TestCaseError::fail(format!("{why}\ndocument: {text:?}")))
}

proptest! {
    #![proptest_config(config(1500))]

    /// Generated documents, valid but for the rules each may break by chance.
    #[test]
    fn generated_documents_agree_with_serde_json(text in written(), interest in interest()) {
        check(&text, &interest)?;
    }

    /// Generated documents with edits: mostly invalid, rejected by both.
    #[test]
    fn mutated_documents_agree_with_serde_json(text in mutated(), interest in interest()) {
        check(&text, &interest)?;
    }
}

/// The generators reach every class, so the properties above do not pass on one kind of
/// document alone: a fixed sample of each, counted.
#[test]
fn the_generators_reach_every_class() {
    let mut runner = TestRunner::deterministic();
    let mut counts: BTreeMap<Class, usize> = BTreeMap::new();
    for strategy in [written().boxed(), mutated().boxed()] {
        for _ in 0..600 {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            let class = classify(&text, &Interest::Everything).unwrap_or_else(|why| panic!("{why}\n{text:?}"));
            *counts.entry(class).or_default() += 1;
        }
    }
    for class in [
        Class::BothAccept,
        Class::BothReject,
        Class::BothRejectLoneSurrogate,
        Class::DuplicateName,
        Class::TooDeep,
        Class::NotObject,
    ] {
        assert!(counts.get(&class).copied().unwrap_or(0) >= 10, "{class:?} reached too rarely: {counts:?}");
    }
}

/// The classification itself, on documents whose class is known.
#[test]
fn classifies_known_documents() {
    let deep = |levels: usize| format!("{}1{}", "[".repeat(levels - 1), "]".repeat(levels - 1));
    let cases = [
        (r#"{"a":[1,-0,1.5E+3,"\u00e9\ud83d\ude00\/"]}"#.to_owned(), Class::BothAccept),
        (r#"{"a":1,"\u0061":2}"#.to_owned(), Class::DuplicateName),
        (r#"{"x":[{"b":1,"b":1}]}"#.to_owned(), Class::DuplicateName),
        (r#"{"a":"\ud800"}"#.to_owned(), Class::BothRejectLoneSurrogate),
        (r#"{"a":"\udc00"}"#.to_owned(), Class::BothRejectLoneSurrogate),
        (format!("{{\"a\":{}}}", deep(65)), Class::TooDeep),
        (format!("{{\"a\":{}}}", deep(64)), Class::BothAccept),
        (format!("{{\"a\":{}}}", deep(200)), Class::BothReject),
        // Level 65 is a value serde_json's map drops: the last of two same-named members wins.
        (format!("{{\"a\":{}{{\"a\":[],\"a\":null}}{}}}", "[".repeat(62), "]".repeat(62)), Class::TooDeep),
        ("[1]".to_owned(), Class::NotObject),
        ("\"x\"".to_owned(), Class::NotObject),
        ("[{\"a\":1,\"a\":1}]".to_owned(), Class::DuplicateName),
        ("{\"a\":1,}".to_owned(), Class::BothReject),
        ("\u{feff}{}".to_owned(), Class::BothReject),
    ];
    for (text, class) in cases {
        assert_eq!(classify(&text, &Interest::Everything), Ok(class), "{text}");
    }
    // A disagreement outside the rules is reported, not classified.
    assert!(stricter("{}", &Value::Object(Map::new()), Reason::Json).is_err());
    assert!(stricter("{\"a\":1}", &serde_json::json!({"a": 1}), Reason::DuplicateName).is_err());
}
