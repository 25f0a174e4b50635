//! What every generated record shares, whatever its stream: the draws made first (version,
//! style, heartbeat, planted failure, action, order number) and the envelope around its payload.

use testkit::rng::Rng;

use crate::expect::Expected;
use crate::json::{obj, raw, st, Style};
use crate::plant::{Fault, Planted, FAILURE_PER_MILLE, HEARTBEAT_PER_MILLE};
use crate::values::{action, occurred_at};

/// What every generated record draws first, in this order (the order fixes the batches).
pub(crate) struct Draw<F> {
    pub(crate) v2: bool,
    pub(crate) style: Style,
    pub(crate) planted: Option<Planted<F>>,
    pub(crate) action: &'static str,
    pub(crate) order_no: String,
}

/// One record of a stream whose value faults are `F`: a heartbeat, or the shared draws, then
/// the stream's `payload` (with what it must become), wrapped in the envelope of `entity` (or
/// of `other` for a planted routing fault).
pub(crate) fn event<F: Fault>(
    rng: &mut Rng,
    entity: &'static str,
    other: &'static str,
    payload: impl FnOnce(&Draw<F>, &mut Rng) -> (String, Expected),
) -> (String, Expected) {
    match Draw::from_rng(rng) {
        Ok(draw) => {
            let (payload, expected) = payload(&draw, rng);
            draw.finish(rng, entity, other, payload, expected)
        }
        Err(heartbeat) => heartbeat,
    }
}

impl<F: Fault> Draw<F> {
    /// Draws the part every record shares, or a whole heartbeat record.
    fn from_rng(rng: &mut Rng) -> Result<Draw<F>, (String, Expected)> {
        let v2 = rng.per_mille(650);
        let style = Style { spaced: rng.per_mille(400), ascii: !v2 && rng.per_mille(500) };
        if rng.per_mille(HEARTBEAT_PER_MILLE) {
            return Err((heartbeat(v2, rng, style), Expected::Dropped));
        }
        let planted = rng.per_mille(FAILURE_PER_MILLE).then(|| Planted::draw(rng));
        let action = action(rng);
        let order_no = format!("SO-{}", 100_000 + rng.below(900_000));
        Ok(Draw { v2, style, planted, action, order_no })
    }

    /// The value fault planted in this record, if that is what was planted.
    pub(crate) fn fault(&self) -> Option<F> {
        match self.planted {
            Some(Planted::Value(fault)) => Some(fault),
            _ => None,
        }
    }

    /// A member's name in the record's version: `v2` in version 2, `v1` in version 1.
    pub(crate) fn name(&self, v2: &'static str, v1: &'static str) -> &'static str {
        if self.v2 {
            v2
        } else {
            v1
        }
    }

    /// Wraps a payload in its envelope (of the record's `entity`, or of `other` for a planted
    /// routing fault) and plants the envelope-level failures.
    fn finish(
        &self,
        rng: &mut Rng,
        entity: &'static str,
        other: &'static str,
        payload: String,
        expected: Expected,
    ) -> (String, Expected) {
        let (entity, expected) = match self.planted {
            Some(Planted::WrongStream) => (other, Expected::Failed(shim::Reason::WrongStream)),
            _ => (entity, expected),
        };
        let document = envelope(self.v2, &format!("{entity}.{}", self.action), rng, payload, self.style);
        match self.planted {
            Some(Planted::Damage(damage)) => damage.apply(document),
            _ => (document, expected),
        }
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
        if rng.per_mille(500) {
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
