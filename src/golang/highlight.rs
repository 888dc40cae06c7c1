//! Go's grammar and highlights query for `tree-sitter-highlight`; the capture vocabulary and
//! the capture names and the cache are the Go engine's (see [`crate::item::configured`]).

use tree_sitter_highlight::HighlightConfiguration;

/// tree-sitter-highlight 0.27 lets the *last* pattern matching a node win, but
/// tree-sitter-go's query is written for first-wins: its catch-all `@property` and
/// `@variable` patterns come after the call and definition patterns and would hide every
/// function name. Moving the catch-alls to the front restores the intended colours.
fn highlights_query() -> String {
    const CATCH_ALL: [&str; 3] = [
        "(type_identifier) @type",
        "(field_identifier) @property",
        "(identifier) @variable",
    ];
    let mut rest = tree_sitter_go::HIGHLIGHTS_QUERY.to_string();
    for pattern in CATCH_ALL {
        rest = rest.replacen(pattern, "", 1);
    }
    format!("{}\n{rest}", CATCH_ALL.join("\n"))
}

/// Go's highlight configuration, not yet told which capture names to recognise.
pub fn configuration() -> Result<HighlightConfiguration, tree_sitter::QueryError> {
    HighlightConfiguration::new(
        tree_sitter_go::LANGUAGE.into(),
        "go",
        &highlights_query(),
        "",
        "",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reordered_query_compiles_with_every_catch_all_moved() {
        let query = highlights_query();
        assert!(configuration().is_ok());
        assert_eq!(query.matches("(identifier) @variable").count(), 1);
        assert!(query.starts_with("(type_identifier) @type\n"));
    }
}
