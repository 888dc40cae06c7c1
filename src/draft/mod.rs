//! `draft`: a first mapping entry for an article, from the article itself.
//!
//! [`extract`] reads the saved page into mentions in reading order. Here each becomes a
//! symbol at one version of one repo, or a line of the report saying why not:
//! - a GitHub blob link or a `path:line` marker: the declaration around that line, read at
//!   the version (a link's own ref is used for the version when the text states none);
//! - a Go name: every declaration of that name in the tree (one pass, the same search that
//!   relocates symbols for `bump`), narrowed by what the article says about it: the receiver
//!   of a method header, the qualifier of a call (a package's last element, or a type), and
//!   the packages the other steps are in. A name still naming several declarations is
//!   reported as ambiguous, never guessed.
//!
//! Builtins, the standard library and names of one or two letters are noise, reported as
//! such. The entry keeps the found symbols in the order they first appear.

pub mod extract;

use std::collections::BTreeSet;

use indicatif::ProgressBar;
use serde::Serialize;

use crate::golang::relocate::{Found, search};
use crate::golang::resolve::Resolver;
use crate::golang::{ModuleMap, extract as extract_go};
use crate::item::{Engine as _, Query, Status};
use crate::source::{Snapshot, SourceError};
use extract::{Extracted, Mention};

/// One step of the draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DraftStep {
    pub symbol: String,
    pub file: String,
    pub start_line: usize,
    /// What in the article led here: `link`, `file:line`, `header`, `call`, `inline`.
    pub from: &'static str,
    /// The article's spelling.
    pub mentioned: String,
    /// The import path of the symbol's package.
    #[serde(skip)]
    pub package: String,
}

/// A mention that gave no step, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub mentioned: String,
    pub why: String,
}

/// The draft: steps in reading order and the report.
#[derive(Debug, Serialize)]
pub struct Draft {
    pub title: Option<String>,
    pub repo: String,
    pub version: String,
    /// Where the version came from: `--at`, `stated` (in the text), `link` (a blob link's
    /// ref) or `pin` (the repo's pin in the mapping).
    pub version_from: &'static str,
    pub commit: String,
    pub steps: Vec<DraftStep>,
    pub skipped: Vec<Skipped>,
}

/// The version to read, and why that one: `--at` wins, then the text, then link refs.
pub fn choose_version(
    at: Option<&str>,
    extracted: &Extracted,
    repo_slug: &str,
    pin: &str,
) -> (String, &'static str) {
    if let Some(v) = at {
        return (v.to_string(), "--at");
    }
    if let Some(v) = extracted.stated_versions.first() {
        return (v.clone(), "stated");
    }
    let linked = extracted.mentions.iter().find_map(|m| match m {
        Mention::Blob { repo, git_ref, .. }
            if repo.eq_ignore_ascii_case(repo_slug) && is_release_ref(git_ref) =>
        {
            Some(git_ref.clone())
        }
        _ => None,
    });
    match linked {
        Some(v) => (v, "link"),
        None => (pin.to_string(), "pin"),
    }
}

