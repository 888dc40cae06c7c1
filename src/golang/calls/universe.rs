//! The packages a run has needed so far, loaded from one snapshot on first use, and the
//! questions calls ask of them: what a type expression names, a type's fields and methods
//! (promotion through embedded fields included), an interface's methods, whether a type has
//! every method of an interface.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::package::{FileImports, InFile, Package, TyExpr, TypeDef, VarDef};
use crate::golang::{ModuleMap, PackageFiles};
use crate::source::{EntryKind, Snapshot};

/// A type a value has, as far as calls follow it. Pointers are not told apart: Go calls a
/// method of `T` or `*T` the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A named type: its package's import path and its name.
    Named { pkg: String, name: String },
    /// What indexing or ranging yields.
    Elem(Box<Ty>),
    /// A function value; calling it yields these results (the first may be unknown).
    Func(Vec<Option<Ty>>),
}

/// How a call reaches its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    /// A function, or a method declared on the value's own type.
    Direct,
    /// A method of an interface-typed value: the interface's method.
    Interface,
    /// A method of an embedded field, promoted to the value's type.
    Promoted,
}

/// A function or method a call or a method value names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub pkg: String,
    /// The receiver type (or interface), for methods.
    pub receiver: Option<String>,
    pub name: String,
    pub via: Via,
    pub results: Vec<Option<Ty>>,
}

impl Target {
    /// The symbol in the tool's naming: `pkg.Name` or `pkg.Receiver.Name`.
    pub fn symbol(&self) -> String {
        match &self.receiver {
            Some(r) => format!("{}.{r}.{}", self.pkg, self.name),
            None => format!("{}.{}", self.pkg, self.name),
        }
    }
}

/// What a selector names on a type.
#[derive(Clone, Debug)]
pub enum Member {
    Method(Target),
    /// A field; its type when known.
    Field(Option<Ty>),
    /// Several at the same embedding depth: Go rejects the selector, and so do we.
    Ambiguous,
    None,
}

/// An interface's methods: name and canonical signature.
type MethodSet = Vec<(String, String)>;

/// How deep promotion through embedded fields is followed.
const MAX_EMBEDDING: usize = 5;
/// How deep aliases, defined types and embedded interfaces are followed.
const MAX_CHAIN: usize = 8;

pub struct Universe<'s> {
    snapshot: &'s Snapshot,
    modules: ModuleMap,
    packages: RefCell<HashMap<String, Option<Rc<Package>>>>,
    names: RefCell<HashMap<String, Option<String>>>,
    /// Canonical signatures by (package, type, method), and interfaces' method sets: asked
    /// for every dispatch candidate of every interface call.
    sigs: RefCell<HashMap<(String, String, String), Option<String>>>,
    method_sets: RefCell<HashMap<(String, String), Option<MethodSet>>>,
}

impl<'s> Universe<'s> {
    pub fn new(snapshot: &'s Snapshot, modules: ModuleMap) -> Self {
        Self {
            snapshot,
            modules,
            packages: RefCell::default(),
            names: RefCell::default(),
            sigs: RefCell::default(),
            method_sets: RefCell::default(),
        }
    }

    /// The package at `import_path`, loaded whole on first use; `None` when the tree does not
    /// hold it (the standard library, a module outside the snapshot).
    pub fn package(&self, import_path: &str) -> Option<Rc<Package>> {
        if let Some(p) = self.packages.borrow().get(import_path) {
            return p.clone();
        }
        let loaded = self
            .modules
            .locate(self.snapshot, import_path)
            .and_then(|dir| PackageFiles::read(self.snapshot, &dir).ok())
            .filter(|files| !files.files.is_empty())
            .map(|files| Rc::new(Package::load(import_path, files.files)));
        self.packages
            .borrow_mut()
            .insert(import_path.to_string(), loaded.clone());
        loaded
    }

    /// The name in a package's clause: from the package when it is loaded, else from one
    /// small file of its folder (`doc.go` first), without reading the others.
    fn package_name(&self, import_path: &str) -> Option<String> {
        if let Some(Some(p)) = self.packages.borrow().get(import_path) {
            return Some(p.name.clone());
        }
        if let Some(n) = self.names.borrow().get(import_path) {
            return n.clone();
        }
        let name = self.read_package_name(import_path);
        self.names
            .borrow_mut()
            .insert(import_path.to_string(), name.clone());
        name
    }

