//! What a package declares at the top level, as far as call resolution needs it: types
//! (struct fields, embedded fields, interface methods, what a defined type is made of),
//! functions and methods with their result types, package-level variables, and each file's
//! imports. Type expressions are kept unresolved ([`TyExpr`]), with the file they are
//! written in, and resolved when a call needs them.

use std::collections::HashMap;

use tree_sitter::Node;

use super::super::lang;

/// A type as written, with what calls cannot see taken out: pointers, parentheses and type
/// arguments (`*Typed[T]` is `Typed`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TyExpr {
    /// `T` or `pkg.T`.
    Name {
        qualifier: Option<String>,
        name: String,
    },
    /// What indexing or ranging over a slice, array, map or channel yields.
    Elem(Box<TyExpr>),
    /// A function type: calling a value of it yields these results.
    Func(Vec<TyExpr>),
    /// A struct or interface literal, or anything else calls do not follow.
    Other,
}

/// A type expression and the file (index into [`Package::files`]) it is written in: the
/// file's imports say what its qualifiers mean.
#[derive(Clone, Debug)]
pub struct InFile {
    pub file: usize,
    pub ty: TyExpr,
}

#[derive(Clone, Debug, Default)]
pub struct Struct {
    /// Named fields, in order.
    pub fields: Vec<(String, InFile)>,
    /// Embedded fields: their name is the type's name.
    pub embedded: Vec<InFile>,
}

#[derive(Clone, Debug, Default)]
pub struct Interface {
    /// Declared methods and the types they return.
    pub methods: HashMap<String, Vec<InFile>>,
    /// Embedded interfaces.
    pub embedded: Vec<InFile>,
}

#[derive(Clone, Debug)]
pub enum TypeDef {
    Struct(Struct),
    Interface(Interface),
    /// `type A = B`.
    Alias(InFile),
    /// `type D B`: a new type over B (methods of B are not D's, fields are).
    Defined(InFile),
}

/// A package-level variable: its declared type, or what its value says.
#[derive(Clone, Debug)]
pub enum VarDef {
    Typed(InFile),
    /// `var x = f()`, `var x = pkg.NewT()`: the function's first result.
    CallOf {
        file: usize,
        qualifier: Option<String>,
        name: String,
    },
    /// `var x = T{}`, `var x = &T{}`.
    Literal(InFile),
}

/// One file's imports: the alias when written, and the path.
#[derive(Clone, Debug, Default)]
pub struct FileImports {
    pub imports: Vec<(Option<String>, String)>,
}

/// A method's parameter and result types as written (spaces squeezed), in the file they are
/// written in: what "implements" compares.
#[derive(Clone, Debug, Default)]
pub struct Sig {
    pub file: usize,
    pub params: Vec<String>,
    pub results: Vec<String>,
}

/// What the parsed files of a package declare, merged; the first declaration wins.
#[derive(Debug, Default)]
struct Decls {
    files: Vec<FileImports>,
    types: HashMap<String, TypeDef>,
    funcs: HashMap<String, Vec<InFile>>,
    methods: HashMap<(String, String), Vec<InFile>>,
    vars: HashMap<String, VarDef>,
    sigs: HashMap<(String, String), Sig>,
}

/// Where a package's top-level names are declared, read from its lines (gofmt starts every
/// top-level declaration at the line's start, and every spec of a group one tab in).
#[derive(Debug, Default)]
struct LineIndex {
    types: HashMap<String, Vec<Place>>,
    funcs: HashMap<String, Vec<Place>>,
    /// `Receiver.Method`.
    methods: HashMap<String, Vec<Place>>,
    values: HashMap<String, Vec<Place>>,
    /// Per file: the byte where its package clause and imports end.
    header_end: Vec<usize>,
}

/// Where a declaration starts: file, byte offset of its line, and the group keyword when it
/// is a spec inside `type (`, `var (` or `const (`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Place {
    pub file: usize,
    pub start: usize,
    pub group: Option<&'static str>,
}

/// One package, parsed a file at a time: a file is parsed the first time a declaration it
/// holds is asked for. Most lookups of a run touch a few files of each package (the type a
/// value has, the method called), not the package's generated megabytes.
#[derive(Debug, Default)]
pub struct Package {
    pub import_path: String,
    /// The name in the package clause (what an unaliased import is called).
    pub name: String,
    sources: Vec<Vec<u8>>,
    index: LineIndex,
    parsed: std::cell::RefCell<std::collections::HashSet<Place>>,
    decls: std::cell::RefCell<Decls>,
}

