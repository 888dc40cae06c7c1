//! The seam every language implements.
//!
//! A third language is one module that implements [`Engine`] (with its grammar and queries in
//! that module), plus one arm in [`super::Language`] and one in `crate::languages::engine`.
//! Everything past resolution (drift, guide, renderers, CLI) reads the neutral model.

use indicatif::ProgressBar;

use super::{CallEdge, Caller, ItemRef, Leads, Missing, Resolution};
use crate::source::{Snapshot, SourceError};

/// One item to look up, with the mapping's file hint if any.
#[derive(Clone, Copy, Debug)]
pub struct Query<'a> {
    pub item: &'a ItemRef,
    pub file_hint: Option<&'a str>,
}

/// What a language does for the rest of the tool.
pub trait Engine: Sync {
    /// The mapping's spelling of an item, parsed into its parts, or why it is malformed.
    ///
    /// # Errors
    /// A text that is not an item of this language, with what is wrong.
    fn parse(&self, text: &str) -> Result<ItemRef, String>;

    /// Where each queried item is in `snapshot`, in query order. Only reading errors are
    /// errors: a missing or ambiguous item is a resolution with a reason.
    ///
    /// `root_module`: the import path of a tree without its own manifest (Go before modules).
    ///
    /// # Errors
    /// When the snapshot cannot be read.
    fn resolve(
        &self,
        snapshot: &Snapshot,
        root_module: Option<&str>,
        queries: &[Query<'_>],
    ) -> Result<Vec<Resolution>, SourceError>;

    /// For each item found at `old` and missing at `new`, where it may have gone: its old
    /// package's declarations at `new`, and what else the language's search turned up.
    /// Drift scores and classifies them; the language only finds them.
    ///
    /// # Errors
    /// When a snapshot cannot be read.
    fn leads(
        &self,
        old: &Snapshot,
        new: &Snapshot,
        root_module: Option<&str>,
        missing: &[Missing<'_>],
        progress: &ProgressBar,
    ) -> Result<Vec<Leads>, SourceError>;

    /// A signature with what does not change the API taken out (parameter names, spacing):
    /// two signatures with the same key are the same API.
    fn signature_key(&self, signature: &str) -> String;

    /// What each caller's body calls, and the functions it passes as values, resolved by
    /// type from what the tree declares; calls it cannot resolve are left out rather than
    /// guessed. An interface method's edge lists the `dispatch_candidates` that implement the
    /// interface. A language without call resolution returns no edges.
    ///
    /// # Errors
    /// When the snapshot cannot be read.
    fn calls(
        &self,
        snapshot: &Snapshot,
        root_module: Option<&str>,
        callers: &[Caller<'_>],
        dispatch_candidates: &[ItemRef],
    ) -> Result<Vec<Vec<CallEdge>>, SourceError> {
        let _ = (snapshot, root_module, dispatch_candidates);
        Ok(vec![Vec::new(); callers.len()])
    }

    /// Its grammar and highlights query, configured with
    /// [`HIGHLIGHT_NAMES`](super::HIGHLIGHT_NAMES) (see [`super::configured`]); `None` shows
    /// its code plain.
    fn highlighting(&self) -> Option<&'static tree_sitter_highlight::HighlightConfiguration>;
}
