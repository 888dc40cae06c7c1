//! Drift: how each step of a mapping fares at another version, and where a symbol went.
//!
//! Every step is resolved at both versions in one batch per version. A symbol still found is
//! `unchanged`, `body-changed`, `signature-changed` (types compared, not spelling) or
//! `moved-file`. A symbol gone from its package is looked for: first by similarity inside its
//! old package, then by name across the whole tree in one prefiltered pass
//! ([`relocate::search`]): the same name in another package is `moved-package`, a similar
//! declaration is `renamed` (with a score, [`similarity`]), several equally good ones are
//! `ambiguous`, nothing plausible is `removed`.

pub mod relocate;
pub mod rewrite;
pub mod similarity;

use std::collections::{BTreeMap, BTreeSet};

use indicatif::ProgressBar;
use serde::Serialize;

use crate::golang::{Kind, Located, PackageFiles, index_files, type_key};
use crate::mapping::{Article, Mapping};
use crate::resolve::{Query, Resolution, Resolver, Status};
use crate::source::{Snapshot, SourceError, Sources};
use crate::symbol::{QualName, Symbol};
use relocate::Found;
use similarity::{Shape, score};

/// A candidate at least this similar may be a rename.
pub const RENAME_THRESHOLD: f64 = 0.6;
/// A rename at least this similar is applied by `bump --write` without asking.
pub const CONFIDENT: f64 = 0.75;
/// Two candidates closer than this are a tie: `ambiguous`.
pub const TIE_MARGIN: f64 = 0.05;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Unchanged,
    BodyChanged,
    SignatureChanged,
    MovedFile,
    MovedPackage,
    Renamed,
    Ambiguous,
    Removed,
    /// The step does not resolve at its pin: the mapping is already broken.
    Unresolved,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Self::Unchanged,
        Self::BodyChanged,
        Self::SignatureChanged,
        Self::MovedFile,
        Self::MovedPackage,
        Self::Renamed,
        Self::Ambiguous,
        Self::Removed,
        Self::Unresolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::BodyChanged => "body-changed",
            Self::SignatureChanged => "signature-changed",
            Self::MovedFile => "moved-file",
            Self::MovedPackage => "moved-package",
            Self::Renamed => "renamed",
            Self::Ambiguous => "ambiguous",
            Self::Removed => "removed",
            Self::Unresolved => "unresolved",
        }
    }

    /// The mapping reads the same at the new version: nothing to edit, nobody to ask.
    pub fn holds(self) -> bool {
        matches!(self, Self::Unchanged | Self::BodyChanged)
    }
}

/// One side of a comparison: where the declaration is at one version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub symbol: String,
    pub version: String,
    pub commit: String,
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    pub signature: String,
}

/// A possible new home of a symbol, with its similarity (see [`similarity`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    pub symbol: String,
    pub file: String,
    pub start_line: usize,
    pub score: f64,
}

/// What happened to one symbol between two versions.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    pub category: Category,
    pub from: Option<Side>,
    pub to: Option<Side>,
    pub candidates: Vec<Scored>,
    pub lines_added: usize,
    pub lines_removed: usize,
    /// One sentence: why this category.
    pub detail: String,
    /// `to` can replace the step without a person (same name elsewhere, or a strong rename).
    pub confident: bool,
    #[serde(skip)]
    pub old_text: Option<String>,
    #[serde(skip)]
    pub new_text: Option<String>,
}

/// A step of an article and what happened to it. JSON: `article`, `step`, `repo`, `symbol`,
/// then the fields of [`Compared`].
#[derive(Clone, Debug, Serialize)]
pub struct StepDrift {
    pub article: String,
    pub step: usize,
    pub repo: String,
    pub symbol: String,
    /// The symbol is the step's Rust counterpart (a kube-rs item), not its Go symbol.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub counterpart: bool,
    #[serde(flatten)]
    pub compared: Compared,
}

