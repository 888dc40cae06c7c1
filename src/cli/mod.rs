//! Command-line definition (clap derive) and dispatch. No logic lives here: each
//! subcommand turns its arguments into library calls and prints what comes back.

mod args;
mod bump;
mod cache;
mod check;
mod config;
mod diff;
mod draft;
mod fetch;
mod find;
mod find_names;
mod guide;
mod lookup;
mod matrix;
mod mcp;
mod messages;
mod meta;
mod output;
mod resolve;
mod stats;

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use k8s_study::Error;
use k8s_study::mapping::{self, Mapping};
use k8s_study::source::url::Redirects;

pub use args::{AtArgs, Format, GlobalArgs, MappingArgs, OutputArgs, SymbolRepoArgs};
use k8s_study::source::Sources;

const EXAMPLES: &str = "\
Examples:
  k8s-study fetch                          fill the cache with every repo at its pin
  k8s-study find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne
  k8s-study resolve informer-zhonglinzhang  every step of one article
  k8s-study check --repo kubernetes         does every step still resolve?
  k8s-study bump --to v1.32.3               how does the mapping fare at Kubernetes v1.32.3?
  k8s-study diff k8s.io/client-go/util/workqueue.Type.Get --from v0.20.2 --to v0.32.3 --repo client-go
  K8S_STUDY_MIRROR=file:///srv/mirrors k8s-study check   read from local git mirrors
  k8s-study find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne --at v1.37.2 --source modules
                                           read a release from your Go module cache (go mod download)
  k8s-study mcp                            serve the same answers to an assistant (MCP, stdio)
  k8s-study --mapping my-post.yaml check   your own article, on top of the built-in mapping
  k8s-study draft saved-post.html -o my-post.yaml   draft that mapping from the post itself

Exit codes: 0 ok, 1 something missing or ambiguous, 2 usage, mapping or infrastructure error.";

#[derive(Debug, Parser)]
#[command(name = "k8s-study", version, about = "Annotated reading paths through the Kubernetes source", after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a command: a short orientation.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Fetch(fetch::FetchArgs),
    Find(find::FindArgs),
    Resolve(resolve::ResolveArgs),
    Check(check::CheckArgs),
    Bump(bump::BumpArgs),
    Diff(diff::DiffArgs),
    Guide(guide::GuideArgs),
    Lookup(lookup::LookupArgs),
    Cache(cache::CacheArgs),
    Mcp(mcp::McpArgs),
    Draft(draft::DraftArgs),
    Completions(meta::CompletionsArgs),
    /// Print the man page (roff) generated from this command line.
    #[command(after_help = "Examples:\n  k8s-study man > k8s-study.1 && man ./k8s-study.1")]
    Man,
    Stats(stats::StatsArgs),
    Matrix(matrix::MatrixArgs),
    /// Print the tree-sitter-go syntax tree of a local Go file (for query authors).
    #[command(hide = true)]
    DebugTree {
        file: PathBuf,
    },
}

/// What every subcommand needs: the mapping and the sources.
pub struct Context {
    pub mapping: Mapping,
    pub sources: Sources,
    /// The user's mapping files and folders (`--mapping`, `K8S_STUDY_MAPPING`, the config
    /// file): what `bump --write` may edit.
    pub mapping_paths: Vec<PathBuf>,
    /// Progress bars may be drawn (stderr is a terminal, no `-q`).
    pub progress: bool,
}

fn redirects(global: &GlobalArgs) -> Redirects {
    Redirects {
        per_repo: global.mirror.iter().cloned().collect(),
        base: global.mirror_base.clone().filter(|b| !b.is_empty()),
    }
}

impl Context {
    fn new(global: &GlobalArgs) -> Result<Self, Error> {
        Self::with_selection(global, config::selection(&global.mappings)?)
    }

    /// A context whose mapping holds the repos but no article: for commands that read code
    /// only, so they do not parse every article first.
    fn for_code(global: &GlobalArgs) -> Result<Self, Error> {
        let mut selection = config::selection(&global.mappings)?;
        selection.repos_only = true;
        Self::with_selection(global, selection)
    }

    fn with_selection(global: &GlobalArgs, selection: mapping::Selection) -> Result<Self, Error> {
        let progress = !global.quiet && std::io::stderr().is_terminal();
        let sources = Sources::new(global.cache.clone(), redirects(global), progress);
        // The mapping is remembered beside an index once there is one (a run that only
        // fetches or lists the cache leaves nothing behind); its problems come before the
        // cache's.
        let memo = sources
            .as_ref()
            .ok()
            .and_then(Sources::index_root)
            .map(|root| k8s_study::golang::index::folder_in(&root))
            .filter(|folder| folder.is_dir());
        let mapping = mapping::load_remembered(&selection, memo.as_deref())?;
        for name in global.mirror.iter().map(|(n, _)| n) {
            if mapping.repo(name).is_none() {
                return Err(unknown_repo(&mapping, name));
            }
        }
        if let Some(base) = global.mirror_base.as_ref().filter(|b| !b.is_empty()) {
            k8s_study::source::url::check_url(base)
                .map_err(k8s_study::source::SourceError::from)?;
        }
        let sources = sources?.verbose(global.verbose).mode(global.source.into());
        Ok(Self {
            mapping,
            sources,
            mapping_paths: selection.paths,
            progress,
        })
    }

