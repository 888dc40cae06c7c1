//! Coverage of the mapping: articles per component, steps per article, text read or path
//! inferred and, when asked, how many steps resolve at their pins. `k8s-study stats` prints it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::mapping::{Article, Mapping};
use crate::resolve::{Status, resolve_articles, resolve_counterparts};
use crate::source::Sources;

/// One entry of the mapping. JSON field names are stable (`stats --format json`).
#[derive(Serialize, Default)]
pub struct ArticleRow {
    pub id: String,
    pub repo: String,
    pub kind: &'static str,
    pub found: bool,
    pub steps: usize,
    /// Steps resolved at the pin, when its repo was read (`--resolve`).
    pub resolved: Option<usize>,
    /// The pin of the entry's repo.
    pub pin: String,
    /// The version the article reads, as the mapping writes it, and how that is known.
    pub written_for: Option<String>,
    pub era: Option<crate::mapping::EraSource>,
    /// The exact version read for `written_for`, and the steps whose article-era name
    /// resolves there (`--resolve`, when that version could be read).
    pub era_version: Option<String>,
    pub at_era: Option<usize>,
    /// Why the article's version could not be read.
    pub era_unread: Option<String>,
}

/// The whole report. JSON field names are stable (`stats --format json`).
#[derive(Serialize, Default)]
pub struct Report {
    pub articles: usize,
    pub urls: usize,
    pub steps: usize,
    /// Steps with a Rust counterpart (a kube-rs item).
    pub counterparts: usize,
    pub found: usize,
    pub inferred: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    pub by_component: BTreeMap<String, usize>,
    /// Per repo: steps resolved at the pin, steps, or why the repo could not be read.
    pub resolution: BTreeMap<String, RepoResolution>,
    pub rows: Vec<ArticleRow>,
}

/// One repo's steps at its pin: how many resolved, or why the repo could not be read.
#[derive(Serialize)]
pub struct RepoResolution {
    pub pin: String,
    pub steps: usize,
    /// `None` when the repo could not be read.
    pub resolved: Option<usize>,
    /// Missing at the pin as their `gone:` says.
    pub gone: usize,
    pub error: Option<String>,
}

/// The coverage of `mapping`; with `sources`, every step also resolved at its pin, one repo
/// at a time: a repo that cannot be read is a row with its error, never the end of the report.
#[allow(clippy::too_many_lines)] // one pass per table of the report
pub fn report(mapping: &Mapping, sources: Option<&Sources>, era: crate::era::Era) -> Report {
    let m = mapping;
    let mut report = Report {
        articles: m.articles.len(),
        urls: m.articles.iter().map(|a| 1 + a.alt_urls.len()).sum(),
        steps: m.articles.iter().map(|a| a.steps.len()).sum(),
        counterparts: m
            .articles
            .iter()
            .flat_map(|a| &a.steps)
            .filter(|s| s.counterpart.is_some())
            .count(),
        found: m.articles.iter().filter(|a| a.found).count(),
        inferred: m.articles.iter().filter(|a| !a.found).count(),
        ..Report::default()
    };
    for a in &m.articles {
        *report.by_kind.entry(a.kind.as_str()).or_default() += 1;
        for c in &a.components {
            *report.by_component.entry(c.clone()).or_default() += 1;
        }
    }
    let mut resolved_by_article: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(sources) = sources {
        let mut by_repo: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
        for a in m.articles.iter().filter(|a| !a.steps.is_empty()) {
            by_repo.entry(&a.repo).or_default().push(a);
        }
        for (repo, articles) in by_repo {
            let steps = articles.iter().map(|a| a.steps.len()).sum();
            let pin = m.repo(repo).map(|r| r.pin.clone()).unwrap_or_default();
            let entry = match resolve_articles(sources, m, &articles, None) {
                Ok(results) => {
                    let found = results
                        .iter()
                        .filter(|r| r.resolution.status == Status::Found);
                    let mut resolved = 0;
                    for r in found {
                        *resolved_by_article.entry(r.article.clone()).or_default() += 1;
                        resolved += 1;
                    }
                    let gone = results.iter().filter(|r| r.gone_as_mapped(m)).count();
                    RepoResolution {
                        pin,
                        steps,
                        resolved: Some(resolved),
                        gone,
                        error: None,
                    }
                }
                Err(e) => RepoResolution {
                    pin,
                    steps,
                    resolved: None,
                    gone: 0,
                    error: Some(e.to_string()),
                },
            };
            report.resolution.insert(repo.to_string(), entry);
        }
        // Rust counterparts, per their repo, listed as `REPO (counterparts)`.
        if let Some(entry) = counterpart_resolution(sources, m, report.counterparts) {
            report.resolution.insert(
                format!("{} (counterparts)", crate::mapping::COUNTERPART_REPO),
                entry,
            );
        }
    }
    let (eras, unreachable) = match sources {
        Some(sources) => {
            let all: Vec<&Article> = m.articles.iter().collect();
            crate::era::era_steps(sources, m, &all, era)
        }
        None => Default::default(),
    };
    for a in &m.articles {
        let resolved = (sources.is_some()
            && report
                .resolution
                .get(&a.repo)
                .is_some_and(|r| r.resolved.is_some()))
        .then(|| resolved_by_article.get(&a.id).copied().unwrap_or(0));
        let pin = m.repo(&a.repo).map(|r| r.pin.clone()).unwrap_or_default();
        let mine: Vec<&crate::era::EraStep> = (1..=a.steps.len())
            .filter_map(|i| eras.get(&(a.id.clone(), i)))
            .collect();
        let era_unread = unreachable
            .iter()
            .find(|u| u.articles.contains(&a.id))
            .map(|u| u.why.clone());
        let era_version = mine.first().map(|e| e.version.clone()).or_else(|| {
            unreachable
                .iter()
                .find(|u| u.articles.contains(&a.id))
                .map(|u| u.version.clone())
        });
        let at_era =
            (!mine.is_empty()).then(|| mine.iter().filter(|e| e.status == Status::Found).count());
        report.rows.push(ArticleRow {
            id: a.id.clone(),
            repo: a.repo.clone(),
            kind: a.kind.as_str(),
            found: a.found,
            steps: a.steps.len(),
            resolved,
            pin,
            written_for: a.written_for.clone(),
            era: a.era,
            era_version,
            at_era,
            era_unread,
        });
    }
    report
}

