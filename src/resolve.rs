//! Symbols → places in a snapshot: the engine behind `find`, `resolve` and `check`.
//!
//! All queries of a run are answered together: packages are located once, their files read
//! once from git objects, prefiltered by the wanted names, and parsed in parallel. Only a
//! package with a missing symbol is parsed whole, to suggest what the name became.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::golang::{FileProblem, Located, ModuleMap, PackageFiles, index_files};
use crate::mapping::{Article, Mapping};
use crate::source::{Snapshot, SourceError, Sources};
use crate::symbol::{QualName, Symbol};

pub use crate::item::{Candidate, Kind, Resolution, Status};

/// One symbol to look up, with the mapping's file hint if any.
pub struct Query<'a> {
    pub symbol: &'a Symbol,
    pub file_hint: Option<&'a str>,
}

pub struct Resolver<'s> {
    snapshot: &'s Snapshot,
    modules: ModuleMap,
}

impl<'s> Resolver<'s> {
    /// `root_module`: the import path of the tree's root when it has no go.mod (GOPATH-era
    /// repositories, see `module:` in the mapping's repos).
    pub fn new(snapshot: &'s Snapshot, root_module: Option<&str>) -> Result<Self, SourceError> {
        let modules = ModuleMap::with_root(snapshot, root_module)?;
        Ok(Self { snapshot, modules })
    }

    pub fn modules(&self) -> &ModuleMap {
        &self.modules
    }

