//! Go source: declarations found with tree-sitter-go, packages found by import path.

pub mod calls;
mod embedding;
mod engine;
pub(crate) mod extract;
pub(crate) mod highlight;
pub mod index;
mod lang;
mod leads;
pub mod modules;
pub mod relocate;
pub mod resolve;
mod signature;
pub mod symbol;

pub use embedding::{TypeRef, embedded_types, imports};
pub use engine::Go;
pub use extract::{Call, Decl, FileDecls, calls, extract, file_name_constrained, receiver_name};
pub use lang::{MAX_PARSE_BYTES, PARSE_TIMEOUT, ParseFailure};
pub use modules::{Module, ModuleMap};
pub use signature::type_key;

use memchr::memmem;
use rayon::prelude::*;

use crate::source::{EntryKind, Snapshot, SourceError};

/// The syntax tree of a Go file as an S-expression, for whoever writes queries
/// (`k8s-study debug-tree FILE`).
pub fn syntax_tree(source: &[u8]) -> String {
    lang::parse(source).map_or_else(
        |e| format!("(not parsed: {e})"),
        |t| t.root_node().to_sexp(),
    )
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
                files.push((path, snapshot.blob(entry.id)?));
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

/// Why a file's declarations may be incomplete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// ERROR or MISSING nodes; what parsed is kept.
    SyntaxErrors(usize),
    /// Not parsed: no declarations at all.
    Unparsed(ParseFailure),
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SyntaxErrors(n) => write!(
                f,
                "has {n} syntax error(s) for tree-sitter-go; what parsed is shown"
            ),
            Self::Unparsed(why) => write!(f, "was not read: {why}"),
        }
    }
}

/// Files at least this big are parsed one after another on the calling thread: their trees
/// take hundreds of megabytes, and parsed side by side, or on different threads whose
/// allocator arenas each keep their peak, the peaks would add up.
pub(crate) const BIG_FILE_BYTES: usize = 1 << 20;

/// Parse the chosen files (small ones in parallel); returns declarations, in the order of
/// `files`, and the files whose declarations may be incomplete.
pub fn index_files(files: &[(&str, &[u8])]) -> (Vec<Located>, Vec<(String, FileProblem)>) {
    let (big, small): (Vec<_>, Vec<_>) = files
        .iter()
        .enumerate()
        .partition(|(_, (_, bytes))| bytes.len() >= BIG_FILE_BYTES);
    let parse =
        |&(i, (path, bytes)): &(usize, &(&str, &[u8]))| (i, (*path).to_string(), extract(bytes));
    let mut parsed: Vec<_> = small.par_iter().map(parse).collect();
    parsed.extend(big.iter().map(parse));
    parsed.sort_by_key(|(i, _, _)| *i);
    let mut decls = Vec::new();
    let mut problems = Vec::new();
    for (_, path, file) in parsed {
        if let Some(why) = file.unparsed {
            problems.push((path.clone(), FileProblem::Unparsed(why)));
        } else if file.syntax_errors > 0 {
            problems.push((path.clone(), FileProblem::SyntaxErrors(file.syntax_errors)));
        }
        let name = path.rsplit('/').next().unwrap_or(&path);
        let constrained = file.build_constrained || file_name_constrained(name);
        decls.extend(file.decls.into_iter().map(|decl| Located {
            file: path.clone(),
            decl,
            constrained,
        }));
    }
    (decls, problems)
}
