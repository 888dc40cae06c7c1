//! A step's page across releases: its declaration side by side between consecutive releases
//! where it changed and between the first and the last, pre-generated (no script needed), and
//! a pick of any two releases that `site.js` diffs in the page from the bodies embedded in it.
//!
//! Both views show the lines Go-highlighted by the same highlighter as the guides: each
//! release's body is highlighted once, line by line, and a diff only chooses lines.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::drift::{RowTag, side_by_side};
use crate::guide::line::SiteLine;
use crate::guide::{ArticleGuide, Lang};
use crate::matrix::RepoLine;
use crate::render::escape::{esc, link};
use crate::render::highlight::highlight_lines;
use crate::render::words::{LineWords, line_words};
use crate::resolve::Status;

/// Line number and code, old then new: fixed widths, so the code gets the room.
const COLUMNS: &str = "<colgroup><col class=\"ln\"><col class=\"code\"><col class=\"ln\"><col class=\"code\"></colgroup>";

/// Unchanged lines kept around each change; longer unchanged runs fold into one row.
const CONTEXT: usize = 3;

/// The step at one release, as the page embeds it for the script.
#[derive(Serialize)]
struct Body {
    /// `v1.24.3`, and ` · pin` or the era mark as the selector shows them.
    label: String,
    symbol: String,
    place: String,
    permalink: Option<String>,
    start: usize,
    /// The body's lines as text (what is compared) and highlighted (what is shown).
    text: Vec<String>,
    html: Vec<String>,
}

/// The bodies of step `step` of `guide` at each read release of `repo` where it is found,
/// oldest first, ending with the pin's.
fn bodies(line: &SiteLine, repo: &RepoLine, guide: &ArticleGuide, step: usize) -> Vec<Body> {
    let mut views: Vec<(String, &ArticleGuide)> = Vec::new();
    let mut pin_seen = false;
    for (col, c) in repo.columns.iter().enumerate() {
        let Some(version) = &c.version else { continue };
        if *version == repo.pin {
            pin_seen = true;
            views.push((version.clone(), guide));
        } else if let Some(v) = line.view(&guide.id, col) {
            views.push((version.clone(), v));
        }
    }
    if !pin_seen {
        views.push((repo.pin.clone(), guide));
    }
    views
        .into_iter()
        .filter_map(|(label, g)| {
            let s = g.steps.get(step - 1)?;
            let ex = s.excerpt.as_ref().filter(|_| s.status == Status::Found)?;
            let text: Vec<String> = ex.full.lines().map(str::to_string).collect();
            Some(Body {
                label,
                symbol: s.symbol.as_str().to_string(),
                place: format!(
                    "{}:{}-{}",
                    s.file.as_deref().unwrap_or_default(),
                    s.start_line.unwrap_or(1),
                    s.end_line.unwrap_or(1)
                ),
                permalink: s.permalink.clone(),
                start: s.start_line.unwrap_or(1),
                html: highlight_lines(&ex.full, ex.language),
                text,
            })
        })
        .collect()
}

pub(super) fn write_step_diff(
    out: &mut impl Write,
    lang: Lang,
    line: &SiteLine,
    repo: &RepoLine,
    guide: &ArticleGuide,
    step: usize,
) -> io::Result<()> {
    let t = line_words(lang);
    let s = &guide.steps[step - 1];
    let short = s.symbol.short();
    super::head(
        out,
        lang,
        &format!("{short} {} · {} · k8s-study", t.diff_title, guide.title),
        true,
    )?;
    writeln!(
        out,
        "<nav class=\"back\"><a href=\"{}#step-{step}\">← {}</a> · <a href=\"matrix.html\">{}</a></nav>",
        esc(&super::page_name(&guide.id)),
        esc(&guide.title),
        t.matrix_title
    )?;
    writeln!(
        out,
        "<header>\n<h1><span class=\"num\">{step}</span> <code>{}</code> {}</h1>\n<p class=\"lede\">{}</p>\n</header>",
        esc(short),
        t.diff_title,
        t.diff_lede
    )?;
    let bodies = bodies(line, repo, guide, step);
    if bodies.is_empty() {
        writeln!(out, "<p class=\"notice\">{}</p>", t.no_body)?;
        return writeln!(out, "</main>\n</body>\n</html>");
    }
    pick(out, &bodies, t)?;
    writeln!(out, "<section class=\"pairs\">")?;
    for pair in bodies.windows(2) {
        pair_html(out, &pair[0], &pair[1], t)?;
    }
    if bodies.len() > 2 {
        pair_html(out, &bodies[0], &bodies[bodies.len() - 1], t)?;
    }
    writeln!(out, "</section>\n</main>\n</body>\n</html>")
}

