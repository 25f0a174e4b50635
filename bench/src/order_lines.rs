//! `order-lines` stream records: an order line with its item, quantity and price, and the six
//! ways one of its values is planted wrong.

use shim::Reason;
use testkit::rng::Rng;

use crate::expect::Expected;
use crate::json::{obj, raw, st, J};
use crate::plant::Fault;
use crate::record::{self, Draw};
use crate::values::{decimal_json, money, IMPRINTS, ITEMS, UOMS};

/// An order-line value planted wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineFault {
    /// A negative quantity.
    NegativeQuantity,
    /// An item number with spaces, longer than its field.
    SpacedItem,
    /// A unit price with one fraction digit too many.
    PriceTooPrecise,
    /// Line number 0 (deletions too).
    LineZero,
    /// A quantity with its unit in a string.
    QuantityWithUnit,
    /// An empty item number.
    NoItem,
}

impl Fault for LineFault {
    const ALL: [LineFault; 6] = [
        LineFault::NegativeQuantity,
        LineFault::SpacedItem,
        LineFault::PriceTooPrecise,
        LineFault::LineZero,
        LineFault::QuantityWithUnit,
        LineFault::NoItem,
    ];

    fn reason(self) -> Reason {
        match self {
            LineFault::NegativeQuantity => Reason::Range("QTY"),
            LineFault::SpacedItem => Reason::TooLong("ITEM_NO"),
            LineFault::PriceTooPrecise => Reason::Precision("UNIT_PRICE"),
            LineFault::LineZero => Reason::Range("LINE_NO"),
            LineFault::QuantityWithUnit => Reason::Format("QTY"),
            LineFault::NoItem => Reason::Missing("ITEM_NO"),
        }
    }
}

/// One `order-lines` stream record.
pub(crate) fn order_line_event(rng: &mut Rng) -> (String, Expected) {
    record::event(rng, "order_line", "order", order_line_payload)
}

/// The payload of a record that is not a heartbeat, with what the record must become.
fn order_line_payload(draw: &Draw<LineFault>, rng: &mut Rng) -> (String, Expected) {
    let fault = draw.fault();
    let (v2, style, action) = (draw.v2, draw.style, draw.action);
    let order_no = draw.order_no.clone();
    let n = |v2name, v1name| draw.name(v2name, v1name);
    let mut expected = Expected::Ok;
    let mut line_no = 1 + rng.below(40);
    if fault == Some(LineFault::LineZero) {
        line_no = 0;
        expected = Expected::Failed(LineFault::LineZero.reason());
    }
    let payload = if action == "deleted" {
        obj(
            &[
                (n("orderNumber", "order_number"), st(order_no)),
                (n("lineNumber", "line_number"), raw(line_no.to_string())),
            ],
            style,
        )
    } else {
        let (item, description) = rng.pick(ITEMS);
        let mut item = item.to_owned();
        let mut quantity = (1 + rng.below(500)).to_string();
        let price_ten_thousandths = 500 + rng.below(500_000);
        let mut price = format!("{}.{:04}", price_ten_thousandths / 10_000, price_ten_thousandths % 10_000);
        match fault {
            Some(LineFault::NegativeQuantity) => {
                quantity = "-3".into();
            }
            Some(LineFault::SpacedItem) => {
                item = "ITEM NUMBER WITH SPACES".into();
            }
            Some(LineFault::PriceTooPrecise) => {
                price = format!("{price}7");
            }
            Some(LineFault::QuantityWithUnit) => {
                quantity = "\"12 pcs\"".into();
            }
            Some(LineFault::NoItem) => {
                item = String::new();
            }
            Some(LineFault::LineZero) | None => {}
        }
        if let Some(fault) = fault {
            expected = Expected::Failed(fault.reason());
        }
        let mut members: Vec<(&str, J)> = vec![
            (n("orderNumber", "order_number"), st(order_no)),
            (
                n("lineNumber", "line_number"),
                if rng.per_mille(200) { st(line_no.to_string()) } else { raw(line_no.to_string()) },
            ),
            (n("itemNumber", "item_number"), st(item)),
        ];
        if rng.per_mille(850) {
            members.push(("description", st(description)));
        }
        members.push(("quantity", raw(quantity)));
        if rng.per_mille(600) {
            members.push((n("unitOfMeasure", "uom"), st(rng.pick(UOMS))));
        }
        members.push((n("unitPrice", "unit_price"), decimal_json(price, rng)));
        if rng.per_mille(250) {
            members.push((
                n("extendedPrice", "extended_price"),
                decimal_json(money(i64::try_from(rng.below(10_000_000)).unwrap_or(0)), rng),
            ));
        }
        let imprint = rng.per_mille(350).then(|| rng.pick(IMPRINTS));
        members.push((n("warehouse", "warehouse_code"), st(rng.pick(&["CHI-1", "DAL-2", "RNO-1"]))));
        if v2 {
            match imprint {
                Some(text) => members.push((
                    "personalization",
                    raw(obj(&[("imprintText", st(text)), ("font", st(rng.pick(&["Arial", "Garamond"])))], style)),
                )),
                None if rng.per_mille(300) => members.push(("personalization", raw("null"))),
                None => {}
            }
            members.push((
                "attributes",
                raw(obj(
                    &[
                        ("color", st(rng.pick(&["navy", "red", "natural"]))),
                        ("giftWrap", raw(if rng.per_mille(100) { "true" } else { "false" })),
                    ],
                    style,
                )),
            ));
        } else if let Some(text) = imprint {
            members.push(("imprint_text", st(text)));
        }
        obj(&members, style)
    };
    (payload, expected)
}
