//! One JSON value to one System One cell, by the field's type (system-one-records.md, "Types",
//! and system-two-events.md, "Value forms in payloads").

use crate::json::Json;

use crate::layout::Kind;
use crate::reason::Reason;
use crate::scalar::decimal::{push_digits, write_fixed};
use crate::scalar::text::{self, Fit};
use crate::scalar::time::Date;
use crate::scalar::{date, dec, flag, int, string, timestamp, Context};

/// A converted field, typed so that business rules can compare and derive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    Absent,
    /// Cleaned text (TEXT, CODE, ENUM code), not yet escaped.
    Text(String),
    Int(i64),
    /// A decimal scaled by `10^places`.
    Dec {
        scaled: i128,
        places: u32,
    },
    Date(Date),
    /// A TIMESTAMP, already `YYYYMMDDHHMMSS` in System One's zone.
    Stamp(String),
    Flag(bool),
}

impl Cell {
    /// Appends the cell's System One text to a line.
    pub(crate) fn write(&self, line: &mut String) {
        match self {
            Cell::Absent => {}
            Cell::Text(value) => text::escape(value, line),
            Cell::Int(value) => {
                if *value < 0 {
                    line.push('-');
                }
                push_digits(line, u128::from(value.unsigned_abs()), 0);
            }
            Cell::Dec { scaled, places } => write_fixed(*scaled, *places, line),
            Cell::Date(date) => date.write(line),
            Cell::Stamp(stamp) => line.push_str(stamp),
            Cell::Flag(flag) => line.push(if *flag { 'Y' } else { 'N' }),
        }
    }
}

/// A converted value, and whether TEXT T had to cut it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Converted {
    pub cell: Cell,
    pub truncated: bool,
}

impl From<Cell> for Converted {
    fn from(cell: Cell) -> Self {
        Converted { cell, truncated: false }
    }
}

/// Converts a value that is present in the payload (`None` is a missing member).
pub(crate) fn convert(kind: Kind, value: Option<&Json<'_>>, cx: &Context<'_>) -> Result<Converted, Reason> {
    let value = match value {
        // A v2 weight is an object or absent (missing, null): "" is not absent here.
        Some(value @ Json::String(_)) if matches!(kind, Kind::WeightLb) => value,
        None | Some(Json::Null) => return Ok(Cell::Absent.into()),
        Some(Json::String(s)) if s.is_empty() => return Ok(Cell::Absent.into()),
        Some(value) => value,
    };
    match kind {
        Kind::Text { width, truncate } => text_cell(value, width, truncate, cx),
        Kind::Code { width } => code(value, width, cx).map(Converted::from),
        Kind::Letters(count) => letters(value, count, cx).map(Converted::from),
        Kind::Int => int(value, cx).map(|n| Cell::Int(n).into()),
        Kind::Dec(places) => dec(value, places, cx).map(|scaled| Cell::Dec { scaled, places }.into()),
        Kind::Date => date(value, cx).map(|d| Cell::Date(d).into()),
        Kind::Timestamp => timestamp(value, cx).map(|s| Cell::Stamp(s).into()),
        Kind::Flag => flag(value, cx).map(|f| Cell::Flag(f).into()),
        Kind::Enum(table) => enumeration(value, table, cx).map(Converted::from),
        Kind::WeightLb => super::weight::pounds(value, cx).map(|pounds| match pounds {
            Some(scaled) => Cell::Dec { scaled, places: 2 }.into(),
            None => Cell::Absent.into(),
        }),
    }
}

fn text_cell(value: &Json<'_>, width: usize, truncate: bool, cx: &Context<'_>) -> Result<Converted, Reason> {
    let mut cleaned = text::clean(string(value, cx)?);
    if cleaned.is_empty() {
        return Ok(Cell::Absent.into());
    }
    match text::fit(&mut cleaned, width, truncate) {
        Fit::Fits => Ok(Cell::Text(cleaned).into()),
        Fit::Truncated => Ok(Converted { cell: Cell::Text(cleaned), truncated: true }),
        Fit::TooLong => Err(Reason::TooLong(cx.name)),
    }
}

/// CODE(width): cleaned, ASCII letters upper-cased, then `[A-Z0-9._/-]+` within the width.
fn code(value: &Json<'_>, width: usize, cx: &Context<'_>) -> Result<Cell, Reason> {
    let mut cleaned = text::clean(string(value, cx)?);
    cleaned.make_ascii_uppercase();
    if cleaned.is_empty() {
        return Ok(Cell::Absent);
    }
    if cleaned.chars().count() > width {
        return Err(Reason::TooLong(cx.name));
    }
    if !cleaned.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"._/-".contains(&b)) {
        return Err(Reason::Charset(cx.name));
    }
    Ok(Cell::Text(cleaned))
}

/// A CODE that must be exactly `count` letters `A-Z` after upper-casing.
fn letters(value: &Json<'_>, count: usize, cx: &Context<'_>) -> Result<Cell, Reason> {
    let mut cleaned = text::clean(string(value, cx)?);
    cleaned.make_ascii_uppercase();
    if cleaned.is_empty() {
        return Ok(Cell::Absent);
    }
    if cleaned.len() != count || !cleaned.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Reason::Charset(cx.name));
    }
    Ok(Cell::Text(cleaned))
}

/// ENUM: cleaned, ASCII letters folded to lower case, looked up in the table.
fn enumeration(value: &Json<'_>, table: &[(&str, &'static str)], cx: &Context<'_>) -> Result<Cell, Reason> {
    let mut cleaned = text::clean(string(value, cx)?);
    cleaned.make_ascii_lowercase();
    if cleaned.is_empty() {
        return Ok(Cell::Absent);
    }
    let (_, code) = table.iter().find(|(name, _)| *name == cleaned).ok_or(Reason::UnknownValue(cx.name))?;
    Ok(Cell::Text((*code).to_owned()))
}

#[cfg(test)]
mod tests;
