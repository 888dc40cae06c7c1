//! Rust item paths as the mapping and `find` spell them: `crate_name::module::Item`, with
//! `Type::method` for impl methods and `Trait::method` for trait-declared ones.
//!
//! Which segments are modules and which are a type is not known from the text; the resolver
//! tries both readings.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RustPathError {
    #[error("a Rust path needs a crate and an item: `kube_runtime::watcher::watcher`")]
    TooShort,
    #[error("empty segment (`::::` or a leading or trailing `::`)")]
    EmptySegment,
    #[error("crate names use underscores in paths: `{0}`")]
    DashInCrate(String),
    #[error("start with the crate's name, not `{0}`")]
    Relative(String),
    #[error(
        "`{0}` is not an identifier (no generics, `&`, `*` or spaces: `Store::get`, not `Store<K>::get`)"
    )]
    NotIdent(String),
}

/// A parsed Rust item path. `segments` excludes the crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustPath {
    pub crate_name: String,
    pub segments: Vec<String>,
}

impl RustPath {
    pub fn parse(text: &str) -> Result<Self, RustPathError> {
        let parts: Vec<&str> = text.split("::").collect();
        if parts.len() < 2 {
            return Err(RustPathError::TooShort);
        }
        if parts.iter().any(|p| p.is_empty()) {
            return Err(RustPathError::EmptySegment);
        }
        let first = parts[0];
        if matches!(first, "crate" | "self" | "super" | "Self") {
            return Err(RustPathError::Relative(first.to_string()));
        }
        if first.contains('-') && is_ident(&first.replace('-', "_")) {
            return Err(RustPathError::DashInCrate(first.replace('-', "_")));
        }
        for p in &parts {
            if !is_ident(p) {
                return Err(RustPathError::NotIdent((*p).to_string()));
            }
        }
        Ok(Self {
            crate_name: first.to_string(),
            segments: parts[1..]
                .iter()
                .map(|s| strip_raw(s).to_string())
                .collect(),
        })
    }

    /// The last segment: the item's own name.
    pub fn name(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }
}

impl fmt::Display for RustPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.crate_name)?;
        for s in &self.segments {
            write!(f, "::{s}")?;
        }
        Ok(())
    }
}

/// `r#type` names the item `type`.
fn strip_raw(s: &str) -> &str {
    s.strip_prefix("r#").unwrap_or(s)
}

fn is_ident(s: &str) -> bool {
    let s = strip_raw(s);
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && s != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_crate_and_segments() {
        let p = RustPath::parse("kube_runtime::reflector::store::Store::get").unwrap();
        assert_eq!(p.crate_name, "kube_runtime");
        assert_eq!(p.segments, ["reflector", "store", "Store", "get"]);
        assert_eq!(p.name(), "get");
        assert_eq!(p.to_string(), "kube_runtime::reflector::store::Store::get");
        let raw = RustPath::parse("kube_core::r#type::Thing").unwrap();
        assert_eq!(raw.segments, ["type", "Thing"]);
    }

    #[test]
    fn malformed_paths_say_what_is_wrong() {
        let cases = [
            ("kube_runtime", RustPathError::TooShort),
            ("kube_runtime::", RustPathError::EmptySegment),
            ("::kube_runtime::watcher", RustPathError::EmptySegment),
            ("a::::b", RustPathError::EmptySegment),
            (
                "kube-runtime::watcher",
                RustPathError::DashInCrate("kube_runtime".into()),
            ),
            ("crate::watcher", RustPathError::Relative("crate".into())),
            ("self::watcher", RustPathError::Relative("self".into())),
            (
                "kube_runtime::Store<K>::get",
                RustPathError::NotIdent("Store<K>".into()),
            ),
            ("kube::1x", RustPathError::NotIdent("1x".into())),
            ("kube::_", RustPathError::NotIdent("_".into())),
            ("kube:: watcher", RustPathError::NotIdent(" watcher".into())),
        ];
        for (text, want) in cases {
            assert_eq!(RustPath::parse(text), Err(want), "{text}");
        }
    }
}
