//! Embedded fields and imports: enough of Go's method promotion to follow a method that moved
//! into an embedded type (client-go's typed clients now embed `gentype.Client...`).

use tree_sitter::Node;

use super::lang;

/// A type named in Go source: `pkg.Name` (`package` is the file's name for the import) or a
/// same-package `Name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeRef {
    pub package: Option<String>,
    pub name: String,
}

/// The embedded fields of a struct declaration (`type T struct { *gentype.Client[X]; Base }`),
/// pointers and type arguments stripped.
pub fn embedded_types(struct_decl: &str) -> Vec<TypeRef> {
    let source = format!("package p\n{struct_decl}\n");
    let Ok(tree) = lang::parse(source.as_bytes()) else {
        return Vec::new();
    };
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "field_declaration" {
            if node.child_by_field_name("name").is_none()
                && let Some(ty) = node.child_by_field_name("type")
                && let Some(r) = type_ref(ty, bytes)
            {
                out.push(r);
            }
            continue;
        }
        let mut walk = node.walk();
        stack.extend(node.named_children(&mut walk));
    }
    out.reverse();
    out
}

fn type_ref(mut node: Node<'_>, bytes: &[u8]) -> Option<TypeRef> {
    loop {
        match node.kind() {
            "pointer_type" | "parenthesized_type" => node = node.named_child(0)?,
            "generic_type" => node = node.child_by_field_name("type")?,
            "type_identifier" => {
                return Some(TypeRef {
                    package: None,
                    name: text(node, bytes),
                });
            }
            "qualified_type" => {
                return Some(TypeRef {
                    package: Some(text(node.child_by_field_name("package")?, bytes)),
                    name: text(node.child_by_field_name("name")?, bytes),
                });
            }
            _ => return None,
        }
    }
}

/// The imports of a Go file: (name used in the file, import path). The name is the alias
/// when there is one, else the path's last element (a guess Go tooling also makes).
pub fn imports(file: &[u8]) -> Vec<(String, String)> {
    let Ok(tree) = lang::parse(file) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "import_spec" => {
                let Some(path) = node.child_by_field_name("path") else {
                    continue;
                };
                let path = text(path, file).trim_matches(['"', '`']).to_string();
                let name = node.child_by_field_name("name").map_or_else(
                    || path.rsplit('/').next().unwrap_or(&path).to_string(),
                    |n| text(n, file),
                );
                out.push((name, path));
            }
            "source_file" | "import_declaration" | "import_spec_list" => {
                let mut walk = node.walk();
                stack.extend(node.named_children(&mut walk));
            }
            _ => {}
        }
    }
    out
}

fn text(node: Node<'_>, bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[node.byte_range()]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fields_of_a_typed_client() {
        let s = "type deployments struct {\n\t*gentype.ClientWithListAndApply[*appsv1.Deployment, *appsv1.DeploymentList]\n\tBase\n\tname string\n\tx, y int\n}";
        assert_eq!(
            embedded_types(s),
            vec![
                TypeRef {
                    package: Some("gentype".into()),
                    name: "ClientWithListAndApply".into()
                },
                TypeRef {
                    package: None,
                    name: "Base".into()
                },
            ]
        );
        assert!(embedded_types("type T int").is_empty());
        assert!(embedded_types("not go at all {{{").is_empty());
    }

    #[test]
    fn import_names() {
        let f = b"package p\nimport (\n\t\"context\"\n\tappsv1 \"k8s.io/api/apps/v1\"\n\t\"k8s.io/client-go/gentype\"\n)\nimport _ \"embed\"\n";
        let got = imports(f);
        assert!(got.contains(&("context".into(), "context".into())));
        assert!(got.contains(&("appsv1".into(), "k8s.io/api/apps/v1".into())));
        assert!(got.contains(&("gentype".into(), "k8s.io/client-go/gentype".into())));
        assert!(got.contains(&("_".into(), "embed".into())));
    }
}
