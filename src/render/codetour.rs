//! `CodeTour` (VS Code extension `vsls-contrib.codetour`): one `.tours/ID.tour` per article,
//! `ref` = the pinned tag, so the tour opens on a checkout of that tag.

use serde::Serialize;

use super::markdown::{code, escape, fenced_go, inline, link};
use super::{OutFile, SiteInput, words};
use crate::guide::{ArticleGuide, Lang};
use crate::resolve::Status;

#[derive(Serialize)]
struct Tour {
    #[serde(rename = "$schema")]
    schema: &'static str,
    title: String,
    description: String,
    #[serde(rename = "ref")]
    git_ref: String,
    steps: Vec<TourStep>,
}

#[derive(Serialize)]
struct TourStep {
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

pub fn write_tour(
    out: &mut impl std::io::Write,
    g: &ArticleGuide,
    lang: Lang,
) -> std::io::Result<()> {
    let l = words(lang);
    let steps = g
        .steps
        .iter()
        .map(|s| {
            let title = format!("{}. {}", s.step, s.symbol.short());
            if s.status == Status::Found {
                // CodeTour renders descriptions as Markdown, where a `command:` link runs a
                // VS Code command when clicked: notes and code are escaped like any page.
                let mut description = escape(&s.note);
                if let Some(sig) = &s.signature {
                    description = format!("{description}\n\n{}", fenced_go(sig));
                }
                if let Some(since) = &s.since_article {
                    description = format!("{description}\n\n{}: {}", l.changed, escape(since));
                }
                if let Some(e) = &s.era {
                    let place = match (&e.file, e.start_line, e.end_line, &e.permalink) {
                        (Some(file), Some(a), Some(b), Some(url)) => {
                            link(&inline(&format!("{file}:{a}-{b}")), url)
                        }
                        _ => l.not_at_era.to_string(),
                    };
                    description = format!(
                        "{description}\n\n{} ({}): {place}",
                        l.at_era,
                        escape(&e.version)
                    );
                }
                if let Some(g) = &s.gone {
                    description = format!("{description}\n\n{} {}", l.gone_since, escape(&g.since));
                }
                if !s.calls.is_empty() {
                    let calls = super::describe_calls(s, l, |step, symbol| match step {
                        Some(n) => format!("{} {n}", l.step),
                        None => code(symbol),
                    });
                    description =
                        format!("{description}\n\n{}: {}", l.calls_next, calls.join(" · "));
                }
                // A tour walks one repository: the Rust counterpart is a link, not a stop.
                if let Some(c) = &s.counterpart {
                    let name = match &c.permalink {
                        Some(url) => link(&inline(c.symbol.as_str()), url),
                        None => inline(c.symbol.as_str()),
                    };
                    description = format!(
                        "{description}\n\n{} ({} {}): {name}\n\n{}",
                        l.counterpart,
                        inline(&c.repo),
                        inline(&c.version),
                        escape(&c.note)
                    );
                }
                TourStep {
                    title,
                    description,
                    file: s.file.clone(),
                    line: s.start_line,
                }
            } else {
                let description = format!(
                    "{}\n\n{}: {}",
                    escape(&s.note),
                    l.unresolved,
                    escape(s.reason.as_deref().unwrap_or_default())
                );
                TourStep {
                    title,
                    description,
                    file: None,
                    line: None,
                }
            }
        })
        .collect();
    let tour = Tour {
        schema: "https://aka.ms/codetour-schema",
        title: g.title.clone(),
        description: format!(
            "{} — {} ({} {})",
            link(&inline(&g.url), &g.url),
            inline(&g.author),
            inline(&g.repo),
            inline(&g.version)
        ),
        git_ref: g.version.clone(),
        steps,
    };
    serde_json::to_writer_pretty(&mut *out, &tour).map_err(std::io::Error::from)?;
    writeln!(out)
}

/// Articles without steps (no-code, series of related entries) have no tour.
pub fn site(input: &SiteInput<'_>) -> std::io::Result<Vec<OutFile>> {
    let mut files = Vec::new();
    for g in input.guides.iter().filter(|g| !g.steps.is_empty()) {
        let mut bytes = Vec::new();
        write_tour(&mut bytes, g, input.lang)?;
        files.push((format!(".tours/{}.tour", g.id), bytes));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    /// The fields `CodeTour`'s schema (<https://aka.ms/codetour-schema>) requires and types:
    /// `title` and `steps` at the top, `description` on every step, `file` a string and
    /// `line` a positive integer when present, `ref` a string.
    #[test]
    fn tours_have_the_shape_codetour_reads() {
        let mut out = Vec::new();
        write_tour(&mut out, &fixture::guide(), Lang::En).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["$schema"], "https://aka.ms/codetour-schema");
        assert_eq!(v["ref"], "v1.20.2");
        assert!(v["title"].is_string());
        let steps = v["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 3);
        for s in steps {
            assert!(s["description"].is_string() && s["title"].is_string());
        }
        assert_eq!(
            (steps[0]["file"].as_str(), steps[0]["line"].as_u64()),
            (Some("pkg/scheduler/scheduler.go"), Some(429))
        );
        assert!(
            steps[2].get("file").is_none(),
            "an unresolved step is a content-only step"
        );
        assert!(
            steps[2]["description"]
                .as_str()
                .unwrap()
                .contains("Unresolved: no declaration")
        );
    }

    #[test]
    fn hostile_notes_cannot_add_links_or_break_the_code_block() {
        use pulldown_cmark::{Event, Parser, Tag};
        let mut g = fixture::guide();
        g.url = "https://example.com/a) [run](command:workbench.action.terminal.new".into();
        g.author = "[run](command:workbench.action.terminal.new) <b>x</b>".into();
        g.steps[0].note = "[run](command:workbench.action.terminal.new) *x*".into();
        g.steps[0].signature = Some("func F() ```\n[run](command:x)".into());
        g.steps[2].reason = Some("<img src=x> [run](command:x)".into());
        let mut out = Vec::new();
        write_tour(&mut out, &g, Lang::En).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let mut texts = vec![v["description"].as_str().unwrap().to_string()];
        for s in v["steps"].as_array().unwrap() {
            texts.push(s["description"].as_str().unwrap().to_string());
        }
        for md in &texts {
            for e in Parser::new(md) {
                match e {
                    Event::Start(Tag::Link { dest_url, .. }) => assert!(
                        dest_url.starts_with("https://example.com/a%29%20"),
                        "{dest_url} in {md}"
                    ),
                    Event::Html(h) | Event::InlineHtml(h) => panic!("{h} in {md}"),
                    Event::Start(Tag::Emphasis) => panic!("emphasis in {md}"),
                    _ => {}
                }
            }
        }
        assert!(
            texts[1].contains("````go\nfunc F() ```\n[run](command:x)\n````"),
            "{}",
            texts[1]
        );
        assert!(
            texts[1]
                .ends_with("Calls next: step 2 · `k8s.io/kubernetes/pkg/scheduler.Other` (runs)"),
            "{}",
            texts[1]
        );
    }
}
