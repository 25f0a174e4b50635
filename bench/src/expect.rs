//! What a generated record must become, shaped like the catalogue's `Want`
//! (shared/tests/catalogue.rs): the generator knows it when it writes the record, and the
//! generator test holds the real handler to it.

use std::fmt;

use shim::Reason;

/// What the generator meant a record to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A System One line.
    Ok,
    /// Nothing: a heartbeat.
    Dropped,
    /// Firehose's error output, for this reason.
    Failed(Reason),
}

impl Expected {
    pub fn is_failed(&self) -> bool {
        matches!(self, Expected::Failed(_))
    }
}

/// `Ok`, `Dropped`, or the failure's machine tag (`missing:CUST_NO`, `total-mismatch`).
impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Ok => f.write_str("Ok"),
            Expected::Dropped => f.write_str("Dropped"),
            Expected::Failed(reason) => write!(f, "{}", reason.tag()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_the_handler_reports() {
        assert_eq!(Expected::Ok.to_string(), "Ok");
        assert_eq!(Expected::Dropped.to_string(), "Dropped");
        assert_eq!(Expected::Failed(Reason::Missing("CUST_NO")).to_string(), "missing:CUST_NO");
        assert!(Expected::Failed(Reason::Json).is_failed() && !Expected::Ok.is_failed());
    }
}
