//! Everyday questions answered from the mapping alone: what to read on a component, what an
//! article reads, which article has that title, who cites that symbol. Only
//! [`resolve_hits`] opens sources, so the rest works offline and instantly.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::Error;
use crate::item::{ItemRef, Query, Resolution};
use crate::mapping::{Article, Kind, Mapping};
use crate::source::Sources;

/// What a query names, tried in this order: a component, an article id, words of a title,
/// part of a symbol cited by a step.
#[derive(Debug)]
pub enum Answer<'m> {
    Component {
        description: &'m str,
        /// In reading order ([`component_articles`]).
        articles: Vec<&'m Article>,
    },
    Article(&'m Article),
    /// Never empty.
    Titles(Vec<&'m Article>),
    /// Never empty; unresolved until [`resolve_hits`].
    Symbols(Vec<SymbolHit<'m>>),
    /// Nothing matched; the nearest known name when one is a plausible typo.
    Nothing {
        nearest: Option<String>,
    },
}

/// Classify `query` against the mapping (offline).
pub fn answer<'m>(mapping: &'m Mapping, query: &str) -> Answer<'m> {
    if let Some(description) = mapping.components.get(query) {
        return Answer::Component {
            description,
            articles: component_articles(mapping, query),
        };
    }
    if let Some(a) = mapping.article(query) {
        return Answer::Article(a);
    }
    let titled = title_matches(mapping, query);
    if !titled.is_empty() {
        return Answer::Titles(titled);
    }
    let hits = symbol_matches(mapping, query);
    if !hits.is_empty() {
        return Answer::Symbols(hits);
    }
    Answer::Nothing {
        nearest: nearest(mapping, query),
    }
}

/// The articles of `component` in reading order.
pub fn component_articles<'m>(mapping: &'m Mapping, component: &str) -> Vec<&'m Article> {
    let kind_rank = |k: Kind| match k {
        Kind::Article => 0,
        Kind::Series => 1,
        Kind::NoCode => 2,
    };
    let mut articles: Vec<(usize, &Article)> = mapping
        .articles
        .iter()
        .enumerate()
        .filter(|(_, a)| a.components.iter().any(|c| c == component))
        .collect();
    articles.sort_by_key(|(i, a)| {
        (
            a.components.first().is_none_or(|c| c != component),
            kind_rank(a.kind),
            *i,
        )
    });
    articles.into_iter().map(|(_, a)| a).collect()
}

/// Articles whose title holds the query, in mapping order. Chinese titles have no spaces
/// between words, so the query is also matched with all whitespace removed on both sides
/// (`informer分析`, `kubernetes调度器`), and a spaced query matches when each of its words
/// occurs anywhere in the title (`kubelet 启动`).
pub fn title_matches<'m>(mapping: &'m Mapping, query: &str) -> Vec<&'m Article> {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let q = squeeze(query);
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if q.is_empty() {
        return Vec::new();
    }
    mapping
        .articles
        .iter()
        .filter(|a| {
            let title = a.title.to_lowercase();
            squeeze(&title).contains(&q) || words.iter().all(|w| title.contains(w.as_str()))
        })
        .collect()
}

/// A step that names a symbol. JSON field names are stable.
#[derive(Debug, Serialize)]
pub struct Citation<'m> {
    pub article: &'m str,
    pub title: &'m str,
    /// 1-based, in reading order.
    pub step: usize,
    /// The symbol is the step's Rust counterpart, not the step's own Go symbol.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub counterpart: bool,
}

/// A distinct symbol (per repo) matching a query, who cites it, and with `--at` where it is.
#[derive(Debug, Serialize)]
pub struct SymbolHit<'m> {
    pub symbol: &'m str,
    pub repo: &'m str,
    pub cited_by: Vec<Citation<'m>>,
    /// With `--at`: the symbol at that version of `repo`.
    pub resolution: Option<Resolution>,
    /// With `--at`: why `repo` could not be read at that version.
    pub error: Option<String>,
    #[serde(skip)]
    parsed: &'m ItemRef,
    /// The first citing step's `file:` hint, so a moved declaration is noted.
    #[serde(skip)]
    file_hint: Option<&'m str>,
}

