//! Text diffs of two declarations: lines added and removed, and a unified diff.

use super::{Compared, Side};

/// Lines added and removed from `old` to `new`.
pub fn line_changes(old: &str, new: &str) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

/// A unified diff of two declarations, with headers naming version, file and lines.
pub fn unified_diff(c: &Compared) -> String {
    let header = |s: Option<&Side>| {
        s.map_or_else(
            || "/dev/null".to_string(),
            |s| {
                format!(
                    "{}@{} {}:{}-{}",
                    s.symbol, s.version, s.file, s.start_line, s.end_line
                )
            },
        )
    };
    let old = c.old_text.as_deref().unwrap_or_default();
    let new = c.new_text.as_deref().unwrap_or_default();
    let with_newline = |t: &str| {
        if t.is_empty() || t.ends_with('\n') {
            t.to_string()
        } else {
            format!("{t}\n")
        }
    };
    let (old, new) = (with_newline(old), with_newline(new));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&header(c.from.as_ref()), &header(c.to.as_ref()))
        .to_string()
}

/// How a row of a side-by-side diff differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowTag {
    Equal,
    /// An old line replaced by a new one.
    Changed,
    Removed,
    Added,
}

/// One row of a side-by-side diff: 0-based line indices into the old and the new text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub tag: RowTag,
}

/// The rows of a side-by-side diff of `old` and `new`, by line: a replaced run pairs its
/// lines in order, and the longer side's rest is removed or added.
pub fn side_by_side(old: &str, new: &str) -> Vec<Row> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut rows = Vec::new();
    let row = |old, new, tag| Row { old, new, tag };
    for op in diff.ops() {
        match *op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => rows.extend(
                (0..len).map(|k| row(Some(old_index + k), Some(new_index + k), RowTag::Equal)),
            ),
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => rows.extend((0..old_len).map(|k| row(Some(old_index + k), None, RowTag::Removed))),
            similar::DiffOp::Insert {
                new_index, new_len, ..
            } => rows.extend((0..new_len).map(|k| row(None, Some(new_index + k), RowTag::Added))),
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for k in 0..old_len.max(new_len) {
                    let (o, n) = (k < old_len, k < new_len);
                    let tag = match (o, n) {
                        (true, true) => RowTag::Changed,
                        (true, false) => RowTag::Removed,
                        _ => RowTag::Added,
                    };
                    rows.push(row(
                        o.then_some(old_index + k),
                        n.then_some(new_index + k),
                        tag,
                    ));
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_pairs_replaced_lines_and_keeps_the_rest_in_order() {
        let rows = side_by_side("a\nb\nc\n", "a\nB\nC2\nextra\nc\n");
        let tags: Vec<RowTag> = rows.iter().map(|r| r.tag).collect();
        assert_eq!(
            tags,
            [
                RowTag::Equal,
                RowTag::Changed,
                RowTag::Added,
                RowTag::Added,
                RowTag::Equal
            ]
        );
        assert_eq!((rows[1].old, rows[1].new), (Some(1), Some(1)));
        assert_eq!((rows[4].old, rows[4].new), (Some(2), Some(4)));
        let gone = side_by_side("x\ny\n", "x\n");
        assert_eq!(
            gone[1],
            Row {
                old: Some(1),
                new: None,
                tag: RowTag::Removed
            }
        );
    }

    #[test]
    fn line_changes_count_both_ways() {
        assert_eq!(line_changes("a\nb\nc\n", "a\nB\nc\nd\n"), (2, 1));
        assert_eq!(line_changes("x\n", "x\n"), (0, 0));
    }
}
