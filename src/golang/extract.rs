//! Declarations of one Go file, found with tree-sitter-go.

use tree_sitter::{Node, StreamingIterator};

use super::lang::{self, ParseFailure, go};
use crate::item::QualName;

use crate::item::Kind;

/// One top-level declaration. Lines are 1-based and inclusive; the range covers the
/// declaration itself, not its doc comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    pub name: QualName,
    pub kind: Kind,
    pub start_line: usize,
    pub end_line: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    pub signature: String,
    pub doc: String,
}

#[derive(Clone, Debug, Default)]
pub struct FileDecls {
    pub decls: Vec<Decl>,
    /// ERROR and MISSING nodes: the file did not parse cleanly, what parsed is still here.
    pub syntax_errors: usize,
    /// The file was not parsed at all (too big, or the parse was abandoned).
    pub unparsed: Option<ParseFailure>,
    /// A `//go:build` or `// +build` line precedes the package clause.
    pub build_constrained: bool,
}

/// Longest signature we keep; generated code can have absurd parameter lists.
const MAX_SIGNATURE: usize = 400;

pub fn extract(source: &[u8]) -> FileDecls {
    let build_constrained = has_build_constraint(source);
    let tree = match lang::parse(source) {
        Ok(tree) => tree,
        Err(failure) => {
            return FileDecls {
                decls: Vec::new(),
                syntax_errors: 0,
                unparsed: Some(failure),
                build_constrained,
            };
        }
    };
    let root = tree.root_node();
    let go = go();
    let mut decls = Vec::new();
    let mut cursor = tree_sitter::QueryCursor::new();
    // Every pattern starts at most three levels below the file (var_declaration →
    // var_spec_list → var_spec): never walking into function bodies is most of the speed.
    cursor.set_max_start_depth(Some(3));
    let mut matches = cursor.matches(&go.definitions, root, source);
    while let Some(m) = matches.next() {
        let mut name = None;
        let mut receiver = None;
        let mut definition = None;
        for c in m.captures() {
            if c.index == go.capture_name {
                name = Some(c.node);
            } else if c.index == go.capture_receiver {
                receiver = Some(c.node);
            } else if let Some(kind) =
                go.definitions.capture_names()[c.index as usize].strip_prefix("definition.")
            {
                definition = Some((c.node, kind));
            }
        }
        let (Some(name), Some((node, capture))) = (name, definition) else {
            continue;
        };
        if name.is_missing() {
            continue;
        }
        if is_local(node) {
            continue;
        }
        let kind = match capture {
            "function" => Kind::Func,
            "method" => Kind::Method,
            "interface_method" => Kind::InterfaceMethod,
            "alias" => Kind::Alias,
            "constant" => Kind::Const,
            "var" => Kind::Var,
            _ => match node.child_by_field_name("type").map(|t| t.kind()) {
                Some("struct_type") => Kind::Struct,
                Some("interface_type") => Kind::Interface,
                _ => Kind::Type,
            },
        };
        // `const a, b = 1, 2`: one spec, several names; the query reports the spec once.
        if matches!(kind, Kind::Const | Kind::Var) {
            let mut walk = node.walk();
            let names: Vec<Node<'_>> = node
                .children_by_field_name("name", &mut walk)
                // A MISSING identifier (`const a, = 1`) is zero-width: no name to declare.
                .filter(|n| n.kind() == "identifier" && !n.is_missing())
                .collect();
            let outer = outer_node(node);
            for n in names {
                if decls.iter().any(|d: &Decl| {
                    d.start_byte == outer.start_byte()
                        && d.name.name.as_bytes() == &source[n.byte_range()]
                }) {
                    continue;
                }
                decls.push(make_decl(
                    QualName::plain(text(n, source)),
                    kind,
                    node,
                    outer,
                    source,
                ));
            }
            continue;
        }
        let Some(qual) = qualified(kind, name, receiver, source) else {
            continue;
        };
        decls.push(make_decl(qual, kind, node, outer_node(node), source));
    }
    let syntax_errors = if root.has_error() {
        count_errors(root)
    } else {
        0
    };
    FileDecls {
        decls,
        syntax_errors,
        unparsed: None,
        build_constrained,
    }
}

/// A call site's name and form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub name: String,
    /// `f(...)`: a function of the same package (or a builtin); otherwise `x.f(...)`.
    pub local: bool,
    /// The `x` of `x.f(...)` when it is a bare identifier: a package name or a variable.
    pub qualifier: Option<String>,
}

