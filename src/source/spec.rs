//! What the sources need to know of a repository: its name, where it lives and which source
//! reads it. The mapping's repos convert to this (`mapping::Repo::spec`); `source` knows
//! nothing of the mapping.

/// A repo's `source:`: git, Go modules, or chosen per run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RepoSource {
    #[default]
    Auto,
    Git,
    Modules,
}

/// A repository as the sources see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoSpec {
    /// The name messages and `--mirror NAME=URL` use (`kubernetes`).
    pub name: String,
    /// The clone URL, also the upstream permalinks name.
    pub url: String,
    /// The Go module the repo publishes (no major suffix), if it can be read from modules.
    pub module: Option<String>,
    /// Where the repo is read from.
    pub source: RepoSource,
}
