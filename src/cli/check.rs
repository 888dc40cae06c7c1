use std::io::Write as _;

use clap::{Args, ValueEnum};
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::mapping::Origin;
use k8s_study::resolve::{
    Status, StepResolution, resolve_counterparts_each_repo, resolve_each_repo,
};
use k8s_study::source::SourceError;
use serde::Serialize;

use super::guide::EraArg;
use super::output::{github_annotation, mark, write_detail};
use super::{AtArgs, Context, messages};

/// Check that every step (of the given repos) resolves; exit 1 if any is missing.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study check
  k8s-study check --repo kubernetes --repo client-go
  k8s-study check --repo client-go --at v0.32.3 --format json
  k8s-study --mapping posts/ check --own --at v1.38.0 --format github   in a guide writer's CI")]
pub struct CheckArgs {
    /// Only articles reading this repo (repeatable) [default: all].
    #[arg(long, value_name = "NAME")]
    pub repo: Vec<String>,
    #[command(flatten)]
    pub at: AtArgs,
    /// Only the articles of your own --mapping files.
    #[arg(long)]
    pub own: bool,
    /// Also check every article at its own version (`written_for`): each step's article-era
    /// name (`was:`, else its symbol) must resolve there. `cached` reads only versions already
    /// in the cache; `fetch` downloads them.
    #[arg(long, value_enum, default_value_t = EraArg::Cached)]
    pub era: EraArg,
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    /// GitHub Actions workflow commands (`::error file=…`) at each failing step's line.
    Github,
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
    /// Missing at the pin as the mapping says (`gone:`).
    gone: usize,
    /// Steps read at their article's own version; of those, the `was:` names that do not
    /// resolve there (a failure), and the steps without `was:` whose code is newer than the
    /// article (counted only).
    at_era: usize,
    missing_at_era: usize,
    newer_than_article: usize,
}

/// A step whose article-era name does not resolve at the article's version.
#[derive(Serialize)]
struct EraProblem<'a> {
    article: &'a str,
    step: usize,
    #[serde(flatten)]
    era: &'a k8s_study::era::EraStep,
}

