//! `bump --write`: the smallest textual edit of the mapping files for a new version.
//!
//! The YAML is never re-serialised: comments, key order, quoting and blank lines stay as the
//! author wrote them. Each edit names the position the loader recorded and the value it
//! expects there; a value that is not where it should be is an error, never a guess.

use std::collections::BTreeMap;

use crate::mapping::{Mapping, Origin};

use super::{Category, StepDrift};

/// One change to a mapping file. Lines and columns are 1-based, columns in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Replace the scalar at `line:column`, which must currently read `old`.
    Replace {
        line: u64,
        column: u64,
        old: String,
        new: String,
    },
    /// Add `key: value` beside the block-mapping key whose value is at `line:column`.
    AddSibling {
        line: u64,
        column: u64,
        key: String,
        value: String,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}:{column}: {message}")]
pub struct RewriteError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

/// The edits `bump --write` makes, per mapping file: new pins, the `symbol`/`file` of steps
/// that moved or were confidently renamed, a `review:` on steps that need a person.
pub fn plan(
    mapping: &Mapping,
    targets: &BTreeMap<String, String>,
    drifts: &[StepDrift],
) -> BTreeMap<String, Vec<Edit>> {
    let mut edits: BTreeMap<String, Vec<Edit>> = BTreeMap::new();
    let mut push = |origin: &Origin, edit: Edit| {
        edits.entry(origin.file.clone()).or_default().push(edit);
    };
    for (name, version) in targets {
        if let Some(repo) = mapping.repo(name)
            && &repo.pin != version
        {
            push(
                &repo.pin_origin,
                replace(&repo.pin_origin, &repo.pin, version),
            );
        }
    }
    for d in drifts {
        let Some(step) = mapping
            .article(&d.article)
            .and_then(|a| a.steps.get(d.step - 1))
        else {
            continue;
        };
        // The fields being edited: the step's own, or its Rust counterpart's.
        let fields = if d.counterpart {
            let Some(c) = &step.counterpart else {
                continue;
            };
            Fields {
                symbol: c.symbol.as_str(),
                origin: &c.origin,
                file: c.file.as_deref(),
                file_origin: c.file_origin.as_ref(),
                review: c.review.as_deref(),
                review_origin: c.review_origin.as_ref(),
            }
        } else {
            Fields {
                symbol: step.symbol.as_str(),
                origin: &step.origin,
                file: step.file.as_deref(),
                file_origin: step.file_origin.as_ref(),
                review: step.review.as_deref(),
                review_origin: step.review_origin.as_ref(),
            }
        };
        let c = &d.compared;
        let from = mapping.repo(&d.repo).map_or("the pin", |r| r.pin.as_str());
        let target = targets.get(&d.repo).map_or("", String::as_str);
        match (c.category, &c.to) {
            (Category::MovedFile, Some(to)) => set_file(&mut push, &fields, &to.file),
            (Category::MovedPackage | Category::Renamed, Some(to)) if c.confident => {
                push(
                    fields.origin,
                    replace(fields.origin, fields.symbol, &to.symbol),
                );
                set_file(&mut push, &fields, &to.file);
            }
            (category, _) if !category.holds() => {
                let why = review_text(d, from, target);
                let edit = match fields.review_origin {
                    Some(o) => replace(o, fields.review.unwrap_or_default(), &why),
                    None => Edit::AddSibling {
                        line: fields.origin.line,
                        column: fields.origin.column,
                        key: "review".into(),
                        value: why,
                    },
                };
                push(fields.origin, edit);
            }
            // Same file in a package folder that moved (vendor/ → staging/): the hint follows.
            (category, Some(to))
                if category.holds()
                    && to.file != c.from.as_ref().map_or("", |f| f.file.as_str()) =>
            {
                set_file(&mut push, &fields, &to.file);
            }
            _ => {}
        }
    }
    edits
}

/// The editable fields of a step or of its counterpart, with where they are written.
struct Fields<'m> {
    symbol: &'m str,
    origin: &'m Origin,
    file: Option<&'m str>,
    file_origin: Option<&'m Origin>,
    review: Option<&'m str>,
    review_origin: Option<&'m Origin>,
}

fn set_file(push: &mut impl FnMut(&Origin, Edit), fields: &Fields<'_>, file: &str) {
    if let (Some(origin), Some(old)) = (fields.file_origin, fields.file)
        && old != file
    {
        push(origin, replace(origin, old, file));
    }
}

fn replace(origin: &Origin, old: &str, new: &str) -> Edit {
    Edit::Replace {
        line: origin.line,
        column: origin.column,
        old: old.to_string(),
        new: new.to_string(),
    }
}

