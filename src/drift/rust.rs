//! Rust counterparts (kube-rs items, by crate path, with syn): what happened to each
//! between two versions, classified as Go symbols are.

use super::Compared;
use super::compare::{
    FileCache, Pending, relocated, side, still_ambiguous, still_there, unresolved,
};
use super::relocate::Found;
use crate::golang::{Kind, Located};
use crate::item::{Engine as _, ItemRef, QualName, Query};
use crate::resolve::Status;
use crate::source::{Snapshot, SourceError};

/// What happened to each Rust item (by crate path, with syn) between two snapshots. Items
/// still found are compared as Go ones are (signatures as normalised text); a missing item's
/// candidates are the resolver's near names, scored by the same similarity.
pub fn compare_rust(
    old: &Snapshot,
    new: &Snapshot,
    queries: &[Query<'_>],
) -> Result<Vec<Compared>, SourceError> {
    let before = crate::rustlang::resolve(old, queries)?;
    let new_queries: Vec<Query<'_>> = queries
        .iter()
        .zip(&before)
        .map(|(q, r)| Query {
            item: q.item,
            file_hint: r.file.as_deref().or(q.file_hint),
        })
        .collect();
    let after = crate::rustlang::resolve(new, &new_queries)?;
    let mut old_files = FileCache::new(old);
    let mut new_files = FileCache::new(new);
    let mut out = Vec::with_capacity(queries.len());
    for (q, (a, b)) in queries.iter().zip(before.iter().zip(&after)) {
        let symbol = q.item.as_str();
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
                let items: Vec<ItemRef> = b
                    .candidates
                    .iter()
                    .filter_map(|c| crate::rustlang::Rust.parse(&c.symbol).ok())
                    .collect();
                let names: Vec<Query<'_>> = items
                    .iter()
                    .zip(&b.candidates)
                    .map(|(item, c)| Query {
                        item,
                        file_hint: Some(c.file.as_str()),
                    })
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
