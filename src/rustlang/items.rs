//! The items of one Rust source file, found with syn: what they are, where, their signature
//! and doc, plus the `mod x;` declarations to follow and the `pub use` re-exports.
//!
//! Lines come from proc-macro2's span locations. A range starts at the first attribute that
//! is not a doc comment (or the item itself) and ends at its closing token: like Go, it covers
//! the declaration, not its doc.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{AttrStyle, Attribute, ImplItem, Item, TraitItem, Type, UseTree, Visibility};

use super::crates::join;
use crate::item::Kind;

/// Longest signature we keep, as for Go.
const MAX_SIGNATURE: usize = 400;
/// A `const`, `static` or `type` item shorter than this is its own signature.
const SHORT_ITEM: usize = 160;
/// Inline modules nested deeper than this are not followed.
const MAX_NESTING: usize = 64;

/// One item. `path` is inside the crate: `["reflector", "store", "Store", "get"]`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemRec {
    pub path: Vec<String>,
    pub kind: Kind,
    pub file: String,
    pub start_line: usize,
    pub end_line: usize,
    pub signature: String,
    pub doc: String,
    /// Under `#[cfg(...)]` (the item or its impl block): twins are expected.
    pub cfg: bool,
    /// Impl members: the self type's name, and whether the impl is of a trait.
    pub impl_of: Option<(String, bool)>,
}

/// `pub use TARGET as NAME;` in `module` (`name: None` for a glob). `target` is as written:
/// it may start with `crate`, `self`, `super`, a crate or a local module.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UseRec {
    pub module: Vec<String>,
    pub name: Option<String>,
    pub target: Vec<String>,
    pub leading_colon: bool,
}

/// `mod name;` to load from the first existing candidate file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModRec {
    pub module: Vec<String>,
    pub candidates: Vec<String>,
    /// Came from `#[path]`: the file owns its directory, as `mod.rs` does.
    pub by_path_attr: bool,
}

/// Where a file sits in its crate, which decides where its `mod x;` files are.
#[derive(Clone, Debug)]
pub struct FileCx {
    pub file: String,
    pub module: Vec<String>,
    /// A crate root, `mod.rs` or `#[path]` file: children live beside it, not in `stem/`.
    pub owns_dir: bool,
}

#[derive(Debug, Default)]
pub struct FileItems {
    pub items: Vec<ItemRec>,
    pub uses: Vec<UseRec>,
    pub mods: Vec<ModRec>,
    /// Inline modules and declared file modules: every module path seen.
    pub modules: Vec<Vec<String>>,
    pub problems: Vec<String>,
}

/// Parse one file. A syntax error is a problem of the result, never a panic or an error.
pub fn extract(cx: &FileCx, bytes: &[u8]) -> FileItems {
    let mut out = FileItems::default();
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let parsed = syn::parse_file(text);
    match parsed {
        Err(e) => {
            let at = e.span().start();
            out.problems.push(format!(
                "{}:{}:{}: syntax error: {e}",
                cx.file,
                at.line,
                at.column + 1
            ));
        }
        Ok(file) => {
            // syn drops a shebang line from the text it parses; byte offsets start after it.
            let skip = file.shebang.as_ref().map_or(0, String::len);
            let source = text.get(skip..).unwrap_or("");
            let line_starts = std::iter::once(0)
                .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let mut w = Walker {
                file: &cx.file,
                source,
                line_starts,
                out: &mut out,
            };
            let dir = cx.file.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            let child_dir = if cx.owns_dir {
                dir.clone()
            } else {
                let stem = cx.file.rsplit('/').next().unwrap_or("");
                join(&dir, stem.strip_suffix(".rs").unwrap_or(stem))
            };
            w.items(&file.items, &cx.module, &child_dir, &dir, false, 0);
        }
    }
    // Spans are only valid while the thread's source map holds the file; everything needed
    // was copied out, so free it (a long run parses thousands of files per thread).
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

struct Walker<'a> {
    file: &'a str,
    source: &'a str,
    /// Byte offset of each line's start, for the line of a byte.
    line_starts: Vec<usize>,
    out: &'a mut FileItems,
}

