//! The failures planted in about 5% of the records, each for a known reason: eleven kinds,
//! drawn uniformly. Four damage the whole document, one makes it a routing fault, and six get
//! one payload value wrong, each stream in its own six ways ([`Fault`]).

use shim::Reason;
use testkit::rng::Rng;

use crate::expect::Expected;

/// How often a record gets a planted failure, per mille.
pub(crate) const FAILURE_PER_MILLE: u64 = 50;
/// How often a record is a heartbeat, per mille.
pub(crate) const HEARTBEAT_PER_MILLE: u64 = 10;

/// A failure planted in a record of a stream whose value faults are `F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Planted<F> {
    /// The document damaged as a whole.
    Damage(Damage),
    /// One payload value wrong.
    Value(F),
    /// The other stream's entity: a routing fault.
    WrongStream,
}

impl<F: Fault> Planted<F> {
    /// One of the eleven kinds, uniformly; the order is fixed, since it fixes the batches.
    pub(crate) fn draw(rng: &mut Rng) -> Planted<F> {
        let [first, second, third, fourth, fifth, sixth] = F::ALL;
        match rng.below(11) {
            0 => Planted::Damage(Damage::BadBase64),
            1 => Planted::Damage(Damage::CutShort),
            2 => Planted::Damage(Damage::DuplicateName),
            3 => Planted::Damage(Damage::TimeRenamed),
            4 => Planted::Value(first),
            5 => Planted::Value(second),
            6 => Planted::Value(third),
            7 => Planted::Value(fourth),
            8 => Planted::Value(fifth),
            9 => Planted::Value(sixth),
            _ => Planted::WrongStream,
        }
    }
}

/// A stream's six ways of getting one payload value wrong.
pub(crate) trait Fault: Copy + Sized {
    const ALL: [Self; 6];
    /// The reason the handler gives for the fault.
    fn reason(self) -> Reason;
}

/// Damage done to a document that must fail for a whole-document or envelope reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Damage {
    /// A line break inside the base64, as a broken producer sends it.
    BadBase64,
    /// The JSON text cut at two thirds.
    CutShort,
    /// The event id member twice, at the top level.
    DuplicateName,
    /// The time under another name, and `null` for it.
    TimeRenamed,
}

impl Damage {
    /// The damaged document and what it must become. `BadBase64` leaves the document whole:
    /// the record's base64 is broken afterwards ([`corrupt_base64`]).
    pub(crate) fn apply(self, document: String) -> (String, Expected) {
        match self {
            Damage::BadBase64 => (document, Expected::Failed(Reason::Base64)),
            Damage::CutShort => {
                let mut cut_at = document.len() * 2 / 3;
                while !document.is_char_boundary(cut_at) {
                    cut_at -= 1;
                }
                (document.get(..cut_at).unwrap_or("").to_owned(), Expected::Failed(Reason::Json))
            }
            Damage::DuplicateName => {
                let body = document.strip_prefix('{').unwrap_or(&document);
                let duplicate = if body.contains("\"eventId\"") { "\"eventId\":\"x\"," } else { "\"event_id\":\"x\"," };
                (format!("{{{duplicate}{body}"), Expected::Failed(Reason::DuplicateName))
            }
            Damage::TimeRenamed => {
                let name = if document.contains("\"occurredAt\"") { "occurredAt" } else { "occurred_at" };
                let damaged = document.replacen(&format!("\"{name}\""), &format!("\"{name}\":null,\"at\""), 1);
                (damaged, Expected::Failed(Reason::Missing(name)))
            }
        }
    }
}

/// Makes `data` invalid base64 the way a broken producer would: a line break inside it.
pub(crate) fn corrupt_base64(data: &str, rng: &mut Rng) -> String {
    let at = usize::try_from(rng.below(data.len() as u64 / 4 + 1)).unwrap_or(0) * 4;
    format!("{}\\n{}", data.get(..at).unwrap_or(""), data.get(at..).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damage_gives_its_reason() {
        let document = r#"{"eventId":"e","occurredAt":"2026-11-20T15:04:05Z","data":{}}"#.to_owned();
        let (renamed, expected) = Damage::TimeRenamed.apply(document.clone());
        assert!(renamed.contains("\"occurredAt\":null,\"at\""));
        assert_eq!(expected, Expected::Failed(Reason::Missing("occurredAt")));
        let (duplicated, _) = Damage::DuplicateName.apply(document.clone());
        assert!(duplicated.starts_with("{\"eventId\":\"x\",\"eventId\""));
        let (cut, _) = Damage::CutShort.apply(document.clone());
        assert_eq!(cut.len(), document.len() * 2 / 3);
    }
}
