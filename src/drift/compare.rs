//! Comparison and classification: each symbol resolved at both versions, then sorted into a
//! [`Category`]; a missing one is looked for in its old package, in the packages its
//! neighbours moved to, and by name across the tree.

use indicatif::ProgressBar;

use super::similarity::{Shape, score};
use super::{Category, Compared, Scored, Side, line_changes};
use crate::item::{Engine, Found, Kind, Language, Missing, QualName, Query, Resolution, Status};
use crate::languages::engine;
use crate::source::{FileLines, Snapshot, SourceError};

/// A candidate at least this similar may be a rename.
pub const RENAME_THRESHOLD: f64 = 0.6;
/// A rename at least this similar is applied by `bump --write` without asking.
pub const CONFIDENT: f64 = 0.75;
/// Two candidates closer than this are a tie: `ambiguous`.
pub const TIE_MARGIN: f64 = 0.05;

/// What happened to each queried item, in `lang`, between snapshots `old` and `new` of one
/// repo. Items still found are compared in place; for the missing ones the language's engine
/// finds where they may have gone ([`Engine::leads`]), and they are scored and classified
/// here the same way for every language.
///
/// # Panics
/// Never: every query gets exactly one answer (the `expect` states that invariant).
pub fn compare(
    lang: Language,
    old: &Snapshot,
    new: &Snapshot,
    root_module: Option<&str>,
    queries: &[Query<'_>],
    progress: &ProgressBar,
) -> Result<Vec<Compared>, SourceError> {
    let memo = super::memo::Memo::new(lang, old, new, root_module, queries);
    if let Some(known) = memo.as_ref().and_then(|m| m.read(old, new)) {
        return Ok(known);
    }
    let out = compare_now(lang, old, new, root_module, queries, progress)?;
    if let Some(memo) = memo {
        memo.write(old, new, &out);
    }
    Ok(out)
}

fn compare_now(
    lang: Language,
    old: &Snapshot,
    new: &Snapshot,
    root_module: Option<&str>,
    queries: &[Query<'_>],
    progress: &ProgressBar,
) -> Result<Vec<Compared>, SourceError> {
    let engine = engine(lang);
    let before = engine.resolve(old, root_module, queries)?;
    // At the new version, prefer the file the symbol was in (build-tag twins stay paired).
    let new_queries: Vec<Query<'_>> = queries
        .iter()
        .zip(&before)
        .map(|(q, r)| Query {
            item: q.item,
            file_hint: r.file.as_deref().or(q.file_hint),
        })
        .collect();
    let after = engine.resolve(new, root_module, &new_queries)?;
    let mut old_files = FileLines::new(old);
    let mut new_files = FileLines::new(new);

    let mut out: Vec<Option<Compared>> = vec![None; queries.len()];
    let mut pending: Vec<(usize, Kind, Side, String)> = Vec::new();
    for (i, (a, b)) in before.iter().zip(&after).enumerate() {
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
                out[i] = Some(still_there(engine, from, to, old_text, new_text));
            }
            Status::Ambiguous => out[i] = Some(still_ambiguous(b, from, old_text)),
            Status::Missing => pending.push((i, a.kind.unwrap_or(Kind::Func), from, old_text)),
        }
    }
    if !pending.is_empty() {
        let missing: Vec<Missing<'_>> = pending
            .iter()
            .map(|(i, _, from, _)| Missing {
                item: queries[*i].item,
                file: &from.file,
            })
            .collect();
        let leads = engine.leads(old, new, root_module, &missing, progress)?;
        for ((index, kind, from, old_text), leads) in pending.into_iter().zip(leads) {
            let p = Pending {
                package: leads.package,
                name: leads.name,
                kind,
                from,
                old_text,
            };
            out[index] = Some(match &leads.promoted {
                Some((method, chain)) => promoted_to(engine, &p, new, method, chain),
                None => relocated(engine, &p, new, &leads.same_package, &leads.elsewhere),
            });
        }
    }
    Ok(out
        .into_iter()
        .map(|c| c.expect("every query compared"))
        .collect())
}