impl Walker<'_> {
    /// `child_dir`: where `mod x;` looks for `x.rs`; `attr_dir`: what `#[path]` is relative to.
    fn items(
        &mut self,
        items: &[Item],
        module: &[String],
        child_dir: &str,
        attr_dir: &str,
        cfg: bool,
        depth: usize,
    ) {
        for item in items {
            self.item(item, module, child_dir, attr_dir, cfg, depth);
        }
    }

    fn item(
        &mut self,
        item: &Item,
        module: &[String],
        child_dir: &str,
        attr_dir: &str,
        cfg: bool,
        depth: usize,
    ) {
        let here = |name: &syn::Ident| {
            let mut p = module.to_vec();
            p.push(ident(name));
            p
        };
        match item {
            Item::Fn(f) => {
                let bare = f.span();
                let end = f.sig.span().byte_range().end;
                self.push(
                    here(&f.sig.ident),
                    Kind::Func,
                    &f.attrs,
                    bare,
                    end,
                    cfg,
                    None,
                );
            }
            Item::Struct(s) => {
                let bare = s.span();
                let end = match &s.fields {
                    syn::Fields::Named(n) => n.brace_token.span.open().byte_range().start,
                    _ => bare.byte_range().end,
                };
                self.push(here(&s.ident), Kind::Struct, &s.attrs, bare, end, cfg, None);
            }
            Item::Union(u) => {
                let bare = u.span();
                let end = u.fields.brace_token.span.open().byte_range().start;
                self.push(here(&u.ident), Kind::Struct, &u.attrs, bare, end, cfg, None);
            }
            Item::Enum(e) => {
                let bare = e.span();
                let end = e.brace_token.span.open().byte_range().start;
                self.push(here(&e.ident), Kind::Enum, &e.attrs, bare, end, cfg, None);
            }
            Item::Trait(t) => self.trait_(t, &here(&t.ident), cfg),
            Item::Type(t) => {
                let bare = t.span();
                let end = self.short_end(&t.attrs, bare, t.eq_token.span);
                self.push(here(&t.ident), Kind::Alias, &t.attrs, bare, end, cfg, None);
            }
            Item::Const(c) if c.ident != "_" => {
                let bare = c.span();
                let end = self.short_end(&c.attrs, bare, c.eq_token.span);
                self.push(here(&c.ident), Kind::Const, &c.attrs, bare, end, cfg, None);
            }
            Item::Static(s) => {
                let bare = s.span();
                let end = self.short_end(&s.attrs, bare, s.eq_token.span);
                self.push(here(&s.ident), Kind::Static, &s.attrs, bare, end, cfg, None);
            }
            Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let Some(name) = &m.ident else { return };
                let bare = m.span();
                let end = m.mac.bang_token.span.byte_range().end;
                let exported = m.attrs.iter().any(|a| a.path().is_ident("macro_export"));
                let mut paths = vec![here(name)];
                if exported && !module.is_empty() {
                    paths.push(vec![ident(name)]);
                }
                for path in paths {
                    self.push(path, Kind::Macro, &m.attrs, bare, end, cfg, None);
                    if let Some(last) = self.out.items.last_mut() {
                        last.signature = format!("macro_rules! {name}");
                    }
                }
            }
            // `cfg_client! { pub mod api; pub use api::Api; }` (kube-client's own wrappers): a
            // braced invocation whose body parses as items is read as those items.
            Item::Macro(m) if m.ident.is_none() && is_brace(&m.mac.delimiter) => {
                if let Ok(inner) = syn::parse2::<syn::File>(m.mac.tokens.clone()) {
                    let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
                    let cfg = cfg || name.is_some_and(|n| n.starts_with("cfg"));
                    self.items(&inner.items, module, child_dir, attr_dir, cfg, depth + 1);
                }
            }
            Item::Impl(i) => self.impl_(i, module, cfg),
            Item::Mod(m) => self.module(m, module, child_dir, attr_dir, cfg, depth),
            Item::Use(u) if matches!(u.vis, Visibility::Public(_)) => {
                let mut prefix = Vec::new();
                self.use_tree(&u.tree, module, &mut prefix, u.leading_colon.is_some());
            }
            _ => {}
        }
    }

    fn trait_(&mut self, t: &syn::ItemTrait, path: &[String], cfg: bool) {
        let bare = t.span();
        let end = t.brace_token.span.open().byte_range().start;
        self.push(path.to_vec(), Kind::Trait, &t.attrs, bare, end, cfg, None);
        for member in &t.items {
            let mut p = path.to_vec();
            match member {
                TraitItem::Fn(f) => {
                    p.push(ident(&f.sig.ident));
                    let bare = f.span();
                    let end = f.sig.span().byte_range().end;
                    let cfg = cfg || has_cfg(&f.attrs);
                    self.push(p, Kind::TraitMethod, &f.attrs, bare, end, cfg, None);
                }
                TraitItem::Const(c) => {
                    p.push(ident(&c.ident));
                    let bare = c.span();
                    let end = bare.byte_range().end;
                    let cfg = cfg || has_cfg(&c.attrs);
                    self.push(p, Kind::Const, &c.attrs, bare, end, cfg, None);
                }
                _ => {}
            }
        }
    }

    fn impl_(&mut self, i: &syn::ItemImpl, module: &[String], cfg: bool) {
        let Some(ty) = type_name(&i.self_ty) else {
            return;
        };
        let cfg = cfg || has_cfg(&i.attrs);
        let of = Some((ty.clone(), i.trait_.is_some()));
        for member in &i.items {
            let mut p = module.to_vec();
            p.push(ty.clone());
            match member {
                ImplItem::Fn(f) => {
                    p.push(ident(&f.sig.ident));
                    let bare = f.span();
                    let end = f.sig.span().byte_range().end;
                    let cfg = cfg || has_cfg(&f.attrs);
                    self.push(p, Kind::Method, &f.attrs, bare, end, cfg, of.clone());
                }
                ImplItem::Const(c) => {
                    p.push(ident(&c.ident));
                    let bare = c.span();
                    let end = self.short_end(&c.attrs, bare, c.eq_token.span);
                    let cfg = cfg || has_cfg(&c.attrs);
                    self.push(p, Kind::Const, &c.attrs, bare, end, cfg, of.clone());
                }
                _ => {}
            }
        }
    }

    fn module(
        &mut self,
        m: &syn::ItemMod,
        module: &[String],
        child_dir: &str,
        attr_dir: &str,
        cfg: bool,
        depth: usize,
    ) {
        let name = ident(&m.ident);
        let mut path = module.to_vec();
        path.push(name.clone());
        let path_attr = m.attrs.iter().find_map(path_attribute);
        let cfg = cfg || has_cfg(&m.attrs);
        if let Some((_, items)) = &m.content {
            if depth >= MAX_NESTING {
                self.out.problems.push(format!(
                    "{}: inline modules nested deeper than {MAX_NESTING}; `{name}` not read",
                    self.file
                ));
                return;
            }
            // `mod a { mod b; }` looks in a/ below the parent's child directory; `#[path]` on
            // an inline module names that directory instead, relative to the file's folder.
            let dir = match &path_attr {
                Some(p) => match normalize(&join(attr_dir, p)) {
                    Ok(dir) => dir,
                    Err(why) => {
                        self.out.problems.push(format!(
                            "{}: #[path = \"{p}\"] on `mod {name}` {why}; module not read",
                            self.file
                        ));
                        return;
                    }
                },
                None => join(child_dir, &name),
            };
            self.out.modules.push(path.clone());
            self.items(items, &path, &dir, &dir, cfg, depth + 1);
            return;
        }
        let (candidates, by_path_attr) = match &path_attr {
            Some(p) => match normalize(&join(attr_dir, p)) {
                Ok(file) => (vec![file], true),
                Err(why) => {
                    self.out.problems.push(format!(
                        "{}: #[path = \"{p}\"] on `mod {name}` {why}; module not read",
                        self.file
                    ));
                    return;
                }
            },
            None => (
                vec![
                    join(child_dir, &format!("{name}.rs")),
                    join(child_dir, &format!("{name}/mod.rs")),
                ],
                false,
            ),
        };
        self.out.modules.push(path.clone());
        self.out.mods.push(ModRec {
            module: path,
            candidates,
            by_path_attr,
        });
    }

    fn use_tree(
        &mut self,
        tree: &UseTree,
        module: &[String],
        prefix: &mut Vec<String>,
        leading_colon: bool,
    ) {
        let mut add = |name: Option<String>, target: Vec<String>| {
            if !target.is_empty() {
                self.out.uses.push(UseRec {
                    module: module.to_vec(),
                    name,
                    target,
                    leading_colon,
                });
            }
        };
        match tree {
            UseTree::Path(p) => {
                prefix.push(ident(&p.ident));
                self.use_tree(&p.tree, module, prefix, leading_colon);
                prefix.pop();
            }
            UseTree::Name(n) if n.ident == "self" => {
                add(prefix.last().cloned(), prefix.clone());
            }
            UseTree::Name(n) => {
                let mut t = prefix.clone();
                t.push(ident(&n.ident));
                add(Some(ident(&n.ident)), t);
            }
            UseTree::Rename(r) if r.rename != "_" => {
                let mut t = prefix.clone();
                if r.ident != "self" {
                    t.push(ident(&r.ident));
                }
                add(Some(ident(&r.rename)), t);
            }
            UseTree::Rename(_) => {}
            UseTree::Glob(_) => add(None, prefix.clone()),
            UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, module, prefix, leading_colon);
                }
            }
        }
    }

    /// Where the item proper starts: after its outer attributes and any comment between.
    fn bare_start(&self, attrs: &[Attribute], full: Span) -> usize {
        let after_attrs = attrs
            .iter()
            .filter(|a| matches!(a.style, AttrStyle::Outer))
            .map(|a| a.span().byte_range().end)
            .max();
        match after_attrs {
            None => full.byte_range().start,
            Some(end) => skip_trivia(self.source, end),
        }
    }

    /// A short item is its own signature; a long one stops before `=`.
    fn short_end(&self, attrs: &[Attribute], full: Span, eq: Span) -> usize {
        let end = full.byte_range().end;
        if end.saturating_sub(self.bare_start(attrs, full)) <= SHORT_ITEM {
            end
        } else {
            eq.byte_range().start
        }
    }

    fn line_of(&self, byte: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= byte)
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        path: Vec<String>,
        kind: Kind,
        attrs: &[Attribute],
        bare: Span,
        sig_end: usize,
        cfg: bool,
        impl_of: Option<(String, bool)>,
    ) {
        let start = self.bare_start(attrs, bare);
        let first_attr = attrs
            .iter()
            .filter(|a| matches!(a.style, AttrStyle::Outer) && !a.path().is_ident("doc"))
            .map(|a| a.span().start().line)
            .min();
        let own_line = self.line_of(start);
        let start_line = first_attr.map_or(own_line, |l| l.min(own_line));
        let signature = self
            .source
            .get(start..sig_end.max(start))
            .map(compact)
            .unwrap_or_default();
        self.out.items.push(ItemRec {
            path,
            kind,
            file: self.file.to_string(),
            start_line,
            end_line: bare.end().line,
            signature,
            doc: doc(attrs),
            cfg: cfg || has_cfg(attrs),
            impl_of,
        });
    }
}

