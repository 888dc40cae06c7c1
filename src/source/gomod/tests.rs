//! A module cache written by the tests: zips as the go command stores them, no go command.

use std::path::Path;
use std::sync::Arc;

use super::zipmod::zip_bytes;
use super::{GoEnv, ModuleTree};
use crate::golang::resolve::Resolver;
use crate::item::{Engine as _, ItemRef, Query, Status};
use crate::source::{EntryKind, Snapshot, SourceError};

/// Put `module@version` with `files` into the cache at `root`, with the `.mod` file the go
/// command keeps beside the zip (the zip's go.mod, or `module PATH` when it has none).
pub(crate) fn put(root: &Path, module: &str, version: &str, files: &[(&str, &[u8])]) {
    put_zip(root, module, version, &zip_bytes(module, version, files));
    let go_mod = files
        .iter()
        .find(|(name, _)| *name == "go.mod")
        .map_or_else(
            || format!("module {module}\n").into_bytes(),
            |(_, b)| b.to_vec(),
        );
    std::fs::write(stem(root, module).join(format!("{version}.mod")), go_mod).unwrap();
}

fn stem(root: &Path, module: &str) -> std::path::PathBuf {
    root.join("cache/download")
        .join(super::gocmd::escape(module).unwrap())
        .join("@v")
}

/// Put a zip (and its hash) only, as an older cache may hold it: opening it reads the zip.
pub(crate) fn put_zip(root: &Path, module: &str, version: &str, zip: &[u8]) {
    let dir = stem(root, module);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{version}.zip")), zip).unwrap();
    std::fs::write(dir.join(format!("{version}.ziphash")), "h1:test=\n").unwrap();
}

fn env(root: &Path) -> Arc<GoEnv> {
    Arc::new(GoEnv {
        modcache: root.to_path_buf(),
        go: None,
        goproxy: String::new(),
        refusals: None,
        newest: None,
    })
}

const GO_MOD: &[u8] = b"module k8s.io/kubernetes

require (
\tgithub.com/spf13/cobra v1.2.3
\tk8s.io/client-go v0.0.0
\tgithub.com/gone/away v1.0.0
)

replace k8s.io/client-go => ./staging/src/k8s.io/client-go
";

fn monorepo(root: &Path) {
    put(
        root,
        "k8s.io/kubernetes",
        "v1.30.1",
        &[
            ("go.mod", GO_MOD),
            (
                "pkg/scheduler/scheduler.go",
                b"package scheduler\n\nfunc (s *Scheduler) Run() {}\n\ntype Scheduler struct{}\n",
            ),
            ("staging/README.md", b"staging\n"),
        ],
    );
    put(
        root,
        "k8s.io/client-go",
        "v0.30.1",
        &[
            ("go.mod", b"module k8s.io/client-go\n"),
            (
                "tools/cache/reflector.go",
                b"package cache\n\n// NewReflector makes one.\nfunc NewReflector() {}\n",
            ),
        ],
    );
    put(
        root,
        "github.com/spf13/cobra",
        "v1.2.3",
        &[("command.go", b"package cobra\n\ntype Command struct{}\n\nfunc (c *Command) Execute() error { return nil }\n")],
    );
}

fn snapshot(root: &Path, module: &str, version: &str) -> Result<Snapshot, SourceError> {
    let opened = ModuleTree::open(env(root), module, version, false, false)?;
    Ok(Snapshot::from_modules(
        "kubernetes",
        opened.version,
        opened.sum,
        "https://github.com/kubernetes/kubernetes",
        opened.tree,
    ))
}

fn resolve(s: &Snapshot, symbols: &[&str]) -> Vec<crate::resolve::Resolution> {
    let parsed: Vec<ItemRef> = symbols
        .iter()
        .map(|x| crate::golang::Go.parse(x).unwrap())
        .collect();
    let queries: Vec<Query<'_>> = parsed
        .iter()
        .map(|item| Query {
            item,
            file_hint: None,
        })
        .collect();
    Resolver::new(s, None).unwrap().resolve(&queries).unwrap()
}

