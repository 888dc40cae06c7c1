//! Rust's grammar and highlights query for `tree-sitter-highlight`, used for the excerpts of
//! Rust counterparts (items are found with syn; tree-sitter-rust only colours them). The
//! capture vocabulary and the cache are
//! [`crate::item::configured`]'s, through the Rust engine.

use tree_sitter_highlight::HighlightConfiguration;

/// Rust's highlight configuration, not yet told which capture names to recognise.
/// tree-sitter-rust's query already puts its catch-all patterns first, as
/// tree-sitter-highlight 0.27 (last pattern wins) needs, so it is used as shipped.
pub fn configuration() -> Result<HighlightConfiguration, tree_sitter::QueryError> {
    HighlightConfiguration::new(
        tree_sitter_rust::LANGUAGE.into(),
        "rust",
        tree_sitter_rust::HIGHLIGHTS_QUERY,
        "",
        "",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_query_compiles() {
        assert!(super::configuration().is_ok());
    }
}
