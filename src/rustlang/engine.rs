//! Rust behind the language seam.

use super::symbol::RustPath;
use indicatif::ProgressBar;

use crate::item::{
    Candidate, Engine, Found, ItemRef, Language, Leads, Missing, QualName, Query, Resolution,
};
use crate::source::{FileLines, Snapshot, SourceError};

/// The Rust engine: items of a workspace's crates found with syn, named by crate path.
pub struct Rust;

impl Engine for Rust {
    fn parse(&self, text: &str) -> Result<ItemRef, String> {
        RustPath::parse(text).map_err(|e| e.to_string())?;
        Ok(item_ref(text))
    }

    fn resolve(
        &self,
        snapshot: &Snapshot,
        _root_module: Option<&str>,
        queries: &[Query<'_>],
    ) -> Result<Vec<Resolution>, SourceError> {
        super::resolve(snapshot, queries)
    }

    fn highlighting(&self) -> Option<&'static tree_sitter_highlight::HighlightConfiguration> {
        static CONFIG: std::sync::OnceLock<Option<tree_sitter_highlight::HighlightConfiguration>> =
            std::sync::OnceLock::new();
        crate::item::configured(&CONFIG, super::highlight::configuration)
    }

    /// A missing item's leads are the resolver's near names at `new` (the same last name in
    /// another module or type, another case, a small edit), each with its text.
    fn leads(
        &self,
        _old: &Snapshot,
        new: &Snapshot,
        _root_module: Option<&str>,
        missing: &[Missing<'_>],
        _progress: &ProgressBar,
    ) -> Result<Vec<Leads>, SourceError> {
        let queries: Vec<Query<'_>> = missing
            .iter()
            .map(|m| Query {
                item: m.item,
                file_hint: Some(m.file),
            })
            .collect();
        let mut files = FileLines::new(new);
        let mut out = Vec::with_capacity(missing.len());
        for (m, r) in missing.iter().zip(super::resolve(new, &queries)?) {
            let near: Vec<(&Candidate, ItemRef)> = r
                .candidates
                .iter()
                .filter_map(|c| Some((c, self.parse(&c.symbol).ok()?)))
                .collect();
            let near_queries: Vec<Query<'_>> = near
                .iter()
                .map(|(c, item)| Query {
                    item,
                    file_hint: Some(c.file.as_str()),
                })
                .collect();
            let mut elsewhere = Vec::with_capacity(near.len());
            for ((c, item), at) in near.iter().zip(super::resolve(new, &near_queries)?) {
                let end_line = at.end_line.unwrap_or(c.start_line);
                elsewhere.push(Found {
                    symbol: c.symbol.clone(),
                    package: item.package().to_string(),
                    name: item.name().clone(),
                    kind: c.kind,
                    file: c.file.clone(),
                    start_line: c.start_line,
                    end_line,
                    signature: at.signature.unwrap_or_default(),
                    text: files.lines(&c.file, c.start_line, end_line)?,
                });
            }
            out.push(Leads {
                package: m.item.package().to_string(),
                name: m.item.name().clone(),
                promoted: None,
                same_package: Vec::new(),
                elsewhere,
            });
        }
        Ok(out)
    }

    /// Rust signatures are compared as text, spaces kept only between two words.
    fn signature_key(&self, signature: &str) -> String {
        crate::item::squeeze_spaces(signature)
    }
}

/// The parts of a valid Rust path: `Type::member` when the segment before the last starts
/// with a capital (a type or trait), else the last segment alone; the module path before it.
fn item_ref(text: &str) -> ItemRef {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices("::").map(|(i, _)| i + 2))
        .collect();
    let segment = |i: usize| {
        let end = starts.get(i + 1).map_or(text.len(), |s| s - 2);
        &text[starts[i]..end]
    };
    let n = starts.len();
    let unraw = |s: &str| s.strip_prefix("r#").unwrap_or(s).to_string();
    let owner = segment(n - 2);
    let typed = n >= 3 && owner.starts_with(|c: char| c.is_uppercase());
    let name_parts = if typed { 2 } else { 1 };
    let name = if typed {
        QualName::method(unraw(owner), unraw(segment(n - 1)))
    } else {
        QualName::plain(unraw(segment(n - 1)))
    };
    let name_start = starts[n - name_parts];
    let package_end = name_start - 2;
    let short_start = starts[n - name_parts - 1];
    ItemRef::new(
        Language::Rust,
        text,
        package_end,
        name_start,
        short_start,
        name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_of_a_type_is_type_and_member() {
        let r = Rust
            .parse("kube_runtime::reflector::store::Store::get")
            .unwrap();
        assert_eq!(r.package(), "kube_runtime::reflector::store");
        assert_eq!(r.name().to_string(), "Store.get");
        assert_eq!(r.short(), "store::Store::get");
        assert_eq!(
            r.heading(),
            ("kube_runtime::reflector::store::", "Store::get")
        );
    }

    #[test]
    fn a_function_of_a_crate_root() {
        let r = Rust.parse("kube_runtime::watcher").unwrap();
        assert_eq!(r.package(), "kube_runtime");
        assert_eq!(r.name().to_string(), "watcher");
        assert_eq!(r.short(), "kube_runtime::watcher");
        assert!(Rust.parse("kube_runtime").is_err());
    }
}
