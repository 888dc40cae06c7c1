use std::io::Write as _;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::resolve::{Query, Resolution, Resolver, Status};
use k8s_study::rustlang::{self, RustPath};
use k8s_study::symbol::Symbol;

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

SYMBOL is <import path>.<Name> or <import path>.<Receiver>.<Method> (receiver without * or type parameters).
A SYMBOL with `::` is a Rust path: <crate>::<module>::<Item>, <...>::<Type>::<method> or <...>::<Trait>::<method>.")]
pub struct FindArgs {
    pub symbol: String,
    #[command(flatten)]
    pub repo: SymbolRepoArgs,
    /// Version (tag) to search [default: the repo's pin].
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(cx: &Context, args: &FindArgs) -> Result<u8, Error> {
    let r = if rustlang::is_rust_path(&args.symbol) {
        find_rust(cx, args)?
    } else {
        find_go(cx, args)?
    };
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

pub fn find_go(cx: &Context, args: &FindArgs) -> Result<Resolution, Error> {
    let symbol = Symbol::parse(&args.symbol).map_err(|e| {
        Error::usage(
            format!("malformed symbol `{}`: {e}", args.symbol),
            Some("example: k8s.io/client-go/tools/cache.sharedIndexInformer.Run".to_string()),
        )
    })?;
    let repo = cx.repo(args.repo.name(false))?;
    let version = args.at.clone().unwrap_or_else(|| repo.pin.clone());
    let snapshot = cx.sources.snapshot(repo, &version)?;
    let resolver = Resolver::new(&snapshot, repo.module.as_deref())?;
    Ok(resolver
        .resolve(&[Query {
            symbol: &symbol,
            file_hint: None,
        }])?
        .remove(0))
}

/// Rust paths are resolved with syn in the repo's crates (kube-rs by default).
pub fn find_rust(cx: &Context, args: &FindArgs) -> Result<Resolution, Error> {
    RustPath::parse(&args.symbol).map_err(|e| {
        Error::usage(
            format!("malformed Rust path `{}`: {e}", args.symbol),
            Some("example: kube_runtime::reflector::store::Store::get".to_string()),
        )
    })?;
    let repo = cx.repo(args.repo.name(true))?;
    let version = args.at.clone().unwrap_or_else(|| repo.pin.clone());
    let snapshot = cx.sources.snapshot(repo, &version)?;
    Ok(rustlang::resolve(&snapshot, &[(&args.symbol, None)])?.remove(0))
}