/// The two-release pick: hidden until the script shows it, with the bodies as JSON.
fn pick(out: &mut impl Write, bodies: &[Body], t: &LineWords) -> io::Result<()> {
    let options = |selected: usize| -> String {
        bodies
            .iter()
            .enumerate()
            .fold(String::new(), |mut html, (i, b)| {
                let _ = write!(
                    html,
                    "<option value=\"{i}\"{}>{}</option>",
                    if i == selected { " selected" } else { "" },
                    esc(&b.label)
                );
                html
            })
    };
    writeln!(
        out,
        "<section class=\"pick\" id=\"pick\" hidden>\n<h2>{}</h2>\n<p><label for=\"diff-from\">{}</label> <select id=\"diff-from\">{}</select> <label for=\"diff-to\">{}</label> <select id=\"diff-to\">{}</select></p>\n<div id=\"diff-pick\"></div>\n</section>",
        t.diff_pick,
        t.from,
        options(0),
        t.to,
        options(bodies.len() - 1)
    )?;
    let json = serde_json::to_string(bodies).unwrap_or_else(|_| "[]".into());
    // `<` escaped inside the JSON strings: nothing in a body can close the script element.
    writeln!(
        out,
        "<script type=\"application/json\" id=\"bodies\">{}</script>",
        json.replace('<', "\\u003c")
    )
}

/// One side-by-side table, or one line when the two bodies are the same.
fn pair_html(out: &mut impl Write, old: &Body, new: &Body, t: &LineWords) -> io::Result<()> {
    let id = format!("{}-{}", super::slug(&old.label), super::slug(&new.label));
    if old.text == new.text && old.symbol == new.symbol {
        return writeln!(
            out,
            "<p class=\"same\" id=\"{}\">{} → {}: {}</p>",
            esc(&id),
            esc(&old.label),
            esc(&new.label),
            t.unchanged
        );
    }
    let joined = |b: &Body| {
        let mut s = b.text.join("\n");
        s.push('\n');
        s
    };
    let rows = side_by_side(&joined(old), &joined(new));
    writeln!(
        out,
        "<table class=\"diff\" id=\"{}\">\n<caption>{} → {}</caption>\n{COLUMNS}",
        esc(&id),
        esc(&old.label),
        esc(&new.label)
    )?;
    writeln!(
        out,
        "<thead><tr><th scope=\"col\" colspan=\"2\">{}</th><th scope=\"col\" colspan=\"2\">{}</th></tr></thead>\n<tbody>",
        side_head(old),
        side_head(new)
    )?;
    // Rows near a change are shown; a longer unchanged run folds into one row.
    let near: Vec<bool> = (0..rows.len())
        .map(|i| {
            let lo = i.saturating_sub(CONTEXT);
            let hi = (i + CONTEXT + 1).min(rows.len());
            rows[lo..hi].iter().any(|r| r.tag != RowTag::Equal)
        })
        .collect();
    let mut i = 0;
    while i < rows.len() {
        if !near[i] {
            let run = near[i..].iter().take_while(|n| !**n).count();
            writeln!(
                out,
                "<tr class=\"fold\"><td colspan=\"4\">⋯ {run} {}</td></tr>",
                t.unchanged
            )?;
            i += run;
            continue;
        }
        let r = rows[i];
        let class = match r.tag {
            RowTag::Equal => "eq",
            RowTag::Changed => "chg",
            RowTag::Removed => "del",
            RowTag::Added => "add",
        };
        let side = |b: &Body, at: Option<usize>| match at {
            Some(k) => format!(
                "<td class=\"ln\">{}</td><td class=\"code\"><code>{}</code></td>",
                b.start + k,
                b.html.get(k).map_or("", String::as_str)
            ),
            None => "<td class=\"ln\"></td><td class=\"code empty\"></td>".to_string(),
        };
        writeln!(
            out,
            "<tr class=\"{class}\">{}{}</tr>",
            side(old, r.old),
            side(new, r.new)
        )?;
        i += 1;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// `v1.24.3 · pkg/x.go:10-20`, the place linked to its permalink.
fn side_head(b: &Body) -> String {
    let place = format!("<code>{}</code>", esc(&b.place));
    format!(
        "{} · {}",
        esc(&b.label),
        b.permalink
            .as_deref()
            .map_or_else(|| place.clone(), |p| link(p, &place))
    )
}
