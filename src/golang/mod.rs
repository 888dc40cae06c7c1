//! Go source: declarations found with tree-sitter-go, packages found by import path.

mod embedding;
mod extract;
mod lang;
pub mod modules;
mod signature;

pub use embedding::{TypeRef, embedded_types, imports};
pub use extract::{
    Call, Decl, FileDecls, Kind, calls, extract, file_name_constrained, receiver_name,
};
pub use modules::{Module, ModuleMap};
pub use signature::type_key;

use memchr::memmem;
use rayon::prelude::*;

use crate::source::{EntryKind, Snapshot, SourceError};

/// The syntax tree of a Go file as an S-expression, for whoever writes queries
/// (`k8s-study debug-tree FILE`).
pub fn syntax_tree(source: &[u8]) -> String {
    lang::parse(source).map_or_else(|| "(parse failed)".into(), |t| t.root_node().to_sexp())
}

/// A declaration and the file it is in.
#[derive(Clone, Debug)]
pub struct Located {
    pub file: String,
    pub decl: Decl,
    /// The file only builds for some platforms or tags (`_linux.go`, `//go:build`).
    pub constrained: bool,
}

/// The Go files of a package folder that an index is built from (tests excluded: they are
/// often another package, and articles do not walk them).
pub struct PackageFiles {
    pub dir: String,
    pub files: Vec<(String, Vec<u8>)>,
}

impl PackageFiles {
    pub fn read(snapshot: &Snapshot, dir: &str) -> Result<Self, SourceError> {
        let mut files = Vec::new();
        for entry in snapshot.list_dir(dir)?.unwrap_or_default() {
            if entry.kind == EntryKind::File
                && std::path::Path::new(&entry.name)
                    .extension()
                    .is_some_and(|e| e == "go")
                && !entry.name.ends_with("_test.go")
            {
                let path = if dir.is_empty() {
                    entry.name.clone()
                } else {
                    format!("{dir}/{}", entry.name)
                };
                files.push((path, snapshot.blob(entry.oid)?));
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Self {
            dir: dir.to_string(),
            files,
        })
    }

    /// Indices of files whose bytes contain any of `names`: a file that never spells a name
    /// cannot declare it, and memchr is a thousand times cheaper than a parse.
    pub fn prefilter(&self, names: &[&str]) -> Vec<usize> {
        let finders: Vec<memmem::Finder<'_>> = names
            .iter()
            .map(|n| memmem::Finder::new(n.as_bytes()))
            .collect();
        (0..self.files.len())
            .filter(|&i| finders.iter().any(|f| f.find(&self.files[i].1).is_some()))
            .collect()
    }
}

/// Parse the chosen files in parallel; returns declarations and per-file syntax error counts.
pub fn index_files(files: &[(&str, &[u8])]) -> (Vec<Located>, Vec<(String, usize)>) {
    let parsed: Vec<(String, FileDecls)> = files
        .par_iter()
        .map(|(path, bytes)| ((*path).to_string(), extract(bytes)))
        .collect();
    let mut decls = Vec::new();
    let mut errors = Vec::new();
    for (path, file) in parsed {
        if file.syntax_errors > 0 {
            errors.push((path.clone(), file.syntax_errors));
        }
        let name = path.rsplit('/').next().unwrap_or(&path);
        let constrained = file.build_constrained || file_name_constrained(name);
        decls.extend(file.decls.into_iter().map(|decl| Located {
            file: path.clone(),
            decl,
            constrained,
        }));
    }
    (decls, errors)
}
