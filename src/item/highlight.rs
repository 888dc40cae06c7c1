//! Highlighting per language: each engine gives its grammar and query and keeps its one
//! configuration; this file gives the capture names every one of them recognises. Turning highlights into HTML is the renderer's.

use std::sync::OnceLock;

use tree_sitter_highlight::HighlightConfiguration;

/// How a language builds its unconfigured highlighting.
pub type Build = fn() -> Result<HighlightConfiguration, tree_sitter::QueryError>;

/// The capture names the renderers style, shared by every language so that a
/// `Highlight(i)` means `HIGHLIGHT_NAMES[i]` whatever the grammar. A capture such as
/// `function.method` falls back to the longest listed prefix, `comment.documentation` to
/// `comment`; a capture with no listed prefix (Rust's `punctuation.bracket`) is plain.
pub const HIGHLIGHT_NAMES: &[&str] = &[
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

/// A language's configuration, built by `build` on first use and told [`HIGHLIGHT_NAMES`];
/// `None` if its query does not compile (code is then shown plain).
pub fn configured(
    cell: &'static OnceLock<Option<HighlightConfiguration>>,
    build: Build,
) -> Option<&'static HighlightConfiguration> {
    cell.get_or_init(|| {
        let mut config = build().ok()?;
        config.configure(HIGHLIGHT_NAMES);
        Some(config)
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use crate::item::Language;

    #[test]
    fn every_language_has_a_configuration() {
        for language in [Language::Go, Language::Rust] {
            assert!(
                crate::languages::engine(language).highlighting().is_some(),
                "{language:?}"
            );
        }
    }
}
