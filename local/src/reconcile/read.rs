//! Objects as stored, to records: gzip undone (by its magic bytes, whatever the key says), a
//! backup object split into the records the stream received, an output object into its System
//! One lines or its error-output records.
//!
//! Splitting a backup object: Firehose's source backup writes records one after the other with
//! no separator (or with `\n` when the delivery stream adds one); a record is one JSON value.
//! From each record's start (white space between records skipped), one JSON value is read; the
//! record is exactly its bytes. Where no JSON value can be read there (a record that is not
//! JSON, or not UTF-8, or truncated), the record runs to whichever comes first: the next `\n`,
//! or the next `{` that starts an event: its first member is an envelope member
//! (`schemaVersion`, `schema_version`, `eventType`, `event_type`, `eventId`, `event_id`; so a
//! truncated event counts), or it is a complete JSON object with one at its top level.
//!
//! Exact for newline-delimited objects. Without separators it is exact unless a broken record
//! itself holds such an event start, or a valid value is followed by stray bytes (then the
//! value and the stray bytes count as two records): such records show up in the report as
//! missing and unexpected, never silently.

use std::io::Read;

use serde::de::IgnoredAny;

use crate::error_output::ErrorRecord;

/// gzip's first two bytes.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The object's content: gunzipped when it starts with gzip's magic bytes. `Err` names the
/// decompression error.
pub fn decompress(stored: Vec<u8>) -> Result<Vec<u8>, std::io::Error> {
    if !stored.starts_with(&GZIP_MAGIC) {
        return Ok(stored);
    }
    let mut content = Vec::new();
    flate2::read::MultiGzDecoder::new(stored.as_slice()).read_to_end(&mut content)?;
    Ok(content)
}

/// The length of a record that is not JSON at the start of `bytes`: to the next `\n` or the
/// next envelope, whichever comes first.
fn broken_record_length(bytes: &[u8]) -> usize {
    let line_end = bytes.iter().position(|byte| *byte == b'\n').unwrap_or(bytes.len());
    let line = bytes.get(..line_end).unwrap_or(bytes);
    line.iter()
        .enumerate()
        .skip(1)
        .filter(|(_, byte)| **byte == b'{')
        .map(|(at, _)| at)
        .find(|at| bytes.get(*at..).is_some_and(starts_with_envelope))
        .unwrap_or(line_end)
}

/// The envelope's members in both connector versions: one of them first, or one of them at the
/// top level of a complete object, marks the start of an event.
const ENVELOPE_MEMBERS: [&str; 6] =
    ["schemaVersion", "schema_version", "eventType", "event_type", "eventId", "event_id"];

/// Whether `bytes` start an event: a `{` whose first member is an envelope member (so a
/// truncated event still counts), or a complete JSON object with an envelope member at its top
/// level.
fn starts_with_envelope(bytes: &[u8]) -> bool {
    if first_member(bytes).is_some_and(|name| ENVELOPE_MEMBERS.iter().any(|member| member.as_bytes() == name)) {
        return true;
    }
    let mut values =
        serde_json::Deserializer::from_slice(bytes).into_iter::<std::collections::HashMap<String, IgnoredAny>>();
    match values.next() {
        Some(Ok(members)) => ENVELOPE_MEMBERS.iter().any(|name| members.contains_key(*name)),
        _ => false,
    }
}

/// The name of the first member of the object `bytes` start with (`{`, white space, a string
/// without escapes, white space, `:`), as written.
fn first_member(bytes: &[u8]) -> Option<&[u8]> {
    let skip =
        |at: usize| at + bytes.get(at..).map_or(0, |rest| rest.iter().take_while(|b| b.is_ascii_whitespace()).count());
    let open = skip(1);
    if bytes.first() != Some(&b'{') || bytes.get(open) != Some(&b'"') {
        return None;
    }
    let rest = bytes.get(open + 1..)?;
    let length = rest.iter().position(|byte| *byte == b'"' || *byte == b'\\')?;
    let colon = skip(open + 1 + length + 1);
    (rest.get(length) == Some(&b'"') && bytes.get(colon) == Some(&b':')).then(|| rest.get(..length)).flatten()
}

/// The records of a backup object, each as the stream received it.
pub fn records(content: &[u8]) -> Vec<&[u8]> {
    let mut records = Vec::new();
    let mut start = 0;
    while let Some(rest) = content.get(start..) {
        let Some(skip) = rest.iter().position(|byte| !byte.is_ascii_whitespace()) else { break };
        start += skip;
        let rest = content.get(start..).unwrap_or_default();
        let length = json_value_length(rest).unwrap_or_else(|| broken_record_length(rest));
        records.push(rest.get(..length).unwrap_or(rest));
        start += length.max(1);
    }
    records
}

