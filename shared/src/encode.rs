//! Step 7: a converted record to its System One line: fields joined by `|`, ended by `\n`.

use crate::convert::Record;
use crate::layout::Layout;

/// The line, trailing newline included: exactly the bytes Firehose writes to S3.
pub(crate) fn line(layout: &Layout, record: &Record) -> String {
    let mut line = String::with_capacity(16 * (record.cells.len() + 2));
    line.push_str(layout.record_type);
    line.push('|');
    line.push_str(record.action.code());
    for cell in &record.cells {
        line.push('|');
        cell.write(&mut line);
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::Cell;
    use crate::envelope::Action;

    #[test]
    fn joins_escaped_cells() {
        let record = Record {
            action: Action::Deleted,
            cells: vec![
                Cell::Text("C|1\\".into()),
                Cell::Absent,
                Cell::Int(-7),
                Cell::Dec { scaled: -5, places: 2 },
                Cell::Flag(true),
                Cell::Stamp("20261120140405".into()),
            ],
            truncated: vec![],
        };
        assert_eq!(line(&crate::layout::EST, &record), "EST|D|C\\|1\\\\||-7|-0.05|Y|20261120140405\n");
    }
}
