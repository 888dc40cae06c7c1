//! Every article at its own era: where each step was at the version the article reads
//! (`written_for`, a bare minor meaning its newest served patch) and what changed between
//! then and the pin. Guides show it beside the pin's place; `check` uses it to prove that each
//! article-era name (`was:`) resolves at that version.

use std::collections::{BTreeMap, HashMap};

use indicatif::ProgressBar;
use serde::Serialize;

use crate::drift::{Category, Compared};
use crate::item::{ItemRef, Query, Status};
use crate::mapping::{Article, Mapping, Repo};
use crate::source::{Snapshot, Sources};

/// Why an era was not read when only the cache may be used.
pub const NOT_CACHED: &str = "not in the cache";

/// Whether era trees may be fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Era {
    /// No comparison.
    Off,
    /// Only versions already in the cache: never a network fetch.
    #[default]
    Cached,
    /// Fetch the article's version when needed.
    Fetch,
}

/// A step at its article's own version, and what changed since.
#[derive(Clone, Debug, Serialize)]
pub struct EraStep {
    /// The exact version read (`v1.13.0` for `written_for: v1.13`).
    pub version: String,
    /// The name read there: the step's `was`, else its symbol.
    pub symbol: String,
    pub status: Status,
    pub file: Option<String>,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
    /// The lines at the era's tag, in that version's own layout.
    pub permalink: Option<String>,
    /// Why the era name does not resolve there.
    pub reason: Option<String>,
    /// What happened between the era and the pin (absent when the era name does not
    /// resolve).
    pub since: Option<Since>,
}

/// The change from the article's version to the pin.
#[derive(Clone, Debug, Serialize)]
pub struct Since {
    pub category: Category,
    /// The symbol at the pin, when it is not the era name (renamed, moved).
    pub now: Option<String>,
    pub lines_added: usize,
    pub lines_removed: usize,
    pub detail: String,
}

/// An era that could not be read: which, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Unreachable {
    pub repo: String,
    pub version: String,
    pub articles: Vec<String>,
    pub why: String,
}

/// The exact version of `repo` an article reads, or `None` without `written_for`. A
/// Kubernetes version on a kubernetes or staging repo is put in the repo's own numbering
/// (client-go `v0.Y` for `v1.Y`); other repos' eras are their own tags.
pub fn era_version(sources: &Sources, repo: &Repo, article: &Article) -> Option<String> {
    let written_for = article.written_for.as_deref()?;
    let own = crate::versions::in_repo_numbering(repo, written_for)
        .unwrap_or_else(|| written_for.to_string());
    Some(sources.exact_version(&repo.spec(), &own))
}

/// Every step of `articles` at its article's era, keyed by (article id, 1-based step), and
/// the eras that could not be read. Articles whose era is their pin are left out.
///
/// # Panics
/// Never: groups are built from the mapping's own repos.
pub fn era_steps(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    mode: Era,
) -> (HashMap<(String, usize), EraStep>, Vec<Unreachable>) {
    let mut out = HashMap::new();
    let mut unreachable = Vec::new();
    if mode == Era::Off {
        return (out, unreachable);
    }
    let mut groups: BTreeMap<(String, String), Vec<&Article>> = BTreeMap::new();
    for a in articles.iter().filter(|a| !a.steps.is_empty()) {
        let Some(repo) = mapping.repo(&a.repo) else {
            continue;
        };
        if let Some(version) = era_version(sources, repo, a)
            && version != repo.pin
        {
            groups.entry((a.repo.clone(), version)).or_default().push(a);
        }
    }
    for ((repo_name, version), group) in groups {
        let repo = mapping.repo(&repo_name).expect("grouped from the mapping");
        let ids = || group.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
        let old = match mode {
            Era::Fetch => era_tree(sources, repo, &version, true),
            _ => era_tree(sources, repo, &version, false),
        };
        let old = match old {
            Ok(s) => s,
            Err(why) => {
                unreachable.push(Unreachable {
                    repo: repo_name.clone(),
                    version: version.clone(),
                    articles: ids(),
                    why,
                });
                continue;
            }
        };
        let version = old.version.clone();
        let new = match sources.snapshot(&repo.spec(), &repo.pin) {
            Ok(s) => s,
            Err(e) => {
                unreachable.push(Unreachable {
                    repo: repo_name.clone(),
                    version: repo.pin.clone(),
                    articles: ids(),
                    why: e.to_string(),
                });
                continue;
            }
        };
        let items: Vec<(String, usize, ItemRef)> = group
            .iter()
            .flat_map(|a| {
                a.steps.iter().enumerate().map(|(i, s)| {
                    let era = s.was.clone().unwrap_or_else(|| s.symbol.clone());
                    (a.id.clone(), i + 1, era)
                })
            })
            .collect();
        let queries: Vec<Query<'_>> = items
            .iter()
            .map(|(_, _, item)| Query {
                item,
                file_hint: None,
            })
            .collect();
        let compared = crate::drift::compare(
            repo.lang,
            &old,
            &new,
            repo.module.as_deref(),
            &queries,
            &ProgressBar::hidden(),
        );
        let compared = match compared {
            Ok(c) => c,
            Err(e) => {
                unreachable.push(Unreachable {
                    repo: repo_name.clone(),
                    version: version.clone(),
                    articles: ids(),
                    why: e.to_string(),
                });
                continue;
            }
        };
        for ((id, step, item), c) in items.into_iter().zip(compared) {
            out.insert((id, step), era_step(&old, &version, &item, c));
        }
    }
    (out, unreachable)
}

