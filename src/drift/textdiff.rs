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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_changes_count_both_ways() {
        assert_eq!(line_changes("a\nb\nc\n", "a\nB\nc\nd\n"), (2, 1));
        assert_eq!(line_changes("x\n", "x\n"), (0, 0));
    }
}