impl Package {
    /// A package of `files` (path, bytes); nothing is parsed yet.
    pub fn load(import_path: &str, files: Vec<(String, Vec<u8>)>) -> Self {
        let mut index = LineIndex::default();
        let mut name = String::new();
        for (i, (_, bytes)) in files.iter().enumerate() {
            index_lines(i, bytes, &mut index, &mut name);
        }
        let n = files.len();
        let sources: Vec<Vec<u8>> = files.into_iter().map(|(_, bytes)| bytes).collect();
        Package {
            import_path: import_path.to_string(),
            name,
            sources,
            index,
            parsed: std::cell::RefCell::default(),
            decls: std::cell::RefCell::new(Decls {
                files: vec![FileImports::default(); n],
                ..Decls::default()
            }),
        }
    }

    /// Parse the declarations of `key` in `which` index, once each: the file's package
    /// clause and imports with that declaration's lines, not the whole file.
    fn ensure(&self, which: fn(&LineIndex) -> &HashMap<String, Vec<Place>>, key: &str) {
        let Some(places) = which(&self.index).get(key) else {
            return;
        };
        for &place in places {
            if !self.parsed.borrow_mut().insert(place) {
                continue;
            }
            let i = place.file;
            let snippet = snippet(&self.sources[i], self.index.header_end[i], place, false);
            let facts = lang::parse(&snippet)
                .ok()
                .map(|tree| file_facts(tree.root_node(), &snippet));
            if let Some(facts) = facts {
                self.decls.borrow_mut().merge(i, facts);
            }
        }
    }

    pub fn has_type(&self, name: &str) -> bool {
        self.index.types.contains_key(name)
    }

    pub fn has_var(&self, name: &str) -> bool {
        self.index.values.contains_key(name)
    }

    pub fn type_def(&self, name: &str) -> Option<TypeDef> {
        self.ensure(|x| &x.types, name);
        self.decls.borrow().types.get(name).cloned()
    }

    pub fn func(&self, name: &str) -> Option<Vec<InFile>> {
        self.ensure(|x| &x.funcs, name);
        self.decls.borrow().funcs.get(name).cloned()
    }

    pub fn method(&self, recv: &str, name: &str) -> Option<Vec<InFile>> {
        self.ensure(|x| &x.methods, &format!("{recv}.{name}"));
        self.decls
            .borrow()
            .methods
            .get(&(recv.to_string(), name.to_string()))
            .cloned()
    }

    pub fn var(&self, name: &str) -> Option<VarDef> {
        self.ensure(|x| &x.values, name);
        self.decls.borrow().vars.get(name).cloned()
    }

    /// The signature of a method, or of a method of an interface declared here.
    pub fn sig(&self, recv: &str, name: &str) -> Option<Sig> {
        self.ensure(|x| &x.methods, &format!("{recv}.{name}"));
        self.ensure(|x| &x.types, recv);
        self.decls
            .borrow()
            .sigs
            .get(&(recv.to_string(), name.to_string()))
            .cloned()
    }

    /// The imports of file `i` (parsed already: it declared what is being resolved).
    pub fn imports(&self, i: usize) -> Option<FileImports> {
        self.decls.borrow().files.get(i).cloned()
    }
}

impl Decls {
    fn merge(&mut self, i: usize, facts: FileFacts) {
        self.files[i] = FileImports {
            imports: facts.imports,
        };
        let at = |ty: TyExpr| InFile { file: i, ty };
        for (name, def) in facts.types {
            let def = match def {
                RawType::Struct { fields, embedded } => TypeDef::Struct(Struct {
                    fields: fields.into_iter().map(|(n, t)| (n, at(t))).collect(),
                    embedded: embedded.into_iter().map(at).collect(),
                }),
                RawType::Interface { methods, embedded } => TypeDef::Interface(Interface {
                    methods: methods
                        .into_iter()
                        .map(|(n, r)| (n, r.into_iter().map(at).collect()))
                        .collect(),
                    embedded: embedded.into_iter().map(at).collect(),
                }),
                RawType::Alias(t) => TypeDef::Alias(at(t)),
                RawType::Defined(t) => TypeDef::Defined(at(t)),
            };
            self.types.entry(name).or_insert(def);
        }
        for (name, results) in facts.funcs {
            self.funcs
                .entry(name)
                .or_insert_with(|| results.into_iter().map(at).collect());
        }
        for (recv, name, results) in facts.methods {
            self.methods
                .entry((recv, name))
                .or_insert_with(|| results.into_iter().map(at).collect());
        }
        for (name, var) in facts.vars {
            let def = match var {
                RawVar::Typed(t) => VarDef::Typed(at(t)),
                RawVar::CallOf { qualifier, name } => VarDef::CallOf {
                    file: i,
                    qualifier,
                    name,
                },
                RawVar::Literal(t) => VarDef::Literal(at(t)),
            };
            self.vars.entry(name).or_insert(def);
        }
        for (recv, name, params, results) in facts.sigs {
            self.sigs.entry((recv, name)).or_insert(Sig {
                file: i,
                params,
                results,
            });
        }
    }
}

