//! Resolution over a small synthetic workspace committed to a temp repository: module files
//! in both layouts, inline modules, `#[path]`, re-exports (renames, globs, another crate),
//! impls, traits, `#[cfg]` twins, a file that does not parse.

use super::crates::find_crates;
use super::resolve;
use crate::item::{Engine as _, ItemRef, Kind, Query, Resolution, Status};
use crate::source::{Snapshot, test_snapshot};

const ROOT: &str = r#"[workspace]
members = ["alpha", "beta", "crates/*"]
"#;

const ALPHA_TOML: &str = r#"[package]
name = "alpha-core"
version = "0.1.0"
"#;

const ALPHA_LIB: &str = r#"//! Alpha.
pub mod store;
pub mod reflector;
#[path = "odd/place.rs"]
pub mod placed;
#[path = "../../../outside.rs"]
mod escape;
pub mod broken;
pub mod traits;

pub mod inline_mod {
    /// Inline.
    pub fn inline_fn() {}
    pub mod deeper;
    #[path = "elsewhere.rs"]
    pub mod pathed;
}

pub use store::Store;
pub use crate::reflector::{reflect, writer::Writer as StoreWriter};
pub use self::traits::*;
pub use beta::Shared;
pub use beta::Loop;

#[macro_export]
macro_rules! my_macro {
    () => {};
}

pub static COUNTER: u32 = 0;
pub const LIMIT: usize = 10;
pub type Result<T> = std::result::Result<T, Error>;

/// Errors.
pub enum Error {
    A,
    B,
}

#[cfg(feature = "x")]
pub fn twin() -> u8 {
    1
}

#[cfg(not(feature = "x"))]
pub fn twin() -> u8 {
    2
}

pub fn dup() {}
pub fn dup() {}
"#;

const ALPHA_STORE: &str = r"use std::sync::Arc;

mod inner;

/// A cache.
///
/// Second paragraph.
#[derive(Clone)]
pub struct Store<K: Clone> {
    items: Vec<K>,
}

impl<K: Clone> Store<K> {
    /// Get one.
    pub fn get(
        &self,
        key: &str, // the key
    ) -> Option<Arc<K>> {
        None
    }
}

impl<K: Clone> Default for Store<K> {
    fn default() -> Self {
        Store { items: Vec::new() }
    }
}
";

const ALPHA_STORE_INNER: &str = r"impl<K: Clone> super::Store<K> {
    pub fn len(&self) -> usize {
        self.items.len()
    }
}
";

const ALPHA_REFLECTOR: &str = r"pub mod writer;

pub fn reflect() {}

/// Exported from a module: named at the crate root too.
#[macro_export]
macro_rules! reflect_macro {
    () => {};
}
";

const ALPHA_WRITER: &str = r"pub struct Writer;
";

const ALPHA_PLACE: &str = r"mod sub;
pub fn placed_fn() {}
";

const ALPHA_TRAITS: &str = r#"/// A resource.
pub trait Resource: Sized {
    /// Its kind.
    fn kind(&self) -> String;
    const GROUP: &'static str;
}

impl Resource for &crate::Error {
    fn kind(&self) -> String {
        String::new()
    }
    const GROUP: &'static str = "";
}
"#;

const BETA_TOML: &str = r#"[package]
name = "beta"

[lib]
path = "src/beta.rs"
"#;

const BETA_LIB: &str = r"/// Shared.
pub struct Shared;
pub use alpha_core::Loop;
";

fn fixture() -> (tempfile::TempDir, Snapshot) {
    test_snapshot(&[
        ("Cargo.toml", ROOT),
        ("alpha/Cargo.toml", ALPHA_TOML),
        ("alpha/src/lib.rs", ALPHA_LIB),
        ("alpha/src/store.rs", ALPHA_STORE),
        ("alpha/src/store/inner.rs", ALPHA_STORE_INNER),
        ("alpha/src/reflector/mod.rs", ALPHA_REFLECTOR),
        ("alpha/src/reflector/writer.rs", ALPHA_WRITER),
        ("alpha/src/odd/place.rs", ALPHA_PLACE),
        ("alpha/src/odd/sub.rs", "pub fn sub_fn() {}\n"),
        ("alpha/src/traits.rs", ALPHA_TRAITS),
        ("alpha/src/broken.rs", "pub fn broken( {\n"),
        ("alpha/src/inline_mod/deeper.rs", "pub fn deep() {}\n"),
        ("alpha/src/inline_mod/elsewhere.rs", "pub fn far() {}\n"),
        ("outside.rs", "pub fn escaped() {}\n"),
        ("beta/Cargo.toml", BETA_TOML),
        ("beta/src/beta.rs", BETA_LIB),
        ("crates/delta/Cargo.toml", "[package]\nname = \"delta\"\n"),
        ("crates/delta/src/lib.rs", "pub fn d() {}\n"),
        ("crates/tool/Cargo.toml", "[package]\nname = \"tool\"\n"),
        ("crates/tool/src/main.rs", "fn main() {}\n"),
    ])
}

