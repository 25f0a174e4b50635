//! Step 2: the event document's text to a JSON value, under the whole-document rules.
//!
//! A hand-written parser, because the rules go beyond what `serde_json` enforces: duplicate
//! member names fail (serde_json keeps the last), nesting deeper than 64 levels fails (serde_json
//! allows 128), and every number keeps its exact text (`arbitrary_precision`) so decimals are
//! never rounded through binary floating point. It builds a [`Json`] borrowed from the text,
//! and only of the members the stream reads (its [`Interest`]): the others are checked against
//! every whole-document rule and skipped, which saves building (and freeing) values no one looks
//! at. Its differential test against `serde_json` is `parse/differential.rs`.
//!
//! One walker reads every value (`Parser::value`): the syntax, the depth rule and the
//! duplicate-name rule are written once. What it makes of a value is its mode
//! (`mode::Build` or `mode::Check`), a type parameter, so the checking walk is compiled
//! without any of the building.

#[cfg(test)]
mod differential;
mod interest;
mod mode;
mod scalar;
#[cfg(test)]
mod tests;

pub(crate) use interest::Interest;
#[cfg(test)]
use interest::EVERYTHING;
use mode::{Build, Mode};

use crate::json::{Json, Object};
use crate::Reason;

/// The deepest nesting of arrays and objects allowed; the top-level object is level 1.
pub(crate) const MAX_DEPTH: usize = 64;

/// Parses a whole document: strict RFC 8259 JSON whose top level is an object.
#[cfg(test)]
pub(crate) fn document(text: &str) -> Result<Object<'_>, Reason> {
    document_of_interest(text, &EVERYTHING)
}

/// Parses a whole document, building only the members in `interest`.
pub(crate) fn document_of_interest<'a>(text: &'a str, interest: &Interest) -> Result<Object<'a>, Reason> {
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0 };
    parser.skip_white_space();
    let value = parser.value(0, Build(interest))?;
    parser.skip_white_space();
    if parser.pos != parser.bytes.len() {
        return Err(Reason::Json);
    }
    match value {
        Json::Object(object) => Ok(object),
        _ => Err(Reason::NotObject),
    }
}

/// The nesting level of a container whose enclosing containers are `depth` deep: the one
/// place the depth rule is checked.
fn nested(depth: usize) -> Result<usize, Reason> {
    match depth + 1 {
        level if level > MAX_DEPTH => Err(Reason::TooDeep),
        level => Ok(level),
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

    /// A value whose enclosing containers are `depth` deep, made into what `mode` makes.
    fn value<M: Mode<'a>>(&mut self, depth: usize, mode: M) -> Result<M::Output, Reason> {
        match self.peek().ok_or(Reason::Json)? {
            b'{' => self.object(nested(depth)?, mode),
            b'[' => self.array(nested(depth)?, mode),
            b'"' => self.string().map(|text| mode.string(text)),
            b't' => self.expect_literal(b"true").map(|()| mode.literal(Json::Bool(true))),
            b'f' => self.expect_literal(b"false").map(|()| mode.literal(Json::Bool(false))),
            b'n' => self.expect_literal(b"null").map(|()| mode.literal(Json::Null)),
            b'-' | b'0'..=b'9' => mode.number(self.number()?),
            _ => Err(Reason::Json),
        }
    }

    /// An object at nesting level `depth`, starting at its `{`.
    fn object<M: Mode<'a>>(&mut self, depth: usize, mode: M) -> Result<M::Output, Reason> {
        let mut members = M::Members::default();
        self.items(b'}', |parser| {
            if parser.peek() != Some(b'"') {
                return Err(Reason::Json);
            }
            let name = parser.string()?;
            parser.skip_white_space();
            if parser.next()? != b':' {
                return Err(Reason::Json);
            }
            parser.skip_white_space();
            mode.member(parser, depth, name, &mut members)
        })?;
        Ok(M::object(members))
    }

    /// An array at nesting level `depth`, starting at its `[`.
    fn array<M: Mode<'a>>(&mut self, depth: usize, mode: M) -> Result<M::Output, Reason> {
        let mut items = M::Items::default();
        self.items(b']', |parser| {
            let item = parser.value(depth, mode)?;
            M::push(&mut items, item);
            Ok(())
        })?;
        Ok(M::array(items))
    }

    /// The comma-separated items of an array or object, from its opening bracket through
    /// `close`; `item` reads one, white space around it already skipped.
    fn items(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Result<(), Reason>) -> Result<(), Reason> {
        self.pos += 1;
        self.skip_white_space();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_white_space();
            item(self)?;
            self.skip_white_space();
            match self.next()? {
                b',' => continue,
                byte if byte == close => return Ok(()),
                _ => return Err(Reason::Json),
            }
        }
    }
}