/// The top-level names a file declares, from its lines.
#[allow(clippy::too_many_lines)] // one pass over the lines, one arm per declaration form
fn index_lines(i: usize, bytes: &[u8], index: &mut LineIndex, package: &mut String) {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let add = |map: &mut HashMap<String, Vec<Place>>, key: String, place: Place| {
        if key.is_empty() || key == "_" {
            return;
        }
        let places = map.entry(key).or_default();
        if !places.contains(&place) {
            places.push(place);
        }
    };
    let mut group: Option<&'static str> = None;
    let mut header_end = None;
    let mut in_imports = false;
    let mut offset = 0;
    let text = String::from_utf8_lossy(bytes);
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if in_imports {
            if line.starts_with(')') {
                in_imports = false;
            }
            continue;
        }
        if let Some(g) = group {
            if line.starts_with(')') {
                group = None;
            } else if let Some(spec) = line.strip_prefix('\t')
                && !spec.starts_with('\t')
                && !spec.starts_with("//")
            {
                let place = Place {
                    file: i,
                    start,
                    group: Some(g),
                };
                if g == "type" {
                    add(&mut index.types, ident(spec), place);
                } else {
                    // `A, B = 1, 2`, `A, B int`: the names run up to the type or the `=`.
                    let names = spec.split('=').next().unwrap_or("");
                    let mut parts = names.split(',');
                    if let Some(first) = parts.next() {
                        add(&mut index.values, ident(first.trim()), place);
                    }
                    for n in parts {
                        add(&mut index.values, ident(n.trim()), place);
                    }
                }
            }
            continue;
        }
        let place = Place {
            file: i,
            start,
            group: None,
        };
        if package.is_empty()
            && let Some(rest) = line.strip_prefix("package ")
        {
            *package = ident(rest.trim_start());
        } else if let Some(rest) = line.strip_prefix("import") {
            in_imports = rest.trim_start().starts_with('(');
        } else if let Some(rest) = line.strip_prefix("func ") {
            header_end.get_or_insert(start);
            if let Some(recv) = rest.strip_prefix('(') {
                let Some((recv, after)) = recv.split_once(')') else {
                    continue;
                };
                let ty = recv.split_whitespace().last().unwrap_or("");
                let ty = ident(ty.trim_start_matches(['*', '(']));
                add(
                    &mut index.methods,
                    format!("{ty}.{}", ident(after.trim_start())),
                    place,
                );
            } else {
                add(&mut index.funcs, ident(rest), place);
            }
        } else if let Some(rest) = line.strip_prefix("type ") {
            header_end.get_or_insert(start);
            if rest.starts_with('(') {
                group = Some("type");
            } else {
                add(&mut index.types, ident(rest), place);
            }
        } else if let Some((keyword, rest)) = line
            .strip_prefix("var ")
            .map(|r| ("var", r))
            .or_else(|| line.strip_prefix("const ").map(|r| ("const", r)))
        {
            header_end.get_or_insert(start);
            if rest.starts_with('(') {
                group = Some(keyword);
            } else {
                for n in rest.split('=').next().unwrap_or("").split(',') {
                    add(&mut index.values, ident(n.trim()), place);
                }
            }
        }
    }
    index.header_end.push(header_end.unwrap_or(bytes.len()));
}

