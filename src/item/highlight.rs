//! Highlighting per language: each language module gives its grammar and query, this file
//! gives the capture names every one of them recognises and keeps one configuration per
//! language for the whole run. Turning highlights into HTML is the renderer's.

use std::sync::OnceLock;

use tree_sitter_highlight::HighlightConfiguration;

use super::Language;

type Build = fn() -> Result<HighlightConfiguration, tree_sitter::QueryError>;

impl Language {
    /// The capture names the renderers style, shared by every language so that a
    /// `Highlight(i)` means `HIGHLIGHT_NAMES[i]` whatever the grammar. A capture such as
    /// `function.method` falls back to the longest listed prefix, `comment.documentation` to
    /// `comment`; a capture with no listed prefix (Rust's `punctuation.bracket`) is plain.
    pub const HIGHLIGHT_NAMES: &'static [&'static str] = &[
        "attribute",
        "comment",
        "constant",
        "constant.builtin",
        "escape",
        "function",
        "function.builtin",
        "function.method",
        "keyword",
        "number",
        "operator",
        "property",
        "string",
        "type",
        "variable",
    ];

    /// The language's highlight configuration, built on first use; `None` if its query
    /// does not compile (code is then shown plain).
    pub fn highlight_config(self) -> Option<&'static HighlightConfiguration> {
        static GO: OnceLock<Option<HighlightConfiguration>> = OnceLock::new();
        static RUST: OnceLock<Option<HighlightConfiguration>> = OnceLock::new();
        let (cell, build): (_, Build) = match self {
            Language::Go => (&GO, crate::golang::highlight::configuration),
            Language::Rust => (&RUST, crate::rustlang::highlight::configuration),
        };
        cell.get_or_init(|| {
            let mut config = build().ok()?;
            config.configure(Self::HIGHLIGHT_NAMES);
            Some(config)
        })
        .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_configuration() {
        for language in [Language::Go, Language::Rust] {
            assert!(language.highlight_config().is_some(), "{language:?}");
        }
    }
}
