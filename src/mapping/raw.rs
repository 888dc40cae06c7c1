//! The mapping files exactly as written: serde structs with source positions.
//!
//! Every struct denies unknown keys, so a typo is an error with a position rather than a
//! silently ignored field. [`super::validate`] turns these into the checked model.
//!
//! The same structs derive `JsonSchema` (see [`super::json_schema`]), so editors complete and
//! check mapping files against exactly what this loader reads. `Spanned` has no schema of its
//! own: each such field names the plain type it stands for, and its doc comment becomes the
//! `description` editors show. Value rules the loader checks later (kinds, id spelling, the
//! schema version) are repeated as `enum`, `pattern` and `const` where that helps completion.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// One file of `mappings/`: repos, components and articles, merged with the other files.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "k8s-study mapping file (schema 1)")]
pub struct File {
    /// Mapping schema version; required in every file. This build reads schema 1.
    #[schemars(with = "u32", extend("const" = 1))]
    pub schema: Spanned<u32>,
    /// Upstream repositories by GitHub name, each pinned where the reading paths were written.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, Repo>",
        extend("propertyNames" = {"pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*$"})
    )]
    pub repos: BTreeMap<String, Spanned<Repo>>,
    /// The fixed component vocabulary articles pick from: name (lowercase letters, digits,
    /// `-`) to a one-line description.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, String>",
        extend("propertyNames" = {"pattern": "^[a-z0-9][a-z0-9-]*$"})
    )]
    pub components: BTreeMap<String, Spanned<String>>,
    /// Entries of the reading list, in reading order within the file.
    #[serde(default)]
    pub articles: Vec<Article>,
}

/// An upstream repository and the version its reading paths are checked against.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repo {
    /// Clone URL (https, http, ssh, git or file); `--mirror` can redirect it.
    #[schemars(with = "String")]
    pub url: Spanned<String>,
    /// A tag (e.g. `v1.20.2`), or a full 40-hex commit id for repositories without release
    /// tags.
    #[schemars(with = "String")]
    pub pin: Spanned<String>,
    /// The Go module the repository publishes (its root go.mod's `module`, without a major
    /// version suffix: `sigs.k8s.io/kubebuilder`, not `.../v3`). With it the repo can be read
    /// from Go modules; for GOPATH-era code without a go.mod it is also the root's import path.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub module: Option<Spanned<String>>,
    /// Where the repo is read from: `git` (the git cache or a mirror), `modules` (Go modules),
    /// or `auto` (the default: git when a mirror is configured for it, else Go modules when it
    /// has a `module`, else git).
    #[serde(default)]
    #[schemars(
        with = "Option<RepoSourceName>",
        skip_serializing_if = "Option::is_none"
    )]
    pub source: Option<Spanned<String>>,
    /// The language of the repo's code: `go` (the default) or `rust` (kube-rs). It says how
    /// the repo's symbols are spelled and read.
    #[serde(default)]
    #[schemars(with = "Option<LangName>", skip_serializing_if = "Option::is_none")]
    pub lang: Option<Spanned<String>>,
}

/// A step whose code no longer exists at the pin.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gone {
    /// The first release without it (`v1.24`), in the repo's own numbering.
    #[schemars(with = "String")]
    pub since: Spanned<String>,
    /// What took its place at the pin, if anything: one symbol in the repo's language.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub successor: Option<Spanned<String>>,
}

/// The values of a repo's `lang`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // a schema only
pub enum LangName {
    Go,
    Rust,
}

/// The values of a repo's `source`.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // a schema only
pub enum RepoSourceName {
    Auto,
    Git,
    Modules,
}

