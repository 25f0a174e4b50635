//! Scalars below the layouts: exact decimals, calendar dates and instants, the text rules, and
//! the readers of one JSON value as an INT, DEC, DATE, TIMESTAMP or FLAG (system-one-records.md,
//! "Types", and system-two-events.md, "Value forms in payloads").
//!
//! A leaf: it knows no layout and no envelope, so both the envelope (`occurredAt`, the schema
//! version) and the converter (every field) can read values with it.

pub(crate) mod decimal;
pub(crate) mod text;
pub(crate) mod time;

use crate::json::Json;
use jiff::tz::TimeZone;

use crate::reason::{FieldName, Reason};
use decimal::{Decimal, Misfit};
use time::Date;

/// What a conversion needs beyond the value: the field's name for reasons, and the zone.
pub(crate) struct Context<'a> {
    pub name: FieldName,
    pub zone: &'a TimeZone,
}

/// The value as a string, or a type error naming the field.
pub(crate) fn string<'v>(value: &'v Json<'_>, cx: &Context<'_>) -> Result<&'v str, Reason> {
    value.as_str().ok_or(Reason::Type(cx.name))
}

/// The exact decimal in a JSON number, or in a string of the form `pattern` allows.
fn decimal(value: &Json<'_>, allow_fraction_string: bool, cx: &Context<'_>) -> Result<Decimal, Reason> {
    match value {
        Json::Number(number) => Decimal::parse(number).ok_or(Reason::Format(cx.name)),
        Json::String(text) => {
            let plain = text.bytes().all(|b| b.is_ascii_digit() || b == b'-' || (allow_fraction_string && b == b'.'));
            let parsed = if plain { Decimal::parse(text) } else { None };
            parsed.ok_or(Reason::Format(cx.name))
        }
        _ => Err(Reason::Type(cx.name)),
    }
}

/// INT: an integral JSON number in any notation, or `-?[0-9]+`; it must fit `i64`.
pub(crate) fn int(value: &Json<'_>, cx: &Context<'_>) -> Result<i64, Reason> {
    decimal(value, false, cx)?.to_i64().map_err(|misfit| misfit_reason(misfit, cx.name))
}

/// DEC(p): a JSON number or `-?[0-9]+(\.[0-9]+)?`, exact at p places, DECIMAL(15,p).
pub(crate) fn dec(value: &Json<'_>, places: u32, cx: &Context<'_>) -> Result<i128, Reason> {
    decimal_value(value, cx)?.to_fixed(places).map_err(|misfit| misfit_reason(misfit, cx.name))
}

/// A DEC input, unjudged: for conversions that round before they judge (kilograms).
pub(crate) fn decimal_value(value: &Json<'_>, cx: &Context<'_>) -> Result<Decimal, Reason> {
    decimal(value, true, cx)
}

/// The reason a decimal that does not fit gives, for the field `name`.
pub(crate) fn misfit_reason(misfit: Misfit, name: FieldName) -> Reason {
    match misfit {
        Misfit::Inexact => Reason::Precision(name),
        Misfit::TooLarge => Reason::Range(name),
    }
}

/// DATE: `YYYY-MM-DD`, a real date, in System One's years.
pub(crate) fn date(value: &Json<'_>, cx: &Context<'_>) -> Result<Date, Reason> {
    let date = Date::parse(string(value, cx)?).ok_or(Reason::Format(cx.name))?;
    if !date.in_system_one_range() {
        return Err(Reason::Range(cx.name));
    }
    Ok(date)
}

/// TIMESTAMP: an RFC 3339 string or integral epoch seconds, shown in System One's zone.
pub(crate) fn timestamp(value: &Json<'_>, cx: &Context<'_>) -> Result<String, Reason> {
    timestamp_at(value, cx).map(|(_, text)| text)
}

/// [`timestamp`], with the instant it names in Unix seconds (for the event-age metric).
pub(crate) fn timestamp_at(value: &Json<'_>, cx: &Context<'_>) -> Result<(i64, String), Reason> {
    let seconds = match value {
        Json::String(text) => time::parse_rfc3339(text).ok_or(Reason::Format(cx.name))?,
        Json::Number(_) => int(value, cx)?,
        _ => return Err(Reason::Type(cx.name)),
    };
    let text = time::local_text(seconds, cx.zone).ok_or(Reason::Range(cx.name))?;
    Ok((seconds, text))
}

/// FLAG: a boolean, or a number whose value is 0 or 1 in any notation.
pub(crate) fn flag(value: &Json<'_>, cx: &Context<'_>) -> Result<bool, Reason> {
    match value {
        Json::Bool(flag) => Ok(*flag),
        Json::Number(number) => match Decimal::parse(number).map(|d| d.to_i64()) {
            Some(Ok(0)) => Ok(false),
            Some(Ok(1)) => Ok(true),
            _ => Err(Reason::Range(cx.name)),
        },
        _ => Err(Reason::Type(cx.name)),
    }
}
