//! Renderers of the guide model: each turns [`ArticleGuide`]s into files (path, bytes) or
//! writes one article to any `impl Write`, so tests render into buffers.

pub mod codetour;
pub mod html;
pub mod json;
pub mod markdown;
pub mod mdbook;

use std::collections::BTreeMap;

use crate::guide::{ArticleGuide, Lang};

/// A rendered file: a relative path inside the output folder and its bytes.
pub type OutFile = (String, Vec<u8>);

/// What every site renderer needs besides the guides.
pub struct SiteInput<'a> {
    pub guides: &'a [ArticleGuide],
    /// Component → one-line description, for indexes.
    pub components: &'a BTreeMap<String, String>,
    pub lang: Lang,
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

/// `k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne` → `scheduler.Scheduler.scheduleOne`.
pub fn short_name(symbol: &str) -> &str {
    symbol.rsplit('/').next().unwrap_or(symbol)
}

/// Fixed words of the guides, per language.
pub struct Labels {
    pub article: &'static str,
    pub also_at: &'static str,
    pub written_for: &'static str,
    pub not_stated: &'static str,
    pub read_at: &'static str,
    pub components: &'static str,
    pub inferred: &'static str,
    pub renamed: &'static str,
    pub no_code: &'static str,
    pub not_symbols: &'static str,
    pub syntactic: &'static str,
    pub unresolved: &'static str,
    pub calls_next: &'static str,
    pub step: &'static str,
    pub steps: &'static str,
    pub note: &'static str,
    pub book_title: &'static str,
    pub changed: &'static str,
    pub counterpart: &'static str,
}

pub fn labels(lang: Lang) -> &'static Labels {
    const EN: Labels = Labels {
        article: "Article",
        also_at: "Also at",
        written_for: "Written for",
        not_stated: "not stated",
        read_at: "read at",
        components: "Components",
        inferred: "The article's text was not found: this path is inferred from the code.",
        renamed: "The article calls it",
        no_code: "No Go code to read",
        not_symbols: "These are build commands, not Go symbols.",
        syntactic: "Calls are matched by name in each step's body (syntactic, no type checking).",
        unresolved: "Unresolved",
        calls_next: "Calls next",
        step: "step",
        steps: "steps",
        note: "Note",
        book_title: "Reading paths through the Kubernetes source",
        changed: "Changed",
        counterpart: "Rust counterpart",
    };
    const ZH: Labels = Labels {
        article: "原文",
        also_at: "其他地址",
        written_for: "原文版本",
        not_stated: "未注明",
        read_at: "对照版本",
        components: "组件",
        inferred: "未找到原文：此路径根据代码推断。",
        renamed: "原文中的名字",
        no_code: "没有需要阅读的 Go 代码",
        not_symbols: "以上是构建命令，不是 Go 符号。",
        syntactic: "调用关系按名字匹配（语法层面，未做类型检查）。",
        unresolved: "未解析",
        calls_next: "接下来调用",
        step: "步骤",
        steps: "步",
        note: "说明",
        book_title: "Kubernetes 源码阅读路径",
        changed: "变化",
        counterpart: "Rust 对应实现",
    };
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

#[cfg(test)]
pub mod fixture {
    //! A hand-built guide for renderer tests: two found steps (one calling the other), one
    //! unresolved, hostile text in the places users write.

    use crate::golang::Kind as DeclKind;
    use crate::guide::{ArticleGuide, Excerpt, StepGuide};
    use crate::mapping::Kind;
    use crate::resolve::Status;

    pub fn step(n: usize, symbol: &str, status: Status) -> StepGuide {
        let found = status == Status::Found;
        StepGuide {
            step: n,
            symbol: symbol.to_string(),
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
            excerpt: found.then(|| Excerpt { text: "func (s *Scheduler) scheduleOne() {\n\ts.next()\n}".into(), elided_lines: 0, full: String::new() }),
            calls_steps: Vec::new(),
            calls_mapped: Vec::new(),
            since_article: None,
            counterpart: None,
        }
    }

    pub fn guide() -> ArticleGuide {
        let mut s1 = step(
            1,
            "k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne",
            Status::Found,
        );
        s1.calls_steps = vec![2];
        s1.calls_mapped = vec!["k8s.io/kubernetes/pkg/scheduler.Other".into()];
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
}