/// The name in a file's `package` line.
pub(super) fn package_clause(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes).lines().find_map(|line| {
        let rest = line.strip_prefix("package ")?;
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// Where a file's package clause and imports end: the start of its first top-level
/// `func`, `type`, `var` or `const` line.
pub(super) fn header_end(bytes: &[u8]) -> usize {
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if [&b"func "[..], b"type ", b"var ", b"const "]
            .iter()
            .any(|k| line.starts_with(k))
        {
            return offset;
        }
        offset += line.len();
    }
    bytes.len()
}

/// The package clause and imports of a file with one declaration's lines: from its first
/// line to the line that closes it at its own indentation (wrapped in its group's keyword
/// for a spec of `type (`, `var (`, `const (`). A function keeps its body only when `body`
/// is asked for; a lookup needs only its signature.
pub(super) fn snippet(bytes: &[u8], header_end: usize, place: Place, body: bool) -> Vec<u8> {
    let header = &bytes[..header_end.min(place.start).min(bytes.len())];
    let rest = &bytes[place.start.min(bytes.len())..];
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let indent = if place.group.is_some() { "\t" } else { "" };
    let trimmed = first.split("//").next().unwrap_or("").trim_end();
    let closer =
        if trimmed.ends_with('{') || (trimmed.starts_with("func") && !trimmed.ends_with('}')) {
            Some('}')
        } else if trimmed.ends_with('(') {
            Some(')')
        } else {
            None
        };
    let mut decl = String::from(first);
    if first.starts_with("func ") && !body && !trimmed.ends_with('}') {
        // A function's signature is all a lookup needs: its lines up to the body's `{` (a
        // one-line function is kept whole).
        let mut line = trimmed;
        let mut rest = lines;
        while !line.ends_with('{') {
            let Some(next) = rest.next() else {
                break;
            };
            decl.push_str(next);
            line = next.split("//").next().unwrap_or("").trim_end();
        }
        if line.ends_with('{') {
            decl.push_str("\n}\n");
        }
    } else if let Some(closer) = closer {
        for line in lines {
            decl.push_str(line);
            if line
                .strip_prefix(indent)
                .is_some_and(|l| l.starts_with(closer))
            {
                break;
            }
        }
    }
    let mut out = header.to_vec();
    out.push(b'\n');
    match place.group {
        Some(keyword) => {
            out.extend_from_slice(format!("{keyword} (\n{decl}\n)\n").as_bytes());
        }
        None => out.extend_from_slice(decl.as_bytes()),
    }
    out
}

enum RawType {
    Struct {
        fields: Vec<(String, TyExpr)>,
        embedded: Vec<TyExpr>,
    },
    Interface {
        methods: Vec<(String, Vec<TyExpr>)>,
        embedded: Vec<TyExpr>,
    },
    Alias(TyExpr),
    Defined(TyExpr),
}

enum RawVar {
    Typed(TyExpr),
    CallOf {
        qualifier: Option<String>,
        name: String,
    },
    Literal(TyExpr),
}

#[derive(Default)]
struct FileFacts {
    package: String,
    imports: Vec<(Option<String>, String)>,
    types: Vec<(String, RawType)>,
    funcs: Vec<(String, Vec<TyExpr>)>,
    methods: Vec<(String, String, Vec<TyExpr>)>,
    vars: Vec<(String, RawVar)>,
    consts: Vec<String>,
    sigs: Vec<(String, String, Vec<String>, Vec<String>)>,
}

pub(super) fn text<'a>(node: Node<'_>, source: &'a [u8]) -> &'a str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

/// Top-level declarations only: bodies are never walked.
fn file_facts(root: Node<'_>, src: &[u8]) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        match node.kind() {
            "package_clause" => {
                if let Some(id) = node.named_child(0) {
                    facts.package = text(id, src).to_string();
                }
            }
            "import_declaration" => import_specs(node, src, &mut facts.imports),
            "type_declaration" => {
                let mut c = node.walk();
                for spec in node.named_children(&mut c) {
                    type_spec(spec, src, &mut facts.types, &mut facts.sigs);
                }
            }
            "function_declaration" => {
                if let Some(name) = node.child_by_field_name("name") {
                    facts
                        .funcs
                        .push((text(name, src).to_string(), results(node, src)));
                }
            }
            "method_declaration" => {
                let recv = node
                    .child_by_field_name("receiver")
                    .and_then(|r| r.named_child(0))
                    .and_then(|p| p.child_by_field_name("type"))
                    .and_then(|t| super::super::extract::receiver_name(t, src));
                if let (Some(recv), Some(name)) = (recv, node.child_by_field_name("name")) {
                    let name = text(name, src).to_string();
                    let (params, res) = sig_texts(node, src);
                    facts.sigs.push((recv.clone(), name.clone(), params, res));
                    facts.methods.push((recv, name, results(node, src)));
                }
            }
            "var_declaration" => value_specs(node, src, &mut |spec| {
                var_spec(spec, src, &mut facts.vars);
            }),
            "const_declaration" => value_specs(node, src, &mut |spec| {
                let mut c = spec.walk();
                for n in spec.children_by_field_name("name", &mut c) {
                    facts.consts.push(text(n, src).to_string());
                }
            }),
            _ => {}
        }
    }
    facts
}

