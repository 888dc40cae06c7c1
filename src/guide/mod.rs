//! The resolved model behind every reading guide: articles, their steps at the pin with
//! excerpts, permalinks and "calls next" edges. Renderers (`crate::render`) only format it.

mod excerpt;
pub mod line;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

pub use excerpt::{Excerpt, excerpt};

use crate::error::Skipped;
use crate::item::Kind as DeclKind;
use crate::item::{CallEdge, Caller, EdgeKind, ItemRef, Language};
use crate::mapping::{Article, Kind, Mapping, Step};
use crate::resolve::{Resolution, Status, resolve_counterparts_each_repo, resolve_each_repo};
use crate::source::{Snapshot, Sources};

/// Which notes a guide shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// One article's reading path, resolved. Field names are the stable JSON (docs/guide-json.md).
#[derive(Clone, Debug, Serialize)]
pub struct ArticleGuide {
    pub id: String,
    pub title: String,
    pub url: String,
    pub alt_urls: Vec<String>,
    pub author: String,
    pub kind: Kind,
    pub written_for: Option<String>,
    /// How `written_for` is known: `stated` by the text, or `dated` from the post.
    pub era: Option<crate::mapping::EraSource>,
    /// Why the article's version could not be read, when it could not.
    pub era_unreachable: Option<String>,
    pub found: bool,
    pub reason: Option<String>,
    pub entry_points: Vec<String>,
    pub components: Vec<String>,
    pub repo: String,
    /// The upstream the permalinks name (never a mirror).
    pub upstream: String,
    pub version: String,
    pub commit: Option<String>,
    pub steps: Vec<StepGuide>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepGuide {
    /// 1-based, in reading order.
    pub step: usize,
    pub symbol: ItemRef,
    /// The article-era name, when it differs.
    pub was: Option<String>,
    pub note: String,
    pub status: Status,
    /// Why a step is unresolved, or a warning about it.
    pub reason: Option<String>,
    pub kind: Option<DeclKind>,
    pub signature: Option<String>,
    pub doc: Option<String>,
    pub file: Option<String>,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
    pub permalink: Option<String>,
    pub excerpt: Option<Excerpt>,
    /// Steps of this article this step's body calls, runs, or may reach through an interface
    /// (1-based): resolved by type, never by name alone.
    pub calls_steps: Vec<usize>,
    /// Other mapped symbols (of other articles) it calls, runs or may reach that way.
    pub calls_mapped: Vec<ItemRef>,
    /// Each of those edges, with how the body reaches it.
    pub calls: Vec<StepCall>,
    /// What changed between the article's `written_for` version and the pin, when that
    /// version is in the cache (or `guide --era fetch`) and the symbol changed.
    pub since_article: Option<String>,
    /// The step at the article's own version (`written_for`), when that version could be
    /// read: its place and permalink there, and what changed up to the pin.
    pub era: Option<EraStep>,
    /// The step's code is gone at the pin (`gone:` in the mapping).
    pub gone: Option<GoneGuide>,
    /// The kube-rs item that plays the same role, resolved at its own pin.
    pub counterpart: Option<CounterpartGuide>,
}

/// Since when a step's code is gone, and what took its place.
#[derive(Clone, Debug, Serialize)]
pub struct GoneGuide {
    pub since: String,
    pub successor: Option<String>,
}

/// One call edge of a step: a mapped symbol the body calls or runs, or an interface method
/// whose mapped implementations it may reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepCall {
    /// The callee as the language names it (an interface method for `interface`).
    pub symbol: String,
    /// The callee's step in this article, when it is one.
    pub step: Option<usize>,
    pub kind: EdgeKind,
    /// For `interface`: the mapped methods whose types implement the interface.
    pub may_dispatch_to: Vec<Dispatch>,
}

/// A mapped implementation an interface call may reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dispatch {
    pub symbol: ItemRef,
    pub step: Option<usize>,
}

