use std::io::Write as _;

use clap::{Args, Subcommand};
use k8s_study::Error;
use k8s_study::error::exit;

use super::{Context, OutputArgs};

/// What is cached, and removing it.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study cache list
  k8s-study cache clean client-go
  k8s-study cache clean            every cached repository")]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Cached repositories with their trusted tags and size on disk.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Remove a repo's cache (by mapping name), or all of them.
    Clean { repo: Option<String> },
}

pub fn run(cx: &Context, args: &CacheArgs) -> Result<u8, Error> {
    let mut out = std::io::stdout().lock();
    match &args.action {
        CacheAction::List { output } => {
            let mut repos = cx.sources.cached()?;
            let mapped: Vec<_> = cx
                .mapping
                .repos
                .values()
                .map(k8s_study::mapping::Repo::spec)
                .collect();
            let modules = cx.sources.cached_modules(&mapped);
            let modcache = cx.sources.go_env().modcache.clone();
            if output.json() {
                repos.extend(modules);
                serde_json::to_writer_pretty(&mut out, &repos).map_err(std::io::Error::from)?;
                writeln!(out)?;
            } else {
                writeln!(out, "cache: {}", cx.sources.root().display())?;
                write_rows(&mut out, &repos, "(empty)")?;
                writeln!(
                    out,
                    "Go module cache: {} (the go command's; `go clean -modcache` empties it)",
                    modcache.display()
                )?;
                write_rows(&mut out, &modules, "(no module of the mapping)")?;
            }
        }
        CacheAction::Clean { repo } => {
            let removed = match repo {
                Some(name) => cx.sources.clean(Some(&cx.repo(name)?.spec()))?,
                None => cx.sources.clean(None)?,
            };
            writeln!(
                out,
                "removed {removed} cached repositor{}",
                if removed == 1 { "y" } else { "ies" }
            )?;
        }
    }
    Ok(exit::OK)
}

fn write_rows(
    out: &mut impl std::io::Write,
    rows: &[k8s_study::source::CachedRepo],
    empty: &str,
) -> std::io::Result<()> {
    if rows.is_empty() {
        writeln!(out, "  {empty}")?;
    }
    for r in rows {
        writeln!(
            out,
            "  {:<45} {:>9}  {}",
            r.key,
            human(r.bytes),
            r.versions.join(", ")
        )?;
    }
    Ok(())
}

#[allow(clippy::cast_precision_loss)] // sizes are shown to one decimal
fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
