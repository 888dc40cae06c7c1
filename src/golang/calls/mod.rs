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
mod memo;
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
    let Some(memo) = memo::Memo::new(snapshot, root_module, dispatch_candidates) else {
        return resolve_calls(snapshot, root_module, callers, dispatch_candidates);
    };
    let mut out = memo.read(
        &|part| snapshot.still_unread(part),
        callers,
        dispatch_candidates,
    );
    let todo: Vec<usize> = (0..callers.len()).filter(|&i| out[i].is_none()).collect();
    if !todo.is_empty() {
        let missing: Vec<Caller<'_>> = todo.iter().map(|&i| callers[i]).collect();
        let edges = resolve_calls(snapshot, root_module, &missing, dispatch_candidates)?;
        memo.write(
            &snapshot.unread_parts(),
            &missing,
            &edges,
            dispatch_candidates,
        );
        for (i, e) in todo.into_iter().zip(edges) {
            out[i] = Some(e);
        }
    }
    Ok(out.into_iter().map(Option::unwrap_or_default).collect())
}

fn resolve_calls(
    snapshot: &Snapshot,
    root_module: Option<&str>,
    callers: &[Caller<'_>],
    dispatch_candidates: &[ItemRef],
) -> Result<Vec<Vec<CallEdge>>, SourceError> {
    let universe = Universe::new(snapshot, ModuleMap::with_root(snapshot, root_module)?);
    // Callers in one file share its parse.
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in callers.iter().enumerate() {
        by_file.entry(c.file).or_default().push(i);
    }
    let mut out = vec![Vec::new(); callers.len()];
    for (file, at) in by_file {
        let Some(bytes) = snapshot.read(file).ok().flatten() else {
            continue;
        };
        let header = package::header_end(&bytes);
        for i in at {
            // The file's header and the function's own lines: a caller's file can be
            // hundreds of kilobytes around one function.
            let Some(start) = line_offset(&bytes, callers[i].start_line) else {
                continue;
            };
            let place = package::Place {
                file: 0,
                start,
                group: None,
            };
            let source = package::snippet(&bytes, header, place, true);
            let Ok(tree) = lang::parse(&source) else {
                continue;
            };
            out[i] = edges_of(&universe, &callers[i], &tree, &source, dispatch_candidates);
        }
    }
    Ok(out)
}

fn edges_of(
    universe: &Universe<'_>,
    caller: &Caller<'_>,
    tree: &tree_sitter::Tree,
    source: &[u8],
    candidates: &[ItemRef],
) -> Vec<CallEdge> {
    let Some(func) = function_at(tree.root_node(), source, caller) else {
        return Vec::new();
    };
    let Some(pkg) = universe.package(caller.item.package()) else {
        return Vec::new();
    };
    let imports = file_imports(tree.root_node(), source);
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
        let mut fresh = false;
        let edge = by_target.entry(symbol.clone()).or_insert_with(|| {
            fresh = true;
            CallEdge {
                target: symbol,
                kind,
                dispatch: Vec::new(),
                gate: u.gate.clone(),
            }
        });
        // Gated only when every place that reaches the target is, by the same gate the same
        // way: a call in both branches is not the gate's choice.
        if !fresh && edge.gate != u.gate {
            edge.gate = None;
        }
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

/// The byte where 1-based `line` starts.
fn line_offset(bytes: &[u8], line: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    if line == 1 {
        return Some(0);
    }
    memchr::memchr_iter(b'\n', bytes)
        .nth(line - 2)
        .map(|i| i + 1)
}

/// The function or method with the caller's name and receiver in the caller's snippet.
fn function_at<'t>(root: Node<'t>, source: &[u8], caller: &Caller<'_>) -> Option<Node<'t>> {
    let mut c = root.walk();
    let name = caller.item.name();
    root.named_children(&mut c).find(|n| {
        let receiver = n
            .child_by_field_name("receiver")
            .and_then(|r| r.named_child(0))
            .and_then(|p| p.child_by_field_name("type"))
            .and_then(|t| super::extract::receiver_name(t, source));
        matches!(n.kind(), "function_declaration" | "method_declaration")
            && receiver == name.receiver
            && n.child_by_field_name("name")
                .is_some_and(|id| text(id, source) == name.name)
    })
}

/// The imports of the caller's file, from the tree already parsed.
fn file_imports(root: Node<'_>, source: &[u8]) -> FileImports {
    let mut imports = Vec::new();
    let mut c = root.walk();
    for node in root.named_children(&mut c) {
        if node.kind() == "import_declaration" {
            package::import_specs(node, source, &mut imports);
        }
    }
    FileImports { imports }
}

#[cfg(test)]
mod tests;
