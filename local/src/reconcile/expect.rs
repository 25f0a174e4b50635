//! What today's engine makes of one raw record, as Firehose hands it to the function: the
//! record's bytes, base64-encoded as the `data` of a Firehose record, through the stream's
//! [`Transformer`] (the code every function runs per record inside `respond::process`).

use base64::Engine;
use shim::layout::Rule;
use shim::{Stream, TransformOutcome, Transformer};

/// The outcome a record must have left in the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Its System One line, `\n` included, under `system-one/<stream>/`.
    Line(Vec<u8>),
    /// Nothing (a heartbeat).
    Dropped,
    /// Its original bytes in the error output, with today's reason (`tag: message`).
    Failure(String),
}

/// Runs one raw record through today's transformation.
pub fn expected(transformer: &Transformer, raw: &[u8]) -> Expected {
    let data = base64::engine::general_purpose::STANDARD.encode(raw);
    match transformer.transform(&data) {
        TransformOutcome::Ok { line, .. } => Expected::Line(line.into_bytes()),
        TransformOutcome::Dropped => Expected::Dropped,
        TransformOutcome::Failed(reason) => Expected::Failure(format!("{}: {reason}", reason.tag())),
    }
}

/// What pairs an expected line with a delivered one that differs from it: the same change to
/// the same record: (record type, action, the key fields, UPDATED_AT), fields as written (still
/// escaped). `None` for a line that is not a line of the stream's type.
pub fn pairing_key(stream: Stream, line: &[u8]) -> Option<Vec<u8>> {
    let layout = stream.layout();
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let fields = split_escaped(body);
    if fields.len() != layout.line_fields() || fields.first().copied() != Some(layout.record_type.as_bytes()) {
        return None;
    }
    let keys = layout.fields.iter().enumerate().filter(|(_, field)| field.rule == Rule::Key).map(|(at, _)| at + 2);
    let chosen = [0, 1].into_iter().chain(keys).chain(std::iter::once(fields.len() - 1));
    let mut key = Vec::new();
    for at in chosen {
        key.extend_from_slice(fields.get(at)?);
        key.push(b'|');
    }
    Some(key)
}

/// A line body split on the `|` that are not escaped (`\|`, and `\\` before a `|`), each field
/// as written.
fn split_escaped(body: &[u8]) -> Vec<&[u8]> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (at, byte) in body.iter().enumerate() {
        match (escaped, byte) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'|') => {
                fields.push(body.get(start..at).unwrap_or_default());
                start = at + 1;
            }
            _ => {}
        }
    }
    fields.push(body.get(start..).unwrap_or_default());
    fields
}

#[cfg(test)]
mod tests {
    use shim::config::Config;

    use super::*;

    #[test]
    fn the_key_is_type_action_key_fields_and_updated_at() {
        // OLN: ORDER_NO and LINE_NO are its key fields.
        let width = Stream::OrderLines.layout().line_fields();
        let mut fields = vec!["x"; width];
        fields[0] = "OLN";
        fields[1] = "C";
        fields[2] = "SO\\|1";
        fields[3] = "2";
        fields[width - 1] = "20261120090405";
        let line = format!("{}\n", fields.join("|"));
        let key = pairing_key(Stream::OrderLines, line.as_bytes()).unwrap();
        assert_eq!(key, b"OLN|C|SO\\|1|2|20261120090405|");
        fields[4] = "another item";
        assert_eq!(pairing_key(Stream::OrderLines, format!("{}\n", fields.join("|")).as_bytes()), Some(key));
        assert_eq!(pairing_key(Stream::Orders, line.as_bytes()), None, "not an ORD line");
        assert_eq!(pairing_key(Stream::OrderLines, b"OLN|C|1\n"), None, "too few fields");
    }

    #[test]
    fn a_sample_event_expects_its_line_and_a_broken_one_its_failure() {
        let root = testkit::repo_root();
        let transformer = Transformer::new(Stream::Orders, Config::with_zone(None).unwrap());
        let lines = testkit::events::system_two_lines(&root, Stream::Orders).unwrap();
        let Expected::Line(line) = expected(&transformer, &lines[1]) else { panic!("the second sample passes") };
        assert!(line.starts_with(b"ORD|C|SO-277077|"));
        assert!(pairing_key(Stream::Orders, &line).unwrap().starts_with(b"ORD|C|SO-277077|"));
        assert!(
            matches!(expected(&transformer, b"not json"), Expected::Failure(reason) if reason.starts_with("bad-json"))
        );
        let heartbeat = br#"{"schemaVersion":2,"eventId":"h","eventType":"system.heartbeat","occurredAt":"2026-11-20T10:00:00Z","data":{}}"#;
        assert_eq!(expected(&transformer, heartbeat), Expected::Dropped);
    }
}
