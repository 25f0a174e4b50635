//! Benchmark support: a deterministic generator of realistic Firehose batches, and the two
//! pipelines the benches compare.
//!
//! [`batch`] builds the JSON text of one Firehose transformation event for the `orders` or
//! `order-lines` stream, as Firehose sends it (with `deliveryStreamArn`, per-record
//! `approximateArrivalTimestamp` and `kinesisRecordMetadata`), from a seed: the same seed and
//! size always give the same bytes. Its events mix both connector versions, all three actions,
//! compact and spaced JSON, raw and `\u`-escaped non-ASCII text, epoch and RFC 3339 times,
//! numbers and strings for decimals, unknown members the connectors add, about 1% heartbeats
//! and about 5% records that must fail, each for a known reason.
//!
//! [`transform`] is what the Lambda does with an event's text; [`floor`] is what any
//! transformer must do at least (parse the event, decode, parse and re-encode every record,
//! write the response): the yardstick `transform` is compared with.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use shim::firehose::{FirehoseEvent, FirehoseResponse, RecordResult, ResponseRecord};
use shim::{Stream, Transformer};

/// What the generator meant a record to become: `"Ok"`, `"Dropped"`, or the failure's
/// machine tag (`missing:CUST_NO`, `total-mismatch`, ...).
pub type Expected = String;

/// A generated Firehose event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The event's JSON text, as Firehose posts it to the function.
    pub text: String,
    /// Per record, in order, what it must become.
    pub expected: Vec<Expected>,
}

/// Streams the generator knows.
pub const STREAMS: [Stream; 2] = [Stream::Orders, Stream::OrderLines];

/// Generates one event for `stream` (orders or order-lines; any other stream gets order-lines
/// events, all routing faults) whose text is at most `max_bytes` long.
pub fn batch(stream: Stream, seed: u64, max_bytes: usize) -> Batch {
    let mut rng = Rng::new(seed ^ stream_salt(stream));
    let invocation = rng.uuid();
    let name = format!("system-two-{}", stream.name());
    let head = format!(
        "{{\"invocationId\":\"{invocation}\",\"deliveryStreamArn\":\"arn:aws:firehose:us-east-1:123456789012:\
         deliverystream/{name}\",\"sourceKinesisStreamArn\":\"arn:aws:kinesis:us-east-1:123456789012:stream/{name}\",\
         \"region\":\"us-east-1\",\"records\":["
    );
    let tail = "]}";
    let mut text = head;
    let mut expected = Vec::new();
    let mut arrival: u64 = 1_795_205_045_000 + rng.below(86_400_000);
    let mut sequence = Sequence::new(&mut rng);
    loop {
        let (document, outcome) = match stream {
            Stream::Orders => order_event(&mut rng),
            _ => order_line_event(&mut rng),
        };
        let data = match outcome.as_str() {
            "bad-base64" => corrupt_base64(&STANDARD.encode(document.as_bytes()), &mut rng),
            _ => STANDARD.encode(document.as_bytes()),
        };
        arrival += rng.below(40);
        let seq = sequence.next(&mut rng);
        let record = format!(
            "{sep}{{\"recordId\":\"{seq}000000000000000\",\"approximateArrivalTimestamp\":{arrival},\"data\":\"{data}\",\
             \"kinesisRecordMetadata\":{{\"sequenceNumber\":\"{seq}\",\"subsequenceNumber\":0,\"partitionKey\":\"{key}\",\
             \"shardId\":\"shardId-00000000000{shard}\",\"approximateArrivalTimestamp\":{arrival}}}}}",
            sep = if expected.is_empty() { "" } else { "," },
            key = rng.uuid(),
            shard = rng.below(4),
        );
        if text.len() + record.len() + tail.len() > max_bytes {
            break;
        }
        text.push_str(&record);
        expected.push(outcome);
    }
    text.push_str(tail);
    Batch { text, expected }
}