    /// A bar over files read (`LABEL [====>   ] n/m files`) when progress may be drawn,
    /// else a hidden one.
    fn file_progress(&self, label: &str) -> indicatif::ProgressBar {
        if !self.progress {
            return indicatif::ProgressBar::hidden();
        }
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{label} [{{bar:30}}] {{pos}}/{{len}} files"
            ))
            .expect("a valid template")
            .progress_chars("=> "),
        )
    }

    fn repo(&self, name: &str) -> Result<&mapping::Repo, Error> {
        self.mapping
            .repo(name)
            .ok_or_else(|| unknown_repo(&self.mapping, name))
    }
}

fn unknown_repo(mapping: &Mapping, name: &str) -> Error {
    let known: Vec<&str> = mapping.repos.keys().map(String::as_str).collect();
    Error::usage(
        format!("unknown repo `{name}`"),
        Some(format!("repos in the mapping: {}", known.join(", "))),
    )
}

pub fn run(cli: &Cli) -> Result<u8, Error> {
    let cx = || Context::new(&cli.global);
    let Some(command) = &cli.command else {
        return meta::orientation(&cx()?.mapping);
    };
    match command {
        Command::Cache(args) => cache::run(&cx()?, args),
        Command::Mcp(args) => mcp::run(cx()?, args),
        Command::Draft(args) => draft::run(&cx()?, args),
        Command::Completions(args) => meta::completions(args),
        Command::Man => meta::man(),
        Command::Fetch(args) => fetch::run(&cx()?, args),
        Command::Find(args) => find::run(&Context::for_code(&cli.global)?, args),
        Command::Resolve(args) => resolve::run(&cx()?, args),
        Command::Check(args) => check::run(&cx()?, args),
        Command::Bump(args) => bump::run(&cx()?, args),
        Command::Diff(args) => diff::run(&cx()?, args),
        Command::Guide(args) => guide::run(&cx()?, args),
        Command::Lookup(args) => lookup::run(&cx()?, args),
        Command::Stats(args) => stats::run(&cx()?, args),
        Command::Matrix(args) => matrix::run(&cx()?, args),
        Command::DebugTree { file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}", file.display()), None))?;
            writeln!(
                std::io::stdout().lock(),
                "{}",
                k8s_study::golang::syntax_tree(&bytes)
            )?;
            Ok(k8s_study::error::exit::OK)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn accepted_and_rejected_command_lines() {
        let ok: &[&[&str]] = &[
            &["k8s-study"],
            &["k8s-study", "fetch"],
            &["k8s-study", "completions", "zsh"],
            &["k8s-study", "cache", "clean", "client-go"],
            &["k8s-study", "fetch", "kubernetes@v1.20.2", "client-go"],
            &[
                "k8s-study",
                "find",
                "k8s.io/x.F",
                "--repo",
                "client-go",
                "--at",
                "v0.32.3",
                "--format",
                "json",
            ],
            &["k8s-study", "resolve", "a", "b", "--at", "v1.20.2"],
            &["k8s-study", "bump", "--to", "v1.32.3"],
            &[
                "k8s-study",
                "bump",
                "--to",
                "v0.32.3",
                "--repo",
                "client-go",
                "--format",
                "github",
                "--write",
            ],
            &[
                "k8s-study",
                "diff",
                "k8s.io/client-go/util/workqueue.Type.Add",
                "--from",
                "v0.20.2",
                "--to",
                "v0.32.3",
                "--repo",
                "client-go",
            ],
            &[
                "k8s-study",
                "check",
                "--repo",
                "kubernetes",
                "--repo",
                "client-go",
                "--mirror",
                "kubernetes=file:///m/k",
            ],
        ];
        for args in ok {
            Cli::try_parse_from(*args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        }
        let bad: &[&[&str]] = &[
            &["k8s-study", "find"],
            &["k8s-study", "completions", "tcsh"],
            &["k8s-study", "cache"],
            &["k8s-study", "find", "x", "--format", "yaml"],
            &["k8s-study", "bump"],
            &["k8s-study", "bump", "--to", "v1", "--format", "yaml"],
            &["k8s-study", "diff", "x", "--from", "a"],
            &["k8s-study", "check", "--mirror", "kubernetes"],
            &["k8s-study", "check", "--mirror", "kubernetes=ext::sh -c x"],
        ];
        for args in bad {
            assert!(Cli::try_parse_from(*args).is_err(), "{args:?} was accepted");
        }
    }
}
