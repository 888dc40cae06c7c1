//! The languages the tool reads, each behind the one [`Engine`] seam.
//!
//! Adding a language: a module implementing [`Engine`] (grammar, queries and naming live
//! there), an arm in [`Language`], and an arm here.

use crate::item::{Engine, Language};

/// The engine that reads `lang` code.
pub fn engine(lang: Language) -> &'static dyn Engine {
    match lang {
        Language::Go => &crate::golang::Go,
        Language::Rust => &crate::rustlang::Rust,
    }
}

/// `text` read as a `lang` item; the error says what is wrong, and names the language that
/// would read it when another one does (a Rust path in a repo without `lang: rust`).
///
/// # Errors
/// `malformed Go symbol `...`: why`.
pub fn parse(lang: Language, text: &str) -> Result<crate::item::ItemRef, String> {
    engine(lang).parse(text).map_err(|e| {
        let other = [Language::Go, Language::Rust]
            .into_iter()
            .find(|&l| l != lang && engine(l).parse(text).is_ok());
        let hint = other.map_or_else(String::new, |l| {
            format!(
                " (it reads as a {} symbol: is the repo's `lang: {}` missing?)",
                l.name(),
                l.key()
            )
        });
        format!("malformed {} symbol `{text}`: {e}{hint}", lang.name())
    })
}
