//! Static HTML site: an index grouped by component and one page per article, with the
//! reading path drawn as inline SVG and excerpts highlighted by tree-sitter-highlight.
//!
//! Self-contained on purpose (no scripts, no CDN, no web fonts): the folder opens from disk
//! and stays readable offline. Every string taken from the mapping or the Go source is
//! escaped, and a link that is not http(s) is shown as text, never put in an `href`.

use std::io::{self, Write};

use super::highlight::code_block;
use super::{OutFile, SiteInput, Words, by_component, flowchart, short_name, words};
use crate::golang::Kind as DeclKind;
use crate::guide::{ArticleGuide, Lang, StepGuide};
use crate::mapping::Kind;
use crate::resolve::Status;

/// Every file of the site: `index.html`, `style.css` and one page per article.
pub fn site(input: &SiteInput<'_>) -> Vec<OutFile> {
    let mut files = Vec::with_capacity(input.guides.len() + 2);
    // Writing into a Vec cannot fail, so the io::Results below are always Ok.
    let mut index = Vec::new();
    let _ = write_index(&mut index, input);
    files.push(("index.html".to_string(), index));
    files.push((
        "style.css".to_string(),
        format!("{STYLE}{}", flowchart::FLOWCHART_CSS).into_bytes(),
    ));
    for guide in input.guides {
        let mut page = Vec::new();
        let _ = write_article(&mut page, guide, input.lang);
        files.push((page_name(&guide.id), page));
    }
    files
}

