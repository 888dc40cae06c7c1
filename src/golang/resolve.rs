//! Go symbols → places in a snapshot: the Go engine's resolver.
//!
//! All queries of a run are answered together: packages are located once, their files read
//! once, prefiltered by the wanted names, and parsed in parallel. Only a package with a
//! missing symbol is parsed whole, to suggest what the name became.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rayon::prelude::*;

use super::index::{self, IndexError, TreeIndex};
use super::symbol::Symbol;
use super::{FileProblem, Located, ModuleMap, PackageFiles};
use crate::item::{Hit, Near, QualName, Query, Resolution, Terms, nearness, suggestions};
use crate::source::{Snapshot, SourceError};

pub(crate) const TERMS: Terms = Terms {
    plural: "declarations",
    placed: "declared",
    constraints: "build constraints",
};

pub struct Resolver<'s> {
    snapshot: &'s Snapshot,
    root_module: Option<String>,
    /// The tree's go.mod modules, walked only when a package is not in the index.
    modules: std::cell::OnceCell<ModuleMap>,
    /// The declaration index of the tree (built on the first run at this tree).
    index: Option<std::sync::Arc<TreeIndex>>,
}

impl<'s> Resolver<'s> {
    /// `root_module`: the import path of the tree's root when it has no go.mod (GOPATH-era
    /// repositories, see `module:` in the mapping's repos). With an index root, the tree's
    /// index is opened, or built on the first run at this tree; a tree the index cannot
    /// serve is read directly, so each step says what is wrong with its own files. A module
    /// whose root zip is refused is an error of the whole tree.
    pub fn new(snapshot: &'s Snapshot, root_module: Option<&str>) -> Result<Self, SourceError> {
        let index = match TreeIndex::open(snapshot, root_module) {
            Ok(index) => index,
            Err(IndexError::Source(e @ SourceError::ModuleZip { .. })) => return Err(e),
            Err(_) => None,
        };
        Ok(Self {
            snapshot,
            root_module: root_module.map(str::to_string),
            modules: std::cell::OnceCell::new(),
            index,
        })
    }

    /// Read the tree directly, without the index (tests that compare both ways).
    #[must_use]
    pub fn without_index(mut self) -> Self {
        self.index = None;
        self
    }

    /// The tree's index, if this run has one.
    pub fn index(&self) -> Option<&TreeIndex> {
        self.index.as_deref()
    }

    pub fn modules(&self) -> Result<&ModuleMap, SourceError> {
        if let Some(m) = self.modules.get() {
            return Ok(m);
        }
        let built = ModuleMap::with_root(self.snapshot, self.root_module.as_deref())?;
        Ok(self.modules.get_or_init(|| built))
    }

