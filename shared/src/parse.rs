//! Step 2: the event document's text to a JSON value, under the whole-document rules.
//!
//! A hand-written parser, because the rules go beyond what `serde_json` enforces: duplicate
//! member names fail (serde_json keeps the last), nesting deeper than 64 levels fails (serde_json
//! allows 128), and every number keeps its exact text (`arbitrary_precision`) so decimals are
//! never rounded through binary floating point. It builds `serde_json::Value` so that the JSON
//! Schema stage can validate what it returns, but only for the members the stream reads (its
//! [`Interest`]): the others are checked against every whole-document rule and skipped, which
//! saves building (and freeing) values no one looks at.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use crate::Reason;

/// The deepest nesting of arrays and objects allowed; the top-level object is level 1.
pub const MAX_DEPTH: usize = 64;

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

static EVERYTHING: Interest = Interest::Everything;

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

    fn member(&self, name: &str) -> Option<&Interest> {
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

/// The first byte that ends a plain run inside a string: `"`, `\\` or a control character.
/// Eight bytes at a time (SWAR, as serde_json does), since string bodies are most of a document.
fn find_string_special(bytes: &[u8]) -> Option<usize> {
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

/// Parses a whole document: strict RFC 8259 JSON whose top level is an object.
pub fn document(text: &str) -> Result<Map<String, Value>, Reason> {
    document_of_interest(text, &EVERYTHING)
}

/// Parses a whole document, building only the members in `interest`.
pub fn document_of_interest(text: &str, interest: &Interest) -> Result<Map<String, Value>, Reason> {
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0 };
    parser.skip_white_space();
    let value = parser.value(0, interest)?;
    parser.skip_white_space();
    if parser.pos != parser.bytes.len() {
        return Err(Reason::Json);
    }
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Reason::NotObject),
    }
}

/// The member names of one object seen so far, to catch a name given twice. Most objects have
/// a few members, for which a linear scan of borrowed names beats hashing; past
/// [`Names::LINEAR`] they move to a hash set, so a huge object stays linear in time.
#[derive(Default)]
struct Names<'a> {
    few: Vec<Cow<'a, str>>,
    many: HashSet<Cow<'a, str>>,
}

impl<'a> Names<'a> {
    const LINEAR: usize = 16;

    /// Adds `name`; `false` if it was there already.
    fn insert(&mut self, name: Cow<'a, str>) -> bool {
        if !self.many.is_empty() {
            return self.many.insert(name);
        }
        if self.few.contains(&name) {
            return false;
        }
        if self.few.len() < Names::LINEAR {
            self.few.push(name);
            return true;
        }
        self.many.extend(self.few.drain(..));
        self.many.insert(name)
    }
}

