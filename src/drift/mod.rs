//! Drift: how each step of a mapping fares at another version, and where a symbol went.
//!
//! Every step is resolved at both versions in one batch per version. A symbol still found is
//! `unchanged`, `body-changed`, `signature-changed` (types compared, not spelling) or
//! `moved-file`. A symbol gone from its package is looked for: first by similarity inside its
//! old package, then by name across the whole tree in one prefiltered pass
//! ([`relocate::search`]): the same name in another package is `moved-package`, a similar
//! declaration is `renamed` (with a score, [`similarity`]), several equally good ones are
//! `ambiguous`, nothing plausible is `removed`.
//!
//! What lives where:
//! - here: the result types ([`Category`], [`Side`], [`Scored`], [`Compared`], [`StepDrift`])
//!   and the bump loop ([`bump`]);
//! - `compare`: comparison of Go symbols and their classification ([`compare()`], the
//!   thresholds [`RENAME_THRESHOLD`], [`CONFIDENT`], [`TIE_MARGIN`]);
//! - `promote`: methods promoted through embedding;
//! - `rust`: Rust counterparts ([`compare_rust`]);
//! - `textdiff`: [`line_changes`] and [`unified_diff`];
//! - [`relocate`]: the tree-wide search for a missing name; [`similarity`]: the score of a
//!   candidate; [`rewrite`]: the mapping edited for a bump.
//!
//! Which tag of each repo a Kubernetes version means is [`crate::versions`].

mod compare;
mod promote;
pub mod relocate;
pub mod rewrite;
mod rust;
pub mod similarity;
mod textdiff;

use std::collections::BTreeMap;

use indicatif::ProgressBar;
use serde::Serialize;

use crate::mapping::{Article, Mapping};
use crate::resolve::Query;
use crate::source::{SourceError, Sources};
pub use compare::{CONFIDENT, RENAME_THRESHOLD, TIE_MARGIN, compare};
pub use rust::compare_rust;
pub use textdiff::{line_changes, unified_diff};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

impl Category {
    pub const ALL: [Category; 9] = [
        Self::Unchanged,
        Self::BodyChanged,
        Self::SignatureChanged,
        Self::MovedFile,
        Self::MovedPackage,
        Self::Renamed,
        Self::Ambiguous,
        Self::Removed,
        Self::Unresolved,
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
        }
    }

    /// The mapping reads the same at the new version: nothing to edit, nobody to ask.
    pub fn holds(self) -> bool {
        matches!(self, Self::Unchanged | Self::BodyChanged)
    }
}

/// One side of a comparison: where the declaration is at one version.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    pub symbol: String,
    pub file: String,
    pub start_line: usize,
    pub score: f64,
}

/// What happened to one symbol between two versions.
#[derive(Clone, Debug, Serialize)]
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
        let steps: Vec<(&Article, usize)> = articles
            .iter()
            .filter(|a| &a.repo == repo_name)
            .flat_map(|a| (0..a.steps.len()).map(move |i| (*a, i)))
            .collect();
        if steps.is_empty() {
            continue;
        }
        let old = sources.snapshot(&repo.spec(), &repo.pin)?;
        let new = sources.snapshot(&repo.spec(), version)?;
        let queries: Vec<Query<'_>> = steps
            .iter()
            .map(|(a, i)| Query {
                item: &a.steps[*i].symbol,
                file_hint: a.steps[*i].file.as_deref(),
            })
            .collect();
        progress.set_message(format!("{repo_name} {} → {version}", repo.pin));
        let compared = compare(&old, &new, repo.module.as_deref(), &queries, progress)?;
        out.extend(
            steps
                .iter()
                .zip(compared)
                .map(|((a, i), compared)| StepDrift {
                    article: a.id.clone(),
                    step: i + 1,
                    repo: repo_name.clone(),
                    symbol: a.steps[*i].symbol.to_string(),
                    counterpart: false,
                    compared,
                }),
        );
    }
    // Rust counterparts move with their own repo (kube-rs).
    for (repo_name, version) in targets {
        let Some(repo) = mapping.repo(repo_name) else {
            continue;
        };
        let items: Vec<(&Article, usize, &crate::mapping::Counterpart)> = articles
            .iter()
            .flat_map(|a| {
                a.steps.iter().enumerate().filter_map(move |(i, s)| {
                    s.counterpart
                        .as_ref()
                        .filter(|c| &c.repo == repo_name)
                        .map(|c| (*a, i, c))
                })
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let old = sources.snapshot(&repo.spec(), &repo.pin)?;
        let new = sources.snapshot(&repo.spec(), version)?;
        let queries: Vec<Query<'_>> = items
            .iter()
            .map(|(_, _, c)| Query {
                item: &c.symbol,
                file_hint: c.file.as_deref(),
            })
            .collect();
        let compared = compare_rust(&old, &new, &queries)?;
        out.extend(
            items
                .iter()
                .zip(compared)
                .map(|((a, i, c), compared)| StepDrift {
                    article: a.id.clone(),
                    step: i + 1,
                    repo: repo_name.clone(),
                    symbol: c.symbol.to_string(),
                    counterpart: true,
                    compared,
                }),
        );
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