pub(super) fn import_specs(node: Node<'_>, src: &[u8], out: &mut Vec<(Option<String>, String)>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "import_spec" {
            let Some(path) = n.child_by_field_name("path") else {
                continue;
            };
            let path = text(path, src).trim_matches(['"', '`']).to_string();
            let alias = n
                .child_by_field_name("name")
                .map(|a| text(a, src).to_string());
            out.push((alias, path));
        } else {
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
    }
}

fn value_specs(node: Node<'_>, src: &[u8], each: &mut dyn FnMut(Node<'_>)) {
    let _ = src;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "var_spec" | "const_spec" => each(n),
            "var_declaration" | "const_declaration" | "var_spec_list" => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
            _ => {}
        }
    }
}

fn var_spec(spec: Node<'_>, src: &[u8], out: &mut Vec<(String, RawVar)>) {
    let mut c = spec.walk();
    let names: Vec<String> = spec
        .children_by_field_name("name", &mut c)
        .map(|n| text(n, src).to_string())
        .collect();
    if let Some(ty) = spec.child_by_field_name("type") {
        let ty = ty_expr(ty, src);
        out.extend(names.into_iter().map(|n| (n, RawVar::Typed(ty.clone()))));
        return;
    }
    let Some(values) = spec.child_by_field_name("value") else {
        return;
    };
    let mut c = values.walk();
    let values: Vec<Node<'_>> = values.named_children(&mut c).collect();
    if values.len() != names.len() {
        return;
    }
    for (name, value) in names.into_iter().zip(values) {
        if let Some(v) = raw_value(value, src) {
            out.push((name, v));
        }
    }
}

