//! The schema differential test: on generated and mutated payloads of every stream and both
//! connector versions, [`Schemas::check_payload`] (the layout-derived checks, the compiled
//! schema only where they cannot pass a payload) gives exactly the outcome and reason of running
//! the compiled JSON Schema on every payload, as `serde_json` reads the payload's text.
//!
//! Generated payloads give every field of the layout a value from its kind's pool (the forms a
//! connector writes, valid and not: numbers in every notation, strings that are and are not of
//! the pattern's form, escapes, `null`, `""`), groups that are objects, `null` or another type,
//! and unknown members. Mutated payloads take a generated one and replace one to three fields
//! (or a group) with a value from a pool of near misses and wrong types.

use serde_json::Value;
use testkit::rng::Rng;

use super::{fits, Schemas};
use crate::layout::{Kind, Layout, Version};
use crate::parse::{self, Interest};
use crate::reason::Reason;
use crate::Stream;

/// Payloads per stream, version and phase; about 7,000 schema runs in all, a few seconds in a
/// debug build.
const CASES: usize = 200;

/// A payload before it is written: a leaf's JSON text, or a group's members.
enum Node {
    Leaf(String),
    Group(Vec<(String, Node)>),
}

impl Node {
    fn write(&self, out: &mut String) {
        match self {
            Node::Leaf(text) => out.push_str(text),
            Node::Group(members) => {
                out.push('{');
                for (at, (name, node)) in members.iter().enumerate() {
                    if at > 0 {
                        out.push_str(if name.len() % 2 == 0 { ", " } else { "," });
                    }
                    out.push_str(&serde_json::to_string(name).unwrap());
                    out.push(':');
                    node.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The member at `name`, created as an empty group if absent.
    fn group(&mut self, name: &str) -> Option<&mut Node> {
        let Node::Group(members) = self else { return None };
        if !members.iter().any(|(member, _)| member == name) {
            members.push((name.to_owned(), Node::Group(Vec::new())));
        }
        members.iter_mut().find(|(member, _)| member == name).map(|(_, node)| node)
    }

    fn set(&mut self, path: &str, text: String) {
        match path.split_once('.') {
            None => {
                if let Node::Group(members) = self {
                    members.retain(|(member, _)| member != path);
                    members.push((path.to_owned(), Node::Leaf(text)));
                }
            }
            Some((group, rest)) => {
                if let Some(node) = self.group(group) {
                    node.set(rest, text);
                }
            }
        }
    }
}

/// Forms a connector writes for a kind that its schema admits (the converter may still refuse
/// some: `1.5` for an INT, `9999-99-99` for a DATE), then forms it does not.
fn pool(kind: Kind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        Kind::Text { .. } | Kind::Code { .. } | Kind::Letters(_) | Kind::Enum(_) => (
            &[r#""abc""#, r#""SO-1""#, r#""""#, "null", r#""\u00e9t\u00e9 \"q\"""#, r#""created""#],
            &["12", "true", "[]"],
        ),
        Kind::Int => (
            &["12", "-3", "1e2", "1.5", r#""12""#, r#""-0""#, r#""""#, "null", r#""\u0031\u0032""#],
            &[r#""1.0""#, r#""x""#, "{}"],
        ),
        Kind::Dec(_) => {
            (&["1.50", "0", "-1.5E-2", r#""1.50""#, r#""-2""#, r#""12""#, r#""""#, "null"], &[r#""1.""#, "false"])
        }
        Kind::Date => (&[r#""2026-01-02""#, r#""9999-99-99""#, r#""""#, "null"], &[r#""2026-1-02""#, "20260102"]),
        Kind::Timestamp => (&[r#""2026-01-02T03:04:05Z""#, "1795205045", r#""x""#, "null", r#""""#, "1.5"], &["false"]),
        Kind::Flag => (&["true", "false", "0", "1", "2", r#""""#, "null"], &[r#""Y""#, r#""0""#]),
        Kind::WeightLb => (
            &[
                r#"{"value": 1.5, "unit": "kg"}"#,
                r#"{"value": "2.25", "unit": "lb"}"#,
                r#"{"value": null}"#,
                "{}",
                r#"{"unit": "oz"}"#,
                "null",
            ],
            &[r#"{"value": "2.", "unit": "lb"}"#, r#""2.5""#],
        ),
    }
}

/// Near misses and wrong types, for any field or group.
const WILD: &[&str] = &[
    r#""1.""#,
    r#""+1""#,
    r#""1e3""#,
    r#"" 12""#,
    r#""12\n""#,
    r#""1.5.5""#,
    r#""-""#,
    r#""-.5""#,
    r#""\u0661\u0662""#,
    r#""2026-1-02""#,
    r#""2026-01-02 ""#,
    r#""2026\u002d01-02""#,
    r#""Y""#,
    r#""true""#,
    "[]",
    "[1]",
    "{}",
    r#"{"value": "1."}"#,
    r#"{"value": []}"#,
    r#"{"value": true, "unit": "lb"}"#,
    "true",
    "false",
    "0",
    "-1.5e400",
    r#""abc""#,
    r#""""#,
    "null",
];

/// Values a group may be instead of an object.
const GROUP_MISSES: &[&str] = &["null", "[]", r#""x""#, "1", "{}", "true"];

fn pick(rng: &mut Rng, items: &[&'static str]) -> String {
    items.get(rng.below(items.len() as u64) as usize).copied().unwrap_or("null").to_owned()
}

/// A payload: every field set from its kind's pool (a few left out), and unknown members.
fn generated(layout: &Layout, version: Version, rng: &mut Rng) -> Node {
    let mut payload = Node::Group(vec![("connectorExtra".into(), Node::Leaf(r#"{"deep": [1, {"x": null}]}"#.into()))]);
    for field in layout.fields {
        let Some(path) = field.source.path(version) else { continue };
        if rng.percent(10) {
            continue;
        }
        let (admitted, refused) = pool(field.kind.for_version(version));
        let forms = if rng.percent(2) { refused } else { admitted };
        payload.set(path, pick(rng, forms));
    }
    payload
}

/// A generated payload with one to three fields, or a group, replaced by a near miss.
fn mutated(layout: &Layout, version: Version, rng: &mut Rng) -> Node {
    let mut payload = generated(layout, version, rng);
    let paths: Vec<&str> = layout.fields.iter().filter_map(|field| field.source.path(version)).collect();
    for _ in 0..=rng.below(3) {
        let Some(&path) = paths.get(rng.below(paths.len() as u64) as usize) else { continue };
        match path.split_once('.') {
            Some((group, _)) if rng.percent(30) => payload.set(group, pick(rng, GROUP_MISSES)),
            _ => payload.set(path, pick(rng, WILD)),
        }
    }
    payload
}

/// The verdict on one payload's text both ways, and whether the layout-derived checks passed it.
fn both(
    schemas: &Schemas,
    version: Version,
    interest: &Interest,
    text: &str,
) -> (Result<(), Reason>, Result<(), Reason>, bool) {
    let parsed = parse::document_of_interest(text, interest).unwrap();
    let ours = schemas.check_payload(version, &parsed);
    let fitted = fits::payload(schemas.layout, version, &parsed);
    let as_serde_reads: Value = serde_json::from_str(text).unwrap();
    let validator = schemas.validator(version).unwrap();
    (ours, schemas.by_schema(validator, version, &as_serde_reads), fitted)
}

#[test]
fn layout_checks_and_the_schema_agree_on_every_stream_and_version() {
    let mut rng = Rng::new(22);
    for stream in Stream::ALL {
        let schemas = Schemas::compile(stream).unwrap();
        let layout = stream.layout();
        let interest = Interest::reading(layout.source_paths());
        for version in [Version::V1, Version::V2] {
            let (mut ok, mut failed, mut fitted) = (0, 0, 0);
            for case in 0..2 * CASES {
                let payload = if case < CASES {
                    generated(layout, version, &mut rng)
                } else {
                    mutated(layout, version, &mut rng)
                };
                let mut text = String::new();
                payload.write(&mut text);
                let (ours, reference, fit) = both(&schemas, version, &interest, &text);
                assert_eq!(ours, reference, "{stream} {version:?}: {text}");
                assert!(!fit || reference.is_ok(), "{stream} {version:?}: passed by the layout checks only: {text}");
                match ours {
                    Ok(()) => ok += 1,
                    Err(_) => failed += 1,
                }
                fitted += usize::from(fit);
            }
            // Not vacuous: both outcomes, and both paths of `check_payload`, are exercised.
            assert!(ok > CASES / 10 && failed > CASES / 10, "{stream} {version:?}: {ok} ok, {failed} failed");
            assert!(fitted > CASES / 10, "{stream} {version:?}: {fitted} passed by the layout checks");
            println!("{stream} {version:?}: {ok} pass ({fitted} by the layout checks), {failed} fail");
        }
    }
}
