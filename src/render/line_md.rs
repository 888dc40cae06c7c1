//! The version line in Markdown pages (mdBook): a chapter per component with the heat map of
//! its articles, and in each article's chapter the strip of every step with its since and
//! until. The figures are the same SVG as `matrix --format svg` ([`super::heatmap`]).

use std::io::Write;

use super::heatmap::{self, Options};
use super::markdown::{code, inline};
use super::words;
use crate::guide::{ArticleGuide, Lang};
use crate::matrix::{RepoLine, StepLine};

/// The lines restricted to some articles (and their steps); repos left with none are dropped.
pub(crate) fn only(lines: &[RepoLine], ids: &[&str]) -> Vec<RepoLine> {
    lines
        .iter()
        .filter_map(|line| {
            let mut line = line.clone();
            line.articles.retain(|a| ids.contains(&a.id.as_str()));
            line.steps.retain(|s| ids.contains(&s.article.as_str()));
            (!line.articles.is_empty()).then_some(line)
        })
        .collect()
}

/// The SVG as a raw HTML block: a blank line before and after, and none inside (a blank
/// line would end the block and turn the rest into text). A line of thirty releases is wider
/// than the page: it scrolls inside its box rather than shrinking to unreadable.
fn figure(out: &mut impl Write, lines: &[RepoLine], opts: Options) -> std::io::Result<()> {
    let svg = heatmap::svg(lines, opts);
    debug_assert!(!svg.contains("\n\n"));
    writeln!(
        out,
        "\n<div class=\"version-line\" style=\"overflow-x: auto\">\n{svg}</div>\n"
    )
}

/// A component's chapter (one folder below the articles' chapters): the heat map of its
/// articles, then a link to each one's chapter.
pub(crate) fn component_chapter(
    out: &mut impl Write,
    component: &str,
    lines: &[RepoLine],
    guides: &[&ArticleGuide],
    lang: Lang,
) -> std::io::Result<()> {
    let l = words(lang);
    writeln!(out, "# {}: {}\n", inline(component), l.version_line)?;
    writeln!(out, "{}", l.version_line_lede)?;
    figure(out, lines, Options { steps: false, lang })?;
    for g in guides {
        let era = lines
            .iter()
            .flat_map(|line| &line.articles)
            .find(|a| a.id == g.id)
            .and_then(|a| a.era.as_deref())
            .map(|e| format!(" — {}: {}", l.line_era, inline(e)))
            .unwrap_or_default();
        writeln!(out, "- [{}](../{}.md){era}", inline(&g.title), g.id)?;
    }
    Ok(())
}

/// An article's section: its row with a strip per step, and a table of each step's since,
/// until and earlier names. Nothing when the line does not hold the article.
pub(crate) fn article_section(
    out: &mut impl Write,
    id: &str,
    lines: &[RepoLine],
    lang: Lang,
) -> std::io::Result<()> {
    let mine = only(lines, &[id]);
    if mine.is_empty() {
        return Ok(());
    }
    let l = words(lang);
    writeln!(out, "\n## {}", l.version_line)?;
    figure(out, &mine, Options { steps: true, lang })?;
    writeln!(
        out,
        "| # | {} | {} | {} | {} |\n|---:|---|---|---|---|",
        l.symbol, l.since, l.until, l.earlier_names
    )?;
    for s in mine.iter().flat_map(|line| &line.steps) {
        let dash = || "–".to_string();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            s.step,
            cell_code(short(&s.symbol)),
            s.since.as_deref().map_or_else(dash, inline),
            s.until.as_deref().map_or_else(
                || if s.since.is_none() {
                    l.line_never.to_string()
                } else {
                    dash()
                },
                inline
            ),
            earlier(s)
                .iter()
                .map(|n| cell_code(short(n)))
                .collect::<Vec<_>>()
                .join(" → ")
        )?;
    }
    Ok(())
}

/// Code in a table cell: a `|` would end the cell even inside backticks.
fn cell_code(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// `k8s.io/x/pkg.Type.Method` → `pkg.Type.Method`.
fn short(symbol: &str) -> &str {
    symbol.rsplit('/').next().unwrap_or(symbol)
}

/// The names a step had before its pin name, oldest first, each once.
fn earlier(s: &StepLine) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for n in s.names.iter().flatten() {
        if !out.contains(&n.as_str()) {
            out.push(n);
        }
    }
    out
}
