//! Argument groups shared by several subcommands, flattened into their `XxxArgs` with
//! `#[command(flatten)]` (as ast-grep's `utils/args.rs`): the global flags, the mapping files,
//! `--format text|json`, `--at` and the repo of one symbol.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use k8s_study::source::SourceMode;

#[derive(Debug, Args)]
pub struct GlobalArgs {
    #[command(flatten)]
    pub mappings: MappingArgs,
    /// Cache folder for fetched repositories [default: the user cache dir, e.g. ~/.cache/k8s-study].
    #[arg(long, global = true, value_name = "DIR", env = "K8S_STUDY_CACHE")]
    pub cache: Option<PathBuf>,
    /// Fetch repo NAME from URL instead of its upstream (repeatable).
    #[arg(long, global = true, value_name = "NAME=URL", value_parser = parse_mirror)]
    pub mirror: Vec<(String, String)>,
    /// Base URL replacing `https://github.com/` in every upstream (owner/name[.git] under it).
    #[arg(long, global = true, value_name = "BASE", env = "K8S_STUDY_MIRROR")]
    pub mirror_base: Option<String>,
    /// Where repos that publish a Go module are read from: `auto` (git when a mirror is
    /// configured for the repo, else Go modules), `git`, or `modules` (your Go module cache,
    /// filled by your own `go mod download`).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t,
        env = "K8S_STUDY_SOURCE"
    )]
    pub source: SourceArg,
    /// No progress bars or chatter on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say on stderr where each tree comes from (cache, mirror, upstream) and how long it took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// Which mapping files are read (docs/mapping.md, "Your own article").
#[derive(Debug, Args)]
pub struct MappingArgs {
    /// Your own mapping file, or folder of *.yaml, read on top of the built-in mapping
    /// (repeatable; `K8S_STUDY_MAPPING` holds a path list; a config file may name more).
    #[arg(long, global = true, value_name = "PATH")]
    pub mapping: Vec<PathBuf>,
    /// Leave the built-in mapping out: only --mapping files are read.
    #[arg(long, global = true, env = "K8S_STUDY_NO_BUILTIN", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_builtin: bool,
    /// Hold your mapping files to the rules of the built-in list (found/evidence/source,
    /// author, components, `note_zh`, 3 to 12 steps).
    #[arg(long, global = true, env = "K8S_STUDY_STRICT", value_parser = clap::builder::BoolishValueParser::new())]
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    #[default]
    Auto,
    Git,
    Modules,
}

impl From<SourceArg> for SourceMode {
    fn from(a: SourceArg) -> Self {
        match a {
            SourceArg::Auto => SourceMode::Auto,
            SourceArg::Git => SourceMode::Git,
            SourceArg::Modules => SourceMode::Modules,
        }
    }
}

fn parse_mirror(s: &str) -> Result<(String, String), String> {
    let (name, url) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=URL, got `{s}`"))?;
    if name.is_empty() || url.is_empty() {
        return Err(format!("expected NAME=URL, got `{s}`"));
    }
    k8s_study::source::url::check_url(url).map_err(|e| e.to_string())?;
    Ok((name.to_string(), url.to_string()))
}

/// Text for people, JSON for programs: the output of most subcommands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// `--format text|json`.
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl OutputArgs {
    pub fn json(self) -> bool {
        self.format == Format::Json
    }
}

/// `--at`: one version for every repo read, instead of each repo's pin.
#[derive(Clone, Debug, Default, Args)]
pub struct AtArgs {
    /// Read at this version (tag) instead of each repo's pin.
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
}

impl AtArgs {
    pub fn at(&self) -> Option<&str> {
        self.at.as_deref()
    }
}

/// `--repo` of a command about one symbol (`find`, `diff`).
#[derive(Clone, Debug, Default, Args)]
pub struct SymbolRepoArgs {
    /// Repo holding the symbol [default: kubernetes, which holds staging and vendor/ too; for
    /// a symbol only another language reads (a Rust path), the first repo of that language].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,
}
