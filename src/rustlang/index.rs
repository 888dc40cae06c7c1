//! Every item of one crate: the module tree is followed from the lib root (`mod x;` as
//! `x.rs` or `x/mod.rs`, `#[path]`, inline modules), one level of files at a time, each level
//! parsed in parallel.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::crates::Crate;
use super::items::{FileCx, ItemRec, UseRec, extract};
use crate::source::{Snapshot, SourceError};

/// Files larger than this are not parsed (generated code); the skip is reported.
pub const MAX_FILE_BYTES: usize = 4 << 20;
/// Module files deeper than this below the root are not followed (a `#[path]` loop guard).
const MAX_DEPTH: usize = 64;

#[derive(Debug, Default)]
pub struct CrateIndex {
    pub name: String,
    /// Items by their path inside the crate (`reflector::store::Store`); impl members are in
    /// `members` instead, since an impl may sit in any module.
    pub items: BTreeMap<String, Vec<ItemRec>>,
    /// Impl members by (self type name, member name).
    pub members: BTreeMap<(String, String), Vec<ItemRec>>,
    /// Module paths (`""` is the root).
    pub modules: BTreeSet<String>,
    /// `pub use` by the module they are in.
    pub uses: BTreeMap<String, Vec<UseRec>>,
    /// Files read.
    pub files: Vec<String>,
    /// Files that did not parse, were too large, or could not be found.
    pub problems: Vec<String>,
}

/// A crate's index as remembered beside the declaration index (see [`crate::memo`]): maps
/// with tuple keys as lists, for JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    items: Vec<(String, Vec<ItemRec>)>,
    members: Vec<((String, String), Vec<ItemRec>)>,
    modules: BTreeSet<String>,
    uses: Vec<(String, Vec<UseRec>)>,
    files: Vec<String>,
    problems: Vec<String>,
}

pub fn key(path: &[String]) -> String {
    path.join("::")
}

impl CrateIndex {
    /// The crate's index, remembered per tree (repo, version, commit) and crate by this
    /// build of the tool: a crate of a fixed tree parses the same every time.
    pub fn load(snapshot: &Snapshot, krate: &Crate) -> Result<Self, SourceError> {
        let memo = crate::golang::index::folder(snapshot).map(|folder| {
            let key = [
                crate::memo::build_stamp(),
                &snapshot.repo_name,
                &snapshot.version,
                &snapshot.commit,
                &krate.name,
                &krate.lib_root,
            ]
            .join("\n")
            .into_bytes();
            (crate::memo::path_of(&folder, "rust", &key), key)
        });
        if let Some((path, key)) = &memo
            && let Some(body) = crate::memo::read(path, key)
            && let Ok(stored) = serde_json::from_slice::<Stored>(&body)
        {
            return Ok(Self {
                name: krate.name.clone(),
                items: stored.items.into_iter().collect(),
                members: stored.members.into_iter().collect(),
                modules: stored.modules,
                uses: stored.uses.into_iter().collect(),
                files: stored.files,
                problems: stored.problems,
            });
        }
        let index = Self::build(snapshot, krate)?;
        if let Some((path, key)) = &memo {
            let stored = Stored {
                items: index.items.clone().into_iter().collect(),
                members: index.members.clone().into_iter().collect(),
                modules: index.modules.clone(),
                uses: index.uses.clone().into_iter().collect(),
                files: index.files.clone(),
                problems: index.problems.clone(),
            };
            if let Ok(body) = serde_json::to_vec(&stored) {
                crate::memo::write(path, key, &body);
            }
        }
        Ok(index)
    }

    pub fn build(snapshot: &Snapshot, krate: &Crate) -> Result<Self, SourceError> {
        let mut index = Self {
            name: krate.name.clone(),
            ..Self::default()
        };
        index.modules.insert(String::new());
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut level = vec![FileCx {
            file: krate.lib_root.clone(),
            module: Vec::new(),
            owns_dir: true,
        }];
        let mut depth = 0;
        while !level.is_empty() {
            let mut jobs = Vec::new();
            for cx in level {
                if !seen.insert(cx.file.clone()) {
                    index.problems.push(format!(
                        "{} is loaded as more than one module; read once",
                        cx.file
                    ));
                    continue;
                }
                match snapshot.read(&cx.file)? {
                    Some(bytes) if bytes.len() > MAX_FILE_BYTES => index.problems.push(format!(
                        "{} is {} bytes, over the {} MB limit; not parsed",
                        cx.file,
                        bytes.len(),
                        MAX_FILE_BYTES >> 20
                    )),
                    Some(bytes) => jobs.push((cx, bytes)),
                    None => index
                        .problems
                        .push(format!("{} is not a file in the tree", cx.file)),
                }
            }
            let parsed: Vec<_> = jobs
                .par_iter()
                .map(|(cx, bytes)| extract(cx, bytes))
                .collect();
            let mut next = Vec::new();
            for ((cx, _), file) in jobs.iter().zip(parsed) {
                index.files.push(cx.file.clone());
                index.problems.extend(file.problems);
                for m in file.modules {
                    index.modules.insert(key(&m));
                }
                for u in file.uses {
                    index.uses.entry(key(&u.module)).or_default().push(u);
                }
                for item in file.items {
                    match &item.impl_of {
                        Some((ty, _)) => index
                            .members
                            .entry((ty.clone(), item.path.last().cloned().unwrap_or_default()))
                            .or_default()
                            .push(item),
                        None => index.items.entry(key(&item.path)).or_default().push(item),
                    }
                }
                for m in file.mods {
                    let found = m.candidates.iter().find(|c| snapshot.is_file(c));
                    match found {
                        Some(file) if depth < MAX_DEPTH => next.push(FileCx {
                            file: file.clone(),
                            owns_dir: m.by_path_attr || file.ends_with("/mod.rs"),
                            module: m.module,
                        }),
                        Some(file) => index.problems.push(format!(
                            "{file}: modules nested deeper than {MAX_DEPTH}; not read"
                        )),
                        None => index.problems.push(format!(
                            "{}: `mod {}` has no file ({})",
                            cx.file,
                            m.module.last().map_or("", String::as_str),
                            m.candidates.join(" or ")
                        )),
                    }
                }
            }
            level = next;
            depth += 1;
        }
        index.files.sort();
        Ok(index)
    }
}
