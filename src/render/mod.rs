//! Renderers of the guide model: each turns [`ArticleGuide`]s into files (path, bytes) or
//! writes one article to any `impl Write`, so tests render into buffers.

pub mod codetour;
mod escape;
mod flowchart;
pub mod heatmap;
mod highlight;
pub mod html;
pub mod json;
mod line_md;
pub mod markdown;
pub mod mdbook;
pub mod words;

use std::collections::BTreeMap;

use crate::guide::{ArticleGuide, Lang};
pub use words::{Words, words};

/// A rendered file: a relative path inside the output folder and its bytes.
pub type OutFile = (String, Vec<u8>);

/// What every site renderer needs besides the guides.
pub struct SiteInput<'a> {
    pub guides: &'a [ArticleGuide],
    /// Component → one-line description, for indexes.
    pub components: &'a BTreeMap<String, String>,
    pub lang: Lang,
    /// The version line of the guides' articles when one was asked for (`--from`/`--to`),
    /// else empty.
    pub line: &'a [crate::matrix::RepoLine],
}

/// Articles per component in reading order, for indexes: (component, indices into guides).
pub fn by_component(input: &SiteInput<'_>) -> Vec<(String, Vec<usize>)> {
    input
        .components
        .keys()
        .map(|c| {
            let members: Vec<usize> = (0..input.guides.len())
                .filter(|&i| input.guides[i].components.first() == Some(c))
                .collect();
            (c.clone(), members)
        })
        .filter(|(_, m)| !m.is_empty())
        .collect()
}

/// Each call edge of a step as Markdown text: its target through `link` (step number or
/// symbol), and how it is reached (runs, promoted, an interface and where it may dispatch).
pub(crate) fn describe_calls(
    s: &crate::guide::StepGuide,
    l: &Words,
    link: impl Fn(Option<usize>, &str) -> String,
) -> Vec<String> {
    use crate::item::EdgeKind;
    s.calls
        .iter()
        .map(|c| {
            let target = link(c.step, &c.symbol);
            match c.kind {
                EdgeKind::Direct => target,
                EdgeKind::Runs => format!("{target} ({})", l.kind_runs),
                EdgeKind::Promoted => format!("{target} ({})", l.kind_promoted),
                EdgeKind::Interface => {
                    let to: Vec<String> = c
                        .may_dispatch_to
                        .iter()
                        .map(|d| link(d.step, d.symbol.as_str()))
                        .collect();
                    format!(
                        "{} ({} {})",
                        link(None, &c.symbol),
                        l.kind_interface,
                        to.join(", ")
                    )
                }
            }
        })
        .collect()
}

#[cfg(test)]
pub mod fixture {
    //! A hand-built guide for renderer tests: two found steps (one calling the other), one
    //! unresolved, hostile text in the places users write.

    use crate::guide::{ArticleGuide, Excerpt, StepGuide};
    use crate::item::Kind as DeclKind;
    use crate::item::Language;
    use crate::mapping::Kind;
    use crate::matrix::{ArticleLine, Cell, Column, RepoLine, State, StepLine};
    use crate::resolve::Status;

    /// # Panics
    /// If a fixture symbol is not valid Go.
    pub fn step(n: usize, symbol: &str, status: Status) -> StepGuide {
        let found = status == Status::Found;
        StepGuide {
            step: n,
            symbol: crate::languages::parse(crate::item::Language::Go, symbol).unwrap(),
            was: None,
            note: format!("note {n}"),
            status,
            reason: (!found).then(|| "no declaration of X in package y".to_string()),
            kind: found.then_some(DeclKind::Method),
            signature: found.then(|| "func (s *Scheduler) scheduleOne(ctx context.Context)".to_string()),
            doc: found.then(|| "scheduleOne does the work.".to_string()),
            file: found.then(|| "pkg/scheduler/scheduler.go".to_string()),
            start_line: found.then_some(429),
            end_line: found.then_some(431),
            permalink: found.then(|| "https://github.com/kubernetes/kubernetes/blob/v1.20.2/pkg/scheduler/scheduler.go#L429-L431".to_string()),
            excerpt: found.then(|| Excerpt { text: "func (s *Scheduler) scheduleOne() {\n\ts.next()\n}".into(), elided_lines: 0, full: String::new(), language: Language::Go }),
            calls_steps: Vec::new(),
            calls_mapped: Vec::new(),
            calls: Vec::new(),
            since_article: None,
            era: None,
            gone: None,
            counterpart: None,
        }
    }

