//! Where Go symbols went: the Go engine's side of drift. A symbol gone from its package is
//! looked for in that package, by name across the whole tree ([`super::relocate::search`]),
//! in the packages its neighbours moved to, and through embedded fields (a method promoted
//! from an embedded type is still there).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use indicatif::ProgressBar;

use super::relocate::{self, Found as Decl};
use super::symbol::Symbol;
use super::{Located, ModuleMap, PackageFiles, embedded_types, imports, index_files};
use crate::item::{Found, ItemRef, Kind, Leads, Missing, QualName};
use crate::source::{Snapshot, SourceError};

/// A name found in at most this many places marks where its package went.
const DISTINCTIVE: usize = 3;
/// How many embedding levels a promoted method is followed through.
const MAX_EMBEDDING_DEPTH: usize = 4;

pub(super) fn leads(
    old: &Snapshot,
    new: &Snapshot,
    root_module: Option<&str>,
    missing: &[Missing<'_>],
    progress: &ProgressBar,
) -> Result<Vec<Leads>, SourceError> {
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let old_modules = ModuleMap::with_root(old, root_module)?;
    let new_modules = ModuleMap::with_root(new, root_module)?;
    let wanted: Vec<(String, QualName)> = missing
        .iter()
        .map(|m| {
            let import_path = old_modules
                .import_path_of(parent(m.file))
                .unwrap_or_default();
            let name = own_name(m.item, &import_path);
            (import_path, name)
        })
        .collect();
    let names: BTreeSet<String> = wanted.iter().map(|(_, n)| n.name.clone()).collect();
    // The new tree's index, built on its first pass, answers without reading the tree.
    let found = match super::index::TreeIndex::open(new, root_module) {
        Ok(Some(index)) => match relocate::search_indexed(new, &index, &names) {
            Ok(found) => found,
            Err(_) => relocate::search(new, &new_modules, &names, progress)?,
        },
        _ => relocate::search(new, &new_modules, &names, progress)?,
    };
    let destinations = destinations(&wanted, &found);
    let mut packages: BTreeMap<String, Vec<Decl>> = BTreeMap::new();
    let mut out = Vec::with_capacity(wanted.len());
    for (import_path, name) in wanted {
        let promoted = promoted(new, &new_modules, &import_path, &name, &mut packages)?;
        // Where the old package's distinctive names went: a rename with a new name
        // (`genericScheduler.Schedule` → `Scheduler.schedulePod`) is looked for there too.
        let mut elsewhere: Vec<Found> = found
            .get(&name.name)
            .into_iter()
            .flatten()
            .map(neutral)
            .collect();
        for dest in destinations.get(&import_path).into_iter().flatten() {
            let decls = package(&mut packages, new, &new_modules, dest)?;
            elsewhere.extend(
                decls
                    .iter()
                    .filter(|f| f.located.decl.name.name != name.name)
                    .map(neutral),
            );
        }
        let same_package = package(&mut packages, new, &new_modules, &import_path)?
            .iter()
            .map(neutral)
            .collect();
        out.push(Leads {
            package: import_path,
            name,
            promoted: promoted.map(|(d, chain)| (neutral(&d), chain)),
            same_package,
            elsewhere,
        });
    }
    Ok(out)
}

fn neutral(d: &Decl) -> Found {
    Found {
        symbol: format!("{}.{}", d.import_path, d.located.decl.name),
        package: d.import_path.clone(),
        name: d.located.decl.name.clone(),
        kind: d.located.decl.kind,
        file: d.located.file.clone(),
        start_line: d.located.decl.start_line,
        end_line: d.located.decl.end_line,
        signature: d.located.decl.signature.clone(),
        text: d.text.clone(),
    }
}

/// For each old package with missing symbols, the packages its names moved to: the parent
/// package (code folded upwards, as the scheduler's `core` into `scheduler`) and every
/// package where a distinctive missing name of it turned up.
fn destinations(
    wanted: &[(String, QualName)],
    found: &BTreeMap<String, Vec<Decl>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (import_path, name) in wanted {
        let entry = out.entry(import_path.clone()).or_default();
        if let Some((parent, _)) = import_path.rsplit_once('/') {
            entry.insert(parent.to_string());
        }
        if let Some(places) = found.get(&name.name)
            && places.len() <= DISTINCTIVE
        {
            entry.extend(
                places
                    .iter()
                    .filter(|f| f.import_path != *import_path)
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
fn package<'c>(
    cache: &'c mut BTreeMap<String, Vec<Decl>>,
    snapshot: &Snapshot,
    modules: &ModuleMap,
    import_path: &str,
) -> Result<&'c [Decl], SourceError> {
    if !cache.contains_key(import_path) {
        let decls = match modules.locate(snapshot, import_path) {
            Some(dir) => whole_package(snapshot, &dir, import_path)?,
            None => Vec::new(),
        };
        cache.insert(import_path.to_string(), decls);
    }
    Ok(&cache[import_path])
}

/// Every declaration of the package in `dir`, with its text.
fn whole_package(
    snapshot: &Snapshot,
    dir: &str,
    import_path: &str,
) -> Result<Vec<Decl>, SourceError> {
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
        .map(|located: Located| Decl {
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

/// A method its type no longer declares but still has, promoted from an embedded field
/// (`deployments` embeds `gentype.ClientWithListAndApply`, which embeds ... `Client`, which
/// declares `Update`). Returns the declaring method and the chain of types walked.
fn promoted(
    snapshot: &Snapshot,
    modules: &ModuleMap,
    import_path: &str,
    name: &QualName,
    cache: &mut BTreeMap<String, Vec<Decl>>,
) -> Result<Option<(Decl, Vec<String>)>, SourceError> {
    let Some(receiver) = &name.receiver else {
        return Ok(None);
    };
    let mut queue = VecDeque::from([(
        import_path.to_string(),
        receiver.clone(),
        vec![format!("{}.{receiver}", short(import_path))],
    )]);
    let mut seen = BTreeSet::new();
    while let Some((import_path, type_name, chain)) = queue.pop_front() {
        if !seen.insert((import_path.clone(), type_name.clone())) {
            continue;
        }
        let decls = package(cache, snapshot, modules, &import_path)?;
        let wanted = QualName::method(type_name.clone(), name.name.clone());
        if chain.len() > 1
            && let Some(m) = decls.iter().find(|f| f.located.decl.name == wanted)
        {
            return Ok(Some((m.clone(), chain)));
        }
        if chain.len() > MAX_EMBEDDING_DEPTH {
            continue;
        }
        let Some(decl) = decls.iter().find(|f| {
            f.located.decl.kind == Kind::Struct
                && f.located.decl.name == QualName::plain(&type_name)
        }) else {
            continue;
        };
        let file_imports = imports(&snapshot.read(&decl.located.file)?.unwrap_or_default());
        for embedded in embedded_types(&decl.text) {
            let target = match &embedded.package {
                None => Some(import_path.clone()),
                Some(alias) => file_imports
                    .iter()
                    .find(|(name, _)| name == alias)
                    .map(|(_, path)| path.clone()),
            };
            if let Some(target) = target {
                let mut next = chain.clone();
                next.push(format!("{}.{}", short(&target), embedded.name));
                queue.push_back((target, embedded.name, next));
            }
        }
    }
    Ok(None)
}

/// The last element of an import path: what Go code calls the package.
fn short(import_path: &str) -> &str {
    import_path.rsplit('/').next().unwrap_or(import_path)
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
        .map_or_else(|| item.name().clone(), |s| s.name.clone())
}

fn parent(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}