/// A Rust counterpart as a guide shows it: the same fields as a step, its own repo and pin.
#[derive(Clone, Debug, Serialize)]
pub struct CounterpartGuide {
    pub symbol: ItemRef,
    pub repo: String,
    pub upstream: String,
    pub version: String,
    pub note: String,
    pub status: Status,
    pub reason: Option<String>,
    pub kind: Option<DeclKind>,
    pub signature: Option<String>,
    pub doc: Option<String>,
    pub file: Option<String>,
    pub start_line: Option<usize>,
    pub end_line: Option<usize>,
    pub permalink: Option<String>,
    pub excerpt: Option<Excerpt>,
}

pub use crate::era::{Era, EraStep, Since, Unreachable};

/// Build the guides of `articles`, each at its repo's pin, and say what could not be read.
/// Nothing stops the build: steps (and counterparts) of a repo that cannot be read are
/// unresolved with the reason, and a step whose file cannot be read has no excerpt, with
/// the reason.
///
/// # Panics
/// If an article names a repo the mapping lacks, which validation rules out.
#[allow(clippy::too_many_lines)] // one pass over articles and steps, sharing the blob caches
pub fn build(
    sources: &Sources,
    mapping: &Mapping,
    articles: &[&Article],
    lang: Lang,
    era: Era,
) -> (Vec<ArticleGuide>, Vec<Skipped>) {
    let (resolved, failed) = resolve_each_repo(sources, mapping, articles, None);
    let unreadable: HashMap<String, String> = failed
        .iter()
        .map(|(repo, e)| (repo.clone(), e.to_string()))
        .collect();
    let mut skipped: Vec<Skipped> = failed
        .into_iter()
        .map(|(repo, e)| Skipped::repo(&repo, e))
        .collect();
    let (mut eras, unreachable_eras) = crate::era::era_steps(sources, mapping, articles, era);
    let (counterparts, failed) = resolve_counterparts_each_repo(sources, mapping, articles, None);
    let counterpart_errors: HashMap<String, String> = failed
        .iter()
        .map(|(repo, e)| (repo.clone(), e.to_string()))
        .collect();
    skipped.extend(failed.into_iter().map(|(repo, e)| Skipped::repo(&repo, e)));
    let mut counterpart_of: HashMap<(&str, usize), &Resolution> = counterparts
        .iter()
        .map(|c| ((c.article.as_str(), c.step), &c.resolution))
        .collect();
    let mut by_step: HashMap<(&str, usize), &Resolution> = resolved
        .iter()
        .map(|s| ((s.article.as_str(), s.step), &s.resolution))
        .collect();
    let mapped = mapped_leaves(mapping);
    let mut snapshots = BTreeMap::new();
    let mut files: HashMap<(String, String), Option<Vec<u8>>> = HashMap::new();
    let mut unread_files: HashMap<(String, String), String> = HashMap::new();
    let mut guides = Vec::with_capacity(articles.len());
    for article in articles {
        let repo = mapping
            .repo(&article.repo)
            .expect("validated: articles name known repos");
        let upstream = repo
            .url
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .to_string();
        let mut steps = Vec::with_capacity(article.steps.len());
        let mut commit = None;
        for (i, step) in article.steps.iter().enumerate() {
            let counterpart = step.counterpart.as_ref().map(|c| {
                let r = counterpart_of.remove(&(article.id.as_str(), i + 1));
                counterpart_guide(
                    c,
                    r,
                    counterpart_errors.get(&c.repo).map(String::as_str),
                    mapping,
                    sources,
                    lang,
                    &mut snapshots,
                    &mut files,
                )
            });
            let at_era = eras.remove(&(article.id.clone(), i + 1));
            let since_article = at_era.as_ref().and_then(|e| {
                let since = e.since.as_ref()?;
                Some(format!(
                    "since {} (the article's version): {}",
                    e.version,
                    since.line()
                ))
            });
            let Some(r) = by_step.remove(&(article.id.as_str(), i + 1)) else {
                let why = unreadable
                    .get(article.repo.as_str())
                    .cloned()
                    .unwrap_or_default();
                let mut s = StepGuide::unresolved(i + 1, step, lang, why);
                s.counterpart = counterpart;
                s.era = at_era;
                steps.push(s);
                continue;
            };
            commit.get_or_insert_with(|| r.commit.clone());
            let mut reason = r.reason.clone();
            let source: Option<&[u8]> = match (&r.file, r.status) {
                (Some(file), Status::Found) => {
                    // Several steps often sit in one file: read each blob once. A file that
                    // cannot be read only costs its steps their excerpts, with the reason.
                    let key = (repo.name.clone(), file.clone());
                    if !files.contains_key(&key) {
                        let text =
                            read_file(sources, repo, file, &mut snapshots).unwrap_or_else(|e| {
                                unread_files.insert(key.clone(), format!("excerpt not read: {e}"));
                                skipped.push(Skipped::new(
                                    format!("{file} of {}@{}", repo.name, repo.pin),
                                    e,
                                ));
                                None
                            });
                        files.insert(key.clone(), text);
                    }
                    if let Some(why) = unread_files.get(&key) {
                        reason =
                            Some(reason.map_or_else(|| why.clone(), |r| format!("{r}; {why}")));
                    }
                    files[&key].as_deref()
                }
                _ => None,
            };
            let excerpt = match (source, r.start_line, r.end_line) {
                (Some(text), Some(start), Some(end)) => {
                    Some(excerpt(text, start, end, Language::Go))
                }
                _ => None,
            };
            let permalink = r.permalink.clone();
            steps.push(StepGuide {
                step: i + 1,
                symbol: step.symbol.clone(),
                was: step.was.as_ref().map(ToString::to_string),
                note: lang.note(step).to_string(),
                status: r.status,
                reason,
                kind: r.kind,
                signature: r.signature.clone(),
                doc: r.doc.clone(),
                file: r.file.clone(),
                start_line: r.start_line,
                end_line: r.end_line,
                permalink,
                excerpt,
                calls_steps: Vec::new(),
                calls_mapped: Vec::new(),
                calls: Vec::new(),
                since_article,
                era: at_era,
                gone: step.gone.as_ref().map(|g| GoneGuide {
                    since: g.since.clone(),
                    successor: g.successor.as_ref().map(ToString::to_string),
                }),
                counterpart,
            });
        }
        guides.push(ArticleGuide {
            id: article.id.clone(),
            title: article.title.clone(),
            url: article.url.clone(),
            alt_urls: article.alt_urls.clone(),
            author: article.author.clone(),
            kind: article.kind,
            written_for: article.written_for.clone(),
            era: article.era,
            era_unreachable: unreachable_eras
                .iter()
                .find(|u| u.articles.contains(&article.id))
                .map(|u| format!("{}@{}: {}", u.repo, u.version, u.why)),
            found: article.found,
            reason: article.reason.clone(),
            entry_points: article.entry_points.clone(),
            components: article.components.clone(),
            repo: article.repo.clone(),
            upstream,
            version: repo.pin.clone(),
            commit,
            steps,
        });
    }
    link_calls(
        sources,
        mapping,
        &mut guides,
        &mapped,
        &mut snapshots,
        &mut skipped,
    );
    (guides, skipped)
}