fn is_brace(d: &syn::MacroDelimiter) -> bool {
    matches!(d, syn::MacroDelimiter::Brace(_))
}

fn ident(i: &syn::Ident) -> String {
    let s = i.to_string();
    s.strip_prefix("r#").map_or(s.clone(), str::to_string)
}

fn has_cfg(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}

fn path_attribute(a: &Attribute) -> Option<String> {
    if !a.path().is_ident("path") {
        return None;
    }
    match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// `impl<K> Store<K>` → `Store`; `impl Trait for &'a mut Foo<T>` → `Foo`; `impl dyn Trait`
/// and tuples have no name to hang methods on.
pub fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| ident(&s.ident)),
        Type::Reference(r) => type_name(&r.elem),
        Type::Paren(p) => type_name(&p.elem),
        Type::Group(g) => type_name(&g.elem),
        Type::Ptr(p) => type_name(&p.elem),
        _ => None,
    }
}

/// The doc comment: `///` lines (which are `#[doc = "..."]`) joined, one leading space cut.
fn doc(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let value = s.value();
            for line in value.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                lines.push(line.strip_prefix(' ').unwrap_or(line).to_string());
            }
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

/// The first byte at or after `at` that is not whitespace or a comment.
fn skip_trivia(source: &str, mut at: usize) -> usize {
    let bytes = source.as_bytes();
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = memchr::memmem::find(&bytes[at + 2..], b"*/")
                    .map_or(bytes.len(), |i| at + i + 4);
            }
            _ => break,
        }
    }
    at
}

