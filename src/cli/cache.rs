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
  k8s-study cache clean            every cached repository and the declaration index
  k8s-study cache clean --index    the declaration index only")]
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
    /// Remove a repo's cache (by mapping name), or all of them and the declaration index.
    Clean {
        repo: Option<String>,
        /// Remove only the declaration index (it is rebuilt on the next run at each tree).
        #[arg(long, conflicts_with = "repo")]
        index: bool,
    },
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
            let index_bytes = cx.sources.index_bytes();
            if output.json() {
                repos.extend(modules);
                if index_bytes > 0 {
                    repos.push(k8s_study::source::CachedRepo {
                        source: "index",
                        key: k8s_study::source::INDEX_DIR.to_string(),
                        path: cx.sources.root().join(k8s_study::source::INDEX_DIR),
                        versions: Vec::new(),
                        bytes: index_bytes,
                    });
                }
                serde_json::to_writer_pretty(&mut out, &repos).map_err(std::io::Error::from)?;
                writeln!(out)?;
            } else {
                writeln!(out, "cache: {}", cx.sources.root().display())?;
                write_rows(&mut out, &repos, "(empty)")?;
                writeln!(
                    out,
                    "  {:<45} {:>9}  (Go declarations, shared by every version)",
                    format!("{}/", k8s_study::source::INDEX_DIR),
                    human(index_bytes)
                )?;
                writeln!(
                    out,
                    "Go module cache: {} (the go command's; `go clean -modcache` empties it)",
                    modcache.display()
                )?;
                write_rows(&mut out, &modules, "(no module of the mapping)")?;
            }
        }
        CacheAction::Clean { index: true, .. } => {
            let removed = cx.sources.clean_index()?;
            writeln!(
                out,
                "{}",
                if removed {
                    "removed the declaration index"
                } else {
                    "no declaration index"
                }
            )?;
        }
        CacheAction::Clean { repo, .. } => {
            let removed = if let Some(name) = repo {
                cx.sources.clean(Some(&cx.repo(name)?.spec()))?
            } else {
                cx.sources.clean_index()?;
                cx.sources.clean(None)?
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
