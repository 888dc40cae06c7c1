//! One function body: the scopes of its local names, the type of each expression a call
//! needs, and the functions it calls or passes as values.
//!
//! Names are looked up the way Go scopes them: a local declaration is visible from the end of
//! its statement to the end of its block, the innermost wins, and a local name never falls
//! back to a package-level one. A local whose type cannot be told stops the lookup, so its
//! calls are dropped rather than guessed.

use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::Node;

use super::package::{FileImports, Package, text, ty_expr};
use super::universe::{Member, Target, Ty, Universe};
use crate::item::Gate;

/// How deep expression typing recurses (`a.b().c[d].e()`…).
const MAX_DEPTH: usize = 24;

/// Where a local name gets its type.
#[derive(Clone, Copy)]
enum Source<'t> {
    /// A declared type.
    Type(Node<'t>),
    /// The value it is initialized with.
    Value(Node<'t>),
    /// The i-th result of a call.
    Result(Node<'t>, usize),
    /// The element of what a `range` ranges over.
    RangeValue(Node<'t>),
    /// Declared, type not followed: shadows, resolves nothing.
    Unknown,
}

struct Local<'t> {
    name: &'t str,
    scope: (usize, usize),
    visible_from: usize,
    source: Source<'t>,
}

/// A call or a function value found in a body.
pub struct Use {
    pub target: Target,
    /// Passed as a value (`go wait.Until(s.run, 0)`, `Run: s.run`) rather than called.
    pub value: bool,
    /// The feature gate whose branch holds this use, if any.
    pub gate: Option<Gate>,
}

pub struct Body<'u, 's, 't> {
    universe: &'u Universe<'s>,
    pkg: &'u Package,
    imports: &'u FileImports,
    src: &'t [u8],
    locals: Vec<Local<'t>>,
    memo: RefCell<HashMap<usize, Option<Ty>>>,
}

impl<'u, 's, 't> Body<'u, 's, 't> {
    pub fn new(
        universe: &'u Universe<'s>,
        pkg: &'u Package,
        imports: &'u FileImports,
        func: Node<'t>,
        src: &'t [u8],
    ) -> Self {
        let mut body = Self {
            universe,
            pkg,
            imports,
            src,
            locals: Vec::new(),
            memo: RefCell::default(),
        };
        body.collect_locals(func);
        body
    }

    /// Every call and function value in `func`, in source order.
    pub fn uses(&self, func: Node<'t>) -> Vec<Use> {
        let mut out = Vec::new();
        let Some(body) = func.child_by_field_name("body") else {
            return out;
        };
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "call_expression" => {
                    if let Some(f) = node.child_by_field_name("function")
                        && let Some(target) = self.callee(f, 0)
                    {
                        out.push(Use {
                            target,
                            value: false,
                            gate: gate_of(node, body, self.src),
                        });
                    }
                }
                "identifier" | "selector_expression" if is_value_position(node) => {
                    if let Some(target) = self.callee(node, 0) {
                        out.push(Use {
                            target,
                            value: true,
                            gate: gate_of(node, body, self.src),
                        });
                    }
                }
                _ => {}
            }
            let mut c = node.walk();
            let children: Vec<Node<'t>> = node.named_children(&mut c).collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }

    fn collect_locals(&mut self, func: Node<'t>) {
        let mut stack = vec![func];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "function_declaration" | "method_declaration" | "func_literal" => {
                    let scope = (node.start_byte(), node.end_byte());
                    for field in ["receiver", "parameters", "result"] {
                        if let Some(list) = node.child_by_field_name(field)
                            && list.kind() == "parameter_list"
                        {
                            self.parameters(list, scope);
                        }
                    }
                }
                "short_var_declaration" => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) {
                        self.declare_all(left, right, node);
                    }
                }
                "var_spec" | "const_spec" => self.var_spec(node),
                "range_clause" => self.range_clause(node),
                "type_switch_statement" => self.type_switch(node),
                "receive_statement" => {
                    // `case v, ok := <-ch:`
                    if has_token(node, ":=")
                        && let Some(left) = node.child_by_field_name("left")
                    {
                        let scope = scope_of(node);
                        let mut c = left.walk();
                        for (i, id) in left.named_children(&mut c).enumerate() {
                            let source = match (i, node.child_by_field_name("right")) {
                                (0, Some(r)) => Source::Value(r),
                                _ => Source::Unknown,
                            };
                            self.declare(id, scope, node.end_byte(), source);
                        }
                    }
                }
                "type_spec" | "type_alias" => {
                    if let Some(name) = node.child_by_field_name("name") {
                        self.declare(name, scope_of(node), node.end_byte(), Source::Unknown);
                    }
                }
                _ => {}
            }
            let mut c = node.walk();
            stack.extend(node.named_children(&mut c));
        }
    }

    fn parameters(&mut self, list: Node<'t>, scope: (usize, usize)) {
        let mut c = list.walk();
        for p in list.named_children(&mut c) {
            let variadic = p.kind() == "variadic_parameter_declaration";
            let ty = p.child_by_field_name("type");
            let mut c2 = p.walk();
            for name in p.children_by_field_name("name", &mut c2) {
                let source = match ty {
                    Some(t) if !variadic => Source::Type(t),
                    _ => Source::Unknown,
                };
                self.locals.push(Local {
                    name: text(name, self.src),
                    scope,
                    visible_from: scope.0,
                    source,
                });
            }
        }
    }

    fn declare(&mut self, id: Node<'t>, scope: (usize, usize), from: usize, source: Source<'t>) {
        if id.kind() != "identifier" {
            return;
        }
        let name = text(id, self.src);
        if name == "_" {
            return;
        }
        self.locals.push(Local {
            name,
            scope,
            visible_from: from,
            source,
        });
    }

    /// `a, b := x, y` or `a, b := f()`.
    fn declare_all(&mut self, left: Node<'t>, right: Node<'t>, stmt: Node<'t>) {
        let scope = scope_of(stmt);
        let mut c = left.walk();
        let ids: Vec<Node<'t>> = left.named_children(&mut c).collect();
        let mut c = right.walk();
        let values: Vec<Node<'t>> = right.named_children(&mut c).collect();
        for (i, id) in ids.iter().enumerate() {
            let source = if values.len() == ids.len() {
                Source::Value(values[i])
            } else if values.len() == 1 && values[0].kind() == "call_expression" {
                Source::Result(values[0], i)
            } else if values.len() == 1 && i == 0 {
                // `v, ok := x.(T)`, `v, ok := m[k]`, `v, ok := <-ch`
                Source::Value(values[0])
            } else {
                Source::Unknown
            };
            self.declare(*id, scope, stmt.end_byte(), source);
        }
    }

    fn var_spec(&mut self, spec: Node<'t>) {
        let scope = scope_of(spec);
        let mut c = spec.walk();
        let names: Vec<Node<'t>> = spec.children_by_field_name("name", &mut c).collect();
        let ty = spec.child_by_field_name("type");
        let values: Vec<Node<'t>> = spec
            .child_by_field_name("value")
            .map(|v| {
                let mut c = v.walk();
                v.named_children(&mut c).collect()
            })
            .unwrap_or_default();
        for (i, id) in names.iter().enumerate() {
            let source = match ty {
                Some(t) if spec.kind() == "var_spec" => Source::Type(t),
                _ if values.len() == names.len() => Source::Value(values[i]),
                _ if values.len() == 1 && values[0].kind() == "call_expression" => {
                    Source::Result(values[0], i)
                }
                _ => Source::Unknown,
            };
            self.declare(*id, scope, spec.end_byte(), source);
        }
    }

    fn range_clause(&mut self, clause: Node<'t>) {
        if !has_token(clause, ":=") {
            return;
        }
        let (Some(left), Some(right), Some(stmt)) = (
            clause.child_by_field_name("left"),
            clause.child_by_field_name("right"),
            clause.parent(),
        ) else {
            return;
        };
        let scope = (stmt.start_byte(), stmt.end_byte());
        let mut c = left.walk();
        for (i, id) in left.named_children(&mut c).enumerate() {
            let source = if i == 1 {
                Source::RangeValue(right)
            } else {
                Source::Unknown
            };
            self.declare(id, scope, clause.end_byte(), source);
        }
    }

    /// `switch x := y.(type)`: in a case of one type, x has that type.
    fn type_switch(&mut self, stmt: Node<'t>) {
        let Some(alias) = stmt.child_by_field_name("alias") else {
            return;
        };
        let Some(id) = alias.named_child(0) else {
            return;
        };
        let mut c = stmt.walk();
        for case in stmt.named_children(&mut c) {
            if !matches!(case.kind(), "type_case" | "default_case") {
                continue;
            }
            let mut c2 = case.walk();
            let types: Vec<Node<'t>> = case.children_by_field_name("type", &mut c2).collect();
            let source = match types.as_slice() {
                [one] if case.kind() == "type_case" => Source::Type(*one),
                _ => Source::Unknown,
            };
            self.declare(
                id,
                (case.start_byte(), case.end_byte()),
                case.start_byte(),
                source,
            );
        }
    }

    /// The local declaration `name` refers to at byte `at`, innermost scope first.
    fn local(&self, name: &str, at: usize) -> Option<usize> {
        self.locals
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.name == name && l.visible_from <= at && l.scope.0 <= at && at < l.scope.1
            })
            .max_by_key(|(_, l)| (l.scope.0, l.visible_from))
            .map(|(i, _)| i)
    }

    fn local_type(&self, i: usize, depth: usize) -> Option<Ty> {
        if let Some(t) = self.memo.borrow().get(&i) {
            return t.clone();
        }
        let ty = match self.locals[i].source {
            Source::Type(t) => self.type_node(t),
            Source::Value(v) => self.type_of(v, depth + 1),
            Source::Result(call, n) => self.call_results(call, depth + 1)?.get(n).cloned()?,
            Source::RangeValue(r) => match self.type_of(r, depth + 1)? {
                Ty::Elem(inner) => Some(*inner),
                _ => None,
            },
            Source::Unknown => None,
        };
        self.memo.borrow_mut().insert(i, ty.clone());
        ty
    }

    /// A type written in this file.
    fn type_node(&self, node: Node<'_>) -> Option<Ty> {
        self.universe
            .resolve(self.pkg, self.imports, &ty_expr(node, self.src))
    }

    /// Whether an identifier used at `node` names an import of this file (not shadowed).
    fn import_named(&self, node: Node<'_>) -> Option<String> {
        let name = text(node, self.src);
        if self.local(name, node.start_byte()).is_some() || self.pkg.has_var(name) {
            return None;
        }
        self.universe.import(self.imports, name)
    }

    fn type_of(&self, node: Node<'_>, depth: usize) -> Option<Ty> {
        if depth > MAX_DEPTH {
            return None;
        }
        match node.kind() {
            "identifier" => {
                let name = text(node, self.src);
                match self.local(name, node.start_byte()) {
                    Some(i) => self.local_type(i, depth),
                    None => self.universe.var(&self.pkg.import_path, name),
                }
            }
            "parenthesized_expression" => self.type_of(node.named_child(0)?, depth + 1),
            "unary_expression" => {
                let operand = node.child_by_field_name("operand")?;
                match node.child_by_field_name("operator")?.kind() {
                    "&" | "*" => self.type_of(operand, depth + 1),
                    "<-" => match self.type_of(operand, depth + 1)? {
                        Ty::Elem(inner) => Some(*inner),
                        _ => None,
                    },
                    _ => None,
                }
            }
            "selector_expression" => {
                let operand = node.child_by_field_name("operand")?;
                let field = text(node.child_by_field_name("field")?, self.src);
                if operand.kind() == "identifier"
                    && let Some(path) = self.import_named(operand)
                {
                    return self.universe.var(&path, field);
                }
                match self.type_of(operand, depth + 1)? {
                    Ty::Named { pkg, name } => match self.universe.member(&pkg, &name, field) {
                        Member::Field(t) => t,
                        _ => None,
                    },
                    _ => None,
                }
            }
            "call_expression" => self.call_results(node, depth + 1)?.into_iter().next()?,
            "composite_literal" => self.type_node(node.child_by_field_name("type")?),
            "type_assertion_expression" | "type_conversion_expression" => {
                self.type_node(node.child_by_field_name("type")?)
            }
            "index_expression" => {
                match self.type_of(node.child_by_field_name("operand")?, depth + 1)? {
                    Ty::Elem(inner) => Some(*inner),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The result types of a call: a function's or method's declared results, `new(T)`,
    /// `make(T)`, a conversion `T(x)`.
    fn call_results(&self, call: Node<'_>, depth: usize) -> Option<Vec<Option<Ty>>> {
        let f = call.child_by_field_name("function")?;
        if f.kind() == "identifier" && self.local(text(f, self.src), f.start_byte()).is_none() {
            let name = text(f, self.src);
            match name {
                "new" | "make" => {
                    let arg = call.child_by_field_name("arguments")?.named_child(0)?;
                    return Some(vec![self.type_node(arg)]);
                }
                _ if self.pkg.has_type(name) => return Some(vec![self.type_node(f)]),
                _ => {}
            }
        }
        if f.kind() == "selector_expression"
            && let (Some(operand), Some(field)) = (
                f.child_by_field_name("operand"),
                f.child_by_field_name("field"),
            )
            && operand.kind() == "identifier"
            && let Some(path) = self.import_named(operand)
            && let Some(pkg) = self.universe.package(&path)
            && pkg.has_type(text(field, self.src))
        {
            return Some(vec![Some(Ty::Named {
                pkg: path,
                name: text(field, self.src).to_string(),
            })]);
        }
        if let Some(target) = self.callee(f, depth) {
            return Some(target.results);
        }
        match self.type_of(f, depth + 1)? {
            Ty::Func(results) => Some(results),
            _ => None,
        }
    }

    /// The function or method `f` names, when the tree says which.
    fn callee(&self, f: Node<'_>, depth: usize) -> Option<Target> {
        if depth > MAX_DEPTH {
            return None;
        }
        match f.kind() {
            "identifier" => {
                let name = text(f, self.src);
                if self.local(name, f.start_byte()).is_some() {
                    return None; // a closure or function value
                }
                self.universe.func(&self.pkg.import_path, name)
            }
            "parenthesized_expression" => self.callee(f.named_child(0)?, depth + 1),
            "index_expression" => self.callee(f.child_by_field_name("operand")?, depth + 1),
            "selector_expression" => {
                let operand = f.child_by_field_name("operand")?;
                let field = text(f.child_by_field_name("field")?, self.src);
                if operand.kind() == "identifier"
                    && let Some(path) = self.import_named(operand)
                {
                    return self.universe.func(&path, field);
                }
                match self.type_of(operand, depth + 1)? {
                    Ty::Named { pkg, name } => match self.universe.member(&pkg, &name, field) {
                        Member::Method(t) => Some(t),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Scopes a local declaration can live in: blocks, and the statements whose header declares.
fn scope_of(node: Node<'_>) -> (usize, usize) {
    let mut p = node.parent();
    while let Some(n) = p {
        if matches!(
            n.kind(),
            "block"
                | "if_statement"
                | "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement"
                | "expression_case"
                | "type_case"
                | "default_case"
                | "communication_case"
                | "func_literal"
                | "function_declaration"
                | "method_declaration"
                | "source_file"
        ) {
            return (n.start_byte(), n.end_byte());
        }
        p = n.parent();
    }
    (node.start_byte(), node.end_byte())
}

fn has_token(node: Node<'_>, token: &str) -> bool {
    let mut c = node.walk();
    node.children(&mut c).any(|n| n.kind() == token)
}

/// A function named where a value goes: an argument, a composite literal's value, the right
/// of an assignment, a return value, a channel send. Not the callee of a call, not the
/// operand of a selector.
/// The innermost `if` between `node` and `body` whose condition asks a feature gate
/// (`….Enabled(features.Name)`, possibly negated), and which of its branches holds `node`.
/// A use in the condition itself, or in an `if` that asks something else, is not gated by it.
fn gate_of(node: Node<'_>, body: Node<'_>, src: &[u8]) -> Option<Gate> {
    let mut child = node;
    let mut at = node.parent();
    while let Some(parent) = at {
        if parent.id() == body.id() {
            return None;
        }
        if parent.kind() == "if_statement"
            && let Some(cond) = parent.child_by_field_name("condition")
            && let Some((name, positive)) = asked_gate(text(cond, src))
        {
            let in_then = parent.child_by_field_name("consequence") == Some(child);
            let in_else = parent.child_by_field_name("alternative") == Some(child);
            if in_then || in_else {
                return Some(Gate {
                    name,
                    on: positive == in_then,
                });
            }
        }
        child = parent;
        at = parent.parent();
    }
    None
}

/// The gate a condition asks about: `X.Enabled(pkg.Name)` → (`Name`, true), with a leading
/// `!` → false. Conditions that combine a gate with anything else (`&&`, `||`) are not read:
/// which branch runs then depends on more than the gate.
fn asked_gate(cond: &str) -> Option<(String, bool)> {
    let cond = cond.trim();
    if cond.contains("&&") || cond.contains("||") {
        return None;
    }
    let (positive, rest) = match cond.strip_prefix('!') {
        Some(rest) => (false, rest.trim_start()),
        None => (true, cond),
    };
    let open = rest.find(".Enabled(")?;
    let arg = rest[open + ".Enabled(".len()..].strip_suffix(')')?;
    let name = arg.rsplit('.').next()?.trim();
    let is_ident = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    is_ident.then(|| (name.to_string(), positive))
}

fn is_value_position(node: Node<'_>) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind() {
        "argument_list" => true,
        // `T{Run: f}`: the value, never the key.
        "literal_element" => parent.parent().is_none_or(|g| {
            g.kind() != "keyed_element" || g.child_by_field_name("key") != Some(parent)
        }),
        "expression_list" => parent.parent().is_some_and(|g| match g.kind() {
            "return_statement" => true,
            "assignment_statement" | "short_var_declaration" => {
                g.child_by_field_name("right") == Some(parent)
            }
            _ => false,
        }),
        "send_statement" => parent.child_by_field_name("value") == Some(node),
        _ => false,
    }
}