fn item(symbol: &str) -> ItemRef {
    super::Rust.parse(symbol).unwrap()
}

fn one(snapshot: &Snapshot, symbol: &str) -> Resolution {
    let item = item(symbol);
    resolve(
        snapshot,
        &[Query {
            item: &item,
            file_hint: None,
        }],
    )
    .unwrap()
    .remove(0)
}

#[track_caller]
fn found(snapshot: &Snapshot, symbol: &str, file: &str, line: usize, kind: Kind) -> Resolution {
    let r = one(snapshot, symbol);
    assert_eq!(r.status, Status::Found, "{symbol}: {:?}", r.reason);
    assert_eq!(r.file.as_deref(), Some(file), "{symbol}");
    assert_eq!(r.start_line, Some(line), "{symbol}");
    assert_eq!(r.kind, Some(kind), "{symbol}");
    r
}

#[test]
fn crates_come_from_workspace_members_and_globs() {
    let (_dir, snapshot) = fixture();
    let crates = find_crates(&snapshot).unwrap();
    let names: Vec<(&str, &str)> = crates
        .crates
        .iter()
        .map(|c| (c.name.as_str(), c.lib_root.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("alpha_core", "alpha/src/lib.rs"),
            ("beta", "beta/src/beta.rs"),
            ("crates/delta", "crates/delta/src/lib.rs"),
        ]
        .map(|(n, r)| (n.rsplit('/').next().unwrap(), r))
    );
}

#[test]
fn module_files_in_both_layouts_and_inline_modules() {
    let (_dir, snapshot) = fixture();
    found(
        &snapshot,
        "alpha_core::reflector::writer::Writer",
        "alpha/src/reflector/writer.rs",
        1,
        Kind::Struct,
    );
    found(
        &snapshot,
        "alpha_core::reflector::reflect",
        "alpha/src/reflector/mod.rs",
        3,
        Kind::Func,
    );
    let r = found(
        &snapshot,
        "alpha_core::inline_mod::inline_fn",
        "alpha/src/lib.rs",
        13,
        Kind::Func,
    );
    assert_eq!(r.doc.as_deref(), Some("Inline."));
    found(
        &snapshot,
        "alpha_core::inline_mod::deeper::deep",
        "alpha/src/inline_mod/deeper.rs",
        1,
        Kind::Func,
    );
}

#[test]
fn path_attributes_are_followed_and_may_not_escape() {
    let (_dir, snapshot) = fixture();
    found(
        &snapshot,
        "alpha_core::placed::placed_fn",
        "alpha/src/odd/place.rs",
        2,
        Kind::Func,
    );
    // A #[path] file owns its folder, as mod.rs does: `mod sub;` is odd/sub.rs.
    found(
        &snapshot,
        "alpha_core::placed::sub::sub_fn",
        "alpha/src/odd/sub.rs",
        1,
        Kind::Func,
    );
    found(
        &snapshot,
        "alpha_core::inline_mod::pathed::far",
        "alpha/src/inline_mod/elsewhere.rs",
        1,
        Kind::Func,
    );
    let r = one(&snapshot, "alpha_core::escape::escaped");
    assert_eq!(r.status, Status::Missing);
    let reason = r.reason.unwrap();
    assert!(
        reason.contains(
            "#[path = \"../../../outside.rs\"] on `mod escape` climbs out of the repository"
        ),
        "{reason}"
    );
}

