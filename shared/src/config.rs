//! The function's configuration, read once at start-up; a bad value stops the function before
//! it takes any record.

use jiff::tz::TimeZone;

/// The zone System One's timestamps are written in when `SYSTEM_ONE_TIMEZONE` is unset or empty.
pub(crate) const DEFAULT_ZONE: &str = "America/Chicago";

/// The environment variable naming System One's IANA time zone.
pub const ZONE_VARIABLE: &str = "SYSTEM_ONE_TIMEZONE";

#[derive(Debug, Clone)]
pub struct Config {
    /// The IANA name as configured (for the start-up log line).
    pub zone_name: String,
    /// The zone's rules, from the tzdata bundled into the binary.
    pub zone: TimeZone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{ZONE_VARIABLE}={0:?} is not an IANA time zone known to the bundled tzdata")]
    UnknownZone(String),
}

impl Config {
    /// Reads `SYSTEM_ONE_TIMEZONE` from the environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::with_zone(std::env::var(ZONE_VARIABLE).ok().as_deref())
    }

    /// The configuration for a zone name; `None` or empty means the default, `America/Chicago`.
    pub fn with_zone(name: Option<&str>) -> Result<Config, ConfigError> {
        let name = match name {
            Some(name) if !name.is_empty() => name,
            _ => DEFAULT_ZONE,
        };
        let zone = TimeZone::get(name).map_err(|_| ConfigError::UnknownZone(name.to_owned()))?;
        Ok(Config { zone_name: name.to_owned(), zone })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_empty_means_chicago() {
        assert_eq!(Config::with_zone(None).unwrap().zone_name, DEFAULT_ZONE);
        assert_eq!(Config::with_zone(Some("")).unwrap().zone_name, DEFAULT_ZONE);
        assert!(Config::with_zone(Some("Europe/Berlin")).is_ok());
    }

    #[test]
    fn unknown_zone_is_a_clear_error() {
        let error = Config::with_zone(Some("Mars/Olympus")).unwrap_err();
        assert_eq!(error, ConfigError::UnknownZone("Mars/Olympus".into()));
        assert_eq!(
            error.to_string(),
            "SYSTEM_ONE_TIMEZONE=\"Mars/Olympus\" is not an IANA time zone known to the bundled tzdata"
        );
    }
}
