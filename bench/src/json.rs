//! JSON text written by hand, so that member order, spacing and escaping vary as they do
//! between connectors (a serializer would write every document alike).

/// How one document is written.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    /// `", "` and `": "` (Python's default) rather than compact.
    pub(crate) spaced: bool,
    /// Non-ASCII as `\u` escapes (Python's `ensure_ascii`) rather than raw UTF-8.
    pub(crate) ascii: bool,
}

pub(crate) enum J {
    /// Already JSON text (a number, `true`, `null`, an object written by [`obj`]).
    Raw(String),
    Str(String),
}

pub(crate) fn raw(text: impl Into<String>) -> J {
    J::Raw(text.into())
}

pub(crate) fn st(text: impl Into<String>) -> J {
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

/// An object of `members` in the order given.
pub(crate) fn obj(members: &[(&str, J)], style: Style) -> String {
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
