//! Hour partitions: the `YYYY/MM/DD/HH` (UTC) folders Firehose files objects under, by the
//! approximate arrival time of the oldest record in each object, and the prefixes a reconcile
//! reads for one stream and hour.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// One UTC hour, as hours since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hour(pub i64);

impl Hour {
    /// The hour `at` falls in.
    pub fn of(at: Timestamp) -> Hour {
        Hour(at.as_second().div_euclid(3600))
    }

    /// The first hour that starts at or after `at` (an exclusive end given as an instant).
    pub fn ceil(at: Timestamp) -> Hour {
        let hour = Hour::of(at);
        if hour.start() == at {
            hour
        } else {
            hour.plus(1)
        }
    }

    pub fn plus(self, hours: i64) -> Hour {
        Hour(self.0.saturating_add(hours))
    }

    /// When the hour starts.
    pub fn start(self) -> Timestamp {
        Timestamp::from_second(self.0.saturating_mul(3600)).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// `YYYY/MM/DD/HH`, as in the bucket's keys.
    pub fn folder(self) -> String {
        self.start().to_zoned_datetime(TimeZone::UTC).strftime("%Y/%m/%d/%H").to_string()
    }

    /// `YYYY-MM-DDTHH:00Z`, as the report names hours.
    pub fn label(self) -> String {
        self.start().to_zoned_datetime(TimeZone::UTC).strftime("%Y-%m-%dT%H:00Z").to_string()
    }
}

/// The folders of one stream's hour partition, each ending with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefixes {
    /// `source/<stream>/HOUR/`: the raw backup.
    pub source: String,
    /// `system-one/<stream>/HOUR/`: the System One objects.
    pub data: String,
    /// `errors/<stream>/processing-failed/HOUR/` and the same folder moved under `replayed/`
    /// by a replay.
    pub errors: [String; 2],
    /// `errors/<stream>/replayed/outputs/HOUR/`: what replays wrote in this hour.
    pub replayed_outputs: String,
}

impl Prefixes {
    pub fn new(stream: &str, hour: Hour) -> Prefixes {
        let folder = hour.folder();
        Prefixes {
            source: format!("source/{stream}/{folder}/"),
            data: format!("system-one/{stream}/{folder}/"),
            errors: [
                format!("errors/{stream}/processing-failed/{folder}/"),
                format!("errors/{stream}/{}/processing-failed/{folder}/", crate::replay::REPLAYED),
            ],
            replayed_outputs: format!(
                "errors/{stream}/{}/{}/{folder}/",
                crate::replay::REPLAYED,
                crate::replay::OUTPUTS
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_name_their_folders() {
        let at: Timestamp = "2026-11-20T15:04:05Z".parse().unwrap();
        let hour = Hour::of(at);
        assert_eq!(hour.folder(), "2026/11/20/15");
        assert_eq!(hour.label(), "2026-11-20T15:00Z");
        assert_eq!(Hour::ceil(at), hour.plus(1));
        assert_eq!(Hour::ceil(hour.start()), hour);
        let prefixes = Prefixes::new("orders", hour);
        assert_eq!(prefixes.source, "source/orders/2026/11/20/15/");
        assert_eq!(prefixes.data, "system-one/orders/2026/11/20/15/");
        assert_eq!(prefixes.errors[1], "errors/orders/replayed/processing-failed/2026/11/20/15/");
    }
}
