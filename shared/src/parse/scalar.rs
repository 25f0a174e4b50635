//! The walker's leaves: strings (escapes, surrogate pairs) and numbers (their grammar).

use std::borrow::Cow;

use super::Parser;
use crate::Reason;

/// The first byte that ends a plain run inside a string: `"`, `\\` or a control character.
/// Eight bytes at a time (SWAR, as serde_json does), since string bodies are most of a document.
pub(super) fn find_string_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let special = |byte: u8| byte == b'"' || byte == b'\\' || byte < 0x20;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = has_zero_byte(word ^ (ONES * u64::from(b'"')));
        let backslash = has_zero_byte(word ^ (ONES * u64::from(b'\\')));
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        if quote | backslash | control != 0 {
            if let Some(at) = chunk.iter().position(|&byte| special(byte)) {
                return Some(offset + at);
            }
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&byte| special(byte)).map(|at| offset + at)
}

impl<'a> Parser<'a> {
    /// A string starting at the opening quote. The input is valid UTF-8 already, so runs of
    /// plain characters are sliced as they are; only a string with escapes is copied.
    pub(super) fn string(&mut self) -> Result<Cow<'a, str>, Reason> {
        self.pos += 1;
        let mut decoded: Option<String> = None;
        loop {
            let start = self.pos;
            let rest = self.bytes.get(start..).unwrap_or_default();
            let run = find_string_special(rest);
            self.pos = start + run.unwrap_or(rest.len());
            // The run stops at an ASCII byte (or the end), so it ends on a character boundary.
            let run: &'a str = self.text.get(start..self.pos).ok_or(Reason::Json)?;
            match self.next()? {
                b'"' => {
                    return Ok(match decoded {
                        None => Cow::Borrowed(run),
                        Some(mut out) => {
                            out.push_str(run);
                            Cow::Owned(out)
                        }
                    })
                }
                b'\\' => {
                    let out = decoded.get_or_insert_with(String::new);
                    out.push_str(run);
                    self.escape(out)?;
                }
                _ => return Err(Reason::Json),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Reason> {
        let decoded = match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(Reason::Json),
        };
        out.push(decoded);
        Ok(())
    }

    /// `\uXXXX` after the `u`, pairing a high surrogate with the `\uXXXX` low surrogate that
    /// must follow it.
    fn unicode_escape(&mut self) -> Result<char, Reason> {
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(Reason::LoneSurrogate);
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(Reason::LoneSurrogate);
                }
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                char::from_u32(code).ok_or(Reason::LoneSurrogate)
            }
            0xDC00..=0xDFFF => Err(Reason::LoneSurrogate),
            _ => char::from_u32(first).ok_or(Reason::Json),
        }
    }

    fn hex4(&mut self) -> Result<u32, Reason> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = char::from(self.next()?).to_digit(16).ok_or(Reason::Json)?;
            code = code * 16 + digit;
        }
        Ok(code)
    }

    /// The text of a number, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    pub(super) fn number(&mut self) -> Result<&'a str, Reason> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return Err(Reason::Json),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.one_or_more_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.one_or_more_digits()?;
        }
        self.text.get(start..self.pos).ok_or(Reason::Json)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn one_or_more_digits(&mut self) -> Result<(), Reason> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(Reason::Json);
        }
        Ok(())
    }
}
