//! Command-line definition (clap derive) and dispatch. No logic lives here: each
//! subcommand turns its arguments into library calls and prints what comes back.

mod bump;
mod cache;
mod check;
mod config;
mod diff;
mod draft;
mod fetch;
mod find;
mod guide;
mod lookup;
mod mcp;
mod meta;
mod output;
mod resolve;
mod stats;

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use k8s_study::Error;
use k8s_study::mapping::{self, Mapping};
use k8s_study::source::url::Redirects;
use k8s_study::source::{SourceMode, Sources};

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
    /// Print the tree-sitter-go syntax tree of a local Go file (for query authors).
    #[command(hide = true)]
    DebugTree {
        file: PathBuf,
    },
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
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

impl Context {
    fn new(global: &GlobalArgs) -> Result<Self, Error> {
        let selection = config::selection(&global.mappings)?;
        let mapping = mapping::load(&selection)?;
        for name in global.mirror.iter().map(|(n, _)| n) {
            if mapping.repo(name).is_none() {
                return Err(unknown_repo(&mapping, name));
            }
        }
        let redirects = Redirects {
            per_repo: global.mirror.iter().cloned().collect(),
            base: global.mirror_base.clone().filter(|b| !b.is_empty()),
        };
        if let Some(base) = &redirects.base {
            k8s_study::source::url::check_url(base)
                .map_err(k8s_study::source::SourceError::from)?;
        }
        let progress = !global.quiet && std::io::stderr().is_terminal();
        let sources = Sources::new(global.cache.clone(), redirects, progress)?
            .verbose(global.verbose)
            .mode(global.source.into());
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

/// After a command has shown what it could: every repo that could not be read is an error
/// line, and the last one is the command's error (exit 2), as `fetch` does.
fn fail_last(failed: Vec<(String, k8s_study::source::SourceError)>) -> Result<(), Error> {
    let mut errors: Vec<Error> = failed.into_iter().map(|(_, e)| e.into()).collect();
    let Some(last) = errors.pop() else {
        return Ok(());
    };
    for e in errors {
        eprintln!("error: {e}");
        if let Some(help) = e.help() {
            eprintln!("help: {help}");
        }
    }
    Err(last)
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
        Command::Find(args) => find::run(&cx()?, args),
        Command::Resolve(args) => resolve::run(&cx()?, args),
        Command::Check(args) => check::run(&cx()?, args),
        Command::Bump(args) => bump::run(&cx()?, args),
        Command::Diff(args) => diff::run(&cx()?, args),
        Command::Guide(args) => guide::run(&cx()?, args),
        Command::Lookup(args) => lookup::run(&cx()?, args),
        Command::Stats(args) => stats::run(&cx()?, args),
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
