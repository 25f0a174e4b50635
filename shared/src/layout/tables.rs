//! The nine System One record layouts, transcribed from `system-one-records.md`.

use super::{Check, Field, Kind, Layout, Rule, SchemaTexts, Source};

/// A [`Layout`] whose schema texts are the checked-in files named by its entity
/// (`schemas/<entity>.v1.json`, `.v2.json`), so that no list names the entities twice.
macro_rules! layout {
    (
        record_type: $record_type:literal,
        stream: $stream:literal,
        entity: $entity:literal,
        fields: $fields:expr,
        checks: $checks:expr $(,)?
    ) => {
        Layout {
            record_type: $record_type,
            stream: $stream,
            entity: $entity,
            schemas: SchemaTexts {
                v1: include_str!(concat!("../../../schemas/", $entity, ".v1.json")),
                v2: include_str!(concat!("../../../schemas/", $entity, ".v2.json")),
            },
            fields: $fields,
            checks: $checks,
        }
    };
}

const fn field(name: &'static str, kind: Kind, rule: Rule, v2: &'static str, v1: &'static str) -> Field {
    Field { name, kind, rule, source: Source::Payload { v2, v1 } }
}

/// The last field of every record: the envelope's `occurredAt`.
const UPDATED_AT: Field =
    Field { name: "UPDATED_AT", kind: Kind::Timestamp, rule: Rule::Required, source: Source::Envelope };

const fn text(width: usize) -> Kind {
    Kind::Text { width, truncate: false }
}
const fn text_t(width: usize) -> Kind {
    Kind::Text { width, truncate: true }
}
const fn code(width: usize) -> Kind {
    Kind::Code { width }
}

use Rule::{Key, Optional as Opt, Required as Req};

const TOTALS: Check = Check::Sum { total: "TOTAL", parts: &["SUBTOTAL", "TAX", "FREIGHT"] };

pub(crate) const CUS: Layout = layout! {
    record_type: "CUS",
    stream: "customers",
    entity: "customer",
    fields: &[
        field("CUST_NO", code(10), Key, "customerNumber", "customer_number"),
        field("NAME", text(40), Req, "name", "name"),
        field("CONTACT_NAME", text(40), Opt, "contact.name", "contact_name"),
        field("EMAIL", text(80), Opt, "contact.email", "contact_email"),
        field("PHONE", text(20), Opt, "contact.phone", "contact_phone"),
        field("TERMS", code(8), Opt, "paymentTerms", "payment_terms"),
        field("CREDIT_LIMIT", Kind::Dec(2), Opt, "creditLimit", "credit_limit"),
        field("TAX_EXEMPT", Kind::Flag, Opt, "taxExempt", "tax_exempt"),
        field("STATUS", Kind::Enum(&[("active", "A"), ("inactive", "I"), ("on_hold", "H")]), Req, "status", "status"),
        UPDATED_AT,
    ],
    checks: &[],
};

pub(crate) const ORD: Layout = layout! {
    record_type: "ORD",
    stream: "orders",
    entity: "order",
    fields: &[
        field("ORDER_NO", code(12), Key, "orderNumber", "order_number"),
        field("CUST_NO", code(10), Req, "customerNumber", "customer_number"),
        field("ORDER_DATE", Kind::Date, Req, "orderDate", "order_date"),
        field("PO_NO", text(25), Opt, "purchaseOrder", "po_number"),
        field(
            "STATUS",
            Kind::Enum(&[
                ("open", "O"),
                ("on_hold", "H"),
                ("in_production", "P"),
                ("shipped", "S"),
                ("closed", "C"),
                ("cancelled", "X"),
                ("canceled", "X"),
            ]),
            Req,
            "status",
            "status",
        ),
        field("SHIP_VIA", code(10), Opt, "shipVia", "ship_via"),
        field("REQ_SHIP_DATE", Kind::Date, Opt, "requestedShipDate", "requested_ship_date"),
        field("CURRENCY", Kind::Letters(3), Req, "currency", "currency"),
        field("SUBTOTAL", Kind::Dec(2), Req, "totals.subtotal", "subtotal"),
        field("TAX", Kind::Dec(2), Req, "totals.tax", "tax"),
        field("FREIGHT", Kind::Dec(2), Req, "totals.freight", "freight"),
        field("TOTAL", Kind::Dec(2), Req, "totals.total", "total"),
        field("QUOTE_NO", code(12), Opt, "quote.number", "quote_number"),
        field("QUOTE_VER", Kind::Int, Opt, "quote.version", "quote_version"),
        UPDATED_AT,
    ],
    checks: &[TOTALS, Check::AtLeast { field: "QUOTE_VER", min: 1, on_delete: false }],
};

