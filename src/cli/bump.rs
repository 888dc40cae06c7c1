use std::collections::BTreeMap;
use std::io::Write as _;

use clap::{Args, ValueEnum};
use k8s_study::Error;
use k8s_study::drift::{self, Category, StepDrift, rewrite};
use k8s_study::error::exit;
use k8s_study::source::SourceError;
use k8s_study::versions;

use super::output::{github_annotation, short_commit};
use super::{Context, messages};

/// How every step fares at another version; optionally rewrite the mapping for it.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study bump --to v1.32.3                       kubernetes → v1.32.3, client-go & co → v0.32.3
  k8s-study bump --to v0.32.3 --repo client-go --format json
  k8s-study --no-builtin --mapping mappings bump --to v0.32.3 --repo client-go --write
  k8s-study bump --to v1.32.3 --format github       annotations for a CI job

Categories: unchanged, body-changed, signature-changed, moved-file, moved-package, renamed,
ambiguous, removed (and unresolved: the step does not resolve at its pin).
--write edits only the pins, the symbol/file of moved or confidently renamed steps, and adds a
`review:` field to steps a person must look at; comments and layout stay as they are.
Exit codes: 0 every step holds (unchanged or body-changed), 1 something moved, changed or
needs review, 2 usage, mapping or infrastructure error.")]
pub struct BumpArgs {
    /// The version to move to: a Kubernetes version (v1.X.Y) or, with --repo, any tag.
    #[arg(long, value_name = "VERSION")]
    pub to: String,
    /// Only bump this repo (repeatable) [default: kubernetes and its published staging repos].
    #[arg(long, value_name = "NAME")]
    pub repo: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: BumpFormat,
    /// Rewrite the mapping files (--mapping) for the new version.
    #[arg(long)]
    pub write: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum BumpFormat {
    #[default]
    Text,
    Json,
    /// GitHub Actions workflow commands (`::warning file=…`).
    Github,
}

pub fn run(cx: &Context, args: &BumpArgs) -> Result<u8, Error> {
    for name in &args.repo {
        cx.repo(name)?;
    }
    if args.write && cx.mapping_paths.is_empty() {
        return Err(Error::usage(
            "--write needs the mapping files to edit",
            Some(
                "pass them with --mapping PATH (in a checkout of k8s-study: --no-builtin --mapping mappings)"
                    .to_string(),
            ),
        ));
    }
    let targets =
        versions::targets(&cx.mapping, &args.to, &args.repo).map_err(|m| Error::usage(m, None))?;
    let articles: Vec<_> = cx.mapping.articles.iter().collect();
    let progress = cx.file_progress("{msg} relocating");
    let (drifts, failed) = bump_each_repo(cx, &articles, &targets, &progress);
    progress.finish_and_clear();
    // A repo that could not be read keeps its pin: only the others move.
    let moved: BTreeMap<String, String> = targets
        .iter()
        .filter(|(repo, _)| !failed.iter().any(|(f, _)| f == *repo))
        .map(|(repo, version)| (repo.clone(), version.clone()))
        .collect();

    let mut out = std::io::stdout().lock();
    match args.format {
        BumpFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &drifts).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        BumpFormat::Text => {
            write_text(&mut out, cx, &targets, &drifts)?;
            for (repo, _) in &failed {
                writeln!(out, "not read: repo {repo} (the error is below)")?;
            }
        }
        BumpFormat::Github => write_github(&mut out, cx, &drifts)?,
    }
    if args.write {
        let mut edits = rewrite::plan(&cx.mapping, &moved, &drifts);
        // Only the user's own files are edited; the built-in mapping is compiled in.
        let builtin = edits.len();
        edits.retain(|file, _| cx.mapping.own_files.contains(file));
        if edits.len() < builtin {
            eprintln!(
                "note: {} built-in mapping file(s) would change and are not written (in a checkout of k8s-study: --no-builtin --mapping mappings)",
                builtin - edits.len()
            );
        }
        // Every file is edited in memory first: one bad position writes nothing at all.
        let mut rewritten = Vec::new();
        for (file, file_edits) in &edits {
            let text = std::fs::read_to_string(file)
                .map_err(|e| Error::usage(format!("cannot read mapping file {file}: {e}"), None))?;
            rewritten.push((
                file,
                file_edits.len(),
                rewrite::apply(file, &text, file_edits)?,
            ));
        }
        for (file, count, text) in rewritten {
            k8s_study::output::write_file_atomic(std::path::Path::new(file), text.as_bytes())?;
            eprintln!("wrote {file}: {count} edit(s)");
        }
    }
    let code = if drifts.iter().all(|d| d.compared.category.holds()) {
        exit::OK
    } else {
        exit::MISSING
    };
    Ok(messages::report_unread(failed, code))
}