pub fn run(cx: &Context, args: &CheckArgs) -> Result<u8, Error> {
    for name in &args.repo {
        cx.repo(name)?;
    }
    if args.own && cx.mapping.own_files.is_empty() {
        return Err(Error::usage(
            "--own checks your own mapping files, and none was given",
            Some("pass them with --mapping PATH".to_string()),
        ));
    }
    let wanted = |repo: &String| args.repo.is_empty() || args.repo.contains(repo);
    let own = |a: &&k8s_study::mapping::Article| {
        !args.own || cx.mapping.own_files.contains(&a.origin.file)
    };
    let articles: Vec<_> = cx
        .mapping
        .articles
        .iter()
        .filter(|a| wanted(&a.repo))
        .filter(own)
        .collect();
    // One repo that cannot be read does not stop the others; its error comes at the end.
    let (mut steps, mut failed) =
        resolve_each_repo(&cx.sources, &cx.mapping, &articles, args.at.at());
    let (counterparts, unread) = counterpart_steps(cx, &wanted, &own, args.at.at());
    failed.extend(unread);
    let counterpart_count = counterparts.len();
    steps.extend(counterparts);
    // A step the mapping says is gone at the pin is expected to be missing there.
    let gone = |s: &StepResolution| s.gone_as_mapped(&cx.mapping);
    let gone_count = steps.iter().filter(|s| gone(s)).count();
    steps.retain(|s| !gone(s));
    let (eras, unreachable) = if args.at.at().is_some() {
        (std::collections::HashMap::new(), Vec::new())
    } else {
        k8s_study::era::era_steps(&cx.sources, &cx.mapping, &articles, args.era.into())
    };
    let (era_problems, newer) = era_problems(cx, &eras);
    let count = |s: Status| steps.iter().filter(|r| r.resolution.status == s).count();
    let summary = Summary {
        steps: steps.len() + gone_count,
        counterparts: counterpart_count,
        found: count(Status::Found),
        missing: count(Status::Missing),
        ambiguous: count(Status::Ambiguous),
        gone: gone_count,
        at_era: eras.len(),
        missing_at_era: era_problems.len(),
        newer_than_article: newer,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Github => write_github(&mut out, cx, &steps, &summary)?,
        CheckFormat::Json => {
            let problems: Vec<_> = steps
                .iter()
                .filter(|s| s.resolution.status != Status::Found)
                .collect();
            let report = serde_json::json!({
                "summary": summary,
                "problems": problems,
                "era_problems": era_problems,
                "eras_not_read": unreachable,
            });
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        CheckFormat::Text => write_text(
            &mut out,
            cx,
            &steps,
            &summary,
            &era_problems,
            &unreachable,
            &failed,
        )?,
    }
    let code = if summary.found + summary.gone == summary.steps && summary.missing_at_era == 0 {
        exit::OK
    } else {
        exit::MISSING
    };
    Ok(messages::report_unread(failed, code))
}

/// The steps whose `was:` does not resolve at their article's version (problems), and how
/// many steps without `was:` are code newer than their article.
fn era_problems<'e>(
    cx: &Context,
    eras: &'e std::collections::HashMap<(String, usize), k8s_study::era::EraStep>,
) -> (Vec<EraProblem<'e>>, usize) {
    // A `was:` is a claim about the article's version and must hold there; a step without
    // one may be code newer than the article (its note says so), which is counted, not failed.
    let has_was = |article: &str, step: usize| {
        cx.mapping
            .article(article)
            .and_then(|a| a.steps.get(step - 1))
            .is_some_and(|s| s.was.is_some())
    };
    let newer = eras
        .iter()
        .filter(|((a, s), e)| e.status != Status::Found && !has_was(a, *s))
        .count();
    let mut problems: Vec<EraProblem<'_>> = eras
        .iter()
        .filter(|((a, s), e)| e.status != Status::Found && has_was(a, *s))
        .map(|((article, step), era)| EraProblem {
            article,
            step: *step,
            era,
        })
        .collect();
    problems.sort_by(|a, b| (a.article, a.step).cmp(&(b.article, b.step)));
    (problems, newer)
}

