//! The language-neutral model of code items: what every language resolves into, and what
//! every command past resolution (drift, guide, the renderers, the CLI) reads.
//!
//! A language plugs in behind [`Language`]; nothing outside its own module knows its syntax.

mod highlight;

use serde::{Deserialize, Serialize};

use crate::source::Snapshot;

mod calls;
mod engine;
mod fill;
mod leads;
mod name;
mod reference;

pub use calls::{CallEdge, Caller, EdgeKind, Gate};
pub use engine::{Engine, Query};
pub use fill::{Hit, Near, Terms, nearness, suggestions};
pub use highlight::{Build, HIGHLIGHT_NAMES, configured};
pub use leads::{Found, Leads, Missing};
pub use name::{QualName, squeeze_spaces};
pub use reference::{ItemRef, stored};

/// The language of a repository's code, as a repo says in the mapping (`lang: go`, the
/// default, or `lang: rust`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Go,
    Rust,
}

impl Language {
    /// As people write it: "Go", "Rust".
    pub fn name(self) -> &'static str {
        match self {
            Language::Go => "Go",
            Language::Rust => "Rust",
        }
    }

    /// As the mapping writes it: `go`, `rust`.
    pub fn key(self) -> &'static str {
        match self {
            Language::Go => "go",
            Language::Rust => "rust",
        }
    }
}

/// What a declaration is. Types are split by their underlying form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Func,
    Method,
    Struct,
    Interface,
    Alias,
    /// A defined type that is neither struct nor interface: `type Phase string`.
    Type,
    InterfaceMethod,
    Const,
    Var,
    /// Rust kinds; Rust structs, fns, methods, type aliases and consts share the ones
    /// above.
    Enum,
    Trait,
    /// A method declared in a trait: `Trait::method`.
    TraitMethod,
    Static,
    /// `macro_rules!`.
    Macro,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Func => "func",
            Kind::Method => "method",
            Kind::Struct => "struct",
            Kind::Interface => "interface",
            Kind::Alias => "alias",
            Kind::Type => "type",
            Kind::InterfaceMethod => "interface-method",
            Kind::Const => "const",
            Kind::Var => "var",
            Kind::Enum => "enum",
            Kind::Trait => "trait",
            Kind::TraitMethod => "trait-method",
            Kind::Static => "static",
            Kind::Macro => "macro",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Found,
    Missing,
    Ambiguous,
}

/// Another declaration worth showing: a build-tag twin, a near name, an ambiguous match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub symbol: String,
    pub file: String,
    pub start_line: usize,
    pub kind: Kind,
}

/// Where a symbol is at one version. Field names are the stable JSON of `find`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Resolution {
    pub symbol: String,
    pub repo: String,
    pub version: String,
    pub commit: String,
    pub status: Status,
    pub file: Option<String>,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
    pub kind: Option<Kind>,
    pub signature: Option<String>,
    pub doc: Option<String>,
    /// Missing: near names in the package. Ambiguous: every match.
    pub candidates: Vec<Candidate>,
    /// Found in several build-constrained files (`_linux.go`, `_windows.go`...): the others.
    pub variants: Vec<Candidate>,
    /// Why a symbol is missing or ambiguous, or a warning (file hint differs, syntax errors).
    pub reason: Option<String>,
    /// The lines on GitHub at this version: the repo's own file, or for a file of a
    /// third-party Go module, that module's repository at its version. `None` off GitHub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
}

impl Resolution {
    /// Set `permalink` from where `snapshot` says the found file is published.
    pub fn link(&mut self, snapshot: &Snapshot) {
        self.permalink = match (&self.file, self.status, self.start_line, self.end_line) {
            (Some(file), Status::Found, Some(start), Some(end)) => snapshot
                .published(file)
                .map(|p| format!("{}/blob/{}/{}#L{start}-L{end}", p.repo, p.rev, p.path)),
            _ => None,
        };
    }
}