#[test]
fn structs_impls_and_signatures() {
    let (_dir, snapshot) = fixture();
    let r = found(
        &snapshot,
        "alpha_core::store::Store",
        "alpha/src/store.rs",
        8,
        Kind::Struct,
    );
    assert_eq!(r.end_line, Some(11));
    assert_eq!(r.signature.as_deref(), Some("pub struct Store<K: Clone>"));
    assert_eq!(r.doc.as_deref(), Some("A cache.\n\nSecond paragraph."));
    let r = found(
        &snapshot,
        "alpha_core::store::Store::get",
        "alpha/src/store.rs",
        15,
        Kind::Method,
    );
    assert_eq!(r.end_line, Some(20));
    assert_eq!(
        r.signature.as_deref(),
        Some("pub fn get(&self, key: &str) -> Option<Arc<K>>")
    );
    assert_eq!(r.doc.as_deref(), Some("Get one."));
    // Generics and `super::` stripped from the self type; the impl is in another file.
    found(
        &snapshot,
        "alpha_core::store::Store::len",
        "alpha/src/store/inner.rs",
        2,
        Kind::Method,
    );
    // A trait impl's method is Type::method too.
    found(
        &snapshot,
        "alpha_core::store::Store::default",
        "alpha/src/store.rs",
        24,
        Kind::Method,
    );
}

#[test]
fn traits_declared_and_implemented() {
    let (_dir, snapshot) = fixture();
    let r = found(
        &snapshot,
        "alpha_core::traits::Resource",
        "alpha/src/traits.rs",
        2,
        Kind::Trait,
    );
    assert_eq!(r.signature.as_deref(), Some("pub trait Resource: Sized"));
    let r = found(
        &snapshot,
        "alpha_core::traits::Resource::kind",
        "alpha/src/traits.rs",
        4,
        Kind::TraitMethod,
    );
    assert_eq!(r.signature.as_deref(), Some("fn kind(&self) -> String"));
    found(
        &snapshot,
        "alpha_core::traits::Resource::GROUP",
        "alpha/src/traits.rs",
        5,
        Kind::Const,
    );
    // `impl Resource for &crate::Error`: the reference and path are stripped.
    found(
        &snapshot,
        "alpha_core::Error::kind",
        "alpha/src/traits.rs",
        9,
        Kind::Method,
    );
}

#[test]
fn enums_aliases_consts_statics_macros() {
    let (_dir, snapshot) = fixture();
    let r = found(
        &snapshot,
        "alpha_core::Error",
        "alpha/src/lib.rs",
        35,
        Kind::Enum,
    );
    assert_eq!(r.signature.as_deref(), Some("pub enum Error"));
    assert_eq!(r.end_line, Some(38));
    let r = found(
        &snapshot,
        "alpha_core::Result",
        "alpha/src/lib.rs",
        32,
        Kind::Alias,
    );
    assert_eq!(
        r.signature.as_deref(),
        Some("pub type Result<T> = std::result::Result<T, Error>;")
    );
    let r = found(
        &snapshot,
        "alpha_core::LIMIT",
        "alpha/src/lib.rs",
        31,
        Kind::Const,
    );
    assert_eq!(r.signature.as_deref(), Some("pub const LIMIT: usize = 10;"));
    found(
        &snapshot,
        "alpha_core::COUNTER",
        "alpha/src/lib.rs",
        30,
        Kind::Static,
    );
    for path in [
        "alpha_core::reflect_macro",
        "alpha_core::reflector::reflect_macro",
    ] {
        let r = found(
            &snapshot,
            path,
            "alpha/src/reflector/mod.rs",
            6,
            Kind::Macro,
        );
        assert_eq!(
            r.doc.as_deref(),
            Some("Exported from a module: named at the crate root too.")
        );
    }
    let r = found(
        &snapshot,
        "alpha_core::my_macro",
        "alpha/src/lib.rs",
        25,
        Kind::Macro,
    );
    assert_eq!(r.signature.as_deref(), Some("macro_rules! my_macro"));
    assert_eq!(r.end_line, Some(28));
}

#[test]
fn re_exports_renames_globs_and_other_crates() {
    let (_dir, snapshot) = fixture();
    let r = found(
        &snapshot,
        "alpha_core::Store",
        "alpha/src/store.rs",
        8,
        Kind::Struct,
    );
    assert_eq!(
        r.reason.as_deref(),
        Some("a re-export: defined as alpha_core::store::Store")
    );
    // A method through the re-exported type.
    found(
        &snapshot,
        "alpha_core::Store::get",
        "alpha/src/store.rs",
        15,
        Kind::Method,
    );
    found(
        &snapshot,
        "alpha_core::StoreWriter",
        "alpha/src/reflector/writer.rs",
        1,
        Kind::Struct,
    );
    found(
        &snapshot,
        "alpha_core::reflect",
        "alpha/src/reflector/mod.rs",
        3,
        Kind::Func,
    );
    // Glob: `pub use self::traits::*`.
    found(
        &snapshot,
        "alpha_core::Resource::kind",
        "alpha/src/traits.rs",
        4,
        Kind::TraitMethod,
    );
    // Another crate of the workspace.
    let r = found(
        &snapshot,
        "alpha_core::Shared",
        "beta/src/beta.rs",
        2,
        Kind::Struct,
    );
    assert_eq!(
        r.reason.as_deref(),
        Some("a re-export: defined as beta::Shared")
    );
    // A re-export loop between the crates ends as missing, not as a hang.
    assert_eq!(one(&snapshot, "alpha_core::Loop").status, Status::Missing);
    assert_eq!(one(&snapshot, "beta::Loop").status, Status::Missing);
}

