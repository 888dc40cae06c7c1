//! The version line: every step of some articles at every minor release between their era
//! and the pin, one column per minor (its newest patch that can be read).
//!
//! At each column a step is looked for under the name it had in the column before (starting
//! from its article-era name), then under its pin name and its `was:`. A name that vanished
//! between two columns is followed the way `bump` follows it ([`crate::drift::compare`]):
//! a confident rename or move gives the name for the next columns, so a chain such as
//! `findNodesThatFit` → `findNodesThatFitPod` → `Scheduler.findNodesThatFitPod` is walked
//! release by release. `since` and `until` are the first and last columns where the step
//! exists under any of its names.

use std::collections::BTreeMap;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde::Serialize;

use crate::item::{ItemRef, Query, Status};
use crate::languages::engine;
use crate::mapping::{Article, Mapping, Repo};
use crate::source::gomod::NOT_IN_CACHE;
use crate::source::{Snapshot, Sources};

/// One minor release of a repo's line.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// `v1.24` (kubernetes), `v0.24` (client-go), `v0.15` (controller-runtime).
    pub minor: String,
    /// The exact version read (its newest patch that can be read), when one was.
    pub version: Option<String>,
    /// Why the column could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
}

/// A step at one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Under the name the step has at the pin.
    Found,
    /// Under another name (its article-era name, or one the rename chain reached).
    Renamed,
    /// Not there under any of its names.
    Missing,
    /// The column could not be read.
    Unread,
}

/// One step across the line.
#[derive(Clone, Debug, Serialize)]
pub struct StepLine {
    pub article: String,
    /// 1-based.
    pub step: usize,
    pub symbol: String,
    /// Per column: the state, and the name found when it is not the pin's.
    pub states: Vec<State>,
    pub names: Vec<Option<String>>,
    /// The first and last columns (minor) where the step exists under any name.
    pub since: Option<String>,
    pub until: Option<String>,
}

/// An article's count per column.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cell {
    pub found: usize,
    pub renamed: usize,
    pub missing: usize,
    /// Steps whose code could not be read at this release (the release, or the module that
    /// holds their package, is not in the cache).
    pub unread: usize,
    pub steps: usize,
}

impl Cell {
    /// `10/12 1r 1✗`, `12/12 ✓`, `-` for a release not read: found under the pin name of the
    /// article's steps, then renamed, missing and not read counts.
    pub fn short(&self) -> String {
        use std::fmt::Write as _;
        if self.unread == self.steps {
            return "-".into();
        }
        let mut s = format!("{}/{}", self.found, self.steps);
        if self.found == self.steps {
            s.push_str(" ✓");
        }
        for (n, mark) in [(self.renamed, "r"), (self.missing, "✗"), (self.unread, "-")] {
            if n > 0 {
                let _ = write!(s, " {n}{mark}");
            }
        }
        s
    }

    /// `11/12 ✓ · 1 renamed`: steps there (under any name) of the article's steps, then how
    /// many only under an older name, missing or not read; `not read` for a whole column.
    pub fn summary(&self) -> String {
        if self.unread == self.steps {
            return "not read".into();
        }
        let mut parts = vec![format!(
            "{}/{}{}",
            self.found + self.renamed,
            self.steps,
            if self.missing == 0 { " ✓" } else { "" }
        )];
        if self.renamed > 0 {
            parts.push(format!("{} renamed", self.renamed));
        }
        if self.missing > 0 {
            parts.push(format!("{} missing", self.missing));
        }
        if self.unread > 0 {
            parts.push(format!("{} not read", self.unread));
        }
        parts.join(" · ")
    }

    /// The worst state in the cell: what colours it.
    pub fn worst(&self) -> State {
        if self.missing > 0 {
            State::Missing
        } else if self.renamed > 0 {
            State::Renamed
        } else if self.unread > 0 {
            State::Unread
        } else {
            State::Found
        }
    }
}

