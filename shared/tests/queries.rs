//! The saved CloudWatch Logs Insights queries (infra/queries/*.query, one
//! `AWS::Logs::QueryDefinition` each) name only fields the functions log: each query is
//! parsed, and every field it reads must be in the log schema (fixtures/logs/schema.json, which
//! the log tests hold the real captured lines to) or a Logs Insights system field; every
//! `message = "…"` it filters on must be a message the functions write.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use support::log_schema;

/// The four queries issue 12 asks for, by file stem.
const EXPECTED: [&str; 4] = ["failed-records-by-reason", "record-story", "response-size-limit", "slowest-invocations"];

/// Fields Logs Insights adds to every log event.
const SYSTEM_FIELDS: [&str; 5] = ["@timestamp", "@message", "@logStream", "@log", "@ingestionTime"];

/// Words of the query language that are not fields.
const KEYWORDS: [&str; 19] = [
    "fields",
    "filter",
    "stats",
    "sort",
    "limit",
    "parse",
    "display",
    "dedup",
    "as",
    "by",
    "and",
    "or",
    "not",
    "in",
    "like",
    "asc",
    "desc",
    "ispresent",
    "isempty",
];

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/queries")
}

/// Each query file: its stem, description (the leading `#` lines) and query string.
fn queries() -> Vec<(String, String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "query"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let lines: Vec<&str> = text.lines().collect();
            let described = lines.iter().take_while(|line| line.starts_with('#')).count();
            let description: Vec<&str> =
                lines[..described].iter().map(|line| line.trim_start_matches('#').trim()).collect();
            (stem, description.join(" "), lines[described..].join("\n"))
        })
        .collect()
}

/// The tokens of a query: identifiers (with `@` and dots), backquoted names, string literals
/// (kept whole), numbers and single punctuation characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Name(String),
    Text(String),
    Other(char),
}

fn tokens(query: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut text = String::new();
                while let Some(next) = chars.next() {
                    match next {
                        '\\' => text.extend(chars.next()),
                        _ if next == c => break,
                        _ => text.push(next),
                    }
                }
                tokens.push(Token::Text(text));
            }
            '`' => tokens.push(Token::Name(chars.by_ref().take_while(|&next| next != '`').collect())),
            c if c.is_ascii_alphabetic() || c == '_' || c == '@' => {
                let mut name = c.to_string();
                while let Some(&next) = chars.peek() {
                    if !(next.is_ascii_alphanumeric() || next == '_' || next == '.' || next == '@') {
                        break;
                    }
                    name.push(next);
                    chars.next();
                }
                tokens.push(Token::Name(name));
            }
            c if c.is_ascii_digit() => {
                while chars.peek().is_some_and(|next| next.is_ascii_alphanumeric() || *next == '.') {
                    chars.next();
                }
            }
            c if c.is_whitespace() => {}
            c => tokens.push(Token::Other(c)),
        }
    }
    tokens
}

/// The fields a query reads: names that are not keywords, not functions (a name before `(`)
/// and not aliases it defines (a name after `as`).
fn fields_read(query: &str) -> BTreeSet<String> {
    let tokens = tokens(query);
    let is = |i: usize, word: &str| matches!(tokens.get(i), Some(Token::Name(name)) if name.eq_ignore_ascii_case(word));
    let aliases: BTreeSet<String> = (1..tokens.len())
        .filter(|&i| is(i - 1, "as"))
        .filter_map(|i| match &tokens[i] {
            Token::Name(name) => Some(name.clone()),
            _ => None,
        })
        .collect();
    (0..tokens.len())
        .filter_map(|i| match &tokens[i] {
            Token::Name(name)
                if !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
                    && tokens.get(i + 1) != Some(&Token::Other('('))
                    && !aliases.contains(name) =>
            {
                Some(name.clone())
            }
            _ => None,
        })
        .collect()
}

/// The literals a query compares `field` with (`field = "…"`).
fn compared(query: &str, field: &str) -> Vec<String> {
    let tokens = tokens(query);
    tokens
        .windows(3)
        .filter_map(|window| match window {
            [Token::Name(name), Token::Other('='), Token::Text(text)] if name == field => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_four_queries_are_there_each_described() {
    let queries = queries();
    let stems: Vec<&str> = queries.iter().map(|(stem, _, _)| stem.as_str()).collect();
    assert_eq!(stems, EXPECTED);
    for (stem, description, query) in &queries {
        assert!(description.len() > 40, "{stem}: describe the query in its leading # lines");
        assert!(!query.trim().is_empty(), "{stem}: no query");
        assert!(!query.lines().any(|line| line.trim_start().starts_with('#')), "{stem}: # only at the top");
    }
}

#[test]
fn every_query_names_only_logged_fields() {
    let schema = log_schema::load();
    let logged = log_schema::all_fields(&schema);
    let messages = log_schema::messages(&schema);
    for (stem, _, query) in queries() {
        let fields = fields_read(&query);
        assert!(!fields.is_empty(), "{stem}: no field found, the parser is wrong");
        for field in &fields {
            assert!(
                logged.contains(field) || SYSTEM_FIELDS.contains(&field.as_str()),
                "{stem} reads {field:?}, which no log line has (fixtures/logs/schema.json)"
            );
        }
        for message in compared(&query, "message") {
            assert!(messages.contains(&message), "{stem} filters on message {message:?}, which no line has");
        }
    }
}

/// The parser finds what it must: a field that is not logged, and not the contents of a string,
/// a function name or an alias.
#[test]
fn the_query_parser_finds_fields_and_only_fields() {
    let query = r#"filter message = "record failed" and nosuchfield > 3
        | stats count(*) as n, max(`duration_ms`) as slowest by stream, reasons.bad
        | sort n desc | limit 5"#;
    let fields: Vec<String> = fields_read(query).into_iter().collect();
    assert_eq!(fields, ["duration_ms", "message", "nosuchfield", "reasons.bad", "stream"]);
    assert_eq!(compared(query, "message"), ["record failed"]);
}
