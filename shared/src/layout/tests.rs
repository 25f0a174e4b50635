//! Invariants over every layout, and a field-by-field comparison with the spec's tables
//! (tests/fixtures/spec/system-one-records.md, a copy of the contract we implement).

use super::*;
use crate::Stream;

fn spec() -> &'static str {
    include_str!("../../tests/fixtures/spec/system-one-records.md")
}

/// The spec's section for a record type: from its `### CUS` heading to the next heading.
fn section(record_type: &str) -> &'static str {
    let spec = spec();
    let start = spec.find(&format!("### {record_type} ")).unwrap();
    let rest = &spec[start + 4..];
    let end = rest.find("\n### ").or_else(|| rest.find("\n## ")).unwrap_or(rest.len());
    &rest[..end]
}

/// The spec's words for a kind.
fn kind_text(kind: Kind) -> String {
    match kind {
        Kind::Text { width, truncate } => format!("TEXT({width}){}", if truncate { " T" } else { "" }),
        Kind::Code { width } | Kind::Letters(width) => format!("CODE({width})"),
        Kind::Int => "INT".into(),
        Kind::Dec(places) => format!("DEC({places})"),
        Kind::WeightLb => "DEC(2)".into(),
        Kind::Date => "DATE".into(),
        Kind::Timestamp => "TIMESTAMP".into(),
        Kind::Flag => "FLAG".into(),
        Kind::Enum(_) => "ENUM".into(),
    }
}

#[test]
fn layouts_match_the_spec_tables() {
    for stream in Stream::ALL {
        let layout = stream.layout();
        let rows: Vec<Vec<&str>> = section(layout.record_type)
            .lines()
            .filter(|line| line.starts_with("| ") && line.as_bytes().get(2).is_some_and(u8::is_ascii_digit))
            .map(|line| line.trim_matches('|').split('|').map(str::trim).collect())
            .collect();
        assert_eq!(rows.len(), layout.fields.len(), "{stream}: field count");
        for (position, (row, field)) in rows.iter().zip(layout.fields).enumerate() {
            let rule = match field.rule {
                Rule::Key => "key",
                Rule::Required => "req",
                Rule::Optional => "",
            };
            let (v2, v1) = match field.source {
                Source::Payload { v2, v1 } => (v2, v1),
                Source::Envelope => ("(envelope)", "(envelope)"),
            };
            let v2_spec = row[4].split(' ').next().unwrap();
            let expected = [
                (position + 3).to_string(),
                field.name.into(),
                kind_text(field.kind),
                rule.into(),
                v2.into(),
                v1.into(),
            ];
            let actual = [row[0], row[1], row[2], row[3], v2_spec, row[5]].map(str::to_owned);
            assert_eq!(actual, expected, "{stream} field {}", field.name);
        }
    }
}

#[test]
fn enum_tables_match_the_spec() {
    for stream in Stream::ALL {
        let layout = stream.layout();
        for field in layout.fields {
            let Kind::Enum(table) = field.kind else { continue };
            let line = section(layout.record_type)
                .lines()
                .skip_while(|line| !line.starts_with(&format!("{}:", field.name)))
                .take_while(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let spec_pairs: Vec<(String, String)> = line
                .split_once(':')
                .unwrap()
                .1
                .split(". ")
                .next()
                .unwrap()
                .split(',')
                .map(|pair| {
                    let pair = pair.trim().trim_end_matches('.');
                    let (name, code) = pair.rsplit_once(' ').unwrap();
                    (name.trim_matches('`').to_owned(), code.to_owned())
                })
                .collect();
            let ours: Vec<(String, String)> = table.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
            assert_eq!(ours, spec_pairs, "{stream} {}", field.name);
        }
    }
}

/// Every stream with its layout.
fn layouts() -> impl Iterator<Item = (Stream, &'static Layout)> {
    Stream::ALL.into_iter().map(|stream| (stream, stream.layout()))
}

#[test]
fn record_types_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for (stream, layout) in layouts() {
        assert!(seen.insert(layout.record_type), "{stream}: record type repeated");
    }
}

#[test]
fn entities_are_unique_and_find_their_stream() {
    let mut seen = std::collections::HashSet::new();
    for (stream, layout) in layouts() {
        assert!(seen.insert(layout.entity), "{stream}: entity repeated");
        assert_eq!(Stream::for_entity(layout.entity), Some(stream));
    }
}

#[test]
fn stream_names_find_their_stream() {
    for stream in Stream::ALL {
        assert_eq!(Stream::from_name(stream.name()), Some(stream));
    }
}

#[test]
fn field_names_are_unique_within_a_layout() {
    for (stream, layout) in layouts() {
        let names: std::collections::HashSet<_> = layout.fields.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), layout.fields.len(), "{stream}: field names repeated");
    }
}

#[test]
fn every_layout_has_a_key() {
    for (stream, layout) in layouts() {
        assert!(layout.fields.iter().any(|f| f.rule == Rule::Key), "{stream}: no key");
    }
}

#[test]
fn the_last_field_is_updated_at_from_the_envelope() {
    for (stream, layout) in layouts() {
        let last = layout.fields.last().unwrap();
        assert!(last.name == "UPDATED_AT" && matches!(last.source, Source::Envelope), "{stream}");
    }
}

#[test]
fn widths_are_positive_and_enum_names_lower_case() {
    for (stream, layout) in layouts() {
        for field in layout.fields {
            match field.kind {
                Kind::Text { width, .. } | Kind::Code { width } | Kind::Letters(width) => {
                    assert!(width > 0, "{stream}: {}", field.name)
                }
                Kind::Enum(table) => {
                    assert!(!table.is_empty(), "{stream}: {}", field.name);
                    assert!(
                        table.iter().all(|(name, _)| *name == name.to_ascii_lowercase()),
                        "{stream}: {}",
                        field.name
                    );
                }
                _ => {}
            }
        }
    }
}

#[test]
fn v1_names_are_snake_case() {
    for (stream, layout) in layouts() {
        for v1 in layout.fields.iter().filter_map(|field| field.source.path(Version::V1)) {
            assert!(v1.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{stream}: {v1}");
        }
    }
}

#[test]
fn checks_name_fields_of_their_layout() {
    for (stream, layout) in layouts() {
        for name in layout.checks.iter().flat_map(Check::fields) {
            assert!(layout.position(name).is_some(), "{stream}: check names unknown field {name}");
        }
    }
}

#[test]
fn key_paths_are_the_key_fields_sources() {
    let paths = |stream: Stream, version| stream.layout().key_paths(version).collect::<Vec<_>>();
    assert_eq!(paths(Stream::Customers, Version::V2), ["customerNumber"]);
    assert_eq!(paths(Stream::InvoiceLines, Version::V1), ["invoice_number", "line_number"]);
    assert_eq!(paths(Stream::ShippingAddresses, Version::V2), ["customerNumber", "addressId"]);
    for stream in Stream::ALL {
        let keys = stream.layout().fields.iter().filter(|field| field.rule == Rule::Key).count();
        assert!(keys > 0, "{stream}");
        for version in [Version::V1, Version::V2] {
            assert_eq!(paths(stream, version).len(), keys, "{stream} {version:?}");
        }
    }
}