/// One article across the line.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleLine {
    pub id: String,
    pub title: String,
    /// The article's own version, as a column (`v1.13`), when it has one.
    pub era: Option<String>,
    pub cells: Vec<Cell>,
}

/// One repo's line: its columns, its articles and their steps.
#[derive(Clone, Debug, Serialize)]
pub struct RepoLine {
    pub repo: String,
    pub pin: String,
    pub columns: Vec<Column>,
    pub articles: Vec<ArticleLine>,
    pub steps: Vec<StepLine>,
}

/// Where the line starts and ends, and whether releases may be downloaded.
#[derive(Clone, Debug, Default)]
pub struct Range {
    /// First minor (`v1.18`); default: the oldest era of the articles.
    pub from: Option<String>,
    /// Last minor; default: the pin's.
    pub to: Option<String>,
    /// Download releases that are not in the cache yet.
    pub fetch: bool,
}

/// `(major, minor)` of `v1.24`, `v0.24.3`, `v1.24.0-rc.1`.
fn minor_of(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim_start_matches('v').split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The line of every repo the articles read, in repo name order. Repos whose versions are not
/// numbered by minor releases (a commit pin) are left out.
pub fn matrix(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    range: &Range,
    progress: &ProgressBar,
) -> Vec<RepoLine> {
    let mut by_repo: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
    for a in articles.iter().filter(|a| !a.steps.is_empty()) {
        by_repo.entry(a.repo.as_str()).or_default().push(a);
    }
    let mut out = Vec::new();
    for (name, group) in by_repo {
        let Some(repo) = mapping.repo(name) else {
            continue;
        };
        if let Some(line) = repo_line(sources, repo, &group, range, progress) {
            out.push(line);
        }
    }
    out
}

/// The article's era as a minor of `repo`'s line (`written_for: v1.13.4` on client-go is
/// `v0.13`).
fn era_minor(repo: &Repo, article: &Article) -> Option<(u64, u64)> {
    let w = article.written_for.as_deref()?;
    let own = crate::versions::in_repo_numbering(repo, w).unwrap_or_else(|| w.to_string());
    minor_of(&own)
}

fn repo_line(
    sources: &Sources,
    repo: &Repo,
    articles: &[&Article],
    range: &Range,
    progress: &ProgressBar,
) -> Option<RepoLine> {
    let (pin_major, pin_minor) = minor_of(&repo.pin)?;
    let to = range
        .to
        .as_deref()
        .and_then(minor_of)
        .map_or(pin_minor, |(_, m)| m);
    let eras: Vec<Option<(u64, u64)>> = articles.iter().map(|a| era_minor(repo, a)).collect();
    let from = match range.from.as_deref().and_then(minor_of) {
        Some((_, m)) => m,
        None => eras
            .iter()
            .flatten()
            .filter(|(major, _)| *major == pin_major)
            .map(|(_, m)| *m)
            .min()
            .unwrap_or(pin_minor),
    };
    let minors: Vec<String> = (from.min(to)..=to.max(from))
        .map(|m| format!("v{pin_major}.{m}"))
        .collect();
    progress.set_length(progress.length().unwrap_or(0) + minors.len() as u64);
    progress.set_message(format!(
        "{} {}…{}",
        repo.name,
        minors[0],
        minors[minors.len() - 1]
    ));
    // Each column's tree, read in parallel.
    let trees: Vec<(Column, Option<Snapshot>)> = minors
        .par_iter()
        .map(|minor| {
            let read = column_tree(sources, repo, minor, range.fetch);
            progress.inc(1);
            read
        })
        .collect();
    let items: Vec<(usize, usize, &crate::mapping::Step)> = articles
        .iter()
        .enumerate()
        .flat_map(|(ai, a)| a.steps.iter().enumerate().map(move |(si, s)| (ai, si, s)))
        .collect();
    let lines = walk(repo, &trees, &items);
    let columns: Vec<Column> = trees.iter().map(|(c, _)| c.clone()).collect();
    let mut steps: Vec<StepLine> = Vec::new();
    for ((ai, si, s), (states, names)) in items.iter().zip(lines) {
        let present = |st: &State| matches!(st, State::Found | State::Renamed);
        let since = states
            .iter()
            .position(present)
            .map(|i| columns[i].minor.clone());
        let until = states
            .iter()
            .rposition(present)
            .map(|i| columns[i].minor.clone());
        steps.push(StepLine {
            article: articles[*ai].id.clone(),
            step: si + 1,
            symbol: s.symbol.to_string(),
            states,
            names,
            since,
            until,
        });
    }
    let article_lines = articles
        .iter()
        .zip(&eras)
        .map(|(a, era)| {
            let mut cells = vec![Cell::default(); columns.len()];
            for s in steps.iter().filter(|s| s.article == a.id) {
                for (cell, st) in cells.iter_mut().zip(&s.states) {
                    cell.steps += 1;
                    match st {
                        State::Found => cell.found += 1,
                        State::Renamed => cell.renamed += 1,
                        State::Missing => cell.missing += 1,
                        State::Unread => cell.unread += 1,
                    }
                }
            }
            ArticleLine {
                id: a.id.clone(),
                title: a.title.clone(),
                era: era.map(|(major, minor)| format!("v{major}.{minor}")),
                cells,
            }
        })
        .collect();
    Some(RepoLine {
        repo: repo.name.clone(),
        pin: repo.pin.clone(),
        columns,
        articles: article_lines,
        steps,
    })
}

/// The tree of one minor: its newest patch in the cache, or (with `fetch`) the newest the
/// source serves, downloaded when needed.
fn column_tree(
    sources: &Sources,
    repo: &Repo,
    minor: &str,
    fetch: bool,
) -> (Column, Option<Snapshot>) {
    let spec = repo.spec();
    let unread = |why: String| {
        (
            Column {
                minor: minor.to_string(),
                version: None,
                unread: Some(why),
            },
            None,
        )
    };
    let modules = sources.uses_modules(&spec);
    let version = if minor_of(&repo.pin) == minor_of(minor) {
        repo.pin.clone()
    } else if fetch || !modules {
        // From git a minor is its `.0` tag; from modules, the newest patch served.
        sources.exact_version(&spec, minor)
    } else {
        let cached = crate::source::Sources::module_of(&spec, &format!("{minor}.0"))
            .and_then(|module| sources.go_env().newest_cached(&module, minor));
        match cached {
            Some(v) => v,
            None => {
                return unread(format!(
                    "no {minor} release in the cache (`matrix --fetch` downloads it)"
                ));
            }
        }
    };
    let tree = if fetch {
        sources.snapshot(&spec, &version).map_err(|e| e.to_string())
    } else {
        sources
            .cached_snapshot(&spec, &version)
            .ok_or_else(|| format!("{version} is not in the cache (`matrix --fetch` reads it)"))
    };
    match tree {
        Ok(t) => (
            Column {
                minor: minor.to_string(),
                version: Some(version),
                unread: None,
            },
            Some(t),
        ),
        Err(why) => unread(why),
    }
}

/// Where a step was found in one column.
#[derive(Clone)]
struct Seen {
    symbol: String,
    file: Option<String>,
}

/// A step at one column while the line is walked.
#[derive(Clone)]
enum Place {
    Seen(Seen),
    Missing,
    Unread,
}

/// Every step across the columns: its state and, when not the pin name, the name found.
///
/// Forward, from the article-era name: each column tries the name of the column before, the
/// pin name and `was:`, and follows a name that vanished as `bump` does. Then backward, from
/// the latest column where each step was seen: a column where it is still missing tries the
/// name of the column after it and follows that one back. The backward pass finds the names a
/// line that starts after the article's era (`--from`) cannot reach from the era name.
fn walk(
    repo: &Repo,
    trees: &[(Column, Option<Snapshot>)],
    items: &[(usize, usize, &crate::mapping::Step)],
) -> Vec<(Vec<State>, Vec<Option<String>>)> {
    let engine = engine(repo.lang);
    let root = repo.module.as_deref();
    let era_names: Vec<ItemRef> = items
        .iter()
        .map(|(_, _, s)| s.was.clone().unwrap_or_else(|| s.symbol.clone()))
        .collect();
    let mut table: Vec<Vec<Place>> = Vec::with_capacity(trees.len());
    let mut last_read: Option<usize> = None;
    for (col, (_, tree)) in trees.iter().enumerate() {
        let Some(tree) = tree else {
            table.push(vec![Place::Unread; items.len()]);
            continue;
        };
        // Candidates per step: the name it was last seen under (else its era name), the pin
        // name, the `was:`.
        let candidates: Vec<Vec<String>> = items
            .iter()
            .enumerate()
            .map(|(i, (_, _, s))| {
                let last = last_read.and_then(|c| match &table[c][i] {
                    Place::Seen(seen) => Some(seen.symbol.clone()),
                    _ => None,
                });
                let mut c = vec![last.unwrap_or_else(|| era_names[i].to_string())];
                for other in std::iter::once(&s.symbol).chain(s.was.as_ref()) {
                    if !c.iter().any(|n| n == other.as_str()) {
                        c.push(other.to_string());
                    }
                }
                c
            })
            .collect();
        let mut column = look_up(engine, tree, root, &candidates);
        // Names that vanished since the last column read: follow them as bump does.
        if let Some(prev) = last_read {
            let lost: Vec<(usize, Seen)> = (0..items.len())
                .filter(|&i| matches!(column[i], Place::Missing))
                .filter_map(|i| match &table[prev][i] {
                    Place::Seen(seen) => Some((i, seen.clone())),
                    _ => None,
                })
                .collect();
            let old = trees[prev].1.as_ref().expect("a read column");
            for (i, seen) in follow(engine, repo, old, tree, &lost) {
                column[i] = Place::Seen(seen);
            }
        }
        table.push(column);
        last_read = Some(col);
    }
    // Backward: a column where a step is missing, before a column where it was seen.
    let mut next_read: Option<usize> = None;
    for col in (0..trees.len()).rev() {
        let Some(tree) = &trees[col].1 else {
            continue;
        };
        if let Some(later) = next_read {
            let wanted: Vec<(usize, Seen)> = (0..items.len())
                .filter(|&i| matches!(table[col][i], Place::Missing))
                .filter_map(|i| match &table[later][i] {
                    Place::Seen(seen) => Some((i, seen.clone())),
                    _ => None,
                })
                .collect();
            if !wanted.is_empty() {
                let names: Vec<Vec<String>> =
                    wanted.iter().map(|(_, s)| vec![s.symbol.clone()]).collect();
                let found = look_up(engine, tree, root, &names);
                let mut still: Vec<(usize, Seen)> = Vec::new();
                for ((i, seen), place) in wanted.into_iter().zip(found) {
                    match place {
                        Place::Seen(_) => table[col][i] = place,
                        _ => still.push((i, seen)),
                    }
                }
                let newer = trees[later].1.as_ref().expect("a read column");
                for (i, seen) in follow(engine, repo, newer, tree, &still) {
                    table[col][i] = Place::Seen(seen);
                }
            }
        }
        next_read = Some(col);
    }
    (0..items.len())
        .map(|i| {
            table
                .iter()
                .map(|column| match &column[i] {
                    Place::Seen(s) if s.symbol == items[i].2.symbol.as_str() => {
                        (State::Found, None)
                    }
                    Place::Seen(s) => (State::Renamed, Some(s.symbol.clone())),
                    Place::Missing => (State::Missing, None),
                    Place::Unread => (State::Unread, None),
                })
                .unzip()
        })
        .collect()
}

/// Each step's first candidate name found in `tree`; a step whose package's module is not in
/// the cache was not read there.
fn look_up(
    engine: &dyn crate::item::Engine,
    tree: &Snapshot,
    root: Option<&str>,
    candidates: &[Vec<String>],
) -> Vec<Place> {
    let parsed: Vec<Vec<ItemRef>> = candidates
        .iter()
        .map(|c| c.iter().filter_map(|n| engine.parse(n).ok()).collect())
        .collect();
    let queries: Vec<Query<'_>> = parsed
        .iter()
        .flatten()
        .map(|item| Query {
            item,
            file_hint: None,
        })
        .collect();
    let Ok(resolved) = engine.resolve(tree, root, &queries) else {
        return vec![Place::Unread; candidates.len()];
    };
    let mut at = 0;
    parsed
        .iter()
        .map(|c| {
            let answers = &resolved[at..at + c.len()];
            at += c.len();
            if let Some(r) = answers.iter().find(|r| r.status == Status::Found) {
                Place::Seen(Seen {
                    symbol: r.symbol.clone(),
                    file: r.file.clone(),
                })
            } else if answers.first().is_some_and(|r| {
                r.reason
                    .as_deref()
                    .is_some_and(|why| why.contains(NOT_IN_CACHE))
            }) {
                Place::Unread
            } else {
                Place::Missing
            }
        })
        .collect()
}

/// Where each `(step, seen in from)` went in `to`, when drift's comparison is confident
/// (a rename or a move); `from` may be older or newer than `to`.
fn follow(
    engine: &dyn crate::item::Engine,
    repo: &Repo,
    from: &Snapshot,
    to: &Snapshot,
    lost: &[(usize, Seen)],
) -> Vec<(usize, Seen)> {
    if lost.is_empty() {
        return Vec::new();
    }
    let items: Vec<Option<ItemRef>> = lost
        .iter()
        .map(|(_, s)| engine.parse(&s.symbol).ok())
        .collect();
    let queries: Vec<(usize, Query<'_>)> = lost
        .iter()
        .zip(&items)
        .filter_map(|((i, s), item)| {
            Some((
                *i,
                Query {
                    item: item.as_ref()?,
                    file_hint: s.file.as_deref(),
                },
            ))
        })
        .collect();
    let plain: Vec<Query<'_>> = queries.iter().map(|(_, q)| *q).collect();
    let Ok(compared) = crate::drift::compare(
        repo.lang,
        from,
        to,
        repo.module.as_deref(),
        &plain,
        &ProgressBar::hidden(),
    ) else {
        return Vec::new();
    };
    queries
        .iter()
        .zip(compared)
        .filter_map(|((i, _), c)| {
            let to = c.to.filter(|_| c.confident)?;
            Some((
                *i,
                Seen {
                    symbol: to.symbol,
                    file: Some(to.file),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minors_are_read_from_any_version_spelling() {
        assert_eq!(minor_of("v1.24"), Some((1, 24)));
        assert_eq!(minor_of("v0.24.3"), Some((0, 24)));
        assert_eq!(minor_of("v1.24.0-rc.1"), Some((1, 24)));
        assert_eq!(minor_of("5.0.0"), Some((5, 0)));
        assert_eq!(minor_of("a63a7a5"), None);
    }

    #[test]
    fn the_worst_state_colours_a_cell() {
        let cell = |found, renamed, missing| Cell {
            found,
            renamed,
            missing,
            steps: found + renamed + missing,
            unread: 0,
        };
        assert_eq!(cell(3, 0, 0).worst(), State::Found);
        assert_eq!(cell(2, 1, 0).worst(), State::Renamed);
        assert_eq!(cell(1, 1, 1).worst(), State::Missing);
    }
}
