//! The bad-input catalogue: one table of the ways a record can be wrong, each with the exact
//! result and the exact reason (`Reason::tag`) it must give, run through `Transformer::transform`
//! and, stream by stream as one batch, through `respond::process` (reasons aligned with the
//! records, failed records' data unchanged). A few well-formed edge cases sit beside them with
//! their exact lines, so that the limits are pinned from both sides.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use serde_json::{json, Value};
use shim::firehose::RecordResult;
use shim::{respond, Stream, TransformOutcome};
use support::{b64, event, B64};

use base64::Engine;

/// What a case must give.
#[derive(Debug, Clone, Copy)]
enum Want {
    Ok(&'static str),
    Dropped,
    Failed(&'static str),
}

/// A case's record `data`: exact bytes, or raw (possibly invalid) base64 text.
enum Data {
    Bytes(Vec<u8>),
    Raw(&'static str),
}

struct Case {
    name: &'static str,
    stream: Stream,
    data: Data,
    want: Want,
}

impl Case {
    fn data(&self) -> String {
        match &self.data {
            Data::Bytes(bytes) => b64(bytes),
            Data::Raw(raw) => (*raw).to_owned(),
        }
    }
}

const ORDER_TIME: &str = "2026-11-20T20:04:05Z";

/// A valid `order.created` (v2) event, the base most cases alter.
fn order() -> Value {
    json!({
        "schemaVersion": 2,
        "eventId": "e-1",
        "eventType": "order.created",
        "occurredAt": ORDER_TIME,
        "data": {
            "orderNumber": "SO-1",
            "customerNumber": "C-1",
            "orderDate": "2026-11-20",
            "status": "open",
            "currency": "USD",
            "totals": {"subtotal": "10.00", "tax": "1.00", "freight": "0.50", "total": "11.50"}
        }
    })
}

const ORDER_LINE: &str = "ORD|A|SO-1|C-1|20261120||O|||USD|10.00|1.00|0.50|11.50|||20261120140405\n";

/// The base order with one member (a `/`-separated path from the document root) set.
fn order_with(path: &str, value: Value) -> Data {
    let mut document = order();
    let mut target = &mut document;
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        target = target.get_mut(*part).unwrap();
    }
    target.as_object_mut().unwrap().insert(parts[parts.len() - 1].to_owned(), value);
    Data::Bytes(serde_json::to_vec(&document).unwrap())
}

/// The base order without one member.
fn order_without(path: &str) -> Data {
    let mut document = order();
    let mut target = &mut document;
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        target = target.get_mut(*part).unwrap();
    }
    target.as_object_mut().unwrap().remove(parts[parts.len() - 1]);
    Data::Bytes(serde_json::to_vec(&document).unwrap())
}

/// The base order as a v1 event (snake_case names, `payload`), with envelope members set.
fn v1(envelope: Value) -> Data {
    let mut document = json!({
        "event_id": "e-1",
        "event_type": "order.created",
        "occurred_at": ORDER_TIME,
        "payload": {
            "order_number": "SO-1", "customer_number": "C-1", "order_date": "2026-11-20", "status": "open",
            "currency": "USD", "subtotal": "10.00", "tax": "1.00", "freight": "0.50", "total": "11.50"
        }
    });
    for (name, value) in envelope.as_object().unwrap() {
        document[name] = value.clone();
    }
    Data::Bytes(serde_json::to_vec(&document).unwrap())
}

fn text(text: &str) -> Data {
    Data::Bytes(text.as_bytes().to_vec())
}

fn event_of(entity_action: &str, data: Value) -> Data {
    let document = json!({
        "schemaVersion": 2, "eventId": "e-1", "eventType": entity_action, "occurredAt": ORDER_TIME, "data": data
    });
    Data::Bytes(serde_json::to_vec(&document).unwrap())
}

fn shipment(weight: Value) -> Data {
    event_of(
        "shipment.created",
        json!({"shipmentNumber": "SH-1", "orderNumber": "SO-1", "shipDate": "2026-11-20", "carrier": "ups", "weight": weight}),
    )
}

fn order_line(fields: Value) -> Data {
    let mut data =
        json!({"orderNumber": "SO-1", "lineNumber": 1, "itemNumber": "MUG-1", "quantity": 2, "unitPrice": "1.2500"});
    for (name, value) in fields.as_object().unwrap() {
        data[name] = value.clone();
    }
    event_of("order_line.created", data)
}

fn customer(fields: Value) -> Data {
    let mut data = json!({"customerNumber": "C-1", "name": "Acme", "status": "active"});
    for (name, value) in fields.as_object().unwrap() {
        data[name] = value.clone();
    }
    event_of("customer.created", data)
}

/// `depth` nested arrays in an ignored member (the top-level object is level 1).
fn nested(depth: usize) -> Data {
    let text = order().to_string();
    let arrays = format!("{}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
    text_owned(text.replacen('{', &format!("{{\"x-nested\":{arrays},"), 1))
}

fn text_owned(text: String) -> Data {
    Data::Bytes(text.into_bytes())
}

fn cases() -> Vec<Case> {
    use Stream::{Customers, Invoices, OrderLines, Orders, Shipments, VirtualRequests};
    use Want::{Dropped, Failed, Ok};
    let case = |name, stream, data, want| Case { name, stream, data, want };
    let valid = order().to_string();
    vec![
        // The base case, so that every alteration below is known to be the only fault.
        case("valid order", Orders, text(&valid), Ok(ORDER_LINE)),
        // Step 1: base64.
        case("base64 without padding", Orders, Data::Raw("eyJhIjoxfQ"), Failed("bad-base64")),
        case("base64 with a line break", Orders, Data::Raw("eyJhIjox\nfQ=="), Failed("bad-base64")),
        case("base64 with a space", Orders, Data::Raw("eyJh IjoxfQ=="), Failed("bad-base64")),
        case("base64url alphabet", Orders, Data::Raw("-_8="), Failed("bad-base64")),
        case("base64 non-zero trailing bits", Orders, Data::Raw("QR=="), Failed("bad-base64")),
        case("base64 too much padding", Orders, Data::Raw("e==="), Failed("bad-base64")),
        // Clarified 2026-11-30: `=` after a complete group fails, however the rest decodes.
        case("base64 padding after a complete group", Orders, Data::Raw("eyJhIjoxfQ==="), Failed("bad-base64")),
        case("base64 a padding group after a complete one", Orders, Data::Raw("QUJD===="), Failed("bad-base64")),
        case("base64 of nothing", Orders, Data::Raw(""), Failed("bad-json")),
        // Step 1: UTF-8.
        case("invalid UTF-8 byte", Orders, Data::Bytes(b"{\"a\":\"\xff\"}".to_vec()), Failed("bad-utf8")),
        case("overlong UTF-8", Orders, Data::Bytes(b"{\"a\":\"\xc0\xaf\"}".to_vec()), Failed("bad-utf8")),
        case("UTF-8 encoded surrogate", Orders, Data::Bytes(b"{\"a\":\"\xed\xa0\x80\"}".to_vec()), Failed("bad-utf8")),
        case("truncated UTF-8 sequence", Orders, Data::Bytes(b"{\"a\":\"\xe2\x82\"}".to_vec()), Failed("bad-utf8")),
        case("UTF-16 with its BOM", Orders, Data::Bytes(b"\xff\xfe{\x00}\x00".to_vec()), Failed("bad-utf8")),
        // The spec forbids a byte order mark; it is an encoding problem, so bad-utf8.
        case("UTF-8 BOM", Orders, Data::Bytes([&b"\xef\xbb\xbf"[..], valid.as_bytes()].concat()), Failed("bad-utf8")),
        // Step 2: strict JSON.
        case("truncated JSON", Orders, text(&valid[..valid.len() - 1]), Failed("bad-json")),
        case("trailing comma", Orders, text(&valid.replacen('}', ",}", 1)), Failed("bad-json")),
        case("NaN", Orders, text(&valid.replacen("\"e-1\"", "\"e-1\",\"x\":NaN", 1)), Failed("bad-json")),
        case("Infinity", Orders, text(&valid.replacen("\"e-1\"", "\"e-1\",\"x\":-Infinity", 1)), Failed("bad-json")),
        case("single quotes", Orders, text(&valid.replacen("\"e-1\"", "'e-1'", 1)), Failed("bad-json")),
        case("comment", Orders, text(&format!("{valid} // note")), Failed("bad-json")),
        case("two documents", Orders, text(&format!("{valid}{{}}")), Failed("bad-json")),
        case("raw control in a string", Orders, text(&valid.replacen("e-1", "e\u{1}1", 1)), Failed("bad-json")),
        case("leading zero", Orders, text(&valid.replacen('{', "{\"x\":01,", 1)), Failed("bad-json")),
        case("NBSP as white space", Orders, text(&format!("{valid}\u{a0}")), Failed("bad-json")),
        case("unknown escape", Orders, text(&valid.replacen("e-1", "e\\x1", 1)), Failed("bad-json")),
        case("top-level array", Orders, text(&format!("[{valid}]")), Failed("not-object")),
        case("top-level string", Orders, text("\"order.created\""), Failed("not-object")),
        case("top-level null", Orders, text("null"), Failed("not-object")),
        case("duplicate member", Orders, text(&valid.replacen("\"e-1\"", "\"e-1\",\"eventId\":\"e-2\"", 1)), Failed("duplicate-name")),
        case(
            "duplicate after unescaping, deep",
            Orders,
            text(&valid.replacen("\"SO-1\"", "\"SO-1\",\"x\":{\"a\":1,\"\\u0061\":2}", 1)),
            Failed("duplicate-name"),
        ),
        case("lone high surrogate", Orders, text(&valid.replacen("e-1", "e\\ud800", 1)), Failed("lone-surrogate")),
        case("lone low surrogate", Orders, text(&valid.replacen("e-1", "\\udc00e", 1)), Failed("lone-surrogate")),
        case("reversed surrogate pair", Orders, text(&valid.replacen("e-1", "\\ude00\\ud83d", 1)), Failed("lone-surrogate")),
        case("surrogate in a member name", Orders, text(&valid.replacen("{", "{\"\\udfff\":1,", 1)), Failed("lone-surrogate")),
        case("nesting 64 levels", Orders, nested(64), Ok(ORDER_LINE)),
        case("nesting 65 levels", Orders, nested(65), Failed("too-deep")),
        case("nesting 100000 levels", Orders, nested(100_000), Failed("too-deep")),
        case("huge number in an ignored member", Orders, order_with("x-big", json!(1e300)), Ok(ORDER_LINE)),
        case(
            "huge exponent in an ignored member",
            Orders,
            text(&valid.replacen('{', "{\"x\":1e99999999999999999999,", 1)),
            Ok(ORDER_LINE),
        ),
        // Clarified 2026-11-30: an exponent of any number of digits, in an ignored member.
        case(
            "400-digit exponents in ignored members",
            Orders,
            text(&valid.replacen("\"SO-1\"", &format!("\"SO-1\",\"x\":[1e{0},-2E-{0},{{\"y\":3e+{0}}}]", "9".repeat(400)), 1)),
            Ok(ORDER_LINE),
        ),
        // Step 3: the envelope.
        case("schemaVersion as a string", Orders, order_with("schemaVersion", json!("2")), Failed("schema-version")),
        case("schemaVersion 3", Orders, order_with("schemaVersion", json!(3)), Failed("schema-version")),
        case("schemaVersion 2.5", Orders, order_with("schemaVersion", json!(2.5)), Failed("schema-version")),
        case("schemaVersion 2e0", Orders, text(&valid.replacen("\"schemaVersion\":2", "\"schemaVersion\":2e0", 1)), Ok(ORDER_LINE)),
        case("both schema versions", Orders, order_with("schema_version", json!(1)), Failed("schema-version")),
        case("eventType missing", Orders, order_without("eventType"), Failed("event-type")),
        case("eventType a number", Orders, order_with("eventType", json!(7)), Failed("event-type")),
        case("unknown action", Orders, order_with("eventType", json!("order.removed")), Failed("event-type")),
        case("unknown entity", Orders, order_with("eventType", json!("widget.created")), Failed("event-type")),
        case("eventType in upper case", Orders, order_with("eventType", json!("Order.created")), Failed("event-type")),
        case("v1 member name in a v2 event", Orders, text(&valid.replacen("\"eventType\"", "\"event_type\"", 1)), Failed("event-type")),
        case("wrong stream", Orders, order_with("eventType", json!("customer.created")), Failed("wrong-stream")),
        case("heartbeat", Orders, order_with("eventType", json!("system.heartbeat")), Dropped),
        case("heartbeat on another stream", Customers, text(&valid.replace("order.created", "system.heartbeat")), Dropped),
        case("eventId empty", Orders, order_with("eventId", json!("")), Failed("missing:eventId")),
        case("eventId a number", Orders, order_with("eventId", json!(1)), Failed("type:eventId")),
        case("occurredAt missing", Orders, order_without("occurredAt"), Failed("missing:occurredAt")),
        case("occurredAt digits in a string", Orders, order_with("occurredAt", json!("1795205045")), Failed("format:occurredAt")),
        case("occurredAt without offset", Orders, order_with("occurredAt", json!("2026-11-20T20:04:05")), Failed("format:occurredAt")),
        case("occurredAt leap second", Orders, order_with("occurredAt", json!("2026-12-31T23:59:60Z")), Failed("format:occurredAt")),
        case("occurredAt hour 24", Orders, order_with("occurredAt", json!("2026-11-20T24:00:00Z")), Failed("format:occurredAt")),
        case("occurredAt fractional epoch", Orders, order_with("occurredAt", json!(1795205045.5)), Failed("precision:occurredAt")),
        case("occurredAt a boolean", Orders, order_with("occurredAt", json!(true)), Failed("type:occurredAt")),
        case(
            "occurredAt last second of 2099 in Chicago",
            Orders,
            order_with("occurredAt", json!("2100-01-01T05:59:59Z")),
            Ok("ORD|A|SO-1|C-1|20261120||O|||USD|10.00|1.00|0.50|11.50|||20991231235959\n"),
        ),
        case("occurredAt 2100 in Chicago", Orders, order_with("occurredAt", json!("2100-01-01T06:00:00Z")), Failed("range:occurredAt")),
        case(
            "occurredAt first second of 1900 in Chicago",
            Orders,
            order_with("occurredAt", json!("1900-01-01T06:00:00Z")),
            Ok("ORD|A|SO-1|C-1|20261120||O|||USD|10.00|1.00|0.50|11.50|||19000101000000\n"),
        ),
        case("occurredAt 1899 in Chicago", Orders, order_with("occurredAt", json!("1900-01-01T05:59:59Z")), Failed("range:occurredAt")),
        case("occurredAt beyond i64", Orders, order_with("occurredAt", json!(1e30)), Failed("range:occurredAt")),
        case("data missing", Orders, order_without("data"), Failed("missing:data")),
        case("data null", Orders, order_with("data", Value::Null), Failed("missing:data")),
        case("data an array", Orders, order_with("data", json!([])), Failed("type:data")),
        case("data a string", Orders, order_with("data", json!("{}")), Failed("type:data")),
        // The v1 envelope and payload names.
        case("v1 valid", Orders, v1(json!({})), Ok(ORDER_LINE)),
        case("v1 payload missing", Orders, v1(json!({"payload": null})), Failed("missing:payload")),
        case("v1 payload an array", Orders, v1(json!({"payload": [1]})), Failed("type:payload")),
        case("v1 event_id empty", Orders, v1(json!({"event_id": ""})), Failed("missing:event_id")),
        case("v1 occurred_at a date", Orders, v1(json!({"occurred_at": "2026-11-20"})), Failed("format:occurred_at")),
        case("v1 with schema_version 2", Orders, v1(json!({"schema_version": 2})), Failed("schema-version")),
        case("v1 names with schemaVersion 2", Orders, v1(json!({"schemaVersion": 2})), Failed("event-type")),
        case("v2 event without schemaVersion", Orders, order_without("schemaVersion"), Failed("event-type")),
        case(
            "v1 required field under its v2 name",
            Orders,
            v1(json!({"payload": {"order_number": "SO-1", "customerNumber": "C-1"}})),
            Failed("missing:CUST_NO"),
        ),
        case(
            "v1 weight_lb as a v2 object",
            Shipments,
            text(
                r#"{"event_id":"e","event_type":"shipment.created","occurred_at":0,"payload":{"shipment_number":"SH-1","order_number":"SO-1","ship_date":"2026-11-20","carrier":"ups","weight_lb":{"value":1,"unit":"lb"}}}"#,
            ),
            Failed("type:WEIGHT_LB"),
        ),
        // Step 5: fields. CODE.
        case("required CODE missing", Orders, order_without("data/customerNumber"), Failed("missing:CUST_NO")),
        case("required CODE null", Orders, order_with("data/customerNumber", Value::Null), Failed("missing:CUST_NO")),
        case("required CODE white space only", Orders, order_with("data/customerNumber", json!(" \t\u{3000}")), Failed("missing:CUST_NO")),
        case("required CODE controls only", Orders, order_with("data/customerNumber", json!("\u{0}\u{85}")), Failed("missing:CUST_NO")),
        case("CODE with a space inside", Orders, order_with("data/customerNumber", json!("C 1")), Failed("charset:CUST_NO")),
        case("CODE with a non-ASCII letter", Orders, order_with("data/customerNumber", json!("Ç-1")), Failed("charset:CUST_NO")),
        case("CODE with a pipe", Orders, order_with("data/customerNumber", json!("C|1")), Failed("charset:CUST_NO")),
        case("CODE one over its width", Orders, order_with("data/customerNumber", json!("C-12345678")), Ok(
            "ORD|A|SO-1|C-12345678|20261120||O|||USD|10.00|1.00|0.50|11.50|||20261120140405\n",
        )),
        case("CODE over its width", Orders, order_with("data/customerNumber", json!("C-123456789")), Failed("too-long:CUST_NO")),
        case("CODE as a number", Orders, order_with("data/customerNumber", json!(12345)), Failed("type:CUST_NO")),
        case("key CODE missing", Orders, order_without("data/orderNumber"), Failed("missing:ORDER_NO")),
        // Letters.
        case("currency of two letters", Orders, order_with("data/currency", json!("US")), Failed("charset:CURRENCY")),
        case("currency with a digit", Orders, order_with("data/currency", json!("U5D")), Failed("charset:CURRENCY")),
        case("currency as an array", Orders, order_with("data/currency", json!(["USD"])), Failed("type:CURRENCY")),
        // TEXT.
        case("TEXT over its width", Orders, order_with("data/purchaseOrder", json!("P".repeat(26))), Failed("too-long:PO_NO")),
        case(
            "TEXT width in scalar values",
            Orders,
            order_with("data/purchaseOrder", json!("😀".repeat(25))),
            Ok("ORD|A|SO-1|C-1|20261120|😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀|O|||USD|10.00|1.00|0.50|11.50|||20261120140405\n"),
        ),
        case("TEXT combining marks count", Orders, order_with("data/purchaseOrder", json!("e\u{301}".repeat(13))), Failed("too-long:PO_NO")),
        case("TEXT as an object", Orders, order_with("data/purchaseOrder", json!({"n": 1})), Failed("type:PO_NO")),
        case(
            "TEXT separators and controls",
            Orders,
            order_with("data/purchaseOrder", json!(" a|b\\c\nd\u{0}e\u{2028} ")),
            Ok("ORD|A|SO-1|C-1|20261120|a\\|b\\\\c\\nde|O|||USD|10.00|1.00|0.50|11.50|||20261120140405\n"),
        ),
        case("required TEXT empty", Customers, customer(json!({"name": "\u{a0}"})), Failed("missing:NAME")),
        case("TEXT T cut", OrderLines, order_line(json!({"description": "x".repeat(29) + " yz"})), Ok(
            "OLN|A|SO-1|1|MUG-1|xxxxxxxxxxxxxxxxxxxxxxxxxxxxx|2|EA|1.2500|2.50||20261120140405\n",
        )),
        // ENUM.
        case("unknown ENUM value", Orders, order_with("data/status", json!("pending")), Failed("unknown-value:STATUS")),
        case("ENUM with a non-ASCII case", Orders, order_with("data/status", json!("OPEN\u{130}")), Failed("unknown-value:STATUS")),
        case("ENUM as a boolean", Orders, order_with("data/status", json!(true)), Failed("type:STATUS")),
        // DATE, at and beyond its edges.
        case("DATE with slashes", Orders, order_with("data/orderDate", json!("2026/11/20")), Failed("format:ORDER_DATE")),
        case("DATE not a real day", Orders, order_with("data/orderDate", json!("2026-02-29")), Failed("format:ORDER_DATE")),
        case("DATE 1900-02-29", Orders, order_with("data/orderDate", json!("1900-02-29")), Failed("format:ORDER_DATE")),
        case("DATE as a number", Orders, order_with("data/orderDate", json!(20261120)), Failed("type:ORDER_DATE")),
        case("DATE 1899-12-31", Orders, order_with("data/orderDate", json!("1899-12-31")), Failed("range:ORDER_DATE")),
        case("DATE 2100-01-01", Orders, order_with("data/orderDate", json!("2100-01-01")), Failed("range:ORDER_DATE")),
        case("DATE 1900-01-01", Orders, order_with("data/orderDate", json!("1900-01-01")), Ok(
            "ORD|A|SO-1|C-1|19000101||O|||USD|10.00|1.00|0.50|11.50|||20261120140405\n",
        )),
        case("DATE 2099-12-31", Orders, order_with("data/orderDate", json!("2099-12-31")), Ok(
            "ORD|A|SO-1|C-1|20991231||O|||USD|10.00|1.00|0.50|11.50|||20261120140405\n",
        )),
        // DEC.
        case("DEC too precise", Orders, order_with("data/totals/subtotal", json!("10.001")), Failed("precision:SUBTOTAL")),
        case("DEC huge number", Orders, text(&valid.replacen("\"10.00\"", "1e400", 1)), Failed("range:SUBTOTAL")),
        case("DEC tiny number", Orders, text(&valid.replacen("\"10.00\"", "1e-400", 1)), Failed("precision:SUBTOTAL")),
        case("DEC 14 integer digits", Orders, order_with("data/totals/subtotal", json!("10000000000000")), Failed("range:SUBTOTAL")),
        case("DEC string with an exponent", Orders, order_with("data/totals/subtotal", json!("1e1")), Failed("format:SUBTOTAL")),
        case("DEC string NaN", Orders, order_with("data/totals/subtotal", json!("NaN")), Failed("format:SUBTOTAL")),
        case("DEC string with white space", Orders, order_with("data/totals/subtotal", json!(" 10.00")), Failed("format:SUBTOTAL")),
        case("DEC string with a comma", Orders, order_with("data/totals/subtotal", json!("1,000.00")), Failed("format:SUBTOTAL")),
        case("DEC as a boolean", Orders, order_with("data/totals/subtotal", json!(false)), Failed("type:SUBTOTAL")),
        case("group as an empty string", Orders, order_with("data/totals", json!("")), Failed("type:totals")),
        case("group as an array", Orders, order_with("data/totals", json!([])), Failed("type:totals")),
        case("required DEC in a null group", Orders, order_with("data/totals", Value::Null), Failed("missing:SUBTOTAL")),
        case("total mismatch", Orders, order_with("data/totals/total", json!("11.51")), Failed("total-mismatch")),
        // INT.
        case("INT with a fraction", Orders, order_with("data/quote", json!({"number": "Q-1", "version": 1.5})), Failed("precision:QUOTE_VER")),
        case("INT over i64", Orders, text(&valid.replacen("\"SO-1\"", "\"SO-1\",\"quote\":{\"version\":9223372036854775808}", 1)), Failed("range:QUOTE_VER")),
        case("INT string with a plus", Orders, order_with("data/quote", json!({"version": "+1"})), Failed("format:QUOTE_VER")),
        case("INT below its minimum", Orders, order_with("data/quote", json!({"version": 0})), Failed("range:QUOTE_VER")),
        case("INT as an array", Orders, order_with("data/quote", json!({"version": [1]})), Failed("type:QUOTE_VER")),
        case("INT in exponent notation", Orders, text(&valid.replacen("\"SO-1\"", "\"SO-1\",\"quote\":{\"version\":1e1}", 1)), Ok(
            "ORD|A|SO-1|C-1|20261120||O|||USD|10.00|1.00|0.50|11.50||10|20261120140405\n",
        )),
        case("LINE_NO 0 on delete", OrderLines, event_of("order_line.deleted", json!({"orderNumber": "SO-1", "lineNumber": 0})), Failed("range:LINE_NO")),
        case("derived EXT_PRICE too large", OrderLines, order_line(json!({"quantity": 9_000_000_000_i64, "unitPrice": "99999.0000"})), Failed("range:EXT_PRICE")),
        // FLAG.
        case("FLAG 2", Customers, customer(json!({"taxExempt": 2})), Failed("range:TAX_EXEMPT")),
        // The spec calls strings such as "Y" type errors for FLAG.
        case("FLAG as \"Y\"", Customers, customer(json!({"taxExempt": "Y"})), Failed("type:TAX_EXEMPT")),
        case("FLAG as an object", Customers, customer(json!({"taxExempt": {}})), Failed("type:TAX_EXEMPT")),
        // Weight.
        case("weight unit lbs", Shipments, shipment(json!({"value": 1, "unit": "lbs"})), Failed("unknown-value:WEIGHT_LB")),
        case("weight unit missing", Shipments, shipment(json!({"value": 1})), Failed("unknown-value:WEIGHT_LB")),
        case("weight as an empty string", Shipments, shipment(json!("")), Failed("type:WEIGHT_LB")),
        case("weight as a number", Shipments, shipment(json!(12.5)), Failed("type:WEIGHT_LB")),
        case("weight in pounds too precise", Shipments, shipment(json!({"value": 1.005, "unit": "lb"})), Failed("precision:WEIGHT_LB")),
        case("weight in kilograms rounds", Shipments, shipment(json!({"value": 1.005, "unit": "kg"})), Ok(
            "SHP|A|SH-1|SO-1|20261120|UPS||||2.22|20261120140405\n",
        )),
        // Business rules of other streams.
        case(
            "artwork URL over http",
            VirtualRequests,
            event_of(
                "virtual_request.created",
                json!({"requestNumber": "VR-1", "orderNumber": "SO-1", "itemNumber": "MUG-1",
                       "requestedAt": ORDER_TIME, "status": "requested", "artworkUrl": "http://x"}),
            ),
            Failed("format:ARTWORK_URL"),
        ),
        case(
            "due date before invoice date",
            Invoices,
            event_of(
                "invoice.created",
                json!({"invoiceNumber": "IN-1", "customerNumber": "C-1", "invoiceDate": "2026-11-20",
                       "dueDate": "2026-11-19", "currency": "USD", "balanceDue": 0, "status": "open",
                       "totals": {"subtotal": 1, "tax": 0, "freight": 0, "total": 1}}),
            ),
            Failed("date-order:DUE_DATE"),
        ),
        // Deleted events read their keys only.
        case(
            "deleted with garbage beside its key",
            Orders,
            event_of("order.deleted", json!({"orderNumber": "so-1", "customerNumber": [], "totals": "x", "orderDate": 7})),
            Ok("ORD|D|SO-1||||||||||||||20261120140405\n"),
        ),
        case("deleted without its key", Orders, event_of("order.deleted", json!({"customerNumber": "C-1"})), Failed("missing:ORDER_NO")),
    ]
}

fn outcome_matches(outcome: &TransformOutcome, want: Want) -> bool {
    match (outcome, want) {
        (TransformOutcome::Ok { line, .. }, Want::Ok(expected)) => line == expected,
        (TransformOutcome::Dropped, Want::Dropped) => true,
        (TransformOutcome::Failed(reason), Want::Failed(tag)) => reason.tag().to_string() == tag,
        _ => false,
    }
}

#[test]
fn the_catalogue_is_large_and_its_names_are_unique() {
    let cases = cases();
    let failing = cases.iter().filter(|c| matches!(c.want, Want::Failed(_))).count();
    assert!(failing >= 40, "at least 40 kinds of bad input, got {failing}");
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    // Within a stream no two cases share their data: every alteration took effect.
    for (i, a) in cases.iter().enumerate() {
        for b in cases[i + 1..].iter().filter(|b| b.stream == a.stream) {
            assert_ne!(a.data(), b.data(), "{} and {} have the same data", a.name, b.name);
        }
    }
}

#[test]
fn every_case_gives_its_result_and_reason_through_transform() {
    let mut wrong = Vec::new();
    for stream in Stream::ALL {
        let transformer = support::transformer(stream);
        for case in cases().iter().filter(|c| c.stream == stream) {
            let outcome = transformer.transform(&case.data());
            if !outcome_matches(&outcome, case.want) {
                wrong.push(format!("{}: want {:?}, got {outcome:?}", case.name, case.want));
            }
        }
    }
    assert!(wrong.is_empty(), "{} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn every_case_gives_its_result_and_reason_through_the_handler() {
    for stream in Stream::ALL {
        let transformer = support::transformer(stream);
        let cases: Vec<Case> = cases().into_iter().filter(|c| c.stream == stream).collect();
        if cases.is_empty() {
            continue;
        }
        let records: Vec<(String, String)> = cases.iter().map(|c| (c.name.to_owned(), c.data())).collect();
        let handled = respond::process(&transformer, event(records.clone())).unwrap();
        assert_eq!(handled.records.len(), cases.len());
        for ((case, (_, data)), (out, reason)) in
            cases.iter().zip(&records).zip(handled.records.iter().map(|outcome| (&outcome.response, &outcome.reason)))
        {
            assert_eq!(out.record_id, case.name);
            match case.want {
                Want::Ok(line) => {
                    assert_eq!(out.result, RecordResult::Ok, "{}", case.name);
                    assert_eq!(B64.decode(&out.data).unwrap(), line.as_bytes(), "{}", case.name);
                    assert_eq!(*reason, None, "{}", case.name);
                }
                Want::Dropped => {
                    assert_eq!(out.result, RecordResult::Dropped, "{}", case.name);
                    assert_eq!(out.data, "", "{}", case.name);
                }
                Want::Failed(tag) => {
                    assert_eq!(out.result, RecordResult::ProcessingFailed, "{}", case.name);
                    assert_eq!(&out.data, data, "{}: data unchanged", case.name);
                    assert_eq!(reason.map(|r| r.tag().to_string()).as_deref(), Some(tag), "{}", case.name);
                }
            }
        }
        let failed = cases.iter().filter(|c| matches!(c.want, Want::Failed(_))).count();
        assert_eq!(handled.summary.failed, failed, "{stream}");
        assert_eq!(handled.summary.reasons.values().sum::<usize>(), failed, "{stream}");
    }
}
