//! Text rules (system-one-records.md, "Text"): clean, check or cut the width, escape.

/// Whether a character is removed by cleaning: C0 controls other than TAB, LF and CR, and
/// DEL with the C1 controls (U+007F to U+009F, NEL included).
fn is_removed_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// The Unicode White_Space characters the spec trims (not U+200B, U+FEFF or U+180E).
fn is_trimmed_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Steps 1 and 2: removes control characters (joining their neighbours), then trims white
/// space at both ends. An empty result means the value is absent.
pub(crate) fn clean(raw: &str) -> String {
    // Most values are printable ASCII: nothing to remove, and only ' ' to trim.
    if raw.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return raw.trim_matches(' ').to_owned();
    }
    let kept: String = if raw.chars().any(is_removed_control) {
        raw.chars().filter(|&c| !is_removed_control(c)).collect()
    } else {
        raw.to_owned()
    };
    let trimmed = kept.trim_matches(is_trimmed_space);
    if trimmed.len() == kept.len() {
        kept
    } else {
        trimmed.to_owned()
    }
}

/// What [`fit`] did to a value that is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    Fits,
    /// Cut to the width (TEXT T): the record succeeds, with a warning.
    Truncated,
    /// Too wide, and the field may not be cut: the record fails.
    TooLong,
}

/// Step 3: checks the width in Unicode scalar values, or for TEXT T cuts the value to its
/// first `width` and trims trailing white space again.
pub(crate) fn fit(value: &mut String, width: usize, truncate: bool) -> Fit {
    let Some((cut_at, _)) = value.char_indices().nth(width) else {
        return Fit::Fits;
    };
    if !truncate {
        return Fit::TooLong;
    }
    value.truncate(cut_at);
    let kept = value.trim_end_matches(is_trimmed_space).len();
    value.truncate(kept);
    Fit::Truncated
}

/// Step 4: escapes, in one pass, everything a System One reader would take as a separator or
/// a line break.
pub(crate) fn escape(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' | '\u{2028}' | '\u{2029}' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_removes_controls_and_joins_neighbours() {
        assert_eq!(clean("SO\u{0}-1"), "SO-1");
        assert_eq!(clean("a\u{7f}b\u{85}c\u{9f}d"), "abcd");
        assert_eq!(clean("a\tb\nc\rd"), "a\tb\nc\rd");
    }

    #[test]
    fn cleaning_trims_unicode_white_space_only() {
        assert_eq!(clean(" \t\u{a0}\u{3000}x y\u{2028}\u{202f} "), "x y");
        assert_eq!(clean("\u{200b}x\u{feff}"), "\u{200b}x\u{feff}");
        assert_eq!(clean("\u{180e}x"), "\u{180e}x");
        assert_eq!(clean(" \u{1} \u{85} "), "");
    }

    #[test]
    fn width_counts_scalar_values() {
        let mut emoji = "😀".repeat(40);
        assert_eq!(fit(&mut emoji, 40, false), Fit::Fits);
        let mut combining = "e\u{301}".repeat(20) + "x";
        assert_eq!(fit(&mut combining, 40, false), Fit::TooLong);
    }

    #[test]
    fn truncation_cuts_then_trims_again() {
        let mut value = "abc   def".to_owned();
        assert_eq!(fit(&mut value, 5, true), Fit::Truncated);
        assert_eq!(value, "abc");
        let mut value = "ab\u{a0}\u{a0}cd".to_owned();
        assert_eq!(fit(&mut value, 4, true), Fit::Truncated);
        assert_eq!(value, "ab");
        let mut value = "abcd".to_owned();
        assert_eq!(fit(&mut value, 4, true), Fit::Fits);
    }

    #[test]
    fn escaping_is_one_pass() {
        let mut out = String::new();
        escape("a\\|b|c\nd\re\tf\u{2028}g\u{2029}", &mut out);
        assert_eq!(out, "a\\\\\\|b\\|c\\nd\\re\\tf\\ng\\n");
    }

    /// The general path, as `clean` was before its printable-ASCII shortcut.
    fn clean_slowly(raw: &str) -> String {
        let kept: String = raw.chars().filter(|&c| !is_removed_control(c)).collect();
        kept.trim_matches(is_trimmed_space).to_owned()
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_shortcut_cleans_as_the_general_path(raw in "[ -~\t\n\r\u{0}\u{7f}\u{a0}\u{85}é]{0,12}") {
            proptest::prop_assert_eq!(clean(&raw), clean_slowly(&raw));
        }
    }
}
