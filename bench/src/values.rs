//! The values the generated events carry: names and codes from a realistic mix, amounts,
//! dates and times in the notations connectors use.

use testkit::rng::Rng;

use crate::json::{raw, st, J};

pub(crate) const NAMES: &[&str] = &[
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
pub(crate) const SHIP_VIA: &[&str] = &["UPS-GND", "UPS-2DA", "FEDEX-EXP", "usps", "DHL", "WILL-CALL", "LTL"];
pub(crate) const CURRENCIES: &[&str] = &["USD", "USD", "USD", "CAD", "EUR", "GBP", "usd", "MXN"];
pub(crate) const ORDER_STATUS: &[&str] =
    &["open", "open", "in_production", "shipped", "closed", "on_hold", "Cancelled", "OPEN"];
pub(crate) const ITEMS: &[(&str, &str)] = &[
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
pub(crate) const UOMS: &[&str] = &["EA", "ea", "BX", "CS", "DZ", "PK"];
pub(crate) const IMPRINTS: &[&str] = &[
    "Joyeux anniversaire, Élodie",
    "Happy 10th, Acme Corp!",
    "Feliz Navidad – Familia Pérez",
    "東京オフィス 2026",
    "Class of 2026 \\ Go Team",
    "Best wishes\nfrom all of us",
    "Smile 😀",
];
pub(crate) const CHANNELS: &[&str] = &["web", "edi", "phone", "sales-rep", "marketplace"];

/// Cents as a decimal text with two places.
pub(crate) fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// A DEC value as a JSON number or as a string, in one of the notations connectors use.
pub(crate) fn decimal_json(text: String, rng: &mut Rng) -> J {
    if rng.per_mille(300) {
        st(text)
    } else {
        raw(text)
    }
}

/// A date of `year` (days 1 to 28, so every month has it).
pub(crate) fn date(rng: &mut Rng, year: u64) -> String {
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

/// `occurredAt`: RFC 3339 with various offsets and fractions, or epoch seconds.
pub(crate) fn occurred_at(rng: &mut Rng) -> J {
    let epoch = 1_735_689_600 + rng.below(2 * 365 * 86_400);
    if rng.per_mille(350) {
        return raw(epoch.to_string());
    }
    let hours = rng.pick(&[0_i64, -5, -6, -8, 1, 9]);
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

/// The event's action: 45% created, 45% updated, 10% deleted.
pub(crate) fn action(rng: &mut Rng) -> &'static str {
    match rng.below(100) {
        0..=44 => "created",
        45..=89 => "updated",
        _ => "deleted",
    }
}
