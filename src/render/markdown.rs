//! Markdown study guides: one file per article plus an index; GitHub renders the Mermaid
//! flowchart. mdBook chapters reuse [`write_article`].

use std::fmt::Write as _;
use std::io::Write;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::{OutFile, SiteInput, Words, by_component, words};
use crate::guide::{ArticleGuide, Lang, StepGuide};
use crate::mapping::Kind;
use crate::resolve::Status;

/// Escape text so Markdown shows it literally (titles and notes may hold `*`, `_`, `[`...):
/// every ASCII punctuation character that can start inline markup is backslash-escaped, and
/// each line is kept from opening a block (a list, a heading underline, indented code).
/// Line breaks stay; use [`inline`] where the text must stay on one line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Leading blanks would make indented code after a blank line.
        let line = line.trim_start_matches([' ', '\t']);
        let mut chars = line.chars().peekable();
        // `- `, `+ `, `=`/`-` underlines, `1. `/`1) ` open blocks only at a line start.
        let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
        if matches!(chars.peek(), Some('-' | '+' | '=')) {
            out.push('\\');
        } else if !digits.is_empty()
            && matches!(line[digits.len()..].chars().next(), Some('.' | ')'))
        {
            out.push_str(&digits);
            out.push('\\');
            for _ in 0..digits.len() {
                chars.next();
            }
        }
        for c in chars {
            if "\\`*_[]<>#|{}~&!".contains(c) {
                out.push('\\');
                out.push(c);
            } else if c.is_control() {
                // A carriage return would end the line for Markdown; others mean nothing.
                out.push(' ');
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// [`escape`] on one line: headings, list items and link texts end at a line break.
pub fn inline(text: &str) -> String {
    escape(&text.replace(['\n', '\r'], " "))
}

/// Inline code that cannot be broken out of: backticks are replaced (Go names never hold one)
/// and line breaks become spaces.
pub(crate) fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'").replace(['\n', '\r'], " "))
}

/// A link to an http(s) URL, or the text and the URL as code when the URL has another scheme
/// (a `javascript:` link must not become clickable). What could end the destination early
/// (spaces, parentheses, angle brackets, backslashes), controls and non-ASCII characters are
/// percent-encoded.
pub(crate) fn link(text: &str, url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return format!("{text} ({})", code(url));
    }
    format!("[{text}]({})", utf8_percent_encode(url, LINK_DESTINATION))
}

/// What [`link`] percent-encodes in a destination besides non-ASCII bytes (which the crate
/// always encodes): controls, and what would end or break a Markdown link destination.
const LINK_DESTINATION: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'<')
    .add(b'>')
    .add(b'(')
    .add(b')')
    .add(b'\\')
    .add(b'`');

/// The Mermaid flowchart of an article: steps in reading order (dotted), calls (solid).
pub fn mermaid(guide: &ArticleGuide) -> String {
    let mut m = String::from("```mermaid\nflowchart TD\n");
    for s in &guide.steps {
        let label = format!("{}. {}", s.step, s.symbol.short())
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;");
        let style = if s.status == Status::Found {
            ""
        } else {
            ":::unresolved"
        };
        let _ = writeln!(m, "  s{}[\"{label}\"]{style}", s.step);
    }
    for pair in guide.steps.windows(2) {
        let _ = writeln!(m, "  s{} -.-> s{}", pair[0].step, pair[1].step);
    }
    for s in &guide.steps {
        for (to, label) in super::flowchart::step_edges(s) {
            let _ = writeln!(m, "  s{} -->|{label}| s{to}", s.step);
        }
    }
    m.push_str("  classDef unresolved stroke-dasharray: 4 4\n```\n");
    m
}

/// How an article page draws its flowchart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flowchart {
    /// A Mermaid block: GitHub renders it.
    Mermaid,
    /// Inline SVG (mdBook renders raw HTML; it has no Mermaid without a plugin).
    Svg,
}

pub fn write_article(out: &mut impl Write, g: &ArticleGuide, lang: Lang) -> std::io::Result<()> {
    write_article_with(out, g, lang, Flowchart::Mermaid)
}

