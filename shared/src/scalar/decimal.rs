//! Exact decimals: JSON number text (or a decimal string) as digits and a power of ten.
//!
//! No binary floating point anywhere (system-one-records.md, DEC). Values are kept as their
//! significant digits, so `1e400` or `0.1000000000000000000001` cost nothing to represent and
//! are judged exactly; only values that fit System One's DECIMAL(15,p) become machine integers.

/// A decimal number: `(-1)^negative × digits × 10^exponent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    /// Significant digits (0–9), no leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    exponent: i64,
}

/// Why a decimal does not fit where it must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Misfit {
    /// It needs more fraction digits than allowed.
    Inexact,
    /// It has more integer digits than allowed.
    TooLarge,
}

/// The most integer digits System One stores: DECIMAL(15,p) has 15 − p.
const TOTAL_DIGITS: i64 = 15;

/// Exponents are clamped here: far beyond any digit count a value could need, and far from
/// `i64` overflow when digit counts are added.
const EXPONENT_LIMIT: i64 = 1 << 40;

impl Decimal {
    /// Parses JSON number text, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, and the
    /// decimal strings the spec accepts (`-?[0-9]+(\.[0-9]+)?`, leading zeros allowed).
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (rest.get(..at)?, parse_exponent(rest.get(at + 1..)?)?),
            None => (rest, 0),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (mantissa, None),
        };
        let fraction = fraction.unwrap_or("");
        if whole.is_empty() || mantissa.ends_with('.') || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).map(|b| b - b'0').collect();
        let fraction_len = i64::try_from(fraction.len()).ok()?;
        Some(Decimal::normalised(negative, digits, exponent - fraction_len))
    }

    /// Strips leading and trailing zeros so that equal values have equal representations.
    fn normalised(negative: bool, mut digits: Vec<u8>, mut exponent: i64) -> Decimal {
        let leading = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..leading);
        while digits.last() == Some(&0) {
            digits.pop();
            exponent += 1;
        }
        if digits.is_empty() {
            return Decimal { negative: false, digits, exponent: 0 };
        }
        Decimal { negative, digits, exponent }
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Digits before the decimal point (0 for values below 1).
    fn integer_digits(&self) -> i64 {
        (self.digits.len() as i64 + self.exponent).max(0)
    }

    /// The value scaled by `10^places`, if it is exact at that many places and has at most
    /// `15 − places` integer digits (DECIMAL(15,places)).
    pub(crate) fn to_fixed(&self, places: u32) -> Result<i128, Misfit> {
        if self.is_zero() {
            return Ok(0);
        }
        if self.exponent < -i64::from(places) {
            return Err(Misfit::Inexact);
        }
        if self.integer_digits() > TOTAL_DIGITS - i64::from(places) {
            return Err(Misfit::TooLarge);
        }
        let mut scaled: i128 = 0;
        for &digit in &self.digits {
            scaled = scaled * 10 + i128::from(digit);
        }
        // At most 15 digits in all, so neither the shift nor the digits overflow.
        let shift = u32::try_from(self.exponent + i64::from(places)).map_err(|_| Misfit::TooLarge)?;
        scaled *= 10_i128.pow(shift);
        Ok(if self.negative { -scaled } else { scaled })
    }

    /// The value as an integer, if it has no fraction and fits `i64`.
    pub(crate) fn to_i64(&self) -> Result<i64, Misfit> {
        if self.is_zero() {
            return Ok(0);
        }
        if self.exponent < 0 {
            return Err(Misfit::Inexact);
        }
        if self.integer_digits() > 19 {
            return Err(Misfit::TooLarge);
        }
        let mut value: i128 = 0;
        for &digit in &self.digits {
            value = value * 10 + i128::from(digit);
        }
        value *= 10_i128.pow(u32::try_from(self.exponent).map_err(|_| Misfit::TooLarge)?);
        let value = if self.negative { -value } else { value };
        i64::try_from(value).map_err(|_| Misfit::TooLarge)
    }

    /// Multiplies by `factor × 10^exponent`, exactly.
    pub(crate) fn times(&self, factor: u64, exponent: i64) -> Decimal {
        let mut product: Vec<u8> = Vec::with_capacity(self.digits.len() + 20);
        let mut carry: u128 = 0;
        for &digit in self.digits.iter().rev() {
            let value = u128::from(digit) * u128::from(factor) + carry;
            product.push((value % 10) as u8);
            carry = value / 10;
        }
        while carry > 0 {
            product.push((carry % 10) as u8);
            carry /= 10;
        }
        product.reverse();
        Decimal::normalised(self.negative, product, self.exponent + exponent)
    }

    /// Rounds to `places` fraction digits, half away from zero.
    pub(crate) fn round_half_away(&self, places: u32) -> Decimal {
        let places = i64::from(places);
        if self.exponent >= -places {
            return self.clone();
        }
        // How many leading digits survive: those at 10^-places and above.
        let keep = self.digits.len() as i64 + self.exponent + places;
        if keep < 0 {
            return Decimal::normalised(false, Vec::new(), 0);
        }
        let keep = keep as usize;
        let round_up = self.digits.get(keep).is_some_and(|&d| d >= 5);
        let mut kept: Vec<u8> = self.digits.get(..keep).map(<[u8]>::to_vec).unwrap_or_default();
        if round_up {
            increment(&mut kept);
        }
        Decimal::normalised(self.negative, kept, -places)
    }
}

