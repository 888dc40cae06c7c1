//! `matrix`: the version line of articles and components, as a terminal table, JSON,
//! Markdown or an SVG heat map (`k8s_study::matrix` computes it, `render::heatmap` draws it).

use std::io::Write as _;

use anstyle::AnsiColor;
use clap::{Args, ValueEnum};
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::guide::Lang;
use k8s_study::mapping::Article;
use k8s_study::matrix::{Range, RepoLine, State, StepLine, matrix};
use k8s_study::render::heatmap;

use super::Context;
use super::output::paint;

/// Each article across every minor release from its era to the pin: how many of its steps
/// are there under their pin name, under an older name, or not at all; per step, the first
/// and last release where it exists.
#[derive(Debug, Args)]
#[command(after_help = "\
Cells: 11/12 = steps found under their pin name, of the article's steps; `1r` renamed (found \
under an older name, following renames release by release); `1✗` missing; `1-` not read (the \
release or the module holding the step is not in the cache; --fetch downloads it).

Examples:
  k8s-study matrix informer-zhonglinzhang
  k8s-study matrix scheduler --from v1.18
  k8s-study matrix --fetch --format md > matrix.md
  k8s-study matrix kube-scheduler-zhonglinzhang --format json
  k8s-study matrix scheduler --format svg -o scheduler.svg")]
pub struct MatrixArgs {
    /// Article ids or components (default: every article).
    pub names: Vec<String>,
    /// First minor release (default: the oldest article era among them).
    #[arg(long)]
    pub from: Option<String>,
    /// Last minor release (default: the pin's).
    #[arg(long)]
    pub to: Option<String>,
    /// Download releases that are not in the cache (Go modules: your `go` command; git: a
    /// fetch). Without it, only cached releases are read and the others are marked `-`.
    #[arg(long)]
    pub fetch: bool,
    /// Also list every step (the default when one article is named).
    #[arg(long)]
    pub steps: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: MatrixFormat,
    /// Write to this file (replaced atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    #[default]
    Text,
    Json,
    /// A Markdown table per repo, and the steps below it.
    Md,
    /// A heat map: releases across, articles down, cells coloured by their worst state,
    /// tooltips with the counts; with --steps (or one article) a row per step.
    Svg,
}

pub fn run(cx: &Context, args: &MatrixArgs) -> Result<u8, Error> {
    let articles = super::guide::select(cx, &args.names)?;
    let range = Range {
        from: args.from.clone(),
        to: args.to.clone(),
        fetch: args.fetch,
    };
    let lines = line(cx, &articles, &range);
    let steps = args.steps || articles.len() == 1;
    let mut out: Vec<u8> = Vec::new();
    match args.format {
        MatrixFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &lines).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        MatrixFormat::Text => write_text(&mut out, &lines, steps, width())?,
        MatrixFormat::Md => write_md(&mut out, &lines)?,
        MatrixFormat::Svg => {
            let opts = heatmap::Options {
                steps,
                lang: Lang::En,
            };
            out.extend_from_slice(heatmap::svg(&lines, opts).as_bytes());
        }
    }
    match &args.output {
        Some(path) => {
            // Colour is for a terminal, never for a file.
            let bytes = if args.format == MatrixFormat::Text {
                anstream::adapter::strip_bytes(&out).into_vec()
            } else {
                out
            };
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            k8s_study::output::write_file_atomic(path, &bytes)?;
        }
        None => std::io::stdout().lock().write_all(&out)?,
    }
    let unread = lines
        .iter()
        .any(|l| l.columns.iter().any(|c| c.unread.is_some()));
    Ok(if unread { exit::MISSING } else { exit::OK })
}

/// The version line of `articles`, with a progress bar of releases read when the context
/// shows progress (`guide` draws it too).
pub fn line(cx: &Context, articles: &[&Article], range: &Range) -> Vec<RepoLine> {
    let progress = progress_bar(cx);
    let lines = matrix(&cx.sources, &cx.mapping, articles, range, &progress);
    progress.finish_and_clear();
    lines
}

/// The bar over the releases of a line (hidden when stderr is not a terminal); `guide
/// --line` shows the same.
pub fn progress_bar(cx: &Context) -> indicatif::ProgressBar {
    if cx.progress {
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template("matrix {msg} [{bar:30}] {pos}/{len} releases")
                .expect("a valid template")
                .progress_chars("=> "),
        )
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// The terminal's width (`COLUMNS`), else 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}

fn colour(state: State) -> AnsiColor {
    match state {
        State::Found => AnsiColor::Green,
        State::Renamed => AnsiColor::Yellow,
        State::Missing => AnsiColor::Red,
        State::Unread => AnsiColor::BrightBlack,
    }
}

/// One mark per release for a step's strip: ✓ found, r renamed, · missing, - not read.
fn step_mark(state: State) -> &'static str {
    match state {
        State::Found => "✓",
        State::Renamed => "r",
        State::Missing => "·",
        State::Unread => "-",
    }
}

