//! Markdown study guides: one file per article plus an index; GitHub renders the Mermaid
//! flowchart. mdBook chapters reuse [`write_article`].

use std::fmt::Write as _;
use std::io::Write;

use super::{Labels, OutFile, SiteInput, by_component, labels, short_name};
use crate::guide::{ArticleGuide, Lang, StepGuide};
use crate::mapping::Kind;
use crate::resolve::Status;

/// Escape text so Markdown shows it literally (titles and notes may hold `*`, `_`, `[`...).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Inline code that cannot be broken out of: backticks are replaced (Go names never hold one).
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// The Mermaid flowchart of an article: steps in reading order (dotted), calls (solid).
pub fn mermaid(guide: &ArticleGuide) -> String {
    let mut m = String::from("```mermaid\nflowchart TD\n");
    for s in &guide.steps {
        let label = format!("{}. {}", s.step, short_name(&s.symbol))
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
        for to in &s.calls_steps {
            let _ = writeln!(m, "  s{} -->|calls| s{to}", s.step);
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
    let l = labels(lang);
    writeln!(out, "# {}\n", escape(&g.title))?;
    writeln!(
        out,
        "- {}: [{}]({}) — {}",
        l.article,
        escape(&g.title),
        g.url,
        escape(&g.author)
    )?;
    for alt in &g.alt_urls {
        writeln!(out, "- {}: <{alt}>", l.also_at)?;
    }
    let written = g
        .written_for
        .as_deref()
        .map_or_else(|| l.not_stated.to_string(), ToString::to_string);
    let commit = g
        .commit
        .as_deref()
        .map(|c| format!(" (`{}`)", &c[..c.len().min(12)]))
        .unwrap_or_default();
    writeln!(
        out,
        "- {}: {written} · {}: {} {}{commit}",
        l.written_for, l.read_at, g.repo, g.version
    )?;
    writeln!(out, "- {}: {}", l.components, g.components.join(", "))?;
    if !g.found {
        writeln!(out, "- {}", l.inferred)?;
    }
    for s in g.steps.iter().filter(|s| s.was.is_some()) {
        writeln!(
            out,
            "- {} {} → {}",
            l.renamed,
            code(s.was.as_deref().unwrap_or_default()),
            code(short_name(&s.symbol))
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
            writeln!(out, "\n{}\n", l.not_symbols)?;
        }
    }
    if g.steps.is_empty() {
        return Ok(());
    }
    match chart {
        Flowchart::Mermaid => writeln!(out, "{}", mermaid(g))?,
        Flowchart::Svg => {
            super::html::flowchart(out, &g.steps)?;
            writeln!(out)?;
        }
    }
    writeln!(out, "{}\n", l.syntactic)?;
    for s in &g.steps {
        write_step(out, s, l)?;
    }
    Ok(())
}

fn write_step(out: &mut impl Write, s: &StepGuide, l: &Labels) -> std::io::Result<()> {
    writeln!(
        out,
        "<a id=\"step-{}\"></a>\n\n## {}. {}\n",
        s.step,
        s.step,
        code(short_name(&s.symbol))
    )?;
    writeln!(out, "{}\n", escape(&s.note))?;
    if let Some(since) = &s.since_article {
        writeln!(out, "**{}**: {}\n", l.changed, escape(since))?;
    }
    if s.status != Status::Found {
        writeln!(
            out,
            "**{}**: {}\n",
            l.unresolved,
            escape(s.reason.as_deref().unwrap_or_default())
        )?;
        return Ok(());
    }
    let kind = s.kind.map(crate::golang::Kind::as_str).unwrap_or_default();
    writeln!(
        out,
        "*{kind}* · {}\n",
        code(s.signature.as_deref().unwrap_or_default())
    )?;
    if let (Some(file), Some(a), Some(b)) = (&s.file, s.start_line, s.end_line) {
        let place = format!("{file}:{a}-{b}");
        match &s.permalink {
            Some(link) => writeln!(out, "[{}]({link})\n", code(&place))?,
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
        // A fence longer than any backtick run inside the code.
        let fence = "`".repeat(3.max(longest_backtick_run(&ex.text) + 1));
        writeln!(out, "{fence}go\n{}\n{fence}\n", ex.text)?;
    }
    if !s.calls_steps.is_empty() || !s.calls_mapped.is_empty() {
        let steps: Vec<String> = s
            .calls_steps
            .iter()
            .map(|n| format!("[{} {n}](#step-{n})", l.step))
            .collect();
        let mapped: Vec<String> = s
            .calls_mapped
            .iter()
            .map(String::as_str)
            .map(code)
            .collect();
        writeln!(
            out,
            "**{}**: {}\n",
            l.calls_next,
            steps
                .into_iter()
                .chain(mapped)
                .collect::<Vec<_>>()
                .join(" · ")
        )?;
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
    l: &Labels,
) -> std::io::Result<()> {
    let name = match &c.permalink {
        Some(link) => format!("[{}]({link})", code(&c.symbol)),
        None => code(&c.symbol),
    };
    writeln!(
        out,
        "### {} · {} {}\n\n{name}\n",
        l.counterpart,
        escape(&c.repo),
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
        let kind = c.kind.map(crate::golang::Kind::as_str).unwrap_or_default();
        writeln!(out, "*{kind}* · {}\n", code(sig))?;
    }
    if let Some(ex) = &c.excerpt {
        let fence = "`".repeat(3.max(longest_backtick_run(&ex.text) + 1));
        writeln!(out, "{fence}rust\n{}\n{fence}\n", ex.text)?;
    }
    Ok(())
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `README.md` (index by component) and one `ID.md` per article.
pub fn site(input: &SiteInput<'_>) -> std::io::Result<Vec<OutFile>> {
    let l = labels(input.lang);
    let mut files = Vec::new();
    let mut index = Vec::new();
    writeln!(index, "# {}\n", l.book_title)?;
    for (component, members) in by_component(input) {
        writeln!(
            index,
            "## {component}\n\n{}\n",
            escape(&input.components[&component])
        )?;
        for i in members {
            let g = &input.guides[i];
            writeln!(
                index,
                "- [{}]({}.md) ({} {})",
                escape(&g.title),
                g.id,
                g.steps.len(),
                l.steps
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
        assert!(md.contains("Written for: v1.13 · read at: kubernetes v1.20.2 (`b313d3f8ff8f`)"));
        assert!(md.contains("The article calls it `genericScheduler.findNodesThatFit` → `scheduler.Scheduler.scheduleOne`"));
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

    #[test]
    fn markup_in_text_is_literal() {
        assert_eq!(
            escape("a_b *c* [d](e) <script>"),
            "a\\_b \\*c\\* \\[d\\](e) \\<script\\>"
        );
    }
}
