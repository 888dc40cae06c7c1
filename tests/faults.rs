//! Git and cache faults: objects lost or damaged after a tag was trusted, a tag re-pointed in
//! the mirror, symlinks pointing out of the tree. Killed fetches, concurrent fetches, a
//! vanished mirror, a missing tag and an unreachable mirror are in tests/cli.rs (see
//! docs/reliability.md).

use std::path::{Path, PathBuf};

use git2::Repository;
use predicates::prelude::*;

use crate::util::{GitDaemon, Workspace, commit_and_tag, write};

const NEW_QUEUE: &str = "github.com/acme/widgets/queue.NewQueue";
const ADD: &str = "github.com/acme/widgets/queue.Queue.Add";
const OLD: &str = "github.com/acme/widgets/queue.Old";

fn cache_repo(ws: &Workspace) -> PathBuf {
    ws.path("cache/repos/github.com/acme/widgets.git")
}

fn marker(ws: &Workspace, tag: &str) -> String {
    std::fs::read_to_string(cache_repo(ws).join("k8s-study-verified").join(tag)).unwrap()
}

/// The id of `path`'s blob at `tag` of the mirror.
fn blob_at(mirror: &Repository, tag: &str, path: &str) -> git2::Oid {
    let tree = mirror
        .revparse_single(tag)
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .tree()
        .unwrap();
    tree.get_path(Path::new(path)).unwrap().id()
}

#[test]
fn a_cache_that_lost_its_alternates_is_linked_again_in_the_same_run() {
    let ws = Workspace::new();
    ws.cmd().args(["fetch", "widgets"]).assert().success();
    std::fs::remove_file(cache_repo(&ws).join("objects/info/alternates")).unwrap();
    ws.cmd()
        .args(["-v", "find", NEW_QUEUE, "--repo", "widgets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/queue.go:7-7"))
        .stderr(predicate::str::contains("widgets v1: fetched from file://"));
}

#[test]
fn a_trusted_tag_the_index_answers_is_not_opened_and_is_repaired_when_read() {
    let ws = Workspace::new();
    ws.cmd()
        .args(["find", NEW_QUEUE, "--repo", "widgets"])
        .assert()
        .success();
    std::fs::remove_file(cache_repo(&ws).join("objects/info/alternates")).unwrap();
    // The index answers: the repository is not opened, so nothing is verified or fetched.
    ws.cmd()
        .args(["-v", "find", NEW_QUEUE, "--repo", "widgets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/queue.go:7-7"))
        .stderr(
            predicate::str::contains("widgets v1: cached, commit ")
                .and(predicate::str::contains("fetched").not()),
        );
    // Without the index the tree is read: the cache is verified on opening and repaired in
    // the same run.
    ws.cmd()
        .args(["cache", "clean", "--index"])
        .assert()
        .success();
    ws.cmd()
        .args(["-v", "find", NEW_QUEUE, "--repo", "widgets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/queue.go:7-7"))
        .stderr(predicate::str::contains("widgets v1: fetched from file://"));
}

#[test]
fn a_cache_whose_pack_was_deleted_is_fetched_again_in_the_same_run() {
    let ws = Workspace::new();
    let daemon = GitDaemon::start(&ws.path("mirrors"));
    let base = format!("git://127.0.0.1:{}", daemon.port);
    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args(["fetch", "widgets@v2"])
        .assert()
        .success();
    let pack_dir = cache_repo(&ws).join("objects/pack");
    let packs = std::fs::read_dir(&pack_dir).unwrap().count();
    assert!(packs > 0, "a network fetch leaves a pack");
    std::fs::remove_dir_all(&pack_dir).unwrap();
    std::fs::create_dir(&pack_dir).unwrap();
    // The ref still names the commit: without a fresh start, the fetch would tell the server
    // we have it, receive nothing, and fail.
    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args(["find", ADD, "--repo", "widgets", "--at", "v2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/add.go:4-6"));
    assert!(
        !marker(&ws, "v2").contains(' '),
        "trusted again: {}",
        marker(&ws, "v2")
    );
}