    pub fn resolve(&self, queries: &[Query<'_>]) -> Result<Vec<Resolution>, SourceError> {
        let symbols: Vec<Result<Symbol, String>> = queries
            .iter()
            .map(|q| Symbol::parse(q.item.as_str()).map_err(|e| e.to_string()))
            .collect();
        let parsed: Vec<&Symbol> = symbols.iter().filter_map(|s| s.as_ref().ok()).collect();
        let mut batch = self.plan(&parsed)?;
        let mut out = Vec::with_capacity(queries.len());
        for (q, symbol) in queries.iter().zip(&symbols) {
            let mut r = Resolution::empty(self.snapshot, q.item.as_str());
            let symbol = match symbol {
                Ok(s) => s,
                Err(e) => {
                    r.reason = Some(format!("malformed Go symbol: {e}"));
                    out.push(r);
                    continue;
                }
            };
            match batch.lookup(symbol) {
                Lookup::Found(matches) => {
                    let import_path = symbol_prefix(&r.symbol, &matches[0].decl.name);
                    let hits: Vec<Hit> = matches.iter().map(|l| hit(&import_path, l)).collect();
                    r.fill_found(&hits, q.file_hint, &TERMS);
                }
                Lookup::NoPackage => {
                    let paths: Vec<&str> = symbol.splits().iter().map(|s| s.import_path).collect();
                    let why = paths
                        .iter()
                        .find_map(|p| self.snapshot.why_missing(p))
                        .map_or_else(String::new, |w| format!(": {w}"));
                    r.reason = Some(format!(
                        "package {} not found in {}@{} (looked in the tree's go.mod modules and vendor/){why}",
                        paths.join(" or "),
                        self.snapshot.repo_name,
                        self.snapshot.version
                    ));
                }
                Lookup::NotInPackage {
                    import_path,
                    dir,
                    name,
                } => {
                    let wanted = name.to_string().to_lowercase();
                    // Only the near names become candidates (their hits are costly).
                    let pool = batch
                        .whole_package(&dir)
                        .iter()
                        .filter_map(|l| {
                            let key = l.decl.name.to_string().to_lowercase();
                            nearness(&wanted, &name.name, &key, &l.decl.name.name)?;
                            Some(Near {
                                key,
                                leaf: l.decl.name.name.clone(),
                                candidate: hit(&import_path, l).candidate(),
                            })
                        })
                        .collect();
                    r.candidates = suggestions(&wanted, &name.name, pool);
                    r.reason = Some(format!(
                        "no declaration of {name} in package {import_path} ({dir}/){}",
                        batch.problems_in(&dir)
                    ));
                }
            }
            if let Some(file) = &r.file
                && let Some((_, problem)) = batch.problems.iter().find(|(f, _)| f == file)
            {
                let warning = format!("{file} {problem}");
                r.reason = Some(
                    r.reason
                        .map_or(warning.clone(), |w| format!("{w}; {warning}")),
                );
            }
            r.link(self.snapshot);
            out.push(r);
        }
        Ok(out)
    }

    /// Locate every package the queries may live in, read each once, and parse the files
    /// that spell a wanted name.
    fn plan(&self, symbols: &[&Symbol]) -> Result<Batch<'_>, SourceError> {
        let paths: Vec<&str> = symbols
            .iter()
            .flat_map(|s| s.splits())
            .map(|s| s.import_path)
            .collect();
        let mut dir_of: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut by_dir: BTreeMap<String, Vec<Located>> = BTreeMap::new();
        // Indexed packages: dir → import path, for the whole package when a name is missing.
        let mut indexed: BTreeMap<String, String> = BTreeMap::new();
        let mut problems = Vec::new();
        if let Some(index) = self.index.as_deref() {
            from_index(
                index,
                symbols,
                &mut dir_of,
                &mut by_dir,
                &mut indexed,
                &mut problems,
            );
        }
        let rest: Vec<&str> = paths
            .iter()
            .copied()
            .filter(|p| !dir_of.contains_key(*p))
            .collect();
        if !rest.is_empty() {
            self.snapshot.prefetch(&rest);
        }
        let whole_tree_indexed = self.index.is_some() && self.snapshot.declared_modules().is_none();
        for split in symbols.iter().flat_map(|s| s.splits()) {
            if !dir_of.contains_key(split.import_path) {
                // A git tree's index lists every package of the tree: one it lacks is not
                // there, and walking the tree's go.mod files to say so again costs a tree
                // walk. A module tree mounts further modules on demand: ask it.
                let dir = match &self.index {
                    _ if whole_tree_indexed => None,
                    // The index answers for the tree's own code it read whole; a required
                    // module's mount (or own code that could not be read) is asked.
                    Some(index) => {
                        self.modules()?
                            .locate_by(split.import_path, &mut |d| match self.snapshot.own_mount(d)
                            {
                                Some(own) if index.read_whole(&own) => index.has_package_under(d),
                                _ => self.snapshot.is_dir(d),
                            })
                    }
                    None => self.modules()?.locate(self.snapshot, split.import_path),
                };
                dir_of.insert(split.import_path.to_string(), dir);
            }
            if let Some(Some(dir)) = dir_of.get(split.import_path)
                && !indexed.contains_key(dir)
            {
                wanted
                    .entry(dir.clone())
                    .or_default()
                    .extend(needles(&split.name));
            }
        }
        let mut packages = BTreeMap::new();
        for dir in wanted.keys() {
            packages.insert(dir.clone(), PackageFiles::read(self.snapshot, dir)?);
        }
        let mut jobs: Vec<(&str, &[u8])> = Vec::new();
        for (dir, names) in &wanted {
            let pkg: &PackageFiles = &packages[dir];
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            jobs.extend(
                pkg.prefilter(&names)
                    .into_iter()
                    .map(|i| (pkg.files[i].0.as_str(), pkg.files[i].1.as_slice())),
            );
        }
        let loose = self
            .index
            .as_ref()
            .and_then(|_| index::folder(self.snapshot));
        let (decls, found) = index::loose::index_files(loose.as_deref(), &jobs);
        problems.extend(found);
        for located in decls {
            let dir = located
                .file
                .rsplit_once('/')
                .map_or("", |(d, _)| d)
                .to_string();
            by_dir.entry(dir).or_default().push(located);
        }
        Ok(Batch {
            snapshot: self.snapshot,
            index: self.index.as_deref(),
            dir_of,
            packages,
            by_dir,
            indexed,
            whole: BTreeMap::new(),
            problems,
            loose,
        })
    }
}