pub fn write_article_with(
    out: &mut impl Write,
    g: &ArticleGuide,
    lang: Lang,
    chart: Flowchart,
) -> std::io::Result<()> {
    let l = words(lang);
    writeln!(out, "# {}\n", inline(&g.title))?;
    writeln!(
        out,
        "- {}: {} — {}",
        l.article,
        link(&inline(&g.title), &g.url),
        inline(&g.author)
    )?;
    for alt in &g.alt_urls {
        writeln!(out, "- {}: {}", l.also_at, link(&inline(alt), alt))?;
    }
    let how = l
        .era_source(g.era)
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    let written = g.written_for.as_deref().map_or_else(
        || l.not_stated.to_string(),
        |w| format!("{}{how}", inline(w)),
    );
    let commit = g
        .commit
        .as_deref()
        .map(|c| format!(" ({})", code(c.get(..12).unwrap_or(c))))
        .unwrap_or_default();
    writeln!(
        out,
        "- {}: {written} · {}: {} {}{commit}",
        l.written_for,
        l.read_at,
        inline(&g.repo),
        inline(&g.version)
    )?;
    let components: Vec<String> = g.components.iter().map(|c| inline(c)).collect();
    writeln!(out, "- {}: {}", l.components, components.join(", "))?;
    if !g.found {
        writeln!(out, "- {}", l.inferred_long)?;
    }
    for s in g.steps.iter().filter(|s| s.was.is_some()) {
        writeln!(
            out,
            "- {} {} → {}",
            l.renamed,
            code(s.was.as_deref().unwrap_or_default()),
            code(s.symbol.short())
        )?;
    }
    writeln!(out)?;
    if g.kind == Kind::NoCode {
        writeln!(
            out,
            "{}: {}\n",
            l.no_code,
            escape(g.reason.as_deref().unwrap_or_default())
        )?;
        for e in &g.entry_points {
            writeln!(out, "- {}", code(e))?;
        }
        if !g.entry_points.is_empty() {
            writeln!(out, "\n{}\n", l.entry_points)?;
        }
    }
    if g.steps.is_empty() {
        return Ok(());
    }
    match chart {
        Flowchart::Mermaid => writeln!(out, "{}", mermaid(g))?,
        Flowchart::Svg => {
            super::flowchart::flowchart(out, &g.steps)?;
            writeln!(out)?;
        }
    }
    writeln!(out, "{}\n", l.calls_caveat)?;
    for s in &g.steps {
        write_step(out, s, l)?;
    }
    Ok(())
}

/// Where the step was at the article's own version, and whether its code is gone.
fn write_era(out: &mut impl Write, s: &StepGuide, l: &Words) -> std::io::Result<()> {
    if let Some(e) = &s.era {
        let place = match (&e.file, e.start_line, e.end_line, &e.permalink) {
            (Some(file), Some(a), Some(b), Some(url)) => {
                link(&code(&format!("{file}:{a}-{b}")), url)
            }
            (Some(file), Some(a), Some(b), None) => code(&format!("{file}:{a}-{b}")),
            _ => format!(
                "{} ({})",
                l.not_at_era,
                escape(e.reason.as_deref().unwrap_or_default())
            ),
        };
        writeln!(
            out,
            "**{}** ({}, {}): {place}\n",
            l.at_era,
            escape(&e.version),
            code(&e.symbol)
        )?;
    }
    if let Some(g) = &s.gone {
        let successor = g
            .successor
            .as_deref()
            .map(|x| format!("; {}: {}", l.successor, code(x)))
            .unwrap_or_default();
        writeln!(
            out,
            "**{}** {}{successor}\n",
            l.gone_since,
            escape(&g.since)
        )?;
    }
    Ok(())
}

