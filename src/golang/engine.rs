//! Go behind the language seam.

use super::resolve::Resolver;
use super::symbol::Symbol;
use indicatif::ProgressBar;

use crate::item::{CallEdge, Caller, Engine, ItemRef, Language, Leads, Missing, Query, Resolution};
use crate::source::{Snapshot, SourceError};

/// The Go engine: tree-sitter-go declarations, packages by import path.
pub struct Go;

impl Engine for Go {
    fn parse(&self, text: &str) -> Result<ItemRef, String> {
        let symbol = Symbol::parse(text).map_err(|e| e.to_string())?;
        Ok(item_ref(&symbol))
    }

    fn resolve(
        &self,
        snapshot: &Snapshot,
        root_module: Option<&str>,
        queries: &[Query<'_>],
    ) -> Result<Vec<Resolution>, SourceError> {
        Resolver::new(snapshot, root_module)?.resolve(queries)
    }

    fn highlighting(&self) -> Option<&'static tree_sitter_highlight::HighlightConfiguration> {
        static CONFIG: std::sync::OnceLock<Option<tree_sitter_highlight::HighlightConfiguration>> =
            std::sync::OnceLock::new();
        crate::item::configured(&CONFIG, super::highlight::configuration)
    }

    fn leads(
        &self,
        old: &Snapshot,
        new: &Snapshot,
        root_module: Option<&str>,
        missing: &[Missing<'_>],
        progress: &ProgressBar,
    ) -> Result<Vec<Leads>, SourceError> {
        super::leads::leads(old, new, root_module, missing, progress)
    }

    fn calls(
        &self,
        snapshot: &Snapshot,
        root_module: Option<&str>,
        callers: &[Caller<'_>],
        dispatch_candidates: &[ItemRef],
    ) -> Result<Vec<Vec<CallEdge>>, SourceError> {
        super::calls::calls(snapshot, root_module, callers, dispatch_candidates)
    }

    fn signature_key(&self, signature: &str) -> String {
        super::type_key(signature)
    }
}

/// The parts of a Go symbol. The text alone does not say where a dotted import path ends
/// (`gopkg.in/yaml.v2.Decoder.Decode`): the method reading is taken unless its receiver is a
/// major-version element (`v2`); the resolver still tries every reading.
fn item_ref(symbol: &Symbol) -> ItemRef {
    let text = symbol.as_str();
    let splits = symbol.splits();
    let split = splits
        .iter()
        .find(|s| !s.name.receiver.as_deref().is_some_and(is_major_version))
        .unwrap_or(&splits[0]);
    let package_end = split.import_path.len();
    let short_start = text[..package_end].rfind('/').map_or(0, |i| i + 1);
    ItemRef::new(
        Language::Go,
        text,
        package_end,
        package_end + 1,
        short_start,
        split.name.clone(),
    )
}

/// `v2`, `v10`: the last element of a major-version import path, never a type name.
fn is_major_version(s: &str) -> bool {
    s.strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (String, String, String, String) {
        let r = Go.parse(text).unwrap();
        let (pkg, name) = r.heading();
        (
            r.package().to_string(),
            r.name().to_string(),
            r.short().to_string(),
            format!("{pkg}|{name}"),
        )
    }

    #[test]
    fn a_method_splits_at_its_package() {
        assert_eq!(
            parts("k8s.io/client-go/tools/cache.DeltaFIFO.Pop"),
            (
                "k8s.io/client-go/tools/cache".into(),
                "DeltaFIFO.Pop".into(),
                "cache.DeltaFIFO.Pop".into(),
                "k8s.io/client-go/tools/cache.|DeltaFIFO.Pop".into()
            )
        );
    }

    #[test]
    fn dotted_module_paths_keep_their_dots() {
        assert_eq!(
            parts("gopkg.in/yaml.v2.Unmarshal"),
            (
                "gopkg.in/yaml.v2".into(),
                "Unmarshal".into(),
                "yaml.v2.Unmarshal".into(),
                "gopkg.in/yaml.v2.|Unmarshal".into()
            )
        );
        assert_eq!(
            parts("gopkg.in/yaml.v2.Decoder.Decode"),
            (
                "gopkg.in/yaml.v2".into(),
                "Decoder.Decode".into(),
                "yaml.v2.Decoder.Decode".into(),
                "gopkg.in/yaml.v2.|Decoder.Decode".into()
            )
        );
        assert_eq!(parts("k8s.io/klog/v2.Infof").0, "k8s.io/klog/v2");
    }

    #[test]
    fn a_malformed_symbol_says_why() {
        assert!(Go.parse("k8s.io/x.*T.M").unwrap_err().contains("*T"));
    }
}
