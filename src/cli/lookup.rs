//! `lookup`: everyday questions answered from the mapping alone: what to read on a
//! component, what an article reads, which article has that title, who cites that symbol.
//! Only `--at` on a symbol query opens sources, so the rest works offline and instantly.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::item::{ItemRef, Query, Resolution, Status};
use k8s_study::mapping::{Article, Kind, Mapping};
use serde::Serialize;
use serde_json::{Value, json};

use super::output::mark;
use super::{Context, Format};

/// Offline lookup in the mapping: a component, an article id, title words, or a symbol.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study lookup informer            articles on informers, in reading order
  k8s-study lookup kubelet-startup-cizixs
  k8s-study lookup 调度器               articles whose title contains the words
  k8s-study lookup scheduleOne --at v1.30.0   who cites it, and where it is at v1.30.0

QUERY is tried as a component, an article id, words of a title (case-insensitive; every
word must occur), then part of a Go symbol cited by a step, in that order.

Reading order within a component: articles whose main (first) component it is come first,
then those that touch it; within each, articles, then series, then no-code entries, in
mapping order.")]
pub struct LookupArgs {
    /// A component, an article id, words of a title, or part of a symbol.
    pub query: String,
    /// For a symbol query: also locate each matched symbol at this version of its repo.
    #[arg(long, value_name = "VERSION")]
    pub at: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The articles of `component` in reading order.
pub fn component_articles<'m>(mapping: &'m Mapping, component: &str) -> Vec<&'m Article> {
    let kind_rank = |k: Kind| match k {
        Kind::Article => 0,
        Kind::Series => 1,
        Kind::NoCode => 2,
    };
    let mut articles: Vec<(usize, &Article)> = mapping
        .articles
        .iter()
        .enumerate()
        .filter(|(_, a)| a.components.iter().any(|c| c == component))
        .collect();
    articles.sort_by_key(|(i, a)| {
        (
            a.components.first().is_none_or(|c| c != component),
            kind_rank(a.kind),
            *i,
        )
    });
    articles.into_iter().map(|(_, a)| a).collect()
}

/// Articles whose title holds the query, in mapping order. Chinese titles have no spaces
/// between words, so the query is also matched with all whitespace removed on both sides
/// (`informer分析`, `kubernetes调度器`), and a spaced query matches when each of its words
/// occurs anywhere in the title (`kubelet 启动`).
pub fn title_matches<'m>(mapping: &'m Mapping, query: &str) -> Vec<&'m Article> {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let q = squeeze(query);
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if q.is_empty() {
        return Vec::new();
    }
    mapping
        .articles
        .iter()
        .filter(|a| {
            let title = a.title.to_lowercase();
            squeeze(&title).contains(&q) || words.iter().all(|w| title.contains(w.as_str()))
        })
        .collect()
}

/// A step that names a symbol. JSON field names are stable.
#[derive(Debug, Serialize)]
pub struct Citation<'m> {
    pub article: &'m str,
    pub title: &'m str,
    /// 1-based, in reading order.
    pub step: usize,
    /// The symbol is the step's Rust counterpart, not the step's own Go symbol.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub counterpart: bool,
}

/// A distinct symbol (per repo) matching a query, who cites it, and with `--at` where it is.
#[derive(Debug, Serialize)]
pub struct SymbolHit<'m> {
    pub symbol: &'m str,
    pub repo: &'m str,
    pub cited_by: Vec<Citation<'m>>,
    /// With `--at`: the symbol at that version of `repo`.
    pub resolution: Option<Resolution>,
    /// With `--at`: why `repo` could not be read at that version.
    pub error: Option<String>,
    #[serde(skip)]
    parsed: &'m ItemRef,
    /// The first citing step's `file:` hint, so a moved declaration is noted.
    #[serde(skip)]
    file_hint: Option<&'m str>,
}

