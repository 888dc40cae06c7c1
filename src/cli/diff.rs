use std::io::Write as _;

use clap::Args;
use indicatif::ProgressBar;
use k8s_study::Error;
use k8s_study::drift::{self, Category};
use k8s_study::error::exit;
use k8s_study::item::Query;
use k8s_study::source::Snapshot;

use super::{Context, SymbolRepoArgs};

/// Unified diff of one declaration between two versions, following a move or rename.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study diff k8s.io/client-go/util/workqueue.Type.Add --from v0.20.2 --to v0.32.3 --repo client-go
  k8s-study diff k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne --from v1.20.2 --to v1.32.3
  k8s-study diff kube_runtime::controller::Controller::run --from 4.2.0 --to 5.0.0

The first line says what happened (unchanged, body-changed, moved-file, renamed...).
Exit codes: 0 identical, 1 different (or gone), 2 usage or infrastructure error.")]
pub struct DiffArgs {
    pub symbol: String,
    /// The older version (tag).
    #[arg(long, value_name = "VERSION")]
    pub from: String,
    /// The newer version (tag).
    #[arg(long, value_name = "VERSION")]
    pub to: String,
    #[command(flatten)]
    pub repo: SymbolRepoArgs,
}

/// One symbol compared between two versions, with the two snapshots it was read from (for
/// permalinks). Shared by `diff` and the MCP server's `diff_symbol`.
pub struct SymbolDiff {
    pub repo: String,
    pub compared: drift::Compared,
    pub old: Snapshot,
    pub new: Snapshot,
}

pub fn compare_symbol(
    cx: &Context,
    symbol: &str,
    repo: &SymbolRepoArgs,
    from: &str,
    to: &str,
) -> Result<SymbolDiff, Error> {
    let (repo, item) = super::find::repo_and_item(cx, repo.repo.as_deref(), symbol)?;
    let repo_name = repo.name.as_str();
    let old = cx.sources.snapshot(&repo.spec(), from)?;
    let new = cx.sources.snapshot(&repo.spec(), to)?;
    let query = Query {
        item: &item,
        file_hint: None,
    };
    let compared = drift::compare(
        repo.lang,
        &old,
        &new,
        repo.module.as_deref(),
        &[query],
        &ProgressBar::hidden(),
    )?
    .remove(0);
    if compared.category == Category::Unresolved {
        return Err(Error::usage(
            format!("{symbol} is not found at {from} of {repo_name}"),
            Some(format!(
                "check the symbol with `k8s-study find {symbol} --repo {repo_name} --at {from}`"
            )),
        ));
    }
    Ok(SymbolDiff {
        repo: repo_name.to_string(),
        compared,
        old,
        new,
    })
}

pub fn run(cx: &Context, args: &DiffArgs) -> Result<u8, Error> {
    let compared = compare_symbol(cx, &args.symbol, &args.repo, &args.from, &args.to)?.compared;
    let mut out = std::io::stdout().lock();
    let to = compared
        .to
        .as_ref()
        .filter(|t| t.symbol != args.symbol)
        .map(|t| format!(" → {}", t.symbol))
        .unwrap_or_default();
    writeln!(
        out,
        "# {}{to}{}",
        compared.category.as_str(),
        if compared.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", compared.detail)
        }
    )?;
    match compared.category {
        Category::Unchanged => return Ok(exit::OK),
        Category::Ambiguous | Category::Removed => {
            for c in &compared.candidates {
                writeln!(
                    out,
                    "# candidate {:.2} {} ({}:{})",
                    c.score, c.symbol, c.file, c.start_line
                )?;
            }
        }
        _ => {}
    }
    write!(out, "{}", drift::unified_diff(&compared))?;
    Ok(exit::MISSING)
}
