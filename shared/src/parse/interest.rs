//! Which members of a document are built into values: a stream's interest.

/// Which members of a document are built into values. A member outside the interest is
/// checked against every rule (its name too: a name given twice fails) and left out of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interest {
    /// The whole value.
    Everything,
    /// An object's members by name; other members are skipped. A short list: a linear scan
    /// (`str` equality compares lengths before bytes) is cheaper than a map's ordered string
    /// comparisons for every member of every record.
    Members(Vec<(&'static str, Interest)>),
}

/// The interest of [`super::document`], and of every member under [`Interest::Everything`].
pub(super) static EVERYTHING: Interest = Interest::Everything;

/// The envelope members of both connector versions.
const ENVELOPE: [&str; 8] =
    ["schemaVersion", "schema_version", "eventType", "event_type", "eventId", "event_id", "occurredAt", "occurred_at"];

impl Interest {
    /// What a stream reads: the envelope, and under `data` / `payload` the given dotted source
    /// paths (a layout's, of both connector versions: see `Layout::source_paths`).
    pub fn reading(paths: impl IntoIterator<Item = &'static str>) -> Interest {
        let mut payload = Vec::new();
        for path in paths {
            insert_path(&mut payload, path);
        }
        let mut root: Vec<(&'static str, Interest)> =
            ENVELOPE.iter().map(|name| (*name, Interest::Everything)).collect();
        root.push(("data", Interest::Members(payload.clone())));
        root.push(("payload", Interest::Members(payload)));
        Interest::Members(root)
    }

    /// The interest in member `name` of an object, or `None` if it is not built.
    pub(super) fn member(&self, name: &str) -> Option<&Interest> {
        match self {
            Interest::Everything => Some(&EVERYTHING),
            Interest::Members(members) => find(members, name),
        }
    }
}

fn find<'i>(members: &'i [(&'static str, Interest)], name: &str) -> Option<&'i Interest> {
    members.iter().find(|(member, _)| *member == name).map(|(_, interest)| interest)
}

fn insert_path(members: &mut Vec<(&'static str, Interest)>, path: &'static str) {
    let (name, rest) = match path.split_once('.') {
        None => (path, None),
        Some((group, rest)) => (group, Some(rest)),
    };
    let at = match members.iter().position(|(member, _)| *member == name) {
        Some(at) => at,
        None => {
            members.push((name, Interest::Members(Vec::new())));
            members.len() - 1
        }
    };
    let Some((_, interest)) = members.get_mut(at) else { return };
    match rest {
        None => *interest = Interest::Everything,
        Some(rest) => {
            if let Interest::Members(inner) = interest {
                insert_path(inner, rest);
            }
        }
    }
}