/// Symbols containing the query (case-insensitive), sorted by symbol then repo; the same
/// symbol in two repos is two hits because it resolves separately in each.
pub fn symbol_matches<'m>(mapping: &'m Mapping, query: &str) -> Vec<SymbolHit<'m>> {
    let q = query.to_lowercase();
    let mut hits: BTreeMap<(&str, &str), SymbolHit<'m>> = BTreeMap::new();
    for a in &mapping.articles {
        for (i, s) in a.steps.iter().enumerate() {
            if !s.symbol.as_str().to_lowercase().contains(&q) {
                continue;
            }
            let hit = hits
                .entry((s.symbol.as_str(), a.repo.as_str()))
                .or_insert_with(|| SymbolHit {
                    symbol: s.symbol.as_str(),
                    repo: &a.repo,
                    cited_by: Vec::new(),
                    resolution: None,
                    error: None,
                    parsed: &s.symbol,
                    file_hint: None,
                });
            hit.file_hint = hit.file_hint.or(s.file.as_deref());
            hit.cited_by.push(Citation {
                article: &a.id,
                title: &a.title,
                step: i + 1,
                counterpart: false,
            });
        }
        for (i, c) in a
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, s.counterpart.as_ref()?)))
        {
            if !c.symbol.as_str().to_lowercase().contains(&q) {
                continue;
            }
            let hit = hits
                .entry((c.symbol.as_str(), c.repo.as_str()))
                .or_insert_with(|| SymbolHit {
                    symbol: c.symbol.as_str(),
                    repo: &c.repo,
                    cited_by: Vec::new(),
                    resolution: None,
                    error: None,
                    parsed: &c.symbol,
                    file_hint: None,
                });
            hit.file_hint = hit.file_hint.or(c.file.as_deref());
            hit.cited_by.push(Citation {
                article: &a.id,
                title: &a.title,
                step: i + 1,
                counterpart: true,
            });
        }
    }
    hits.into_values().collect()
}

/// The known name nearest to a query that matched nothing: components, article ids, title
/// words and symbol names. Only a plausible typo is offered, not any far-off word.
pub fn nearest(mapping: &Mapping, query: &str) -> Option<String> {
    let q = query.to_lowercase();
    let limit = 2.max(q.chars().count() / 3);
    let title_words = mapping.articles.iter().flat_map(|a| {
        a.title
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_string)
    });
    let symbol_names = mapping
        .articles
        .iter()
        .flat_map(|a| &a.steps)
        .flat_map(|s| symbol_names(&s.symbol));
    let names: BTreeSet<String> = mapping
        .components
        .keys()
        .cloned()
        .chain(mapping.articles.iter().map(|a| a.id.clone()))
        .chain(title_words)
        .chain(symbol_names)
        .collect();
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(&q, &n.to_lowercase()), n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n)
}

/// What people type for a symbol: `pkg.Type.Method`, `Type.Method`, `Method`.
fn symbol_names(symbol: &ItemRef) -> Vec<String> {
    let mut names = vec![symbol.short().to_string(), symbol.name().to_string()];
    if symbol.name().receiver.is_some() {
        names.push(symbol.name().name.clone());
    }
    names
}

