//! An mdBook: `book.toml`, `src/SUMMARY.md` (parts = components, chapters = articles in
//! reading order) and one chapter per article, rendered by [`super::markdown`].

use std::io::Write;

use super::{OutFile, SiteInput, by_component, markdown, words};
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
    for (component, members) in by_component(input) {
        writeln!(summary, "# {}\n", markdown::inline(&component))?;
        writeln!(
            intro,
            "- **{}**: {}",
            markdown::inline(&component),
            markdown::inline(&input.components[&component])
        )?;
        for i in members {
            let g = &input.guides[i];
            writeln!(summary, "- [{}]({}.md)", markdown::inline(&g.title), g.id)?;
            let mut page = Vec::new();
            markdown::write_article_with(&mut page, g, input.lang, markdown::Flowchart::Svg)?;
            files.push((format!("src/{}.md", g.id), page));
        }
        writeln!(summary)?;
    }
    files.push(("src/SUMMARY.md".to_string(), summary));
    files.push(("src/README.md".to_string(), intro));
    Ok(files)
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
}