/// Where `oid` starts in a pack, from its version-2 index.
fn pack_offset(idx: &[u8], oid: git2::Oid) -> usize {
    let word = |at: usize| u32::from_be_bytes(idx[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(&idx[..4], b"\xfftOc", "pack index v2");
    let count = word(8 + 255 * 4);
    let names = 8 + 256 * 4;
    let i = (0..count)
        .find(|i| &idx[names + i * 20..names + i * 20 + 20] == oid.as_bytes())
        .expect("object in the pack");
    let offsets = names + count * 20 + count * 4;
    word(offsets + i * 4)
}

#[test]
fn a_damaged_object_in_the_cache_is_reported_then_repaired_on_the_next_run() {
    let ws = Workspace::new();
    let daemon = GitDaemon::start(&ws.path("mirrors"));
    let base = format!("git://127.0.0.1:{}", daemon.port);
    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args(["fetch", "widgets@v2"])
        .assert()
        .success();
    // Scribble over the compressed bytes of queue/add.go's blob: the commit and tree still
    // read, so the cache looks fine until the file is read.
    let mirror = Repository::open(ws.path("mirrors/acme/widgets")).unwrap();
    let blob = blob_at(&mirror, "v2", "queue/add.go");
    let pack_dir = cache_repo(&ws).join("objects/pack");
    let idx = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let offset = pack_offset(&std::fs::read(&idx).unwrap(), blob);
    let pack = idx.with_extension("pack");
    let mut bytes = std::fs::read(&pack).unwrap();
    for b in &mut bytes[offset + 2..offset + 12] {
        *b ^= 0x5a;
    }
    // Pack files are read-only once written.
    let mut perms = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&pack, perms).unwrap();
    std::fs::write(&pack, bytes).unwrap();

    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args(["find", ADD, "--repo", "widgets", "--at", "v2"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("the cache of widgets is damaged")
                .and(predicate::str::contains(blob.to_string()))
                .and(predicate::str::contains("fetched again on the next run"))
                .and(predicate::str::contains("k8s-study cache clean widgets")),
        );
    assert!(
        marker(&ws, "v2").ends_with(" damaged\n"),
        "{}",
        marker(&ws, "v2")
    );
    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args(["find", ADD, "--repo", "widgets", "--at", "v2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/add.go:4-6"));
}

#[test]
fn an_object_lost_behind_the_cache_is_reported_with_the_fix() {
    let ws = Workspace::new();
    ws.cmd().args(["fetch", "widgets"]).assert().success();
    // The cache borrows the mirror's objects: lose one there.
    let mirror = Repository::open(ws.path("mirrors/acme/widgets")).unwrap();
    let blob = blob_at(&mirror, "v1", "queue/queue.go");
    let hex = blob.to_string();
    let loose = ws.path(&format!(
        "mirrors/acme/widgets/.git/objects/{}/{}",
        &hex[..2],
        &hex[2..]
    ));
    let saved = std::fs::read(&loose).unwrap();
    std::fs::remove_file(&loose).unwrap();

    let find = || {
        ws.cmd()
            .args(["find", NEW_QUEUE, "--repo", "widgets"])
            .assert()
    };
    find().code(2).stderr(
        predicate::str::contains("the cache of widgets is damaged")
            .and(predicate::str::contains(&hex))
            .and(predicate::str::contains("k8s-study cache clean widgets")),
    );
    // The next run verifies every object before trusting the tag again, and names the file.
    find().code(2).stderr(predicate::str::contains(format!(
        "v1: object {hex} (queue/queue.go) is missing"
    )));
    ws.cmd()
        .args(["cache", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("v1").not());
    // Once the mirror has it back, the cache heals without being told.
    std::fs::write(&loose, saved).unwrap();
    find()
        .success()
        .stdout(predicate::str::contains("queue/queue.go:7-7"));
}

#[test]
fn a_tag_moved_in_the_mirror_is_refused_until_the_cache_is_cleaned() {
    let ws = Workspace::new();
    ws.cmd().args(["fetch", "widgets"]).assert().success();
    let was = marker(&ws, "v1").trim().to_string();
    // v1 is re-pointed at a new commit that no longer has `Old`.
    let root = ws.path("mirrors/acme/widgets");
    let mirror = Repository::open(&root).unwrap();
    write(
        &root,
        "queue/moved.go",
        "package queue\n\nfunc Moved() {}\n",
    );
    let now = commit_and_tag(&mirror, "v1").to_string();
    assert_ne!(was, now);

    // A trusted tag is served from the cache: the mirror is not asked, results do not change.
    ws.cmd()
        .args(["find", OLD, "--repo", "widgets"])
        .assert()
        .success();
    // When the cache has to fetch the tag again, the move is noticed and refused. (The
    // declaration index answers a trusted tag without opening the cache: without the index,
    // the tree is read.)
    std::fs::remove_file(cache_repo(&ws).join("objects/info/alternates")).unwrap();
    ws.cmd()
        .args(["cache", "clean", "--index"])
        .assert()
        .success();
    for _ in 0..2 {
        ws.cmd()
            .args(["find", OLD, "--repo", "widgets"])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!(
                    "tag v1 of widgets moved: the cache verified commit {was}"
                ))
                .and(predicate::str::contains(format!("now names {now}")))
                .and(predicate::str::contains("k8s-study cache clean widgets")),
            );
    }
    ws.cmd()
        .args(["cache", "clean", "widgets"])
        .assert()
        .success();
    ws.cmd()
        .args(["find", OLD, "--repo", "widgets"])
        .assert()
        .code(1);
    ws.cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.Moved",
            "--repo",
            "widgets",
        ])
        .assert()
        .success();
}