pub fn run(cx: &Context, args: &LookupArgs) -> Result<u8, Error> {
    let m = &cx.mapping;
    let q = args.query.as_str();
    let mut out = std::io::stdout().lock();
    if let Some(description) = m.components.get(q) {
        note_at_ignored(args, "a component");
        show_component(&mut out, args, description, &component_articles(m, q))?;
        return Ok(exit::OK);
    }
    if let Some(a) = m.article(q) {
        note_at_ignored(args, "an article id");
        show_article(&mut out, args, a)?;
        return Ok(exit::OK);
    }
    let titled = title_matches(m, q);
    if !titled.is_empty() {
        note_at_ignored(args, "title words");
        show_titles(&mut out, args, &titled)?;
        return Ok(exit::OK);
    }
    let mut hits = symbol_matches(m, q);
    if !hits.is_empty() {
        if let Some(at) = &args.at {
            resolve_hits(cx, &mut hits, at)?;
        }
        show_symbols(&mut out, args, &hits)?;
        let unresolved = args.at.is_some()
            && hits.iter().any(|h| {
                h.resolution
                    .as_ref()
                    .is_none_or(|r| r.status != Status::Found)
            });
        return Ok(if unresolved { exit::MISSING } else { exit::OK });
    }
    Err(Error::usage(
        format!("nothing in the mapping matches `{q}`"),
        Some(nearest(m, q).map_or_else(
            || "QUERY is a component, an article id, words of a title, or part of a Go symbol; `k8s-study stats` lists the components".to_string(),
            |n| format!("did you mean `{n}`?"),
        )),
    ))
}

/// `--at` only changes symbol queries; say so rather than silently drop it.
fn note_at_ignored(args: &LookupArgs, what: &str) {
    if let Some(at) = &args.at {
        eprintln!(
            "note: --at {at} is ignored: `{}` is {what}, and --at applies to symbols \
             (`k8s-study resolve ID --at {at}` resolves an article's steps)",
            args.query
        );
    }
}

