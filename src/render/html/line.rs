//! A site that moves through time: besides the pin's pages, one page per article per read
//! release of its version line (`{id}.{minor}.html`), a release selector on each, a page per
//! step with its code across releases (`{id}.step-{n}.html`) and the matrix (`matrix.html`).
//!
//! Every release is a real page with plain links to the others, so the site works with
//! JavaScript off; the selector only navigates between them.

use std::fmt::Write as _;

use super::{Extras, OutFile, diff_view, matrix_view, page_name, slug};
use crate::guide::ArticleGuide;
use crate::guide::line::SiteLine;
use crate::matrix::{RepoLine, State};
use crate::render::SiteInput;
use crate::render::escape::esc;
use crate::render::words::{LineWords, line_words};

/// Every file of a site with a version line: the pin's site, the matrix, a page per article
/// per read release, and a page per step across releases.
pub fn site_with_line(input: &SiteInput<'_>, line: &SiteLine) -> Vec<OutFile> {
    let t = line_words(input.lang);
    let mut files = super::shared_files(input, Some(line));
    let mut matrix = Vec::new();
    let _ = matrix_view::write_matrix(&mut matrix, input.lang, line);
    files.push(("matrix.html".to_string(), matrix));
    for guide in input.guides {
        let Some(repo_line) = line.line_of(&guide.id) else {
            let mut page = Vec::new();
            let _ = super::write_article(&mut page, guide, input.lang);
            files.push((page_name(&guide.id), page));
            continue;
        };
        let pin_column = repo_line
            .columns
            .iter()
            .position(|c| c.version.as_deref() == Some(&repo_line.pin));
        let mut page = Vec::new();
        let extras = Extras {
            nav: selector(repo_line, guide, None, t),
            steps: step_states(repo_line, guide, pin_column, t),
            script: true,
        };
        let _ = super::write_article_with(&mut page, guide, input.lang, &extras);
        files.push((page_name(&guide.id), page));
        for (col, column) in repo_line.columns.iter().enumerate() {
            let Some(view) = line.view(&guide.id, col) else {
                continue;
            };
            let extras = Extras {
                nav: selector(repo_line, guide, Some(col), t),
                steps: step_states(repo_line, guide, Some(col), t),
                script: true,
            };
            let mut page = Vec::new();
            let _ = super::write_article_with(&mut page, view, input.lang, &extras);
            files.push((release_page(&guide.id, &column.minor), page));
        }
        for step in &guide.steps {
            let mut page = Vec::new();
            let _ = diff_view::write_step_diff(
                &mut page, input.lang, line, repo_line, guide, step.step,
            );
            files.push((step_page(&guide.id, step.step), page));
        }
    }
    files
}

/// The page of an article at one release of its line.
pub(super) fn release_page(id: &str, minor: &str) -> String {
    format!("{}.{}.html", slug(id), slug(minor))
}

/// The page of one step across the releases of its line.
pub(super) fn step_page(id: &str, step: usize) -> String {
    format!("{}.step-{step}.html", slug(id))
}

/// The page of `article` at column `col`, or the pin's page for the pin's column; `None`
/// when the column was not read.
pub(super) fn column_href(line: &RepoLine, article: &str, col: usize) -> Option<String> {
    let c = &line.columns[col];
    let version = c.version.as_deref()?;
    Some(if version == line.pin {
        page_name(article)
    } else {
        release_page(article, &c.minor)
    })
}

/// `v1.13 · article's era`, `v1.37 · pin`.
fn column_label(line: &RepoLine, article: &str, col: usize, t: &LineWords) -> String {
    let c = &line.columns[col];
    let mut label = c.version.clone().unwrap_or_else(|| c.minor.clone());
    let era = line
        .articles
        .iter()
        .find(|a| a.id == article)
        .and_then(|a| a.era.as_deref());
    if era == Some(c.minor.as_str()) {
        let _ = write!(label, " · {}", t.era);
    }
    if c.version.as_deref() == Some(&line.pin) {
        let _ = write!(label, " · {}", t.pin);
    }
    if c.version.is_none() {
        let _ = write!(label, " · {}", t.not_read);
    }
    label
}

