//! Comparison and classification: each symbol resolved at both versions, then sorted into a
//! [`Category`]; a missing one is looked for in its old package, in the packages its
//! neighbours moved to, and by name across the tree.

use std::collections::{BTreeMap, BTreeSet};

use indicatif::ProgressBar;

use super::promote::{promoted, promoted_to};
use super::relocate::{self, Found};
use super::similarity::{Shape, score};
use super::{Category, Compared, Scored, Side, line_changes};
use crate::golang::resolve::Resolver;
use crate::golang::symbol::Symbol;
use crate::golang::{Kind, Located, PackageFiles, index_files, type_key};
use crate::item::QualName;
use crate::item::{ItemRef, Query, Resolution, Status};
use crate::source::{Snapshot, SourceError};

/// A candidate at least this similar may be a rename.
pub const RENAME_THRESHOLD: f64 = 0.6;
/// A rename at least this similar is applied by `bump --write` without asking.
pub const CONFIDENT: f64 = 0.75;
/// Two candidates closer than this are a tie: `ambiguous`.
pub const TIE_MARGIN: f64 = 0.05;

/// What happened to each queried symbol between snapshots `old` and `new` of one repo.
///
/// # Panics
/// Never: every query gets exactly one answer (the `expect` states that invariant).
pub fn compare(
    old: &Snapshot,
    new: &Snapshot,
    root_module: Option<&str>,
    queries: &[Query<'_>],
    progress: &ProgressBar,
) -> Result<Vec<Compared>, SourceError> {
    let old_resolver = Resolver::new(old, root_module)?;
    let new_resolver = Resolver::new(new, root_module)?;
    let before = old_resolver.resolve(queries)?;
    // At the new version, prefer the file the symbol was in (build-tag twins stay paired).
    let new_queries: Vec<Query<'_>> = queries
        .iter()
        .zip(&before)
        .map(|(q, r)| Query {
            item: q.item,
            file_hint: r.file.as_deref().or(q.file_hint),
        })
        .collect();
    let after = new_resolver.resolve(&new_queries)?;
    let mut old_files = FileCache::new(old);
    let mut new_files = FileCache::new(new);

    let mut out: Vec<Option<Compared>> = vec![None; queries.len()];
    let mut pending: Vec<Pending> = Vec::new();
    for (i, ((q, a), b)) in queries.iter().zip(&before).zip(&after).enumerate() {
        if a.status != Status::Found {
            out[i] = Some(unresolved(a));
            continue;
        }
        let from = side(a);
        let old_text = old_files.lines(&from.file, from.start_line, from.end_line)?;
        match b.status {
            Status::Found => {
                let to = side(b);
                let new_text = new_files.lines(&to.file, to.start_line, to.end_line)?;
                out[i] = Some(still_there(from, to, old_text, new_text));
            }
            Status::Ambiguous => out[i] = Some(still_ambiguous(b, from, old_text)),
            Status::Missing => {
                let dir = parent(&from.file);
                let import_path = old_resolver
                    .modules()
                    .import_path_of(dir)
                    .unwrap_or_default();
                let name = own_name(q.item, &import_path);
                pending.push(Pending {
                    index: i,
                    import_path,
                    name,
                    kind: a.kind.unwrap_or(Kind::Func),
                    from,
                    old_text,
                });
            }
        }
    }
    if !pending.is_empty() {
        let names: BTreeSet<String> = pending.iter().map(|p| p.name.name.clone()).collect();
        let found = relocate::search(new, new_resolver.modules(), &names, progress)?;
        let mut packages: BTreeMap<String, Vec<Found>> = BTreeMap::new();
        let destinations = destinations(&pending, &found);
        for p in pending {
            let index = p.index;
            let via = promoted(new, new_resolver.modules(), &p, &mut packages)?;
            // Where the old package's distinctive names went: a rename with a new name
            // (`genericScheduler.Schedule` → `Scheduler.schedulePod`) is looked for there too.
            let mut elsewhere: Vec<Found> = found.get(&p.name.name).cloned().unwrap_or_default();
            for dest in destinations.get(&p.import_path).into_iter().flatten() {
                let decls = package(&mut packages, new, new_resolver.modules(), dest)?;
                elsewhere.extend(
                    decls
                        .iter()
                        .filter(|f| f.located.decl.name.name != p.name.name)
                        .cloned(),
                );
            }
            let same_package = package(&mut packages, new, new_resolver.modules(), &p.import_path)?;
            out[index] = Some(match via {
                Some((method, chain)) => promoted_to(&p, new, &method, &chain),
                None => relocated(&p, new, same_package, &elsewhere),
            });
        }
    }
    Ok(out
        .into_iter()
        .map(|c| c.expect("every query compared"))
        .collect())
}

/// A name found in at most this many places marks where its package went.
const DISTINCTIVE: usize = 3;

/// For each old package with missing symbols, the packages its names moved to: the parent
/// package (code folded upwards, as the scheduler's `core` into `scheduler`) and every
/// package where a distinctive missing name of it turned up.
fn destinations(
    pending: &[Pending],
    found: &BTreeMap<String, Vec<Found>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in pending {
        let entry = out.entry(p.import_path.clone()).or_default();
        if let Some((parent, _)) = p.import_path.rsplit_once('/') {
            entry.insert(parent.to_string());
        }
        if let Some(places) = found.get(&p.name.name)
            && places.len() <= DISTINCTIVE
        {
            entry.extend(
                places
                    .iter()
                    .filter(|f| f.import_path != p.import_path)
                    .map(|f| f.import_path.clone()),
            );
        }
    }
    for (old, set) in &mut out {
        set.remove(old);
    }
    out
}

/// The declarations of package `import_path` at the new version, parsed once per run.
pub(super) fn package<'c>(
    cache: &'c mut BTreeMap<String, Vec<Found>>,
    snapshot: &Snapshot,
    modules: &crate::golang::ModuleMap,
    import_path: &str,
) -> Result<&'c [Found], SourceError> {
    if !cache.contains_key(import_path) {
        let decls = match modules.locate(snapshot, import_path) {
            Some(dir) => whole_package(snapshot, &dir, import_path)?,
            None => Vec::new(),
        };
        cache.insert(import_path.to_string(), decls);
    }
    Ok(&cache[import_path])
}