impl Lang {
    /// A user's own file may have no Chinese note: the English one stands in.
    fn note(self, step: &Step) -> &str {
        match self {
            Lang::Zh if !step.note_zh.is_empty() => &step.note_zh,
            _ => &step.note,
        }
    }
}

impl StepGuide {
    fn unresolved(number: usize, step: &Step, lang: Lang, reason: String) -> Self {
        Self {
            step: number,
            symbol: step.symbol.clone(),
            was: step.was.as_ref().map(ToString::to_string),
            note: lang.note(step).to_string(),
            status: Status::Missing,
            reason: Some(reason),
            kind: None,
            signature: None,
            doc: None,
            file: step.file.clone(),
            start_line: None,
            end_line: None,
            permalink: None,
            excerpt: None,
            calls_steps: Vec::new(),
            calls_mapped: Vec::new(),
            calls: Vec::new(),
            since_article: None,
            era: None,
            gone: step.gone.as_ref().map(|g| GoneGuide {
                since: g.since.clone(),
                successor: g.successor.as_ref().map(ToString::to_string),
            }),
            counterpart: None,
        }
    }
}

/// A file of `repo` at its pin, through the snapshots opened so far.
fn read_file(
    sources: &Sources,
    repo: &crate::mapping::Repo,
    file: &str,
    snapshots: &mut Snapshots,
) -> Result<Option<Vec<u8>>, crate::source::SourceError> {
    if !snapshots.contains_key(&repo.name) {
        snapshots.insert(
            repo.name.clone(),
            sources.snapshot(&repo.spec(), &repo.pin)?,
        );
    }
    snapshots[&repo.name].read(file)
}

