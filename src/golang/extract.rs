//! Declarations of one Go file, found with tree-sitter-go.

use tree_sitter::{Node, StreamingIterator};

use super::lang::{self, Field, ParseFailure};
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
    let mut walk = Walk {
        source,
        decls: Vec::new(),
    };
    walk.visit(root, &[], 1);
    let syntax_errors = if root.has_error() {
        count_errors(root)
    } else {
        0
    };
    FileDecls {
        decls: walk.decls,
        syntax_errors,
        unparsed: None,
        build_constrained,
    }
}

/// Package members are declared at most three levels below the file (`var_declaration` →
/// `var_spec_list` → `var_spec`). The query this walk replaced looked no deeper either, so a
/// broken file's `ERROR` node hides what it wraps at the same depth for both.
const MAX_DEPTH: usize = 3;

/// A node and the siblings before it: its doc comment and the const spec it repeats are
/// there, and a slice is cheaper than asking tree-sitter for siblings, which it finds by
/// walking down from the root again.
#[derive(Clone, Copy)]
struct Site<'a, 't> {
    node: Node<'t>,
    before: &'a [Node<'t>],
}

/// The declarations of one file, found by walking the few levels where Go declares package
/// members. Function bodies and literals are never entered: what they declare is local.
/// (A tree-sitter query over the same levels found the same declarations, but its cursor
/// and the parent and sibling lookups after it cost as much as the parse.)
struct Walk<'s> {
    source: &'s [u8],
    decls: Vec<Decl>,
}

impl<'t> Walk<'_> {
    /// The children of `parent` (itself at `depth` - 1, with `parent_before` before it).
    fn visit(&mut self, parent: Node<'t>, parent_before: &[Node<'t>], depth: usize) {
        let children: Vec<Node<'t>> = parent.children(&mut parent.walk()).collect();
        for (i, &node) in children.iter().enumerate() {
            let here = Site {
                node,
                before: &children[..i],
            };
            let up = Site {
                node: parent,
                before: parent_before,
            };
            match node.kind() {
                "function_declaration" => self.function(here),
                "method_declaration" => self.method(here),
                "type_declaration" => self.types(here),
                "const_spec" => self.values(Kind::Const, here, up, &children),
                "var_spec" => self.values(Kind::Var, here, up, &children),
                _ => {}
            }
            if depth < MAX_DEPTH && !lang::LOCAL_SCOPES.contains(&node.kind()) {
                self.visit(node, here.before, depth + 1);
            }
        }
    }

    fn function(&mut self, f: Site<'_, 't>) {
        let Some(name) = named(f.node, Field::Name, "identifier") else {
            return;
        };
        let name = QualName::plain(text(name, self.source));
        self.push(name, Kind::Func, f, f);
    }

    /// One declaration per receiver parameter: a method has one, a broken one may have more.
    fn method(&mut self, m: Site<'_, 't>) {
        let (Some(name), Some(params)) = (
            named(m.node, Field::Name, "field_identifier"),
            field(m.node, Field::Receiver),
        ) else {
            return;
        };
        let mut cursor = params.walk();
        for param in params.children(&mut cursor) {
            if param.kind() != "parameter_declaration" {
                continue;
            }
            let Some(receiver) = field(param, Field::Type) else {
                continue;
            };
            if let Some(r) = receiver_name(receiver, self.source) {
                self.push(
                    QualName::method(r, text(name, self.source)),
                    Kind::Method,
                    m,
                    m,
                );
            }
        }
    }

    /// Each spec of a type declaration, then the methods of an interface it declares.
    fn types(&mut self, decl: Site<'_, 't>) {
        let specs: Vec<Node<'t>> = decl.node.children(&mut decl.node.walk()).collect();
        for (i, &spec) in specs.iter().enumerate() {
            let here = Site {
                node: spec,
                before: &specs[..i],
            };
            let outer = outer(here, decl, &specs);
            match spec.kind() {
                "type_alias" => {
                    if let Some(name) = named(spec, Field::Name, "type_identifier") {
                        let name = QualName::plain(text(name, self.source));
                        self.push(name, Kind::Alias, here, outer);
                    }
                }
                "type_spec" => self.type_spec(here, outer),
                _ => {}
            }
        }
    }

    fn type_spec(&mut self, spec: Site<'_, 't>, outer: Site<'_, 't>) {
        let Some(name) = field(spec.node, Field::Name) else {
            return;
        };
        let Some(ty) = field(spec.node, Field::Type) else {
            return;
        };
        if name.kind() != "type_identifier" {
            return;
        }
        if !name.is_missing() {
            let kind = match ty.kind() {
                "struct_type" => Kind::Struct,
                "interface_type" => Kind::Interface,
                _ => Kind::Type,
            };
            self.push(QualName::plain(text(name, self.source)), kind, spec, outer);
        }
        if ty.kind() != "interface_type" || name.is_missing() {
            return;
        }
        let elems: Vec<Node<'t>> = ty.children(&mut ty.walk()).collect();
        for (i, &elem) in elems.iter().enumerate() {
            if elem.kind() != "method_elem" {
                continue;
            }
            if let Some(method) = named(elem, Field::Name, "field_identifier") {
                let here = Site {
                    node: elem,
                    before: &elems[..i],
                };
                let qual = QualName::method(text(name, self.source), text(method, self.source));
                self.push(qual, Kind::InterfaceMethod, here, here);
            }
        }
    }

    /// `const a, b = 1, 2`: one spec, several names, one declaration each.
    fn values(&mut self, kind: Kind, spec: Site<'_, 't>, up: Site<'_, 't>, siblings: &[Node<'t>]) {
        let outer = outer(spec, up, siblings);
        let start = outer.node.start_byte();
        let mut cursor = spec.node.walk();
        for n in spec
            .node
            .children_by_field_id(Field::Name.id(), &mut cursor)
        {
            // A MISSING identifier (`const a, = 1`) is zero-width: no name to declare.
            if n.kind() != "identifier" || n.is_missing() {
                continue;
            }
            let name = &self.source[n.byte_range()];
            // Specs that share their outer declaration (a broken `const a = 1, a = 2`)
            // are pushed one after another.
            let seen = self.decls[..]
                .iter()
                .rev()
                .take_while(|d| d.start_byte == start)
                .any(|d| d.name.name.as_bytes() == name);
            if !seen {
                self.push(QualName::plain(text(n, self.source)), kind, spec, outer);
            }
        }
    }

    fn push(&mut self, name: QualName, kind: Kind, node: Site<'_, 't>, outer: Site<'_, 't>) {
        let source = self.source;
        self.decls.push(Decl {
            name,
            kind,
            start_line: outer.node.start_position().row + 1,
            end_line: outer.node.end_position().row + 1,
            start_byte: outer.node.start_byte(),
            end_byte: outer.node.end_byte(),
            signature: signature(node, outer.node, kind, source),
            doc: doc_comment(outer, source),
        });
    }
}

