//! The mapping: which articles read which Go symbols, in what order, with our notes.
//!
//! `mappings/*.yaml` are loaded and merged into one [`Mapping`]. The files in the repository
//! are embedded in the binary (see `build.rs`) and go through the same loader as a user's
//! `--mapping PATH`, so the built-in mapping is validated exactly like any other.

mod load;
mod raw;
mod remembered;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use load::{Selection, Source, load, load_builtin, load_path, load_remembered, load_sources};

use crate::item::{ItemRef, Language};
pub use crate::source::RepoSource;
use crate::source::RepoSpec;

/// The only schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of a mapping file, generated from the structs the loader parses, so the
/// checked-in `docs/mapping.schema.json` that editors use cannot drift from what is accepted.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(raw::File);
    // `{:#}` is serde_json's pretty printer, infallible for a `Value`.
    format!("{:#}\n", schema.as_value())
}

/// A position in a mapping file, 1-based, as editors show it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in a mapping, at the place it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub origin: Origin,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("cannot read mapping {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no mapping files (*.yaml, *.yml) in {0}")]
    NoFiles(PathBuf),
    #[error("no mapping to read: --no-builtin and no --mapping")]
    Nothing,
    #[error("{} problem(s) in the mapping:\n{}", .0.len(), render_all(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render_all(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Repo {
    pub name: String,
    pub url: String,
    /// A tag, or a full commit id for repositories that have no release tags.
    pub pin: String,
    /// The Go module the repo publishes (no major suffix); for GOPATH-era code without a
    /// go.mod, also the import path of its root.
    pub module: Option<String>,
    /// Where the repo is read from (`source:` in the mapping).
    pub source: RepoSource,
    /// The language of its code (`lang:`), which reads its symbols.
    pub lang: Language,
    /// Where the `pin` value is written (for `bump --write`).
    pub pin_origin: Origin,
}

impl Repo {
    /// What the sources need of this repo.
    pub fn spec(&self) -> RepoSpec {
        RepoSpec {
            name: self.name.clone(),
            url: self.url.clone(),
            module: self.module.clone(),
            source: self.source,
        }
    }
}

/// How an article's era is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EraSource {
    /// The text names the version.
    Stated,
    /// The release current at the post's date.
    Dated,
}

/// A step whose code is gone at the pin.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Gone {
    /// The first release without it.
    pub since: String,
    /// What took its place at the pin.
    #[serde(with = "crate::item::stored::option")]
    pub successor: Option<ItemRef>,
}

/// What an entry of the reading list is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One article, read step by step.
    Article,
    /// A column, book or repository of many parts: a path through its main chapters.
    Series,
    /// A build, install or debug walkthrough with no Go code to read.
    NoCode,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Series => "series",
            Kind::NoCode => "no-code",
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Other addresses of the same work (a moved repo, a repost, a video).
    pub alt_urls: Vec<String>,
    pub author: String,
    pub kind: Kind,
    pub written_for: Option<String>,
    /// How `written_for` is known.
    pub era: Option<EraSource>,
    /// Whether we read the article's text; `false` means the path was inferred from code.
    pub found: bool,
    pub evidence: Option<String>,
    /// Why a `no-code` entry has nothing to read.
    pub reason: Option<String>,
    /// Build commands a no-code walkthrough runs (not Go symbols).
    pub entry_points: Vec<String>,
    pub related: Vec<String>,
    pub components: Vec<String>,
    pub repo: String,
    pub steps: Vec<Step>,
    pub origin: Origin,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Step {
    #[serde(with = "crate::item::stored")]
    pub symbol: ItemRef,
    pub file: Option<String>,
    /// The article-era name, parsed in the repo's language.
    #[serde(with = "crate::item::stored::option")]
    pub was: Option<ItemRef>,
    /// The code is gone at the pin.
    pub gone: Option<Gone>,
    /// Why a person must look at this step again (left by `bump --write`).
    pub review: Option<String>,
    pub note: String,
    pub note_zh: String,
    /// Where the `symbol` value is written, for messages and later rewrites.
    pub origin: Origin,
    /// Where the `file` and `review` values are written, for `bump --write`.
    pub file_origin: Option<Origin>,
    pub review_origin: Option<Origin>,
    /// The kube-rs item that plays the same role, if any.
    pub counterpart: Option<Counterpart>,
}

/// The default repo of a counterpart.
pub const COUNTERPART_REPO: &str = "kube";

/// A Rust item beside a Go step (see the mapping schema).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Counterpart {
    pub repo: String,
    /// In its repo's language: a crate path, `kube_runtime::controller::Controller::run`.
    #[serde(with = "crate::item::stored")]
    pub symbol: ItemRef,
    pub file: Option<String>,
    pub note: String,
    pub note_zh: String,
    pub review: Option<String>,
    /// Where the `symbol`, `file` and `review` values are written.
    pub origin: Origin,
    pub file_origin: Option<Origin>,
    pub review_origin: Option<Origin>,
}

/// The merged, validated mapping.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    /// Names of the files read from the user's paths (not the built-in mapping): the only
    /// ones `bump --write` edits.
    pub own_files: std::collections::BTreeSet<String>,
    pub repos: BTreeMap<String, Repo>,
    pub components: BTreeMap<String, String>,
    /// In file order (files sorted by name), which is reading order within a file.
    pub articles: Vec<Article>,
}

impl Mapping {
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    pub fn repo(&self, name: &str) -> Option<&Repo> {
        self.repos.get(name)
    }
}