/// The repos a bump moves, and to which version.
///
/// With no `repos`, `version` is a Kubernetes version (`v1.X.Y`): `kubernetes` goes there and
/// every published staging repo in the mapping (client-go, apimachinery...) to `v0.X.Y`.
pub fn targets(
    mapping: &Mapping,
    version: &str,
    repos: &[String],
) -> Result<BTreeMap<String, String>, String> {
    if !repos.is_empty() {
        return Ok(repos
            .iter()
            .map(|r| (r.clone(), version.to_string()))
            .collect());
    }
    let staging_version = version
        .strip_prefix("v1.")
        .map(|rest| format!("v0.{rest}"))
        .ok_or_else(|| {
            format!(
                "`{version}` is not a Kubernetes version like v1.32.3; name the repo with --repo to bump it to any tag"
            )
        })?;
    let mut out = BTreeMap::new();
    for (name, repo) in &mapping.repos {
        match upstream_name(&repo.url) {
            Some("kubernetes") => {
                out.insert(name.clone(), version.to_string());
            }
            Some(n) if STAGING.contains(&n) => {
                out.insert(name.clone(), staging_version.clone());
            }
            _ => {}
        }
    }
    if out.is_empty() {
        return Err("no kubernetes repo in the mapping; name one with --repo".into());
    }
    Ok(out)
}

/// The tag of `repo` that matches Kubernetes version `kubernetes_version` (`v1.13`,
/// `v1.20.2`, `1.13`): the same for `kubernetes`, `v0.X.Y` for a published staging repo,
/// `None` for other repos or a version we cannot read. A bare minor gets patch 0.
pub fn version_for(repo: &crate::mapping::Repo, kubernetes_version: &str) -> Option<String> {
    let v = in_repo_numbering(repo, kubernetes_version)?;
    Some(if v.matches('.').count() == 1 {
        format!("{v}.0")
    } else {
        v
    })
}

/// Kubernetes version `v1.X[.Y]` in `repo`'s own numbering, as precise as given: `v1.X[.Y]`
/// for `kubernetes`, `v0.X[.Y]` for a published staging repo (so a bare minor stays a query
/// for its newest patch), `None` for other repos or a version we cannot read.
pub fn in_repo_numbering(repo: &crate::mapping::Repo, kubernetes_version: &str) -> Option<String> {
    let digits = kubernetes_version.trim().trim_start_matches('v');
    let parts: Vec<&str> = digits.split('.').collect();
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (1, [minor, rest @ ..]) = (numbers[0], &numbers[1..]) else {
        return None;
    };
    let patch = match rest {
        [] => String::new(),
        [p] => format!(".{p}"),
        _ => return None,
    };
    let name = upstream_name(&repo.url)?;
    if name == "kubernetes" {
        Some(format!("v1.{minor}{patch}"))
    } else if STAGING.contains(&name) {
        Some(format!("v0.{minor}{patch}"))
    } else {
        None
    }
}

/// `kubernetes/client-go` → `client-go`, for repos under github.com/kubernetes only.
fn upstream_name(url: &str) -> Option<&str> {
    if !url.contains("github.com/kubernetes/") {
        return None;
    }
    url.trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit('/')
        .next()
}

/// Repos published from the monorepo's `staging/src/k8s.io/`, tagged `v0.X.Y` for `v1.X.Y`.
const STAGING: &[&str] = &[
    "api",
    "apiextensions-apiserver",
    "apimachinery",
    "apiserver",
    "cli-runtime",
    "client-go",
    "cloud-provider",
    "cluster-bootstrap",
    "code-generator",
    "component-base",
    "component-helpers",
    "controller-manager",
    "cri-api",
    "csi-translation-lib",
    "dynamic-resource-allocation",
    "endpointslice",
    "kms",
    "kube-aggregator",
    "kube-controller-manager",
    "kube-proxy",
    "kube-scheduler",
    "kubectl",
    "kubelet",
    "legacy-cloud-providers",
    "metrics",
    "mount-utils",
    "pod-security-admission",
    "sample-apiserver",
    "sample-cli-plugin",
    "sample-controller",
];