#[test]
fn mounts_lie_where_a_checkout_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    let s = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1").unwrap();
    assert_eq!(s.commit, "h1:test=");
    assert_eq!(
        s.declared_modules().unwrap(),
        [
            ("k8s.io/kubernetes".to_string(), String::new()),
            (
                "github.com/spf13/cobra".into(),
                "vendor/github.com/spf13/cobra".into()
            ),
            (
                "k8s.io/client-go".into(),
                "staging/src/k8s.io/client-go".into()
            ),
            (
                "github.com/gone/away".into(),
                "vendor/github.com/gone/away".into()
            ),
        ]
    );
    let names = |d: &str| -> Vec<(String, EntryKind)> {
        s.list_dir(d)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect()
    };
    assert_eq!(
        names(""),
        [
            ("go.mod".to_string(), EntryKind::File),
            ("pkg".into(), EntryKind::Dir),
            ("staging".into(), EntryKind::Dir),
            ("vendor".into(), EntryKind::Dir),
        ]
    );
    assert_eq!(
        names("staging"),
        [
            ("README.md".to_string(), EntryKind::File),
            ("src".into(), EntryKind::Dir)
        ]
    );
    assert_eq!(
        names("staging/src/k8s.io"),
        [("client-go".to_string(), EntryKind::Dir)]
    );
    assert!(s.is_dir("staging/src/k8s.io/client-go/tools/cache"));
    assert!(s.is_dir("vendor/github.com"));
    assert!(!s.is_dir("pkg/nothing"));
    assert!(s.is_file("vendor/github.com/spf13/cobra/command.go"));
    assert!(s.list_dir("pkg/nothing").unwrap().is_none());
    // Whole-tree walks cover the tree's own code, not third-party modules.
    let go: Vec<String> = s
        .files_with_suffix(".go", &[])
        .unwrap()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        go,
        [
            "pkg/scheduler/scheduler.go",
            "staging/src/k8s.io/client-go/tools/cache/reflector.go"
        ]
    );
}

#[test]
fn symbols_resolve_with_permalinks_of_their_own_repositories() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    let s = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1").unwrap();
    let rs = resolve(
        &s,
        &[
            "k8s.io/kubernetes/pkg/scheduler.Scheduler.Run",
            "k8s.io/client-go/tools/cache.NewReflector",
            "github.com/spf13/cobra.Command.Execute",
            "github.com/gone/away.Thing",
            "github.com/not/required.Thing",
        ],
    );
    let link = |i: usize| rs[i].permalink.clone().unwrap_or_default();
    assert_eq!(rs[0].status, Status::Found);
    assert_eq!(
        link(0),
        "https://github.com/kubernetes/kubernetes/blob/v1.30.1/pkg/scheduler/scheduler.go#L3-L3"
    );
    assert_eq!(
        rs[1].file.as_deref(),
        Some("staging/src/k8s.io/client-go/tools/cache/reflector.go")
    );
    assert_eq!(rs[1].doc.as_deref(), Some("NewReflector makes one."));
    assert_eq!(
        link(1),
        "https://github.com/kubernetes/kubernetes/blob/v1.30.1/staging/src/k8s.io/client-go/tools/cache/reflector.go#L4-L4"
    );
    assert_eq!(rs[2].status, Status::Found);
    assert_eq!(
        link(2),
        "https://github.com/spf13/cobra/blob/v1.2.3/command.go#L5-L5"
    );
    let why = |i: usize| rs[i].reason.clone().unwrap_or_default();
    assert_eq!(rs[3].status, Status::Missing);
    assert!(
        why(3).contains("github.com/gone/away@v1.0.0 is not in the Go module cache"),
        "{}",
        why(3)
    );
    assert!(
        why(4).contains("in no module that k8s.io/kubernetes@v1.30.1's go.mod requires"),
        "{}",
        why(4)
    );
}