pub(crate) const OLN: Layout = layout! {
    record_type: "OLN",
    stream: "order-lines",
    entity: "order_line",
    fields: &[
        field("ORDER_NO", code(12), Key, "orderNumber", "order_number"),
        field("LINE_NO", Kind::Int, Key, "lineNumber", "line_number"),
        field("ITEM_NO", code(20), Req, "itemNumber", "item_number"),
        field("DESCRIPTION", text_t(30), Opt, "description", "description"),
        field("QTY", Kind::Int, Req, "quantity", "quantity"),
        field("UOM", code(4), Opt, "unitOfMeasure", "uom"),
        field("UNIT_PRICE", Kind::Dec(4), Req, "unitPrice", "unit_price"),
        field("EXT_PRICE", Kind::Dec(2), Opt, "extendedPrice", "extended_price"),
        field("IMPRINT", text_t(60), Opt, "personalization.imprintText", "imprint_text"),
        UPDATED_AT,
    ],
    checks: &[
        Check::AtLeast { field: "LINE_NO", min: 1, on_delete: true },
        Check::AtLeast { field: "QTY", min: 0, on_delete: false },
        Check::Product { target: "EXT_PRICE", qty: "QTY", price: "UNIT_PRICE" },
        Check::Default { field: "UOM", value: "EA" },
    ],
};

pub(crate) const INV: Layout = layout! {
    record_type: "INV",
    stream: "invoices",
    entity: "invoice",
    fields: &[
        field("INVOICE_NO", code(12), Key, "invoiceNumber", "invoice_number"),
        field("ORDER_NO", code(12), Opt, "orderNumber", "order_number"),
        field("CUST_NO", code(10), Req, "customerNumber", "customer_number"),
        field("INVOICE_DATE", Kind::Date, Req, "invoiceDate", "invoice_date"),
        field("DUE_DATE", Kind::Date, Opt, "dueDate", "due_date"),
        field("CURRENCY", Kind::Letters(3), Req, "currency", "currency"),
        field("SUBTOTAL", Kind::Dec(2), Req, "totals.subtotal", "subtotal"),
        field("TAX", Kind::Dec(2), Req, "totals.tax", "tax"),
        field("FREIGHT", Kind::Dec(2), Req, "totals.freight", "freight"),
        field("TOTAL", Kind::Dec(2), Req, "totals.total", "total"),
        field("BALANCE", Kind::Dec(2), Req, "balanceDue", "balance_due"),
        field(
            "STATUS",
            Kind::Enum(&[("open", "O"), ("paid", "P"), ("partially_paid", "R"), ("void", "V")]),
            Req,
            "status",
            "status",
        ),
        UPDATED_AT,
    ],
    checks: &[TOTALS, Check::NotBefore { field: "DUE_DATE", earlier: "INVOICE_DATE" }],
};

pub(crate) const ILN: Layout = layout! {
    record_type: "ILN",
    stream: "invoice-lines",
    entity: "invoice_line",
    fields: &[
        field("INVOICE_NO", code(12), Key, "invoiceNumber", "invoice_number"),
        field("LINE_NO", Kind::Int, Key, "lineNumber", "line_number"),
        field("ORDER_NO", code(12), Opt, "orderNumber", "order_number"),
        field("ORDER_LINE_NO", Kind::Int, Opt, "orderLineNumber", "order_line_number"),
        field("ITEM_NO", code(20), Req, "itemNumber", "item_number"),
        field("DESCRIPTION", text_t(30), Opt, "description", "description"),
        field("QTY", Kind::Int, Req, "quantity", "quantity"),
        field("UNIT_PRICE", Kind::Dec(4), Req, "unitPrice", "unit_price"),
        field("EXT_PRICE", Kind::Dec(2), Opt, "extendedPrice", "extended_price"),
        UPDATED_AT,
    ],
    checks: &[
        Check::AtLeast { field: "LINE_NO", min: 1, on_delete: true },
        Check::AtLeast { field: "ORDER_LINE_NO", min: 1, on_delete: false },
        Check::AtLeast { field: "QTY", min: 0, on_delete: false },
        Check::Product { target: "EXT_PRICE", qty: "QTY", price: "UNIT_PRICE" },
    ],
};

