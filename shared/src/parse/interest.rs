//! Which members of a document are built into values: a stream's interest.

/// Which members of a document are built into values. A member outside the interest is
/// checked against every rule (its name too: a name given twice fails) and left out of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Interest {
    /// The whole value.
    Everything,
    /// An object's members by name; other members are skipped. A short list: a linear scan
    /// (`str` equality compares lengths before bytes) is cheaper than a map's ordered string
    /// comparisons for every member of every record.
    Members(Vec<(&'static str, Interest)>),
}

/// The interest of [`super::document`], and of every member under [`Interest::Everything`].
pub(super) static EVERYTHING: Interest = Interest::Everything;

impl Interest {
    /// An object's members at the given dotted paths (`totals.tax`: of member `totals`, its
    /// member `tax`), each built whole. A stream reads a layout's source paths (see
    /// `Layout::source_paths`) under the envelope's (see `envelope::interest`).
    pub(crate) fn reading(paths: impl IntoIterator<Item = &'static str>) -> Interest {
        let mut members = Vec::new();
        for path in paths {
            insert_path(&mut members, path);
        }
        Interest::Members(members)
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
