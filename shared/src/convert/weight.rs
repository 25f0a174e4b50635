//! SHP `WEIGHT_LB` from v2's `{"value": DEC, "unit": "lb" | "kg"}` (v1's `weight_lb` is
//! already pounds and converts as a plain DEC(2): see [`crate::layout::Kind::for_version`]).

use crate::json::{Json, Object};

use crate::reason::Reason;
use crate::scalar::{dec, decimal_value, misfit_reason, Context};

/// Pounds per kilogram, as the spec fixes it: 2.20462262 = 220462262 × 10^-8.
const LB_PER_KG: (u64, i64) = (220_462_262, -8);

/// The weight in pounds, scaled by 100 (DEC(2)), or `None` when absent; `value` is present and
/// not null or `""`.
pub(super) fn pounds(value: &Json<'_>, cx: &Context<'_>) -> Result<Option<i128>, Reason> {
    match value {
        Json::Object(weight) => from_object(weight, cx),
        _ => Err(Reason::Type(cx.name)),
    }
}

/// An absent `value` makes the weight absent, whatever the unit; a present one needs a unit of
/// exactly `lb` (DEC(2) rules, no rounding) or `kg` (converted exactly, rounded half away from
/// zero to 2 places, then judged as DEC(2)).
fn from_object(weight: &Object<'_>, cx: &Context<'_>) -> Result<Option<i128>, Reason> {
    let amount = match weight.get("value") {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::String(s)) if s.is_empty() => return Ok(None),
        Some(amount) => amount,
    };
    let scaled = match weight.get("unit").and_then(Json::as_str) {
        Some("lb") => dec(amount, 2, cx)?,
        Some("kg") => {
            let (factor, exponent) = LB_PER_KG;
            let pounds = decimal_value(amount, cx)?.times(factor, exponent).round_half_away(2);
            pounds.to_fixed(2).map_err(|misfit| misfit_reason(misfit, cx.name))?
        }
        _ => return Err(Reason::UnknownValue(cx.name)),
    };
    Ok(Some(scaled))
}