/// A release tag such as `v1.13.0` (a branch such as `master` names no release).
fn is_release_ref(r: &str) -> bool {
    r.starts_with('v') && r[1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Rounds over the names: the first takes method headers only; each later one sees the
/// packages chosen before it (a round only adds steps, so a few are enough).
const ROUNDS: usize = 4;

/// Go's builtins and the standard library's usual package names: never a step.
const NOISE_NAMES: &[&str] = &[
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover", "string", "int", "byte", "error",
    "Error", "String", "main", "init",
    // Logging: every post calls it, no post is about it.
    "Info", "Infof", "Infoln", "Warning", "Warningf", "Error", "Errorf", "Fatal", "Fatalf",
    "Printf", "Sprintf", "Println",
];
const STD_QUALIFIERS: &[&str] = &[
    "fmt", "strings", "errors", "time", "context", "sync", "os", "io", "ioutil", "strconv", "sort",
    "bytes", "http", "json", "log", "filepath", "path", "reflect", "runtime", "atomic", "math",
    "rand", "regexp", "bufio", "flag", "net", "url", "signal", "unsafe", "exec", "syscall",
    "template", "utf8", "heap", "list", "binary", "hex", "base64", "sha256", "tls", "x509",
    "pprof", "testing", "t", "b", "err", "ctx",
];

/// Resolve `extracted` in `snapshot` (its repo's `module` for GOPATH-era roots).
#[allow(clippy::too_many_lines)] // pinned places first, then names in two passes sharing them
///
/// `at_ref` opens the repo at a blob link's own tag: the line a link names is read there,
/// and the declaration found is then looked up at the drafted version.
pub fn draft(
    snapshot: &Snapshot,
    root_module: Option<&str>,
    extracted: &Extracted,
    repo_slug: &str,
    at_ref: &dyn Fn(&str) -> Option<Snapshot>,
    progress: &ProgressBar,
) -> Result<(Vec<DraftStep>, Vec<Skipped>), SourceError> {
    let modules = ModuleMap::with_root(snapshot, root_module)?;
    let mut skipped = Vec::new();
    let names: BTreeSet<String> = extracted
        .mentions
        .iter()
        .filter_map(|m| match m {
            Mention::Name {
                name, qualifier, ..
            } if noise(name, qualifier.as_deref()).is_none() => Some(name.clone()),
            _ => None,
        })
        .collect();
    let found = search(snapshot, &modules, &names, progress)?;

    // First the places the article pins down (links, markers, method headers), whose
    // packages then decide between same-named declarations elsewhere.
    let mut chosen: Vec<(usize, DraftStep)> = Vec::new();
    let mut undecided: Vec<(usize, &Mention)> = Vec::new();
    for (order, m) in extracted.mentions.iter().enumerate() {
        match m {
            Mention::Blob {
                repo,
                git_ref,
                path,
                line,
            } => {
                if !repo.eq_ignore_ascii_case(repo_slug) {
                    skipped.push(Skipped {
                        mentioned: format!("github.com/{repo}/…/{path}"),
                        why: format!("a link into {repo}, not the repo drafted ({repo_slug})"),
                    });
                    continue;
                }
                let Some(line) = line else {
                    skipped.push(Skipped {
                        mentioned: path.clone(),
                        why: "a link to a whole file, no line".into(),
                    });
                    continue;
                };
                let linked = if *git_ref != snapshot.version && is_release_ref(git_ref) {
                    at_tag(at_ref, root_module, git_ref, path, *line)
                        .and_then(|step| same_at(snapshot, root_module, step, git_ref))
                } else {
                    at_line(snapshot, &modules, path, *line)
                };
                match linked {
                    Ok(step) => chosen.push((
                        order,
                        DraftStep {
                            from: "link",
                            ..step
                        },
                    )),
                    Err(why) => skipped.push(Skipped {
                        mentioned: format!("{path}#L{line}@{git_ref}"),
                        why,
                    }),
                }
            }
            Mention::FileLine { path, line } => match at_line(snapshot, &modules, path, *line) {
                Ok(step) => chosen.push((
                    order,
                    DraftStep {
                        from: "file:line",
                        ..step
                    },
                )),
                Err(why) => skipped.push(Skipped {
                    mentioned: format!("{path}:{line}"),
                    why,
                }),
            },
            Mention::Name { .. } => undecided.push((order, m)),
        }
    }
    // Pass 1: method headers (receiver known); then the rest, again while each round
    // chooses something new (a chosen step's package narrows the names after it).
    for round in 0..ROUNDS {
        let headers_only = round == 0;
        let last = round + 1 == ROUNDS;
        let packages: BTreeSet<String> = chosen.iter().map(|(_, s)| s.package.clone()).collect();
        let mut later = Vec::new();
        for (order, m) in undecided.drain(..) {
            let Mention::Name {
                name,
                receiver,
                qualifier,
                declared,
            } = m
            else {
                continue;
            };
            let spelled = match (receiver, qualifier) {
                (Some(r), _) => format!("{r}.{name}"),
                (None, Some(q)) => format!("{q}.{name}"),
                (None, None) => name.clone(),
            };
            if headers_only && receiver.is_none() {
                later.push((order, m));
                continue;
            }
            if let Some(why) = noise(name, qualifier.as_deref()) {
                skipped.push(Skipped {
                    mentioned: spelled,
                    why: why.into(),
                });
                continue;
            }
            let all = found.get(name).map_or(&[][..], Vec::as_slice);
            let context = Context {
                packages: &packages,
                imports: &extracted.imports,
                words: &extracted.words,
            };
            match pick(
                all,
                receiver.as_deref(),
                qualifier.as_deref(),
                *declared,
                &context,
            ) {
                Ok(f) => chosen.push((
                    order,
                    DraftStep {
                        symbol: format!("{}.{}", f.import_path, f.located.decl.name),
                        file: f.located.file.clone(),
                        start_line: f.located.decl.start_line,
                        from: if *declared {
                            "header"
                        } else if qualifier.is_some() {
                            "call"
                        } else {
                            "inline"
                        },
                        mentioned: spelled,
                        package: f.import_path.clone(),
                    },
                )),
                Err(_) if !last => later.push((order, m)),
                Err(why) => skipped.push(Skipped {
                    mentioned: spelled,
                    why,
                }),
            }
        }
        undecided = later;
    }
    chosen.sort_by_key(|(order, _)| *order);
    let mut seen = BTreeSet::new();
    let steps = chosen
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| seen.insert(s.symbol.clone()))
        .collect();
    Ok((steps, skipped))
}

/// Why a name is noise, if it is.
fn noise(name: &str, qualifier: Option<&str>) -> Option<&'static str> {
    if name.len() <= 2 {
        return Some("too short to be a step");
    }
    if qualifier.is_none() && NOISE_NAMES.contains(&name) {
        return Some("a Go builtin or a name every package has");
    }
    if qualifier.is_some_and(|q| STD_QUALIFIERS.contains(&q)) {
        return Some("the standard library, or a local variable");
    }
    None
}

