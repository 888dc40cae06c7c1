//! The steps of articles → places at a version: what `resolve`, `check` and `guide` ask.
//! One snapshot and one batch per repo, read by the engine of the repo's language.

mod memo;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

pub use crate::item::Query;
use crate::languages::engine;
use crate::mapping::{Article, Mapping};
use crate::source::{SourceError, Sources};

pub use crate::item::{Candidate, Kind, Resolution, Status};

/// The engine's answers to `queries` at `snapshot`, remembered for the next run at the
/// same tree (see [`memo`]).
fn resolve_remembered(
    repo: &crate::mapping::Repo,
    snapshot: &crate::source::Snapshot,
    queries: &[Query<'_>],
) -> Result<Vec<Resolution>, SourceError> {
    let memo = memo::Memo::new(
        repo.lang,
        &repo.url,
        snapshot,
        repo.module.as_deref(),
        queries,
    );
    if let Some(resolved) = memo.as_ref().and_then(|m| m.read(snapshot, queries.len())) {
        return Ok(resolved);
    }
    let resolved = engine(repo.lang).resolve(snapshot, repo.module.as_deref(), queries)?;
    if let Some(m) = &memo {
        m.write(snapshot, &resolved);
    }
    Ok(resolved)
}

/// A resolved step of an article. JSON: the fields of [`Resolution`] plus `article`, `step`.
#[derive(Clone, Debug, Serialize)]
pub struct StepResolution {
    pub article: String,
    /// 1-based, in reading order.
    pub step: usize,
    #[serde(flatten)]
    pub resolution: Resolution,
}

impl StepResolution {
    /// Missing at the pin as the mapping says it is (`gone:`): not a problem, a fact.
    pub fn gone_as_mapped(&self, mapping: &crate::mapping::Mapping) -> bool {
        self.resolution.status == Status::Missing
            && mapping
                .article(&self.article)
                .and_then(|a| a.steps.get(self.step - 1))
                .is_some_and(|st| st.gone.is_some() && st.symbol.as_str() == self.resolution.symbol)
    }
}

/// Resolve every step of `articles`, each at its repo's pin or at `at`. One snapshot and one
/// batched lookup per repo; results come back in article and step order.
///
/// # Panics
/// If an article names a repo the mapping lacks, which validation rules out.
pub fn resolve_articles(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> Result<Vec<StepResolution>, SourceError> {
    let mut by_repo: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (ai, article) in articles.iter().enumerate() {
        for si in 0..article.steps.len() {
            by_repo
                .entry(article.repo.as_str())
                .or_default()
                .push((ai, si));
        }
    }
    let mut slots: Vec<Vec<Option<Resolution>>> =
        articles.iter().map(|a| vec![None; a.steps.len()]).collect();
    for (repo_name, steps) in by_repo {
        let repo = mapping
            .repo(repo_name)
            .expect("validated: articles name known repos");
        let snapshot = sources.snapshot(&repo.spec(), at.unwrap_or(&repo.pin))?;
        let queries: Vec<Query<'_>> = steps
            .iter()
            .map(|&(ai, si)| {
                let step = &articles[ai].steps[si];
                Query {
                    item: &step.symbol,
                    file_hint: step.file.as_deref(),
                }
            })
            .collect();
        let resolved = resolve_remembered(repo, &snapshot, &queries)?;
        for (&(ai, si), r) in steps.iter().zip(resolved) {
            slots[ai][si] = Some(r);
        }
    }
    Ok(articles
        .iter()
        .zip(slots)
        .flat_map(|(a, rs)| {
            rs.into_iter().enumerate().map(|(i, r)| StepResolution {
                article: a.id.clone(),
                step: i + 1,
                resolution: r.expect("every step resolved"),
            })
        })
        .collect())
}

/// [`resolve_articles`] one repo at a time, so that a repo that cannot be read (no mirror,
/// a version it lacks) does not sink the others: its articles get no resolutions, and its
/// error is returned beside the rest.
pub fn resolve_each_repo(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> (Vec<StepResolution>, Vec<(String, SourceError)>) {
    let mut by_repo: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
    for a in articles.iter().copied().filter(|a| !a.steps.is_empty()) {
        by_repo.entry(a.repo.as_str()).or_default().push(a);
    }
    let mut resolved = Vec::new();
    let mut failed = Vec::new();
    for (repo, group) in by_repo {
        match resolve_articles(sources, mapping, &group, at) {
            Ok(r) => resolved.extend(r),
            Err(e) => failed.push((repo.to_string(), e)),
        }
    }
    // Back in the order the articles were given.
    let rank: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    resolved.sort_by_key(|s| (rank.get(s.article.as_str()).copied(), s.step));
    (resolved, failed)
}

/// A resolved counterpart (a kube-rs item) of a step. JSON: the fields of [`Resolution`] plus
/// `article`, `step`.
#[derive(Clone, Debug, Serialize)]
pub struct CounterpartResolution {
    pub article: String,
    pub step: usize,
    #[serde(flatten)]
    pub resolution: Resolution,
}

/// Resolve the counterparts of `articles` (kube-rs items), each at its repo's pin or at
/// `at`; one snapshot and one batch per repo, in article and step order. The first repo that
/// cannot be read is the error ([`resolve_counterparts_each_repo`] goes past it).
pub fn resolve_counterparts(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> Result<Vec<CounterpartResolution>, SourceError> {
    let (resolved, failed) = resolve_counterparts_each_repo(sources, mapping, articles, at);
    match failed.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(resolved),
    }
}

/// [`resolve_counterparts`] one repo at a time, as [`resolve_each_repo`] does for steps: a
/// repo that cannot be read gets no resolutions, and its error is returned beside the rest.
///
/// # Panics
/// If a counterpart names a repo the mapping lacks, which validation rules out.
pub fn resolve_counterparts_each_repo(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> (Vec<CounterpartResolution>, Vec<(String, SourceError)>) {
    let mut by_repo: BTreeMap<&str, Vec<(&str, usize, &crate::mapping::Counterpart)>> =
        BTreeMap::new();
    for a in articles {
        for (i, step) in a.steps.iter().enumerate() {
            if let Some(c) = &step.counterpart {
                by_repo
                    .entry(c.repo.as_str())
                    .or_default()
                    .push((a.id.as_str(), i + 1, c));
            }
        }
    }
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for (repo_name, items) in by_repo {
        let repo = mapping
            .repo(repo_name)
            .expect("validated: counterparts name known repos");
        let queries: Vec<Query<'_>> = items
            .iter()
            .map(|(_, _, c)| Query {
                item: &c.symbol,
                file_hint: c.file.as_deref(),
            })
            .collect();
        let resolved = sources
            .snapshot(&repo.spec(), at.unwrap_or(&repo.pin))
            .and_then(|snapshot| {
                engine(repo.lang).resolve(&snapshot, repo.module.as_deref(), &queries)
            });
        match resolved {
            Ok(resolved) => out.extend(items.iter().zip(resolved).map(
                |((article, step, _), resolution)| CounterpartResolution {
                    article: (*article).to_string(),
                    step: *step,
                    resolution,
                },
            )),
            Err(e) => failed.push((repo_name.to_string(), e)),
        }
    }
    let order: BTreeMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    out.sort_by_key(|c| (order.get(c.article.as_str()).copied(), c.step));
    (out, failed)
}
