//! Highlighted code blocks in HTML: tree-sitter-highlight's events for the excerpt's
//! language, one `<span class="hl-…">` per capture, line numbers of the file in a gutter.
//!
//! Language-neutral: the grammar and query come from the language's engine, and every
//! language shares the capture names of [`HIGHLIGHT_NAMES`], so one
//! stylesheet colours them all.

use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::OnceLock;

use tree_sitter_highlight::{Highlight, Highlighter, HtmlRenderer};

use super::escape::esc;
use crate::guide::Excerpt;
use crate::item::{HIGHLIGHT_NAMES, Language};

/// `class="hl-…"` per entry of [`HIGHLIGHT_NAMES`] (dots become dashes).
fn attributes() -> &'static [String] {
    static ATTRIBUTES: OnceLock<Vec<String>> = OnceLock::new();
    ATTRIBUTES.get_or_init(|| {
        HIGHLIGHT_NAMES
            .iter()
            .map(|n| format!("class=\"hl-{}\"", n.replace('.', "-")))
            .collect()
    })
}

thread_local! {
    static HIGHLIGHTER: RefCell<Highlighter> = RefCell::new(Highlighter::new());
}

/// One HTML string per source line; spans never cross a line (`HtmlRenderer` closes and
/// reopens them at each newline), so each line can be wrapped on its own. Code the grammar
/// cannot highlight is escaped, plain.
pub(super) fn highlight_lines(code: &str, language: Language) -> Vec<String> {
    highlighted(code, language).unwrap_or_else(|| code.lines().map(esc).collect())
}

fn highlighted(code: &str, language: Language) -> Option<Vec<String>> {
    let config = crate::languages::engine(language).highlighting()?;
    let attributes = attributes();
    HIGHLIGHTER.with(|cell| {
        let mut highlighter = cell.try_borrow_mut().ok()?;
        let events = highlighter
            .highlight(config, code.as_bytes(), None, None, |_| None)
            .ok()?;
        let mut renderer = HtmlRenderer::new();
        let attribute = |h: Highlight, html: &mut Vec<u8>| {
            if let Some(a) = attributes.get(h.0) {
                html.extend_from_slice(a.as_bytes());
            }
        };
        renderer.render(events, code.as_bytes(), &attribute).ok()?;
        Some(
            renderer
                .lines()
                .map(|l| l.trim_end_matches('\n').to_string())
                .collect(),
        )
    })
}

/// A highlighted excerpt with the line numbers of the file (the elision line has none, and
/// the lines after it jump by the elided count) so they match the permalink.
pub(super) fn code_block(
    out: &mut impl Write,
    ex: &Excerpt,
    start: Option<usize>,
) -> io::Result<()> {
    let elision = (ex.elided_lines > 0)
        .then(|| {
            ex.text
                .lines()
                .position(|l| l.trim_start().starts_with("// …"))
        })
        .flatten();
    let class = match ex.language {
        Language::Go => "code",
        Language::Rust => "code rust",
    };
    write!(out, "<pre class=\"{class}\"><code>")?;
    for (k, line) in highlight_lines(&ex.text, ex.language).iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        let number = match (start, elision) {
            (Some(_), Some(e)) if k == e => Some("⋮".to_string()),
            (Some(first), Some(e)) if k > e => Some((first + k - 1 + ex.elided_lines).to_string()),
            (Some(first), _) if ex.elided_lines == 0 || elision.is_some() => {
                Some((first + k).to_string())
            }
            _ => None,
        };
        if let Some(n) = number {
            write!(out, "<span class=\"ln\">{n}</span>")?;
        }
        if elision == Some(k) {
            write!(out, "<span class=\"elision\">{line}</span>")?;
        } else {
            write!(out, "{line}")?;
        }
    }
    writeln!(out, "</code></pre>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_code_gets_the_same_classes_as_go() {
        let lines = highlight_lines(
            "/// Doc.\n#[inline]\npub fn get(&self) -> Option<&K> {\n    self.items.get(\"k\") // hit\n}",
            Language::Rust,
        );
        let html = lines.join("\n");
        for needle in [
            "<span class=\"hl-comment\">/// Doc.</span>",
            "<span class=\"hl-attribute\">#[inline]</span>",
            "<span class=\"hl-keyword\">pub</span> <span class=\"hl-keyword\">fn</span> <span class=\"hl-function\">get</span>",
            "<span class=\"hl-type\">Option</span>&lt;",
            "<span class=\"hl-function-method\">get</span>(<span class=\"hl-string\">&quot;k&quot;</span>)",
            "<span class=\"hl-comment\">// hit</span>",
        ] {
            assert!(html.contains(needle), "no {needle} in {html}");
        }
        assert_eq!(lines.len(), 5, "one string per line: {html}");
    }
}