/// What the article says around a name: the packages of the steps chosen so far, the
/// import aliases of its code, its words.
struct Context<'a> {
    packages: &'a BTreeSet<String>,
    imports: &'a std::collections::BTreeMap<String, String>,
    words: &'a std::collections::HashSet<String>,
}

/// Tests, end-to-end suites, fakes and vendored copies: real declarations, rarely what a
/// post reads.
fn peripheral(f: &Found) -> bool {
    let p = &f.located.file;
    p.starts_with("vendor/")
        || p.starts_with("test/")
        || p.contains("/vendor/")
        || p.contains("/testing/")
        || p.contains("/e2e/")
        || p.contains("/fake/")
        || p.contains("/testutil")
}

/// The declarations of a name that fit what the post says about it: its receiver, or its
/// qualifier (an import of the post's code, a package's last element, or a type).
fn fitting<'f>(
    own: &[&'f Found],
    receiver: Option<&str>,
    qualifier: Option<&str>,
    cx: &Context<'_>,
) -> Vec<&'f Found> {
    match (receiver, qualifier) {
        (Some(r), _) => own
            .iter()
            .copied()
            .filter(|f| f.located.decl.name.receiver.as_deref() == Some(r))
            .collect(),
        (None, Some(q)) => {
            // `cache.NewReflector`: an import of the post's code, or a package's last
            // element; `Scheduler.Run`: a type.
            let imported = cx.imports.get(q);
            let by_package: Vec<&Found> = own
                .iter()
                .copied()
                .filter(|f| {
                    f.located.decl.name.receiver.is_none()
                        && match imported {
                            Some(path) => {
                                f.import_path == *path
                                    || f.import_path.rsplit('/').next() == path.rsplit('/').next()
                            }
                            None => f.import_path.rsplit('/').next() == Some(q),
                        }
                })
                .collect();
            if by_package.is_empty() {
                own.iter()
                    .copied()
                    .filter(|f| f.located.decl.name.receiver.as_deref() == Some(q))
                    .collect()
            } else {
                by_package
            }
        }
        (None, None) => {
            // A bare name is a function or type; failing that, a method of that name
            // (`syncDaemonSet` in prose for `DaemonSetsController.syncDaemonSet`).
            let plain: Vec<&Found> = own
                .iter()
                .copied()
                .filter(|f| f.located.decl.name.receiver.is_none())
                .collect();
            if plain.is_empty() {
                own.to_vec()
            } else {
                plain
            }
        }
    }
}