pub(crate) const SHP: Layout = layout! {
    record_type: "SHP",
    stream: "shipments",
    entity: "shipment",
    fields: &[
        field("SHIPMENT_NO", code(12), Key, "shipmentNumber", "shipment_number"),
        field("ORDER_NO", code(12), Req, "orderNumber", "order_number"),
        field("SHIP_DATE", Kind::Date, Req, "shipDate", "ship_date"),
        field(
            "CARRIER",
            Kind::Enum(&[
                ("ups", "UPS"),
                ("fedex", "FDX"),
                ("usps", "USPS"),
                ("dhl", "DHL"),
                ("freight", "LTL"),
                ("pickup", "PU"),
            ]),
            Req,
            "carrier",
            "carrier",
        ),
        field("SERVICE", text(20), Opt, "serviceLevel", "service_level"),
        field("TRACKING_NO", text(40), Opt, "trackingNumber", "tracking_number"),
        field("PACKAGES", Kind::Int, Opt, "packageCount", "packages"),
        field("WEIGHT_LB", Kind::WeightLb, Opt, "weight", "weight_lb"),
        UPDATED_AT,
    ],
    checks: &[Check::AtLeast { field: "PACKAGES", min: 0, on_delete: false }],
};

pub(crate) const SAD: Layout = layout! {
    record_type: "SAD",
    stream: "shipping-addresses",
    entity: "shipping_address",
    fields: &[
        field("CUST_NO", code(10), Key, "customerNumber", "customer_number"),
        field("ADDR_ID", code(10), Key, "addressId", "address_id"),
        field("NAME", text(40), Req, "name", "name"),
        field("LINE1", text(40), Req, "address.line1", "address_line1"),
        field("LINE2", text(40), Opt, "address.line2", "address_line2"),
        field("CITY", text(30), Req, "address.city", "city"),
        field("STATE", code(3), Opt, "address.region", "state"),
        field("POSTAL", text(10), Opt, "address.postalCode", "postal_code"),
        field("COUNTRY", Kind::Letters(2), Req, "address.country", "country"),
        field("PHONE", text(20), Opt, "phone", "phone"),
        field("IS_DEFAULT", Kind::Flag, Opt, "isDefault", "is_default"),
        UPDATED_AT,
    ],
    checks: &[],
};

pub(crate) const VRQ: Layout = layout! {
    record_type: "VRQ",
    stream: "virtual-requests",
    entity: "virtual_request",
    fields: &[
        field("REQUEST_NO", code(12), Key, "requestNumber", "request_number"),
        field("ORDER_NO", code(12), Req, "orderNumber", "order_number"),
        field("LINE_NO", Kind::Int, Opt, "orderLineNumber", "order_line_number"),
        field("ITEM_NO", code(20), Req, "itemNumber", "item_number"),
        field("REQUESTED_AT", Kind::Timestamp, Req, "requestedAt", "requested_at"),
        field("DUE_DATE", Kind::Date, Opt, "dueDate", "due_date"),
        field(
            "STATUS",
            Kind::Enum(&[
                ("requested", "R"),
                ("in_progress", "P"),
                ("proof_sent", "S"),
                ("approved", "A"),
                ("rejected", "X"),
            ]),
            Req,
            "status",
            "status",
        ),
        field("ARTWORK_URL", text(200), Opt, "artworkUrl", "artwork_url"),
        field("NOTES", text_t(250), Opt, "notes", "notes"),
        UPDATED_AT,
    ],
    checks: &[
        Check::AtLeast { field: "LINE_NO", min: 1, on_delete: false },
        Check::StartsWith { field: "ARTWORK_URL", prefix: "https://" },
    ],
};

pub(crate) const EST: Layout = layout! {
    record_type: "EST",
    stream: "estimates",
    entity: "estimate",
    fields: &[
        field("ORDER_NO", code(12), Key, "orderNumber", "order_number"),
        field("QUOTE_NO", code(12), Req, "quoteNumber", "quote_number"),
        field("QUOTE_VER", Kind::Int, Req, "quoteVersion", "quote_version"),
        UPDATED_AT,
    ],
    checks: &[Check::AtLeast { field: "QUOTE_VER", min: 1, on_delete: false }],
};
