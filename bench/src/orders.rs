//! `orders` stream records: an order header with its totals, and the six ways one of its values
//! is planted wrong.

use shim::Reason;
use testkit::rng::Rng;

use crate::expect::Expected;
use crate::json::{obj, raw, st, J};
use crate::plant::Fault;
use crate::record::{self, Draw};
use crate::values::{date, decimal_json, money, CHANNELS, CURRENCIES, NAMES, ORDER_STATUS, SHIP_VIA};

/// An order value planted wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderFault {
    /// `total` one cent off the sum.
    TotalMismatch,
    /// An empty customer number.
    NoCustomer,
    /// A status the table does not list.
    UnknownStatus,
    /// A two-letter currency.
    ShortCurrency,
    /// February 30.
    ImpossibleDate,
    /// A purchase order longer than its field.
    LongPurchaseOrder,
}

impl Fault for OrderFault {
    const ALL: [OrderFault; 6] = [
        OrderFault::TotalMismatch,
        OrderFault::NoCustomer,
        OrderFault::UnknownStatus,
        OrderFault::ShortCurrency,
        OrderFault::ImpossibleDate,
        OrderFault::LongPurchaseOrder,
    ];

    fn reason(self) -> Reason {
        match self {
            OrderFault::TotalMismatch => Reason::TotalMismatch,
            OrderFault::NoCustomer => Reason::Missing("CUST_NO"),
            OrderFault::UnknownStatus => Reason::UnknownValue("STATUS"),
            OrderFault::ShortCurrency => Reason::Charset("CURRENCY"),
            OrderFault::ImpossibleDate => Reason::Format("ORDER_DATE"),
            OrderFault::LongPurchaseOrder => Reason::TooLong("PO_NO"),
        }
    }
}

/// One `orders` stream record: the document and what it must become.
pub(crate) fn order_event(rng: &mut Rng) -> (String, Expected) {
    record::event(rng, "order", "order_line", order_payload)
}

/// The payload of a record that is not a heartbeat, with what the record must become.
fn order_payload(draw: &Draw<OrderFault>, rng: &mut Rng) -> (String, Expected) {
    let fault = draw.fault();
    let (v2, style, action) = (draw.v2, draw.style, draw.action);
    let order_no = draw.order_no.clone();
    let n = |v2name, v1name| draw.name(v2name, v1name);
    let mut expected = Expected::Ok;
    let payload = if action == "deleted" {
        obj(&[(n("orderNumber", "order_number"), st(order_no))], style)
    } else {
        let subtotal = i64::try_from(rng.below(5_000_000)).unwrap_or(0) + 500;
        let tax = subtotal * i64::try_from(rng.below(10)).unwrap_or(0) / 100;
        let freight = if rng.per_mille(300) { 0 } else { 500 + i64::try_from(rng.below(20_000)).unwrap_or(0) };
        let mut total = subtotal + tax + freight;
        let mut customer = format!("C-{}", 1000 + rng.below(9000));
        let mut status = rng.pick(ORDER_STATUS).to_owned();
        let mut currency = rng.pick(CURRENCIES).to_owned();
        let year = 2025 + rng.below(2);
        let mut order_date = date(rng, year);
        let mut po = format!("{} {}", rng.pick(NAMES), rng.below(1000));
        match fault {
            Some(OrderFault::TotalMismatch) => {
                total += 1;
            }
            Some(OrderFault::NoCustomer) => {
                customer = String::new();
            }
            Some(OrderFault::UnknownStatus) => {
                status = "archived".into();
            }
            Some(OrderFault::ShortCurrency) => {
                currency = "US".into();
            }
            Some(OrderFault::ImpossibleDate) => {
                order_date = "2026-02-30".into();
            }
            Some(OrderFault::LongPurchaseOrder) => {
                po = "Purchase order for the annual conference – Ålesund".into();
            }
            None => {}
        }
        if let Some(fault) = fault {
            expected = Expected::Failed(fault.reason());
        }
        let totals = [
            ("subtotal", decimal_json(money(subtotal), rng)),
            ("tax", decimal_json(money(tax), rng)),
            ("freight", decimal_json(money(freight), rng)),
            ("total", decimal_json(money(total), rng)),
        ];
        let quote = rng.per_mille(300).then(|| (format!("Q-{}", rng.below(100_000)), 1 + rng.below(4)));
        let mut members: Vec<(&str, J)> = vec![
            (n("orderNumber", "order_number"), st(order_no.clone())),
            (n("customerNumber", "customer_number"), st(customer)),
            (n("orderDate", "order_date"), st(order_date)),
        ];
        if rng.per_mille(700) || fault == Some(OrderFault::LongPurchaseOrder) {
            members.push((n("purchaseOrder", "po_number"), st(po)));
        }
        members.push(("status", st(status)));
        if rng.per_mille(800) {
            members.push((n("shipVia", "ship_via"), st(rng.pick(SHIP_VIA))));
        }
        if rng.per_mille(600) {
            members.push((n("requestedShipDate", "requested_ship_date"), st(date(rng, 2026))));
        }
        members.push(("currency", st(currency)));
        // Unknown members the connectors add; ignored, but parsed and checked.
        members.push((n("salesChannel", "sales_channel"), st(rng.pick(CHANNELS))));
        members.push((
            n("salesRep", "sales_rep"),
            raw(obj(
                &[
                    ("id", raw((100 + rng.below(900)).to_string())),
                    ("name", st(format!("{} {}", rng.pick(NAMES), rng.pick(NAMES)))),
                    ("email", st(format!("rep{}@example.com", rng.below(500)))),
                ],
                style,
            )),
        ));
        if v2 {
            members.push(("totals", raw(obj(&totals.map(|(name, value)| (name, value)), style))));
            if let Some((number, version)) = quote {
                members
                    .push(("quote", raw(obj(&[("number", st(number)), ("version", raw(version.to_string()))], style))));
            } else if rng.per_mille(200) {
                members.push(("quote", raw("null")));
            }
            members.push((
                "billTo",
                raw(obj(
                    &[
                        ("line1", st(format!("{} {} Street", rng.below(9999), rng.pick(NAMES)))),
                        ("city", st(rng.pick(&["Chicago", "Montréal", "São Paulo", "Zürich", "Austin"]))),
                        ("postalCode", st(format!("{:05}", rng.below(100_000)))),
                        ("country", st("US")),
                    ],
                    style,
                )),
            ));
            members.push(("tags", raw(format!("[\"{}\",\"{}\"]", rng.pick(CHANNELS), rng.pick(SHIP_VIA)))));
        } else {
            let [(_, subtotal), (_, tax), (_, freight), (_, total)] = totals;
            members.push(("subtotal", subtotal));
            members.push(("tax", tax));
            members.push(("freight", freight));
            members.push(("total", total));
            if let Some((number, version)) = quote {
                members.push(("quote_number", st(number)));
                members.push(("quote_version", raw(version.to_string())));
            }
        }
        members.push((n("createdBy", "created_by"), st(format!("user{}", rng.below(80)))));
        obj(&members, style)
    };
    (payload, expected)
}