/// The one declaration a mention means, or why there is none.
fn pick<'f>(
    all: &'f [Found],
    receiver: Option<&str>,
    qualifier: Option<&str>,
    declared: bool,
    cx: &Context<'_>,
) -> Result<&'f Found, String> {
    if all.is_empty() {
        return Err("declared nowhere in the tree at this version".into());
    }
    let own: Vec<&Found> = if all.iter().all(peripheral) {
        all.iter().collect()
    } else {
        all.iter().filter(|f| !peripheral(f)).collect()
    };
    let mut fits = fitting(&own, receiver, qualifier, cx);
    let unexported = all[0]
        .located
        .decl
        .name
        .name
        .starts_with(|c: char| c.is_ascii_lowercase());
    if receiver.is_none() && qualifier.is_none() && !declared && unexported {
        // A lowercase word in inline code is often prose (`update`, `filter`): only a
        // declaration outside tests and vendor/ counts.
        fits.retain(|f| !peripheral(f));
        if fits.is_empty() {
            return Err("an unexported name declared only in tests or vendor/".into());
        }
    }
    if fits.is_empty() && (receiver.is_some() || qualifier.is_some()) {
        // The receiver was renamed since the post (`JobController` is `Controller`), or the
        // qualifier is a variable (`jm.manageJob`) or an import alias the post does not
        // show: the name alone decides, when it is unique outside tests and vendor/.
        let real: Vec<&Found> = all.iter().filter(|f| !peripheral(f)).collect();
        if let [one] = real.as_slice() {
            return Ok(one);
        }
    }
    let in_context = |f: &&Found| cx.packages.contains(&f.import_path);
    let named_in_text = |f: &&Found| {
        f.import_path
            .rsplit('/')
            .next()
            .is_some_and(|last| cx.words.contains(&last.to_ascii_lowercase()))
    };
    let narrowers: [&dyn Fn(&&Found) -> bool; 2] = [&in_context, &named_in_text];
    for narrower in narrowers {
        if fits.len() > 1 {
            let near: Vec<&Found> = fits.iter().copied().filter(|f| narrower(f)).collect();
            if !near.is_empty() {
                fits = near;
            }
        }
    }
    match fits.as_slice() {
        [one] => Ok(one),
        [] if qualifier.is_some() => Err(format!(
            "no declaration fits the qualifier ({} of that name elsewhere; a local variable?)",
            all.len()
        )),
        [] => Err(format!(
            "{} declaration(s) of that name, none that fits",
            all.len()
        )),
        many => Err(format!(
            "ambiguous: {} declarations fit, e.g. {}",
            many.len(),
            many.iter()
                .take(3)
                .map(|f| format!("{}.{}", f.import_path, f.located.decl.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The declaration around `line` of `path` at tag `git_ref`.
fn at_tag(
    at_ref: &dyn Fn(&str) -> Option<Snapshot>,
    root_module: Option<&str>,
    git_ref: &str,
    path: &str,
    line: usize,
) -> Result<DraftStep, String> {
    let tagged =
        at_ref(git_ref).ok_or_else(|| format!("the link's tag {git_ref} cannot be read"))?;
    let modules = ModuleMap::with_root(&tagged, root_module).map_err(|e| e.to_string())?;
    at_line(&tagged, &modules, path, line)
}

/// The symbol a link found at its own tag, where it is at the drafted version.
fn same_at(
    snapshot: &Snapshot,
    root_module: Option<&str>,
    step: DraftStep,
    git_ref: &str,
) -> Result<DraftStep, String> {
    let symbol = crate::golang::Go.parse(&step.symbol)?;
    let resolver = Resolver::new(snapshot, root_module).map_err(|e| e.to_string())?;
    let r = resolver
        .resolve(&[Query {
            item: &symbol,
            file_hint: None,
        }])
        .map_err(|e| e.to_string())?
        .remove(0);
    match (r.status, r.file, r.start_line) {
        (Status::Found, Some(file), Some(start_line)) => Ok(DraftStep {
            file,
            start_line,
            ..step
        }),
        _ => Err(format!(
            "{} (at the link's tag {git_ref}) is not at {}: renamed or moved since (`k8s-study diff` follows it)",
            step.symbol, snapshot.version
        )),
    }
}

/// The declaration around `line` of `path` in the tree.
fn at_line(
    snapshot: &Snapshot,
    modules: &ModuleMap,
    path: &str,
    line: usize,
) -> Result<DraftStep, String> {
    let bytes = snapshot
        .read(path)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no file {path} at this version"))?;
    let decls = extract_go(&bytes).decls;
    let decl = decls
        .iter()
        .filter(|d| d.start_line <= line && line <= d.end_line)
        .min_by_key(|d| d.end_line - d.start_line)
        .ok_or_else(|| format!("line {line} of {path} is in no declaration at this version"))?;
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let import_path = modules
        .import_path_of(dir)
        .ok_or_else(|| format!("{dir}/ is in no Go module of the tree"))?;
    Ok(DraftStep {
        symbol: format!("{import_path}.{}", decl.name),
        file: path.to_string(),
        start_line: decl.start_line,
        from: "link",
        mentioned: format!("{path}:{line}"),
        package: import_path,
    })
}

/// The YAML of one mapping entry (a file of its own), `note: TODO` per step.
pub fn to_yaml(d: &Draft, id: &str, url: &str) -> String {
    use std::fmt::Write as _;
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::from("schema: 1\narticles:\n");
    let title = d.title.as_deref().unwrap_or("TODO: the article's title");
    let _ = writeln!(
        out,
        "  - id: {id}\n    title: {}\n    url: {}",
        q(title),
        q(url)
    );
    let _ = writeln!(out, "    repo: {}", d.repo);
    if d.version_from == "stated" {
        let _ = writeln!(out, "    written_for: {}\n    era: stated", q(&d.version));
    }
    let _ = writeln!(
        out,
        "    # drafted at {} {} ({}), commit {}\n    steps:",
        d.repo, d.version, d.version_from, d.commit
    );
    for s in &d.steps {
        let _ = writeln!(
            out,
            "      - symbol: {}\n        file: {}\n        note: TODO  # {} `{}`",
            s.symbol,
            s.file,
            s.from,
            s.mentioned.replace('`', "'")
        );
    }
    if !d.skipped.is_empty() {
        out.push_str("# not drafted:\n");
        for s in &d.skipped {
            let _ = writeln!(out, "#   {}: {}", s.mentioned.replace('\n', " "), s.why);
        }
    }
    out
}