#[test]
fn symlinks_are_never_followed_out_of_the_tree() {
    let ws = Workspace::new();
    // Go code outside the repository, reachable only through symlinks inside it.
    let outside = ws.path("outside");
    write(&outside, "evil.go", "package api\n\nfunc Evil() {}\n");
    write(
        &outside,
        "pkg/secret.go",
        "package pkg\n\nfunc Secret() {}\n",
    );
    let root = ws.path("mirrors/acme/linked");
    write(&root, "go.mod", "module github.com/acme/linked\n");
    write(&root, "api/good.go", "package api\n\nfunc Good() {}\n");
    std::fs::create_dir_all(&root).unwrap();
    std::os::unix::fs::symlink(outside.join("evil.go"), root.join("api/evil.go")).unwrap();
    std::os::unix::fs::symlink("../../../outside/pkg", root.join("api/pkg")).unwrap();
    let repo = Repository::init(&root).unwrap();
    commit_and_tag(&repo, "v1");
    let mapping = "schema: 1\nrepos:\n  linked: { url: https://github.com/acme/linked, pin: v1 }\n";
    std::fs::write(ws.path("linked.yaml"), mapping).unwrap();
    let find = |symbol: &str| {
        ws.cmd()
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", ws.path("linked.yaml"))
            .args(["find", symbol, "--repo", "linked"])
            .assert()
    };
    find("github.com/acme/linked/api.Good").success();
    // The symlinked file is in the tree as a link: never read, so Evil is not declared.
    find("github.com/acme/linked/api.Evil")
        .code(1)
        .stdout(predicate::str::contains("no declaration of Evil"));
    // A symlinked folder is not a package.
    find("github.com/acme/linked/api/pkg.Secret")
        .code(1)
        .stdout(predicate::str::contains(
            "package github.com/acme/linked/api/pkg not found",
        ));
}

/// SIGKILL at many moments of a network fetch (before, during and after the transfer, while
/// holding the lock, before and after the marker): the next run always completes it. The
/// states a kill leaves are also built by hand in `a_leftover_of_a_killed_fetch_is_not_trusted`
/// (tests/cli.rs).
#[test]
fn a_fetch_killed_at_any_moment_is_completed_by_the_next_run() {
    let ws = Workspace::new();
    let daemon = GitDaemon::start(&ws.path("mirrors"));
    let base = format!("git://127.0.0.1:{}", daemon.port);
    for delay_ms in [0, 1, 3, 6, 10, 15, 25, 40, 70] {
        let cache = ws.path(&format!("cache-{delay_ms}"));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("k8s-study"))
            .env("K8S_STUDY_CACHE", &cache)
            .env("K8S_STUDY_MIRROR", &base)
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", ws.path("mapping.yaml"))
            .args(["fetch", "widgets@v1", "widgets@v2"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // `Child::kill` is SIGKILL on Unix: no destructor, no cleanup runs.
        let _ = child.kill();
        child.wait().unwrap();
        ws.cmd()
            .env("K8S_STUDY_CACHE", &cache)
            .env("K8S_STUDY_MIRROR", &base)
            .args(["find", ADD, "--repo", "widgets", "--at", "v2"])
            .assert()
            .success()
            .stdout(predicate::str::contains("queue/add.go:4-6"));
        ws.cmd()
            .env("K8S_STUDY_CACHE", &cache)
            .env("K8S_STUDY_MIRROR", &base)
            .args(["find", OLD, "--repo", "widgets", "--at", "v1"])
            .assert()
            .success();
    }
}