fn write_step(out: &mut impl Write, s: &StepGuide, l: &Words) -> std::io::Result<()> {
    writeln!(
        out,
        "<a id=\"step-{}\"></a>\n\n## {}. {}\n",
        s.step,
        s.step,
        code(s.symbol.short())
    )?;
    writeln!(out, "{}\n", escape(&s.note))?;
    if let Some(since) = &s.since_article {
        writeln!(out, "**{}**: {}\n", l.changed, escape(since))?;
    }
    write_era(out, s, l)?;
    if s.status != Status::Found {
        writeln!(
            out,
            "**{}**: {}\n",
            l.unresolved,
            escape(s.reason.as_deref().unwrap_or_default())
        )?;
        return Ok(());
    }
    let kind = s.kind.map(crate::item::Kind::as_str).unwrap_or_default();
    writeln!(
        out,
        "*{kind}* · {}\n",
        code(s.signature.as_deref().unwrap_or_default())
    )?;
    if let (Some(file), Some(a), Some(b)) = (&s.file, s.start_line, s.end_line) {
        let place = format!("{file}:{a}-{b}");
        match &s.permalink {
            Some(url) => writeln!(out, "{}\n", link(&code(&place), url))?,
            None => writeln!(out, "{}\n", code(&place))?,
        }
    }
    if let Some(doc) = s.doc.as_deref().filter(|d| !d.is_empty()) {
        for line in doc.lines() {
            writeln!(out, "> {}", escape(line))?;
        }
        writeln!(out)?;
    }
    if let Some(ex) = &s.excerpt {
        writeln!(out, "{}\n", fenced_go(&ex.text))?;
    }
    if !s.calls.is_empty() {
        let list = super::describe_calls(s, l, |step, symbol| match step {
            Some(n) => format!("[{} {n}](#step-{n})", l.step),
            None => code(symbol),
        });
        writeln!(out, "**{}**: {}\n", l.calls_next, list.join(" · "))?;
    }
    if let Some(reason) = &s.reason {
        writeln!(out, "*{}*: {}\n", l.note, escape(reason))?;
    }
    if let Some(c) = &s.counterpart {
        write_counterpart(out, c, l)?;
    }
    Ok(())
}

/// The kube-rs item beside a Go step, with its own permalink and excerpt.
fn write_counterpart(
    out: &mut impl Write,
    c: &crate::guide::CounterpartGuide,
    l: &Words,
) -> std::io::Result<()> {
    let name = match &c.permalink {
        Some(url) => link(&code(c.symbol.as_str()), url),
        None => code(c.symbol.as_str()),
    };
    writeln!(
        out,
        "### {} · {} {}\n\n{name}\n",
        l.counterpart,
        inline(&c.repo),
        code(&c.version)
    )?;
    writeln!(out, "{}\n", escape(&c.note))?;
    if c.status != Status::Found {
        writeln!(
            out,
            "**{}**: {}\n",
            l.unresolved,
            escape(c.reason.as_deref().unwrap_or_default())
        )?;
        return Ok(());
    }
    if let Some(sig) = &c.signature {
        let kind = c.kind.map(crate::item::Kind::as_str).unwrap_or_default();
        writeln!(out, "*{kind}* · {}\n", code(sig))?;
    }
    if let Some(ex) = &c.excerpt {
        let fence = "`".repeat(3.max(longest_backtick_run(&ex.text) + 1));
        writeln!(out, "{fence}rust\n{}\n{fence}\n", ex.text)?;
    }
    Ok(())
}

