use std::io::Write as _;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::resolve::{Status, StepResolution, resolve_articles, resolve_counterparts};
use serde::Serialize;

use super::output::{mark, write_detail};
use super::{Context, Format};

/// Check that every step (of the given repos) resolves; exit 1 if any is missing.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study check
  k8s-study check --repo kubernetes --repo client-go
  k8s-study check --repo client-go --at v0.32.3 --format json")]
pub struct CheckArgs {
    /// Only articles reading this repo (repeatable) [default: all].
    #[arg(long, value_name = "NAME")]
    pub repo: Vec<String>,
    /// Check at this version (tag) instead of each repo's pin.
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Serialize)]
struct Summary {
    /// Go steps and Rust counterparts checked.
    steps: usize,
    /// Of which counterparts (kube-rs items).
    counterparts: usize,
    found: usize,
    missing: usize,
    ambiguous: usize,
}

pub fn run(cx: &Context, args: &CheckArgs) -> Result<u8, Error> {
    for name in &args.repo {
        cx.repo(name)?;
    }
    let wanted = |repo: &String| args.repo.is_empty() || args.repo.contains(repo);
    let articles: Vec<_> = cx
        .mapping
        .articles
        .iter()
        .filter(|a| wanted(&a.repo))
        .collect();
    let mut steps = resolve_articles(&cx.sources, &cx.mapping, &articles, args.at.as_deref())?;
    let counterparts = counterpart_steps(cx, &wanted, args.at.as_deref())?;
    let counterpart_count = counterparts.len();
    steps.extend(counterparts);
    let count = |s: Status| steps.iter().filter(|r| r.resolution.status == s).count();
    let summary = Summary {
        steps: steps.len(),
        counterparts: counterpart_count,
        found: count(Status::Found),
        missing: count(Status::Missing),
        ambiguous: count(Status::Ambiguous),
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let problems: Vec<_> = steps
                .iter()
                .filter(|s| s.resolution.status != Status::Found)
                .collect();
            let report = serde_json::json!({ "summary": summary, "problems": problems });
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => {
            for s in steps
                .iter()
                .filter(|s| s.resolution.status != Status::Found)
            {
                let origin = origin_of(cx, s);
                writeln!(
                    out,
                    "{} {} step {}: {}  ({origin})",
                    mark(s.resolution.status),
                    s.article,
                    s.step,
                    s.resolution.symbol
                )?;
                write_detail(&mut out, &s.resolution, "    ")?;
            }
            writeln!(
                out,
                "{} steps{}: {} found, {} missing, {} ambiguous",
                summary.steps,
                if counterpart_count > 0 {
                    format!(" (incl. {counterpart_count} Rust counterparts)")
                } else {
                    String::new()
                },
                summary.found,
                summary.missing,
                summary.ambiguous
            )?;
        }
    }
    Ok(if summary.found == summary.steps {
        exit::OK
    } else {
        exit::MISSING
    })
}

/// Counterparts (kube-rs items) of the wanted repos, checked beside the Go steps.
fn counterpart_steps(
    cx: &Context,
    wanted: &dyn Fn(&String) -> bool,
    at: Option<&str>,
) -> Result<Vec<StepResolution>, Error> {
    let articles: Vec<_> = cx
        .mapping
        .articles
        .iter()
        .filter(|a| {
            a.steps
                .iter()
                .filter_map(|s| s.counterpart.as_ref())
                .any(|c| wanted(&c.repo))
        })
        .collect();
    Ok(
        resolve_counterparts(&cx.sources, &cx.mapping, &articles, at)?
            .into_iter()
            .map(|c| StepResolution {
                article: c.article,
                step: c.step,
                resolution: c.resolution,
            })
            .collect(),
    )
}

/// Where a checked step (or its counterpart) is written in the mapping.
fn origin_of(cx: &Context, s: &StepResolution) -> String {
    let step = cx
        .mapping
        .article(&s.article)
        .and_then(|a| a.steps.get(s.step - 1));
    let counterpart = step
        .and_then(|st| st.counterpart.as_ref())
        .filter(|c| c.symbol == s.resolution.symbol);
    match (counterpart, step) {
        (Some(c), _) => c.origin.to_string(),
        (None, Some(st)) => st.origin.to_string(),
        _ => String::new(),
    }
}
