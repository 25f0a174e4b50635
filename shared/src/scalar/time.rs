//! DATE and TIMESTAMP: strict calendar parsing, and instants shown in System One's zone.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The years System One can store, for DATE and for the local year of a TIMESTAMP.
const YEARS: std::ops::RangeInclusive<i64> = 1900..=2099;

/// A calendar date, checked to be real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    year: i64,
    month: i64,
    day: i64,
}

impl Date {
    fn new(year: i64, month: i64, day: i64) -> Option<Date> {
        let real = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        real.then_some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`, exactly 10 ASCII characters, a real date (any year).
    pub(crate) fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        Date::new(digits(bytes, 0, 4)?, digits(bytes, 5, 2)?, digits(bytes, 8, 2)?)
    }

    pub(crate) fn in_system_one_range(&self) -> bool {
        YEARS.contains(&self.year)
    }

    /// `YYYYMMDD` (the tests' form of [`Date::write`]).
    #[cfg(test)]
    fn text(&self) -> String {
        let mut out = String::with_capacity(8);
        self.write(&mut out);
        out
    }

    /// Appends `YYYYMMDD` to `out`.
    pub(crate) fn write(&self, out: &mut String) {
        push_digits(out, self.year, 4);
        push_digits(out, self.month, 2);
        push_digits(out, self.day, 2);
    }

    /// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's `days_from_civil`).
    fn days_since_epoch(&self) -> i64 {
        let year = if self.month <= 2 { self.year - 1 } else { self.year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_index = (self.month + 9) % 12;
        let day_of_year = (153 * month_index + 2) / 5 + self.day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `len` ASCII digits at `at`, as a number.
fn digits(bytes: &[u8], at: usize, len: usize) -> Option<i64> {
    let slice = bytes.get(at..at + len)?;
    slice.iter().try_fold(0_i64, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0')))
}

/// Parses `YYYY-MM-DDTHH:MM:SS(.F+)?(Z|+HH:MM|-HH:MM)` to whole seconds since the Unix epoch.
///
/// Fraction digits are dropped as written: the floor of the instant, before 1970 too, since
/// the seconds field itself is never negative.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let date = Date::parse(text.get(..10)?)?;
    if !matches!(bytes.get(10), Some(b'T' | b't')) || bytes.get(13) != Some(&b':') || bytes.get(16) != Some(&b':') {
        return None;
    }
    let (hour, minute, second) = (digits(bytes, 11, 2)?, digits(bytes, 14, 2)?, digits(bytes, 17, 2)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut at = 19;
    if bytes.get(at) == Some(&b'.') {
        let fraction = bytes.get(at + 1..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
    }
    let offset = parse_offset(bytes.get(at..)?)?;
    Some(date.days_since_epoch() * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

/// `Z` (either case) or `±HH:MM` with hours 00 to 23 and minutes 00 to 59, in seconds.
fn parse_offset(bytes: &[u8]) -> Option<i64> {
    let sign = match bytes {
        [b'Z' | b'z'] => return Some(0),
        [b'+', ..] => 1,
        [b'-', ..] => -1,
        _ => return None,
    };
    if bytes.len() != 6 || bytes.get(3) != Some(&b':') {
        return None;
    }
    let (hours, minutes) = (digits(bytes, 1, 2)?, digits(bytes, 4, 2)?);
    (hours <= 23 && minutes <= 59).then_some(sign * (hours * 3_600 + minutes * 60))
}

/// An instant as System One's `YYYYMMDDHHMMSS` in `zone`, if its local year is 1900 to 2099.
pub(crate) fn local_text(epoch_seconds: i64, zone: &TimeZone) -> Option<String> {
    let instant = Timestamp::from_second(epoch_seconds).ok()?;
    let local = zone.to_datetime(instant);
    if !YEARS.contains(&i64::from(local.year())) {
        return None;
    }
    let mut text = String::with_capacity(14);
    push_digits(&mut text, i64::from(local.year()), 4);
    for part in [local.month(), local.day(), local.hour(), local.minute(), local.second()] {
        push_digits(&mut text, i64::from(part), 2);
    }
    Some(text)
}

/// Appends a number in 0..10^width as exactly `width` zero-padded digits, without the
/// formatting machinery: this runs for every record.
fn push_digits(out: &mut String, value: i64, width: u32) {
    const POWERS: [i64; 5] = [1, 10, 100, 1_000, 10_000];
    for place in (0..width).rev() {
        let power = POWERS.get(place as usize).copied().unwrap_or_else(|| 10_i64.pow(place));
        let digit = (value / power).rem_euclid(10);
        out.push(char::from(b'0' + digit as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").expect("bundled zone")
    }

    #[test]
    fn dates_must_be_real_and_exact() {
        assert_eq!(Date::parse("2024-02-29").map(|d| d.text()), Some("20240229".into()));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "2026/01/01",
            "2026-01-01T00",
            "２０２６-01-01",
            "2026-01-0١",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
        assert!(Date::parse("2000-02-29").is_some());
        assert!(!Date::parse("1899-12-31").expect("real").in_system_one_range());
        assert!(!Date::parse("2100-01-01").expect("real").in_system_one_range());
    }

    #[test]
    fn rfc3339_forms() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01t00:00:01.999z"), Some(1));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59.5Z"), Some(-1));
        assert_eq!(parse_rfc3339("2026-11-20T15:04:05.123-05:00"), Some(1_795_205_045));
        assert_eq!(parse_rfc3339("2026-11-20T20:04:05-00:00"), Some(1_795_205_045));
        assert_eq!(parse_rfc3339("2026-11-21T01:34:05+05:30"), Some(1_795_205_045));
        for bad in [
            "2026-11-20T15:04:05",
            "2026-11-20 15:04:05Z",
            "2026-11-20T15:04Z",
            "2026-11-20T24:00:00Z",
            "2026-11-20T23:60:00Z",
            "2026-11-20T23:59:60Z",
            "2026-11-20T15:04:05.Z",
            "2026-11-20T15:04:05+24:00",
            "2026-11-20T15:04:05+05:60",
            "2026-11-20T15:04:05+0500",
            "2026-02-30T15:04:05Z",
            "2026-11-20T15:04:05Z ",
            "1795205045",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn local_time_follows_daylight_saving() {
        assert_eq!(local_text(1_795_205_045, &chicago()).as_deref(), Some("20261120140405"));
        // 2026-03-08 07:59:59Z is 01:59:59 CST; a second later it is 03:00:00 CDT.
        assert_eq!(local_text(1_772_956_799, &chicago()).as_deref(), Some("20260308015959"));
        assert_eq!(local_text(1_772_956_800, &chicago()).as_deref(), Some("20260308030000"));
    }

    #[test]
    fn local_year_must_be_in_range() {
        let utc = TimeZone::UTC;
        assert_eq!(
            local_text(parse_rfc3339("2099-12-31T23:59:59Z").expect("valid"), &utc).as_deref(),
            Some("20991231235959")
        );
        assert_eq!(local_text(parse_rfc3339("2100-01-01T00:00:00Z").expect("valid"), &utc), None);
        assert_eq!(local_text(parse_rfc3339("1900-01-01T05:59:59Z").expect("valid"), &chicago()), None);
        assert_eq!(local_text(i64::MAX, &utc), None);
    }

    proptest::proptest! {
        /// The table of powers writes what `10.pow` and `char::from_digit` wrote before.
        #[test]
        fn digits_are_what_they_were(value in -100_000i64..100_000, width in 1u32..5) {
            let mut out = String::new();
            push_digits(&mut out, value, width);
            let mut before = String::new();
            for place in (0..width).rev() {
                let digit = (value / 10_i64.pow(place)).rem_euclid(10);
                before.push(char::from_digit(digit.unsigned_abs() as u32, 10).unwrap_or('0'));
            }
            proptest::prop_assert_eq!(out, before);
        }
    }
}