    fn read_package_name(&self, import_path: &str) -> Option<String> {
        let dir = self.modules.locate(self.snapshot, import_path)?;
        let mut entries: Vec<_> = self
            .snapshot
            .list_dir(&dir)
            .ok()??
            .into_iter()
            .filter(|e| {
                e.kind == EntryKind::File
                    && std::path::Path::new(&e.name)
                        .extension()
                        .is_some_and(|x| x == "go")
                    && !e.name.ends_with("_test.go")
            })
            .collect();
        entries.sort_by_key(|e| {
            (
                e.name != "doc.go",
                e.name.contains("generated"),
                e.name.clone(),
            )
        });
        entries.iter().take(3).find_map(|e| {
            let bytes = self.snapshot.blob(e.id).ok()?;
            super::package::package_clause(&bytes)
        })
    }

    /// The import path `qualifier` stands for in a file: an alias, or the clause name of an
    /// unaliased import.
    pub fn import(&self, imports: &FileImports, qualifier: &str) -> Option<String> {
        if let Some((_, path)) = imports
            .imports
            .iter()
            .find(|(alias, _)| alias.as_deref() == Some(qualifier))
        {
            return Some(path.clone());
        }
        let unaliased = imports.imports.iter().filter(|(a, _)| a.is_none());
        // The last element is the usual name: ask the package about that one first.
        let (likely, other): (Vec<_>, Vec<_>) =
            unaliased.partition(|(_, p)| p.rsplit('/').next() == Some(qualifier));
        likely
            .into_iter()
            .chain(other)
            .find(|(_, p)| self.package_name(p).as_deref() == Some(qualifier))
            .map(|(_, p)| p.clone())
    }

    /// A type expression written in `pkg`'s file `imports`, as a type.
    pub fn resolve(&self, pkg: &Package, imports: &FileImports, ty: &TyExpr) -> Option<Ty> {
        match ty {
            TyExpr::Name { qualifier, name } => {
                let pkg = match qualifier {
                    Some(q) => self.import(imports, q)?,
                    None if pkg.has_type(name) => pkg.import_path.clone(),
                    None => return None, // a predeclared type (`error`, `string`) or a type parameter
                };
                Some(Ty::Named {
                    pkg,
                    name: name.clone(),
                })
            }
            TyExpr::Elem(inner) => Some(Ty::Elem(Box::new(self.resolve(pkg, imports, inner)?))),
            TyExpr::Func(results) => Some(Ty::Func(
                results
                    .iter()
                    .map(|r| self.resolve(pkg, imports, r))
                    .collect(),
            )),
            TyExpr::Other => None,
        }
    }

    /// A type expression declared in `pkg`'s file `at.file`.
    pub fn resolve_in(&self, pkg: &Package, at: &InFile) -> Option<Ty> {
        let imports = pkg.imports(at.file)?;
        self.resolve(pkg, &imports, &at.ty)
    }

    fn results(&self, pkg: &Package, results: &[InFile]) -> Vec<Option<Ty>> {
        results.iter().map(|r| self.resolve_in(pkg, r)).collect()
    }

    /// A package-level function.
    pub fn func(&self, import_path: &str, name: &str) -> Option<Target> {
        let pkg = self.package(import_path)?;
        let results = pkg.func(name)?;
        Some(Target {
            pkg: import_path.to_string(),
            receiver: None,
            name: name.to_string(),
            via: Via::Direct,
            results: self.results(&pkg, &results),
        })
    }

    /// The type of a package-level variable.
    pub fn var(&self, import_path: &str, name: &str) -> Option<Ty> {
        let pkg = self.package(import_path)?;
        match pkg.var(name)? {
            VarDef::Typed(t) | VarDef::Literal(t) => self.resolve_in(&pkg, &t),
            VarDef::CallOf {
                file,
                qualifier,
                name,
            } => {
                let target = match qualifier {
                    None => self.func(import_path, &name)?,
                    Some(q) => self.func(&self.import(&pkg.imports(file)?, &q)?, &name)?,
                };
                target.results.into_iter().next().flatten()
            }
        }
    }