/// Compare every step of `articles` whose repo is in `targets`, from its pin to the target.
/// Results are in article and step order.
pub fn bump(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    targets: &BTreeMap<String, String>,
    progress: &ProgressBar,
) -> Result<Vec<StepDrift>, SourceError> {
    let mut out = Vec::new();
    for (repo_name, version) in targets {
        let Some(repo) = mapping.repo(repo_name) else {
            continue;
        };
        let steps: Vec<(&Article, usize)> = articles
            .iter()
            .filter(|a| &a.repo == repo_name)
            .flat_map(|a| (0..a.steps.len()).map(move |i| (*a, i)))
            .collect();
        if steps.is_empty() {
            continue;
        }
        let old = sources.snapshot(&repo.spec(), &repo.pin)?;
        let new = sources.snapshot(&repo.spec(), version)?;
        let queries: Vec<Query<'_>> = steps
            .iter()
            .map(|(a, i)| Query {
                symbol: &a.steps[*i].symbol,
                file_hint: a.steps[*i].file.as_deref(),
            })
            .collect();
        progress.set_message(format!("{repo_name} {} → {version}", repo.pin));
        let compared = compare(&old, &new, repo.module.as_deref(), &queries, progress)?;
        out.extend(
            steps
                .iter()
                .zip(compared)
                .map(|((a, i), compared)| StepDrift {
                    article: a.id.clone(),
                    step: i + 1,
                    repo: repo_name.clone(),
                    symbol: a.steps[*i].symbol.to_string(),
                    counterpart: false,
                    compared,
                }),
        );
    }
    // Rust counterparts move with their own repo (kube-rs).
    for (repo_name, version) in targets {
        let Some(repo) = mapping.repo(repo_name) else {
            continue;
        };
        let items: Vec<(&Article, usize, &crate::mapping::Counterpart)> = articles
            .iter()
            .flat_map(|a| {
                a.steps.iter().enumerate().filter_map(move |(i, s)| {
                    s.counterpart
                        .as_ref()
                        .filter(|c| &c.repo == repo_name)
                        .map(|c| (*a, i, c))
                })
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let old = sources.snapshot(&repo.spec(), &repo.pin)?;
        let new = sources.snapshot(&repo.spec(), version)?;
        let queries: Vec<(&str, Option<&str>)> = items
            .iter()
            .map(|(_, _, c)| (c.symbol.as_str(), c.file.as_deref()))
            .collect();
        let compared = compare_rust(&old, &new, &queries)?;
        out.extend(
            items
                .iter()
                .zip(compared)
                .map(|((a, i, c), compared)| StepDrift {
                    article: a.id.clone(),
                    step: i + 1,
                    repo: repo_name.clone(),
                    symbol: c.symbol.clone(),
                    counterpart: true,
                    compared,
                }),
        );
    }
    let order: BTreeMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    out.sort_by_key(|d| {
        (
            order.get(d.article.as_str()).copied(),
            d.step,
            d.counterpart,
        )
    });
    Ok(out)
}

/// What happened to each Rust item (by crate path, with syn) between two snapshots. Items
/// still found are compared as Go ones are (signatures as normalised text); a missing item's
/// candidates are the resolver's near names, scored by the same similarity.
pub fn compare_rust(
    old: &Snapshot,
    new: &Snapshot,
    queries: &[(&str, Option<&str>)],
) -> Result<Vec<Compared>, SourceError> {
    let before = crate::rustlang::resolve(old, queries)?;
    let new_queries: Vec<(&str, Option<&str>)> = queries
        .iter()
        .zip(&before)
        .map(|((s, hint), r)| (*s, r.file.as_deref().or(*hint)))
        .collect();
    let after = crate::rustlang::resolve(new, &new_queries)?;
    let mut old_files = FileCache::new(old);
    let mut new_files = FileCache::new(new);
    let mut out = Vec::with_capacity(queries.len());
    for ((symbol, _), (a, b)) in queries.iter().zip(before.iter().zip(&after)) {
        if a.status != Status::Found {
            out.push(unresolved(a));
            continue;
        }
        let from = side(a);
        let old_text = old_files.lines(&from.file, from.start_line, from.end_line)?;
        match b.status {
            Status::Found => {
                let to = side(b);
                let new_text = new_files.lines(&to.file, to.start_line, to.end_line)?;
                out.push(still_there(from, to, old_text, new_text));
            }
            Status::Ambiguous => out.push(still_ambiguous(b, from, old_text)),
            Status::Missing => {
                let names: Vec<(&str, Option<&str>)> = b
                    .candidates
                    .iter()
                    .map(|c| (c.symbol.as_str(), Some(c.file.as_str())))
                    .collect();
                let resolved = crate::rustlang::resolve(new, &names)?;
                let mut found = Vec::new();
                for (c, r) in b.candidates.iter().zip(resolved) {
                    let end = r.end_line.unwrap_or(c.start_line);
                    let text = new_files.lines(&c.file, c.start_line, end)?;
                    found.push(Found {
                        import_path: module_of(&c.symbol).to_string(),
                        located: Located {
                            file: c.file.clone(),
                            decl: crate::golang::Decl {
                                name: rust_name(&c.symbol),
                                kind: c.kind,
                                start_line: c.start_line,
                                end_line: end,
                                start_byte: 0,
                                end_byte: 0,
                                signature: r.signature.clone().unwrap_or_default(),
                                doc: String::new(),
                            },
                            constrained: false,
                        },
                        text,
                    });
                }
                let pending = Pending {
                    index: 0,
                    import_path: module_of(symbol).to_string(),
                    name: rust_name(symbol),
                    kind: a.kind.unwrap_or(Kind::Func),
                    from,
                    old_text,
                };
                let mut c = relocated(&pending, new, &[], &found);
                // Name Rust candidates by crate path, as the mapping writes them.
                for scored in &mut c.candidates {
                    scored.symbol = rust_symbol(&scored.symbol);
                }
                if let Some(to) = &mut c.to {
                    to.symbol = rust_symbol(&to.symbol);
                }
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// `krate::a::b::Type::method` → module `krate::a::b` (everything before the item name, and
/// before a type when the last segment is a method of it).
fn module_of(symbol: &str) -> &str {
    let name = rust_name(symbol);
    let tail = match &name.receiver {
        Some(r) => format!("::{r}::{}", name.name),
        None => format!("::{}", name.name),
    };
    symbol.strip_suffix(tail.as_str()).unwrap_or(symbol)
}

/// The last one or two segments as a [`QualName`]: `Type::method` when the one before the
/// last starts with a capital (a type), else the plain name.
fn rust_name(symbol: &str) -> QualName {
    let mut parts = symbol.rsplit("::");
    let last = parts.next().unwrap_or(symbol).to_string();
    match parts.next() {
        Some(prev) if prev.starts_with(|c: char| c.is_ascii_uppercase()) => {
            QualName::method(prev.to_string(), last)
        }
        _ => QualName::plain(last),
    }
}

/// `relocated` writes candidates Go-style (`module.Name`); a Rust path uses `::`.
fn rust_symbol(go_style: &str) -> String {
    // `module.Type.method` where module is a Rust path: replace the dots after the module.
    match go_style.split_once("::") {
        Some(_) => {
            let (module, rest) = go_style
                .rsplit_once("::")
                .map(|(m, r)| (m.to_string(), r.to_string()))
                .unwrap_or_default();
            format!("{module}::{}", rest.replace('.', "::"))
        }
        None => go_style.replace('.', "::"),
    }
}

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
            symbol: q.symbol,
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
                let name = own_name(q.symbol, &import_path);
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
fn package<'c>(
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

/// How many embedding levels a promoted method is followed through.
const MAX_EMBEDDING_DEPTH: usize = 4;

/// A method its type no longer declares but still has, promoted from an embedded field
/// (`deployments` embeds `gentype.ClientWithListAndApply`, which embeds ... `Client`, which
/// declares `Update`). Returns the declaring method and the chain of types walked.
fn promoted(
    snapshot: &Snapshot,
    modules: &crate::golang::ModuleMap,
    p: &Pending,
    cache: &mut BTreeMap<String, Vec<Found>>,
) -> Result<Option<(Found, Vec<String>)>, SourceError> {
    let Some(receiver) = &p.name.receiver else {
        return Ok(None);
    };
    let mut queue = std::collections::VecDeque::from([(
        p.import_path.clone(),
        receiver.clone(),
        vec![format!("{}.{receiver}", short(&p.import_path))],
    )]);
    let mut seen = BTreeSet::new();
    while let Some((import_path, type_name, chain)) = queue.pop_front() {
        if !seen.insert((import_path.clone(), type_name.clone())) {
            continue;
        }
        let decls = package(cache, snapshot, modules, &import_path)?;
        let wanted = QualName::method(type_name.clone(), p.name.name.clone());
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
        let file_imports =
            crate::golang::imports(&snapshot.read(&decl.located.file)?.unwrap_or_default());
        for embedded in crate::golang::embedded_types(&decl.text) {
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

fn promoted_to(p: &Pending, new: &Snapshot, method: &Found, chain: &[String]) -> Compared {
    let (added, removed) = line_changes(&p.old_text, &method.text);
    let symbol = format!("{}.{}", method.import_path, method.located.decl.name);
    let s = score(
        &Shape {
            name: &p.name,
            kind: p.kind,
            signature: &p.from.signature,
            text: &p.old_text,
        },
        &shape(method),
        method.import_path == p.import_path,
    );
    Compared {
        category: Category::Renamed,
        to: Some(Side {
            symbol: symbol.clone(),
            version: new.version.clone(),
            commit: new.commit.clone(),
            file: method.located.file.clone(),
            start_line: method.located.decl.start_line,
            end_line: method.located.decl.end_line,
            signature: method.located.decl.signature.clone(),
        }),
        candidates: vec![Scored {
            symbol,
            file: method.located.file.clone(),
            start_line: method.located.decl.start_line,
            score: s,
        }],
        lines_added: added,
        lines_removed: removed,
        detail: format!(
            "promoted through embedding: {} declares {}",
            chain.join(" embeds "),
            p.name.name
        ),
        confident: true,
        new_text: Some(method.text.clone()),
        ..blank(Some(p.from.clone()), Some(p.old_text.clone()))
    }
}

struct Pending {
    index: usize,
    import_path: String,
    name: QualName,
    kind: Kind,
    from: Side,
    old_text: String,
}

fn blank(from: Option<Side>, old_text: Option<String>) -> Compared {
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

fn unresolved(a: &Resolution) -> Compared {
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

fn side(r: &Resolution) -> Side {
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
fn still_ambiguous(b: &Resolution, from: Side, old_text: String) -> Compared {
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

fn still_there(from: Side, to: Side, old_text: String, new_text: String) -> Compared {
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
fn relocated(p: &Pending, new: &Snapshot, same_package: &[Found], elsewhere: &[Found]) -> Compared {
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

fn shape(f: &Found) -> Shape<'_> {
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
fn own_name(symbol: &Symbol, import_path: &str) -> QualName {
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

/// Lines added and removed from `old` to `new`.
pub fn line_changes(old: &str, new: &str) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut added = 0;
    let mut removed = 0;
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

/// A unified diff of two declarations, with headers naming version, file and lines.
pub fn unified_diff(c: &Compared) -> String {
    let header = |s: Option<&Side>| {
        s.map_or_else(
            || "/dev/null".to_string(),
            |s| {
                format!(
                    "{}@{} {}:{}-{}",
                    s.symbol, s.version, s.file, s.start_line, s.end_line
                )
            },
        )
    };
    let old = c.old_text.as_deref().unwrap_or_default();
    let new = c.new_text.as_deref().unwrap_or_default();
    let with_newline = |t: &str| {
        if t.is_empty() || t.ends_with('\n') {
            t.to_string()
        } else {
            format!("{t}\n")
        }
    };
    let (old, new) = (with_newline(old), with_newline(new));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&header(c.from.as_ref()), &header(c.to.as_ref()))
        .to_string()
}

/// Blobs of one snapshot read once per file.
struct FileCache<'s> {
    snapshot: &'s Snapshot,
    files: BTreeMap<String, String>,
}

impl<'s> FileCache<'s> {
    fn new(snapshot: &'s Snapshot) -> Self {
        Self {
            snapshot,
            files: BTreeMap::new(),
        }
    }

    /// Lines `start..=end` (1-based) of `file`, each ending in a newline.
    fn lines(&mut self, file: &str, start: usize, end: usize) -> Result<String, SourceError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_changes_count_both_ways() {
        assert_eq!(line_changes("a\nb\nc\n", "a\nB\nc\nd\n"), (2, 1));
        assert_eq!(line_changes("x\n", "x\n"), (0, 0));
    }

    #[test]
    fn kubernetes_versions_move_staging_repos() {
        let mapping = crate::mapping::load_builtin().unwrap();
        let t = targets(&mapping, "v1.32.3", &[]).unwrap();
        assert_eq!(t.get("kubernetes").map(String::as_str), Some("v1.32.3"));
        assert_eq!(t.get("client-go").map(String::as_str), Some("v0.32.3"));
        assert!(!t.contains_key("controller-runtime"));
        assert!(targets(&mapping, "v0.9.0", &[]).is_err());
        let only = targets(&mapping, "v0.9.0", &["controller-runtime".into()]).unwrap();
        assert_eq!(only.len(), 1);
        let client_go = mapping.repo("client-go").unwrap();
        assert_eq!(version_for(client_go, "v1.13").as_deref(), Some("v0.13.0"));
        assert_eq!(
            in_repo_numbering(client_go, "v1.13").as_deref(),
            Some("v0.13")
        );
        assert_eq!(
            in_repo_numbering(client_go, "v1.13.4").as_deref(),
            Some("v0.13.4")
        );
        assert_eq!(in_repo_numbering(client_go, "v2.1"), None);
        let k8s = mapping.repo("kubernetes").unwrap();
        assert_eq!(version_for(k8s, "1.20.2").as_deref(), Some("v1.20.2"));
        assert_eq!(version_for(k8s, "v1.x"), None);
        assert_eq!(version_for(mapping.repo("kube").unwrap(), "v1.13"), None);
    }
}