/// Rust counterparts resolved at their repo's pin, as one row of the resolution table.
fn counterpart_resolution(
    sources: &Sources,
    mapping: &Mapping,
    count: usize,
) -> Option<RepoResolution> {
    let with: Vec<&Article> = mapping
        .articles
        .iter()
        .filter(|a| a.steps.iter().any(|s| s.counterpart.is_some()))
        .collect();
    if with.is_empty() {
        return None;
    }
    Some(match resolve_counterparts(sources, mapping, &with, None) {
        Ok(results) => RepoResolution {
            pin: results
                .first()
                .map(|r| r.resolution.version.clone())
                .unwrap_or_default(),
            steps: results.len(),
            resolved: Some(
                results
                    .iter()
                    .filter(|r| r.resolution.status == Status::Found)
                    .count(),
            ),
            gone: 0,
            error: None,
        },
        Err(e) => RepoResolution {
            pin: String::new(),
            steps: count,
            resolved: None,
            gone: 0,
            error: Some(e.to_string()),
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::item::Engine as _;
    use crate::mapping::{Kind, Origin, Step};

    use super::*;

    fn article(id: &str, kind: Kind, found: bool, components: &[&str], steps: usize) -> Article {
        let origin = Origin {
            file: "t.yaml".into(),
            line: 1,
            column: 1,
        };
        let step = Step {
            symbol: crate::golang::Go
                .parse("k8s.io/client-go/tools/cache.Reflector.ListAndWatch")
                .unwrap(),
            file: None,
            was: None,
            gone: None,
            review: None,
            note: String::new(),
            note_zh: String::new(),
            origin: origin.clone(),
            file_origin: None,
            review_origin: None,
            counterpart: None,
        };
        Article {
            id: id.into(),
            title: id.into(),
            url: format!("https://example.com/{id}"),
            alt_urls: vec!["https://example.org/mirror".into()],
            author: "t".into(),
            kind,
            written_for: None,
            era: None,
            found,
            evidence: None,
            reason: None,
            entry_points: Vec::new(),
            related: Vec::new(),
            components: components.iter().map(ToString::to_string).collect(),
            repo: "client-go".into(),
            steps: vec![step; steps],
            origin,
        }
    }

    #[test]
    fn counts_entries_links_steps_kinds_and_components_offline() {
        let m = Mapping {
            articles: vec![
                article("a", Kind::Article, true, &["informer", "client-go"], 3),
                article("b", Kind::Series, false, &["informer"], 2),
                article("c", Kind::NoCode, true, &[], 0),
            ],
            ..Mapping::default()
        };
        let r = report(&m, None, crate::era::Era::Off);
        assert_eq!((r.articles, r.urls, r.steps), (3, 6, 5));
        assert_eq!((r.found, r.inferred, r.counterparts), (2, 1, 0));
        assert_eq!(r.by_kind.get("series"), Some(&1));
        assert_eq!(r.by_component.get("informer"), Some(&2));
        assert_eq!(r.by_component.get("client-go"), Some(&1));
        assert!(r.resolution.is_empty());
        assert_eq!(r.rows.len(), 3);
        assert!(r.rows.iter().all(|row| row.resolved.is_none()));
    }
}
