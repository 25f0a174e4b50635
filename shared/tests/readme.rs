//! The README's table of the nine streams is documentation written by hand: it must say what
//! the layout table (the one list of streams) says, row for row and in the same order.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use shim::Stream;

/// The rows of the table under `## The nine streams`, each cell without its backquotes.
fn table_rows(readme: &str) -> Vec<Vec<String>> {
    let section = readme.split("\n## The nine streams\n").nth(1).expect("README has a `## The nine streams` section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|line| line.starts_with('|'))
        .skip(2) // the header and its |---| line
        .map(|line| line.trim_matches('|').split('|').map(|cell| cell.trim().trim_matches('`').to_string()).collect())
        .collect()
}

#[test]
fn the_readme_stream_table_is_the_layout_table() {
    let readme = std::fs::read_to_string(testkit::repo_root().join("README.md")).unwrap();
    let documented = table_rows(&readme);
    let actual: Vec<Vec<String>> = Stream::ALL
        .iter()
        .map(|stream| {
            let layout = stream.layout();
            vec![
                stream.name().to_string(),
                layout.entity.to_string(),
                layout.record_type.to_string(),
                layout.line_fields().to_string(),
            ]
        })
        .collect();
    assert_eq!(documented, actual, "README.md's stream table differs from shared/src/layout/tables.rs");
}

#[test]
fn a_changed_row_is_noticed() {
    let readme = "x\n## The nine streams\n\n| a | b |\n|---|---|\n| `customers` | `customer` | `CUS` | 11 |\n\n## Next\n| no |\n";
    assert_eq!(table_rows(readme), [["customers", "customer", "CUS", "11"]]);
}