/// Symbols containing the query (case-insensitive), sorted by symbol then repo; the same
/// symbol in two repos is two hits because it resolves separately in each.
pub fn symbol_matches<'m>(mapping: &'m Mapping, query: &str) -> Vec<SymbolHit<'m>> {
    let q = query.to_lowercase();
    let mut hits: BTreeMap<(&str, &str), SymbolHit<'m>> = BTreeMap::new();
    for a in &mapping.articles {
        for (i, s) in a.steps.iter().enumerate() {
            if !s.symbol.as_str().to_lowercase().contains(&q) {
                continue;
            }
            let hit = hits
                .entry((s.symbol.as_str(), a.repo.as_str()))
                .or_insert_with(|| SymbolHit {
                    symbol: s.symbol.as_str(),
                    repo: &a.repo,
                    cited_by: Vec::new(),
                    resolution: None,
                    error: None,
                    parsed: &s.symbol,
                    file_hint: None,
                });
            hit.file_hint = hit.file_hint.or(s.file.as_deref());
            hit.cited_by.push(Citation {
                article: &a.id,
                title: &a.title,
                step: i + 1,
                counterpart: false,
            });
        }
        for (i, c) in a
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, s.counterpart.as_ref()?)))
        {
            if !c.symbol.as_str().to_lowercase().contains(&q) {
                continue;
            }
            let hit = hits
                .entry((c.symbol.as_str(), c.repo.as_str()))
                .or_insert_with(|| SymbolHit {
                    symbol: c.symbol.as_str(),
                    repo: &c.repo,
                    cited_by: Vec::new(),
                    resolution: None,
                    error: None,
                    parsed: &c.symbol,
                    file_hint: None,
                });
            hit.file_hint = hit.file_hint.or(c.file.as_deref());
            hit.cited_by.push(Citation {
                article: &a.id,
                title: &a.title,
                step: i + 1,
                counterpart: true,
            });
        }
    }
    hits.into_values().collect()
}

/// The known name nearest to a query that matched nothing: components, article ids, title
/// words and symbol names. Only a plausible typo is offered, not any far-off word.
pub fn nearest(mapping: &Mapping, query: &str) -> Option<String> {
    let q = query.to_lowercase();
    let limit = 2.max(q.chars().count() / 3);
    let title_words = mapping.articles.iter().flat_map(|a| {
        a.title
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_string)
    });
    let symbol_names = mapping
        .articles
        .iter()
        .flat_map(|a| &a.steps)
        .flat_map(|s| symbol_names(&s.symbol));
    let names: BTreeSet<String> = mapping
        .components
        .keys()
        .cloned()
        .chain(mapping.articles.iter().map(|a| a.id.clone()))
        .chain(title_words)
        .chain(symbol_names)
        .collect();
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(&q, &n.to_lowercase()), n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n)
}

/// What people type for a symbol: `pkg.Type.Method`, `Type.Method`, `Method`.
fn symbol_names(symbol: &ItemRef) -> Vec<String> {
    let mut names = vec![symbol.short().to_string(), symbol.name().to_string()];
    if symbol.name().receiver.is_some() {
        names.push(symbol.name().name.clone());
    }
    names
}

/// Resolve every hit once at `at`, one snapshot per repo. Versions are numbered per repo
/// (kubernetes `v1.30.0` is client-go `v0.30.0`), so a repo without `at` marks its own
/// hits and lets the others answer; only when no repo can be read is it an error.
pub fn resolve_hits(
    sources: &Sources,
    mapping: &Mapping,
    hits: &mut [SymbolHit<'_>],
    at: &str,
) -> Result<(), Error> {
    let repos: BTreeSet<String> = hits.iter().map(|h| h.repo.to_string()).collect();
    let mut failures = Vec::new();
    for name in &repos {
        let mine: Vec<usize> = (0..hits.len()).filter(|&i| hits[i].repo == name).collect();
        let queries: Vec<Query<'_>> = mine
            .iter()
            .map(|&i| Query {
                item: hits[i].parsed,
                file_hint: hits[i].file_hint,
            })
            .collect();
        let result = resolve_in(sources, mapping, name, at, &queries);
        match result {
            Ok(resolutions) => {
                for (i, r) in mine.into_iter().zip(resolutions) {
                    hits[i].resolution = Some(r);
                }
            }
            Err(e) => {
                for &i in &mine {
                    hits[i].error = Some(e.to_string());
                }
                failures.push(e);
            }
        }
    }
    if failures.len() == repos.len()
        && let Some(first) = failures.into_iter().next()
    {
        return Err(first);
    }
    Ok(())
}

fn resolve_in(
    sources: &Sources,
    mapping: &Mapping,
    repo: &str,
    at: &str,
    queries: &[Query<'_>],
) -> Result<Vec<Resolution>, Error> {
    let repo = known_repo(mapping, repo)?;
    let snapshot = sources.snapshot(&repo.spec(), at)?;
    Ok(crate::languages::engine(repo.lang).resolve(&snapshot, repo.module.as_deref(), queries)?)
}

/// Hits come from the mapping, whose validation ties every step to a known repo.
fn known_repo<'m>(mapping: &'m Mapping, name: &str) -> Result<&'m crate::mapping::Repo, Error> {
    mapping
        .repo(name)
        .ok_or_else(|| Error::usage(format!("unknown repo `{name}`"), None))
}