/// One article's page.
pub fn write_article(out: &mut impl Write, guide: &ArticleGuide, lang: Lang) -> io::Result<()> {
    let l = words(lang);
    head(out, lang, &format!("{} · k8s-study", guide.title))?;
    writeln!(
        out,
        "<nav class=\"back\"><a href=\"index.html\">← {}</a></nav>",
        l.all_guides
    )?;
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
            step_html(out, step, &guide.steps, l)?;
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

fn write_index(out: &mut impl Write, input: &SiteInput<'_>) -> io::Result<()> {
    let l = words(input.lang);
    head(out, input.lang, l.title)?;
    writeln!(out, "<header>\n<h1>{}</h1>", l.title)?;
    writeln!(out, "<p class=\"lede\">{}</p>\n</header>", l.index_lede)?;
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

fn head(out: &mut impl Write, lang: Lang, title: &str) -> io::Result<()> {
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
        "<title>{}</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>",
        esc(title)
    )?;
    writeln!(out, "<body>\n<main>")
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
    let written_for = g.written_for.as_deref().map_or_else(
        || l.not_stated.to_string(),
        |v| format!("<code>{}</code>", esc(v)),
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
        .filter(|s| s.was.as_deref().is_some_and(|w| w != s.symbol))
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
                    &format!("<code>{}</code>", esc(&s.symbol))
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

fn step_html(
    out: &mut impl Write,
    s: &StepGuide,
    steps: &[StepGuide],
    l: &Words,
) -> io::Result<()> {
    let found = s.status == Status::Found;
    let class = if found { "step" } else { "step unresolved" };
    writeln!(out, "<article class=\"{class}\" id=\"step-{}\">", s.step)?;
    let (package, name) = split_symbol(&s.symbol, s.kind);
    writeln!(
        out,
        "<h3><span class=\"num\">{}</span> <code><span class=\"pkg\">{}</span>{}</code></h3>",
        s.step,
        esc(package),
        esc(name)
    )?;
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
            esc(&c.symbol)
        ),
        _ => format!("<code>{}</code>", esc(&c.symbol)),
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
        let kind = c.kind.map(crate::golang::Kind::as_str).unwrap_or_default();
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
    let targets: Vec<&StepGuide> = s
        .calls_steps
        .iter()
        .filter_map(|&n| steps.iter().find(|t| t.step == n))
        .collect();
    if !targets.is_empty() || !s.calls_mapped.is_empty() {
        writeln!(out, "<div class=\"calls\">")?;
        if !targets.is_empty() {
            let list: Vec<String> = targets
                .iter()
                .map(|t| {
                    format!(
                        "<a href=\"#step-{}\">{}. {}</a>",
                        t.step,
                        t.step,
                        esc(short_name(&t.symbol))
                    )
                })
                .collect();
            writeln!(
                out,
                "<p><strong>{}</strong>: {}</p>",
                l.calls_next,
                list.join(", ")
            )?;
        }
        if !s.calls_mapped.is_empty() {
            let list: Vec<String> = s
                .calls_mapped
                .iter()
                .map(|m| format!("<code>{}</code>", esc(m)))
                .collect();
            writeln!(
                out,
                "<p><strong>{}</strong>: {}</p>",
                l.calls_elsewhere,
                list.join(", ")
            )?;
        }
        writeln!(out, "<p class=\"caveat\">{}</p>\n</div>", l.calls_caveat)?;
    }
    Ok(())
}

/// `k8s.io/client-go/tools/cache.DeltaFIFO.Pop` → (`k8s.io/client-go/tools/cache.`,
/// `DeltaFIFO.Pop`): headings show the package quietly and the name boldly. The last path
/// element may contain dots (`gopkg.in/yaml.v2`), so a known kind says how many trailing
/// parts are the name; without one, the name starts at the first dot.
///
/// Rust paths (`kube_runtime::reflector::store::Store::get`) split the same way at `::`.
fn split_symbol(symbol: &str, kind: Option<DeclKind>) -> (&str, &str) {
    let method_like = matches!(
        kind,
        Some(DeclKind::Method | DeclKind::InterfaceMethod | DeclKind::TraitMethod)
    );
    if symbol.contains("::") {
        let seps: Vec<usize> = symbol.match_indices("::").map(|(i, _)| i).collect();
        let parts = if method_like { 2 } else { 1 };
        let cut = seps.len().checked_sub(parts).map_or(seps[0], |i| seps[i]);
        return symbol.split_at(cut + 2);
    }
    let last = symbol.rfind('/').map_or(0, |i| i + 1);
    let dots: Vec<usize> = symbol[last..]
        .match_indices('.')
        .map(|(i, _)| last + i)
        .collect();
    let cut = match kind {
        Some(_) => {
            let parts = if method_like { 2 } else { 1 };
            dots.len()
                .checked_sub(parts)
                .map(|i| dots[i])
                .or(dots.first().copied())
        }
        None => dots.first().copied(),
    };
    cut.map_or(("", symbol), |c| symbol.split_at(c + 1))
}

/// Escape text for HTML content and quoted attributes.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A link when `url` is plain http(s), otherwise just the (already escaped) text: a
/// `javascript:` or `data:` URL from a mapping must never become clickable.
fn link(url: &str, text_html: &str) -> String {
    match safe_href(url) {
        Some(href) => format!("<a href=\"{href}\">{text_html}</a>"),
        None => text_html.to_string(),
    }
}

fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_ok = ["http://", "https://"].iter().any(|p| {
        url.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    });
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (scheme_ok && clean && url.len() > "https://".len()).then(|| esc(url))
}

const STYLE: &str = include_str!("style.css");

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::guide::Excerpt;
    use crate::item::Language;
    use crate::render::highlight::highlight_lines;

    fn highlight_go(code: &str) -> String {
        highlight_lines(code, Language::Go).join("\n")
    }

    fn step(n: usize, symbol: &str) -> StepGuide {
        let code = format!(
            "func {}() {{\n\tprintln(\"hi\")\n}}",
            short_name(symbol).rsplit('.').next().unwrap()
        );
        StepGuide {
            step: n,
            symbol: symbol.to_string(),
            was: None,
            note: format!("note {n}"),
            status: Status::Found,
            reason: None,
            kind: Some(DeclKind::Func),
            signature: Some("func F()".to_string()),
            doc: Some("F does things.".to_string()),
            file: Some("pkg/f.go".to_string()),
            start_line: Some(10),
            end_line: Some(12),
            permalink: Some(
                "https://github.com/kubernetes/kubernetes/blob/v1.30.0/pkg/f.go#L10-L12"
                    .to_string(),
            ),
            excerpt: Some(Excerpt {
                text: code.clone(),
                elided_lines: 0,
                full: code,
                language: Language::Go,
            }),
            calls_steps: Vec::new(),
            calls_mapped: Vec::new(),
            since_article: None,
            counterpart: None,
        }
    }

    fn guide(id: &str, component: &str, steps: Vec<StepGuide>) -> ArticleGuide {
        ArticleGuide {
            id: id.to_string(),
            title: format!("Title of {id}"),
            url: format!("https://example.com/{id}"),
            alt_urls: Vec::new(),
            author: "someone".to_string(),
            kind: Kind::Article,
            written_for: Some("v1.13".to_string()),
            found: true,
            reason: None,
            entry_points: Vec::new(),
            components: vec![component.to_string()],
            repo: "kubernetes".to_string(),
            upstream: "https://github.com/kubernetes/kubernetes".to_string(),
            version: "v1.30.0".to_string(),
            commit: Some("0123456789abcdef0123".to_string()),
            steps,
        }
    }

    fn render(g: &ArticleGuide, lang: Lang) -> String {
        let mut buf = Vec::new();
        write_article(&mut buf, g, lang).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn hostile_data_is_escaped_and_script_urls_are_not_links() {
        let mut s = step(1, "k8s.io/x.<script>Evil</script>");
        s.note = "<script>alert(1)</script>".to_string();
        s.doc = Some("<script>doc()</script>".to_string());
        s.signature = Some("func <script>()".to_string());
        s.permalink = Some("javascript:alert(1)".to_string());
        let code = "func F() {\n\ts := \"</code><script>alert(1)</script>\"\n}";
        s.excerpt = Some(Excerpt {
            text: code.to_string(),
            elided_lines: 0,
            full: code.to_string(),
            language: Language::Go,
        });
        s.was = Some("<script>old</script>".to_string());
        let mut g = guide("evil", "informer", vec![s, step(2, "k8s.io/x.G")]);
        g.title = "<script>title()</script>".to_string();
        g.url = " JavaScript:alert(1)".to_string();
        g.alt_urls = vec![
            "data:text/html,<script>x</script>".to_string(),
            "https://ok.example/a\"b".to_string(),
        ];
        g.author = "<img src=x onerror=alert(1)>".to_string();
        g.steps[0].calls_steps = vec![2];
        let html = render(&g, Lang::En);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;title()"), "{html}");
        assert!(
            html.contains("&lt;/code&gt;&lt;script&gt;"),
            "excerpt escaped: {html}"
        );
        let lower = html.to_ascii_lowercase();
        assert!(
            !lower.contains("href=\"javascript:") && !lower.contains("href=\" javascript:"),
            "{html}"
        );
        assert!(!lower.contains("href=\"data:"), "{html}");
        assert!(
            html.contains("href=\"https://ok.example/a&quot;b\""),
            "{html}"
        );
    }

    #[test]
    fn excerpts_are_highlighted_with_classes() {
        let html = highlight_go("func F() string {\n\treturn \"hi\" // done\n}");
        assert!(
            html.contains("<span class=\"hl-keyword\">func</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-string\">&quot;hi&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-comment\">// done</span>"),
            "{html}"
        );
        assert!(html.contains("class=\"hl-type\""), "{html}");
        assert!(!html.ends_with('\n'));
        let page = render(
            &guide("a", "informer", vec![step(1, "k8s.io/x.F")]),
            Lang::En,
        );
        assert!(
            page.contains(
                "<pre class=\"code\"><code><span class=\"ln\">10</span><span class=\"hl-keyword\">func</span>"
            ),
            "{page}"
        );
    }

    #[test]
    fn function_names_are_not_hidden_by_catch_all_patterns() {
        // tree-sitter-highlight lets the last matching pattern win; without reordering,
        // `@property` / `@variable` would colour these names instead.
        let html =
            highlight_go("func (f *T) Run() {\n\tf.lock.Lock()\n\tNew(f.x)\n}\nfunc New() {}");
        assert!(
            html.contains("<span class=\"hl-function-method\">Run</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-function-method\">Lock</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-function\">New</span>("),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-property\">lock</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-type\">T</span>"), "{html}");
    }

    #[test]
    fn rust_counterpart_excerpts_are_highlighted_with_line_numbers() {
        let mut s = step(1, "k8s.io/x.F");
        let code = "pub fn get(&self) -> Option<K> {\n    None\n}";
        s.counterpart = Some(crate::guide::CounterpartGuide {
            symbol: "kube_runtime::reflector::store::Store::get".to_string(),
            repo: "kube".to_string(),
            upstream: "https://github.com/kube-rs/kube".to_string(),
            version: "1.0.0".to_string(),
            note: "A cache read.".to_string(),
            status: Status::Found,
            reason: None,
            kind: Some(DeclKind::Method),
            signature: Some("pub fn get(&self) -> Option<K>".to_string()),
            doc: None,
            file: Some("kube-runtime/src/reflector/store.rs".to_string()),
            start_line: Some(8),
            end_line: Some(10),
            permalink: None,
            excerpt: Some(Excerpt {
                text: code.to_string(),
                elided_lines: 0,
                full: code.to_string(),
                language: Language::Rust,
            }),
        });
        let page = render(&guide("a", "informer", vec![s]), Lang::En);
        let aside = &page[page.find("<aside class=\"counterpart\">").unwrap()..];
        assert!(
            aside.contains(
                "<pre class=\"code rust\"><code><span class=\"ln\">8</span><span class=\"hl-keyword\">pub</span> <span class=\"hl-keyword\">fn</span> <span class=\"hl-function\">get</span>"
            ),
            "{aside}"
        );
        assert!(aside.contains("<span class=\"ln\">10</span>}"), "{aside}");
    }

    #[test]
    fn headings_split_package_and_name() {
        let method = Some(DeclKind::Method);
        assert_eq!(
            split_symbol("k8s.io/client-go/tools/cache.DeltaFIFO.Pop", method),
            ("k8s.io/client-go/tools/cache.", "DeltaFIFO.Pop")
        );
        assert_eq!(
            split_symbol("k8s.io/client-go/tools/cache.DeltaFIFO.Pop", None),
            ("k8s.io/client-go/tools/cache.", "DeltaFIFO.Pop")
        );
        assert_eq!(
            split_symbol("gopkg.in/yaml.v2.Unmarshal", Some(DeclKind::Func)),
            ("gopkg.in/yaml.v2.", "Unmarshal")
        );
        assert_eq!(
            split_symbol("gopkg.in/yaml.v2.Decoder.Decode", method),
            ("gopkg.in/yaml.v2.", "Decoder.Decode")
        );
        assert_eq!(split_symbol("main", None), ("", "main"));
        assert_eq!(
            split_symbol(
                "kube_runtime::reflector::store::Store::get",
                Some(DeclKind::Method)
            ),
            ("kube_runtime::reflector::store::", "Store::get")
        );
        assert_eq!(
            split_symbol("kube_runtime::watcher::watcher", Some(DeclKind::Func)),
            ("kube_runtime::watcher::", "watcher")
        );
        assert_eq!(
            split_symbol("kube_core::Resource::kind", Some(DeclKind::TraitMethod)),
            ("kube_core::", "Resource::kind")
        );
    }

    #[test]
    fn elided_excerpts_keep_their_elision_line() {
        let mut s = step(1, "k8s.io/x.F");
        let text = "func F() {\n\ta()\n\t// … 68 lines elided (lines 12–79) …\n\tb()\n}";
        s.excerpt = Some(Excerpt {
            text: text.to_string(),
            elided_lines: 68,
            full: String::new(),
            language: Language::Go,
        });
        let page = render(&guide("a", "informer", vec![s]), Lang::En);
        assert!(
            page.contains(
                "<span class=\"ln\">⋮</span><span class=\"elision\">\t<span class=\"hl-comment\">// … 68 lines elided (lines 12–79) …</span></span>"
            ),
            "{page}"
        );
        // Line numbers follow the file: 10, 11, the elision, then 80 and 81 (after 68 elided).
        let numbers: Vec<&str> = page
            .split("<span class=\"ln\">")
            .skip(1)
            .map(|rest| &rest[..rest.find('<').unwrap()])
            .collect();
        assert_eq!(numbers, ["10", "11", "⋮", "80", "81"]);
    }

    #[test]
    fn unresolved_steps_show_their_reason() {
        let mut s = step(2, "k8s.io/x.Gone");
        s.status = Status::Missing;
        s.reason = Some("no declaration Gone in package x; did you mean Went?".to_string());
        s.excerpt = None;
        s.kind = None;
        s.signature = None;
        s.permalink = None;
        let mut z = s.clone();
        z.reason = None;
        let g = guide("a", "informer", vec![step(1, "k8s.io/x.F"), s]);
        let html = render(&g, Lang::En);
        assert!(
            html.contains("<article class=\"step unresolved\" id=\"step-2\">"),
            "{html}"
        );
        assert!(html.contains("Unresolved (missing): </strong>no declaration Gone in package x; did you mean Went?"), "{html}");
        assert!(html.contains("class=\"box unresolved\""), "{html}");
        let zh = render(&guide("b", "informer", vec![z]), Lang::Zh);
        assert!(zh.contains("<html lang=\"zh\">"));
        assert!(zh.contains("未解析（未找到）：</strong>未记录原因"), "{zh}");
    }

    #[test]
    fn renamed_steps_and_no_code_entries_are_explained() {
        let mut s = step(1, "k8s.io/x.New");
        s.was = Some("k8s.io/x.Old".to_string());
        let g = guide("a", "informer", vec![s]);
        let html = render(&g, Lang::En);
        assert!(
            html.contains("the article calls <code>k8s.io/x.Old</code>; at v1.30.0 it is <code>k8s.io/x.New</code>"),
            "{html}"
        );
        let mut n = guide("build", "informer", Vec::new());
        n.kind = Kind::NoCode;
        n.reason = Some("a build walkthrough".to_string());
        n.entry_points = vec!["make quick-release".to_string()];
        let html = render(&n, Lang::En);
        assert!(html.contains("a build walkthrough"), "{html}");
        assert!(html.contains("not Go symbols"), "{html}");
        assert!(html.contains("$ make quick-release"), "{html}");
        assert!(!html.contains("<svg"), "no flowchart without steps");
    }

    #[test]
    fn index_groups_by_component_and_links_pages() {
        let mut inferred = guide("sched-1", "scheduler", vec![step(1, "k8s.io/s.Run")]);
        inferred.found = false;
        inferred.kind = Kind::Series;
        let guides = vec![
            guide(
                "inf-1",
                "informer",
                vec![step(1, "k8s.io/x.F"), step(2, "k8s.io/x.G")],
            ),
            inferred,
            guide("inf-2", "informer", Vec::new()),
            guide("stray", "unlisted", Vec::new()),
        ];
        let components: BTreeMap<String, String> = [
            ("informer".to_string(), "shared informers <&>".to_string()),
            ("scheduler".to_string(), "kube-scheduler".to_string()),
        ]
        .into();
        let files = site(&SiteInput {
            guides: &guides,
            components: &components,
            lang: Lang::En,
        });
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "index.html",
                "style.css",
                "inf-1.html",
                "sched-1.html",
                "inf-2.html",
                "stray.html"
            ]
        );
        let index = String::from_utf8(files[0].1.clone()).unwrap();
        let pos = |s: &str| {
            index
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing in {index}"))
        };
        assert!(pos("<h2>informer</h2>") < pos("shared informers &lt;&amp;&gt;"));
        assert!(pos("shared informers") < pos("href=\"inf-1.html\""));
        assert!(pos("href=\"inf-1.html\"") < pos("href=\"inf-2.html\""));
        assert!(pos("href=\"inf-2.html\"") < pos("<h2>scheduler</h2>"));
        assert!(pos("<h2>scheduler</h2>") < pos("href=\"sched-1.html\""));
        assert!(pos("<h2>other</h2>") < pos("href=\"stray.html\""));
        assert!(index.contains("2 steps"), "{index}");
        assert_eq!(index.matches("path inferred</span>").count(), 1, "{index}");
        assert!(pos("href=\"sched-1.html\"") < pos("path inferred</span>"));
        assert!(index.contains("series · 1 step"), "{index}");
    }

    #[test]
    fn page_names_cannot_leave_the_folder() {
        assert_eq!(page_name("../../etc/passwd"), "-..-etc-passwd.html");
        assert_eq!(page_name("index"), "article-index.html");
        assert_eq!(page_name("javascript:x"), "javascript-x.html");
    }

    #[test]
    fn flowchart_has_a_box_per_step_and_a_path_per_call_edge() {
        let mut steps: Vec<StepGuide> = (1..=5)
            .map(|n| step(n, &format!("k8s.io/x.F{n}")))
            .collect();
        steps[0].calls_steps = vec![2, 4];
        steps[3].calls_steps = vec![1];
        steps[4].calls_steps = vec![9, 5]; // out of range and self: no edge
        steps[2].status = Status::Ambiguous;
        let mut svg = Vec::new();
        flowchart::flowchart(&mut svg, &steps).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert_eq!(svg.matches("<rect class=\"box").count(), 5, "{svg}");
        assert_eq!(svg.matches("<path class=\"call\"").count(), 3, "{svg}");
        assert_eq!(svg.matches("<line class=\"next\"").count(), 4, "{svg}");
        assert!(svg.contains(">1. x.F1</text>"), "{svg}");
        assert!(svg.contains("href=\"#step-4\""), "{svg}");
        let page = render(&guide("a", "informer", steps), Lang::En);
        assert!(page.contains("<strong>Calls next</strong>: <a href=\"#step-2\">2. x.F2</a>, <a href=\"#step-4\">4. x.F4</a>"), "{page}");
        assert!(
            page.contains("Calls are matched by name only (syntactic"),
            "{page}"
        );
    }
}