/// The text report: each problem with its place, then the counts.
fn write_text(
    out: &mut impl std::io::Write,
    cx: &Context,
    steps: &[StepResolution],
    summary: &Summary,
    era_problems: &[EraProblem<'_>],
    unreachable: &[k8s_study::era::Unreachable],
    failed: &[(String, SourceError)],
) -> std::io::Result<()> {
    let counterpart_count = summary.counterparts;
    let gone_count = summary.gone;
    for s in steps
        .iter()
        .filter(|s| s.resolution.status != Status::Found)
    {
        let origin = origin_of(cx, s)
            .map(ToString::to_string)
            .unwrap_or_default();
        writeln!(
            out,
            "{} {} step {}: {}  ({origin})",
            mark(s.resolution.status),
            s.article,
            s.step,
            s.resolution.symbol
        )?;
        write_detail(out, &s.resolution, "    ")?;
    }
    for p in era_problems {
        writeln!(
            out,
            "{} {} step {}: {} at the article's version {}",
            mark(Status::Missing),
            p.article,
            p.step,
            p.era.symbol,
            p.era.version
        )?;
        if let Some(reason) = &p.era.reason {
            writeln!(out, "    {}", super::output::printable(reason))?;
        }
    }
    // Eras only missing from the cache are one line; an era that could not be read is named.
    let (uncached, unread_eras): (Vec<_>, Vec<_>) = unreachable
        .iter()
        .partition(|u| u.why.starts_with(k8s_study::era::NOT_CACHED));
    for u in &unread_eras {
        writeln!(
            out,
            "era not read: {}@{} ({}): {}",
            u.repo,
            u.version,
            u.articles.join(", "),
            u.why
        )?;
    }
    if !uncached.is_empty() {
        let articles: usize = uncached.iter().map(|u| u.articles.len()).sum();
        writeln!(
            out,
            "{} article version(s) of {articles} article(s) are not in the cache: `check --era fetch` reads them too",
            uncached.len()
        )?;
    }
    let unread: std::collections::BTreeSet<&str> =
        failed.iter().map(|(repo, _)| repo.as_str()).collect();
    for repo in unread {
        writeln!(out, "not read: repo {repo} (the error is below)")?;
    }
    writeln!(
        out,
        "{} steps{}: {} found, {} missing, {} ambiguous{}",
        summary.steps,
        if counterpart_count > 0 {
            format!(" (incl. {counterpart_count} Rust counterparts)")
        } else {
            String::new()
        },
        summary.found,
        summary.missing,
        summary.ambiguous,
        if gone_count > 0 {
            format!(", {gone_count} gone as the mapping says")
        } else {
            String::new()
        }
    )?;
    if summary.at_era > 0 {
        writeln!(
            out,
            "at the articles' own versions: {} steps read, {} `was:` names do not resolve, {} steps are newer than their article; {} era(s) not read",
            summary.at_era,
            summary.missing_at_era,
            summary.newer_than_article,
            unreachable.len()
        )?;
    }
    Ok(())
}

/// One `::error` workflow command per step that does not resolve, at its line of the mapping.
fn write_github(
    out: &mut impl std::io::Write,
    cx: &Context,
    steps: &[StepResolution],
    summary: &Summary,
) -> std::io::Result<()> {
    for s in steps
        .iter()
        .filter(|s| s.resolution.status != Status::Found)
    {
        let Some(at) = origin_of(cx, s) else { continue };
        let r = &s.resolution;
        let state = if r.status == Status::Ambiguous {
            "ambiguous"
        } else {
            "missing"
        };
        let near = r
            .candidates
            .first()
            .map(|c| format!(" Did you mean {}?", c.symbol))
            .unwrap_or_default();
        github_annotation(
            out,
            "error",
            at,
            &format!("k8s-study check: {state} at {} {}", r.repo, r.version),
            &format!(
                "{} step {}: {} is {state} at {} {}: {}.{near}",
                s.article,
                s.step,
                r.symbol,
                r.repo,
                r.version,
                r.reason.as_deref().unwrap_or("not found")
            ),
        )?;
    }
    writeln!(
        out,
        "{} steps: {} found, {} missing, {} ambiguous",
        summary.steps, summary.found, summary.missing, summary.ambiguous
    )?;
    Ok(())
}

/// Counterparts (kube-rs items) of the wanted repos, checked beside the Go steps, and the
/// counterpart repos that could not be read.
fn counterpart_steps(
    cx: &Context,
    wanted: &dyn Fn(&String) -> bool,
    own: &dyn Fn(&&k8s_study::mapping::Article) -> bool,
    at: Option<&str>,
) -> (Vec<StepResolution>, Vec<(String, SourceError)>) {
    let articles: Vec<_> = cx
        .mapping
        .articles
        .iter()
        .filter(own)
        .filter(|a| {
            a.steps
                .iter()
                .filter_map(|s| s.counterpart.as_ref())
                .any(|c| wanted(&c.repo))
        })
        .collect();
    let (resolved, failed) =
        resolve_counterparts_each_repo(&cx.sources, &cx.mapping, &articles, at);
    let steps = resolved
        .into_iter()
        .map(|c| StepResolution {
            article: c.article,
            step: c.step,
            resolution: c.resolution,
        })
        .collect();
    (steps, failed)
}

/// Where a checked step (or its counterpart) is written in the mapping.
fn origin_of<'m>(cx: &'m Context, s: &StepResolution) -> Option<&'m Origin> {
    let step = cx
        .mapping
        .article(&s.article)
        .and_then(|a| a.steps.get(s.step - 1))?;
    match step
        .counterpart
        .as_ref()
        .filter(|c| c.symbol.as_str() == s.resolution.symbol)
    {
        Some(c) => Some(&c.origin),
        None => Some(&step.origin),
    }
}