/// The release selector: a `<select>` that `site.js` shows and makes navigate, and the same
/// releases as plain links for readers without scripts. `at` is the page's column, `None` for
/// the pin's page.
fn selector(line: &RepoLine, guide: &ArticleGuide, at: Option<usize>, t: &LineWords) -> String {
    let pin_column = line
        .columns
        .iter()
        .position(|c| c.version.as_deref() == Some(&line.pin));
    let current = at.or(pin_column);
    let mut options = String::new();
    let mut links = String::new();
    for col in 0..line.columns.len() {
        let label = column_label(line, &guide.id, col, t);
        let href = column_href(line, &guide.id, col);
        entry(
            &mut options,
            &mut links,
            &label,
            href.as_deref(),
            current == Some(col),
        );
    }
    if pin_column.is_none() {
        // The line stops before the pin (`--to`): the pin's page is one more release.
        let label = format!("{} · {}", line.pin, t.pin);
        let href = page_name(&guide.id);
        entry(&mut options, &mut links, &label, Some(&href), at.is_none());
    }
    format!(
        "<nav class=\"releases\" aria-label=\"{release}\">\n<label for=\"release-select\">{release}</label>\n<select id=\"release-select\" hidden>\n{options}</select>\n<ul class=\"release-links\">\n{links}</ul>\n<a class=\"to-matrix\" href=\"matrix.html\">{matrix}</a>\n</nav>\n",
        release = t.release,
        matrix = t.matrix_title,
    )
}

/// One release in the selector's options and in its plain links: the current one is marked,
/// one that was not read is listed without a link.
fn entry(options: &mut String, links: &mut String, label: &str, href: Option<&str>, here: bool) {
    let label = esc(label);
    let Some(href) = href.map(esc) else {
        let _ = writeln!(options, "<option disabled>{label}</option>");
        let _ = writeln!(links, "<li class=\"unread\">{label}</li>");
        return;
    };
    let selected = if here { " selected" } else { "" };
    let _ = writeln!(
        options,
        "<option value=\"{href}\"{selected}>{label}</option>"
    );
    if here {
        let _ = writeln!(links, "<li aria-current=\"page\">{label}</li>");
    } else {
        let _ = writeln!(links, "<li><a href=\"{href}\">{label}</a></li>");
    }
}

/// Each step's state at column `col` (or only its span when `col` is `None`), its first and
/// last release, and a link to its code across releases.
fn step_states(
    line: &RepoLine,
    guide: &ArticleGuide,
    col: Option<usize>,
    t: &LineWords,
) -> Vec<String> {
    guide
        .steps
        .iter()
        .map(|step| {
            let Some(sl) = line
                .steps
                .iter()
                .find(|s| s.article == guide.id && s.step == step.step)
            else {
                return String::new();
            };
            let mut html = String::from("<p class=\"at-release\">");
            if let Some(col) = col {
                let state = sl.states[col];
                let what = match state {
                    State::Found => t.found.to_string(),
                    State::Renamed => format!(
                        "{}, {} <code>{}</code>",
                        t.renamed,
                        t.found_as,
                        esc(sl.names[col].as_deref().unwrap_or_default())
                    ),
                    State::Missing => t.missing.to_string(),
                    State::Unread => t.not_read.to_string(),
                };
                let _ = write!(
                    html,
                    "<span class=\"state state-{}\">{} {}: {what}</span> · ",
                    state_class(state),
                    t.at,
                    esc(&line.columns[col].minor)
                );
            }
            match (&sl.since, &sl.until) {
                (Some(a), Some(b)) => {
                    let _ = write!(html, "{} {}–{}", t.exists, esc(a), esc(b));
                }
                _ => html.push_str(t.never_found),
            }
            let _ = write!(
                html,
                " · <a href=\"{}\">{}</a></p>",
                esc(&step_page(&guide.id, step.step)),
                t.compare
            );
            html
        })
        .collect()
}

/// The class suffix of a state's colour.
pub(super) fn state_class(state: State) -> &'static str {
    match state {
        State::Found => "found",
        State::Renamed => "renamed",
        State::Missing => "missing",
        State::Unread => "unread",
    }
}
