//! Drift: how each step of a mapping fares at another version, and where a symbol went.
//!
//! Every item (a step, or a counterpart) is resolved at both versions in one batch per repo
//! and version, by the engine of the repo's language. An item still found is `unchanged`,
//! `body-changed`, `signature-changed` (signatures compared by the language's key, not
//! spelling) or `moved-file`. For an item gone from its package the language finds leads
//! ([`Engine::leads`](crate::item::Engine::leads): its old package at the new version, the
//! same name elsewhere, a method promoted through embedding), and this module scores and
//! classifies them the same way for every language: the same name in another package is
//! `moved-package`, a similar declaration is `renamed` (with a score, [`similarity`]),
//! several equally good ones are `ambiguous`, nothing plausible is `removed`.
//!
//! What lives where:
//! - here: the result types ([`Category`], [`Side`], [`Scored`], [`Compared`], [`StepDrift`])
//!   and the one bump loop ([`bump`]);
//! - `compare`: comparison and classification ([`compare()`], the thresholds
//!   [`RENAME_THRESHOLD`], [`CONFIDENT`], [`TIE_MARGIN`]);
//! - `textdiff`: [`line_changes`], [`unified_diff`] and [`side_by_side`] rows;
//! - [`similarity`]: the score of a candidate; [`rewrite`]: the mapping edited for a bump.
//!
//! Which tag of each repo a Kubernetes version means is [`crate::versions`].

mod compare;
mod memo;
pub mod path;
pub mod rewrite;
pub mod similarity;
mod textdiff;

use std::collections::BTreeMap;

use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};

use crate::item::{ItemRef, Query};
use crate::languages::engine;
use crate::mapping::{Article, Mapping};
use crate::source::{SourceError, Sources};
pub use compare::{CONFIDENT, RENAME_THRESHOLD, TIE_MARGIN, compare};
pub use path::PathBreak;
pub use textdiff::{Row, RowTag, line_changes, side_by_side, unified_diff};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Unchanged,
    BodyChanged,
    SignatureChanged,
    MovedFile,
    MovedPackage,
    Renamed,
    Ambiguous,
    Removed,
    /// The step does not resolve at its pin: the mapping is already broken.
    Unresolved,
    /// The step itself holds, but it called the article's next step at the pin and no
    /// longer reaches it (or only on one branch of a feature gate): see [`path`].
    PathBroken,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Self::Unchanged,
        Self::BodyChanged,
        Self::SignatureChanged,
        Self::MovedFile,
        Self::MovedPackage,
        Self::Renamed,
        Self::Ambiguous,
        Self::Removed,
        Self::Unresolved,
        Self::PathBroken,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::BodyChanged => "body-changed",
            Self::SignatureChanged => "signature-changed",
            Self::MovedFile => "moved-file",
            Self::MovedPackage => "moved-package",
            Self::Renamed => "renamed",
            Self::Ambiguous => "ambiguous",
            Self::Removed => "removed",
            Self::Unresolved => "unresolved",
            Self::PathBroken => "path-broken",
        }
    }

    /// The mapping reads the same at the new version: nothing to edit, nobody to ask.
    pub fn holds(self) -> bool {
        matches!(self, Self::Unchanged | Self::BodyChanged)
    }
}

/// One side of a comparison: where the declaration is at one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub symbol: String,
    pub version: String,
    pub commit: String,
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    pub signature: String,
}

/// A possible new home of a symbol, with its similarity (see [`similarity`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub symbol: String,
    pub file: String,
    pub start_line: usize,
    pub score: f64,
}

/// What happened to one symbol between two versions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Compared {
    pub category: Category,
    pub from: Option<Side>,
    pub to: Option<Side>,
    pub candidates: Vec<Scored>,
    pub lines_added: usize,
    pub lines_removed: usize,
    /// One sentence: why this category.
    pub detail: String,
    /// `to` can replace the step without a person (same name elsewhere, or a strong rename).
    pub confident: bool,
    #[serde(skip)]
    pub old_text: Option<String>,
    #[serde(skip)]
    pub new_text: Option<String>,
}

/// A step of an article and what happened to it. JSON: `article`, `step`, `repo`, `symbol`,
/// then the fields of [`Compared`].
#[derive(Clone, Debug, Serialize)]
pub struct StepDrift {
    pub article: String,
    pub step: usize,
    pub repo: String,
    pub symbol: String,
    /// The symbol is the step's Rust counterpart (a kube-rs item), not its Go symbol.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub counterpart: bool,
    #[serde(flatten)]
    pub compared: Compared,
    /// The step called the next one at the pin and does not reach it the same way at the
    /// new version (whatever the step's own category).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBreak>,
}

