//! Methods promoted through embedding: a method its type no longer declares but still has,
//! because an embedded field's type declares it.

use std::collections::{BTreeMap, BTreeSet};

use super::compare::{Pending, blank, package, shape};
use super::relocate::Found;
use super::similarity::{Shape, score};
use super::{Category, Compared, Scored, Side, line_changes};
use crate::golang::Kind;
use crate::source::{Snapshot, SourceError};
use crate::symbol::QualName;

/// How many embedding levels a promoted method is followed through.
const MAX_EMBEDDING_DEPTH: usize = 4;

/// A method its type no longer declares but still has, promoted from an embedded field
/// (`deployments` embeds `gentype.ClientWithListAndApply`, which embeds ... `Client`, which
/// declares `Update`). Returns the declaring method and the chain of types walked.
pub(super) fn promoted(
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

pub(super) fn promoted_to(
    p: &Pending,
    new: &Snapshot,
    method: &Found,
    chain: &[String],
) -> Compared {
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
