//! An mdBook: `book.toml`, `src/SUMMARY.md` (parts = components, chapters = articles in
//! reading order) and one chapter per article, rendered by [`super::markdown`]. With a version
//! line, each part opens with its component's heat map and each chapter ends with its steps'
//! since and until (`render::line_md`).

use std::io::Write;

use super::{OutFile, SiteInput, by_component, line_md, markdown, words};
use crate::guide::Lang;

pub fn site(input: &SiteInput<'_>) -> std::io::Result<Vec<OutFile>> {
    let l = words(input.lang);
    let language = match input.lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    };
    let book = format!(
        "[book]\ntitle = {:?}\nlanguage = \"{language}\"\nsrc = \"src\"\n\n[output.html]\nadditional-css = [\"flowchart.css\"]\n",
        l.title
    );
    let mut files = vec![
        ("book.toml".to_string(), book.into_bytes()),
        (
            "flowchart.css".to_string(),
            super::flowchart::FLOWCHART_CSS.as_bytes().to_vec(),
        ),
    ];
    let mut summary = Vec::new();
    writeln!(
        summary,
        "# Summary\n\n[{}](README.md)\n",
        markdown::escape(l.title)
    )?;
    let mut intro = Vec::new();
    writeln!(intro, "# {}\n", l.title)?;
    let mut line_pages = LinePages::default();
    for (component, members) in by_component(input) {
        writeln!(summary, "# {}\n", markdown::inline(&component))?;
        writeln!(
            intro,
            "- **{}**: {}",
            markdown::inline(&component),
            markdown::inline(&input.components[&component])
        )?;
        let guides: Vec<&crate::guide::ArticleGuide> =
            members.iter().map(|&i| &input.guides[i]).collect();
        let ids: Vec<&str> = guides.iter().map(|g| g.id.as_str()).collect();
        let lines = line_md::only(input.line, &ids);
        if !lines.is_empty() {
            let name = line_pages.name(&component);
            writeln!(summary, "- [{}]({name})", l.version_line)?;
            let mut page = Vec::new();
            line_md::component_chapter(&mut page, &component, &lines, &guides, input.lang)?;
            files.push((format!("src/{name}"), page));
        }
        for g in guides {
            writeln!(summary, "- [{}]({}.md)", markdown::inline(&g.title), g.id)?;
            let mut page = Vec::new();
            markdown::write_article_with(&mut page, g, input.lang, markdown::Flowchart::Svg)?;
            line_md::article_section(&mut page, &g.id, &lines, input.lang)?;
            files.push((format!("src/{}.md", g.id), page));
        }
        writeln!(summary)?;
    }
    files.push(("src/SUMMARY.md".to_string(), summary));
    files.push(("src/README.md".to_string(), intro));
    Ok(files)
}

/// File names of the components' version-line chapters: `line/<component>.md` (a folder of
/// their own, so no article id can take the name), kept to letters, digits and `-`
/// (components are free text) and numbered when two meet.
#[derive(Default)]
struct LinePages(Vec<String>);