#[cfg(test)]
mod tests {
    use crate::mapping::{Origin, Step};

    use super::*;

    fn origin() -> Origin {
        Origin {
            file: "t.yaml".into(),
            line: 1,
            column: 1,
        }
    }

    fn article(id: &str, title: &str, symbols: &[&str]) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            url: format!("https://example.com/{id}"),
            alt_urls: Vec::new(),
            author: "t".into(),
            kind: Kind::Article,
            written_for: None,
            era: None,
            found: true,
            evidence: None,
            reason: None,
            entry_points: Vec::new(),
            related: Vec::new(),
            components: vec!["scheduler".into()],
            repo: "kubernetes".into(),
            steps: symbols
                .iter()
                .map(|s| Step {
                    symbol: crate::languages::engine(crate::item::Language::Go)
                        .parse(s)
                        .unwrap(),
                    file: None,
                    was: None,
                    gone: None,
                    review: None,
                    note: String::new(),
                    note_zh: String::new(),
                    origin: origin(),
                    file_origin: None,
                    review_origin: None,
                    counterpart: None,
                })
                .collect(),
            origin: origin(),
        }
    }

    fn mapping() -> Mapping {
        Mapping {
            articles: vec![
                article(
                    "custom-scheduler",
                    "自定义 Kubernetes 调度器",
                    &["k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne"],
                ),
                article(
                    "informer-zh",
                    "【kubernetes/k8s源码分析】client-go Informer分析",
                    &["k8s.io/client-go/tools/cache.Reflector.ListAndWatch"],
                ),
                article("kubelet-start", "kubelet 源码分析：启动流程", &[]),
            ],
            ..Mapping::default()
        }
    }

    fn ids<'a>(articles: &[&'a Article]) -> Vec<&'a str> {
        articles.iter().map(|a| a.id.as_str()).collect()
    }

    #[test]
    fn chinese_titles_match_by_substring_without_spaces() {
        let m = mapping();
        assert_eq!(ids(&title_matches(&m, "调度器")), ["custom-scheduler"]);
        assert_eq!(ids(&title_matches(&m, "informer分析")), ["informer-zh"]);
        assert_eq!(
            ids(&title_matches(&m, "kubernetes调度器")),
            ["custom-scheduler"]
        );
        assert_eq!(ids(&title_matches(&m, "kubelet 启动")), ["kubelet-start"]);
        assert_eq!(
            ids(&title_matches(&m, "源码分析")),
            ["informer-zh", "kubelet-start"]
        );
        assert!(title_matches(&m, "调度器 kubelet").is_empty());
        assert!(title_matches(&m, "  ").is_empty());
    }

    #[test]
    fn symbols_match_by_case_insensitive_substring() {
        let m = mapping();
        let hits = symbol_matches(&m, "cache.reflector");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].cited_by[0].article, "informer-zh");
        assert_eq!(hits[0].cited_by[0].step, 1);
        assert!(symbol_matches(&m, "nothing-like-this").is_empty());
    }

    #[test]
    fn near_misses_suggest_symbol_names_and_title_words() {
        let m = mapping();
        assert_eq!(nearest(&m, "scheduleOen").as_deref(), Some("scheduleOne"));
        assert_eq!(nearest(&m, "kubelt").as_deref(), Some("kubelet"));
        assert_eq!(nearest(&m, "zzzzzzzzzzzz"), None);
    }

    #[test]
    fn a_query_is_a_component_then_an_id_then_title_words_then_a_symbol() {
        let mut m = mapping();
        // `scheduler` is also part of a cited symbol: the component wins.
        assert!(matches!(answer(&m, "scheduler"), Answer::Symbols(_)));
        m.components
            .insert("scheduler".into(), "kube-scheduler".into());
        assert!(matches!(
            answer(&m, "scheduler"),
            Answer::Component { description: "kube-scheduler", articles } if articles.len() == 3
        ));
        assert!(matches!(answer(&m, "informer-zh"), Answer::Article(a) if a.id == "informer-zh"));
        assert!(matches!(answer(&m, "调度器"), Answer::Titles(t) if t.len() == 1));
        assert!(matches!(answer(&m, "ListAndWatch"), Answer::Symbols(h) if h.len() == 1));
        assert!(matches!(
            answer(&m, "scheduleOen"),
            Answer::Nothing { nearest: Some(n) } if n == "scheduleOne"
        ));
    }
}