fn stream_salt(stream: Stream) -> u64 {
    stream.name().bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Kinesis sequence numbers: 56 digits, increasing.
struct Sequence {
    prefix: String,
    counter: u64,
}

impl Sequence {
    fn new(rng: &mut Rng) -> Sequence {
        let prefix = format!("4954698668313554428650745793632{:010}", rng.below(10_000_000_000));
        Sequence { prefix, counter: rng.below(1_000_000_000) * 1000 }
    }

    fn next(&mut self, rng: &mut Rng) -> String {
        self.counter += 1 + rng.below(500);
        format!("{}{:015}", self.prefix, self.counter)
    }
}

/// A small deterministic generator (SplitMix64): no dependency, same numbers everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let at = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(at).copied().unwrap_or("")
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

// ---------------------------------------------------------------------------------------------
// JSON text, written by hand so that member order, spacing and escaping vary as they do
// between connectors.

/// How one document is written.
#[derive(Clone, Copy)]
struct Style {
    /// `", "` and `": "` (Python's default) rather than compact.
    spaced: bool,
    /// Non-ASCII as `\u` escapes (Python's `ensure_ascii`) rather than raw UTF-8.
    ascii: bool,
}

enum J {
    /// Already JSON text (a number, `true`, `null`, an object written by [`obj`]).
    Raw(String),
    Str(String),
}

fn raw(text: impl Into<String>) -> J {
    J::Raw(text.into())
}

fn st(text: impl Into<String>) -> J {
    J::Str(text.into())
}

fn string_literal(text: &str, style: Style) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (style.ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn obj(members: &[(&str, J)], style: Style) -> String {
    let (comma, colon) = if style.spaced { (", ", ": ") } else { (",", ":") };
    let mut out = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(comma);
        }
        out.push_str(&string_literal(name, style));
        out.push_str(colon);
        match value {
            J::Raw(text) => out.push_str(text),
            J::Str(text) => out.push_str(&string_literal(text, style)),
        }
    }
    out.push('}');
    out
}

// ---------------------------------------------------------------------------------------------
// Values.

const NAMES: &[&str] = &[
    "Williams",
    "García",
    "Müller",
    "Nguyễn",
    "O'Brien",
    "Żółkiewski",
    "Østergaard",
    "Dubois",
    "Kowalski",
    "Smith",
    "Tanaka 田中",
    "Ólafsdóttir",
    "Chen 陈",
    "Johnson",
    "Łukasz",
];
const SHIP_VIA: &[&str] = &["UPS-GND", "UPS-2DA", "FEDEX-EXP", "usps", "DHL", "WILL-CALL", "LTL"];
const CURRENCIES: &[&str] = &["USD", "USD", "USD", "CAD", "EUR", "GBP", "usd", "MXN"];
const ORDER_STATUS: &[&str] = &["open", "open", "in_production", "shipped", "closed", "on_hold", "Cancelled", "OPEN"];
const ITEMS: &[(&str, &str)] = &[
    ("MUG-11OZ-WHT", "Ceramic mug, 11 oz, white"),
    ("PEN-BALL-BLK", "Ballpoint pen, black ink"),
    ("tote-canvas-nat", "Canvas tote bag, natural – heavy duty"),
    ("TSHIRT-L-NAVY", "T-shirt, large, navy – 100% coton bio"),
    ("MOUSEPAD-RECT", "Rectangular mouse pad"),
    ("BOTTLE-750-SS", "Bouteille isotherme 750 ml, acier inoxydable"),
    ("NOTEBOOK-A5", "Notizbuch A5, liniert, Größe M"),
    ("LANYARD-20MM", "Lanyard 20 mm | full colour"),
    ("CAP-TWILL-RED", "Twill cap, red"),
    ("STICKER-DIE-3IN", "Die-cut sticker 3\" – glossy"),
];
const UOMS: &[&str] = &["EA", "ea", "BX", "CS", "DZ", "PK"];
const IMPRINTS: &[&str] = &[
    "Joyeux anniversaire, Élodie",
    "Happy 10th, Acme Corp!",
    "Feliz Navidad – Familia Pérez",
    "東京オフィス 2026",
    "Class of 2026 \\ Go Team",
    "Best wishes\nfrom all of us",
    "Smile 😀",
];
const CHANNELS: &[&str] = &["web", "edi", "phone", "sales-rep", "marketplace"];

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// A DEC value as a JSON number or as a string, in one of the notations connectors use.
fn decimal_json(text: String, rng: &mut Rng) -> J {
    if rng.chance(300) {
        st(text)
    } else {
        raw(text)
    }
}

