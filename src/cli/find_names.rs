//! `find NAME`: a bare or partial Go name, looked up in the tree's declaration index.

use std::io::Write as _;

use k8s_study::Error;
use k8s_study::error::exit;
use k8s_study::golang::index::names::{Match, search};
use k8s_study::golang::index::{IndexError, NameHit, TreeIndex};
use k8s_study::mapping::Repo;
use k8s_study::source::SourceError;
use serde::Serialize;

use super::Context;
use super::find::FindArgs;
use super::output::short_commit;

/// What a search by name prints as JSON.
#[derive(Serialize)]
struct Found {
    query: String,
    repo: String,
    version: String,
    commit: String,
    /// Matches in the whole tree, before `--limit`.
    total: usize,
    matches: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    symbol: String,
    import_path: String,
    name: String,
    kind: &'static str,
    #[serde(rename = "match")]
    how: Match,
    file: String,
    start_line: usize,
    end_line: usize,
    signature: String,
}

pub fn run(cx: &Context, args: &FindArgs, repo: &Repo) -> Result<u8, Error> {
    let version = args.at.clone().unwrap_or_else(|| repo.pin.clone());
    let snapshot = cx.sources.snapshot(&repo.spec(), &version)?;
    let corrupt = |detail: String| SourceError::Corrupt {
        repo: repo.name.clone(),
        detail,
    };
    let index = match TreeIndex::open(&snapshot, repo.module.as_deref()) {
        Ok(Some(index)) => index,
        Ok(None) => {
            return Err(Error::usage(
                format!(
                    "`{}` is not a Go symbol with an import path, and searching by name needs the declaration index, which is off",
                    args.symbol
                ),
                Some("example: k8s.io/client-go/tools/cache.sharedIndexInformer.Run".to_string()),
            ));
        }
        Err(IndexError::Source(e)) => return Err(e.into()),
        Err(IndexError::Io(e)) => return Err(corrupt(format!("declaration index: {e}")).into()),
    };
    let (ranked, total) = search(&index, &args.symbol, args.limit).ok_or_else(|| {
        corrupt("the declaration index's names fail their check; run again to rebuild them".into())
    })?;
    let hits: Vec<NameHit> = ranked.iter().map(|r| r.hit.clone()).collect();
    let located = index.located(&hits).map_err(|file| {
        corrupt(format!(
            "a declaration index record of {file} fails its check; run again to rebuild it"
        ))
    })?;
    let mut rows = Vec::with_capacity(ranked.len());
    for (r, located) in ranked.into_iter().zip(located) {
        rows.push(Row {
            symbol: if r.hit.import_path.is_empty() {
                r.hit.name.clone()
            } else {
                format!("{}.{}", r.hit.import_path, r.hit.name)
            },
            import_path: r.hit.import_path,
            name: r.hit.name,
            kind: r.hit.kind.as_str(),
            how: r.how,
            file: r.hit.file,
            start_line: located.decl.start_line,
            end_line: located.decl.end_line,
            signature: located.decl.signature,
        });
    }
    let found = Found {
        query: args.symbol.clone(),
        repo: repo.name.clone(),
        version: snapshot.version.clone(),
        commit: snapshot.commit.clone(),
        total,
        matches: rows,
    };
    let mut out = std::io::stdout().lock();
    if args.output.json() {
        serde_json::to_writer_pretty(&mut out, &found).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{}: {} match{} in {} {} {}{}",
            found.query,
            total,
            if total == 1 { "" } else { "es" },
            found.repo,
            found.version,
            short_commit(&found.commit),
            if total > found.matches.len() {
                format!(" (first {}, --limit)", found.matches.len())
            } else {
                String::new()
            }
        )?;
        for m in &found.matches {
            writeln!(
                out,
                "  {} ({}, {})  {}:{}\n    {}",
                m.symbol,
                m.kind,
                m.how.as_str(),
                m.file,
                m.start_line,
                m.signature
            )?;
        }
    }
    Ok(if total == 0 { exit::MISSING } else { exit::OK })
}