pub(super) struct Pending {
    pub(super) index: usize,
    pub(super) import_path: String,
    pub(super) name: QualName,
    pub(super) kind: Kind,
    pub(super) from: Side,
    pub(super) old_text: String,
}

pub(super) fn blank(from: Option<Side>, old_text: Option<String>) -> Compared {
    Compared {
        category: Category::Removed,
        from,
        to: None,
        candidates: Vec::new(),
        lines_added: 0,
        lines_removed: 0,
        detail: String::new(),
        confident: false,
        old_text,
        new_text: None,
    }
}

pub(super) fn unresolved(a: &Resolution) -> Compared {
    Compared {
        category: Category::Unresolved,
        detail: format!(
            "does not resolve at the pin {}: {}",
            a.version,
            a.reason.as_deref().unwrap_or("missing")
        ),
        ..blank(None, None)
    }
}

pub(super) fn side(r: &Resolution) -> Side {
    Side {
        symbol: r.symbol.clone(),
        version: r.version.clone(),
        commit: r.commit.clone(),
        file: r.file.clone().unwrap_or_default(),
        start_line: r.start_line.unwrap_or(0),
        end_line: r.end_line.unwrap_or(0),
        signature: r.signature.clone().unwrap_or_default(),
    }
}

/// The same name declared several times at the new version: every declaration is listed.
pub(super) fn still_ambiguous(b: &Resolution, from: Side, old_text: String) -> Compared {
    Compared {
        category: Category::Ambiguous,
        candidates: b
            .candidates
            .iter()
            .map(|c| Scored {
                symbol: c.symbol.clone(),
                file: c.file.clone(),
                start_line: c.start_line,
                score: 1.0,
            })
            .collect(),
        detail: b.reason.clone().unwrap_or_default(),
        ..blank(Some(from), Some(old_text))
    }
}