/// [`drift::bump`] one repo at a time, as `resolve_each_repo` resolves, so that a repo that
/// cannot be read (no mirror, a target version it lacks) does not sink the others: its steps
/// get no drift, and its error is returned beside the rest. Results are in article and step
/// order, Go step before counterpart, as `drift::bump` orders them. (Kept here rather than
/// in `drift` while that module is being reworked; it belongs beside `drift::bump`.)
fn bump_each_repo(
    cx: &Context,
    articles: &[&k8s_study::mapping::Article],
    targets: &BTreeMap<String, String>,
    progress: &indicatif::ProgressBar,
) -> (Vec<StepDrift>, Vec<(String, SourceError)>) {
    let mut drifts = Vec::new();
    let mut failed = Vec::new();
    for (repo, version) in targets {
        let one = BTreeMap::from([(repo.clone(), version.clone())]);
        match drift::bump(&cx.sources, &cx.mapping, articles, &one, progress) {
            Ok(d) => drifts.extend(d),
            Err(e) => failed.push((repo.clone(), e)),
        }
    }
    let order: std::collections::HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    drifts.sort_by_key(|d| {
        (
            order.get(d.article.as_str()).copied(),
            d.step,
            d.counterpart,
        )
    });
    (drifts, failed)
}

fn write_text(
    out: &mut impl std::io::Write,
    cx: &Context,
    targets: &BTreeMap<String, String>,
    drifts: &[StepDrift],
) -> std::io::Result<()> {
    for (repo, version) in targets {
        if let Some(r) = cx.mapping.repo(repo) {
            writeln!(out, "{repo}: {} → {version}", r.pin)?;
        }
    }
    for d in drifts
        .iter()
        .filter(|d| d.compared.category != Category::Unchanged)
    {
        let c = &d.compared;
        writeln!(
            out,
            "{:<17} {} step {}  {}",
            c.category.as_str(),
            d.article,
            d.step,
            d.symbol
        )?;
        if let Some(to) = &c.to
            && to.symbol != d.symbol
        {
            writeln!(out, "    → {}", to.symbol)?;
        }
        if let Some(to) = &c.to {
            writeln!(
                out,
                "    {}:{}-{} @ {} {}",
                to.file,
                to.start_line,
                to.end_line,
                to.version,
                short_commit(&to.commit)
            )?;
        }
        if !c.detail.is_empty() {
            writeln!(out, "    {}", c.detail)?;
        }
        if let Some(path) = d.path_aside() {
            writeln!(out, "    path: {path}")?;
        }
        if c.to.is_none() || c.category == Category::Ambiguous {
            for s in &c.candidates {
                writeln!(
                    out,
                    "    candidate {:.2} {} ({}:{})",
                    s.score, s.symbol, s.file, s.start_line
                )?;
            }
        }
    }
    let mut counts: BTreeMap<Category, usize> = BTreeMap::new();
    for d in drifts {
        *counts.entry(d.compared.category).or_default() += 1;
    }
    let summary: Vec<String> = Category::ALL
        .iter()
        .filter_map(|c| counts.get(c).map(|n| format!("{n} {}", c.as_str())))
        .collect();
    writeln!(out, "{} steps: {}", drifts.len(), summary.join(", "))
}

/// GitHub workflow commands: one warning per step that does not hold, at its `symbol:` line.
fn write_github(
    out: &mut impl std::io::Write,
    cx: &Context,
    drifts: &[StepDrift],
) -> std::io::Result<()> {
    for d in drifts
        .iter()
        .filter(|d| !d.compared.category.holds() || d.path.is_some())
    {
        let Some(step) = cx
            .mapping
            .article(&d.article)
            .and_then(|a| a.steps.get(d.step - 1))
        else {
            continue;
        };
        let c = &d.compared;
        let to =
            c.to.as_ref()
                .filter(|t| t.symbol != d.symbol)
                .map(|t| format!(" → {}", t.symbol))
                .unwrap_or_default();
        github_annotation(
            out,
            "warning",
            &step.origin,
            &format!("k8s-study bump: {}", c.category.as_str()),
            &format!(
                "{} step {}: {}{to}. {}{}",
                d.article,
                d.step,
                d.symbol,
                c.detail,
                d.path_aside()
                    .map(|path| format!(". Path: {path}"))
                    .unwrap_or_default()
            ),
        )?;
    }
    Ok(())
}
