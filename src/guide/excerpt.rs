//! Declaration excerpts: whole when short, trimmed with a visible elision when long.

use serde::Serialize;

use crate::item::Language;

/// Longest declaration shown whole; longer ones keep their head and tail.
const MAX_LINES: usize = 40;
const HEAD_LINES: usize = 28;
const TAIL_LINES: usize = 6;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    /// What a guide shows; an elided middle is one comment line saying how much was cut.
    pub text: String,
    /// Lines left out of `text` (0 when whole).
    pub elided_lines: usize,
    /// The whole declaration, for call analysis; not serialized.
    #[serde(skip)]
    pub full: String,
    /// What the code is written in, so a renderer highlights it with the right grammar;
    /// not serialized (guide.json says it by where the excerpt is: a step or a counterpart).
    #[serde(skip)]
    pub language: Language,
}

/// Lines `start..=end` (1-based) of `source`, written in `language`.
pub fn excerpt(source: &[u8], start: usize, end: usize, language: Language) -> Excerpt {
    let text = String::from_utf8_lossy(source);
    let lines: Vec<&str> = text
        .lines()
        .skip(start.saturating_sub(1))
        .take(end + 1 - start.min(end + 1))
        .collect();
    let full = lines.join("\n");
    if lines.len() <= MAX_LINES {
        return Excerpt {
            text: full.clone(),
            elided_lines: 0,
            full,
            language,
        };
    }
    let elided = lines.len() - HEAD_LINES - TAIL_LINES;
    let indent: String = lines[HEAD_LINES]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let mut shown: Vec<String> = lines[..HEAD_LINES]
        .iter()
        .map(|l| (*l).to_string())
        .collect();
    shown.push(format!(
        "{indent}// … {elided} lines elided (lines {}–{}) …",
        start + HEAD_LINES,
        start + HEAD_LINES + elided - 1
    ));
    shown.extend(
        lines[lines.len() - TAIL_LINES..]
            .iter()
            .map(|l| (*l).to_string()),
    );
    Excerpt {
        text: shown.join("\n"),
        elided_lines: elided,
        full,
        language,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_declarations_are_whole() {
        let e = excerpt(b"a\nfunc F() {\n\treturn\n}\nb\n", 2, 4, Language::Go);
        assert_eq!(
            (e.text.as_str(), e.elided_lines),
            ("func F() {\n\treturn\n}", 0)
        );
    }

    #[test]
    fn long_declarations_show_a_visible_elision() {
        let body: String = (1..=100).fold(String::new(), |acc, i| {
            acc + "\tline" + &i.to_string() + "\n"
        });
        let src = format!("func Long() {{\n{body}}}\n");
        let e = excerpt(src.as_bytes(), 1, 102, Language::Go);
        assert_eq!(e.elided_lines, 102 - HEAD_LINES - TAIL_LINES);
        assert!(
            e.text.contains("\t// … 68 lines elided (lines 29–96) …"),
            "{}",
            e.text
        );
        assert!(e.text.starts_with("func Long() {\n\tline1\n"));
        assert!(e.text.ends_with("\tline100\n}"));
        assert_eq!(e.full.lines().count(), 102);
    }
}
