use std::io::Write as _;

use clap::Args;
use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::mapping::{Article, Kind, Mapping};

use super::{Context, Format};

/// Offline lookup in the mapping: a component's articles in reading order, or an article's steps.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  k8s-study lookup informer            articles on informers, in reading order
  k8s-study lookup kubelet-startup-cizixs

Reading order within a component: articles whose main (first) component it is come first,
then those that touch it; within each, articles, then series, then no-code entries, in
mapping order.")]
pub struct LookupArgs {
    /// A component or an article id.
    pub query: String,
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

pub fn run(cx: &Context, args: &LookupArgs) -> Result<u8, Error> {
    let m = &cx.mapping;
    let mut out = std::io::stdout().lock();
    let q = args.query.as_str();
    if let Some(description) = m.components.get(q) {
        let articles = component_articles(m, q);
        if args.format == Format::Json {
            let rows: Vec<_> = articles
                .iter()
                .map(|a| serde_json::json!({"id": a.id, "title": a.title, "url": a.url, "kind": a.kind, "steps": a.steps.len(), "found": a.found}))
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({"component": q, "description": description, "articles": rows}),
            )
            .map_err(std::io::Error::from)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{q}: {description}\n")?;
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
        }
        return Ok(exit::OK);
    }
    if let Some(a) = m.article(q) {
        if args.format == Format::Json {
            let steps: Vec<_> = a
                .steps
                .iter()
                .map(|s| serde_json::json!({"symbol": s.symbol.as_str(), "file": s.file, "was": s.was, "note": s.note, "note_zh": s.note_zh}))
                .collect();
            let v = serde_json::json!({"id": a.id, "title": a.title, "url": a.url, "kind": a.kind, "components": a.components, "repo": a.repo, "steps": steps});
            serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        } else {
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
            }
        }
        return Ok(exit::OK);
    }
    let names = m.components.keys().chain(m.articles.iter().map(|a| &a.id));
    let near = names
        .min_by_key(|n| strsim::levenshtein(n, q))
        .map(|n| format!("did you mean `{n}`?"));
    Err(Error::usage(
        format!("`{q}` is neither a component nor an article id"),
        near,
    ))
}