/// The calls of a piece of Go source, sorted and deduplicated.
pub fn calls(source: &[u8]) -> Vec<Call> {
    let Ok(tree) = lang::parse(source) else {
        return Vec::new();
    };
    let go = go();
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut out: Vec<Call> = Vec::new();
    let mut captures = cursor.captures(&go.calls, tree.root_node(), source);
    while let Some((m, i)) = captures.next() {
        let c = m.captures()[*i];
        let kind = go.calls.capture_names()[c.index as usize];
        if kind == "call.operand" {
            continue;
        }
        let qualifier = m
            .captures()
            .iter()
            .find(|o| {
                go.calls.capture_names()[o.index as usize] == "call.operand"
                    && o.node.kind() == "identifier"
            })
            .map(|o| text(o.node, source));
        out.push(Call {
            name: text(c.node, source),
            local: kind == "call.local",
            qualifier,
        });
    }
    out.sort();
    out.dedup();
    out
}

/// `Name`, `Recv.Method` or `Iface.Method`; `None` for a receiver we cannot name.
fn qualified(
    kind: Kind,
    name: Node<'_>,
    receiver: Option<Node<'_>>,
    source: &[u8],
) -> Option<QualName> {
    Some(match receiver {
        Some(r) if kind == Kind::Method => {
            QualName::method(receiver_name(r, source)?, text(name, source))
        }
        Some(r) if r.is_missing() => return None,
        Some(r) => QualName::method(text(r, source), text(name, source)),
        None => QualName::plain(text(name, source)),
    })
}

fn make_decl(name: QualName, kind: Kind, node: Node<'_>, outer: Node<'_>, source: &[u8]) -> Decl {
    Decl {
        name,
        kind,
        start_line: outer.start_position().row + 1,
        end_line: outer.end_position().row + 1,
        start_byte: outer.start_byte(),
        end_byte: outer.end_byte(),
        signature: signature(node, outer, kind, source),
        doc: doc_comment(outer, source),
    }
}

fn text(node: Node<'_>, source: &[u8]) -> String {
    String::from_utf8_lossy(&source[node.byte_range()]).into_owned()
}

fn is_local(node: Node<'_>) -> bool {
    let mut parent = node.parent();
    while let Some(p) = parent {
        if lang::LOCAL_SCOPES.contains(&p.kind()) {
            return true;
        }
        parent = p.parent();
    }
    false
}

/// `T`, `*T`, `T[K]`, `*T[K, V]`, `(*T)` → `T`. `None` for receivers we cannot name.
pub fn receiver_name(mut node: Node<'_>, source: &[u8]) -> Option<String> {
    loop {
        match node.kind() {
            "type_identifier" if !node.is_missing() => return Some(text(node, source)),
            "pointer_type" | "parenthesized_type" => node = node.named_child(0)?,
            "generic_type" => node = node.child_by_field_name("type")?,
            _ => return None,
        }
    }
}

