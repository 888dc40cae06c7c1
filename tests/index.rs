//! The declaration index through the binary: `find` by name, `cache list`/`clean`, a run
//! killed while it writes the index, and runs that build it at the same time.

use std::fmt::Write as _;
use std::time::Duration;

use git2::Repository;
use serde_json::Value;

use crate::util::{Workspace, commit_and_tag, write};

fn json(ws: &Workspace, args: &[&str]) -> Value {
    let out = ws
        .cmd()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn symbols(found: &Value) -> Vec<(String, String)> {
    found["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["symbol"].as_str().unwrap().to_string(),
                m["match"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn find_takes_a_bare_partial_or_fuzzy_name() {
    let ws = Workspace::new();
    let by = |q: &str| json(&ws, &["find", q, "--repo", "widgets", "--at", "v2"]);
    let add = by("Add");
    assert_eq!(
        symbols(&add)[0],
        (
            "github.com/acme/widgets/queue.Queue.Add".to_string(),
            "exact".to_string()
        )
    );
    assert_eq!(add["matches"][0]["file"], "queue/add.go", "v2 moved it");
    assert!(
        add["matches"][0]["signature"]
            .as_str()
            .unwrap()
            .starts_with("func (q *Queue) Add(")
    );
    assert_eq!(
        symbols(&by("queue.add"))[0],
        (
            "github.com/acme/widgets/queue.Queue.Add".to_string(),
            "exact-ignoring-case".to_string()
        )
    );
    assert_eq!(
        symbols(&by("cobra.Command.Exec"))[0].0,
        "github.com/spf13/cobra.Command.Execute",
        "vendor/ is searched, by its import path"
    );
    assert_eq!(symbols(&by("NwQue"))[0].1, "fuzzy");
    let none = by("nothingLikeThis");
    assert_eq!(none["total"], 0);
    // Text output names import path, kind, file:line and signature.
    let out = ws
        .cmd()
        .args(["find", "Add", "--repo", "widgets", "--at", "v2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("github.com/acme/widgets/queue.Queue.Add (method, exact)  queue/add.go:"),
        "{text}"
    );
}

#[test]
fn cache_list_shows_the_index_and_clean_removes_it() {
    let ws = Workspace::new();
    json(&ws, &["find", "Add", "--repo", "widgets", "--at", "v1"]);
    let listed = json(&ws, &["cache", "list"]);
    let index = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "index")
        .unwrap()
        .clone();
    assert!(index["bytes"].as_u64().unwrap() > 0);
    ws.cmd()
        .args(["cache", "clean", "--index"])
        .assert()
        .success();
    assert!(!ws.path("cache/index").exists());
    assert!(
        ws.path("cache/repos").exists(),
        "--index leaves the repositories"
    );
    json(&ws, &["find", "Add", "--repo", "widgets", "--at", "v1"]);
    ws.cmd().args(["cache", "clean"]).assert().success();
    assert!(!ws.path("cache/index").exists());
}

/// widgets at `v9` with `n` generated packages, so that building the index takes a while.
fn big_workspace(n: usize) -> Workspace {
    let ws = Workspace::new();
    let root = ws.path("mirrors/acme/widgets");
    let repo = Repository::open(&root).unwrap();
    for p in 0..n {
        let mut text = format!("package gen{p}\n\n");
        for f in 0..40 {
            let _ = write!(
                text,
                "// Func{f} does {f}.\nfunc Func{f}(a, b int) int {{\n\tif a > b {{\n\t\treturn a - b + {f}\n\t}}\n\treturn b - a\n}}\n\ntype T{f} struct{{ x int }}\n\nfunc (t *T{f}) M{p}() int {{ return t.x + {p} }}\n\n"
            );
        }
        write(&root, &format!("gen/gen{p}/gen.go"), text);
    }
    commit_and_tag(&repo, "v9");
    ws
}

fn find_m7(ws: &Workspace) -> Value {
    json(ws, &["find", "T3.M7", "--repo", "widgets", "--at", "v9"])
}

#[test]
fn a_run_killed_while_writing_the_index_leaves_nothing_that_is_trusted() {
    let _machine = crate::util::exclusive();
    let ws = big_workspace(600);
    // The answer from the tree, without any index.
    let mut fresh = ws.cmd();
    fresh.args(["fetch", "widgets@v9"]).assert().success();
    let mut killed_while_writing = 0;
    for delay in [30, 80, 150, 250, 400, 600, 900, 1300] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("k8s-study"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("K8S_STUDY_CACHE", ws.path("cache"))
            .env("K8S_STUDY_MIRROR", ws.mirror_base())
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", ws.path("mapping.yaml"))
            .args(["find", "T3.M7", "--repo", "widgets", "--at", "v9"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed_while_writing += 1;
        }
        child.wait().unwrap();
        // Each kill leaves the pack torn or whole; a later run fixes or reuses it.
        if delay % 2 == 0 {
            std::fs::remove_dir_all(ws.path("cache/index")).ok();
        }
    }
    assert!(killed_while_writing > 0, "no run was killed mid-way");
    let after = find_m7(&ws);
    assert_eq!(
        symbols(&after)[0],
        (
            "github.com/acme/widgets/gen/gen7.T3.M7".to_string(),
            "exact".to_string()
        )
    );
    assert_eq!(after["matches"][0]["file"], "gen/gen7/gen.go");
    assert_eq!(after["matches"][0]["start_line"], 49);
    // Byte-identical to an index built in one go.
    std::fs::remove_dir_all(ws.path("cache/index")).unwrap();
    assert_eq!(find_m7(&ws), after);
}

#[test]
fn two_runs_building_the_index_at_once_share_it() {
    let _machine = crate::util::exclusive();
    let ws = big_workspace(200);
    ws.cmd().args(["fetch", "widgets@v9"]).assert().success();
    let runs: Vec<std::process::Child> = (0..2)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("k8s-study"))
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("K8S_STUDY_CACHE", ws.path("cache"))
                .env("K8S_STUDY_MIRROR", ws.mirror_base())
                .env("K8S_STUDY_NO_BUILTIN", "1")
                .env("K8S_STUDY_MAPPING", ws.path("mapping.yaml"))
                .args([
                    "find", "T3.M7", "--repo", "widgets", "--at", "v9", "--format", "json",
                ])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Value> = runs
        .into_iter()
        .map(|c| serde_json::from_slice(&c.wait_with_output().unwrap().stdout).unwrap())
        .collect();
    assert_eq!(outs[0], outs[1]);
    assert_eq!(
        symbols(&outs[0])[0].0,
        "github.com/acme/widgets/gen/gen7.T3.M7"
    );
    // One pack, one listing: the second run found the first one's work.
    let dirs: Vec<_> = std::fs::read_dir(ws.path("cache/index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1);
    assert_eq!(std::fs::read_dir(dirs[0].join("trees")).unwrap().count(), 1);
    let pack = std::fs::read(dirs[0].join("decls.pack")).unwrap();
    // Every generated file's content is in the pack once: records (after the 24-byte header:
    // length, CRC, 20-byte content id, payload) have distinct ids, one per generated file.
    let mut ids = std::collections::BTreeSet::new();
    let mut records = 0;
    let mut at = 24;
    while at < pack.len() {
        let len = u32::from_le_bytes(pack[at..at + 4].try_into().unwrap()) as usize;
        ids.insert(pack[at + 8..at + 28].to_vec());
        records += 1;
        at += 28 + len;
    }
    assert_eq!(at, pack.len(), "the pack ends on a whole record");
    assert_eq!(records, ids.len(), "a content was appended twice");
    assert!(
        records >= 200,
        "{records} records for 200 generated packages"
    );
}
