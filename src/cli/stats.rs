use std::collections::BTreeMap;
use std::io::Write as _;

use clap::{Args, ValueEnum};
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::mapping::Article;
use k8s_study::resolve::{Status, resolve_articles, resolve_counterparts};
use serde::Serialize;

use super::Context;

/// Coverage of the mapping: articles per component, steps per article, found vs inferred and,
/// with --resolve, how many steps resolve at their pins.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study stats
  k8s-study stats --resolve --format md > docs/coverage.md")]
pub struct StatsArgs {
    /// Also resolve every step at its pin (needs the sources; a repo that cannot be fetched is reported, not fatal).
    #[arg(long)]
    pub resolve: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: StatsFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    #[default]
    Text,
    Json,
    /// Markdown, as in docs/coverage.md.
    Md,
}

#[derive(Serialize, Default)]
struct ArticleRow {
    id: String,
    repo: String,
    kind: &'static str,
    found: bool,
    steps: usize,
    resolved: Option<usize>,
}

#[derive(Serialize, Default)]
struct Report {
    articles: usize,
    urls: usize,
    steps: usize,
    /// Steps with a Rust counterpart (a kube-rs item).
    counterparts: usize,
    found: usize,
    inferred: usize,
    by_kind: BTreeMap<&'static str, usize>,
    by_component: BTreeMap<String, usize>,
    /// Per repo: steps resolved at the pin, steps, or why the repo could not be read.
    resolution: BTreeMap<String, RepoResolution>,
    rows: Vec<ArticleRow>,
}

#[derive(Serialize)]
struct RepoResolution {
    pin: String,
    steps: usize,
    resolved: Option<usize>,
    error: Option<String>,
}

pub fn run(cx: &Context, args: &StatsArgs) -> Result<u8, Error> {
    let m = &cx.mapping;
    let mut report = Report {
        articles: m.articles.len(),
        urls: m.articles.iter().map(|a| 1 + a.alt_urls.len()).sum(),
        steps: m.articles.iter().map(|a| a.steps.len()).sum(),
        counterparts: m
            .articles
            .iter()
            .flat_map(|a| &a.steps)
            .filter(|s| s.counterpart.is_some())
            .count(),
        found: m.articles.iter().filter(|a| a.found).count(),
        inferred: m.articles.iter().filter(|a| !a.found).count(),
        ..Report::default()
    };
    for a in &m.articles {
        *report.by_kind.entry(a.kind.as_str()).or_default() += 1;
        for c in &a.components {
            *report.by_component.entry(c.clone()).or_default() += 1;
        }
    }
    let mut resolved_by_article: BTreeMap<String, usize> = BTreeMap::new();
    if args.resolve {
        let mut by_repo: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
        for a in m.articles.iter().filter(|a| !a.steps.is_empty()) {
            by_repo.entry(&a.repo).or_default().push(a);
        }
        for (repo, articles) in by_repo {
            let steps = articles.iter().map(|a| a.steps.len()).sum();
            let pin = m.repo(repo).map(|r| r.pin.clone()).unwrap_or_default();
            let entry = match resolve_articles(&cx.sources, m, &articles, None) {
                Ok(results) => {
                    let found = results
                        .iter()
                        .filter(|r| r.resolution.status == Status::Found);
                    let mut resolved = 0;
                    for r in found {
                        *resolved_by_article.entry(r.article.clone()).or_default() += 1;
                        resolved += 1;
                    }
                    RepoResolution {
                        pin,
                        steps,
                        resolved: Some(resolved),
                        error: None,
                    }
                }
                Err(e) => RepoResolution {
                    pin,
                    steps,
                    resolved: None,
                    error: Some(e.to_string()),
                },
            };
            report.resolution.insert(repo.to_string(), entry);
        }
        // Rust counterparts, per their repo, listed as `REPO (counterparts)`.
        if let Some(entry) = counterpart_resolution(cx, report.counterparts) {
            report.resolution.insert(
                format!("{} (counterparts)", k8s_study::mapping::COUNTERPART_REPO),
                entry,
            );
        }
    }
    for a in &m.articles {
        let resolved = (args.resolve
            && report
                .resolution
                .get(&a.repo)
                .is_some_and(|r| r.resolved.is_some()))
        .then(|| resolved_by_article.get(&a.id).copied().unwrap_or(0));
        report.rows.push(ArticleRow {
            id: a.id.clone(),
            repo: a.repo.clone(),
            kind: a.kind.as_str(),
            found: a.found,
            steps: a.steps.len(),
            resolved,
        });
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        StatsFormat::Text => write_text(&mut out, &report)?,
        StatsFormat::Md => write_md(&mut out, &report)?,
    }
    Ok(exit::OK)
}

