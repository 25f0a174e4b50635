//! System One lines read back as the import job reads them, written from the spec
//! (system-one-records.md, "Lines and fields"), not from the library, so that the tests compare
//! two readings of the spec.

/// Splits a line body (no trailing LF) on unescaped `|`, decoding `\` escapes (`\\`, `\|`,
/// `\n`, `\r`, `\t`) left to right. `None` for a dangling or unknown escape.
pub fn split(body: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        let decoded = match c {
            '\\' => match chars.next()? {
                '\\' => '\\',
                '|' => '|',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => return None,
            },
            '|' => {
                fields.push(String::new());
                continue;
            }
            other => other,
        };
        fields.last_mut()?.push(decoded);
    }
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_unescaped_bars_and_decodes_escapes() {
        assert_eq!(
            split("C|A|x\\|y|\\\\|a\\nb\\r\\t|"),
            Some(vec![
                "C".to_owned(),
                "A".to_owned(),
                "x|y".to_owned(),
                "\\".to_owned(),
                "a\nb\r\t".to_owned(),
                String::new(),
            ])
        );
        assert_eq!(split(""), Some(vec![String::new()]));
        assert_eq!(split("a\\"), None);
        assert_eq!(split("a\\x"), None);
    }
}
