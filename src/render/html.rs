//! Static HTML site: an index grouped by component and one page per article, with the
//! reading path drawn as inline SVG and excerpts highlighted by tree-sitter-highlight.
//!
//! Self-contained on purpose (no CDN, no web fonts, no network at view time): the folder
//! opens from disk and stays readable offline. The one script, `site.js`, only adds the search
//! box and, on a site of the version line ([`line`]), the release selector and the diff of any
//! two releases: every page and link works without it. Every string taken from the mapping or
//! the Go source is escaped, and a link that is not http(s) is shown as text, never put in an
//! `href`.

use std::io::{self, Write};

use super::escape::{esc, link};
use super::highlight::code_block;
use super::words::line_words;
use super::{OutFile, SiteInput, Words, by_component, flowchart, words};

use crate::guide::{ArticleGuide, Lang, StepGuide};
use crate::item::EdgeKind;
use crate::mapping::Kind;
use crate::resolve::Status;

/// Every file of the site: `index.html` (with the search box), `style.css`, `site.js`,
/// `search-index.js` and one page per article.
pub fn site(input: &SiteInput<'_>) -> Vec<OutFile> {
    let mut files = shared_files(input, None);
    for guide in input.guides {
        let mut page = Vec::new();
        let _ = write_article(&mut page, guide, input.lang);
        files.push((page_name(&guide.id), page));
    }
    files
}

/// The files every site has: the index (linking the matrix when there is a line), the
/// stylesheet, the script and the search index.
fn shared_files(
    input: &SiteInput<'_>,
    line: Option<&crate::guide::line::SiteLine>,
) -> Vec<OutFile> {
    // Writing into a Vec cannot fail, so the io::Results below are always Ok.
    let mut index = Vec::new();
    let _ = write_index(&mut index, input, line.is_some());
    vec![
        ("index.html".to_string(), index),
        (
            "style.css".to_string(),
            format!("{STYLE}{}", flowchart::FLOWCHART_CSS).into_bytes(),
        ),
        ("site.js".to_string(), SCRIPT.as_bytes().to_vec()),
        (
            "search-index.js".to_string(),
            search::index_js(input, line).into_bytes(),
        ),
    ]
}

/// What a page of the version line adds to an article page.
#[derive(Default)]
struct Extras {
    /// Written after the back link: the release selector.
    nav: String,
    /// Per step (index `step - 1`), written under its heading: its state at this release.
    steps: Vec<String>,
    /// The page loads `site.js` (the selector needs it).
    script: bool,
}

/// One article's page.
pub fn write_article(out: &mut impl Write, guide: &ArticleGuide, lang: Lang) -> io::Result<()> {
    write_article_with(out, guide, lang, &Extras::default())
}