/// One entry of the reading list: an article, a series or a no-code walkthrough.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// Lowercase letters, digits and `-`; unique across all mapping files.
    #[schemars(with = "String", extend("pattern" = "^[a-z0-9][a-z0-9-]*$"))]
    pub id: Spanned<String>,
    /// The article's title as published.
    #[schemars(with = "String", extend("minLength" = 1))]
    pub title: Spanned<String>,
    /// The article's address (http or https).
    #[schemars(with = "String", extend("pattern" = "^https?://"))]
    pub url: Spanned<String>,
    /// Other addresses of the same work: a moved repo, a repost, a video.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub alt_urls: Vec<Spanned<String>>,
    /// Who wrote it, as credited. Required in the built-in mapping and with `--strict`.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("minLength" = 1))]
    pub author: Option<Spanned<String>>,
    /// `article` (default): one post read step by step; `series`: a column, book or repository
    /// of many parts; `no-code`: a build, install or debug walkthrough with no Go code to read.
    #[serde(default)]
    #[schemars(
        with = "String",
        skip_serializing_if = "Option::is_none",
        extend("enum" = ["article", "series", "no-code"], "default" = "article")
    )]
    pub kind: Option<Spanned<String>>,
    /// The version the article reads, in its repo's own numbering: a Kubernetes release for
    /// `kubernetes` and its staging repos (`v1.13`, `v1.13.4`), the project's own tag for
    /// others (controller-runtime `v0.5`). A bare minor means its newest patch that is served.
    /// A repo without release tags names the full commit id the article reads.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub written_for: Option<Spanned<String>>,
    /// How `written_for` is known: `stated` (the text names the version) or `dated` (the
    /// release current at the post's date). Required with `written_for`.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        skip_serializing_if = "Option::is_none",
        extend("enum" = ["stated", "dated"])
    )]
    pub era: Option<Spanned<String>>,
    /// Whether we read the article's text (or a faithful repost). `true` needs `evidence`;
    /// `false` needs `source: inferred`. Required in the built-in mapping and with
    /// `--strict`; a user's own article is taken as found.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub found: Option<Spanned<bool>>,
    /// Where we read the article's text; required when `found: true`.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Spanned<String>>,
    /// Required when `found: false`: `inferred`, the path follows the code, not the text.
    #[serde(default)]
    #[schemars(
        with = "String",
        skip_serializing_if = "Option::is_none",
        extend("enum" = ["inferred"])
    )]
    pub source: Option<Spanned<String>>,
    /// Why there is no Go code to read; required for `kind: no-code`.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub reason: Option<Spanned<String>>,
    /// `no-code` only: the build commands the walkthrough runs (not Go symbols), e.g.
    /// `make WHAT=cmd/kube-apiserver`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub entry_points: Vec<Spanned<String>>,
    /// Ids of related entries: parts of a series, companion posts.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub related: Vec<Spanned<String>>,
    /// Names from `components` (in any mapping file) that the article covers; at least one
    /// in the built-in mapping and with `--strict`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub components: Option<Spanned<Vec<Spanned<String>>>>,
    /// Name of the repo (from `repos`) whose code the steps read.
    #[schemars(with = "String")]
    pub repo: Spanned<String>,
    /// The Go symbols to read, in the order the article reads them: 3 to 12 for an `article`
    /// of the built-in mapping (1 to 12 in a user's file, unless `--strict`); up to 12 for a
    /// `series` (none if it lists `related` parts).
    #[schemars(with = "Vec<Step>")]
    pub steps: Spanned<Vec<Step>>,
}

/// One stop on a reading path: a Go symbol at the pin and our notes on it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `<import path>.<Name>` for funcs, types, consts and vars; `<import path>.<Receiver>.<Method>`
    /// for methods, without `*` or type parameters on the receiver.
    #[schemars(with = "String")]
    pub symbol: Spanned<String>,
    /// Optional hint: the file defining the symbol, relative to the repository root.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub file: Option<Spanned<String>>,
    /// The article-era name when the symbol was renamed or moved since: exactly one symbol, in
    /// the repo's language, that resolves at the article's `written_for` version. A
    /// substitution that is not a rename belongs in the note.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub was: Option<Spanned<String>>,
    /// The step's code is gone at the pin: `symbol` is then the name it had when it went
    /// (`was` the article-era name when that differs), and this says since when it is gone
    /// and what took its place.
    #[serde(default)]
    #[schemars(skip_serializing_if = "Option::is_none")]
    pub gone: Option<Gone>,
    /// Left by `bump --write` when a person must look at this step after a version bump
    /// (signature changed, ambiguous, removed): why. Delete it once the step is checked.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub review: Option<Spanned<String>>,
    /// Our own words in English: why the reader stops here, what to look for.
    #[schemars(with = "String", extend("minLength" = 1))]
    pub note: Spanned<String>,
    /// The same note in Chinese. Required in the built-in mapping and with `--strict`;
    /// without it Chinese guides show `note`.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("minLength" = 1))]
    pub note_zh: Option<Spanned<String>>,
    /// The kube-rs item that plays this step's role, for readers who build controllers in
    /// Rust.
    #[serde(default)]
    #[schemars(skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<Counterpart>,
}

/// A Rust item beside a Go step: where the same idea lives in kube-rs, and how it differs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Counterpart {
    /// The item by crate path where it is defined: `kube_runtime::reflector::store::Store::get`
    /// (`Type::method` for inherent and trait-impl methods, `Trait::method` for trait-declared
    /// ones; re-exported paths also resolve).
    #[schemars(with = "String", extend("pattern" = "^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+$"))]
    pub symbol: Spanned<String>,
    /// The repo (from `repos`) holding the item; `kube` when omitted.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub repo: Option<Spanned<String>>,
    /// Optional hint: the file defining the item, relative to the repository root.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub file: Option<Spanned<String>>,
    /// Our own words in English: what the Rust item does here and how the designs differ.
    #[schemars(with = "String", extend("minLength" = 1))]
    pub note: Spanned<String>,
    /// The same note in Chinese. Required in the built-in mapping and with `--strict`;
    /// without it Chinese guides show `note`.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("minLength" = 1))]
    pub note_zh: Option<Spanned<String>>,
    /// Left by `bump --write` when a person must look at the counterpart again.
    #[serde(default)]
    #[schemars(with = "Option<String>", skip_serializing_if = "Option::is_none")]
    pub review: Option<Spanned<String>>,
}