/// Adds one to a big-endian digit string, growing it on overflow (`99` → `100`).
fn increment(digits: &mut Vec<u8>) {
    for digit in digits.iter_mut().rev() {
        if *digit == 9 {
            *digit = 0;
        } else {
            *digit += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

/// `[+-]?[0-9]+`, clamped to ±[`EXPONENT_LIMIT`] (a clamped value is out of every range).
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || !all_digits(digits) {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        value = (value * 10 + i64::from(b - b'0')).min(EXPONENT_LIMIT);
    }
    Some(if negative { -value } else { value })
}

/// Writes a value scaled by `10^places` as System One decimal text: exactly `places` fraction
/// digits, at least one integer digit, `-` for negatives, never `-0.00` (the tests' form of
/// [`write_fixed`]).
#[cfg(test)]
fn format_fixed(scaled: i128, places: u32) -> String {
    let mut out = String::new();
    write_fixed(scaled, places, &mut out);
    out
}

/// Appends a value scaled by `10^places` to `out` as System One decimal text: exactly `places`
/// fraction digits, at least one integer digit, `-` for negatives, never `-0.00`.
pub(crate) fn write_fixed(scaled: i128, places: u32, out: &mut String) {
    let magnitude = scaled.unsigned_abs();
    if scaled < 0 {
        out.push('-');
    }
    if places == 0 {
        push_digits(out, magnitude, 0);
        return;
    }
    let unit = 10_u128.pow(places);
    push_digits(out, magnitude / unit, 0);
    out.push('.');
    push_digits(out, magnitude % unit, places as usize);
}

/// Appends `value` in decimal, zero-padded to at least `width` digits: what `{value:0width$}`
/// writes, without the formatting machinery and (below 2^64) without 128-bit division, since
/// this runs for every number of every record.
pub(crate) fn push_digits(out: &mut String, value: u128, width: usize) {
    let mut buffer = [b'0'; 40];
    let mut start = buffer.len();
    let mut put = |digit: u8| {
        start -= 1;
        if let Some(slot) = buffer.get_mut(start) {
            *slot = b'0' + digit;
        }
    };
    match u64::try_from(value) {
        Ok(mut small) => loop {
            put((small % 10) as u8);
            small /= 10;
            if small == 0 {
                break;
            }
        },
        Err(_) => {
            let mut large = value;
            loop {
                put((large % 10) as u8);
                large /= 10;
                if large == 0 {
                    break;
                }
            }
        }
    }
    let digits = buffer.len() - start;
    for _ in digits..width {
        out.push('0');
    }
    out.push_str(std::str::from_utf8(buffer.get(start..).unwrap_or_default()).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str, places: u32) -> Result<i128, Misfit> {
        Decimal::parse(text).expect("parses").to_fixed(places)
    }

    #[test]
    fn parses_json_and_string_forms() {
        assert_eq!(fixed("12.500", 2), Ok(1250));
        assert_eq!(fixed("1.25e2", 2), Ok(12500));
        assert_eq!(fixed("125E-2", 2), Ok(125));
        assert_eq!(fixed("-0.00", 2), Ok(0));
        assert_eq!(fixed("007.5", 2), Ok(750));
        assert_eq!(fixed("0e999999999999999999999", 2), Ok(0));
        for bad in ["", "-", ".5", "5.", "1e", "1e+", "+1", " 1", "1 ", "1,000", "0x10", "1.2.3", "٣"] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn judges_exactness_and_size_on_the_value() {
        assert_eq!(fixed("0.1000000000000000000001", 2), Err(Misfit::Inexact));
        assert_eq!(fixed("12.345", 2), Err(Misfit::Inexact));
        assert_eq!(fixed("9999999999999.99", 2), Ok(999_999_999_999_999));
        assert_eq!(fixed("10000000000000", 2), Err(Misfit::TooLarge));
        assert_eq!(fixed("0000000000000000001", 2), Ok(100));
        assert_eq!(fixed("1e400", 2), Err(Misfit::TooLarge));
        assert_eq!(fixed("1e-400", 2), Err(Misfit::Inexact));
        assert_eq!(fixed("99999999999.9999", 4), Ok(999_999_999_999_999));
        assert_eq!(fixed("100000000000", 4), Err(Misfit::TooLarge));
    }

    #[test]
    fn integers_in_any_notation() {
        let int = |text: &str| Decimal::parse(text).expect("parses").to_i64();
        assert_eq!(int("3e2"), Ok(300));
        assert_eq!(int("3.0"), Ok(3));
        assert_eq!(int("-0"), Ok(0));
        assert_eq!(int("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(int("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(int("9223372036854775808"), Err(Misfit::TooLarge));
        assert_eq!(int("3.0000000000000000001"), Err(Misfit::Inexact));
        assert_eq!(int("1e19"), Err(Misfit::TooLarge));
    }

    #[test]
    fn rounds_half_away_from_zero_exactly() {
        let round = |text: &str, places| {
            let scaled = Decimal::parse(text).expect("parses").round_half_away(places).to_fixed(places);
            scaled.map(|s| format_fixed(s, places))
        };
        assert_eq!(round("1.005", 2), Ok("1.01".into()));
        assert_eq!(round("-1.005", 2), Ok("-1.01".into()));
        assert_eq!(round("0.125", 2), Ok("0.13".into()));
        assert_eq!(round("0.0049999999999", 2), Ok("0.00".into()));
        assert_eq!(round("-0.001", 2), Ok("0.00".into()));
        assert_eq!(round("0.005", 2), Ok("0.01".into()));
        assert_eq!(round("0.0005", 2), Ok("0.00".into()));
        assert_eq!(round("9.995", 2), Ok("10.00".into()));
        assert_eq!(round("1e-400", 2), Ok("0.00".into()));
    }

    #[test]
    fn multiplies_exactly() {
        let kg = Decimal::parse("4535923703803.780712").expect("parses");
        let lb = kg.times(220_462_262, -8).round_half_away(2);
        assert_eq!(lb.to_fixed(2), Ok(999_999_999_999_999));
        let kg = Decimal::parse("4535923703803.780713").expect("parses");
        assert_eq!(kg.times(220_462_262, -8).round_half_away(2).to_fixed(2), Err(Misfit::TooLarge));
    }

    #[test]
    fn formats_without_minus_zero() {
        assert_eq!(format_fixed(0, 2), "0.00");
        assert_eq!(format_fixed(-5, 2), "-0.05");
        assert_eq!(format_fixed(123_4567, 4), "123.4567");
        assert_eq!(format_fixed(-7, 0), "-7");
    }

    proptest::proptest! {
        /// The hand-written digits are exactly what the formatting machinery wrote before.
        #[test]
        fn digits_are_what_format_wrote(value in 0u128.., small in 0u64.., width in 0usize..45) {
            for value in [value, u128::from(small)] {
                let mut out = String::new();
                push_digits(&mut out, value, width);
                proptest::prop_assert_eq!(out, format!("{value:0width$}"));
            }
        }

        #[test]
        fn fixed_is_what_format_wrote(scaled in proptest::num::i128::ANY, small in proptest::num::i64::ANY, places in 0u32..19) {
            for scaled in [scaled, i128::from(small)] {
                let mut out = String::new();
                write_fixed(scaled, places, &mut out);
                let unit = 10_u128.pow(places);
                let sign = if scaled < 0 { "-" } else { "" };
                let magnitude = scaled.unsigned_abs();
                let expected = if places == 0 {
                    format!("{sign}{magnitude}")
                } else {
                    format!("{sign}{}.{:0width$}", magnitude / unit, magnitude % unit, width = places as usize)
                };
                proptest::prop_assert_eq!(out, expected);
            }
        }
    }
}