/// A missing item, as its language placed it, with what it was.
struct Pending {
    package: String,
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

fn still_there(
    engine: &dyn Engine,
    from: Side,
    to: Side,
    old_text: String,
    new_text: String,
) -> Compared {
    let (added, removed) = line_changes(&old_text, &new_text);
    // The item was found by its package at both versions, so another path with the same file
    // name is its package's folder moving (GOPATH `vendor/k8s.io/api` → `staging/src/k8s.io/api`,
    // a module zip's own layout), not a file move inside the package.
    let (category, detail) = if file_name(&from.file) != file_name(&to.file) {
        (
            Category::MovedFile,
            format!("moved from {} to {}", from.file, to.file),
        )
    } else if engine.signature_key(&from.signature) != engine.signature_key(&to.signature) {
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
    let detail = if category != Category::MovedFile && from.file != to.file {
        let moved = format!("its package's folder moved: {} → {}", from.file, to.file);
        if detail.is_empty() {
            moved
        } else {
            format!("{detail}; {moved}")
        }
    } else {
        detail
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
fn relocated(
    engine: &dyn Engine,
    p: &Pending,
    new: &Snapshot,
    same_package: &[Found],
    elsewhere: &[Found],
) -> Compared {
    let old_shape = old_shape(engine, p);
    let shape = |f| shape(engine, f);
    let scored_of = |f: &Found, s: f64| Scored {
        symbol: f.symbol.clone(),
        file: f.file.clone(),
        start_line: f.start_line,
        score: s,
    };
    let with = |f: &Found, category, detail: String, confident, candidates| {
        let (added, removed) = line_changes(&p.old_text, &f.text);
        Compared {
            category,
            to: Some(to_side(new, f)),
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
        .filter(|f| f.name == p.name && f.package != p.package)
        .collect();
    let unvendored: Vec<&Found> = same_name
        .iter()
        .copied()
        .filter(|f| !f.file.contains("vendor/"))
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
            format!("now in package {} ({})", f.package, f.file),
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
                .filter(|f| f.package != p.package)
                .map(|f| (score(&old_shape, &shape(f), false), f)),
        );
    }
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.file.cmp(&b.1.file))
            .then_with(|| a.1.start_line.cmp(&b.1.start_line))
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
                    format!("best candidate {} (score {best:.2})", f.symbol),
                    *best >= CONFIDENT,
                    candidates,
                )
            }
        }
        _ => Compared {
            category: Category::Removed,
            detail: if p.package.is_empty() {
                "not found anywhere in the tree".into()
            } else {
                format!(
                    "no declaration like it in {} or elsewhere (best score below {RENAME_THRESHOLD})",
                    p.package
                )
            },
            candidates,
            ..blank(Some(p.from.clone()), Some(p.old_text.clone()))
        },
    }
}

fn shape<'f>(engine: &dyn Engine, f: &'f Found) -> Shape<'f> {
    Shape {
        name: &f.name,
        kind: f.kind,
        signature_key: engine.signature_key(&f.signature),
        text: &f.text,
    }
}

fn old_shape<'p>(engine: &dyn Engine, p: &'p Pending) -> Shape<'p> {
    Shape {
        name: &p.name,
        kind: p.kind,
        signature_key: engine.signature_key(&p.from.signature),
        text: &p.old_text,
    }
}

fn to_side(new: &Snapshot, f: &Found) -> Side {
    Side {
        symbol: f.symbol.clone(),
        version: new.version.clone(),
        commit: new.commit.clone(),
        file: f.file.clone(),
        start_line: f.start_line,
        end_line: f.end_line,
        signature: f.signature.clone(),
    }
}

/// A method its type no longer declares but still has (promoted through embedding).
fn promoted_to(
    engine: &dyn Engine,
    p: &Pending,
    new: &Snapshot,
    method: &Found,
    chain: &[String],
) -> Compared {
    let (added, removed) = line_changes(&p.old_text, &method.text);
    let s = score(
        &old_shape(engine, p),
        &shape(engine, method),
        method.package == p.package,
    );
    Compared {
        category: Category::Renamed,
        to: Some(to_side(new, method)),
        candidates: vec![Scored {
            symbol: method.symbol.clone(),
            file: method.file.clone(),
            start_line: method.start_line,
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

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
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
