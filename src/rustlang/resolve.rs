//! Rust paths → places in a snapshot, as [`crate::resolve::Resolution`]s.
//!
//! A crate is indexed once per run, when a query (or a re-export) first needs it. A path is
//! read first as an item (`module::Item`, `Trait::method`), through `pub use` re-exports and
//! globs (also into sibling crates of the workspace), then as `Type::member` of an impl: the
//! type is resolved the same way and its impl members are looked up in its crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::crates::{Crates, find_crates};
use super::index::{CrateIndex, key};
use super::items::{ItemRec, UseRec};
use super::symbol::RustPath;
use crate::item::{Hit, Kind, Near, Query, Resolution, Terms, suggestions};
use crate::source::{Snapshot, SourceError};

const TERMS: Terms = Terms {
    plural: "definitions",
    placed: "defined",
    constraints: "#[cfg]",
};

/// Re-exports followed before giving up (a loop guard beside the visited set).
const MAX_HOPS: usize = 16;

/// Resolve each query. Only reading errors are errors: an unknown crate, a malformed path or
/// a file that does not parse is a `missing` resolution with a reason.
pub fn resolve(snapshot: &Snapshot, queries: &[Query<'_>]) -> Result<Vec<Resolution>, SourceError> {
    let mut ws = Workspace::new(snapshot)?;
    queries
        .iter()
        .map(|q| ws.resolve_one(q.item.as_str(), q.file_hint))
        .collect()
}

#[derive(Clone, Debug)]
struct Found {
    crate_name: String,
    rec: ItemRec,
    /// The path the item is defined at, `crate::module::Item` (`Type::member` for impls).
    canonical: String,
}

struct Workspace<'s> {
    snapshot: &'s Snapshot,
    crates: Crates,
    indexes: BTreeMap<String, CrateIndex>,
}

impl<'s> Workspace<'s> {
    fn new(snapshot: &'s Snapshot) -> Result<Self, SourceError> {
        Ok(Self {
            snapshot,
            crates: find_crates(snapshot)?,
            indexes: BTreeMap::new(),
        })
    }

    /// Index `name` if the tree has such a crate; false if not.
    fn load(&mut self, name: &str) -> Result<bool, SourceError> {
        if self.indexes.contains_key(name) {
            return Ok(true);
        }
        let Some(krate) = self.crates.get(name) else {
            return Ok(false);
        };
        let index = CrateIndex::load(self.snapshot, krate)?;
        self.indexes.insert(name.to_string(), index);
        Ok(true)
    }

