//! Step 5: the payload's fields to System One cells, driven by the stream's [`Layout`].

pub(crate) mod value;
mod weight;

use crate::json::{Json, Object};
use jiff::tz::TimeZone;

use crate::envelope::{Action, Envelope};
use crate::layout::{Field, Layout, Rule};
use crate::reason::Reason;
use crate::scalar::Context;
pub(crate) use value::Cell;
use value::Converted;

/// A record whose fields have all converted: one cell per layout field, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub action: Action,
    pub cells: Vec<Cell>,
    /// TEXT T fields that were cut to their width (logged as warnings).
    pub truncated: Vec<&'static str>,
}

/// Converts every field of the layout, failing on the first field that does not convert or
/// a required field that is absent. A `deleted` event reads only its key fields.
pub(crate) fn record(layout: &Layout, envelope: &Envelope<'_>, zone: &TimeZone) -> Result<Record, Reason> {
    let deleted = envelope.action == Action::Deleted;
    let mut cells = Vec::with_capacity(layout.fields.len());
    let mut truncated = Vec::new();
    for field in layout.fields {
        let converted = match field.source.path(envelope.version) {
            None => Cell::Stamp(envelope.updated_at.clone()).into(),
            Some(_) if deleted && field.rule != Rule::Key => Cell::Absent.into(),
            Some(path) => convert_field(field, path, envelope, zone)?,
        };
        let required = field.rule == Rule::Key || (field.rule == Rule::Required && !deleted);
        if required && converted.cell == Cell::Absent {
            return Err(Reason::Missing(field.name));
        }
        if converted.truncated {
            truncated.push(field.name);
        }
        cells.push(converted.cell);
    }
    Ok(Record { action: envelope.action, cells, truncated })
}

fn convert_field(
    field: &Field,
    path: &'static str,
    envelope: &Envelope<'_>,
    zone: &TimeZone,
) -> Result<Converted, Reason> {
    let value = lookup(envelope.fields, path)?;
    let cx = Context { name: field.name, zone };
    value::convert(field.kind.for_version(envelope.version), value, &cx)
}

/// Follows a dotted v2 path (`totals.subtotal`). A group that is missing or `null` makes the
/// value absent; a group that is anything else but an object (`""` included) fails, naming
/// the group.
pub(crate) fn lookup<'p, 'a>(payload: &'p Object<'a>, path: &'static str) -> Result<Option<&'p Json<'a>>, Reason> {
    let (groups, member) = match path.rsplit_once('.') {
        Some((groups, member)) => (Some(groups), member),
        None => (None, path),
    };
    let mut current = payload;
    for group in groups.into_iter().flat_map(|groups| groups.split('.')) {
        match current.get(group) {
            None | Some(Json::Null) => return Ok(None),
            Some(Json::Object(inner)) => current = inner,
            Some(_) => return Err(Reason::Type(group)),
        }
    }
    Ok(current.get(member))
}