fn write_text(out: &mut impl std::io::Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "{} entries ({} links), {} steps ({} with a Rust counterpart); text read for {}, inferred from code for {}",
        r.articles, r.urls, r.steps, r.counterparts, r.found, r.inferred
    )?;
    let kinds: Vec<String> = r.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    writeln!(out, "kinds: {}", kinds.join(", "))?;
    writeln!(out, "\nentries per component:")?;
    for (c, n) in &r.by_component {
        writeln!(out, "  {c:<20} {n}")?;
    }
    if !r.resolution.is_empty() {
        writeln!(out, "\nsteps resolved at the pin:")?;
        for (repo, res) in &r.resolution {
            match (&res.resolved, &res.error) {
                (Some(n), _) => writeln!(out, "  {repo:<20} {} {n}/{}", res.pin, res.steps)?,
                (None, Some(e)) => writeln!(out, "  {repo:<20} {} not checked: {e}", res.pin)?,
                (None, None) => {}
            }
        }
    }
    Ok(())
}

fn write_md(out: &mut impl std::io::Write, r: &Report) -> std::io::Result<()> {
    writeln!(out, "# Coverage of the reading list\n")?;
    writeln!(
        out,
        "Generated by `k8s-study stats --resolve --format md > docs/coverage.md`, with every repo\n\
         reachable: `K8S_STUDY_MIRROR` at the mirrors of `scripts/build-mirrors.sh`, and\n\
         `--mirror NAME=URL` for local mirrors of the others. A repo that cannot be read shows as\n\
         not checked.\n"
    )?;
    writeln!(
        out,
        "- {} entries covering {} links of the reading list, {} steps, {} of them with a Rust (kube-rs) counterpart",
        r.articles, r.urls, r.steps, r.counterparts
    )?;
    writeln!(
        out,
        "- article text read: {}; path inferred from the code: {}",
        r.found, r.inferred
    )?;
    let kinds: Vec<String> = r.by_kind.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    writeln!(out, "- kinds: {}\n", kinds.join(", "))?;
    if !r.resolution.is_empty() {
        writeln!(
            out,
            "## Steps resolved at the pin\n\n| repo | pin | resolved | steps |\n|---|---|---:|---:|"
        )?;
        for (repo, res) in &r.resolution {
            let resolved = res.resolved.map_or_else(
                || format!("not checked ({})", res.error.as_deref().unwrap_or("")),
                |n| n.to_string(),
            );
            writeln!(out, "| {repo} | {} | {resolved} | {} |", res.pin, res.steps)?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "## Entries per component\n\n| component | entries |\n|---|---:|"
    )?;
    for (c, n) in &r.by_component {
        writeln!(out, "| {c} | {n} |")?;
    }
    writeln!(
        out,
        "\n## Entries\n\n| id | repo | kind | text | steps | resolved |\n|---|---|---|---|---:|---:|"
    )?;
    for row in &r.rows {
        let text = if row.found { "read" } else { "inferred" };
        let resolved = row
            .resolved
            .map_or_else(|| "–".to_string(), |n| n.to_string());
        writeln!(
            out,
            "| {} | {} | {} | {text} | {} | {resolved} |",
            row.id, row.repo, row.kind, row.steps
        )?;
    }
    Ok(())
}

/// Rust counterparts resolved at their repo's pin, as one row of the resolution table.
fn counterpart_resolution(cx: &Context, count: usize) -> Option<RepoResolution> {
    let with: Vec<&Article> = cx
        .mapping
        .articles
        .iter()
        .filter(|a| a.steps.iter().any(|s| s.counterpart.is_some()))
        .collect();
    if with.is_empty() {
        return None;
    }
    Some(
        match resolve_counterparts(&cx.sources, &cx.mapping, &with, None) {
            Ok(results) => RepoResolution {
                pin: results
                    .first()
                    .map(|r| r.resolution.version.clone())
                    .unwrap_or_default(),
                steps: results.len(),
                resolved: Some(
                    results
                        .iter()
                        .filter(|r| r.resolution.status == Status::Found)
                        .count(),
                ),
                error: None,
            },
            Err(e) => RepoResolution {
                pin: String::new(),
                steps: count,
                resolved: None,
                error: Some(e.to_string()),
            },
        },
    )
}