/// A spec alone in its declaration (`const X = 1`, `type T struct{}`) is shown with its
/// keyword; a spec inside a group (`const ( ... )`) is shown alone.
fn outer_node(node: Node<'_>) -> Node<'_> {
    let mut decl = node.parent();
    if decl.is_some_and(|d| d.kind() == "var_spec_list") {
        return node;
    }
    match decl.take() {
        Some(d)
            if matches!(
                d.kind(),
                "const_declaration" | "var_declaration" | "type_declaration"
            ) =>
        {
            let grouped = d.children(&mut d.walk()).any(|c| c.kind() == "(");
            if grouped { node } else { d }
        }
        _ => node,
    }
}

fn signature(node: Node<'_>, outer: Node<'_>, kind: Kind, source: &[u8]) -> String {
    let raw = match kind {
        Kind::Func | Kind::Method => {
            let end = node
                .child_by_field_name("body")
                .map_or(node.end_byte(), |b| b.start_byte());
            String::from_utf8_lossy(&source[node.start_byte()..end]).into_owned()
        }
        Kind::Struct | Kind::Interface => {
            let full = text(outer, source);
            let head = full.split('{').next().unwrap_or(&full).to_string();
            if outer.id() == node.id() {
                format!("type {head}")
            } else {
                head
            }
        }
        Kind::Alias | Kind::Type | Kind::Const | Kind::Var => {
            let full = text(outer, source);
            let mut first = full.lines().next().unwrap_or_default().to_string();
            if let Some(inherited) = implicit_const_type(node, source) {
                first = format!("{first} {inherited}");
            }
            if outer.id() == node.id() {
                let keyword = match kind {
                    Kind::Const => "const ",
                    Kind::Var => "var ",
                    _ => "type ",
                };
                format!("{keyword}{first}")
            } else {
                first
            }
        }
        // The Rust kinds never come out of a Go file; print them whole if they ever did.
        Kind::InterfaceMethod
        | Kind::Enum
        | Kind::Trait
        | Kind::TraitMethod
        | Kind::Static
        | Kind::Macro => text(node, source),
    };
    let mut sig = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if sig.len() > MAX_SIGNATURE {
        let cut = (0..=MAX_SIGNATURE)
            .rev()
            .find(|&i| sig.is_char_boundary(i))
            .unwrap_or(0);
        sig.truncate(cut);
        sig.push('…');
    }
    sig
}

/// The type a grouped const spec without type or value (`B` after `A Code = iota`) repeats:
/// Go copies the expression list of the last spec above it that has one, together with that
/// spec's type. Its signature is written as the name plus that type (`const B Code`), not the
/// copied `= iota`, which would claim a value the source does not spell; `None` when the spec
/// is not implicit or the spec it repeats has no type (`A = iota`).
fn implicit_const_type(node: Node<'_>, source: &[u8]) -> Option<String> {
    let explicit = |n: Node<'_>| {
        n.child_by_field_name("value").is_some() || n.child_by_field_name("type").is_some()
    };
    if node.kind() != "const_spec" || explicit(node) {
        return None;
    }
    let mut sibling = node.prev_named_sibling();
    while let Some(s) = sibling {
        if s.kind() == "const_spec" && explicit(s) {
            return s.child_by_field_name("type").map(|t| text(t, source));
        }
        sibling = s.prev_named_sibling();
    }
    None
}

/// The comment lines directly above a declaration, without comment markers. A comment that
/// ends a line of code (`A // note` above `B`) belongs to that line, as go/parser has it.
fn doc_comment(node: Node<'_>, source: &[u8]) -> String {
    let mut lines = Vec::new();
    let mut next_row = node.start_position().row;
    let mut sibling = node.prev_sibling();
    while let Some(s) = sibling {
        if s.kind() != "comment"
            || s.end_position().row + 1 != next_row
            || !starts_its_line(s, source)
        {
            break;
        }
        lines.push(text(s, source));
        next_row = s.start_position().row;
        sibling = s.prev_sibling();
    }
    lines.reverse();
    lines
        .iter()
        .flat_map(|c| {
            let body = c.strip_prefix("//").map_or_else(
                || {
                    c.trim_start_matches("/*")
                        .trim_end_matches("*/")
                        .to_string()
                },
                |rest| rest.strip_prefix(' ').unwrap_or(rest).to_string(),
            );
            body.lines()
                .map(|l| l.trim_end().to_string())
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Only blanks before `node` on its first line.
fn starts_its_line(node: Node<'_>, source: &[u8]) -> bool {
    let start = node.start_byte();
    source[start - node.start_position().column..start]
        .iter()
        .all(u8::is_ascii_whitespace)
}

fn count_errors(root: Node<'_>) -> usize {
    let mut count = 0;
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        // Only descend where an error can be.
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    count
}

/// A `//go:build` or `// +build` line before the package clause.
fn has_build_constraint(source: &[u8]) -> bool {
    for line in source.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if line.starts_with(b"package ") {
            return false;
        }
        if line.starts_with(b"//go:build ") || line.starts_with(b"// +build ") {
            return true;
        }
    }
    false
}

/// `x_linux.go`, `x_arm64.go`, `x_linux_arm64.go`, `x_test.go` excluded by the caller.
pub fn file_name_constrained(name: &str) -> bool {
    let stem = name.strip_suffix(".go").unwrap_or(name);
    let parts: Vec<&str> = stem.split('_').collect();
    let n = parts.len();
    if n < 2 {
        return false;
    }
    let last = parts[n - 1];
    lang::KNOWN_OS.contains(&last) || lang::KNOWN_ARCH.contains(&last)
}

#[cfg(test)]
mod tests;