/// The declarations of the wanted names in the packages the index answers for, decoded
/// packages in parallel (not the rest of their files: most of a package's bytes).
fn from_index(
    index: &TreeIndex,
    symbols: &[&Symbol],
    dir_of: &mut BTreeMap<String, Option<String>>,
    by_dir: &mut BTreeMap<String, Vec<Located>>,
    indexed: &mut BTreeMap<String, String>,
    problems: &mut Vec<(String, FileProblem)>,
) {
    // Only the wanted names' declarations are decoded, packages in parallel.
    let splits: Vec<_> = symbols.iter().flat_map(|s| s.splits()).collect();
    let mut names_of: BTreeMap<&str, Vec<&QualName>> = BTreeMap::new();
    for split in &splits {
        if index.dir_of(split.import_path).is_some() {
            names_of
                .entry(split.import_path)
                .or_default()
                .push(&split.name);
        }
    }
    let decoded: Vec<_> = names_of
        .into_par_iter()
        .map(|(path, names)| {
            let keep = |receiver: &[u8], name: &[u8]| {
                names.iter().any(|n| {
                    n.name.as_bytes() == name
                        && n.receiver.as_deref().unwrap_or_default().as_bytes() == receiver
                })
            };
            (path, index.package_where(path, index::Keep::Names(&keep)))
        })
        .collect();
    for (path, found) in decoded {
        if let (Some(dir), Some((decls, found))) = (index.dir_of(path), found) {
            dir_of.insert(path.to_string(), Some(dir.to_string()));
            indexed.insert(dir.to_string(), path.to_string());
            by_dir.entry(dir.to_string()).or_default().extend(decls);
            problems.extend(found);
        }
    }
}

/// The packages of one batch of queries, their prefiltered declarations, and (lazily) the
/// whole package for queries that found nothing.
struct Batch<'r> {
    snapshot: &'r Snapshot,
    index: Option<&'r TreeIndex>,
    dir_of: BTreeMap<String, Option<String>>,
    /// The files of each package read from the tree (not those the index answers for).
    packages: BTreeMap<String, PackageFiles>,
    /// Per package folder, the declarations of the wanted names (and, for files read from
    /// the tree, whatever else the prefiltered files declare).
    by_dir: BTreeMap<String, Vec<Located>>,
    /// The packages the index answers for: folder → import path.
    indexed: BTreeMap<String, String>,
    whole: BTreeMap<String, Vec<Located>>,
    /// Files whose declarations may be incomplete (syntax errors, not parsed).
    problems: Vec<(String, FileProblem)>,
    /// Where the records of files parsed outside the index are remembered.
    loose: Option<std::path::PathBuf>,
}

enum Lookup {
    Found(Vec<Located>),
    NoPackage,
    NotInPackage {
        import_path: String,
        dir: String,
        name: QualName,
    },
}

impl Batch<'_> {
    /// The first reading of the symbol whose package declares it. A name the prefiltered
    /// files do not declare is looked for in the whole package, so a layout the needles do
    /// not know (code that is not gofmt'd) costs time, not the answer.
    fn lookup(&mut self, symbol: &Symbol) -> Lookup {
        let mut first_searched = None;
        for split in symbol.splits() {
            let Some(Some(dir)) = self.dir_of.get(split.import_path).cloned() else {
                continue;
            };
            let named = |found: &[Located]| -> Vec<Located> {
                found
                    .iter()
                    .filter(|l| l.decl.name == split.name)
                    .cloned()
                    .collect()
            };
            let mut matches = named(self.by_dir.get(&dir).map_or(&[], Vec::as_slice));
            if matches.is_empty() {
                matches = named(self.whole_package(&dir));
            }
            if !matches.is_empty() {
                return Lookup::Found(matches);
            }
            first_searched.get_or_insert((split.import_path.to_string(), dir, split.name));
        }
        match first_searched {
            Some((import_path, dir, name)) => Lookup::NotInPackage {
                import_path,
                dir,
                name,
            },
            None => Lookup::NoPackage,
        }
    }

    fn whole_package(&mut self, dir: &str) -> &[Located] {
        if !self.whole.contains_key(dir) {
            let decls = self.read_whole_package(dir);
            self.whole.insert(dir.to_string(), decls);
        }
        &self.whole[dir]
    }

    /// Every declaration of the package in `dir`: from the index when it answers for it,
    /// else parsed from the package's files (read now if the index answered until here).
    fn read_whole_package(&mut self, dir: &str) -> Vec<Located> {
        if let (Some(index), Some(path)) = (self.index, self.indexed.get(dir))
            && let Some((decls, _)) = index.package(path)
        {
            return decls;
        }
        if !self.packages.contains_key(dir) {
            // The index answered for this package a moment ago; if it cannot now and the
            // tree cannot be read either, the package has no declarations to suggest.
            let files = PackageFiles::read(self.snapshot, dir).unwrap_or(PackageFiles {
                dir: dir.to_string(),
                files: Vec::new(),
            });
            self.packages.insert(dir.to_string(), files);
        }
        let packages = &self.packages;
        let problems = &mut self.problems;
        let loose = self.loose.as_deref();
        {
            let files: Vec<(&str, &[u8])> = packages[dir]
                .files
                .iter()
                .map(|(p, b)| (p.as_str(), b.as_slice()))
                .collect();
            let (decls, found) = index::loose::index_files(loose, &files);
            for p in found {
                if !problems.contains(&p) {
                    problems.push(p);
                }
            }
            decls
        }
    }

    /// `; FILE PROBLEM` for each file of `dir` that may hide a declaration.
    fn problems_in(&self, dir: &str) -> String {
        let mut out = String::new();
        for (file, problem) in &self.problems {
            if file.rsplit_once('/').map_or("", |(d, _)| d) == dir {
                let _ = write!(out, "; {file} {problem}");
            }
        }
        out
    }
}