/// Resolve every hit once at `at`, one snapshot per repo. Versions are numbered per repo
/// (kubernetes `v1.30.0` is client-go `v0.30.0`), so a repo without `at` marks its own
/// hits and lets the others answer; only when no repo can be read is it an error.
fn resolve_hits(cx: &Context, hits: &mut [SymbolHit<'_>], at: &str) -> Result<(), Error> {
    let repos: BTreeSet<String> = hits.iter().map(|h| h.repo.to_string()).collect();
    let mut failures = Vec::new();
    for name in &repos {
        let mine: Vec<usize> = (0..hits.len()).filter(|&i| hits[i].repo == name).collect();
        let queries: Vec<Query<'_>> = mine
            .iter()
            .map(|&i| Query {
                item: hits[i].parsed,
                file_hint: hits[i].file_hint,
            })
            .collect();
        let result = resolve_in(cx, name, at, &queries);
        match result {
            Ok(resolutions) => {
                for (i, r) in mine.into_iter().zip(resolutions) {
                    hits[i].resolution = Some(r);
                }
            }
            Err(e) => {
                for &i in &mine {
                    hits[i].error = Some(e.to_string());
                }
                failures.push(e);
            }
        }
    }
    if failures.len() == repos.len()
        && let Some(first) = failures.into_iter().next()
    {
        return Err(first);
    }
    Ok(())
}

fn resolve_in(
    cx: &Context,
    repo: &str,
    at: &str,
    queries: &[Query<'_>],
) -> Result<Vec<Resolution>, Error> {
    let repo = cx.repo(repo)?;
    let snapshot = cx.sources.snapshot(&repo.spec(), at)?;
    Ok(k8s_study::languages::engine(repo.lang).resolve(
        &snapshot,
        repo.module.as_deref(),
        queries,
    )?)
}

fn write_json(out: &mut impl Write, v: &Value) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// One line per article in the component listing and its JSON row.
fn summary_json(a: &Article) -> Value {
    json!({"id": a.id, "title": a.title, "url": a.url, "kind": a.kind, "steps": a.steps.len(), "found": a.found})
}

/// An article with its steps.
fn article_json(a: &Article) -> Value {
    let steps: Vec<_> = a
        .steps
        .iter()
        .map(|s| {
            let counterpart = s.counterpart.as_ref().map(|c| {
                json!({"symbol": c.symbol, "repo": c.repo, "file": c.file, "note": c.note, "note_zh": c.note_zh})
            });
            json!({"symbol": s.symbol.as_str(), "file": s.file, "was": s.was, "note": s.note, "note_zh": s.note_zh, "counterpart": counterpart})
        })
        .collect();
    json!({"id": a.id, "title": a.title, "url": a.url, "kind": a.kind, "components": a.components, "repo": a.repo, "steps": steps})
}

fn write_listing(out: &mut impl Write, articles: &[&Article]) -> std::io::Result<()> {
    for (i, a) in articles.iter().enumerate() {
        let kind = if a.kind == Kind::Article {
            String::new()
        } else {
            format!(" [{}]", a.kind.as_str())
        };
        writeln!(
            out,
            "{:>3}. {}{kind}  ({} steps)\n     {}\n     {}",
            i + 1,
            a.title,
            a.steps.len(),
            a.id,
            a.url
        )?;
    }
    Ok(())
}

fn write_article(out: &mut impl Write, a: &Article) -> std::io::Result<()> {
    writeln!(
        out,
        "{}  [{}]\n{}\n{}",
        a.title,
        a.components.join(", "),
        a.url,
        a.author
    )?;
    if let Some(reason) = &a.reason {
        writeln!(out, "no code to read: {reason}")?;
    }
    for (i, s) in a.steps.iter().enumerate() {
        let was = s
            .was
            .as_deref()
            .map(|w| format!(" (article: {w})"))
            .unwrap_or_default();
        writeln!(out, "{:>3}. {}{was}\n     {}", i + 1, s.symbol, s.note)?;
        if let Some(c) = &s.counterpart {
            writeln!(out, "     Rust: {} ({})", c.symbol, c.repo)?;
        }
    }
    Ok(())
}

fn show_component(
    out: &mut impl Write,
    args: &LookupArgs,
    description: &str,
    articles: &[&Article],
) -> Result<(), Error> {
    let q = &args.query;
    if args.format == Format::Json {
        let rows: Vec<_> = articles.iter().map(|a| summary_json(a)).collect();
        return write_json(
            out,
            &json!({"query": q, "kind": "component", "component": q, "description": description, "articles": rows}),
        );
    }
    writeln!(out, "{q}: {description}\n")?;
    write_listing(out, articles)?;
    Ok(())
}

fn show_article(out: &mut impl Write, args: &LookupArgs, a: &Article) -> Result<(), Error> {
    if args.format == Format::Json {
        return write_json(
            out,
            &json!({"query": args.query, "kind": "article", "article": article_json(a)}),
        );
    }
    write_article(out, a)?;
    Ok(())
}

/// Several titles match: list them like a component; one: go straight to its steps, as
/// that is what the reader was after. JSON always has both `articles` and `article`.
fn show_titles(
    out: &mut impl Write,
    args: &LookupArgs,
    articles: &[&Article],
) -> Result<(), Error> {
    let single = match articles {
        [a] => Some(*a),
        _ => None,
    };
    if args.format == Format::Json {
        let rows: Vec<_> = articles.iter().map(|a| summary_json(a)).collect();
        return write_json(
            out,
            &json!({"query": args.query, "kind": "title", "articles": rows, "article": single.map(article_json)}),
        );
    }
    if let Some(a) = single {
        write_article(out, a)?;
    } else {
        writeln!(out, "{} titles match `{}`:\n", articles.len(), args.query)?;
        write_listing(out, articles)?;
    }
    Ok(())
}

fn show_symbols(
    out: &mut impl Write,
    args: &LookupArgs,
    hits: &[SymbolHit<'_>],
) -> Result<(), Error> {
    if args.format == Format::Json {
        return write_json(
            out,
            &json!({"query": args.query, "kind": "symbol", "at": args.at, "symbols": hits}),
        );
    }
    for h in hits {
        for c in &h.cited_by {
            let role = if c.counterpart {
                " (Rust counterpart)"
            } else {
                ""
            };
            writeln!(out, "{} — {} step {}{role}", h.symbol, c.article, c.step)?;
        }
        if let Some(r) = &h.resolution {
            let place = match (&r.file, r.start_line, r.end_line) {
                (Some(f), Some(s), Some(e)) => format!("{f}:{s}-{e}"),
                _ => format!(
                    "{}: {}",
                    if r.status == Status::Ambiguous {
                        "ambiguous"
                    } else {
                        "missing"
                    },
                    r.reason.as_deref().unwrap_or("not found")
                ),
            };
            writeln!(
                out,
                "    {} {}@{} {place}",
                mark(r.status),
                r.repo,
                r.version
            )?;
        }
        if let (Some(e), Some(at)) = (&h.error, &args.at) {
            writeln!(out, "    ✗ {}@{at} cannot be read: {e}", h.repo)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use k8s_study::mapping::{Origin, Step};

    use super::*;

    fn origin() -> Origin {
        Origin {
            file: "t.yaml".into(),
            line: 1,
            column: 1,
        }
    }

    fn article(id: &str, title: &str, symbols: &[&str]) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            url: format!("https://example.com/{id}"),
            alt_urls: Vec::new(),
            author: "t".into(),
            kind: Kind::Article,
            written_for: None,
            found: true,
            evidence: None,
            reason: None,
            entry_points: Vec::new(),
            related: Vec::new(),
            components: vec!["scheduler".into()],
            repo: "kubernetes".into(),
            steps: symbols
                .iter()
                .map(|s| Step {
                    symbol: k8s_study::languages::engine(k8s_study::item::Language::Go)
                        .parse(s)
                        .unwrap(),
                    file: None,
                    was: None,
                    review: None,
                    note: String::new(),
                    note_zh: String::new(),
                    origin: origin(),
                    file_origin: None,
                    review_origin: None,
                    counterpart: None,
                })
                .collect(),
            origin: origin(),
        }
    }

    fn mapping() -> Mapping {
        Mapping {
            articles: vec![
                article(
                    "custom-scheduler",
                    "自定义 Kubernetes 调度器",
                    &["k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne"],
                ),
                article(
                    "informer-zh",
                    "【kubernetes/k8s源码分析】client-go Informer分析",
                    &["k8s.io/client-go/tools/cache.Reflector.ListAndWatch"],
                ),
                article("kubelet-start", "kubelet 源码分析：启动流程", &[]),
            ],
            ..Mapping::default()
        }
    }

    fn ids<'a>(articles: &[&'a Article]) -> Vec<&'a str> {
        articles.iter().map(|a| a.id.as_str()).collect()
    }

    #[test]
    fn chinese_titles_match_by_substring_without_spaces() {
        let m = mapping();
        assert_eq!(ids(&title_matches(&m, "调度器")), ["custom-scheduler"]);
        assert_eq!(ids(&title_matches(&m, "informer分析")), ["informer-zh"]);
        assert_eq!(
            ids(&title_matches(&m, "kubernetes调度器")),
            ["custom-scheduler"]
        );
        assert_eq!(ids(&title_matches(&m, "kubelet 启动")), ["kubelet-start"]);
        assert_eq!(
            ids(&title_matches(&m, "源码分析")),
            ["informer-zh", "kubelet-start"]
        );
        assert!(title_matches(&m, "调度器 kubelet").is_empty());
        assert!(title_matches(&m, "  ").is_empty());
    }

    #[test]
    fn symbols_match_by_case_insensitive_substring() {
        let m = mapping();
        let hits = symbol_matches(&m, "cache.reflector");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].cited_by[0].article, "informer-zh");
        assert_eq!(hits[0].cited_by[0].step, 1);
        assert!(symbol_matches(&m, "nothing-like-this").is_empty());
    }

    #[test]
    fn near_misses_suggest_symbol_names_and_title_words() {
        let m = mapping();
        assert_eq!(nearest(&m, "scheduleOen").as_deref(), Some("scheduleOne"));
        assert_eq!(nearest(&m, "kubelt").as_deref(), Some("kubelet"));
        assert_eq!(nearest(&m, "zzzzzzzzzzzz"), None);
    }
}