/// What a spec's declaration shows: a spec alone in its declaration (`const X = 1`, `type T
/// struct{}`) is shown with its keyword, a spec in a group (`const ( ... )`) alone.
/// `siblings` are `spec`'s and `up` is their parent.
fn outer<'a, 't>(spec: Site<'a, 't>, up: Site<'a, 't>, siblings: &[Node<'t>]) -> Site<'a, 't> {
    let alone = matches!(
        up.node.kind(),
        "const_declaration" | "var_declaration" | "type_declaration"
    ) && !siblings.iter().any(|c| c.kind() == "(");
    if alone { up } else { spec }
}

/// The child in `field` when it is a `kind` that was really there (not MISSING).
fn named<'t>(node: Node<'t>, name: Field, kind: &str) -> Option<Node<'t>> {
    field(node, name).filter(|n| n.kind() == kind && !n.is_missing())
}

fn field(node: Node<'_>, name: Field) -> Option<Node<'_>> {
    node.child_by_field_id(name.id().get())
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
    let query = lang::calls_query();
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut out: Vec<Call> = Vec::new();
    let mut captures = cursor.captures(query, tree.root_node(), source);
    while let Some((m, i)) = captures.next() {
        let c = m.captures()[*i];
        let kind = query.capture_names()[c.index as usize];
        if kind == "call.operand" {
            continue;
        }
        let qualifier = m
            .captures()
            .iter()
            .find(|o| {
                query.capture_names()[o.index as usize] == "call.operand"
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

fn text(node: Node<'_>, source: &[u8]) -> String {
    String::from_utf8_lossy(&source[node.byte_range()]).into_owned()
}

/// `T`, `*T`, `T[K]`, `*T[K, V]`, `(*T)` → `T`. `None` for receivers we cannot name.
pub fn receiver_name(mut node: Node<'_>, source: &[u8]) -> Option<String> {
    loop {
        match node.kind() {
            "type_identifier" if !node.is_missing() => return Some(text(node, source)),
            "pointer_type" | "parenthesized_type" => node = node.named_child(0)?,
            "generic_type" => node = field(node, Field::Type)?,
            _ => return None,
        }
    }
}

fn signature(site: Site<'_, '_>, outer: Node<'_>, kind: Kind, source: &[u8]) -> String {
    let node = site.node;
    let raw = match kind {
        Kind::Func | Kind::Method => {
            let end = node
                .child_by_field_id(Field::Body.id().get())
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
            if let Some(inherited) = implicit_const_type(site, source) {
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
    squeezed(&raw)
}

/// A function's signature from its text up to its body's `{`: read from the original by an
/// index parse that cut the parameters out of what it parsed (`index::mask`).
pub(crate) fn func_signature(header: &[u8]) -> String {
    squeezed(&String::from_utf8_lossy(header))
}

/// Whitespace runs as one space, cut at [`MAX_SIGNATURE`] bytes.
fn squeezed(raw: &str) -> String {
    let mut sig = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !sig.is_empty() {
            sig.push(' ');
        }
        sig.push_str(word);
    }
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
fn implicit_const_type(spec: Site<'_, '_>, source: &[u8]) -> Option<String> {
    let explicit =
        |n: Node<'_>| field(n, Field::Value).is_some() || field(n, Field::Type).is_some();
    if spec.node.kind() != "const_spec" || explicit(spec.node) {
        return None;
    }
    let above = spec
        .before
        .iter()
        .rev()
        .find(|s| s.kind() == "const_spec" && explicit(**s))?;
    field(*above, Field::Type).map(|t| text(t, source))
}

/// The comment lines directly above a declaration, without comment markers. A comment that
/// ends a line of code (`A // note` above `B`) belongs to that line, as go/parser has it.
fn doc_comment(site: Site<'_, '_>, source: &[u8]) -> String {
    let mut lines = Vec::new();
    let mut next_row = site.node.start_position().row;
    for &s in site.before.iter().rev() {
        if s.kind() != "comment"
            || s.end_position().row + 1 != next_row
            || !starts_its_line(s, source)
        {
            break;
        }
        lines.push(text(s, source));
        next_row = s.start_position().row;
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