/// The era's tree, fetched or from the cache only. A patch the go command lists but cannot
/// verify (the checksum database has no record of it) gives way to the one before it: the
/// era is the minor.
fn era_tree(
    sources: &Sources,
    repo: &Repo,
    version: &str,
    fetch: bool,
) -> Result<Snapshot, String> {
    let read = |v: &str| {
        if fetch {
            sources.snapshot(&repo.spec(), v).map_err(|e| e.to_string())
        } else {
            sources
                .cached_snapshot(&repo.spec(), v)
                .ok_or_else(|| format!("{NOT_CACHED} (`--era fetch` reads it)"))
        }
    };
    let first = read(version);
    let Err(why) = first else {
        return first;
    };
    let Some((minor, patch)) = version
        .rsplit_once('.')
        .and_then(|(m, p)| Some((m, p.parse::<u32>().ok()?)))
    else {
        return Err(why);
    };
    for earlier in (patch.saturating_sub(4)..patch).rev() {
        if let Ok(s) = read(&format!("{minor}.{earlier}")) {
            return Ok(s);
        }
    }
    Err(why)
}

fn era_step(old: &Snapshot, version: &str, item: &ItemRef, c: Compared) -> EraStep {
    let Some(from) = c.from else {
        return EraStep {
            version: version.to_string(),
            symbol: item.to_string(),
            status: Status::Missing,
            file: None,
            start_line: None,
            end_line: None,
            permalink: None,
            // Drift words it for a bump ("at the pin"); here that version is the article's.
            reason: Some(c.detail.replacen(
                &format!("does not resolve at the pin {version}"),
                &format!("not at the article's version {version}"),
                1,
            )),
            since: None,
        };
    };
    let permalink = old.published(&from.file).map(|p| {
        format!(
            "{}/blob/{}/{}#L{}-L{}",
            p.repo, p.rev, p.path, from.start_line, from.end_line
        )
    });
    let now =
        c.to.as_ref()
            .filter(|t| t.symbol != item.as_str())
            .map(|t| t.symbol.clone());
    EraStep {
        version: version.to_string(),
        symbol: item.to_string(),
        status: Status::Found,
        file: Some(from.file),
        start_line: Some(from.start_line),
        end_line: Some(from.end_line),
        permalink,
        reason: None,
        since: Some(Since {
            category: c.category,
            now,
            lines_added: c.lines_added,
            lines_removed: c.lines_removed,
            detail: c.detail,
        }),
    }
}

impl Since {
    /// One line for a reader: "unchanged", "body changed (+3 −1 lines)", "renamed → X"...
    pub fn line(&self) -> String {
        let now = self
            .now
            .as_deref()
            .map(|n| format!(" → {n}"))
            .unwrap_or_default();
        match self.category {
            Category::Unchanged => "unchanged".to_string(),
            Category::BodyChanged => format!(
                "body changed (+{} −{} lines)",
                self.lines_added, self.lines_removed
            ),
            Category::SignatureChanged => format!("signature changed: {}", self.detail),
            Category::MovedFile => format!("moved to another file{now}: {}", self.detail),
            Category::MovedPackage => format!("moved to another package{now}"),
            Category::Renamed => format!("renamed{now}"),
            Category::Ambiguous => format!("now ambiguous: {}", self.detail),
            Category::Removed => "gone at the pin".to_string(),
            Category::Unresolved => format!("not read: {}", self.detail),
            Category::PathBroken => format!("path broken: {}", self.detail),
        }
    }
}