/// Byte patterns a file must contain to possibly declare `name`, in gofmt's layout: a
/// method is `) Name(`, an interface method a tab-indented `Name(`, a func `func Name(` or
/// `func Name[`, a type, const or var `type Name `, `const Name `, `var Name ` or, inside a
/// group, a tab-indented `Name `, `Name,` or, for a const repeating the group's `iota`,
/// `Name` alone on its line. This keeps a type like `Pod` from dragging in
/// every file that mentions it (generated.pb.go alone is 1.7 MB). A miss is caught by the
/// whole-package pass of `Batch::lookup`, so the patterns only save time, never answers.
pub(crate) fn needles(name: &QualName) -> Vec<String> {
    let n = &name.name;
    match &name.receiver {
        Some(_) => vec![format!(") {n}("), format!("\t{n}(")],
        None => [
            "func {}(",
            "func {}[",
            "type {} ",
            "type {}[",
            "const {} ",
            "var {} ",
            "\t{} ",
            "\t{},",
            "\t{}\n",
            "\t{}\r\n",
            "const {},",
            "var {},",
        ]
        .iter()
        .map(|p| p.replace("{}", n))
        .collect(),
    }
}

/// The import path part of `symbol`, given the name it resolved to.
fn symbol_prefix(symbol: &str, name: &QualName) -> String {
    symbol
        .strip_suffix(&name.to_string())
        .unwrap_or(symbol)
        .trim_end_matches('.')
        .to_string()
}

fn hit(import_path: &str, l: &Located) -> Hit {
    Hit {
        symbol: format!("{import_path}.{}", l.decl.name),
        file: l.file.clone(),
        start_line: l.decl.start_line,
        end_line: l.decl.end_line,
        kind: l.decl.kind,
        signature: l.decl.signature.clone(),
        doc: l.decl.doc.clone(),
        constrained: l.constrained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golang::PackageFiles;

    fn package(files: &[(&str, &str)]) -> PackageFiles {
        PackageFiles {
            dir: "p".into(),
            files: files
                .iter()
                .map(|(name, text)| (format!("p/{name}"), text.as_bytes().to_vec()))
                .collect(),
        }
    }

    fn kept(pkg: &PackageFiles, name: &QualName) -> Vec<String> {
        let needles = needles(name);
        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
        pkg.prefilter(&needles)
            .into_iter()
            .map(|i| pkg.files[i].0.clone())
            .collect()
    }

    /// `find` missed the scheduler framework's `Unschedulable`: gofmt writes a const that
    /// repeats the group's `iota` as a tab, its name and a newline, which no needle matched.
    #[test]
    fn needles_keep_a_file_that_declares_an_iota_repeated_const() {
        let pkg = package(&[
            (
                "codes.go",
                "package p\n\ntype Code int\n\nconst (\n\tSuccess Code = iota\n\tUnschedulable\n\tWait // line comment\n)\n",
            ),
            (
                "crlf.go",
                "package p\r\n\r\nconst (\r\n\tA = iota\r\n\tB\r\n)\r\n",
            ),
            ("uses.go", "package p\n\nvar x = Unschedulable + B\n"),
        ]);
        assert_eq!(
            kept(&pkg, &QualName::plain("Unschedulable")),
            ["p/codes.go"]
        );
        assert_eq!(kept(&pkg, &QualName::plain("Wait")), ["p/codes.go"]);
        assert_eq!(kept(&pkg, &QualName::plain("B")), ["p/crlf.go"]);
    }
}