fn write_article_with(
    out: &mut impl Write,
    guide: &ArticleGuide,
    lang: Lang,
    extras: &Extras,
) -> io::Result<()> {
    let l = words(lang);
    head(
        out,
        lang,
        &format!("{} · k8s-study", guide.title),
        extras.script,
    )?;
    writeln!(
        out,
        "<nav class=\"back\"><a href=\"index.html\">← {}</a></nav>",
        l.all_guides
    )?;
    out.write_all(extras.nav.as_bytes())?;
    header(out, guide, l)?;
    if guide.kind == Kind::NoCode || !guide.entry_points.is_empty() {
        no_code(out, guide, l)?;
    }
    if !guide.steps.is_empty() {
        writeln!(
            out,
            "<section class=\"flow\">\n<h2>{}</h2>\n<div class=\"flow-row\">",
            l.reading_path
        )?;
        flowchart::flowchart(out, &guide.steps)?;
        writeln!(out, "<ul class=\"legend\">")?;
        for item in l.legend {
            writeln!(out, "<li>{item}</li>")?;
        }
        writeln!(out, "</ul>\n</div>\n</section>")?;
        writeln!(out, "<section class=\"steps\">")?;
        for step in &guide.steps {
            let state = extras.steps.get(step.step - 1).map_or("", String::as_str);
            step_html(out, step, &guide.steps, l, state)?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</main>\n</body>\n</html>")
}

/// The file an article's page is written to; ids come from data, so anything that could
/// leave the folder or make a strange URL is replaced.
fn page_name(id: &str) -> String {
    let slug = slug(id);
    if slug == "index" {
        "article-index.html".to_string()
    } else {
        format!("{slug}.html")
    }
}

fn slug(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "article".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The index: the search box, a link to the version line's matrix when the site has one,
/// and the articles by component.
fn write_index(out: &mut impl Write, input: &SiteInput<'_>, matrix: bool) -> io::Result<()> {
    let l = words(input.lang);
    let t = line_words(input.lang);
    head(out, input.lang, l.title, true)?;
    writeln!(out, "<header>\n<h1>{}</h1>", l.title)?;
    writeln!(out, "<p class=\"lede\">{}</p>\n</header>", l.index_lede)?;
    search::search_box(out, t)?;
    if matrix {
        writeln!(
            out,
            "<p class=\"to-matrix\"><a href=\"matrix.html\">{}</a></p>",
            t.matrix_link
        )?;
    }
    let mut groups = by_component(input);
    let listed: Vec<bool> = {
        let mut seen = vec![false; input.guides.len()];
        for (_, members) in &groups {
            for &i in members {
                seen[i] = true;
            }
        }
        seen
    };
    let rest: Vec<usize> = (0..input.guides.len()).filter(|&i| !listed[i]).collect();
    if !rest.is_empty() {
        groups.push((String::new(), rest));
    }
    writeln!(out, "<nav class=\"toc\">")?;
    for (component, members) in &groups {
        let name = if component.is_empty() {
            l.other
        } else {
            component
        };
        writeln!(
            out,
            "<span class=\"toc-item\"><a href=\"#c-{}\">{}</a> <span class=\"count\">({})</span></span>",
            slug(component),
            esc(name),
            members.len()
        )?;
    }
    writeln!(out, "</nav>")?;
    for (component, members) in &groups {
        let name = if component.is_empty() {
            l.other
        } else {
            component
        };
        writeln!(
            out,
            "<section class=\"component\" id=\"c-{}\">\n<h2>{}</h2>",
            slug(component),
            esc(name)
        )?;
        if let Some(desc) = input.components.get(component) {
            writeln!(out, "<p class=\"desc\">{}</p>", esc(desc))?;
        }
        writeln!(out, "<ul class=\"articles\">")?;
        for &i in members {
            let g = &input.guides[i];
            write!(
                out,
                "<li><a href=\"{}\">{}</a>",
                esc(&page_name(&g.id)),
                esc(&g.title)
            )?;
            write!(
                out,
                " <span class=\"meta\">{} · {}",
                esc(&g.author),
                l.kind(g.kind)
            )?;
            if g.kind != Kind::NoCode {
                write!(out, " · {}", l.steps(g.steps.len()))?;
            }
            write!(out, "</span>")?;
            if !g.found {
                write!(
                    out,
                    " <span class=\"badge inferred\" title=\"{}\">{}</span>",
                    l.inferred_long, l.inferred
                )?;
            }
            writeln!(out, "</li>")?;
        }
        writeln!(out, "</ul>\n</section>")?;
    }
    writeln!(out, "</main>\n</body>\n</html>")
}

/// The page's head; `script` loads `site.js` (and the search index it reads), deferred.
fn head(out: &mut impl Write, lang: Lang, title: &str, script: bool) -> io::Result<()> {
    let code = match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    };
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>{}</title>\n<link rel=\"stylesheet\" href=\"style.css\">",
        esc(title)
    )?;
    if script {
        writeln!(
            out,
            "<script src=\"search-index.js\" defer></script>\n<script src=\"site.js\" defer></script>"
        )?;
    }
    writeln!(out, "</head>\n<body>\n<main>")
}

fn header(out: &mut impl Write, g: &ArticleGuide, l: &Words) -> io::Result<()> {
    writeln!(out, "<header>\n<h1>{}</h1>", link(&g.url, &esc(&g.title)))?;
    write!(
        out,
        "<p class=\"meta\">{} {} · {}",
        l.by,
        esc(&g.author),
        l.kind(g.kind)
    )?;
    if g.kind != Kind::NoCode {
        write!(out, " · {}", l.steps(g.steps.len()))?;
    }
    if !g.found {
        write!(out, " <span class=\"badge inferred\">{}</span>", l.inferred)?;
    }
    writeln!(out, "</p>\n<dl class=\"facts\">")?;
    let how = l
        .era_source(g.era)
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    let written_for = g.written_for.as_deref().map_or_else(
        || l.not_stated.to_string(),
        |v| format!("<code>{}</code>{how}", esc(v)),
    );
    writeln!(out, "<dt>{}</dt><dd>{written_for}</dd>", l.written_for)?;
    let commit = g
        .commit
        .as_deref()
        .map(|c| {
            format!(
                " <span class=\"commit\">({})</span>",
                esc(c.get(..12).unwrap_or(c))
            )
        })
        .unwrap_or_default();
    writeln!(
        out,
        "<dt>{}</dt><dd>{}{commit}</dd>",
        l.read_at,
        l.version_of(
            &format!("<code>{}</code>", esc(&g.version)),
            &link(&g.upstream, &esc(&g.repo))
        )
    )?;
    if !g.components.is_empty() {
        let list: Vec<String> = g
            .components
            .iter()
            .map(|c| format!("<span class=\"tag\">{}</span>", esc(c)))
            .collect();
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", l.components, list.join(" "))?;
    }
    if !g.alt_urls.is_empty() {
        let list: Vec<String> = g.alt_urls.iter().map(|u| link(u, &esc(u))).collect();
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", l.also_at, list.join("<br>"))?;
    }
    writeln!(out, "</dl>")?;
    if !g.found {
        writeln!(out, "<p class=\"notice\">{}</p>", l.inferred_long)?;
    }
    let renamed: Vec<&StepGuide> = g
        .steps
        .iter()
        .filter(|s| s.was.as_deref().is_some_and(|w| w != s.symbol.as_str()))
        .collect();
    if !renamed.is_empty() {
        writeln!(out, "<div class=\"renamed\">\n<p>{}</p>\n<ul>", l.renamed)?;
        for s in renamed {
            let was = s.was.as_deref().unwrap_or_default();
            writeln!(
                out,
                "<li><a href=\"#step-{}\">{}</a>: {}</li>",
                s.step,
                s.step,
                l.was_now(
                    &format!("<code>{}</code>", esc(was)),
                    &esc(&g.version),
                    &format!("<code>{}</code>", esc(s.symbol.as_str()))
                )
            )?;
        }
        writeln!(out, "</ul>\n</div>")?;
    }
    writeln!(out, "</header>")
}

fn no_code(out: &mut impl Write, g: &ArticleGuide, l: &Words) -> io::Result<()> {
    writeln!(out, "<section class=\"nocode\">\n<h2>{}</h2>", l.no_code)?;
    if let Some(reason) = &g.reason {
        writeln!(out, "<p>{}</p>", esc(reason))?;
    }
    if !g.entry_points.is_empty() {
        writeln!(
            out,
            "<p>{}</p>\n<pre class=\"commands\"><code>",
            l.entry_points
        )?;
        for cmd in &g.entry_points {
            writeln!(out, "$ {}", esc(cmd))?;
        }
        writeln!(out, "</code></pre>")?;
    }
    writeln!(out, "</section>")
}

/// One step; `state` is its state at the page's release on the version line (HTML, may be
/// empty).
fn step_html(
    out: &mut impl Write,
    s: &StepGuide,
    steps: &[StepGuide],
    l: &Words,
    state: &str,
) -> io::Result<()> {
    let found = s.status == Status::Found;
    let class = if found { "step" } else { "step unresolved" };
    writeln!(out, "<article class=\"{class}\" id=\"step-{}\">", s.step)?;
    let (package, name) = s.symbol.heading();
    writeln!(
        out,
        "<h3><span class=\"num\">{}</span> <code><span class=\"pkg\">{}</span>{}</code></h3>",
        s.step,
        esc(package),
        esc(name)
    )?;
    out.write_all(state.as_bytes())?;
    if !found {
        let reason = s
            .reason
            .as_deref()
            .filter(|r| !r.is_empty())
            .map_or_else(|| l.no_reason.to_string(), esc);
        writeln!(
            out,
            "<p class=\"status\"><strong>{}</strong>{reason}</p>",
            l.unresolved_because(s.status)
        )?;
    }
    if !s.note.is_empty() {
        writeln!(out, "<p class=\"note\">{}</p>", esc(&s.note))?;
    }
    if found && let Some(reason) = s.reason.as_deref().filter(|r| !r.is_empty()) {
        writeln!(out, "<p class=\"warning\">{}</p>", esc(reason))?;
    }
    if let Some(since) = &s.since_article {
        writeln!(
            out,
            "<p class=\"changed\"><strong>{}</strong> {}</p>",
            l.changed,
            esc(since)
        )?;
    }
    if let Some(e) = &s.era {
        let place = match (&e.file, e.start_line, e.end_line, &e.permalink) {
            (Some(file), Some(a), Some(b), Some(url)) => {
                link(url, &format!("<code>{}:{a}-{b}</code>", esc(file)))
            }
            (Some(file), Some(a), Some(b), None) => format!("<code>{}:{a}-{b}</code>", esc(file)),
            _ => format!(
                "{} ({})",
                l.not_at_era,
                esc(e.reason.as_deref().unwrap_or_default())
            ),
        };
        writeln!(
            out,
            "<p class=\"era\"><strong>{}</strong> ({}, <code>{}</code>): {place}</p>",
            l.at_era,
            esc(&e.version),
            esc(&e.symbol)
        )?;
    }
    if let Some(g) = &s.gone {
        let successor = g
            .successor
            .as_deref()
            .map(|x| format!("; {}: <code>{}</code>", l.successor, esc(x)))
            .unwrap_or_default();
        writeln!(
            out,
            "<p class=\"gone\"><strong>{}</strong> {}{successor}</p>",
            l.gone_since,
            esc(&g.since)
        )?;
    }
    if s.kind.is_some() || s.signature.is_some() {
        write!(out, "<p class=\"sig\">")?;
        if let Some(kind) = s.kind {
            write!(out, "<span class=\"kind\">{}</span> ", kind.as_str())?;
        }
        if let Some(sig) = &s.signature {
            write!(out, "<code>{}</code>", esc(sig))?;
        }
        writeln!(out, "</p>")?;
    }
    if let Some(doc) = s.doc.as_deref().filter(|d| !d.trim().is_empty()) {
        writeln!(out, "<div class=\"doc\">{}</div>", esc(doc))?;
    }
    if let Some(ex) = &s.excerpt {
        code_block(out, ex, s.start_line)?;
    }
    step_links(out, s, steps, l)?;
    if let Some(c) = &s.counterpart {
        counterpart_html(out, c, l)?;
    }
    writeln!(out, "</article>")
}

/// The kube-rs item beside a Go step: its own permalink, signature, note and excerpt.
fn counterpart_html(
    out: &mut impl Write,
    c: &crate::guide::CounterpartGuide,
    l: &Words,
) -> io::Result<()> {
    writeln!(out, "<aside class=\"counterpart\">")?;
    let name = match &c.permalink {
        Some(link) if link.starts_with("https://") => format!(
            "<a href=\"{}\"><code>{}</code></a>",
            esc(link),
            esc(c.symbol.as_str())
        ),
        _ => format!("<code>{}</code>", esc(c.symbol.as_str())),
    };
    writeln!(
        out,
        "<h4>{} <span class=\"repo\">({} {})</span></h4><p>{name}</p>",
        l.counterpart,
        esc(&c.repo),
        esc(&c.version)
    )?;
    writeln!(out, "<p class=\"note\">{}</p>", esc(&c.note))?;
    if c.status != Status::Found {
        writeln!(
            out,
            "<p class=\"status\"><strong>{}</strong>{}</p>",
            l.unresolved_because(c.status),
            esc(c.reason.as_deref().unwrap_or_default())
        )?;
    }
    if let Some(sig) = &c.signature {
        let kind = c.kind.map(crate::item::Kind::as_str).unwrap_or_default();
        writeln!(
            out,
            "<p class=\"sig\"><span class=\"kind\">{kind}</span> <code>{}</code></p>",
            esc(sig)
        )?;
    }
    if let Some(ex) = &c.excerpt {
        code_block(out, ex, c.start_line)?;
    }
    writeln!(out, "</aside>")
}

/// Where the step is (file, lines, permalink) and what it calls next.
fn step_links(
    out: &mut impl Write,
    s: &StepGuide,
    steps: &[StepGuide],
    l: &Words,
) -> io::Result<()> {
    let place = match (&s.file, s.start_line, s.end_line) {
        (Some(file), Some(start), Some(end)) => Some(format!("{file}:{start}-{end}")),
        (Some(file), _, _) => Some(file.clone()),
        _ => None,
    };
    if place.is_some() || s.permalink.is_some() {
        write!(out, "<p class=\"loc\">")?;
        if let Some(place) = &place {
            write!(out, "<code>{}</code>", esc(place))?;
        }
        if let Some(url) = &s.permalink {
            write!(out, " · {}", link(url, l.view_source))?;
        }
        writeln!(out, "</p>")?;
    }
    if !s.calls.is_empty() {
        let link = |step: Option<usize>, symbol: &str| match step
            .and_then(|n| steps.iter().find(|t| t.step == n))
        {
            Some(t) => format!(
                "<a href=\"#step-{}\">{}. {}</a>",
                t.step,
                t.step,
                esc(t.symbol.short())
            ),
            None => format!("<code>{}</code>", esc(symbol)),
        };
        let describe = |c: &crate::guide::StepCall| {
            let target = link(c.step, &c.symbol);
            match c.kind {
                EdgeKind::Direct => target,
                EdgeKind::Runs => format!("{target} <span class=\"edge\">({})</span>", l.kind_runs),
                EdgeKind::Promoted => {
                    format!("{target} <span class=\"edge\">({})</span>", l.kind_promoted)
                }
                EdgeKind::Interface => {
                    let to: Vec<String> = c
                        .may_dispatch_to
                        .iter()
                        .map(|d| link(d.step, d.symbol.as_str()))
                        .collect();
                    format!(
                        "<code>{}</code> <span class=\"edge\">({} {})</span>",
                        esc(&c.symbol),
                        l.kind_interface,
                        to.join(", ")
                    )
                }
            }
        };
        // Edges that reach a step of this article first, then the others.
        let (here, elsewhere): (Vec<_>, Vec<_>) = s
            .calls
            .iter()
            .partition(|c| c.step.is_some() || c.may_dispatch_to.iter().any(|d| d.step.is_some()));
        writeln!(out, "<div class=\"calls\">")?;
        for (label, list) in [(l.calls_next, here), (l.calls_elsewhere, elsewhere)] {
            if !list.is_empty() {
                let items: Vec<String> = list.into_iter().map(describe).collect();
                writeln!(out, "<p><strong>{label}</strong>: {}</p>", items.join(", "))?;
            }
        }
        writeln!(out, "<p class=\"caveat\">{}</p>\n</div>", l.calls_caveat)?;
    }
    Ok(())
}

const STYLE: &str = include_str!("style.css");
/// The selector, the search and the two-release diff; every page works without it.
const SCRIPT: &str = include_str!("html/site.js");

mod diff_view;
mod line;
mod matrix_view;
mod search;

pub use line::site_with_line;

#[cfg(test)]
mod tests;
