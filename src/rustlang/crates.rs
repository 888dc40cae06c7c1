//! The library crates of a snapshot, from its `Cargo.toml` files.
//!
//! The root manifest's `[workspace] members` (with `dir/*` globs) says where crates are; a
//! tree without a workspace is scanned at the root and one level down. A crate's name is its
//! `[lib] name` or its package name with `-` as `_`; its root is `[lib] path` or `src/lib.rs`.

use serde::Deserialize;

use crate::source::{EntryKind, Snapshot, SourceError};

/// One library crate of the tree. Paths are relative to the repository root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crate {
    /// As written in paths: `kube_runtime`.
    pub name: String,
    /// Its folder (`""` for the root).
    pub dir: String,
    /// The lib root file: `kube-runtime/src/lib.rs`.
    pub lib_root: String,
}

/// The crates found, and manifests that could not be read (reported, never fatal).
#[derive(Debug, Default)]
pub struct Crates {
    pub crates: Vec<Crate>,
    pub problems: Vec<String>,
}

impl Crates {
    pub fn get(&self, name: &str) -> Option<&Crate> {
        self.crates.iter().find(|c| c.name == name)
    }
}

#[derive(Deserialize)]
struct Manifest {
    package: Option<Package>,
    lib: Option<Lib>,
    workspace: Option<Workspace>,
}

#[derive(Deserialize)]
struct Package {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Lib {
    name: Option<String>,
    path: Option<String>,
}

#[derive(Deserialize)]
struct Workspace {
    #[serde(default)]
    members: Vec<String>,
}

pub fn find_crates(snapshot: &Snapshot) -> Result<Crates, SourceError> {
    let mut out = Crates::default();
    let root = read_manifest(snapshot, "", &mut out.problems)?;
    let mut dirs: Vec<String> = Vec::new();
    match root.as_ref().and_then(|m| m.workspace.as_ref()) {
        Some(ws) => {
            for member in &ws.members {
                let member = member.trim_end_matches('/');
                if let Some(parent) = member.strip_suffix("/*") {
                    for e in snapshot.list_dir(parent)?.unwrap_or_default() {
                        if e.kind == EntryKind::Dir {
                            dirs.push(format!("{parent}/{}", e.name));
                        }
                    }
                } else if safe_relative(member) {
                    dirs.push(member.to_string());
                } else {
                    out.problems
                        .push(format!("workspace member `{member}` is outside the tree"));
                }
            }
        }
        None => {
            for e in snapshot.list_dir("")?.unwrap_or_default() {
                if e.kind == EntryKind::Dir && !e.name.starts_with('.') {
                    dirs.push(e.name);
                }
            }
        }
    }
    if let Some(m) = root {
        add_crate(snapshot, "", &m, &mut out)?;
    }
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        if let Some(m) = read_manifest(snapshot, &dir, &mut out.problems)? {
            add_crate(snapshot, &dir, &m, &mut out)?;
        }
    }
    Ok(out)
}

fn read_manifest(
    snapshot: &Snapshot,
    dir: &str,
    problems: &mut Vec<String>,
) -> Result<Option<Manifest>, SourceError> {
    let path = join(dir, "Cargo.toml");
    let Some(bytes) = snapshot.read(&path)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    match toml::from_str::<Manifest>(&text) {
        Ok(m) => Ok(Some(m)),
        Err(e) => {
            problems.push(format!(
                "{path}: {}",
                e.message().lines().next().unwrap_or("")
            ));
            Ok(None)
        }
    }
}

fn add_crate(
    snapshot: &Snapshot,
    dir: &str,
    m: &Manifest,
    out: &mut Crates,
) -> Result<(), SourceError> {
    let Some(package) = &m.package else {
        return Ok(());
    };
    let lib = m.lib.as_ref();
    let Some(name) = lib
        .and_then(|l| l.name.clone())
        .or_else(|| package.name.clone())
    else {
        return Ok(());
    };
    let rel = lib
        .and_then(|l| l.path.clone())
        .unwrap_or_else(|| "src/lib.rs".into());
    if !safe_relative(&rel) {
        out.problems.push(format!(
            "{}: [lib] path `{rel}` is outside the tree",
            join(dir, "Cargo.toml")
        ));
        return Ok(());
    }
    let lib_root = join(dir, rel.trim_start_matches("./"));
    // A binary-only package (examples, e2e) has no library to look into.
    if snapshot.read(&lib_root)?.is_none() {
        return Ok(());
    }
    out.crates.push(Crate {
        name: name.replace('-', "_"),
        dir: dir.to_string(),
        lib_root,
    });
    Ok(())
}

pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Relative, and never climbing out with `..`.
fn safe_relative(p: &str) -> bool {
    !p.starts_with('/') && !p.contains('\\') && !p.split('/').any(|s| s == "..")
}