fn upstream_of(url: &str) -> String {
    url.trim_end_matches('/')
        .trim_end_matches(".git")
        .to_string()
}

/// Snapshots and file blobs read once per guide run.
type Snapshots = BTreeMap<String, Snapshot>;
type Files = HashMap<(String, String), Option<Vec<u8>>>;

#[allow(clippy::too_many_arguments)] // the caches are threaded through one build
fn counterpart_guide(
    c: &crate::mapping::Counterpart,
    r: Option<&Resolution>,
    error: Option<&str>,
    mapping: &Mapping,
    sources: &Sources,
    lang: Lang,
    snapshots: &mut Snapshots,
    files: &mut Files,
) -> CounterpartGuide {
    let repo = mapping.repo(&c.repo);
    let upstream = repo.map(|r| upstream_of(&r.url)).unwrap_or_default();
    let version = repo.map(|r| r.pin.clone()).unwrap_or_default();
    let note = match lang {
        Lang::Zh if !c.note_zh.is_empty() => c.note_zh.clone(),
        _ => c.note.clone(),
    };
    let mut g = CounterpartGuide {
        symbol: c.symbol.clone(),
        repo: c.repo.clone(),
        upstream,
        version,
        note,
        status: Status::Missing,
        reason: error.map(str::to_string),
        kind: None,
        signature: None,
        doc: None,
        file: c.file.clone(),
        start_line: None,
        end_line: None,
        permalink: None,
        excerpt: None,
    };
    let (Some(r), Some(repo)) = (r, repo) else {
        return g;
    };
    g.status = r.status;
    g.reason.clone_from(&r.reason);
    g.kind = r.kind;
    g.signature.clone_from(&r.signature);
    g.doc.clone_from(&r.doc);
    g.start_line = r.start_line;
    g.end_line = r.end_line;
    g.permalink.clone_from(&r.permalink);
    if let (Some(file), Status::Found, Some(start), Some(end)) =
        (&r.file, r.status, r.start_line, r.end_line)
    {
        g.file = Some(file.clone());
        if !snapshots.contains_key(&repo.name)
            && let Ok(s) = sources.snapshot(&repo.spec(), &repo.pin)
        {
            snapshots.insert(repo.name.clone(), s);
        }
        let key = (repo.name.clone(), file.clone());
        if !files.contains_key(&key)
            && let Some(snapshot) = snapshots.get(&repo.name)
        {
            files.insert(key.clone(), snapshot.read(file).ok().flatten());
        }
        if let Some(Some(text)) = files.get(&key) {
            g.excerpt = Some(excerpt(text, start, end, Language::Rust));
        }
    }
    g
}

/// Every mapped symbol, per language: what call edges can point at.
fn mapped_leaves(mapping: &Mapping) -> HashMap<Language, Vec<ItemRef>> {
    let mut mapped: HashMap<Language, Vec<ItemRef>> = HashMap::new();
    for a in &mapping.articles {
        for s in &a.steps {
            let symbols = mapped.entry(s.symbol.language()).or_default();
            if !symbols.contains(&s.symbol) {
                symbols.push(s.symbol.clone());
            }
        }
    }
    for symbols in mapped.values_mut() {
        symbols.sort();
    }
    mapped
}