fn review_text(d: &StepDrift, from: &str, to: &str) -> String {
    let c = &d.compared;
    let best = c
        .candidates
        .first()
        .map(|s| format!("{} (score {:.2})", s.symbol, s.score));
    let what = match c.category {
        Category::SignatureChanged => format!("signature changed: {}; check the note", c.detail),
        Category::Renamed => format!(
            "maybe renamed to {}; confirm and update symbol",
            best.unwrap_or_default()
        ),
        Category::Ambiguous => format!(
            "ambiguous: {}",
            c.candidates
                .iter()
                .map(|s| s.symbol.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Category::Removed => match best {
            Some(b) => format!("removed; closest is {b}"),
            None => "removed; nothing like it found".into(),
        },
        Category::PathBroken => format!("path broken: {}; check the note", c.detail),
        _ => c.detail.clone(),
    };
    match d.path_aside() {
        Some(path) => format!("bump {from} → {to}: {what}; path: {path}"),
        None => format!("bump {from} → {to}: {what}"),
    }
}

/// Apply `edits` to `text` (one file). All positions refer to the original text.
pub fn apply(file: &str, text: &str, edits: &[Edit]) -> Result<String, RewriteError> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let error = |line, column, message: String| RewriteError {
        file: file.to_string(),
        line,
        column,
        message,
    };
    let offset = |line: u64, column: u64| -> Option<usize> {
        let start = *line_starts.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let rest = &text[start..];
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let col = usize::try_from(column).ok()?.checked_sub(1)?;
        if col == line_text.chars().count() {
            return Some(start + line_text.len());
        }
        line_text.char_indices().nth(col).map(|(i, _)| start + i)
    };
    // (start, end, replacement), applied back to front.
    let mut splices: Vec<(usize, usize, String)> = Vec::new();
    for edit in edits {
        match edit {
            Edit::Replace {
                line,
                column,
                old,
                new,
            } => {
                let at = offset(*line, *column)
                    .ok_or_else(|| error(*line, *column, "position is outside the file".into()))?;
                let scalar = scalar_at(text, at).ok_or_else(|| {
                    error(*line, *column, "no YAML scalar here to replace".into())
                })?;
                if scalar.value != *old {
                    return Err(error(
                        *line,
                        *column,
                        format!(
                            "expected `{old}` here, found `{}`: the file changed since it was read",
                            scalar.value
                        ),
                    ));
                }
                splices.push((at, scalar.end, quote_like(&scalar, new)));
            }
            Edit::AddSibling {
                line,
                column,
                key,
                value,
            } => {
                let at = offset(*line, *column)
                    .ok_or_else(|| error(*line, *column, "position is outside the file".into()))?;
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let prefix = &text[line_start..at];
                let Some(key_start) = key_column(prefix) else {
                    return Err(error(
                        *line,
                        *column,
                        "the key is not in block style; add the field by hand".into(),
                    ));
                };
                let indent = " ".repeat(prefix[..key_start].chars().count());
                let new_line = format!("{indent}{key}: {}\n", double_quoted(value));
                // After the key's line: a `- key:` line owns the list item, so the new key
                // must follow it (the value is one line: symbols have no whitespace).
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                let new_line = if line_end == text.len() && !text.ends_with('\n') {
                    format!("\n{}", new_line.trim_end_matches('\n'))
                } else {
                    new_line
                };
                splices.push((line_end, line_end, new_line));
            }
        }
    }
    splices.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    for pair in splices.windows(2) {
        if pair[1].1 > pair[0].0 {
            return Err(error(0, 0, "two edits overlap".into()));
        }
    }
    let mut out = text.to_string();
    for (start, end, with) in splices {
        out.replace_range(start..end, &with);
    }
    Ok(out)
}

/// Where a key starts in the text before its value: `  - symbol: ` → 4.
fn key_column(prefix: &str) -> Option<usize> {
    let body = prefix.trim_end();
    let body = body.strip_suffix(':')?;
    let key_start = body.rfind([' ', '\t']).map_or(0, |i| i + 1);
    let before = body[..key_start].trim();
    let key = &body[key_start..];
    // Only indentation or list markers may precede a block key, and the key is a plain word:
    // `- {symbol: x}` is a flow mapping, where a new line would break the YAML.
    (before.chars().all(|c| c == '-' || c == ' ')
        && !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(key_start)
}

#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Double,
    Single,
}

struct Scalar {
    value: String,
    end: usize,
    style: Style,
}

/// The one-line scalar starting at byte `at`.
fn scalar_at(text: &str, at: usize) -> Option<Scalar> {
    let rest = &text[at..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match line.chars().next()? {
        '"' => {
            let mut value = String::new();
            let mut chars = line.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        return Some(Scalar {
                            value,
                            end: at + i + 1,
                            style: Style::Double,
                        });
                    }
                    '\\' => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        other => value.push(other),
                    },
                    c => value.push(c),
                }
            }
            None
        }
        '\'' => {
            let mut value = String::new();
            let mut chars = line.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                        value.push('\'');
                    } else {
                        return Some(Scalar {
                            value,
                            end: at + i + 1,
                            style: Style::Single,
                        });
                    }
                } else {
                    value.push(c);
                }
            }
            None
        }
        '|' | '>' | '&' | '*' | '!' | '[' | '{' => None,
        _ => {
            // A plain scalar ends at a comment, and in a flow collection at `,` `}` `]`.
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let in_flow = text[line_start..at].contains(['{', '[']);
            let mut end = line.len();
            if let Some(i) = line.find(" #") {
                end = end.min(i);
            }
            if in_flow && let Some(i) = line.find([',', '}', ']']) {
                end = end.min(i);
            }
            let value = line[..end].trim_end();
            Some(Scalar {
                value: value.to_string(),
                end: at + value.len(),
                style: Style::Plain,
            })
        }
    }
}