impl LinePages {
    fn name(&mut self, component: &str) -> String {
        let slug: String = component
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut name = format!("line/{slug}.md");
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("line/{slug}-{n}.md");
            n += 1;
        }
        self.0.push(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::render::fixture;

    #[test]
    fn summary_has_parts_per_component_and_a_chapter_per_article() {
        let guides = vec![fixture::guide()];
        let components = BTreeMap::from([
            ("scheduler".to_string(), "kube-scheduler".to_string()),
            ("kubelet".to_string(), "node agent".to_string()),
        ]);
        let files = site(&SiteInput {
            guides: &guides,
            components: &components,
            lang: Lang::En,
            line: &[],
        })
        .unwrap();
        let get = |name: &str| {
            String::from_utf8(files.iter().find(|(p, _)| p == name).unwrap().1.clone()).unwrap()
        };
        assert_eq!(
            get("src/SUMMARY.md"),
            "# Summary\n\n[Reading paths through the Kubernetes source](README.md)\n\n# scheduler\n\n- [Scheduler \\*deep\\* dive \\[part 1\\]](sched.md)\n\n"
        );
        assert!(get("book.toml").contains("src = \"src\""));
        assert!(get("src/sched.md").starts_with("# Scheduler"));
        assert!(
            get("src/sched.md").contains("<svg class=\"flowchart\""),
            "mdBook has no Mermaid: the chart is SVG"
        );
        assert!(get("book.toml").contains("additional-css = [\"flowchart.css\"]"));
        assert!(
            !files.iter().any(|(p, _)| p.contains("kubelet")),
            "components without articles are no part"
        );
    }

    #[test]
    fn hostile_titles_and_descriptions_stay_text_in_the_summary_and_intro() {
        use pulldown_cmark::{Event, Parser, Tag};
        let mut g = fixture::guide();
        g.title = "*x* <b>y</b> [z](javascript:alert(1))\n# injected".into();
        let components = BTreeMap::from([(
            "scheduler".to_string(),
            "_kube_ <script>alert(1)</script>\n- item".to_string(),
        )]);
        let guides = vec![g];
        let files = site(&SiteInput {
            guides: &guides,
            components: &components,
            lang: Lang::En,
            line: &[],
        })
        .unwrap();
        for name in ["src/SUMMARY.md", "src/README.md"] {
            let md = String::from_utf8(files.iter().find(|(p, _)| p == name).unwrap().1.clone())
                .unwrap();
            let events: Vec<Event<'_>> = Parser::new(&md).collect();
            let count = |f: &dyn Fn(&Event<'_>) -> bool| events.iter().filter(|e| f(e)).count();
            assert_eq!(
                count(&|e| matches!(e, Event::Html(_) | Event::InlineHtml(_))),
                0,
                "{md}"
            );
            assert_eq!(
                count(&|e| matches!(e, Event::Start(Tag::Emphasis))),
                0,
                "{md}"
            );
            // Summary: `# Summary`, `# scheduler`; intro: its title. Never the injected one.
            let headings = count(&|e| matches!(e, Event::Start(Tag::Heading { .. })));
            assert_eq!(
                headings,
                if name.ends_with("SUMMARY.md") { 2 } else { 1 },
                "{md}"
            );
            let links: Vec<String> = events
                .iter()
                .filter_map(|e| match e {
                    Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                    _ => None,
                })
                .collect();
            assert!(
                links.iter().all(|l| l == "README.md" || l == "sched.md"),
                "{links:?} {md}"
            );
        }
    }

    #[test]
    fn a_version_line_adds_a_chapter_per_component_and_each_steps_span() {
        use pulldown_cmark::{Event, Parser, Tag};
        let guides = vec![fixture::guide()];
        let components = BTreeMap::from([("scheduler".to_string(), "kube-scheduler".to_string())]);
        let line = fixture::line("Scheduler <b>deep</b>\n\n# pwned");
        let files = site(&SiteInput {
            guides: &guides,
            components: &components,
            lang: Lang::En,
            line: &line,
        })
        .unwrap();
        let get = |name: &str| {
            String::from_utf8(files.iter().find(|(p, _)| p == name).unwrap().1.clone()).unwrap()
        };
        assert!(
            get("src/SUMMARY.md").contains(
                "# scheduler\n\n- [Version line](line/scheduler.md)\n- [Scheduler \\*deep\\* dive"
            ),
            "the component's line opens its part"
        );
        let chapter = get("src/line/scheduler.md");
        assert!(
            chapter.starts_with("# scheduler: Version line\n"),
            "{chapter}"
        );
        assert!(
            chapter.contains("](../sched.md) — the article's era: v1.1"),
            "{chapter}"
        );
        let page = get("src/sched.md");
        let section = &page[page.find("\n## Version line\n").expect("a section")..];
        assert!(
            section.contains("| 1 | `sched.Run` | v1.1 | v1.3 |  |"),
            "{section}"
        );
        assert!(
            section.contains("| 2 | `sched.Scheduler.fit` | v1.1 | v1.3 | `sched.fitOld` |"),
            "{section}"
        );
        // Each figure is one raw HTML block holding the SVG (a strip per step in the
        // article's); the hostile title adds no heading, and the tables stay tables.
        for (md, strips) in [(&chapter, false), (&page, true)] {
            let events: Vec<Event<'_>> = Parser::new(md).collect();
            let html: String = events
                .iter()
                .filter_map(|e| match e {
                    Event::Html(h) => Some(h.to_string()),
                    _ => None,
                })
                .collect();
            assert!(
                html.contains("<svg xmlns") && html.contains("</svg>"),
                "{md}"
            );
            assert_eq!(html.contains(">v1.1–v1.3</text>"), strips, "{html}");
            assert!(
                html.contains("Scheduler &lt;b&gt;deep&lt;/b&gt;  # pwned"),
                "{html}"
            );
            let mut in_heading = false;
            for e in &events {
                match e {
                    Event::Start(Tag::Heading { .. }) => in_heading = true,
                    Event::End(pulldown_cmark::TagEnd::Heading(_)) => in_heading = false,
                    Event::Text(t) => assert!(!(in_heading && t.contains("pwned")), "{md}"),
                    _ => {}
                }
            }
        }
        // In Chinese: the chapter, the table and the figure's legend.
        let zh = site(&SiteInput {
            guides: &guides,
            components: &components,
            lang: Lang::Zh,
            line: &line,
        })
        .unwrap();
        let zh_page = |name: &str| {
            String::from_utf8(zh.iter().find(|(p, _)| p == name).unwrap().1.clone()).unwrap()
        };
        assert!(zh_page("src/line/scheduler.md").starts_with("# scheduler: 版本线\n"));
        let page = zh_page("src/sched.md");
        assert!(
            page.contains("| # | 符号 | 起始版本 | 最后版本 | 曾用名 |"),
            "{page}"
        );
        assert!(page.contains(">✓ 存在</text>"), "{page}");
        // Without a line, neither the chapter nor the section.
        let plain = site(&SiteInput {
            guides: &guides,
            components: &components,
            lang: Lang::En,
            line: &[],
        })
        .unwrap();
        assert!(!plain.iter().any(|(p, _)| p.starts_with("src/line/")));
        assert!(
            !plain
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains("Version line"))
        );
    }

    #[test]
    fn line_chapter_names_are_plain_and_never_collide() {
        let mut pages = LinePages::default();
        assert_eq!(pages.name("Scheduler"), "line/scheduler.md");
        assert_eq!(pages.name("sched uler/../x"), "line/sched-uler----x.md");
        assert_eq!(pages.name("scheduler"), "line/scheduler-2.md");
    }
}