    pub fn resolve(&self, queries: &[Query<'_>]) -> Result<Vec<Resolution>, SourceError> {
        let mut batch = self.plan(queries)?;
        let mut out = Vec::with_capacity(queries.len());
        for q in queries {
            let mut r = self.empty(q.symbol);
            match batch.lookup(q.symbol) {
                Lookup::Found(matches) => fill_found(&mut r, &matches, q.file_hint),
                Lookup::NoPackage => {
                    let paths: Vec<&str> =
                        q.symbol.splits().iter().map(|s| s.import_path).collect();
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
                    r.candidates = suggestions(&import_path, &name, batch.whole_package(&dir));
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
    fn plan(&self, queries: &[Query<'_>]) -> Result<Batch, SourceError> {
        let paths: Vec<&str> = queries
            .iter()
            .flat_map(|q| q.symbol.splits())
            .map(|s| s.import_path)
            .collect();
        self.snapshot.prefetch(&paths);
        let mut dir_of: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for split in queries.iter().flat_map(|q| q.symbol.splits()) {
            let dir = dir_of
                .entry(split.import_path.to_string())
                .or_insert_with(|| self.modules.locate(self.snapshot, split.import_path));
            if let Some(dir) = dir {
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
        let (decls, problems) = index_files(&jobs);
        let mut by_dir: BTreeMap<String, Vec<Located>> = BTreeMap::new();
        for located in decls {
            let dir = located
                .file
                .rsplit_once('/')
                .map_or("", |(d, _)| d)
                .to_string();
            by_dir.entry(dir).or_default().push(located);
        }
        Ok(Batch {
            dir_of,
            packages,
            by_dir,
            whole: BTreeMap::new(),
            problems,
        })
    }

    fn empty(&self, symbol: &Symbol) -> Resolution {
        Resolution {
            symbol: symbol.to_string(),
            repo: self.snapshot.repo_name.clone(),
            version: self.snapshot.version.clone(),
            commit: self.snapshot.commit.clone(),
            status: Status::Missing,
            file: None,
            start_line: None,
            end_line: None,
            kind: None,
            signature: None,
            doc: None,
            candidates: Vec::new(),
            variants: Vec::new(),
            reason: None,
            permalink: None,
        }
    }
}

fn fill_found(r: &mut Resolution, matches: &[Located], hint: Option<&str>) {
    let pick = hint
        .and_then(|h| matches.iter().position(|l| l.file == h))
        .unwrap_or(0);
    let chosen = &matches[pick];
    let others: Vec<Candidate> = matches
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != pick)
        .map(|(_, l)| candidate(&symbol_prefix(&r.symbol, &chosen.decl.name), l))
        .collect();
    // Several definitions are fine when build tags keep them apart; otherwise the
    // name is ambiguous and we say so rather than pick one.
    let twins = matches.len() > 1 && matches.iter().all(|l| l.constrained);
    r.status = if matches.len() == 1 || twins {
        Status::Found
    } else {
        Status::Ambiguous
    };
    if r.status == Status::Ambiguous {
        r.candidates = matches
            .iter()
            .map(|l| candidate(&symbol_prefix(&r.symbol, &chosen.decl.name), l))
            .collect();
        r.reason = Some(format!(
            "{} declarations and no build constraints to tell them apart",
            matches.len()
        ));
        return;
    }
    r.variants = others;
    r.file = Some(chosen.file.clone());
    r.start_line = Some(chosen.decl.start_line);
    r.end_line = Some(chosen.decl.end_line);
    r.kind = Some(chosen.decl.kind);
    r.signature = Some(chosen.decl.signature.clone());
    r.doc = Some(chosen.decl.doc.clone());
    if let Some(h) = hint
        && h != chosen.file
        && !matches.iter().any(|l| l.file == h)
    {
        r.reason = Some(format!(
            "file hint {h} is out of date: declared in {}",
            chosen.file
        ));
    }
}

/// The packages of one batch of queries, their prefiltered declarations, and (lazily) the
/// whole package for queries that found nothing.
struct Batch {
    dir_of: BTreeMap<String, Option<String>>,
    packages: BTreeMap<String, PackageFiles>,
    by_dir: BTreeMap<String, Vec<Located>>,
    whole: BTreeMap<String, Vec<Located>>,
    /// Files whose declarations may be incomplete (syntax errors, not parsed).
    problems: Vec<(String, FileProblem)>,
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

impl Batch {
    /// The first reading of the symbol whose package declares it.
    fn lookup(&self, symbol: &Symbol) -> Lookup {
        let mut first_searched = None;
        for split in symbol.splits() {
            let Some(Some(dir)) = self.dir_of.get(split.import_path) else {
                continue;
            };
            let matches: Vec<Located> = self
                .by_dir
                .get(dir)
                .into_iter()
                .flatten()
                .filter(|l| l.decl.name == split.name)
                .cloned()
                .collect();
            if !matches.is_empty() {
                return Lookup::Found(matches);
            }
            first_searched.get_or_insert((split.import_path.to_string(), dir.clone(), split.name));
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
        let packages = &self.packages;
        let problems = &mut self.problems;
        self.whole.entry(dir.to_string()).or_insert_with(|| {
            let files: Vec<(&str, &[u8])> = packages[dir]
                .files
                .iter()
                .map(|(p, b)| (p.as_str(), b.as_slice()))
                .collect();
            let (decls, found) = index_files(&files);
            for p in found {
                if !problems.contains(&p) {
                    problems.push(p);
                }
            }
            decls
        })
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
/// group, a tab-indented `Name ` or `Name,`. This keeps a type like `Pod` from dragging in
/// every file that mentions it (generated.pb.go alone is 1.7 MB). A miss is caught by the
/// whole-package pass, so the patterns only save time, never answers.
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

fn candidate(import_path: &str, l: &Located) -> Candidate {
    Candidate {
        symbol: format!("{import_path}.{}", l.decl.name),
        file: l.file.clone(),
        start_line: l.decl.start_line,
        kind: l.decl.kind,
    }
}

/// Near names in the same package: the same name on another receiver, the same letters in
/// another case, or a small edit away. Best first, at most five.
fn suggestions(import_path: &str, wanted: &QualName, all: &[Located]) -> Vec<Candidate> {
    let target = wanted.to_string().to_lowercase();
    let mut scored: Vec<((u8, usize), &Located)> = all
        .iter()
        .filter_map(|l| {
            let distance = strsim::levenshtein(&target, &l.decl.name.to_string().to_lowercase());
            let leaf = if l.decl.name.name == wanted.name {
                0
            } else if l.decl.name.name.eq_ignore_ascii_case(&wanted.name) {
                1
            } else {
                2
            };
            (leaf < 2 || distance <= 2 + target.len() / 8).then_some(((leaf, distance), l))
        })
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.file.cmp(&b.1.file))
            .then(a.1.decl.start_line.cmp(&b.1.decl.start_line))
    });
    scored
        .into_iter()
        .take(5)
        .map(|(_, l)| candidate(import_path, l))
        .collect()
}

/// A resolved step of an article. JSON: the fields of [`Resolution`] plus `article`, `step`.
#[derive(Clone, Debug, Serialize)]
pub struct StepResolution {
    pub article: String,
    /// 1-based, in reading order.
    pub step: usize,
    #[serde(flatten)]
    pub resolution: Resolution,
}

/// Resolve every step of `articles`, each at its repo's pin or at `at`. One snapshot and one
/// batched lookup per repo; results come back in article and step order.
///
/// # Panics
/// If an article names a repo the mapping lacks, which validation rules out.
pub fn resolve_articles(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> Result<Vec<StepResolution>, SourceError> {
    let mut by_repo: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (ai, article) in articles.iter().enumerate() {
        for si in 0..article.steps.len() {
            by_repo
                .entry(article.repo.as_str())
                .or_default()
                .push((ai, si));
        }
    }
    let mut slots: Vec<Vec<Option<Resolution>>> =
        articles.iter().map(|a| vec![None; a.steps.len()]).collect();
    for (repo_name, steps) in by_repo {
        let repo = mapping
            .repo(repo_name)
            .expect("validated: articles name known repos");
        let snapshot = sources.snapshot(repo, at.unwrap_or(&repo.pin))?;
        let resolver = Resolver::new(&snapshot, repo.module.as_deref())?;
        let queries: Vec<Query<'_>> = steps
            .iter()
            .map(|&(ai, si)| {
                let step = &articles[ai].steps[si];
                Query {
                    symbol: &step.symbol,
                    file_hint: step.file.as_deref(),
                }
            })
            .collect();
        for (&(ai, si), r) in steps.iter().zip(resolver.resolve(&queries)?) {
            slots[ai][si] = Some(r);
        }
    }
    Ok(articles
        .iter()
        .zip(slots)
        .flat_map(|(a, rs)| {
            rs.into_iter().enumerate().map(|(i, r)| StepResolution {
                article: a.id.clone(),
                step: i + 1,
                resolution: r.expect("every step resolved"),
            })
        })
        .collect())
}

/// [`resolve_articles`] one repo at a time, so that a repo that cannot be read (no mirror,
/// a version it lacks) does not sink the others: its articles get no resolutions, and its
/// error is returned beside the rest.
pub fn resolve_each_repo(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> (Vec<StepResolution>, Vec<(String, SourceError)>) {
    let mut by_repo: BTreeMap<&str, Vec<&Article>> = BTreeMap::new();
    for a in articles.iter().copied().filter(|a| !a.steps.is_empty()) {
        by_repo.entry(a.repo.as_str()).or_default().push(a);
    }
    let mut resolved = Vec::new();
    let mut failed = Vec::new();
    for (repo, group) in by_repo {
        match resolve_articles(sources, mapping, &group, at) {
            Ok(r) => resolved.extend(r),
            Err(e) => failed.push((repo.to_string(), e)),
        }
    }
    // Back in the order the articles were given.
    let rank: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    resolved.sort_by_key(|s| (rank.get(s.article.as_str()).copied(), s.step));
    (resolved, failed)
}

/// A resolved counterpart (a kube-rs item) of a step. JSON: the fields of [`Resolution`] plus
/// `article`, `step`.
#[derive(Clone, Debug, Serialize)]
pub struct CounterpartResolution {
    pub article: String,
    pub step: usize,
    #[serde(flatten)]
    pub resolution: Resolution,
}

/// Resolve the counterparts of `articles` (Rust items, with syn), each at its repo's pin or at
/// `at`; one snapshot and one batch per repo, in article and step order. The first repo that
/// cannot be read is the error ([`resolve_counterparts_each_repo`] goes past it).
pub fn resolve_counterparts(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> Result<Vec<CounterpartResolution>, SourceError> {
    let (resolved, failed) = resolve_counterparts_each_repo(sources, mapping, articles, at);
    match failed.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(resolved),
    }
}

/// [`resolve_counterparts`] one repo at a time, as [`resolve_each_repo`] does for steps: a
/// repo that cannot be read gets no resolutions, and its error is returned beside the rest.
///
/// # Panics
/// If a counterpart names a repo the mapping lacks, which validation rules out.
pub fn resolve_counterparts_each_repo(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    at: Option<&str>,
) -> (Vec<CounterpartResolution>, Vec<(String, SourceError)>) {
    let mut by_repo: BTreeMap<&str, Vec<(&str, usize, &crate::mapping::Counterpart)>> =
        BTreeMap::new();
    for a in articles {
        for (i, step) in a.steps.iter().enumerate() {
            if let Some(c) = &step.counterpart {
                by_repo
                    .entry(c.repo.as_str())
                    .or_default()
                    .push((a.id.as_str(), i + 1, c));
            }
        }
    }
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for (repo_name, items) in by_repo {
        let repo = mapping
            .repo(repo_name)
            .expect("validated: counterparts name known repos");
        let queries: Vec<(&str, Option<&str>)> = items
            .iter()
            .map(|(_, _, c)| (c.symbol.as_str(), c.file.as_deref()))
            .collect();
        let resolved = sources
            .snapshot(repo, at.unwrap_or(&repo.pin))
            .and_then(|snapshot| crate::rustlang::resolve(&snapshot, &queries));
        match resolved {
            Ok(resolved) => out.extend(items.iter().zip(resolved).map(
                |((article, step, _), resolution)| CounterpartResolution {
                    article: (*article).to_string(),
                    step: *step,
                    resolution,
                },
            )),
            Err(e) => failed.push((repo_name.to_string(), e)),
        }
    }
    let order: BTreeMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    out.sort_by_key(|c| (order.get(c.article.as_str()).copied(), c.step));
    (out, failed)
}