    /// What `sel` names on a value of named type `pkg.name`.
    pub fn member(&self, pkg: &str, name: &str, sel: &str) -> Member {
        let mut level = vec![(pkg.to_string(), name.to_string())];
        for depth in 0..=MAX_EMBEDDING {
            let mut hits = Vec::new();
            let mut next = Vec::new();
            for (p, n) in &level {
                let (hit, embedded) = self.own_member(p, n, sel);
                if let Some(hit) = hit {
                    hits.push(hit);
                }
                next.extend(embedded);
            }
            match hits.len() {
                0 => {}
                1 => {
                    return match hits.remove(0) {
                        Member::Method(mut t) if depth > 0 && t.via == Via::Direct => {
                            t.via = Via::Promoted;
                            Member::Method(t)
                        }
                        m => m,
                    };
                }
                _ => return Member::Ambiguous,
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        Member::None
    }

    /// `sel` declared on `pkg.name` itself (not through embedding), and the types it embeds.
    fn own_member(
        &self,
        pkg: &str,
        name: &str,
        sel: &str,
    ) -> (Option<Member>, Vec<(String, String)>) {
        let (mut pkg, mut name) = (pkg.to_string(), name.to_string());
        // Methods are looked up on the type the chain of aliases ends at; a defined type
        // (`type D B`) has only its own methods, and B's fields or interface methods.
        let mut own_methods = true;
        for _ in 0..MAX_CHAIN {
            let Some(p) = self.package(&pkg) else {
                return (None, Vec::new());
            };
            if own_methods && let Some(results) = p.method(&name, sel) {
                let target = Target {
                    pkg: pkg.clone(),
                    receiver: Some(name.clone()),
                    name: sel.to_string(),
                    via: Via::Direct,
                    results: self.results(&p, &results),
                };
                return (Some(Member::Method(target)), Vec::new());
            }
            let def = p.type_def(&name);
            match &def {
                Some(TypeDef::Struct(s)) => {
                    if let Some((_, t)) = s.fields.iter().find(|(f, _)| f == sel) {
                        return (Some(Member::Field(self.resolve_in(&p, t))), Vec::new());
                    }
                    let mut embedded = Vec::new();
                    for e in &s.embedded {
                        let field_name = match &e.ty {
                            TyExpr::Name { name, .. } => name.as_str(),
                            _ => continue,
                        };
                        let resolved = self.resolve_in(&p, e);
                        if field_name == sel {
                            return (Some(Member::Field(resolved)), Vec::new());
                        }
                        if let Some(Ty::Named { pkg, name }) = resolved {
                            embedded.push((pkg, name));
                        }
                    }
                    return (None, embedded);
                }
                Some(TypeDef::Interface(_)) => {
                    return (
                        self.interface_method(&pkg, &name, sel, 0)
                            .map(Member::Method),
                        Vec::new(),
                    );
                }
                Some(TypeDef::Alias(t) | TypeDef::Defined(t)) => {
                    if matches!(def, Some(TypeDef::Defined(_))) {
                        own_methods = false;
                    }
                    match self.resolve_in(&p, t) {
                        Some(Ty::Named { pkg: p2, name: n2 }) => {
                            pkg = p2;
                            name = n2;
                        }
                        _ => return (None, Vec::new()),
                    }
                }
                None => return (None, Vec::new()),
            }
        }
        (None, Vec::new())
    }

    /// Method `sel` of interface `pkg.name`, named after the interface that declares it
    /// (an embedded one, perhaps), as the type checker names it.
    fn interface_method(&self, pkg: &str, name: &str, sel: &str, depth: usize) -> Option<Target> {
        if depth > MAX_CHAIN {
            return None;
        }
        let p = self.package(pkg)?;
        let def = p.type_def(name)?;
        let iface = match &def {
            TypeDef::Interface(i) => i,
            TypeDef::Alias(t) | TypeDef::Defined(t) => {
                let Some(Ty::Named { pkg, name }) = self.resolve_in(&p, t) else {
                    return None;
                };
                return self.interface_method(&pkg, &name, sel, depth + 1);
            }
            TypeDef::Struct(_) => return None,
        };
        if let Some(results) = iface.methods.get(sel) {
            return Some(Target {
                pkg: pkg.to_string(),
                receiver: Some(name.to_string()),
                name: sel.to_string(),
                via: Via::Interface,
                results: self.results(&p, results),
            });
        }
        let found: Vec<Target> = iface
            .embedded
            .iter()
            .filter_map(|e| match self.resolve_in(&p, e) {
                Some(Ty::Named { pkg, name }) => self.interface_method(&pkg, &name, sel, depth + 1),
                _ => None,
            })
            .collect();
        // The same method reached through two embedded interfaces is one method.
        let first = found.first()?;
        found
            .iter()
            .all(|t| t.symbol() == first.symbol())
            .then(|| first.clone())
    }

    /// Whether `pkg.name` is an interface (after aliases).
    pub fn is_interface(&self, pkg: &str, name: &str) -> bool {
        let Some(p) = self.package(pkg) else {
            return false;
        };
        match p.type_def(name) {
            Some(TypeDef::Interface(_)) => true,
            Some(TypeDef::Alias(t) | TypeDef::Defined(t)) => matches!(
                self.resolve_in(&p, &t),
                Some(Ty::Named { pkg, name }) if self.is_interface(&pkg, &name)
            ),
            _ => false,
        }
    }

    /// A signature with every type name qualified by its import path: the same text for the
    /// same types wherever they are written.
    fn canonical(&self, pkg: &Package, sig: &super::package::Sig) -> Option<String> {
        let imports = pkg.imports(sig.file)?;
        let imports = &imports;
        let one = |t: &String| {
            let mut out = String::new();
            let bytes = t.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let c = bytes[i] as char;
                if c.is_alphabetic() || c == '_' {
                    let start = i;
                    while i < bytes.len()
                        && ((bytes[i] as char).is_alphanumeric()
                            || bytes[i] == b'_'
                            || bytes[i] >= 0x80)
                    {
                        i += 1;
                    }
                    let word = &t[start..i];
                    let after_dot = start > 0 && bytes[start - 1] == b'.';
                    let before_dot = bytes.get(i) == Some(&b'.');
                    if before_dot && !after_dot {
                        out.push_str(
                            &self
                                .import(imports, word)
                                .unwrap_or_else(|| word.to_string()),
                        );
                    } else if !after_dot && pkg.has_type(word) {
                        out.push_str(&pkg.import_path);
                        out.push('.');
                        out.push_str(word);
                    } else {
                        out.push_str(word);
                    }
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            out
        };
        let params: Vec<String> = sig.params.iter().map(one).collect();
        let results: Vec<String> = sig.results.iter().map(one).collect();
        Some(format!("({}) ({})", params.join(", "), results.join(", ")))
    }

    /// The canonical signature of method (or interface method) `recv.name` of `pkg`.
    fn method_sig(&self, pkg: &str, recv: &str, name: &str) -> Option<String> {
        let key = (pkg.to_string(), recv.to_string(), name.to_string());
        if let Some(sig) = self.sigs.borrow().get(&key) {
            return sig.clone();
        }
        let sig = self.package(pkg).and_then(|p| {
            let sig = p.sig(recv, name)?;
            self.canonical(&p, &sig)
        });
        self.sigs.borrow_mut().insert(key, sig.clone());
        sig
    }

    /// Every method of interface `pkg.name` with its canonical signature, embedded interfaces
    /// included; `None` when a part cannot be read (then nothing is said to implement it).
    pub fn interface_methods(
        &self,
        pkg: &str,
        name: &str,
        depth: usize,
    ) -> Option<Vec<(String, String)>> {
        if depth > MAX_CHAIN {
            return None;
        }
        let p = self.package(pkg)?;
        match p.type_def(name)? {
            TypeDef::Interface(i) => {
                let mut out = Vec::new();
                for m in i.methods.keys() {
                    out.push((m.clone(), self.method_sig(pkg, name, m)?));
                }
                for e in &i.embedded {
                    let Some(Ty::Named { pkg, name }) = self.resolve_in(&p, e) else {
                        return None;
                    };
                    out.extend(self.interface_methods(&pkg, &name, depth + 1)?);
                }
                Some(out)
            }
            TypeDef::Alias(t) | TypeDef::Defined(t) => match self.resolve_in(&p, &t) {
                Some(Ty::Named { pkg, name }) => self.interface_methods(&pkg, &name, depth + 1),
                _ => None,
            },
            TypeDef::Struct(_) => None,
        }
    }

    /// Whether type `pkg.name` has every method of interface `iface_pkg.iface`, with the
    /// same parameter and result types (compared as written, qualified by import path).
    pub fn implements(&self, pkg: &str, name: &str, iface_pkg: &str, iface: &str) -> bool {
        let key = (iface_pkg.to_string(), iface.to_string());
        let cached = self.method_sets.borrow().get(&key).cloned();
        let wanted = cached.unwrap_or_else(|| {
            let set = self.interface_methods(iface_pkg, iface, 0);
            self.method_sets.borrow_mut().insert(key, set.clone());
            set
        });
        let Some(wanted) = wanted else {
            return false;
        };
        !wanted.is_empty()
            && wanted
                .iter()
                .all(|(m, sig)| match self.member(pkg, name, m) {
                    Member::Method(t) => t
                        .receiver
                        .as_deref()
                        .is_some_and(|recv| self.method_sig(&t.pkg, recv, m).as_ref() == Some(sig)),
                    _ => false,
                })
    }
}