    fn resolve_one(&mut self, symbol: &str, hint: Option<&str>) -> Result<Resolution, SourceError> {
        let mut r = Resolution::empty(self.snapshot, symbol);
        let path = match RustPath::parse(symbol) {
            Ok(p) => p,
            Err(e) => {
                r.reason = Some(format!("malformed Rust path: {e}"));
                return Ok(r);
            }
        };
        if !self.load(&path.crate_name)? {
            let names: Vec<&str> = self.crates.crates.iter().map(|c| c.name.as_str()).collect();
            r.reason = Some(format!(
                "crate {} not found in {}@{} (its library crates: {}){}",
                path.crate_name,
                self.snapshot.repo_name,
                self.snapshot.version,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                },
                self.manifest_problems()
            ));
            return Ok(r);
        }
        let mut hits = self.lookup(&path.crate_name, &path.segments, &mut BTreeSet::new(), 0)?;
        if hits.is_empty() && path.segments.len() >= 2 {
            hits = self.members(&path)?;
        }
        let mut seen = BTreeSet::new();
        hits.retain(|h| seen.insert((h.rec.file.clone(), h.rec.start_line)));
        if hits.is_empty() {
            self.fill_missing(&mut r, &path);
        } else {
            let found: Vec<Hit> = hits.iter().map(hit).collect();
            r.fill_found(&found, hint, &TERMS);
            let canonical = &hits[found
                .iter()
                .position(|h| Some(&h.file) == r.file.as_ref())
                .unwrap_or(0)]
            .canonical;
            if r.status == crate::item::Status::Found && *canonical != r.symbol {
                let note = format!("a re-export: defined as {canonical}");
                r.reason = Some(
                    r.reason
                        .take()
                        .map_or(note.clone(), |w| format!("{note}; {w}")),
                );
            }
        }
        r.link(self.snapshot);
        Ok(r)
    }

    /// Items at `crate_name::segs`, directly or through re-exports.
    fn lookup(
        &mut self,
        crate_name: &str,
        segs: &[String],
        visited: &mut BTreeSet<String>,
        hops: usize,
    ) -> Result<Vec<Found>, SourceError> {
        if hops > MAX_HOPS
            || !visited.insert(format!("{crate_name}::{}", key(segs)))
            || !self.load(crate_name)?
        {
            return Ok(Vec::new());
        }
        let index = &self.indexes[crate_name];
        if let Some(items) = index.items.get(&key(segs)) {
            return Ok(items
                .iter()
                .map(|rec| Found {
                    crate_name: crate_name.to_string(),
                    canonical: format!("{crate_name}::{}", key(&rec.path)),
                    rec: rec.clone(),
                })
                .collect());
        }
        // Deepest module first: `a::b::Name` is a use in `a::b`, else `b` is one in `a`...
        let mut tries: Vec<(String, Vec<String>)> = Vec::new();
        for i in (0..segs.len()).rev() {
            let module = key(&segs[..i]);
            if !index.modules.contains(&module) {
                continue;
            }
            for u in index.uses.get(&module).into_iter().flatten() {
                let rest = match &u.name {
                    Some(n) if *n == segs[i] => &segs[i + 1..],
                    Some(_) => continue,
                    None => &segs[i..],
                };
                if let Some((target_crate, mut target)) = self.absolute(crate_name, u) {
                    target.extend(rest.iter().cloned());
                    tries.push((target_crate, target));
                }
            }
        }
        for (target_crate, target) in tries {
            let hits = self.lookup(&target_crate, &target, visited, hops + 1)?;
            if !hits.is_empty() {
                return Ok(hits);
            }
        }
        Ok(Vec::new())
    }

    /// Where a `pub use` points, as a crate and a path inside it (2018 paths: `crate::`,
    /// `self::`, `super::`, a child module, or another crate of the workspace).
    fn absolute(&self, crate_name: &str, u: &UseRec) -> Option<(String, Vec<String>)> {
        let (first, rest) = u.target.split_first()?;
        if u.leading_colon {
            return Some((first.clone(), rest.to_vec()));
        }
        match first.as_str() {
            "crate" => Some((crate_name.to_string(), rest.to_vec())),
            "self" => Some((crate_name.to_string(), [&u.module[..], rest].concat())),
            "super" => {
                let ups = u.target.iter().take_while(|s| *s == "super").count();
                let base = u.module.len().checked_sub(ups)?;
                Some((
                    crate_name.to_string(),
                    [&u.module[..base], &u.target[ups..]].concat(),
                ))
            }
            _ => {
                let index = &self.indexes[crate_name];
                let local = [&u.module[..], &u.target[..1]].concat();
                if !index.modules.contains(&key(&local)) && self.crates.get(first).is_some() {
                    Some((first.clone(), rest.to_vec()))
                } else {
                    Some((
                        crate_name.to_string(),
                        [&u.module[..], &u.target[..]].concat(),
                    ))
                }
            }
        }
    }

    /// `Type::member`: resolve the type, then find the member among its crate's impls.
    fn members(&mut self, path: &RustPath) -> Result<Vec<Found>, SourceError> {
        let (member, type_path) = path.segments.split_last().expect("two segments or more");
        let types: Vec<Found> = self
            .lookup(&path.crate_name, type_path, &mut BTreeSet::new(), 0)?
            .into_iter()
            .filter(|h| {
                matches!(
                    h.rec.kind,
                    Kind::Struct | Kind::Enum | Kind::Alias | Kind::Trait
                )
            })
            .collect();
        let mut hits = Vec::new();
        for ty in &types {
            let index = &self.indexes[&ty.crate_name];
            let name = ty.rec.path.last().cloned().unwrap_or_default();
            let Some(found) = index.members.get(&(name.clone(), member.clone())) else {
                continue;
            };
            for rec in pick_impls(index, &ty.rec, found) {
                hits.push(Found {
                    crate_name: ty.crate_name.clone(),
                    canonical: format!("{}::{member}", ty.canonical),
                    rec: rec.clone(),
                });
            }
        }
        Ok(hits)
    }

    fn fill_missing(&self, r: &mut Resolution, path: &RustPath) {
        let mut reason = format!(
            "no item {path} in crate {} (looked through its modules, pub use re-exports and impl blocks)",
            path.crate_name
        );
        let problems: Vec<&String> = self
            .indexes
            .values()
            .flat_map(|i| i.problems.iter())
            .collect();
        if !problems.is_empty() {
            let shown: Vec<&str> = problems.iter().take(3).map(|s| s.as_str()).collect();
            let _ = write!(
                reason,
                "; {} problem(s) reading the crates: {}",
                problems.len(),
                shown.join("; ")
            );
        }
        reason.push_str(&self.manifest_problems());
        r.reason = Some(reason);
        r.candidates = near(&self.indexes, path);
    }

    /// `; Cargo.toml problems: ...` when a manifest of the tree could not be read (a crate
    /// it declares may be the one missing).
    fn manifest_problems(&self) -> String {
        if self.crates.problems.is_empty() {
            String::new()
        } else {
            format!(
                "; {} manifest problem(s): {}",
                self.crates.problems.len(),
                self.crates.problems.join("; ")
            )
        }
    }
}