/// Join `dir/rel`, resolving `.` and `..`; refuse absolute paths and climbing above the root.
pub fn normalize(path: &str) -> Result<String, String> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err("is not a relative path inside the repository".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("climbs out of the repository".into());
                }
            }
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// Source text on one line: comments dropped, whitespace runs as one space, no space inside
/// brackets, no trailing commas (rustfmt's multi-line parameter lists).
pub fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    let mut space = false;
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                space = true;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            c => {
                if space
                    && !out.is_empty()
                    && !out.ends_with(['(', '[', '<'])
                    && !matches!(c, ')' | ']' | '>' | ',')
                {
                    out.push(' ');
                }
                if matches!(c, ')' | ']' | '>') && out.ends_with(',') {
                    out.pop();
                }
                space = false;
                in_str = c == '"';
                out.push(c);
            }
        }
    }
    let out = out.trim_end_matches(',').to_string();
    if out.chars().count() > MAX_SIGNATURE {
        let mut cut: String = out.chars().take(MAX_SIGNATURE).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(file: &str, owns_dir: bool) -> FileCx {
        FileCx {
            file: file.into(),
            module: vec!["m".into()],
            owns_dir,
        }
    }

    #[test]
    fn signatures_are_one_line_without_comments_or_trailing_commas() {
        assert_eq!(
            compact(
                "pub fn get(\n    &self,\n    key: &ObjectRef<K>, // the key\n) -> Option<Arc<K>>"
            ),
            "pub fn get(&self, key: &ObjectRef<K>) -> Option<Arc<K>>"
        );
        assert_eq!(
            compact("pub fn run<\n    F: Fn() -> u8,\n>(f: F)\nwhere\n    F: Send,\n"),
            "pub fn run<F: Fn() -> u8>(f: F) where F: Send"
        );
        assert_eq!(compact("fn s(x: /* inline */ &str)"), "fn s(x: &str)");
        assert_eq!(
            compact("const A: &str = \"a  //b\";"),
            "const A: &str = \"a  //b\";"
        );
        let long = format!("fn f({})", "a: u8, ".repeat(100));
        assert!(compact(&long).ends_with('…'));
    }

    #[test]
    fn paths_are_normalized_inside_the_repository() {
        assert_eq!(normalize("a/src/./x/../y.rs").as_deref(), Ok("a/src/y.rs"));
        assert_eq!(normalize("a/../b.rs").as_deref(), Ok("b.rs"));
        assert!(normalize("a/../../b.rs").is_err());
        assert!(normalize("/etc/passwd").is_err());
        assert!(normalize("C:/x.rs").is_err());
    }

    #[test]
    fn impl_self_types_lose_generics_references_and_paths() {
        for (ty, want) in [
            ("Store<K>", Some("Store")),
            ("&'a mut crate::x::Foo<T, U>", Some("Foo")),
            ("super::Store<K>", Some("Store")),
            ("*const Raw", Some("Raw")),
            ("(Paren)", Some("Paren")),
            ("dyn Trait", None),
            ("(A, B)", None),
        ] {
            let parsed: Type = syn::parse_str(ty).unwrap();
            assert_eq!(type_name(&parsed).as_deref(), want, "{ty}");
        }
    }

    #[test]
    fn module_files_follow_the_2018_layout() {
        let src =
            "mod a;\nmod b { mod c; #[path = \"p.rs\"] mod d; }\n#[path = \"q/r.rs\"] mod e;\n";
        // A non-mod.rs file: children in its stem's folder; #[path] beside the file.
        let out = extract(&cx("src/m.rs", false), src.as_bytes());
        let mods: Vec<(String, Vec<String>, bool)> = out
            .mods
            .iter()
            .map(|m| (m.module.join("::"), m.candidates.clone(), m.by_path_attr))
            .collect();
        assert_eq!(
            mods,
            [
                (
                    "m::a".into(),
                    vec!["src/m/a.rs".into(), "src/m/a/mod.rs".into()],
                    false
                ),
                (
                    "m::b::c".into(),
                    vec!["src/m/b/c.rs".into(), "src/m/b/c/mod.rs".into()],
                    false
                ),
                ("m::b::d".into(), vec!["src/m/b/p.rs".into()], true),
                ("m::e".into(), vec!["src/q/r.rs".into()], true),
            ]
        );
        // A mod.rs file owns its folder.
        let out = extract(&cx("src/m/mod.rs", true), src.as_bytes());
        assert_eq!(out.mods[0].candidates, ["src/m/a.rs", "src/m/a/mod.rs"]);
        assert_eq!(out.mods[2].candidates, ["src/m/b/p.rs"]);
        assert_eq!(out.mods[3].candidates, ["src/m/q/r.rs"]);
    }

    #[test]
    fn ranges_skip_doc_comments_but_keep_other_attributes() {
        let src =
            "/// Doc.\n#[inline]\n/// More.\npub fn f() {\n}\n\n/// Only doc.\npub struct S;\n";
        let out = extract(&cx("src/lib.rs", true), src.as_bytes());
        let f = &out.items[0];
        assert_eq!((f.start_line, f.end_line), (2, 5));
        assert_eq!(f.doc, "Doc.\nMore.");
        assert_eq!(f.signature, "pub fn f()");
        let s = &out.items[1];
        assert_eq!((s.start_line, s.end_line), (8, 8));
        assert_eq!(s.signature, "pub struct S;");
    }

    #[test]
    fn items_inside_braced_wrapper_macros_are_read() {
        let src = "cfg_client! {\n    pub mod api;\n    pub use api::Api;\n}\nlazy_static! { static ref X: u8 = 1; }\nfoo!(pub fn hidden() {});\n";
        let out = extract(&cx("src/lib.rs", true), src.as_bytes());
        assert_eq!(out.mods.len(), 1);
        assert_eq!(out.mods[0].candidates[0], "src/api.rs");
        assert_eq!(out.uses.len(), 1);
        assert!(out.items.is_empty(), "{:?}", out.items);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
    }

    #[test]
    fn syntax_errors_are_problems_with_a_position() {
        let out = extract(&cx("src/bad.rs", true), b"fn ok() {}\nfn bad( {\n");
        assert!(out.items.is_empty());
        assert_eq!(out.problems.len(), 1);
        assert!(
            out.problems[0].starts_with("src/bad.rs:"),
            "{:?}",
            out.problems
        );
    }

    #[test]
    fn use_trees_flatten_to_names_and_targets() {
        let src = "pub use self::a::{b::C, D as E, f::*, g::{self}};\nuse hidden::X;\npub use ::ext::Y;\n";
        let out = extract(&cx("src/lib.rs", true), src.as_bytes());
        let uses: Vec<(Option<&str>, String, bool)> = out
            .uses
            .iter()
            .map(|u| (u.name.as_deref(), u.target.join("::"), u.leading_colon))
            .collect();
        assert_eq!(
            uses,
            [
                (Some("C"), "self::a::b::C".into(), false),
                (Some("E"), "self::a::D".into(), false),
                (None, "self::a::f".into(), false),
                (Some("g"), "self::a::g".into(), false),
                (Some("Y"), "ext::Y".into(), true),
            ]
        );
    }
}