pub(super) fn still_there(from: Side, to: Side, old_text: String, new_text: String) -> Compared {
    let (added, removed) = line_changes(&old_text, &new_text);
    let (category, detail) = if from.file != to.file {
        (
            Category::MovedFile,
            format!("moved from {} to {}", from.file, to.file),
        )
    } else if type_key(&from.signature) != type_key(&to.signature) {
        (
            Category::SignatureChanged,
            format!("was `{}`, now `{}`", from.signature, to.signature),
        )
    } else if same_text(&old_text, &new_text) {
        (Category::Unchanged, String::new())
    } else {
        (
            Category::BodyChanged,
            format!("{added} line(s) added, {removed} removed"),
        )
    };
    Compared {
        category,
        confident: category == Category::MovedFile,
        to: Some(to),
        lines_added: added,
        lines_removed: removed,
        detail,
        new_text: Some(new_text),
        ..blank(Some(from), Some(old_text))
    }
}

/// Classify a symbol its package no longer declares.
#[allow(clippy::too_many_lines)] // one decision table, clearer read top to bottom
pub(super) fn relocated(
    p: &Pending,
    new: &Snapshot,
    same_package: &[Found],
    elsewhere: &[Found],
) -> Compared {
    let old_shape = Shape {
        name: &p.name,
        kind: p.kind,
        signature: &p.from.signature,
        text: &p.old_text,
    };
    let to_side = |f: &Found| Side {
        symbol: format!("{}.{}", f.import_path, f.located.decl.name),
        version: new.version.clone(),
        commit: new.commit.clone(),
        file: f.located.file.clone(),
        start_line: f.located.decl.start_line,
        end_line: f.located.decl.end_line,
        signature: f.located.decl.signature.clone(),
    };
    let scored_of = |f: &Found, s: f64| Scored {
        symbol: format!("{}.{}", f.import_path, f.located.decl.name),
        file: f.located.file.clone(),
        start_line: f.located.decl.start_line,
        score: s,
    };
    let with = |f: &Found, category, detail: String, confident, candidates| {
        let (added, removed) = line_changes(&p.old_text, &f.text);
        Compared {
            category,
            to: Some(to_side(f)),
            candidates,
            lines_added: added,
            lines_removed: removed,
            detail,
            confident,
            new_text: Some(f.text.clone()),
            ..blank(Some(p.from.clone()), Some(p.old_text.clone()))
        }
    };

    // The same name in another package: moved, not renamed. Vendored copies only count
    // when nothing else matches.
    let same_name: Vec<&Found> = elsewhere
        .iter()
        .filter(|f| f.located.decl.name == p.name && f.import_path != p.import_path)
        .collect();
    let unvendored: Vec<&Found> = same_name
        .iter()
        .copied()
        .filter(|f| !f.located.file.contains("vendor/"))
        .collect();
    let same_name = if unvendored.is_empty() {
        same_name
    } else {
        unvendored
    };
    if same_name.len() == 1 {
        let f = same_name[0];
        let s = score(&old_shape, &shape(f), false);
        return with(
            f,
            Category::MovedPackage,
            format!("now in package {} ({})", f.import_path, f.located.file),
            true,
            vec![scored_of(f, s)],
        );
    }

    let mut ranked: Vec<(f64, &Found)> = same_package
        .iter()
        .map(|f| (score(&old_shape, &shape(f), true), f))
        .collect();
    let best_here = ranked.iter().map(|r| r.0).fold(0.0, f64::max);
    if best_here < RENAME_THRESHOLD || !same_name.is_empty() {
        ranked.extend(
            elsewhere
                .iter()
                .filter(|f| f.import_path != p.import_path)
                .map(|f| (score(&old_shape, &shape(f), false), f)),
        );
    }
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.located.file.cmp(&b.1.located.file))
            .then_with(|| {
                a.1.located
                    .decl
                    .start_line
                    .cmp(&b.1.located.decl.start_line)
            })
    });
    ranked.retain(|r| r.0 >= 0.3);
    ranked.truncate(5);
    let candidates: Vec<Scored> = ranked.iter().map(|(s, f)| scored_of(f, *s)).collect();
    match ranked.as_slice() {
        [(best, f), rest @ ..] if *best >= RENAME_THRESHOLD => {
            let tied = rest.first().is_some_and(|(s, _)| best - s < TIE_MARGIN);
            if tied || same_name.len() > 1 {
                Compared {
                    category: Category::Ambiguous,
                    detail: format!(
                        "{} candidates score within {TIE_MARGIN} of each other",
                        1 + rest.iter().filter(|(s, _)| best - s < TIE_MARGIN).count()
                    ),
                    candidates,
                    ..blank(Some(p.from.clone()), Some(p.old_text.clone()))
                }
            } else {
                with(
                    f,
                    Category::Renamed,
                    format!(
                        "best candidate {}.{} (score {best:.2})",
                        f.import_path, f.located.decl.name
                    ),
                    *best >= CONFIDENT,
                    candidates,
                )
            }
        }
        _ => Compared {
            category: Category::Removed,
            detail: if p.import_path.is_empty() {
                "not found anywhere in the tree".into()
            } else {
                format!(
                    "no declaration like it in {} or elsewhere (best score below {RENAME_THRESHOLD})",
                    p.import_path
                )
            },
            candidates,
            ..blank(Some(p.from.clone()), Some(p.old_text.clone()))
        },
    }
}

