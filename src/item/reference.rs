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

fn in_order(text: &str, short_start: usize, package_end: usize, name_start: usize) -> bool {
    short_start <= package_end
        && package_end <= name_start
        && name_start <= text.len()
        && [short_start, package_end, name_start]
            .iter()
            .all(|&i| text.is_char_boundary(i))
}

/// An [`ItemRef`] as stored whole (a remembered mapping; its `Serialize` is the text alone,
/// for output): the parts are checked when read back, so a damaged file is an error, never a
/// panic later. Use with `#[serde(with = "crate::item::stored")]`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Parts {
    language: Language,
    text: String,
    package_end: usize,
    name_start: usize,
    short_start: usize,
    name: QualName,
}

impl TryFrom<Parts> for ItemRef {
    type Error = String;

    fn try_from(p: Parts) -> Result<Self, String> {
        if !in_order(&p.text, p.short_start, p.package_end, p.name_start) {
            return Err(format!("item parts out of order in {:?}", p.text));
        }
        Ok(Self {
            language: p.language,
            text: p.text,
            package_end: p.package_end,
            name_start: p.name_start,
            short_start: p.short_start,
            name: p.name,
        })
    }
}

impl From<&ItemRef> for Parts {
    fn from(r: &ItemRef) -> Self {
        Self {
            language: r.language,
            text: r.text.clone(),
            package_end: r.package_end,
            name_start: r.name_start,
            short_start: r.short_start,
            name: r.name.clone(),
        }
    }
}

/// `serde(with)` for an [`ItemRef`] stored with its parts.
pub mod stored {
    use serde::{Deserialize as _, Deserializer, Serialize as _, Serializer};

    use super::{ItemRef, Parts};

    pub fn serialize<S: Serializer>(r: &ItemRef, s: S) -> Result<S::Ok, S::Error> {
        Parts::from(r).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ItemRef, D::Error> {
        ItemRef::try_from(Parts::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    /// The same for an `Option<ItemRef>`.
    pub mod option {
        use serde::{Deserialize as _, Deserializer, Serialize as _, Serializer};

        use super::super::{ItemRef, Parts};

        #[allow(clippy::ref_option)] // the signature serde(with) calls
        pub fn serialize<S: Serializer>(r: &Option<ItemRef>, s: S) -> Result<S::Ok, S::Error> {
            r.as_ref().map(Parts::from).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ItemRef>, D::Error> {
            Option::<Parts>::deserialize(d)?
                .map(ItemRef::try_from)
                .transpose()
                .map_err(serde::de::Error::custom)
        }
    }
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
            in_order(text, short_start, package_end, name_start),
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
