//! `matrix.html`: the version line as the SVG heat map (`render::heatmap`), then an HTML
//! table per repo, one row per article and one
//! column per minor release. A cell's colour is its worst state and its text says the same
//! (`10/12 1r 1✗`, spelled out as `11/12 · 1 renamed · 1 missing` for screen readers and on
//! hover), so the table reads without colour; each read cell links to the article's page at
//! that release.

use std::io::{self, Write};

use super::line::{column_href, state_class};
use super::page_name;
use crate::guide::Lang;
use crate::guide::line::SiteLine;
use crate::matrix::State;
use crate::render::escape::esc;
use crate::render::words::{LineWords, line_words};

pub(super) fn write_matrix(out: &mut impl Write, lang: Lang, line: &SiteLine) -> io::Result<()> {
    let t = line_words(lang);
    let l = crate::render::words(lang);
    super::head(out, lang, &format!("{} · k8s-study", t.matrix_title), true)?;
    writeln!(
        out,
        "<nav class=\"back\"><a href=\"index.html\">← {}</a></nav>",
        l.all_guides
    )?;
    writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"lede\">{}</p>\n</header>",
        t.matrix_title, t.matrix_lede
    )?;
    // The picture first, for a look at the whole line; the tables below say the same in
    // text, link each cell, and read without colour.
    writeln!(
        out,
        "<figure class=\"heatmap\">{}</figure>",
        crate::render::heatmap::svg(
            &line.repos,
            crate::render::heatmap::Options { steps: false, lang }
        )
    )?;
    legend(out, t)?;
    for repo in &line.repos {
        writeln!(
            out,
            "<section class=\"line\" id=\"line-{}\">\n<h2>{} <span class=\"meta\">({} {})</span></h2>",
            esc(&super::slug(&repo.repo)),
            esc(&repo.repo),
            t.pin,
            esc(&repo.pin)
        )?;
        writeln!(
            out,
            "<div class=\"matrix-wrap\">\n<table class=\"matrix\">\n<caption>{}: {} … {}</caption>",
            esc(&repo.repo),
            esc(&repo.columns[0].minor),
            esc(&repo.columns[repo.columns.len() - 1].minor)
        )?;
        write!(out, "<thead><tr><th scope=\"col\">{}</th>", t.article)?;
        for c in &repo.columns {
            let title = c
                .version
                .as_deref()
                .map_or_else(|| t.not_read.to_string(), esc);
            write!(
                out,
                "<th scope=\"col\" title=\"{title}\">{}</th>",
                esc(&c.minor)
            )?;
        }
        writeln!(out, "</tr></thead>\n<tbody>")?;
        for a in &repo.articles {
            write!(
                out,
                "<tr><th scope=\"row\"><a href=\"{}\" title=\"{}\">{}</a></th>",
                esc(&page_name(&a.id)),
                esc(&a.title),
                esc(&a.id)
            )?;
            for (col, cell) in a.cells.iter().enumerate() {
                let era = a.era.as_deref() == Some(repo.columns[col].minor.as_str());
                let class = format!(
                    "cell-{}{}",
                    state_class(cell.worst()),
                    if era { " era" } else { "" }
                );
                // Short in sight (the legend says what r and ✗ are), spelled out for
                // screen readers and on hover.
                let spelled = esc(&cell.summary());
                let text = format!(
                    "<span aria-hidden=\"true\">{}</span><span class=\"sr\">{spelled}</span>",
                    esc(&cell.short())
                );
                match column_href(repo, &a.id, col) {
                    Some(href) => write!(
                        out,
                        "<td class=\"{class}\" title=\"{spelled}\"><a href=\"{}\">{text}</a></td>",
                        esc(&href)
                    )?,
                    None => write!(out, "<td class=\"{class}\" title=\"{spelled}\">{text}</td>")?,
                }
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody>\n</table>\n</div>")?;
        for c in repo.columns.iter().filter(|c| c.unread.is_some()) {
            writeln!(
                out,
                "<p class=\"meta\">{} {}: {}</p>",
                esc(&c.minor),
                t.not_read,
                esc(c.unread.as_deref().unwrap_or_default())
            )?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</main>\n</body>\n</html>")
}

/// What a colour and a mark say; the outline marks the article's own release.
fn legend(out: &mut impl Write, t: &LineWords) -> io::Result<()> {
    writeln!(out, "<ul class=\"matrix-legend\">")?;
    for (state, mark, word) in [
        (State::Found, "n/m", t.found),
        (State::Renamed, "r", t.renamed),
        (State::Missing, "✗", t.missing),
        (State::Unread, "-", t.not_read),
    ] {
        writeln!(
            out,
            "<li><span class=\"swatch cell-{}\"></span><code>{mark}</code> {word}</li>",
            state_class(state)
        )?;
    }
    writeln!(
        out,
        "<li><span class=\"swatch era-mark\"></span>{}</li>\n</ul>",
        t.era
    )
}