fn write_text(
    out: &mut impl std::io::Write,
    lines: &[RepoLine],
    steps: bool,
    width: usize,
) -> std::io::Result<()> {
    for line in lines {
        let (first, last) = (
            &line.columns[0].minor,
            &line.columns[line.columns.len() - 1].minor,
        );
        writeln!(out, "{}: {first} … {last} (pin {})", line.repo, line.pin)?;
        let label = line
            .articles
            .iter()
            .map(|a| a.id.chars().count())
            .max()
            .unwrap_or(0)
            .min(36);
        let cell_width = line
            .articles
            .iter()
            .flat_map(|a| a.cells.iter().map(|c| c.short().chars().count()))
            .chain(line.columns.iter().map(|c| c.minor.len()))
            .max()
            .unwrap_or(5);
        // Releases in groups that fit the terminal beside the article column.
        let per_row = ((width.saturating_sub(label + 2)) / (cell_width + 2)).max(1);
        for start in (0..line.columns.len()).step_by(per_row) {
            let end = (start + per_row).min(line.columns.len());
            write!(out, "  {:label$}", "")?;
            for c in &line.columns[start..end] {
                write!(out, "  {:>cell_width$}", c.minor)?;
            }
            writeln!(out)?;
            for a in &line.articles {
                let id: String = a.id.chars().take(label).collect();
                write!(out, "  {id:label$}")?;
                for c in &a.cells[start..end] {
                    let text = format!("{:>cell_width$}", c.short());
                    write!(out, "  {}", paint(&text, colour(c.worst())))?;
                }
                writeln!(out)?;
            }
        }
        for c in line.columns.iter().filter(|c| c.unread.is_some()) {
            writeln!(
                out,
                "  {} not read: {}",
                c.minor,
                c.unread.as_deref().unwrap_or_default()
            )?;
        }
        if steps {
            write_steps(out, line)?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "n/m found under the pin name · r renamed · ✗ missing · - not read (--fetch)"
    )
}

fn write_steps(out: &mut impl std::io::Write, line: &RepoLine) -> std::io::Result<()> {
    let mut article = "";
    for s in &line.steps {
        if s.article != article {
            article = &s.article;
            writeln!(out, "\n  {article}:")?;
        }
        let strip: String = s
            .states
            .iter()
            .map(|st| paint(step_mark(*st), colour(*st)))
            .collect();
        writeln!(
            out,
            "  {:>3} {strip}  {}  {}",
            s.step,
            span(s),
            super::output::printable(short_symbol(&s.symbol))
        )?;
        let earlier = earlier_names(s);
        if !earlier.is_empty() {
            writeln!(
                out,
                "      earlier: {}",
                super::output::printable(
                    &earlier
                        .iter()
                        .map(|n| short_symbol(n))
                        .collect::<Vec<_>>()
                        .join(" → ")
                )
            )?;
        }
    }
    Ok(())
}

/// The names a step had before its pin name, oldest first, each once.
fn earlier_names(s: &StepLine) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for n in s.names.iter().flatten() {
        if !out.contains(&n.as_str()) {
            out.push(n);
        }
    }
    out
}

/// `v1.13–v1.37`, `v1.13–v1.22` (gone after), `–` when never found.
fn span(s: &StepLine) -> String {
    match (&s.since, &s.until) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "never found".into(),
    }
}

/// `k8s.io/x/pkg.Type.Method` → `pkg.Type.Method`.
fn short_symbol(symbol: &str) -> &str {
    symbol.rsplit('/').next().unwrap_or(symbol)
}

fn write_md(out: &mut impl std::io::Write, lines: &[RepoLine]) -> std::io::Result<()> {
    writeln!(out, "# The version line\n")?;
    writeln!(
        out,
        "Per release: steps there (under their pin name or an older one) of the article's steps, \
         how many only under an older name, how many missing. Generated by `k8s-study matrix \
         --format md`.\n"
    )?;
    for line in lines {
        writeln!(out, "## {} (pin {})\n", line.repo, line.pin)?;
        write!(out, "| article |")?;
        for c in &line.columns {
            write!(out, " {} |", c.minor)?;
        }
        writeln!(out)?;
        writeln!(out, "|---|{}", "---|".repeat(line.columns.len()))?;
        for a in &line.articles {
            write!(out, "| {} |", md_text(&a.id))?;
            for c in &a.cells {
                write!(out, " {} |", c.summary())?;
            }
            writeln!(out)?;
        }
        writeln!(
            out,
            "\n| article | step | symbol | since | until | earlier names |"
        )?;
        writeln!(out, "|---|---:|---|---|---|---|")?;
        for s in &line.steps {
            let earlier = earlier_names(s)
                .iter()
                .map(|n| format!("`{}`", md_text(n)))
                .collect::<Vec<_>>()
                .join(" → ");
            writeln!(
                out,
                "| {} | {} | `{}` | {} | {} | {earlier} |",
                md_text(&s.article),
                s.step,
                md_text(&s.symbol),
                s.since.as_deref().unwrap_or("–"),
                s.until.as_deref().unwrap_or("–"),
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Text safe inside a Markdown table cell.
fn md_text(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'")
}