/// The call edges of every found func and method step, resolved by the repo's language
/// engine at the pin (one pass per repo, so each package is read once), kept when they reach
/// a mapped symbol or an interface method with mapped implementations.
fn link_calls(
    sources: &Sources,
    mapping: &Mapping,
    guides: &mut [ArticleGuide],
    mapped: &HashMap<Language, Vec<ItemRef>>,
    snapshots: &mut Snapshots,
    skipped: &mut Vec<Skipped>,
) {
    let mut by_repo: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (g, guide) in guides.iter().enumerate() {
        for (i, s) in guide.steps.iter().enumerate() {
            if s.status == Status::Found
                && matches!(s.kind, Some(DeclKind::Func | DeclKind::Method))
                && s.file.is_some()
                && s.start_line.is_some()
            {
                by_repo.entry(guide.repo.clone()).or_default().push((g, i));
            }
        }
    }
    for (repo_name, at) in by_repo {
        let Some(repo) = mapping.repo(&repo_name) else {
            continue;
        };
        if !snapshots.contains_key(&repo.name) {
            match sources.snapshot(&repo.spec(), &repo.pin) {
                Ok(s) => {
                    snapshots.insert(repo.name.clone(), s);
                }
                Err(_) => continue, // already reported with the steps' resolution
            }
        }
        let snapshot = &snapshots[&repo.name];
        let targets = mapped.get(&repo.lang).map_or(&[][..], Vec::as_slice);
        let methods: Vec<ItemRef> = targets
            .iter()
            .filter(|t| t.name().receiver.is_some())
            .cloned()
            .collect();
        let callers: Vec<Caller<'_>> = at
            .iter()
            .map(|&(g, i)| {
                let s = &guides[g].steps[i];
                Caller {
                    item: &s.symbol,
                    file: s.file.as_deref().unwrap_or_default(),
                    start_line: s.start_line.unwrap_or_default(),
                }
            })
            .collect();
        let engine = crate::languages::engine(repo.lang);
        let edges = match engine.calls(snapshot, repo.module.as_deref(), &callers, &methods) {
            Ok(edges) => edges,
            Err(e) => {
                skipped.push(Skipped::new(
                    format!("calls of {}@{}", repo.name, repo.pin),
                    e,
                ));
                continue;
            }
        };
        let known: std::collections::HashSet<&str> = targets.iter().map(ItemRef::as_str).collect();
        let linked: Vec<Vec<CallEdge>> = edges
            .into_iter()
            .map(|found| {
                found
                    .into_iter()
                    .filter(|e| known.contains(e.target.as_str()) || !e.dispatch.is_empty())
                    .collect()
            })
            .collect();
        for (&(g, i), found) in at.iter().zip(linked) {
            attach_calls(&mut guides[g].steps, i, found, targets, &known);
        }
    }
}

/// Step `i`'s edges as the guide shows them: each with the step it reaches in the article,
/// and the in-article steps and other mapped symbols it reaches directly or by dispatch.
fn attach_calls(
    steps: &mut [StepGuide],
    i: usize,
    found: Vec<CallEdge>,
    targets: &[ItemRef],
    known: &std::collections::HashSet<&str>,
) {
    let step_of = |symbol: &str| {
        steps
            .iter()
            .position(|t| t.symbol.as_str() == symbol && t.status == Status::Found)
            .map(|j| j + 1)
    };
    let calls: Vec<StepCall> = found
        .into_iter()
        .map(|e| StepCall {
            step: step_of(&e.target),
            may_dispatch_to: e
                .dispatch
                .into_iter()
                .filter(|d| d.as_str() != steps[i].symbol.as_str())
                .map(|d| Dispatch {
                    step: step_of(d.as_str()),
                    symbol: d,
                })
                .collect(),
            symbol: e.target,
            kind: e.kind,
        })
        .filter(|c| known.contains(c.symbol.as_str()) || !c.may_dispatch_to.is_empty())
        .collect();
    let own = i + 1;
    let mut in_article: Vec<usize> = Vec::new();
    let mut elsewhere: Vec<ItemRef> = Vec::new();
    for c in &calls {
        let direct = known
            .contains(c.symbol.as_str())
            .then(|| (c.step, targets.iter().find(|t| t.as_str() == c.symbol)));
        let reached = direct
            .into_iter()
            .map(|(step, t)| (step, t.cloned()))
            .chain(
                c.may_dispatch_to
                    .iter()
                    .map(|d| (d.step, Some(d.symbol.clone()))),
            );
        for (step, symbol) in reached {
            match (step, symbol) {
                (Some(n), _) if n != own => in_article.push(n),
                (None, Some(t)) => elsewhere.push(t),
                _ => {}
            }
        }
    }
    in_article.sort_unstable();
    in_article.dedup();
    elsewhere.sort();
    elsewhere.dedup();
    let step = &mut steps[i];
    step.calls_steps = in_article;
    step.calls_mapped = elsewhere;
    step.calls = calls;
}