#[test]
fn cfg_twins_are_variants_and_plain_duplicates_are_ambiguous() {
    let (_dir, snapshot) = fixture();
    let r = found(
        &snapshot,
        "alpha_core::twin",
        "alpha/src/lib.rs",
        40,
        Kind::Func,
    );
    assert_eq!(r.variants.len(), 1);
    assert_eq!(r.variants[0].start_line, 45);
    let r = one(&snapshot, "alpha_core::dup");
    assert_eq!(r.status, Status::Ambiguous);
    assert_eq!(r.candidates.len(), 2);
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_the_rest_found() {
    let (_dir, snapshot) = fixture();
    let r = one(&snapshot, "alpha_core::broken::broken");
    assert_eq!(r.status, Status::Missing);
    let reason = r.reason.unwrap();
    assert!(
        reason.contains("alpha/src/broken.rs:1:") && reason.contains("syntax error"),
        "{reason}"
    );
    found(
        &snapshot,
        "alpha_core::LIMIT",
        "alpha/src/lib.rs",
        31,
        Kind::Const,
    );
}

#[test]
fn missing_items_suggest_near_names() {
    let (_dir, snapshot) = fixture();
    let r = one(&snapshot, "alpha_core::store::Store::gett");
    assert_eq!(r.status, Status::Missing);
    assert_eq!(r.candidates[0].symbol, "alpha_core::store::Store::get");
    let r = one(&snapshot, "alpha_core::watcher::store");
    assert!(
        r.candidates
            .iter()
            .any(|c| c.symbol == "alpha_core::store::Store"),
        "{:?}",
        r.candidates
    );
    let r = one(&snapshot, "nope::x");
    assert_eq!(
        r.reason.as_deref(),
        Some("crate nope not found in test@v1 (its library crates: alpha_core, beta, delta)")
    );
    // A malformed path never reaches the resolver: the engine refuses it when the mapping
    // or the command line is read.
    assert!(
        super::Rust
            .parse("alpha_core::Store<K>::get")
            .unwrap_err()
            .contains("not an identifier")
    );
}

#[test]
fn a_file_hint_picks_among_twins_and_flags_a_stale_hint() {
    let (_dir, snapshot) = fixture();
    let get = item("alpha_core::store::Store::get");
    let r = resolve(
        &snapshot,
        &[
            Query {
                item: &get,
                file_hint: Some("alpha/src/store.rs"),
            },
            Query {
                item: &get,
                file_hint: Some("alpha/src/old.rs"),
            },
        ],
    )
    .unwrap();
    assert_eq!(r[0].reason, None);
    assert_eq!(
        r[1].reason.as_deref(),
        Some("file hint alpha/src/old.rs is out of date: defined in alpha/src/store.rs")
    );
}

#[test]
fn a_broken_manifest_is_named_where_its_crate_is_missed() {
    let (_dir, snapshot) = test_snapshot(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"good\", \"bad\"]\n"),
        ("good/Cargo.toml", "[package]\nname = \"good\"\n"),
        ("good/src/lib.rs", "pub fn ok() {}\n"),
        ("bad/Cargo.toml", "[package\nname = \"bad\"\n"),
        ("bad/src/lib.rs", "pub fn lost() {}\n"),
    ]);
    let r = one(&snapshot, "bad::lost");
    assert_eq!(r.status, Status::Missing);
    let reason = r.reason.unwrap();
    assert!(
        reason.contains("1 manifest problem(s): bad/Cargo.toml:"),
        "{reason}"
    );
    // A crate that is there is still found, broken neighbour or not.
    assert_eq!(one(&snapshot, "good::ok").status, Status::Found);
}
