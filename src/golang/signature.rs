//! Comparing signatures by their types, as `bump` needs: `func (q *Type) Add(item interface{})`
//! and `func (t *Type) Add(x any)` are the same API; renaming a parameter is not a change.

use tree_sitter::Node;

use super::lang;

/// The types of a func, method or interface-method signature, in order, with parameter and
/// receiver names dropped, whitespace removed and `interface{}` written `any`:
/// `recv(*Type) params(any) results()`. Other declarations (types, consts, vars) are compared
/// as their whitespace-normalised text.
pub fn type_key(signature: &str) -> String {
    let trimmed = signature.trim();
    let key = if trimmed.starts_with("func") {
        func_key(&format!("package p\n{trimmed} {{}}\n"))
    } else if trimmed
        .split(['(', '['])
        .next()
        .is_some_and(|head| super::symbol::is_identifier(head.trim()))
    {
        // An interface method: `Add(item interface{})`.
        func_key(&format!("package p\ntype _ interface {{ {trimmed} }}\n"))
    } else {
        None
    };
    key.unwrap_or_else(|| normalise_type(trimmed))
}

fn func_key(source: &str) -> Option<String> {
    let tree = lang::parse(source.as_bytes()).ok()?;
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    let bytes = source.as_bytes();
    let decl = find_kind(
        root,
        &["function_declaration", "method_declaration", "method_elem"],
    )?;
    let mut parts = Vec::new();
    if let Some(recv) = decl.child_by_field_name("receiver") {
        parts.push(format!("recv({})", list_types(recv, bytes).join(",")));
    }
    if let Some(tp) = decl.child_by_field_name("type_parameters") {
        parts.push(format!("tparams({})", list_types(tp, bytes).join(",")));
    }
    let params = decl.child_by_field_name("parameters")?;
    parts.push(format!("params({})", list_types(params, bytes).join(",")));
    let result = match decl.child_by_field_name("result") {
        Some(r) if r.kind() == "parameter_list" => list_types(r, bytes).join(","),
        Some(r) => normalise_type(node_text(r, bytes)),
        None => String::new(),
    };
    parts.push(format!("results({result})"));
    Some(parts.join(" "))
}

/// The type of each parameter of a list, once per name (`a, b int` is `int,int`).
fn list_types(list: Node<'_>, bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut walk = list.walk();
    for param in list.named_children(&mut walk) {
        let Some(ty) = param.child_by_field_name("type") else {
            continue;
        };
        let mut ty_text = normalise_type(node_text(ty, bytes));
        if param.kind() == "variadic_parameter_declaration" {
            ty_text = format!("...{ty_text}");
        }
        let mut names = param.walk();
        let count = param.children_by_field_name("name", &mut names).count();
        for _ in 0..count.max(1) {
            out.push(ty_text.clone());
        }
    }
    out
}

fn find_kind<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    // Signatures are a few nodes deep: a breadth-limited walk is enough.
    let mut stack = vec![(node, 0)];
    while let Some((n, depth)) = stack.pop() {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        if depth < 6 {
            let mut walk = n.walk();
            stack.extend(n.named_children(&mut walk).map(|c| (c, depth + 1)));
        }
    }
    None
}

fn node_text<'b>(node: Node<'_>, bytes: &'b [u8]) -> &'b str {
    std::str::from_utf8(&bytes[node.byte_range()]).unwrap_or_default()
}

/// Whitespace gone, `interface{}` spelled `any` (Go 1.18 made them the same type).
fn normalise_type(text: &str) -> String {
    crate::item::squeeze_spaces(text).replace("interface{}", "any")
}

#[cfg(test)]
mod tests {
    use super::type_key;

    #[test]
    fn parameter_names_and_any_are_not_changes() {
        assert_eq!(
            type_key("func (q *Type) Add(item interface{})"),
            type_key("func (t *Type) Add(x any)")
        );
        assert_eq!(
            type_key("func New(a, b int, rest ...string) (n int, err error)"),
            type_key("func New(x int, y int, more ...string) (int, error)")
        );
        assert_eq!(type_key("Add(item interface{})"), type_key("Add(obj any)"));
    }

    #[test]
    fn type_changes_are_changes() {
        assert_ne!(
            type_key("func (q *Type) Add(item interface{})"),
            type_key("func (q *Type) Add(item string)")
        );
        assert_ne!(
            type_key("func (q *Type) Add(item any)"),
            type_key("func (q Type) Add(item any)")
        );
        assert_ne!(
            type_key("func F() error"),
            type_key("func F() (int, error)")
        );
        assert_ne!(
            type_key("func F[T any](x T)"),
            type_key("func F[T comparable](x T)")
        );
        assert_eq!(
            type_key("func F() (int, error)"),
            "params() results(int,error)"
        );
    }

    #[test]
    fn other_declarations_compare_as_text() {
        assert_eq!(type_key("type  Store   interface"), "type Store interface");
        assert_eq!(type_key("var x interface{}"), "var x any");
        // Not a parseable signature: still a stable key, never a panic.
        assert_eq!(type_key("func ((("), "func(((");
    }
}
