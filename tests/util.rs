//! Helpers: temp git repositories with tagged versions, a mapping for them, the binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use git2::{Repository, Signature};
use tempfile::TempDir;

/// A workspace: `mirrors/acme/widgets` (a git repo with tags), a mapping, a cache folder.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        let ws = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        ws.make_widgets();
        let legacy = ws.make_legacy();
        std::fs::write(
            ws.path("mapping.yaml"),
            MAPPING.replace(
                "repos:\n",
                &format!("repos:\n  legacy: {{ url: https://github.com/acme/legacy, pin: {legacy}, module: github.com/acme/legacy }}\n"),
            ),
        )
        .unwrap();
        ws
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn mirror_base(&self) -> String {
        format!("file://{}", self.path("mirrors").display())
    }

    /// The binary with a private cache, the test mapping and the mirror base set.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("k8s-study").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("K8S_STUDY_CACHE", self.path("cache"))
            .env("K8S_STUDY_MIRROR", self.mirror_base())
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", self.path("mapping.yaml"));
        cmd
    }

    /// widgets v1: `Queue.Add` in queue.go, `NewQueue`, a platform pair, `Old`.
    /// widgets v2: `Queue.Add` moved to add.go, `Old` removed.
    fn make_widgets(&self) {
        let root = self.path("mirrors/acme/widgets");
        let repo = Repository::init(&root).unwrap();
        write(
            &root,
            "go.mod",
            "module github.com/acme/widgets\n\ngo 1.20\n",
        );
        write(&root, "queue/queue.go", V1_QUEUE);
        write(
            &root,
            "queue/sys_linux.go",
            "package queue\n\nfunc platform() string { return \"linux\" }\n",
        );
        write(
            &root,
            "queue/sys_windows.go",
            "package queue\n\nfunc platform() string { return \"windows\" }\n",
        );
        write(
            &root,
            "queue/queue_test.go",
            "package queue\n\nfunc TestOnly() {}\n",
        );
        write(
            &root,
            "vendor/github.com/spf13/cobra/command.go",
            "package cobra\n\ntype Command struct{}\n\n// Execute runs.\nfunc (c *Command) Execute() error { return nil }\n",
        );
        commit_and_tag(&repo, "v1");
        write(&root, "queue/queue.go", V2_QUEUE);
        write(&root, "queue/add.go", V2_ADD);
        commit_and_tag(&repo, "v2");
    }
}

impl Workspace {
    /// A GOPATH-era repository: no go.mod and no tags, pinned by commit id.
    fn make_legacy(&self) -> String {
        let root = self.path("mirrors/acme/legacy");
        let repo = Repository::init(&root).unwrap();
        write(
            &root,
            "main.go",
            "package main\n\nfunc main() { foo.Foo() }\n",
        );
        write(
            &root,
            "pkg/foo/foo.go",
            "package foo\n\n// Foo does foo.\nfunc Foo() {}\n",
        );
        commit(&repo, "legacy").to_string()
    }
}

/// Held by tests that load the machine (`tests/hostile_go.rs` parses megabytes of Go) and by
/// tests that time the binary (`tests/bad_mappings.rs`): run side by side, the first made the
/// second miss its time limit on a busy two-core machine.
pub fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A test that panicked while holding it poisons it; the lock guards no data.
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Workspace {
    /// `mirrors/<owner_name>`: a repository holding `files` (bytes, any content), tagged `tag`.
    pub fn tagged_repo(&self, owner_name: &str, files: &[(&str, &[u8])], tag: &str) -> Repository {
        let root = self.path(&format!("mirrors/{owner_name}"));
        let repo = Repository::init(&root).unwrap();
        for (rel, bytes) in files {
            write(&root, rel, bytes);
        }
        commit_and_tag(&repo, tag);
        repo
    }
}

pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Commit the work tree and tag it (an existing tag of that name is re-pointed).
pub fn commit_and_tag(repo: &Repository, tag: &str) -> git2::Oid {
    let oid = commit(repo, tag);
    let sig = Signature::now("test", "test@example.com").unwrap();
    let object = repo.find_object(oid, None).unwrap();
    repo.tag(tag, &object, &sig, tag, true).unwrap();
    oid
}

pub fn commit(repo: &Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::now("test", "test@example.com").unwrap();
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

const V1_QUEUE: &str = "package queue

// Queue is a work queue.
type Queue struct{ items []string }

// NewQueue makes a queue.
func NewQueue() *Queue { return &Queue{} }

// Add adds an item.
func (q *Queue) Add(item string) {
	q.items = append(q.items, item)
}

// Old goes away in v2.
func Old() {}
";

const V2_QUEUE: &str = "package queue

// Queue is a work queue.
type Queue struct{ items []string }

// NewQueue makes a queue.
func NewQueue() *Queue { return &Queue{} }
";

const V2_ADD: &str = "package queue

// Add adds an item.
func (q *Queue) Add(item string) {
	q.items = append(q.items, item)
}
";

pub const MAPPING: &str = "schema: 1
repos:
  widgets: { url: https://github.com/acme/widgets, pin: v1 }
components:
  workqueue: work queues
articles:
  - id: widgets-tour
    title: A tour of widgets
    url: https://example.com/widgets
    author: tester
    found: false
    source: inferred
    components: [workqueue]
    repo: widgets
    steps:
      - symbol: github.com/acme/widgets/queue.NewQueue
        file: queue/queue.go
        note: Construction.
        note_zh: 构造。
      - symbol: github.com/acme/widgets/queue.Queue.Add
        file: queue/queue.go
        note: Adding.
        note_zh: 添加。
      - symbol: github.com/acme/widgets/queue.Old
        note: Gone in v2.
        note_zh: 在 v2 中删除。
    written_for: v1.0
    era: dated
";

/// `git daemon` on loopback: the network transport, where the fetch is shallow.
pub struct GitDaemon {
    child: std::process::Child,
    pub port: u16,
}

impl GitDaemon {
    pub fn start(base: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // The `git-daemon` program itself: `git daemon` runs it as a child, which killing
        // `git` would leave behind.
        let exec_path = std::process::Command::new("git")
            .arg("--exec-path")
            .output()
            .expect("git --exec-path");
        let exec_path = String::from_utf8(exec_path.stdout).unwrap();
        let child =
            std::process::Command::new(std::path::Path::new(exec_path.trim()).join("git-daemon"))
                .args(["--export-all", "--reuseaddr", "--listen=127.0.0.1"])
                .arg(format!("--port={port}"))
                .arg(format!("--base-path={}", base.display()))
                .arg(base)
                // No inherited stdout/stderr: a daemon's worker outliving the test would otherwise
                // hold the test runner's pipe open (`cargo test | …` never sees EOF). Its stderr
                // is noise anyway (the first candidate URL, `owner/name.git`, is a hang-up).
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("git daemon");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "git daemon did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