struct Parser<'a> {
    /// The document, already valid UTF-8: runs of it are sliced, never validated again.
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Result<u8, Reason> {
        let byte = self.peek().ok_or(Reason::Json)?;
        self.pos += 1;
        Ok(byte)
    }

    fn skip_white_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, literal: &[u8]) -> Result<(), Reason> {
        let end = self.pos + literal.len();
        if self.bytes.get(self.pos..end) != Some(literal) {
            return Err(Reason::Json);
        }
        self.pos = end;
        Ok(())
    }

    /// A value whose enclosing containers are `depth` deep.
    fn value(&mut self, depth: usize, interest: &Interest) -> Result<Value, Reason> {
        match self.peek().ok_or(Reason::Json)? {
            b'{' => self.object(depth + 1, interest),
            b'[' => self.array(depth + 1, interest),
            b'"' => self.string().map(Value::String),
            b't' => self.expect_literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.expect_literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.expect_literal(b"null").map(|()| Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => Err(Reason::Json),
        }
    }

    fn object(&mut self, depth: usize, interest: &Interest) -> Result<Value, Reason> {
        if depth > MAX_DEPTH {
            return Err(Reason::TooDeep);
        }
        self.pos += 1;
        let mut map = Map::new();
        // Names of the members skipped, borrowed from the text: no key or value is built for
        // them, but a name may still not appear twice.
        let mut skipped = Names::default();
        self.skip_white_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_white_space();
            if self.peek() != Some(b'"') {
                return Err(Reason::Json);
            }
            let name = self.string_cow()?;
            self.skip_white_space();
            if self.next()? != b':' {
                return Err(Reason::Json);
            }
            self.skip_white_space();
            match interest.member(&name) {
                Some(member) => {
                    let value = self.value(depth, member)?;
                    if map.insert(name.into_owned(), value).is_some() {
                        return Err(Reason::DuplicateName);
                    }
                }
                None => {
                    self.skip(depth)?;
                    if !skipped.insert(name) {
                        return Err(Reason::DuplicateName);
                    }
                }
            }
            self.skip_white_space();
            match self.next()? {
                b',' => continue,
                b'}' => return Ok(Value::Object(map)),
                _ => return Err(Reason::Json),
            }
        }
    }

    fn array(&mut self, depth: usize, interest: &Interest) -> Result<Value, Reason> {
        if depth > MAX_DEPTH {
            return Err(Reason::TooDeep);
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_white_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_white_space();
            items.push(self.value(depth, interest)?);
            self.skip_white_space();
            match self.next()? {
                b',' => continue,
                b']' => return Ok(Value::Array(items)),
                _ => return Err(Reason::Json),
            }
        }
    }

    /// A string starting at the opening quote, owned.
    fn string(&mut self) -> Result<String, Reason> {
        self.string_cow().map(Cow::into_owned)
    }

    /// A string starting at the opening quote. The input is valid UTF-8 already, so runs of
    /// plain characters are sliced as they are; only a string with escapes is copied.
    fn string_cow(&mut self) -> Result<Cow<'a, str>, Reason> {
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

    /// Checks a value against every whole-document rule without building it.
    fn skip(&mut self, depth: usize) -> Result<(), Reason> {
        match self.peek().ok_or(Reason::Json)? {
            b'{' => self.skip_object(depth + 1),
            b'[' => self.skip_array(depth + 1),
            b'"' => self.string_cow().map(drop),
            b't' => self.expect_literal(b"true"),
            b'f' => self.expect_literal(b"false"),
            b'n' => self.expect_literal(b"null"),
            b'-' | b'0'..=b'9' => self.number_text().map(drop),
            _ => Err(Reason::Json),
        }
    }

    fn skip_object(&mut self, depth: usize) -> Result<(), Reason> {
        if depth > MAX_DEPTH {
            return Err(Reason::TooDeep);
        }
        self.pos += 1;
        self.skip_white_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        let mut names = Names::default();
        loop {
            self.skip_white_space();
            if self.peek() != Some(b'"') {
                return Err(Reason::Json);
            }
            let name = self.string_cow()?;
            self.skip_white_space();
            if self.next()? != b':' {
                return Err(Reason::Json);
            }
            self.skip_white_space();
            self.skip(depth)?;
            if !names.insert(name) {
                return Err(Reason::DuplicateName);
            }
            self.skip_white_space();
            match self.next()? {
                b',' => continue,
                b'}' => return Ok(()),
                _ => return Err(Reason::Json),
            }
        }
    }

    fn skip_array(&mut self, depth: usize) -> Result<(), Reason> {
        if depth > MAX_DEPTH {
            return Err(Reason::TooDeep);
        }
        self.pos += 1;
        self.skip_white_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_white_space();
            self.skip(depth)?;
            self.skip_white_space();
            match self.next()? {
                b',' => continue,
                b']' => return Ok(()),
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

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as its exact text.
    fn number(&mut self) -> Result<Number, Reason> {
        self.number_text()?.parse().map_err(|_| Reason::Json)
    }

    /// The text of a number, its grammar checked.
    fn number_text(&mut self) -> Result<&'a str, Reason> {
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

#[cfg(test)]
mod tests;