/// Impl members of one type name: inherent methods hide trait ones (as method calls do); if
/// the crate defines several types of that name, the impls nearest the definition win.
fn pick_impls<'a>(index: &CrateIndex, def: &ItemRec, found: &'a [ItemRec]) -> Vec<&'a ItemRec> {
    let inherent: Vec<&ItemRec> = found
        .iter()
        .filter(|r| r.impl_of.as_ref().is_some_and(|(_, is_trait)| !is_trait))
        .collect();
    let mut pool: Vec<&ItemRec> = if inherent.is_empty() {
        found.iter().collect()
    } else {
        inherent
    };
    let name = def.path.last();
    let namesakes = index
        .items
        .values()
        .flatten()
        .filter(|i| {
            i.path.last() == name
                && matches!(
                    i.kind,
                    Kind::Struct | Kind::Enum | Kind::Alias | Kind::Trait
                )
        })
        .count();
    if namesakes > 1 {
        let def_module = &def.path[..def.path.len() - 1];
        let score = |r: &ItemRec| {
            let module = &r.path[..r.path.len().saturating_sub(2)];
            let common = module
                .iter()
                .zip(def_module)
                .take_while(|(a, b)| a == b)
                .count();
            (r.file == def.file, common)
        };
        if let Some(best) = pool.iter().map(|r| score(r)).max() {
            pool.retain(|r| score(r) == best);
        }
    }
    pool
}

fn hit(h: &Found) -> Hit {
    Hit {
        symbol: h.canonical.clone(),
        file: h.rec.file.clone(),
        start_line: h.rec.start_line,
        end_line: h.rec.end_line,
        kind: h.rec.kind,
        signature: h.rec.signature.clone(),
        doc: h.rec.doc.clone(),
        constrained: h.rec.cfg,
    }
}

/// Near names in the crates read so far (the shared ranking, keyed by the last two segments).
fn near(indexes: &BTreeMap<String, CrateIndex>, wanted: &RustPath) -> Vec<crate::item::Candidate> {
    let tail = |segs: &[String]| -> String {
        segs[segs.len().saturating_sub(2)..]
            .join("::")
            .to_lowercase()
    };
    let mut pool = Vec::new();
    for (crate_name, index) in indexes {
        for rec in index.items.values().chain(index.members.values()).flatten() {
            pool.push(Near {
                key: tail(&rec.path),
                leaf: rec.path.last().cloned().unwrap_or_default(),
                candidate: crate::item::Candidate {
                    symbol: format!("{crate_name}::{}", key(&rec.path)),
                    file: rec.file.clone(),
                    start_line: rec.start_line,
                    kind: rec.kind,
                },
            });
        }
    }
    suggestions(&tail(&wanted.segments), wanted.name(), pool)
}