    /// # Panics
    /// If a fixture symbol is not valid Go.
    pub fn guide() -> ArticleGuide {
        let mut s1 = step(
            1,
            "k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne",
            Status::Found,
        );
        let other = crate::languages::parse(
            crate::item::Language::Go,
            "k8s.io/kubernetes/pkg/scheduler.Other",
        )
        .unwrap();
        s1.calls_steps = vec![2];
        s1.calls_mapped = vec![other.clone()];
        s1.calls = vec![
            crate::guide::StepCall {
                symbol: "k8s.io/kubernetes/pkg/scheduler.Scheduler.next".into(),
                step: Some(2),
                kind: crate::item::EdgeKind::Direct,
                may_dispatch_to: Vec::new(),
            },
            crate::guide::StepCall {
                symbol: other.as_str().into(),
                step: None,
                kind: crate::item::EdgeKind::Runs,
                may_dispatch_to: Vec::new(),
            },
        ];
        s1.was = Some("genericScheduler.findNodesThatFit".into());
        let s2 = step(
            2,
            "k8s.io/kubernetes/pkg/scheduler.Scheduler.next",
            Status::Found,
        );
        let s3 = step(3, "k8s.io/kubernetes/pkg/scheduler.gone", Status::Missing);
        ArticleGuide {
            id: "sched".into(),
            title: "Scheduler *deep* dive [part 1]".into(),
            url: "https://example.com/sched".into(),
            alt_urls: vec![],
            author: "someone".into(),
            kind: Kind::Article,
            written_for: Some("v1.13".into()),
            era: None,
            era_unreachable: None,
            found: false,
            reason: None,
            entry_points: vec![],
            components: vec!["scheduler".into()],
            repo: "kubernetes".into(),
            upstream: "https://github.com/kubernetes/kubernetes".into(),
            version: "v1.20.2".into(),
            commit: Some("b313d3f8ff8f0000000000000000000000000000".into()),
            steps: vec![s1, s2, s3],
        }
    }

    fn column(minor: &str, version: Option<&str>) -> Column {
        Column {
            minor: minor.into(),
            version: version.map(Into::into),
            unread: version
                .is_none()
                .then(|| "no v1.2 release in the cache".into()),
        }
    }

    fn cell(found: usize, renamed: usize, missing: usize, unread: usize) -> Cell {
        Cell {
            found,
            renamed,
            missing,
            unread,
            steps: found + renamed + missing + unread,
        }
    }

    /// A version line of three releases (the middle one not read) for [`guide`]'s article,
    /// with two steps: one found, one renamed then missing; cells in each of the four states.
    pub fn line(title: &str) -> Vec<RepoLine> {
        use State::{Found, Missing, Renamed, Unread};
        let step =
            |n: usize, symbol: &str, states: Vec<State>, names: Vec<Option<String>>| StepLine {
                article: "sched".into(),
                step: n,
                symbol: format!("example.com/sched/sched.{symbol}"),
                states,
                names,
                since: Some("v1.1".into()),
                until: Some("v1.3".into()),
            };
        vec![RepoLine {
            repo: "sched".into(),
            pin: "v1.3.4".into(),
            columns: vec![
                column("v1.1", Some("v1.1.9")),
                column("v1.2", None),
                column("v1.3", Some("v1.3.4")),
            ],
            articles: vec![ArticleLine {
                id: "sched".into(),
                title: title.into(),
                era: Some("v1.1".into()),
                cells: vec![cell(1, 1, 0, 0), cell(0, 0, 0, 2), cell(1, 0, 1, 0)],
            }],
            steps: vec![
                step(1, "Run", vec![Found, Unread, Found], vec![None, None, None]),
                step(
                    2,
                    "Scheduler.fit",
                    vec![Renamed, Unread, Missing],
                    vec![Some("example.com/sched/sched.fitOld".into()), None, None],
                ),
            ],
        }]
    }
}
