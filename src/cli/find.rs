use std::io::Write as _;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::item::{ItemRef, Language, Query, Resolution, Status};
use k8s_study::languages::engine;
use k8s_study::mapping::Repo;

use super::output::{mark, short_commit, write_detail};
use super::{Context, Format, OutputArgs, SymbolRepoArgs};

/// Locate any Go symbol (or Rust item of kube-rs) in a repo at a version, mapped or not.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne
  k8s-study find k8s.io/client-go/tools/cache.sharedIndexInformer.Run --repo client-go --at v0.32.3
  k8s-study find github.com/spf13/cobra.Command.Execute --format json
  k8s-study find kube_runtime::reflector::store::Store::get --repo kube
  k8s-study find scheduleOne                      by name, across the whole tree
  k8s-study find informer.Run --limit 5           partial, any case, or fuzzy

SYMBOL is spelled in the repo's language (its `lang` in the mapping):
  Go:   <import path>.<Name> or <import path>.<Receiver>.<Method> (receiver without * or type parameters)
  Rust: <crate>::<module>::<Item>, <...>::<Type>::<method> or <...>::<Trait>::<method>
A Go name without an import path (`scheduleOne`, `Scheduler.scheduleOne`, `cache.NewInformer`)
is looked up in the tree's declaration index: exact matches first, then prefix, substring and
fuzzy ones, each with its import path, kind, file:line and signature.")]
pub struct FindArgs {
    pub symbol: String,
    #[command(flatten)]
    pub repo: SymbolRepoArgs,
    /// Version (tag) to search [default: the repo's pin].
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
    /// At most this many matches of a search by name.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(cx: &Context, args: &FindArgs) -> Result<u8, Error> {
    if let Some(repo) = by_name(cx, args)? {
        return super::find_names::run(cx, args, repo);
    }
    let r = find(cx, args)?;
    let mut out = std::io::stdout().lock();
    match args.output.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &r).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            let kind = r
                .kind
                .map(|k| format!(" ({})", k.as_str()))
                .unwrap_or_default();
            writeln!(
                out,
                "{} {}{kind}  [{} {} {}]",
                mark(r.status),
                r.symbol,
                r.repo,
                r.version,
                short_commit(&r.commit)
            )?;
            write_detail(&mut out, &r, "  ")?;
        }
    }
    Ok(if r.status == Status::Found {
        exit::OK
    } else {
        exit::MISSING
    })
}

/// The Go repo to search by name when `args.symbol` is a bare or partial Go name: no import
/// path (no `/`), and not an item another of the mapping's languages reads.
fn by_name<'c>(cx: &'c Context, args: &FindArgs) -> Result<Option<&'c Repo>, Error> {
    if args.symbol.contains('/') || args.symbol.contains("::") || args.symbol.is_empty() {
        return Ok(None);
    }
    let repo = match args.repo.repo.as_deref() {
        Some(name) => cx.repo(name)?,
        None => match cx.mapping.repos.values().find(|r| r.name == "kubernetes") {
            Some(r) => r,
            None => return Ok(None),
        },
    };
    Ok((repo.lang == Language::Go).then_some(repo))
}

/// Where `args.symbol` is, read by the engine of its repo's language.
pub fn find(cx: &Context, args: &FindArgs) -> Result<Resolution, Error> {
    let (repo, item) = repo_and_item(cx, args.repo.repo.as_deref(), &args.symbol)?;
    let version = args.at.clone().unwrap_or_else(|| repo.pin.clone());
    let snapshot = cx.sources.snapshot(&repo.spec(), &version)?;
    Ok(engine(repo.lang)
        .resolve(
            &snapshot,
            repo.module.as_deref(),
            &[Query {
                item: &item,
                file_hint: None,
            }],
        )?
        .remove(0))
}

/// The repo a command reads `text` in, and `text` parsed in its language. Without `--repo`:
/// kubernetes, or, when `text` is not Go but another language's symbol, the first repo of
/// that language (kube for a Rust path).
pub fn repo_and_item<'c>(
    cx: &'c Context,
    repo: Option<&str>,
    text: &str,
) -> Result<(&'c Repo, ItemRef), Error> {
    let repo = if let Some(name) = repo {
        cx.repo(name)?
    } else {
        // kubernetes first, then the other repos: the first whose language reads `text`.
        let mut repos: Vec<&Repo> = cx.mapping.repos.values().collect();
        repos.sort_by_key(|r| r.name != "kubernetes");
        match repos
            .iter()
            .copied()
            .find(|r| engine(r.lang).parse(text).is_ok())
        {
            Some(r) => r,
            None => return Err(unreadable(&repos, text)),
        }
    };
    let item = k8s_study::languages::parse(repo.lang, text)
        .map_err(|e| Error::usage(e, Some(example(repo.lang).to_string())))?;
    Ok((repo, item))
}

/// No language of the mapping's repos reads `text`: what each one says is wrong.
fn unreadable(repos: &[&Repo], text: &str) -> Error {
    let mut langs: Vec<Language> = repos.iter().map(|r| r.lang).collect();
    langs.dedup();
    langs.sort();
    langs.dedup();
    let why: Vec<String> = langs
        .iter()
        .filter_map(|&l| {
            engine(l)
                .parse(text)
                .err()
                .map(|e| format!("as {}: {e}", l.name()))
        })
        .collect();
    Error::usage(
        format!("malformed symbol `{text}`: {}", why.join("; ")),
        Some(
            langs
                .iter()
                .map(|&l| example(l))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    )
}

fn example(lang: Language) -> &'static str {
    match lang {
        Language::Go => "example: k8s.io/client-go/tools/cache.sharedIndexInformer.Run",
        Language::Rust => "example: kube_runtime::reflector::store::Store::get",
    }
}