fn date(rng: &mut Rng, year: u64) -> String {
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

/// `occurredAt`: RFC 3339 with various offsets and fractions, or epoch seconds.
fn occurred_at(rng: &mut Rng) -> J {
    let epoch = 1_735_689_600 + rng.below(2 * 365 * 86_400);
    if rng.chance(350) {
        return raw(epoch.to_string());
    }
    let offset_hours = [0_i64, -5, -6, -8, 1, 9];
    let hours = offset_hours.get(usize::try_from(rng.below(6)).unwrap_or(0)).copied().unwrap_or(0);
    let local = i64::try_from(epoch).unwrap_or(0) + hours * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let fraction = match rng.below(3) {
        0 => String::new(),
        1 => format!(".{:03}", rng.below(1000)),
        _ => format!(".{:06}", rng.below(1_000_000)),
    };
    let zone =
        if hours == 0 { "Z".to_owned() } else { format!("{}{:02}:00", if hours < 0 { '-' } else { '+' }, hours.abs()) };
    st(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{fraction}{zone}", secs / 3600, secs % 3600 / 60, secs % 60))
}

/// H. Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn action(rng: &mut Rng) -> &'static str {
    match rng.below(100) {
        0..=44 => "created",
        45..=89 => "updated",
        _ => "deleted",
    }
}

/// The envelope around a payload, in the member names of its version.
fn envelope(v2: bool, event_type: &str, rng: &mut Rng, payload: String, style: Style) -> String {
    let id = if v2 { rng.uuid() } else { format!("{}-{}", event_type.get(..3).unwrap_or("evt"), rng.below(1 << 30)) };
    if v2 {
        obj(
            &[
                ("schemaVersion", raw("2")),
                ("eventId", st(id)),
                ("eventType", st(event_type)),
                ("occurredAt", occurred_at(rng)),
                ("data", raw(payload)),
            ],
            style,
        )
    } else {
        let mut members = vec![];
        if rng.chance(500) {
            members.push(("schema_version", raw("1")));
        }
        members.push(("event_id", st(id)));
        members.push(("event_type", st(event_type)));
        members.push(("occurred_at", occurred_at(rng)));
        members.push(("payload", raw(payload)));
        obj(&members, style)
    }
}

fn heartbeat(v2: bool, rng: &mut Rng, style: Style) -> String {
    envelope(v2, "system.heartbeat", rng, "{}".to_owned(), style)
}

/// The failure kinds every stream's batch includes, and how often (per mille of records).
const FAILURE_PER_MILLE: u64 = 50;
const HEARTBEAT_PER_MILLE: u64 = 10;

/// Damage done to a document that must fail for a whole-document or envelope reason.
fn damage(document: String, kind: u64) -> (String, Expected) {
    match kind {
        0 => (document, "bad-base64".to_owned()),
        1 => {
            let cut = document.len() * 2 / 3;
            let mut cut_at = cut;
            while !document.is_char_boundary(cut_at) {
                cut_at -= 1;
            }
            (document.get(..cut_at).unwrap_or("").to_owned(), "bad-json".to_owned())
        }
        2 => {
            // The same member twice, at the top level.
            let body = document.strip_prefix('{').unwrap_or(&document);
            let duplicate = if body.contains("\"eventId\"") { "\"eventId\":\"x\"," } else { "\"event_id\":\"x\"," };
            (format!("{{{duplicate}{body}"), "duplicate-name".to_owned())
        }
        _ => {
            // A connector that sent the time under another name, and `null` for it.
            let name = if document.contains("\"occurredAt\"") { "occurredAt" } else { "occurred_at" };
            let damaged = document.replacen(&format!("\"{name}\""), &format!("\"{name}\":null,\"at\""), 1);
            (damaged, format!("missing:{name}"))
        }
    }
}

/// Makes `data` invalid base64 the way a broken producer would: a line break inside it.
fn corrupt_base64(data: &str, rng: &mut Rng) -> String {
    let at = usize::try_from(rng.below(data.len() as u64 / 4 + 1)).unwrap_or(0) * 4;
    format!("{}\\n{}", data.get(..at).unwrap_or(""), data.get(at..).unwrap_or(""))
}

/// What every generated record draws first, in this order (the order fixes the batches).
struct Draw {
    v2: bool,
    style: Style,
    /// Which failure to plant, if any.
    failure: Option<u64>,
    action: &'static str,
    order_no: String,
}

/// Draws the part every record shares, or a whole heartbeat record.
fn draw(rng: &mut Rng) -> Result<Draw, (String, Expected)> {
    let v2 = rng.chance(650);
    let style = Style { spaced: rng.chance(400), ascii: !v2 && rng.chance(500) };
    if rng.chance(HEARTBEAT_PER_MILLE) {
        return Err((heartbeat(v2, rng, style), "Dropped".to_owned()));
    }
    let failure = rng.chance(FAILURE_PER_MILLE).then(|| rng.below(11));
    let action = action(rng);
    let order_no = format!("SO-{}", 100_000 + rng.below(900_000));
    Ok(Draw { v2, style, failure, action, order_no })
}

/// How a payload is wrapped: the record's draws and the entity it is (or, for a planted routing
/// fault, the `other` stream's entity).
struct Wrapping {
    v2: bool,
    style: Style,
    failure: Option<u64>,
    action: &'static str,
    entity: &'static str,
    other: &'static str,
}

/// Wraps a payload in its envelope and plants the envelope-level failures: a routing fault
/// (failure 10) and a damaged document (failures 0 to 3).
fn finish(rng: &mut Rng, wrap: Wrapping, payload: String, mut expected: Expected) -> (String, Expected) {
    let Wrapping { v2, style, failure, action, entity, other } = wrap;
    let entity = if failure == Some(10) { other } else { entity };
    if failure == Some(10) {
        expected = "wrong-stream".into();
    }
    let document = envelope(v2, &format!("{entity}.{action}"), rng, payload, style);
    match failure {
        Some(kind @ 0..=3) => damage(document, kind),
        _ => (document, expected),
    }
}

/// One `orders` stream record: the document and what it must become.
fn order_event(rng: &mut Rng) -> (String, Expected) {
    let Draw { v2, style, failure, action, order_no } = match draw(rng) {
        Ok(draw) => draw,
        Err(heartbeat) => return heartbeat,
    };
    let n = |v2name: &'static str, v1name: &'static str| if v2 { v2name } else { v1name };
    let mut expected = "Ok".to_owned();
    let payload = if action == "deleted" {
        obj(&[(n("orderNumber", "order_number"), st(order_no))], style)
    } else {
        let subtotal = i64::try_from(rng.below(5_000_000)).unwrap_or(0) + 500;
        let tax = subtotal * i64::try_from(rng.below(10)).unwrap_or(0) / 100;
        let freight = if rng.chance(300) { 0 } else { 500 + i64::try_from(rng.below(20_000)).unwrap_or(0) };
        let mut total = subtotal + tax + freight;
        let mut customer = format!("C-{}", 1000 + rng.below(9000));
        let mut status = rng.pick(ORDER_STATUS).to_owned();
        let mut currency = rng.pick(CURRENCIES).to_owned();
        let year = 2025 + rng.below(2);
        let mut order_date = date(rng, year);
        let mut po = format!("{} {}", rng.pick(NAMES), rng.below(1000));
        match failure {
            Some(4) => {
                total += 1;
                expected = "total-mismatch".into();
            }
            Some(5) => {
                customer = String::new();
                expected = "missing:CUST_NO".into();
            }
            Some(6) => {
                status = "archived".into();
                expected = "unknown-value:STATUS".into();
            }
            Some(7) => {
                currency = "US".into();
                expected = "charset:CURRENCY".into();
            }
            Some(8) => {
                order_date = "2026-02-30".into();
                expected = "format:ORDER_DATE".into();
            }
            Some(9) => {
                po = "Purchase order for the annual conference – Ålesund".into();
                expected = "too-long:PO_NO".into();
            }
            _ => {}
        }
        let totals = [
            ("subtotal", decimal_json(money(subtotal), rng)),
            ("tax", decimal_json(money(tax), rng)),
            ("freight", decimal_json(money(freight), rng)),
            ("total", decimal_json(money(total), rng)),
        ];
        let quote = rng.chance(300).then(|| (format!("Q-{}", rng.below(100_000)), 1 + rng.below(4)));
        let mut members: Vec<(&str, J)> = vec![
            (n("orderNumber", "order_number"), st(order_no.clone())),
            (n("customerNumber", "customer_number"), st(customer)),
            (n("orderDate", "order_date"), st(order_date)),
        ];
        if rng.chance(700) || failure == Some(9) {
            members.push((n("purchaseOrder", "po_number"), st(po)));
        }
        members.push(("status", st(status)));
        if rng.chance(800) {
            members.push((n("shipVia", "ship_via"), st(rng.pick(SHIP_VIA))));
        }
        if rng.chance(600) {
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
            } else if rng.chance(200) {
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
    finish(rng, Wrapping { v2, style, failure, action, entity: "order", other: "order_line" }, payload, expected)
}

/// One `order-lines` stream record.
fn order_line_event(rng: &mut Rng) -> (String, Expected) {
    let Draw { v2, style, failure, action, order_no } = match draw(rng) {
        Ok(draw) => draw,
        Err(heartbeat) => return heartbeat,
    };
    let n = |v2name: &'static str, v1name: &'static str| if v2 { v2name } else { v1name };
    let mut expected = "Ok".to_owned();
    let mut line_no = 1 + rng.below(40);
    if failure == Some(7) {
        line_no = 0;
        expected = "range:LINE_NO".into();
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
        let (item, description) =
            ITEMS.get(usize::try_from(rng.below(ITEMS.len() as u64)).unwrap_or(0)).copied().unwrap_or(("X", "X"));
        let mut item = item.to_owned();
        let mut quantity = (1 + rng.below(500)).to_string();
        let price_ten_thousandths = 500 + rng.below(500_000);
        let mut price = format!("{}.{:04}", price_ten_thousandths / 10_000, price_ten_thousandths % 10_000);
        match failure {
            Some(4) => {
                quantity = "-3".into();
                expected = "range:QTY".into();
            }
            Some(5) => {
                item = "ITEM NUMBER WITH SPACES".into();
                expected = "too-long:ITEM_NO".into();
            }
            Some(6) => {
                price = format!("{price}7");
                expected = "precision:UNIT_PRICE".into();
            }
            Some(8) => {
                quantity = "\"12 pcs\"".into();
                expected = "format:QTY".into();
            }
            Some(9) => {
                item = String::new();
                expected = "missing:ITEM_NO".into();
            }
            _ => {}
        }
        let mut members: Vec<(&str, J)> = vec![
            (n("orderNumber", "order_number"), st(order_no)),
            (
                n("lineNumber", "line_number"),
                if rng.chance(200) { st(line_no.to_string()) } else { raw(line_no.to_string()) },
            ),
            (n("itemNumber", "item_number"), st(item)),
        ];
        if rng.chance(850) {
            members.push(("description", st(description)));
        }
        members.push(("quantity", raw(quantity)));
        if rng.chance(600) {
            members.push((n("unitOfMeasure", "uom"), st(rng.pick(UOMS))));
        }
        members.push((n("unitPrice", "unit_price"), decimal_json(price, rng)));
        if rng.chance(250) {
            members.push((
                n("extendedPrice", "extended_price"),
                decimal_json(money(i64::try_from(rng.below(10_000_000)).unwrap_or(0)), rng),
            ));
        }
        let imprint = rng.chance(350).then(|| rng.pick(IMPRINTS));
        members.push((n("warehouse", "warehouse_code"), st(rng.pick(&["CHI-1", "DAL-2", "RNO-1"]))));
        if v2 {
            match imprint {
                Some(text) => members.push((
                    "personalization",
                    raw(obj(&[("imprintText", st(text)), ("font", st(rng.pick(&["Arial", "Garamond"])))], style)),
                )),
                None if rng.chance(300) => members.push(("personalization", raw("null"))),
                None => {}
            }
            members.push((
                "attributes",
                raw(obj(
                    &[
                        ("color", st(rng.pick(&["navy", "red", "natural"]))),
                        ("giftWrap", raw(if rng.chance(100) { "true" } else { "false" })),
                    ],
                    style,
                )),
            ));
        } else if let Some(text) = imprint {
            members.push(("imprint_text", st(text)));
        }
        obj(&members, style)
    };
    finish(rng, Wrapping { v2, style, failure, action, entity: "order_line", other: "order" }, payload, expected)
}

// ---------------------------------------------------------------------------------------------
// The two pipelines.

/// What the Lambda does with an event: the event's text to the response's bytes, through
/// the real handler. `None` if the event is not a Firehose event or the response cannot fit.
pub fn transform(transformer: &Transformer, event: &str) -> Option<Vec<u8>> {
    let event: FirehoseEvent = serde_json::from_str(event).ok()?;
    let response = shim::respond::handle(transformer, event).ok()?;
    serde_json::to_vec(&response).ok()
}

/// The least any transformer must do: parse the event, base64-decode every record, parse it
/// as JSON, base64-encode it back, and write the response.
pub fn floor(event: &str) -> Option<Vec<u8>> {
    let event: FirehoseEvent = serde_json::from_str(event).ok()?;
    let records = event
        .records
        .into_iter()
        .map(|record| {
            let decoded = STANDARD.decode(record.data.as_bytes()).ok();
            let parsed = decoded.as_deref().and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok());
            let (result, data) = match (decoded, parsed) {
                (Some(bytes), Some(_)) => (RecordResult::Ok, STANDARD.encode(bytes)),
                _ => (RecordResult::ProcessingFailed, record.data),
            };
            ResponseRecord { record_id: record.record_id, result, data }
        })
        .collect();
    serde_json::to_vec(&FirehoseResponse { records }).ok()
}