impl StepDrift {
    /// The broken path's sentence when the step's own category is something else (renamed,
    /// signature changed…): shown beside that category rather than instead of it.
    pub fn path_aside(&self) -> Option<&str> {
        self.path
            .as_ref()
            .filter(|_| self.compared.category != Category::PathBroken)
            .map(|p| p.detail.as_str())
    }
}

/// Compare every step of `articles` whose repo is in `targets`, from its pin to the target.
/// Results are in article and step order.
pub fn bump(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    targets: &BTreeMap<String, String>,
    progress: &ProgressBar,
) -> Result<Vec<StepDrift>, SourceError> {
    let mut out = Vec::new();
    for (repo_name, version) in targets {
        let Some(repo) = mapping.repo(repo_name) else {
            continue;
        };
        // A repo's items: the steps of its articles and the counterparts that name it, read
        // by one engine, the repo's language's.
        let mut items: Vec<(&Article, usize, bool, &ItemRef, Option<&str>)> = Vec::new();
        for a in articles {
            for (i, s) in a.steps.iter().enumerate() {
                if &a.repo == repo_name {
                    items.push((a, i, false, &s.symbol, s.file.as_deref()));
                }
                if let Some(c) = s.counterpart.as_ref().filter(|c| &c.repo == repo_name) {
                    items.push((a, i, true, &c.symbol, c.file.as_deref()));
                }
            }
        }
        if items.is_empty() {
            continue;
        }
        let old = sources.snapshot(&repo.spec(), &repo.pin)?;
        let new = sources.snapshot(&repo.spec(), version)?;
        let queries: Vec<Query<'_>> = items
            .iter()
            .map(|&(_, _, _, item, file_hint)| Query { item, file_hint })
            .collect();
        progress.set_message(format!("{repo_name} {} → {version}", repo.pin));
        let compared = compare(
            repo.lang,
            &old,
            &new,
            repo.module.as_deref(),
            &queries,
            progress,
        )?;
        let mut drifts: Vec<StepDrift> = items
            .iter()
            .zip(compared)
            .map(|(&(a, i, counterpart, item, _), compared)| StepDrift {
                article: a.id.clone(),
                step: i + 1,
                repo: repo_name.clone(),
                symbol: item.to_string(),
                counterpart,
                compared,
                path: None,
            })
            .collect();
        progress.set_message(format!("{repo_name}: paths between steps at {version}"));
        mark_broken_paths(
            &mut drifts,
            engine(repo.lang),
            &old,
            &new,
            repo.module.as_deref(),
        )?;
        out.extend(drifts);
    }
    let order: BTreeMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    out.sort_by_key(|d| {
        (
            order.get(d.article.as_str()).copied(),
            d.step,
            d.counterpart,
        )
    });
    Ok(out)
}

/// Follow each pair of consecutive steps of an article (both found at both versions) and
/// record where the path between them broke; a step that otherwise holds becomes
/// [`Category::PathBroken`].
fn mark_broken_paths(
    drifts: &mut [StepDrift],
    engine: &dyn crate::item::Engine,
    old: &crate::source::Snapshot,
    new: &crate::source::Snapshot,
    root_module: Option<&str>,
) -> Result<(), SourceError> {
    // Steps (not counterparts) in article and step order; `items` were pushed that way.
    let steps: Vec<usize> = (0..drifts.len())
        .filter(|&i| !drifts[i].counterpart)
        .collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for w in steps.windows(2) {
        let (a, b) = (&drifts[w[0]], &drifts[w[1]]);
        if a.article == b.article && b.step == a.step + 1 {
            pairs.push((w[0], w[1]));
        }
    }
    let mut at: Vec<usize> = Vec::new();
    let mut links: Vec<path::Link<'_>> = Vec::new();
    for &(a, b) in &pairs {
        let (x, y) = (&drifts[a].compared, &drifts[b].compared);
        if let (Some(step), Some(step_new), Some(next), Some(next_new)) =
            (&x.from, &x.to, &y.from, &y.to)
        {
            at.push(a);
            links.push(path::Link {
                step,
                step_new,
                next,
                next_new,
                next_step: drifts[b].step,
            });
        }
    }
    let breaks = path::path_breaks(engine, old, new, root_module, &links)?;
    drop(links);
    for (i, broke) in at.into_iter().zip(breaks) {
        let Some(broke) = broke else { continue };
        let d = &mut drifts[i];
        if d.compared.category.holds() {
            d.compared.category = Category::PathBroken;
            d.compared.detail = if d.compared.detail.is_empty() {
                broke.detail.clone()
            } else {
                format!("{}; {}", broke.detail, d.compared.detail)
            };
        }
        d.path = Some(broke);
    }
    Ok(())
}
