//! What the walker makes of the values it reads: [`Build`] makes `serde_json` values of what
//! its interest covers, [`Check`] only checks. The walker is generic over the two, so each is a
//! monomorphised copy of it: checking builds, allocates and frees nothing.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::json::{Json, Object as Members};

use super::{Interest, Parser};
use crate::Reason;

/// What the walker makes of a value, an array's items and an object's members. The syntax and
/// every whole-document rule are the walker's; a mode only keeps (or drops) what it reads, and
/// catches a member name given twice.
pub(super) trait Mode<'a>: Copy {
    /// What a value becomes.
    type Output;
    /// An array's items so far.
    type Items: Default;
    /// An object's members so far, with the names seen.
    type Members: Default;

    /// `true`, `false` or `null`.
    fn literal(self, value: Json<'a>) -> Self::Output;
    /// A string, unescaped.
    fn string(self, text: Cow<'a, str>) -> Self::Output;
    /// A number's text, its grammar checked.
    fn number(self, text: &'a str) -> Result<Self::Output, Reason>;
    /// Adds an array's next item.
    fn push(items: &mut Self::Items, item: Self::Output);
    fn array(items: Self::Items) -> Self::Output;
    /// Reads the value of the member `name` (the parser stands at it) in the mode its name
    /// calls for, and adds it; a name given twice fails, after the value is read.
    fn member(
        self,
        parser: &mut Parser<'a>,
        depth: usize,
        name: Cow<'a, str>,
        members: &mut Self::Members,
    ) -> Result<(), Reason>;
    fn object(members: Self::Members) -> Self::Output;
}

/// Builds a value of what the interest covers; a member outside it is read in [`Check`] mode.
#[derive(Clone, Copy)]
pub(super) struct Build<'i>(pub(super) &'i Interest);

/// An object being built: its members, and the names of those checked and left out.
#[derive(Default)]
pub(super) struct Object<'a> {
    built: Members<'a>,
    skipped: Names<'a>,
}

impl<'a> Mode<'a> for Build<'_> {
    type Output = Json<'a>;
    type Items = Vec<Json<'a>>;
    type Members = Object<'a>;

    fn literal(self, value: Json<'a>) -> Json<'a> {
        value
    }

    /// Borrowed from the text unless it held an escape.
    fn string(self, text: Cow<'a, str>) -> Json<'a> {
        Json::String(text)
    }

    /// Kept as its exact text, borrowed.
    fn number(self, text: &'a str) -> Result<Json<'a>, Reason> {
        Ok(Json::Number(text))
    }

    fn push(items: &mut Vec<Json<'a>>, item: Json<'a>) {
        items.push(item);
    }

    fn array(items: Vec<Json<'a>>) -> Json<'a> {
        Json::Array(items)
    }

    fn member(
        self,
        parser: &mut Parser<'a>,
        depth: usize,
        name: Cow<'a, str>,
        members: &mut Object<'a>,
    ) -> Result<(), Reason> {
        let Some(interest) = self.0.member(&name) else {
            return Check.member(parser, depth, name, &mut members.skipped);
        };
        let value = parser.value(depth, Build(interest))?;
        if !members.built.insert(name, value) {
            return Err(Reason::DuplicateName);
        }
        Ok(())
    }

    fn object(members: Object<'a>) -> Json<'a> {
        Json::Object(members.built)
    }
}

/// Checks a value against every whole-document rule without building it; only the member
/// names of each object are kept (borrowed from the text where they have no escapes) until
/// the object ends.
#[derive(Clone, Copy)]
pub(super) struct Check;

impl<'a> Mode<'a> for Check {
    type Output = ();
    type Items = ();
    type Members = Names<'a>;

    fn literal(self, _: Json<'a>) {}

    fn string(self, _: Cow<'a, str>) {}

    fn number(self, _: &'a str) -> Result<(), Reason> {
        Ok(())
    }

    fn push(_: &mut (), _: ()) {}

    fn array(_: ()) {}

    fn member(
        self,
        parser: &mut Parser<'a>,
        depth: usize,
        name: Cow<'a, str>,
        names: &mut Names<'a>,
    ) -> Result<(), Reason> {
        parser.value(depth, Check)?;
        if !names.insert(name) {
            return Err(Reason::DuplicateName);
        }
        Ok(())
    }

    fn object(_: Names<'a>) {}
}

/// The member names of one object seen so far, to catch a name given twice. Most objects have
/// a few members, for which a linear scan of borrowed names beats hashing; past
/// [`Names::LINEAR`] they move to a hash set, so a huge object stays linear in time. The set
/// is made only then: most objects never pay for seeding its hasher.
#[derive(Default)]
pub(super) struct Names<'a> {
    few: Vec<Cow<'a, str>>,
    many: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> Names<'a> {
    const LINEAR: usize = 16;

    /// Adds `name`; `false` if it was there already.
    fn insert(&mut self, name: Cow<'a, str>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(name);
        }
        if self.few.contains(&name) {
            return false;
        }
        if self.few.len() < Names::LINEAR {
            self.few.push(name);
            return true;
        }
        let mut many: HashSet<Cow<'a, str>> = self.few.drain(..).collect();
        let added = many.insert(name);
        self.many = Some(many);
        added
    }
}
