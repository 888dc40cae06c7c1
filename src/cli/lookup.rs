//! `lookup`: the arguments, and the printing of what `k8s_study::lookup` answers. Only
//! `--at` on a symbol query opens sources, so the rest works offline and instantly.

use std::io::Write;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::lookup::{Answer, SymbolHit, answer, resolve_hits};
use k8s_study::mapping::{Article, Kind};
use k8s_study::resolve::Status;
use serde_json::{Value, json};

use super::output::mark;
use super::{Context, OutputArgs};

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
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(cx: &Context, args: &LookupArgs) -> Result<u8, Error> {
    let m = &cx.mapping;
    let q = args.query.as_str();
    let mut out = std::io::stdout().lock();
    match answer(m, q) {
        Answer::Component {
            description,
            articles,
        } => {
            note_at_ignored(args, "a component");
            show_component(&mut out, args, description, &articles)?;
        }
        Answer::Article(a) => {
            note_at_ignored(args, "an article id");
            show_article(&mut out, args, a)?;
        }
        Answer::Titles(titled) => {
            note_at_ignored(args, "title words");
            show_titles(&mut out, args, &titled)?;
        }
        Answer::Symbols(mut hits) => {
            if let Some(at) = &args.at {
                resolve_hits(&cx.sources, m, &mut hits, at)?;
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
        Answer::Nothing { nearest } => {
            return Err(Error::usage(
                format!("nothing in the mapping matches `{q}`"),
                Some(nearest.map_or_else(
                    || "QUERY is a component, an article id, words of a title, or part of a Go symbol; `k8s-study stats` lists the components".to_string(),
                    |n| format!("did you mean `{n}`?"),
                )),
            ));
        }
    }
    Ok(exit::OK)
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
            .as_ref()
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
    if args.output.json() {
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
    if args.output.json() {
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
    if args.output.json() {
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
    if args.output.json() {
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