#[test]
fn a_gopath_era_release_resolves_its_own_code_and_never_vendored_code() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "k8s.io/kubernetes",
        "v1.13.0",
        &[
            (
                "pkg/kubelet/kubelet.go",
                b"package kubelet\n\ntype Kubelet struct{}\n",
            ),
            (
                "staging/src/k8s.io/client-go/tools/cache/fifo.go",
                b"package cache\n\ntype FIFO struct{}\n",
            ),
        ],
    );
    // A bare minor means its newest patch; without a go command, the newest one cached.
    let s = snapshot(dir.path(), "k8s.io/kubernetes", "v1.13").unwrap();
    assert_eq!(s.version, "v1.13.0");
    let opened = ModuleTree::open(
        env(dir.path()),
        "k8s.io/kubernetes",
        "v1.13.0",
        false,
        false,
    )
    .unwrap();
    assert!(opened.tree.gopath_era());
    let mut s = s;
    s.version = "v1.13.0".into();
    let parsed = [
        crate::golang::Go
            .parse("k8s.io/kubernetes/pkg/kubelet.Kubelet")
            .unwrap(),
        crate::golang::Go
            .parse("k8s.io/client-go/tools/cache.FIFO")
            .unwrap(),
        crate::golang::Go
            .parse("github.com/spf13/cobra.Command")
            .unwrap(),
    ];
    let queries: Vec<Query<'_>> = parsed
        .iter()
        .map(|item| Query {
            item,
            file_hint: None,
        })
        .collect();
    let rs = Resolver::new(&s, Some("k8s.io/kubernetes"))
        .unwrap()
        .resolve(&queries)
        .unwrap();
    assert_eq!(rs[0].status, Status::Found);
    assert_eq!(
        rs[1].file.as_deref(),
        Some("staging/src/k8s.io/client-go/tools/cache/fifo.go")
    );
    assert_eq!(rs[2].status, Status::Missing);
    let why = rs[2].reason.clone().unwrap();
    assert!(
        why.contains("vendored") && why.contains("unavailable from Go modules"),
        "{why}"
    );
}

#[test]
fn missing_and_refused_modules_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let e = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1")
        .err()
        .unwrap();
    assert!(matches!(e, SourceError::Module { go: false, .. }), "{e}");
    assert!(e.help().unwrap().contains("install Go"));
    // A root whose zip is not what the go command wrote.
    put_zip(
        dir.path(),
        "k8s.io/kubernetes",
        "v1.30.1",
        b"PK\x05\x06 truncated",
    );
    let e = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1")
        .err()
        .unwrap();
    assert!(matches!(e, SourceError::ModuleZip { .. }), "{e}");
    assert!(e.help().unwrap().contains("delete"));
    // A mount that climbs out of its zip is refused; the rest of the tree still reads.
    monorepo(dir.path());
    put(
        dir.path(),
        "github.com/spf13/cobra",
        "v1.2.3",
        &[("../../evil.go", b"package evil\n")],
    );
    let s = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1").unwrap();
    let rs = resolve(
        &s,
        &[
            "github.com/spf13/cobra.Command",
            "k8s.io/kubernetes/pkg/scheduler.Scheduler",
        ],
    );
    let why = rs[0].reason.clone().unwrap();
    assert!(why.contains("is refused") && why.contains("`..`"), "{why}");
    assert_eq!(rs[1].status, Status::Found);
}

#[test]
fn a_replace_that_climbs_out_of_the_tree_is_not_mounted() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    let go_mod = b"module k8s.io/kubernetes

require (
\tk8s.io/client-go v0.0.0
\texample.com/up v1.0.0
)

replace (
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\texample.com/up => ../../outside
)
";
    put(
        dir.path(),
        "k8s.io/kubernetes",
        "v1.30.1",
        &[
            ("go.mod", go_mod),
            ("pkg/a/a.go", b"package a\n\nfunc A() {}\n"),
        ],
    );
    let s = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1").unwrap();
    let rs = resolve(
        &s,
        &[
            "example.com/up/pkg.Thing",
            "k8s.io/kubernetes/pkg/a.A",
            "k8s.io/client-go/tools/cache.NewReflector",
        ],
    );
    assert_eq!(rs[0].status, Status::Missing);
    let why = rs[0].reason.clone().unwrap();
    assert!(why.contains("outside the module"), "{why}");
    assert_eq!(rs[1].status, Status::Found);
    assert_eq!(rs[2].status, Status::Found);
    assert!(!s.is_dir("../../outside") && !s.is_dir(".."));
}

#[test]
fn the_root_zip_is_opened_only_when_a_file_of_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    // The go.mod comes from the `.mod` file: a zip that is not one goes unnoticed until read.
    let zip = stem(dir.path(), "k8s.io/kubernetes").join("v1.30.1.zip");
    std::fs::write(&zip, b"not a zip").unwrap();
    let s = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1").unwrap();
    assert_eq!(s.declared_modules().unwrap().len(), 4);
    let err = s
        .read("pkg/scheduler/scheduler.go")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a valid zip"), "{err}");
    // Without the `.mod` file the zip is opened at once, and refused at once.
    std::fs::remove_file(zip.with_extension("mod")).unwrap();
    let err = snapshot(dir.path(), "k8s.io/kubernetes", "v1.30.1")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("not a valid zip"), "{err}");
}