pub(super) fn shape(f: &Found) -> Shape<'_> {
    Shape {
        name: &f.located.decl.name,
        kind: f.located.decl.kind,
        signature: &f.located.decl.signature,
        text: &f.text,
    }
}

/// Every declaration of the package in `dir`, with its text.
fn whole_package(
    snapshot: &Snapshot,
    dir: &str,
    import_path: &str,
) -> Result<Vec<Found>, SourceError> {
    let package = PackageFiles::read(snapshot, dir)?;
    let jobs: Vec<(&str, &[u8])> = package
        .files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let bytes_of: BTreeMap<&str, &[u8]> = jobs.iter().copied().collect();
    Ok(index_files(&jobs)
        .0
        .into_iter()
        .map(|located: Located| Found {
            import_path: import_path.to_string(),
            text: bytes_of
                .get(located.file.as_str())
                .and_then(|b| b.get(located.decl.start_byte..located.decl.end_byte))
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
            located,
        })
        .collect())
}

/// The name inside its package of a symbol whose package is `import_path`.
fn own_name(item: &ItemRef, import_path: &str) -> QualName {
    let Ok(symbol) = Symbol::parse(item.as_str()) else {
        return item.name().clone();
    };
    let splits = symbol.splits();
    splits
        .iter()
        .find(|s| s.import_path == import_path)
        .or_else(|| splits.last())
        .map_or_else(|| QualName::plain(symbol.as_str()), |s| s.name.clone())
}

fn parent(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Equal but for layout and `interface{}` spelled `any`.
fn same_text(a: &str, b: &str) -> bool {
    let norm = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("interface{}", "any")
    };
    a == b || norm(a) == norm(b)
}

/// Blobs of one snapshot read once per file.
pub(super) struct FileCache<'s> {
    snapshot: &'s Snapshot,
    files: BTreeMap<String, String>,
}

impl<'s> FileCache<'s> {
    pub(super) fn new(snapshot: &'s Snapshot) -> Self {
        Self {
            snapshot,
            files: BTreeMap::new(),
        }
    }

    /// Lines `start..=end` (1-based) of `file`, each ending in a newline.
    pub(super) fn lines(
        &mut self,
        file: &str,
        start: usize,
        end: usize,
    ) -> Result<String, SourceError> {
        if !self.files.contains_key(file) {
            let bytes = self.snapshot.read(file)?.unwrap_or_default();
            self.files.insert(
                file.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
        let mut out = String::new();
        for line in self.files[file]
            .lines()
            .skip(start.saturating_sub(1))
            .take((end + 1).saturating_sub(start.max(1)))
        {
            out.push_str(line);
            out.push('\n');
        }
        Ok(out)
    }
}
