//! Step 6: business rules across fields (system-one-records.md, "Business rules"), applied to
//! converted cells: checks that fail the record, and enrichment (derived EXT_PRICE, default
//! UOM) that fills absent cells.

use crate::convert::{Cell, Record};
use crate::envelope::Action;
use crate::layout::{Check, Layout};
use crate::reason::Reason;

/// The largest DEC(2) System One stores, scaled by 100: DECIMAL(15,2).
const DEC2_LIMIT: i128 = 999_999_999_999_999;

/// Applies the layout's checks in table order. For `deleted` events only the checks marked
/// `on_delete` run (`LINE_NO >= 1`); the other fields were not read.
pub(crate) fn apply(layout: &Layout, record: &mut Record) -> Result<(), Reason> {
    let deleted = record.action == Action::Deleted;
    for check in layout.checks {
        let runs = match check {
            Check::AtLeast { on_delete, .. } => *on_delete || !deleted,
            _ => !deleted,
        };
        if runs {
            apply_check(layout, check, &mut record.cells)?;
        }
    }
    Ok(())
}

fn apply_check(layout: &Layout, check: &Check, cells: &mut [Cell]) -> Result<(), Reason> {
    const ABSENT: &Cell = &Cell::Absent;
    let view: &[Cell] = cells;
    let cell = |name: &str| layout.position(name).and_then(|at| view.get(at)).unwrap_or(ABSENT);
    let (target, derived) = match *check {
        Check::Sum { total, parts } => {
            let sum = parts.iter().map(|part| dec(cell(part))).sum::<Option<i128>>();
            if sum.is_some() && sum != dec(cell(total)) {
                return Err(Reason::TotalMismatch);
            }
            return Ok(());
        }
        Check::NotBefore { field, earlier } => {
            if let (Cell::Date(later), Cell::Date(earlier_date)) = (cell(field), cell(earlier)) {
                if later < earlier_date {
                    return Err(Reason::DateOrder(field));
                }
            }
            return Ok(());
        }
        Check::AtLeast { field, min, .. } => {
            if let Cell::Int(value) = cell(field) {
                if *value < min {
                    return Err(Reason::Range(field));
                }
            }
            return Ok(());
        }
        Check::StartsWith { field, prefix } => {
            if let Cell::Text(text) = cell(field) {
                if !text.starts_with(prefix) {
                    return Err(Reason::Format(field));
                }
            }
            return Ok(());
        }
        Check::Product { target, qty, price } if cell(target) == ABSENT => {
            (target, product(cell(qty), cell(price)).ok_or(Reason::Range(target))?)
        }
        Check::Default { field, value } if cell(field) == ABSENT => (field, Cell::Text(value.to_owned())),
        Check::Product { .. } | Check::Default { .. } => return Ok(()),
    };
    if let Some(slot) = layout.position(target).and_then(|at| cells.get_mut(at)) {
        *slot = derived;
    }
    Ok(())
}

/// A DEC(2) cell's scaled value.
fn dec(cell: &Cell) -> Option<i128> {
    match cell {
        Cell::Dec { scaled, places: 2 } => Some(*scaled),
        _ => None,
    }
}

/// `qty × price` rounded half away from zero to 2 places, if it fits DECIMAL(15,2).
fn product(qty: &Cell, price: &Cell) -> Option<Cell> {
    let (Cell::Int(qty), Cell::Dec { scaled: price, places }) = (qty, price) else {
        return None;
    };
    let exact = i128::from(*qty).checked_mul(*price)?;
    let divisor = 10_i128.checked_pow(places.checked_sub(2)?)?;
    let magnitude = (exact.unsigned_abs() + divisor.unsigned_abs() / 2) / divisor.unsigned_abs();
    let magnitude = i128::try_from(magnitude).ok()?;
    let scaled = if exact < 0 { -magnitude } else { magnitude };
    (scaled.abs() <= DEC2_LIMIT).then_some(Cell::Dec { scaled, places: 2 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_rounds_half_away_from_zero() {
        let price = |scaled| Cell::Dec { scaled, places: 4 };
        assert_eq!(product(&Cell::Int(3), &price(3350)), Some(Cell::Dec { scaled: 101, places: 2 }));
        assert_eq!(product(&Cell::Int(1), &price(-50)), Some(Cell::Dec { scaled: -1, places: 2 }));
        assert_eq!(product(&Cell::Int(1), &price(-49)), Some(Cell::Dec { scaled: 0, places: 2 }));
        assert_eq!(product(&Cell::Int(1), &price(250)), Some(Cell::Dec { scaled: 3, places: 2 }));
        assert_eq!(product(&Cell::Int(0), &price(999_999)), Some(Cell::Dec { scaled: 0, places: 2 }));
        assert_eq!(product(&Cell::Int(i64::MAX), &price(999_999_999_999_999)), None);
    }
}