/// The length of the JSON value at the start of `bytes`, when one can be read.
fn json_value_length(bytes: &[u8]) -> Option<usize> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<IgnoredAny>();
    values.next()?.ok()?;
    Some(values.byte_offset()).filter(|length| *length > 0)
}

/// The System One lines of a delivered object, each with its `\n` (a last line without one is
/// kept as it is: a truncated object shows as a differing or unexpected line, never dropped).
pub fn lines(content: &[u8]) -> impl Iterator<Item = &[u8]> {
    content.split_inclusive(|byte| *byte == b'\n').filter(|line| *line != b"\n")
}

/// One line of an error-output object: the record's original bytes, or the line as it is when it
/// is not an error-output record (or its `rawData` is not base64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorLine {
    Record { original: Vec<u8> },
    Unreadable(Vec<u8>),
}

/// The lines of an error-output object (`errors/<stream>/processing-failed/` or `replayed/`).
pub fn error_lines(content: &[u8]) -> impl Iterator<Item = ErrorLine> + '_ {
    content.split(|byte| *byte == b'\n').filter(|line| !line.iter().all(u8::is_ascii_whitespace)).map(|line| {
        let original = ErrorRecord::read(line).and_then(|record| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(record.raw_data.trim()).ok()
        });
        match original {
            Some(original) => ErrorLine::Record { original },
            None => ErrorLine::Unreadable(line.to_vec()),
        }
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn splits_concatenated_and_newline_delimited_records_alike() {
        let expected: Vec<&[u8]> = vec![br#"{"a":1}"#, br#"{"b":"}{"}"#, br#"[2]"#];
        assert_eq!(records(br#"{"a":1}{"b":"}{"}[2]"#), expected);
        assert_eq!(records(b"{\"a\":1}\n{\"b\":\"}{\"}\n[2]\n"), expected);
        assert_eq!(records(b"\n {\"a\":1}\r\n{\"b\":\"}{\"}  [2]"), expected);
        assert_eq!(records(b""), Vec::<&[u8]>::new());
    }

    #[test]
    fn a_record_that_is_not_json_runs_to_the_next_newline() {
        let expected: Vec<&[u8]> = vec![b"{\"a\":1}", b"not json {\"b\":2}", b"{\"c\":3", b"{\"d\":4}", b"x"];
        assert_eq!(records(b"{\"a\":1}not json {\"b\":2}\n{\"c\":3\n{\"d\":4}x"), expected);
    }

    #[test]
    fn a_broken_record_without_separators_runs_to_the_next_envelope() {
        let truncated = br#"{"schemaVersion":2,"eventType":"a","data":{"x":1"#;
        let next = br#"{"schemaVersion":2,"eventType":"b","data":{}}"#;
        let v1 = br#"{"event_type":"c"}"#;
        let not_utf8 = b"{\"eventType\":\"\xff\"}";
        let spaced_truncated = br#"{ "schemaVersion": 2, "eventType": "a", "data": {"#;
        let content = [&truncated[..], spaced_truncated, next, b"not json", v1, not_utf8, next].concat();
        let expected: Vec<&[u8]> = vec![truncated, spaced_truncated, next, b"not json", v1, not_utf8, next];
        assert_eq!(records(&content), expected);
    }

    #[test]
    fn gzip_is_found_by_its_magic_bytes() {
        let plain = b"{\"a\":1}\n".to_vec();
        assert_eq!(decompress(gzip(&plain)).unwrap(), plain);
        assert_eq!(decompress(plain.clone()).unwrap(), plain);
        let mut two_members = gzip(b"{\"a\":1}");
        two_members.extend(gzip(b"{\"b\":2}"));
        assert_eq!(decompress(two_members).unwrap(), b"{\"a\":1}{\"b\":2}");
        assert!(decompress(vec![0x1f, 0x8b, 0]).is_err());
    }

    #[test]
    fn lines_keep_their_newline() {
        let found: Vec<&[u8]> = lines(b"A|1\n\nB|2\nC|3").collect();
        assert_eq!(found, [&b"A|1\n"[..], b"B|2\n", b"C|3"]);
    }

    #[test]
    fn error_lines_give_the_original_bytes() {
        let content = b"{\"rawData\":\"eyJhIjoxfQ==\"}\n\nnot a record\n{\"rawData\":\"!!\"}\n";
        let found: Vec<ErrorLine> = error_lines(content).collect();
        assert_eq!(
            found,
            [
                ErrorLine::Record { original: b"{\"a\":1}".to_vec() },
                ErrorLine::Unreadable(b"not a record".to_vec()),
                ErrorLine::Unreadable(b"{\"rawData\":\"!!\"}".to_vec()),
            ]
        );
    }
}
