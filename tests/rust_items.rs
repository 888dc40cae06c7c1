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
            "repos:\n  kube: { url: https://github.com/kube-rs/kube, lang: rust, pin: \"1.0.0\" }\n",
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

/// The widgets mapping with a Rust counterpart on its first step.
fn with_counterpart(ws: &Workspace) {
    let mapping = std::fs::read_to_string(ws.path("mapping.yaml")).unwrap();
    let mapping = mapping.replacen(
        "        note_zh: 构造。\n",
        "        note_zh: 构造。\n        counterpart:\n          symbol: kube_runtime::reflector::store::Store::get\n          file: kube-runtime/src/reflector/store.rs\n          note: A <b>cache</b> read, not a queue.\n          note_zh: 读缓存，不是队列。\n",
        1,
    );
    std::fs::write(ws.path("mapping.yaml"), mapping).unwrap();
}

#[test]
fn counterparts_are_checked_shown_in_guides_and_looked_up() {
    let ws = workspace();
    with_counterpart(&ws);
    ws.cmd()
        .args(["check", "--repo", "kube"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "1 steps (incl. 1 Rust counterparts): 1 found",
        ));
    let permalink =
        "https://github.com/kube-rs/kube/blob/1.0.0/kube-runtime/src/reflector/store.rs#L8-L11";
    for (format, file, needles) in [
        (
            "md",
            "widgets-tour.md",
            &[
                "### Rust counterpart · kube `1.0.0`",
                permalink,
                "```rust\n",
                "A \\<b\\>cache\\</b\\> read",
            ][..],
        ),
        (
            "html",
            "widgets-tour.html",
            &[
                "<aside class=\"counterpart\">",
                permalink,
                "A &lt;b&gt;cache&lt;/b&gt; read",
            ][..],
        ),
        ("json", "guide.json", &["\"counterpart\": {", permalink][..]),
        (
            "codetour",
            ".tours/widgets-tour.tour",
            // The note is Markdown-escaped (VS Code renders descriptions), then JSON-encoded.
            &[
                "Rust counterpart (kube 1",
                permalink,
                r"A \\<b\\>cache\\</b\\> read",
            ][..],
        ),
    ] {
        let out = ws.path(&format!("guide-{format}"));
        ws.cmd()
            .args(["guide", "widgets-tour", "--format", format, "-o"])
            .arg(&out)
            .assert()
            .code(predicate::in_iter([0, 1]));
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for needle in needles {
            assert!(text.contains(needle), "{format}: no {needle:?} in\n{text}");
        }
        assert!(!text.contains("file://"), "{format} names the mirror");
    }
    ws.cmd()
        .args(["lookup", "Store::get"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "kube_runtime::reflector::store::Store::get — widgets-tour step 1 (Rust counterpart)",
        ));
}

#[test]
fn bump_and_diff_follow_a_rust_item_and_write_its_file() {
    let ws = workspace();
    with_counterpart(&ws);
    let out = ws
        .cmd()
        .args([
            "bump", "--to", "2.0.0", "--repo", "kube", "--format", "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let steps = json(&out.stdout);
    let step = &steps.as_array().unwrap()[0];
    assert_eq!(step["counterpart"], true);
    assert_eq!(step["symbol"], "kube_runtime::reflector::store::Store::get");
    assert_eq!(step["category"], "moved-file", "{step:#}");
    assert_eq!(
        step["to"]["file"],
        "kube-runtime/src/reflector/store/get.rs"
    );

    let before = std::fs::read_to_string(ws.path("mapping.yaml")).unwrap();
    ws.cmd()
        .args(["bump", "--to", "2.0.0", "--repo", "kube", "--write", "-q"])
        .assert()
        .code(1);
    let after = std::fs::read_to_string(ws.path("mapping.yaml")).unwrap();
    let expected = before
        .replace("pin: \"1.0.0\" }", "pin: \"2.0.0\" }")
        .replace(
            "          file: kube-runtime/src/reflector/store.rs\n",
            "          file: kube-runtime/src/reflector/store/get.rs\n",
        );
    assert_eq!(after, expected);

    let diff = ws
        .cmd()
        .args([
            "diff",
            "kube_runtime::reflector::store::Store::get",
            "--from",
            "1.0.0",
            "--to",
            "2.0.0",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(diff.stdout).unwrap();
    assert!(text.starts_with("# moved-file: moved from kube-runtime/src/reflector/store.rs to kube-runtime/src/reflector/store/get.rs\n"), "{text}");
    assert!(text.contains("\n-    #[must_use]\n"), "{text}");
}