/// `new` written in the quoting style of the scalar it replaces; a plain scalar stays plain
/// only when the new text reads back as the same string.
fn quote_like(old: &Scalar, new: &str) -> String {
    match old.style {
        Style::Single => format!("'{}'", new.replace('\'', "''")),
        Style::Plain if plain_is_safe(new) => new.to_string(),
        Style::Double | Style::Plain => double_quoted(new),
    }
}

fn plain_is_safe(s: &str) -> bool {
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/' || c == '.');
    first_ok
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        )
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# a comment that must survive
repos:
  acme: { url: https://github.com/acme/widgets, pin: v1 }   # pinned
articles:
  - id: a
    steps:
      - symbol: github.com/acme/widgets.Queue.Add   # why
        file: \"queue.go\"
        note: n
      - note: m
        symbol: 'github.com/acme/widgets.Old'
";

    fn r(line: u64, column: u64, old: &str, new: &str) -> Edit {
        Edit::Replace {
            line,
            column,
            old: old.into(),
            new: new.into(),
        }
    }

    #[test]
    fn replaces_keep_quoting_comments_and_everything_else() {
        let edits = [
            r(3, 54, "v1", "v2"),
            r(
                7,
                17,
                "github.com/acme/widgets.Queue.Add",
                "github.com/acme/widgets.Typed.Add",
            ),
            r(8, 15, "queue.go", "add.go"),
            r(
                11,
                17,
                "github.com/acme/widgets.Old",
                "github.com/acme/widgets.New",
            ),
        ];
        let out = apply("m.yaml", TEXT, &edits).unwrap();
        let expected = TEXT
            .replace("pin: v1 }", "pin: v2 }")
            .replace("widgets.Queue.Add   # why", "widgets.Typed.Add   # why")
            .replace("\"queue.go\"", "\"add.go\"")
            .replace(
                "'github.com/acme/widgets.Old'",
                "'github.com/acme/widgets.New'",
            );
        assert_eq!(out, expected);
    }

    #[test]
    fn adds_a_sibling_after_a_list_item_key_and_before_others() {
        let edits = [
            Edit::AddSibling {
                line: 7,
                column: 17,
                key: "review".into(),
                value: "bump v1 → v2: removed; \"why\"".into(),
            },
            Edit::AddSibling {
                line: 11,
                column: 17,
                key: "review".into(),
                value: "x".into(),
            },
        ];
        let out = apply("m.yaml", TEXT, &edits).unwrap();
        assert!(out.contains(
            "      - symbol: github.com/acme/widgets.Queue.Add   # why\n        review: \"bump v1 → v2: removed; \\\"why\\\"\"\n        file:"
        ), "{out}");
        assert!(
            out.ends_with("'github.com/acme/widgets.Old'\n        review: \"x\"\n"),
            "{out}"
        );
    }

    #[test]
    fn a_value_that_is_not_there_is_an_error_not_a_guess() {
        let e = apply(
            "m.yaml",
            TEXT,
            &[r(7, 17, "github.com/acme/widgets.Nope", "x")],
        )
        .unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("the file changed"), "{e}");
        assert!(apply("m.yaml", TEXT, &[r(99, 1, "a", "b")]).is_err());
        assert!(apply("m.yaml", "a: |\n  x\n", &[r(1, 4, "x", "y")]).is_err());
        // Found by the yaml_rewrite fuzz target: a flow-style step has no line to add a key
        // to; the edit is refused instead of breaking the file.
        let flow = "steps:\n  - {symbol: a.B, note: n}\n";
        let e = apply(
            "m.yaml",
            flow,
            &[Edit::AddSibling {
                line: 2,
                column: 14,
                key: "review".into(),
                value: "x".into(),
            }],
        )
        .unwrap_err();
        assert!(e.message.contains("block style"), "{e}");
    }

    #[test]
    fn plain_scalars_get_quotes_only_when_needed() {
        let out = apply("m.yaml", "pin: v1\n", &[r(1, 6, "v1", "true")]).unwrap();
        assert_eq!(out, "pin: \"true\"\n");
        let out = apply("m.yaml", "pin: v1\n", &[r(1, 6, "v1", "v1.32.3")]).unwrap();
        assert_eq!(out, "pin: v1.32.3\n");
        let out = apply("m.yaml", "pin: v1\n", &[r(1, 6, "v1", "4.2.0")]).unwrap();
        assert_eq!(out, "pin: \"4.2.0\"\n");
    }
}
