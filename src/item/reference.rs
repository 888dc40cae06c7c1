//! [`ItemRef`]: one item as the mapping spells it, in any language, with its parts.

use std::fmt;

use super::{Language, QualName};

/// An item of code as the mapping and `find` write it: a Go symbol
/// (`k8s.io/client-go/tools/cache.DeltaFIFO.Pop`) or a Rust path
/// (`kube_runtime::reflector::store::Store::get`). Each language's engine parses the text and
/// says where the package (Go import path, Rust module path) ends and the name begins, so
/// nothing else splits symbols.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemRef {
    language: Language,
    text: String,
    package_end: usize,
    name_start: usize,
    short_start: usize,
    name: QualName,
}

impl ItemRef {
    /// For engines: `text[..package_end]` is the package, `text[name_start..]` the name
    /// (`name`, in the neutral form), `text[short_start..]` what a reader calls it.
    ///
    /// # Panics
    /// If the offsets are out of order or not on character boundaries of `text`.
    pub fn new(
        language: Language,
        text: &str,
        package_end: usize,
        name_start: usize,
        short_start: usize,
        name: QualName,
    ) -> Self {
        assert!(
            short_start <= package_end
                && package_end <= name_start
                && name_start <= text.len()
                && [short_start, package_end, name_start]
                    .iter()
                    .all(|&i| text.is_char_boundary(i)),
            "item parts out of order in {text:?}"
        );
        Self {
            language,
            text: text.to_string(),
            package_end,
            name_start,
            short_start,
            name,
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The whole text, as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The Go import path or the Rust module path (`kube_runtime::reflector::store`).
    pub fn package(&self) -> &str {
        &self.text[..self.package_end]
    }

    /// `Name` or `Receiver.Name` (`Type.method` for a Rust impl or trait member).
    pub fn name(&self) -> &QualName {
        &self.name
    }

    /// What a reader calls it: the package's last element and the name
    /// (`cache.DeltaFIFO.Pop`, `store::Store::get`).
    pub fn short(&self) -> &str {
        &self.text[self.short_start..]
    }

    /// A heading in two parts, the package with its separator (shown muted) and the name:
    /// `("k8s.io/client-go/tools/cache.", "DeltaFIFO.Pop")`.
    pub fn heading(&self) -> (&str, &str) {
        self.text.split_at(self.name_start)
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for ItemRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}