/// A Go code block whose fence is longer than any backtick run inside the code, so the code
/// cannot close it.
pub(crate) fn fenced_go(code: &str) -> String {
    let fence = "`".repeat(3.max(longest_backtick_run(code) + 1));
    format!("{fence}go\n{code}\n{fence}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `README.md` (index by component) and one `ID.md` per article.
pub fn site(input: &SiteInput<'_>) -> std::io::Result<Vec<OutFile>> {
    let l = words(input.lang);
    let mut files = Vec::new();
    let mut index = Vec::new();
    writeln!(index, "# {}\n", l.title)?;
    for (component, members) in by_component(input) {
        writeln!(
            index,
            "## {}\n\n{}\n",
            inline(&component),
            escape(&input.components[&component])
        )?;
        for i in members {
            let g = &input.guides[i];
            writeln!(
                index,
                "- [{}]({}.md) ({})",
                inline(&g.title),
                g.id,
                l.steps(g.steps.len())
            )?;
        }
        writeln!(index)?;
    }
    files.push(("README.md".to_string(), index));
    for g in input.guides {
        let mut page = Vec::new();
        write_article(&mut page, g, input.lang)?;
        files.push((format!("{}.md", g.id), page));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    fn render(lang: Lang) -> String {
        let mut out = Vec::new();
        write_article(&mut out, &fixture::guide(), lang).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn an_article_page_has_every_part() {
        let md = render(Lang::En);
        assert!(
            md.starts_with("# Scheduler \\*deep\\* dive \\[part 1\\]\n"),
            "titles are escaped: {md}"
        );
        assert!(md.contains("Written for: v1.13 · Read at: kubernetes v1.20.2 (`b313d3f8ff8f`)"));
        assert!(md.contains("Renamed since the article: `genericScheduler.findNodesThatFit` → `scheduler.Scheduler.scheduleOne`"));
        assert!(md.contains("<a id=\"step-1\"></a>\n\n## 1. `scheduler.Scheduler.scheduleOne`"));
        assert!(md.contains("[`pkg/scheduler/scheduler.go:429-431`](https://github.com/kubernetes/kubernetes/blob/v1.20.2/pkg/scheduler/scheduler.go#L429-L431)"));
        assert!(md.contains("> scheduleOne does the work."));
        assert!(md.contains("```go\nfunc (s *Scheduler) scheduleOne() {"));
        assert!(md.contains(
            "**Calls next**: [step 2](#step-2) · `k8s.io/kubernetes/pkg/scheduler.Other`"
        ));
        assert!(md.contains(
            "## 3. `scheduler.gone`\n\nnote 3\n\n**Unresolved**: no declaration of X in package y"
        ));
    }

    #[test]
    fn the_flowchart_has_nodes_order_and_calls() {
        let m = mermaid(&fixture::guide());
        assert!(m.contains("  s1[\"1. scheduler.Scheduler.scheduleOne\"]\n"));
        assert!(m.contains("  s3[\"3. scheduler.gone\"]:::unresolved\n"));
        assert!(m.contains("  s1 -.-> s2\n  s2 -.-> s3\n"));
        assert!(m.contains("  s1 -->|calls| s2\n"));
    }

    #[test]
    fn chinese_labels() {
        assert!(render(Lang::Zh).contains("**接下来调用**"));
    }

    /// Hostile mapping or source text in every field a page shows.
    const MARKUP: &str = "*bold* __strong__ _it_ `code` ~~gone~~ <script>alert(1)</script> [x](javascript:alert(1)) ![i](https://e.com/i.png) a|b &amp; {curly} #no \\";
    const BLOCKS: &str = "- item\n+ item\n1. one\n2) two\n    indented code\n---\n===\n> quote\n# heading\n<div>html</div>\n| a | b |\n|---|---|\n[ref]: https://evil.example\n<https://auto.example>";

    fn hostile() -> ArticleGuide {
        let mut g = fixture::guide();
        g.title = MARKUP.into();
        g.url = "https://example.com/a b)(javascript:alert(1)<script>".into();
        g.alt_urls = vec![
            "javascript:alert(1)".into(),
            "https://e.com/x><script>alert(2)</script>".into(),
        ];
        g.author = format!("{MARKUP}\n# not a heading");
        g.written_for = Some("v1 | *x* <b>".into());
        g.version = "v1.20.2<i>".into();
        g.steps[0].note = BLOCKS.into();
        g.steps[0].doc = Some(BLOCKS.into());
        g.steps[1].symbol = crate::languages::parse(
            crate::item::Language::Go,
            "k8s.io/kubernetes/pkg/scheduler.do_this_now",
        )
        .unwrap();
        g.steps[2].reason = Some(format!("{MARKUP}\n{BLOCKS}"));
        g
    }

    /// The same page shape with harmless text: what the structure must stay.
    fn benign() -> ArticleGuide {
        let mut g = fixture::guide();
        g.alt_urls = vec!["ftp://example.com/a".into(), "https://example.com/b".into()];
        g
    }

    fn parse(md: &str) -> Vec<pulldown_cmark::Event<'_>> {
        use pulldown_cmark::{Options, Parser};
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES;
        Parser::new_ext(md, options).collect()
    }

    /// How many of each block and inline element a page has, by kind.
    fn structure(md: &str) -> std::collections::BTreeMap<String, usize> {
        use pulldown_cmark::Event;
        let mut counts = std::collections::BTreeMap::new();
        for e in parse(md) {
            let key = match e {
                Event::Start(tag) => {
                    let name = format!("{tag:?}");
                    name.split(['(', ' ', '{'])
                        .next()
                        .unwrap_or_default()
                        .to_string()
                }
                Event::Html(_) | Event::InlineHtml(_) => "html".into(),
                Event::Rule => "rule".into(),
                _ => continue,
            };
            *counts.entry(key).or_insert(0) += 1;
        }
        counts
    }

    fn render_guide(g: &ArticleGuide) -> String {
        let mut out = Vec::new();
        write_article(&mut out, g, Lang::En).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hostile_text_cannot_add_markup_html_or_links() {
        use pulldown_cmark::{Event, Tag};
        let md = render_guide(&hostile());
        assert_eq!(structure(&md), structure(&render_guide(&benign())), "{md}");
        let events = parse(&md);
        // The only raw HTML is ours: the step anchors.
        for e in &events {
            if let Event::Html(h) | Event::InlineHtml(h) = e {
                assert!(
                    h.starts_with("<a id=\"step-") || h.starts_with("</a>"),
                    "{h:?} in {md}"
                );
            }
        }
        let links: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect();
        let permalink = "https://github.com/kubernetes/kubernetes/blob/v1.20.2/pkg/scheduler/scheduler.go#L429-L431";
        assert_eq!(
            links,
            [
                "https://example.com/a%20b%29%28javascript:alert%281%29%3Cscript%3E",
                "https://e.com/x%3E%3Cscript%3Ealert%282%29%3C/script%3E",
                permalink,
                "#step-2",
                permalink,
            ],
            "{md}"
        );
        // The text reads back exactly as written: the title heading, the first note.
        let text_of = |from: usize| -> String {
            let mut t = String::new();
            for e in &events[from..] {
                match e {
                    Event::Text(s) | Event::Code(s) => t.push_str(s),
                    Event::SoftBreak => t.push('\n'),
                    Event::End(_) => break,
                    _ => {}
                }
            }
            t
        };
        assert_eq!(text_of(1), MARKUP, "{md}");
        let note = events
            .iter()
            .position(|e| matches!(e, Event::Text(t) if t.starts_with("- item")))
            .unwrap_or_else(|| panic!("note not found as text: {md}"));
        assert_eq!(text_of(note), BLOCKS.replace("\n    ", "\n"), "{md}");
        assert!(md.contains("## 2. `scheduler.do_this_now`"), "{md}");
        assert!(
            md.contains("javascript:alert(1) (`javascript:alert(1)`)"),
            "{md}"
        );
    }

    #[test]
    fn link_destinations_encode_controls_and_non_ascii() {
        let md = link("t", "https://例.cn/a b\u{85}\u{7f}(x)");
        assert_eq!(md, "[t](https://%E4%BE%8B.cn/a%20b%C2%85%7F%28x%29)");
        let dest: Vec<String> = parse(&md)
            .into_iter()
            .filter_map(|e| match e {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                    Some(dest_url.to_string())
                }
                _ => None,
            })
            .collect();
        assert_eq!(dest, ["https://%E4%BE%8B.cn/a%20b%C2%85%7F%28x%29"]);
    }

    #[test]
    fn markup_in_text_is_literal() {
        assert_eq!(
            escape("a_b *c* [d](e) <script>"),
            "a\\_b \\*c\\* \\[d\\](e) \\<script\\>"
        );
        assert_eq!(
            escape("- a\n  1. b\n10) c\n=\nx ~~y~~ &amp; !"),
            "\\- a\n1\\. b\n10\\) c\n\\=\nx \\~\\~y\\~\\~ \\&amp; \\!"
        );
        assert_eq!(inline("a\n# b\r"), "a \\# b ");
    }
}