/// What a package-level initializer says about its type, when it is that simple.
fn raw_value(value: Node<'_>, src: &[u8]) -> Option<RawVar> {
    let value = strip_address(value);
    match value.kind() {
        "composite_literal" => Some(RawVar::Literal(ty_expr(
            value.child_by_field_name("type")?,
            src,
        ))),
        "call_expression" => {
            let f = value.child_by_field_name("function")?;
            match f.kind() {
                "identifier" => Some(RawVar::CallOf {
                    qualifier: None,
                    name: text(f, src).to_string(),
                }),
                "selector_expression" => {
                    let operand = f.child_by_field_name("operand")?;
                    (operand.kind() == "identifier").then(|| RawVar::CallOf {
                        qualifier: Some(text(operand, src).to_string()),
                        name: text(f.child_by_field_name("field").unwrap_or(f), src).to_string(),
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `&x` → `x`.
fn strip_address(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "unary_expression"
        && node.child_by_field_name("operator").map(|o| o.kind()) == Some("&")
    {
        match node.child_by_field_name("operand") {
            Some(o) => node = o,
            None => break,
        }
    }
    node
}

type SigTexts = Vec<(String, String, Vec<String>, Vec<String>)>;

fn type_spec(spec: Node<'_>, src: &[u8], out: &mut Vec<(String, RawType)>, sigs: &mut SigTexts) {
    let (Some(name), Some(ty)) = (
        spec.child_by_field_name("name"),
        spec.child_by_field_name("type"),
    ) else {
        return;
    };
    let name = text(name, src).to_string();
    if spec.kind() == "type_alias" {
        out.push((name, RawType::Alias(ty_expr(ty, src))));
        return;
    }
    let def = match ty.kind() {
        "struct_type" => {
            let mut fields = Vec::new();
            let mut embedded = Vec::new();
            let mut stack = vec![ty];
            while let Some(n) = stack.pop() {
                if n.kind() == "field_declaration" {
                    let Some(t) = n.child_by_field_name("type") else {
                        continue;
                    };
                    let t = ty_expr(t, src);
                    let mut c = n.walk();
                    let names: Vec<String> = n
                        .children_by_field_name("name", &mut c)
                        .map(|f| text(f, src).to_string())
                        .collect();
                    if names.is_empty() {
                        embedded.push(t);
                    } else {
                        fields.extend(names.into_iter().map(|f| (f, t.clone())));
                    }
                } else if matches!(n.kind(), "struct_type" | "field_declaration_list") {
                    let mut c = n.walk();
                    stack.extend(n.named_children(&mut c));
                }
            }
            RawType::Struct { fields, embedded }
        }
        "interface_type" => {
            let mut methods = Vec::new();
            let mut embedded = Vec::new();
            let mut c = ty.walk();
            for elem in ty.named_children(&mut c) {
                match elem.kind() {
                    "method_elem" | "method_spec" => {
                        if let Some(n) = elem.child_by_field_name("name") {
                            let (params, res) = sig_texts(elem, src);
                            sigs.push((name.clone(), text(n, src).to_string(), params, res));
                            methods.push((text(n, src).to_string(), results(elem, src)));
                        }
                    }
                    "type_elem" | "constraint_elem" => {
                        // One embedded interface; a union (`A | B`) is a constraint, not
                        // a method set calls use.
                        if elem.named_child_count() == 1
                            && let Some(t) = elem.named_child(0)
                        {
                            embedded.push(ty_expr(t, src));
                        }
                    }
                    _ => {}
                }
            }
            RawType::Interface { methods, embedded }
        }
        _ => RawType::Defined(ty_expr(ty, src)),
    };
    out.push((name, def));
}

/// The parameter and result types of a method or interface method, as written.
fn sig_texts(node: Node<'_>, src: &[u8]) -> (Vec<String>, Vec<String>) {
    let list = |field: &str| {
        let Some(list) = node.child_by_field_name(field) else {
            return Vec::new();
        };
        if list.kind() != "parameter_list" {
            return vec![crate::item::squeeze_spaces(text(list, src))];
        }
        let mut out = Vec::new();
        let mut c = list.walk();
        for p in list.named_children(&mut c) {
            let Some(t) = p.child_by_field_name("type") else {
                continue;
            };
            let mut t = crate::item::squeeze_spaces(text(t, src));
            if p.kind() == "variadic_parameter_declaration" {
                t.insert_str(0, "...");
            }
            let mut c2 = p.walk();
            let names = p.children_by_field_name("name", &mut c2).count().max(1);
            out.extend(std::iter::repeat_n(t, names));
        }
        out
    };
    (list("parameters"), list("result"))
}

/// The result types of a function, method or interface method node.
pub(super) fn results(node: Node<'_>, src: &[u8]) -> Vec<TyExpr> {
    let Some(result) = node.child_by_field_name("result") else {
        return Vec::new();
    };
    if result.kind() != "parameter_list" {
        return vec![ty_expr(result, src)];
    }
    let mut out = Vec::new();
    let mut c = result.walk();
    for p in result.named_children(&mut c) {
        let Some(t) = p.child_by_field_name("type") else {
            continue;
        };
        let t = ty_expr(t, src);
        let mut c2 = p.walk();
        let names = p.children_by_field_name("name", &mut c2).count().max(1);
        out.extend(std::iter::repeat_n(t, names));
    }
    out
}

/// A type node as calls see it.
pub(super) fn ty_expr(node: Node<'_>, src: &[u8]) -> TyExpr {
    match node.kind() {
        "type_identifier" | "identifier" => TyExpr::Name {
            qualifier: None,
            name: text(node, src).to_string(),
        },
        "qualified_type" => match (
            node.child_by_field_name("package"),
            node.child_by_field_name("name"),
        ) {
            (Some(p), Some(n)) => TyExpr::Name {
                qualifier: Some(text(p, src).to_string()),
                name: text(n, src).to_string(),
            },
            _ => TyExpr::Other,
        },
        "pointer_type" | "parenthesized_type" => node
            .named_child(0)
            .map_or(TyExpr::Other, |n| ty_expr(n, src)),
        "generic_type" => node
            .child_by_field_name("type")
            .map_or(TyExpr::Other, |n| ty_expr(n, src)),
        "slice_type" | "array_type" | "implicit_length_array_type" => node
            .child_by_field_name("element")
            .map_or(TyExpr::Other, |n| TyExpr::Elem(Box::new(ty_expr(n, src)))),
        "map_type" | "channel_type" => node
            .child_by_field_name("value")
            .map_or(TyExpr::Other, |n| TyExpr::Elem(Box::new(ty_expr(n, src)))),
        "function_type" => TyExpr::Func(results(node, src)),
        _ => TyExpr::Other,
    }
}
