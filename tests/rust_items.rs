//! `find` on Rust paths through the real binary: a small kube-rs-like workspace in a temp
//! mirror, at two tags.

use git2::Repository;
use predicates::prelude::*;
use serde_json::Value;

use crate::util::{Workspace, commit_and_tag, write};

const LIB_V1: &str = "//! Runtime.
pub mod reflector;

pub use reflector::store::Store;
pub use kube_core::Resource;
";

const STORE_V1: &str = "/// A cache.
pub struct Store<K> {
    items: Vec<K>,
}

impl<K> Store<K> {
    /// Get one.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&K> {
        None
    }
}
";

/// v2: `get` moved into its own file and `Store` gained a line.
const STORE_V2: &str = "/// A cache.
///
/// Now with more words.
pub struct Store<K> {
    items: Vec<K>,
}

mod get;
";

const GET_V2: &str = "impl<K> super::Store<K> {
    /// Get one.
    pub fn get(&self, key: &str) -> Option<&K> {
        None
    }
}
";

/// A workspace with a `kube` repo (tags 1.0 and 2.0) in the mapping and the mirror.
fn workspace() -> Workspace {
    let ws = Workspace::new();
    let root = ws.path("mirrors/kube-rs/kube");
    let repo = Repository::init(&root).unwrap();
    write(
        &root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"kube-runtime\", \"kube-core\"]\n",
    );
    write(
        &root,
        "kube-runtime/Cargo.toml",
        "[package]\nname = \"kube-runtime\"\nversion = \"1.0.0\"\n",
    );
    write(&root, "kube-runtime/src/lib.rs", LIB_V1);
    write(
        &root,
        "kube-runtime/src/reflector/mod.rs",
        "pub mod store;\n",
    );
    write(&root, "kube-runtime/src/reflector/store.rs", STORE_V1);
    write(
        &root,
        "kube-core/Cargo.toml",
        "[package]\nname = \"kube-core\"\nversion = \"1.0.0\"\n",
    );
    write(
        &root,
        "kube-core/src/lib.rs",
        "/// Something in the API.\npub trait Resource {\n    /// Its kind.\n    fn kind() -> String;\n}\n",
    );
    commit_and_tag(&repo, "1.0.0");
    write(&root, "kube-runtime/src/reflector/store.rs", STORE_V2);
    write(&root, "kube-runtime/src/reflector/store/get.rs", GET_V2);
    commit_and_tag(&repo, "2.0.0");
    let mapping = std::fs::read_to_string(ws.path("mapping.yaml")).unwrap();
    std::fs::write(
        ws.path("mapping.yaml"),
        mapping.replace(
            "repos:\n",
            "repos:\n  kube: { url: https://github.com/kube-rs/kube, pin: \"1.0.0\" }\n",
        ),
    )
    .unwrap();
    ws
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn a_rust_method_is_found_with_every_field() {
    let ws = workspace();
    let out = ws
        .cmd()
        .args([
            "find",
            "kube_runtime::reflector::store::Store::get",
            "--repo",
            "kube",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(v["status"], "found");
    assert_eq!(v["repo"], "kube");
    assert_eq!(v["version"], "1.0.0");
    assert_eq!(v["file"], "kube-runtime/src/reflector/store.rs");
    assert_eq!(
        (v["start_line"].as_u64(), v["end_line"].as_u64()),
        (Some(8), Some(11))
    );
    assert_eq!(v["kind"], "method");
    assert_eq!(v["signature"], "pub fn get(&self, key: &str) -> Option<&K>");
    assert_eq!(v["doc"], "Get one.");
    assert!(v["reason"].is_null());
}

#[test]
fn rust_paths_default_to_the_kube_repo_and_follow_moves_across_tags() {
    let ws = workspace();
    ws.cmd()
        .args(["find", "kube_runtime::Store::get", "--at", "2.0.0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "kube-runtime/src/reflector/store/get.rs:3-5",
        ))
        .stdout(predicate::str::contains("(method)"))
        .stdout(predicate::str::contains("[kube 2.0.0"));
}

#[test]
fn re_exports_from_another_crate_are_followed() {
    let ws = workspace();
    let out = ws
        .cmd()
        .args(["find", "kube_runtime::Resource::kind", "--format", "json"])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(v["file"], "kube-core/src/lib.rs");
    assert_eq!(v["kind"], "trait-method");
    assert_eq!(
        v["reason"],
        "a re-export: defined as kube_core::Resource::kind"
    );
}

#[test]
fn a_missing_rust_item_exits_1_with_suggestions() {
    let ws = workspace();
    ws.cmd()
        .args(["find", "kube_runtime::reflector::store::Store::gett"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "kube_runtime::reflector::store::Store::get",
        ));
}

#[test]
fn a_malformed_rust_path_is_a_usage_error() {
    let ws = workspace();
    ws.cmd()
        .args(["find", "kube-runtime::watcher"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("crate names use underscores"));
}
