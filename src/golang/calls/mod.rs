//! Calls resolved by type, syntactically: no Go toolchain, only tree-sitter-go and what the
//! tree declares.
//!
//! A call's target is found through the file's imports (a package name or an alias), the
//! types of receivers, parameters, results and local declarations (`x := T{}`, `&T{}`,
//! `var x T`, `x := NewT()`), struct fields, embedded fields (promotion) and method values.
//! A method of an interface-typed value is the interface's method. Generic types are their
//! origin (`Typed[T]` is `Typed`). What cannot be resolved, such as a call of a closure or a
//! function-typed field, is left out. `tests/oracle/calls` checks the edges against go/types.

mod body;
mod package;
mod universe;

use std::collections::BTreeMap;

use tree_sitter::Node;

use self::body::Body;
use self::package::{FileImports, text};
use self::universe::{Universe, Via};
use super::{ModuleMap, lang};
use crate::item::{CallEdge, Caller, EdgeKind, ItemRef};
use crate::source::{Snapshot, SourceError};

/// The calls of each caller, at `snapshot`; see [`crate::item::Engine::calls`].
///
/// # Errors
/// When the tree's go.mod files cannot be read.
pub fn calls(
    snapshot: &Snapshot,
    root_module: Option<&str>,
    callers: &[Caller<'_>],
    dispatch_candidates: &[ItemRef],
) -> Result<Vec<Vec<CallEdge>>, SourceError> {
    let universe = Universe::new(snapshot, ModuleMap::with_root(snapshot, root_module)?);
    let mut files: BTreeMap<&str, Option<Vec<u8>>> = BTreeMap::new();
    let mut out = Vec::with_capacity(callers.len());
    for caller in callers {
        let bytes = files
            .entry(caller.file)
            .or_insert_with(|| snapshot.read(caller.file).ok().flatten());
        let edges = bytes
            .as_deref()
            .map(|b| edges_of(&universe, caller, b, dispatch_candidates))
            .unwrap_or_default();
        out.push(edges);
    }
    Ok(out)
}

fn edges_of(
    universe: &Universe<'_>,
    caller: &Caller<'_>,
    source: &[u8],
    candidates: &[ItemRef],
) -> Vec<CallEdge> {
    let Ok(tree) = lang::parse(source) else {
        return Vec::new();
    };
    let Some(func) = function_at(tree.root_node(), source, caller) else {
        return Vec::new();
    };
    let Some(pkg) = universe.package(caller.item.package()) else {
        return Vec::new();
    };
    let imports = pkg
        .paths
        .iter()
        .position(|p| p == caller.file)
        .and_then(|i| pkg.files.get(i).cloned())
        .unwrap_or_else(|| file_imports(tree.root_node(), source));
    let body = Body::new(universe, &pkg, &imports, func, source);
    let mut by_target: BTreeMap<String, CallEdge> = BTreeMap::new();
    for u in body.uses(func) {
        let symbol = u.target.symbol();
        if symbol == caller.item.as_str() && !u.value {
            continue; // recursion is not a next step
        }
        let kind = match (u.value, u.target.via) {
            (true, _) => EdgeKind::Runs,
            (false, Via::Direct) => EdgeKind::Direct,
            (false, Via::Interface) => EdgeKind::Interface,
            (false, Via::Promoted) => EdgeKind::Promoted,
        };
        let edge = by_target.entry(symbol.clone()).or_insert_with(|| CallEdge {
            target: symbol,
            kind,
            dispatch: Vec::new(),
        });
        // Called somewhere and passed elsewhere: the call is what a reader follows.
        if edge.kind == EdgeKind::Runs && kind != EdgeKind::Runs {
            edge.kind = kind;
        }
        if u.target.via == Via::Interface && edge.dispatch.is_empty() {
            edge.dispatch = dispatch(universe, &u.target, candidates);
        }
    }
    by_target.into_values().collect()
}

/// The candidates whose type has every method of the called interface method's interface.
fn dispatch(
    universe: &Universe<'_>,
    target: &universe::Target,
    candidates: &[ItemRef],
) -> Vec<ItemRef> {
    let Some(iface) = &target.receiver else {
        return Vec::new();
    };
    let mut out: Vec<ItemRef> = candidates
        .iter()
        .filter(|c| {
            let name = c.name();
            name.name == target.name
                && name.receiver.as_deref().is_some_and(|recv| {
                    !universe.is_interface(c.package(), recv)
                        && universe.implements(c.package(), recv, &target.pkg, iface)
                })
        })
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The function or method declared at the caller's line with the caller's name.
fn function_at<'t>(root: Node<'t>, source: &[u8], caller: &Caller<'_>) -> Option<Node<'t>> {
    let mut c = root.walk();
    let name = &caller.item.name().name;
    root.named_children(&mut c).find(|n| {
        matches!(n.kind(), "function_declaration" | "method_declaration")
            && n.start_position().row < caller.start_line
            && caller.start_line <= n.end_position().row + 1
            && n.child_by_field_name("name")
                .is_some_and(|id| text(id, source) == name)
    })
}

fn file_imports(root: Node<'_>, source: &[u8]) -> FileImports {
    let imports = super::imports(&source[..root.end_byte()])
        .into_iter()
        .map(|(name, path)| {
            let last = path.rsplit('/').next().unwrap_or(&path);
            let alias = (name != last).then_some(name);
            (alias, path)
        })
        .collect();
    FileImports { imports }
}

#[cfg(test)]
mod tests;
