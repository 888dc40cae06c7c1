//! Go modules as a source, through the real binary and the real go command, served from a
//! `file://` GOPROXY folder the test writes (the download cache layout is itself a valid
//! GOPROXY). No network.

use std::io::Write as _;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const GO_MOD: &str = "module k8s.io/kubernetes

go 1.22

require (
\tgithub.com/Azure/go-ansiterm v0.0.0-20230124172434-306776ec8161
\tgithub.com/spf13/cobra v1.2.3
\tk8s.io/client-go v0.0.0
)

replace k8s.io/client-go => ./staging/src/k8s.io/client-go
";

const MAPPING: &str = "schema: 1
repos:
  kubernetes: { url: https://github.com/kubernetes/kubernetes, pin: v1.30.1, module: k8s.io/kubernetes }
components:
  scheduler: the scheduler
articles:
  - id: tiny-scheduler
    title: A tiny scheduler
    url: https://example.com/tiny
    author: tester
    found: false
    source: inferred
    components: [scheduler]
    repo: kubernetes
    steps:
      - symbol: k8s.io/kubernetes/pkg/scheduler.Scheduler.Run
        note: Run.
        note_zh: 运行。
      - symbol: k8s.io/client-go/tools/cache.NewReflector
        note: A reflector.
        note_zh: 反射器。
      - symbol: github.com/spf13/cobra.Command.Execute
        note: The command.
        note_zh: 命令。
";

struct Proxy {
    dir: TempDir,
}

impl Proxy {
    fn new() -> Self {
        let p = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        p.module(
            "k8s.io/kubernetes",
            "v1.30.1",
            Some(GO_MOD),
            &[(
                "pkg/scheduler/scheduler.go",
                "package scheduler\n\ntype Scheduler struct{}\n\n// Run runs.\nfunc (s *Scheduler) Run() {}\n",
            )],
        );
        p.module(
            "k8s.io/client-go",
            "v0.30.1",
            Some("module k8s.io/client-go\n"),
            &[(
                "tools/cache/reflector.go",
                "package cache\n\nfunc NewReflector() {}\n",
            )],
        );
        p.module(
            "github.com/spf13/cobra",
            "v1.2.3",
            Some("module github.com/spf13/cobra\n"),
            &[(
                "command.go",
                "package cobra\n\ntype Command struct{}\n\nfunc (c *Command) Execute() error { return nil }\n",
            )],
        );
        p.module(
            "github.com/Azure/go-ansiterm",
            "v0.0.0-20230124172434-306776ec8161",
            None,
            &[(
                "parser.go",
                "package ansiterm\n\ntype AnsiParser struct{}\n",
            )],
        );
        std::fs::write(p.path("mapping.yaml"), MAPPING).unwrap();
        p
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `module@version` in the proxy: list, .info, .mod and .zip.
    fn module(&self, module: &str, version: &str, go_mod: Option<&str>, files: &[(&str, &str)]) {
        // The proxy protocol, like the cache, spells upper case as `!` and lower case.
        let escaped: String = module
            .chars()
            .map(|c| {
                if c.is_ascii_uppercase() {
                    format!("!{}", c.to_ascii_lowercase())
                } else {
                    c.to_string()
                }
            })
            .collect();
        let at = self.path("proxy").join(escaped).join("@v");
        std::fs::create_dir_all(&at).unwrap();
        let mut list = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(at.join("list"))
            .unwrap();
        writeln!(list, "{version}").unwrap();
        std::fs::write(
            at.join(format!("{version}.info")),
            format!("{{\"Version\":\"{version}\",\"Time\":\"2024-01-01T00:00:00Z\"}}"),
        )
        .unwrap();
        let go_mod = go_mod.map_or_else(|| format!("module {module}\n"), str::to_string);
        std::fs::write(at.join(format!("{version}.mod")), &go_mod).unwrap();
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        let mut all: Vec<(&str, &str)> = files.to_vec();
        all.push(("go.mod", &go_mod));
        for (name, text) in all {
            w.start_file(format!("{module}@{version}/{name}"), opts)
                .unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        std::fs::write(
            at.join(format!("{version}.zip")),
            w.finish().unwrap().into_inner(),
        )
        .unwrap();
    }

    fn modcache(&self) -> PathBuf {
        self.path("modcache")
    }

    /// The binary, reading modules through the go command from this proxy only.
    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("k8s-study").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("K8S_STUDY_CACHE", self.path("cache"))
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", self.path("mapping.yaml"))
            .env(
                "GOPROXY",
                format!("file://{}", self.path("proxy").display()),
            )
            .env("GOMODCACHE", self.modcache())
            .env("GOPATH", self.path("gopath"))
            .env("GOCACHE", self.path("gocache"))
            .env("GOSUMDB", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-modcacherw");
        cmd
    }
}

fn has_go() -> bool {
    std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

fn zip_of(p: &Proxy, module: &str, version: &str) -> PathBuf {
    p.modcache()
        .join("cache/download")
        .join(module)
        .join("@v")
        .join(format!("{version}.zip"))
}

#[test]
fn check_downloads_what_is_missing_then_reads_the_cache_alone() {
    if !has_go() {
        eprintln!("skipped: no go command");
        return;
    }
    let p = Proxy::new();
    p.cmd()
        .args(["check", "--format", "json"])
        .assert()
        .success();
    for (m, v) in [
        ("k8s.io/kubernetes", "v1.30.1"),
        ("k8s.io/client-go", "v0.30.1"),
        ("github.com/spf13/cobra", "v1.2.3"),
    ] {
        assert!(zip_of(&p, m, v).is_file(), "{m}@{v} not downloaded");
    }
    // Everything is cached now: no proxy needed.
    let out = p
        .cmd()
        .env("GOPROXY", "off")
        .args(["resolve", "tiny-scheduler", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let steps = v.as_array().unwrap();
    let field = |i: usize, f: &str| steps[i][f].as_str().unwrap_or_default().to_string();
    assert_eq!(field(0, "file"), "pkg/scheduler/scheduler.go");
    assert!(
        field(0, "commit").starts_with("h1:"),
        "{}",
        field(0, "commit")
    );
    assert_eq!(
        field(1, "permalink"),
        "https://github.com/kubernetes/kubernetes/blob/v1.30.1/staging/src/k8s.io/client-go/tools/cache/reflector.go#L3-L3"
    );
    assert_eq!(
        field(2, "permalink"),
        "https://github.com/spf13/cobra/blob/v1.2.3/command.go#L5-L5"
    );
}

#[test]
fn a_bare_minor_is_its_newest_served_patch() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    p.module(
        "k8s.io/kubernetes",
        "v1.30.4",
        Some(GO_MOD),
        &[(
            "pkg/scheduler/scheduler.go",
            "package scheduler\n\ntype Scheduler struct{}\n",
        )],
    );
    let out = p
        .cmd()
        .args([
            "find",
            "k8s.io/kubernetes/pkg/scheduler.Scheduler",
            "--at",
            "v1.30",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&out)["version"], "v1.30.4");
}

#[test]
fn unreachable_modules_are_errors_that_say_what_to_do() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    let find = ["find", "k8s.io/kubernetes/pkg/scheduler.Scheduler"];
    // Not served.
    p.cmd()
        .args(find)
        .args(["--at", "v1.30.9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read Go module k8s.io/kubernetes@v1.30.9",
        ))
        .stderr(predicate::str::contains("go list -m -versions"));
    // Downloads forbidden, nothing cached.
    p.cmd()
        .env("GOPROXY", "off")
        .args(find)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("GOPROXY=off"));
    // No go command at all.
    p.cmd()
        .env("K8S_STUDY_GO", p.path("no-such-go"))
        .args(find)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("install Go"));
}

#[test]
fn a_damaged_zip_in_the_cache_is_refused_and_nothing_else_is_lost() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    p.cmd().args(["fetch", "kubernetes"]).assert().success();
    // fetch brought the tree's own code: root and staging.
    assert!(zip_of(&p, "k8s.io/client-go", "v0.30.1").is_file());
    let cobra = zip_of(&p, "github.com/spf13/cobra", "v1.2.3");
    assert!(
        !cobra.exists(),
        "third-party modules are read when needed, not fetched"
    );
    let root = zip_of(&p, "k8s.io/kubernetes", "v1.30.1");
    let bytes = std::fs::read(&root).unwrap();
    std::fs::write(&root, &bytes[..bytes.len() / 2]).unwrap();
    p.cmd()
        .env("GOPROXY", "off")
        .args(["find", "k8s.io/kubernetes/pkg/scheduler.Scheduler"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is refused"))
        .stderr(predicate::str::contains("delete"));
    // One damaged module does not stop a check of the others from reporting.
    std::fs::write(&root, &bytes).unwrap();
    let cached_cobra = p.path("proxy/github.com/spf13/cobra/@v/v1.2.3.zip");
    std::fs::write(&cached_cobra, b"PK not a zip").unwrap();
    let out = p
        .cmd()
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("github.com/spf13/cobra@v1.2.3"), "{text}");
    assert!(text.contains("\"found\""), "{text}");
}

/// Upper case in a module path is `!` and lower case in the cache; a pseudo-version's
/// permalink names its commit.
#[test]
fn case_encoded_paths_and_pseudo_versions() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    let out = p
        .cmd()
        .args([
            "find",
            "github.com/Azure/go-ansiterm.AnsiParser",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    assert_eq!(v["file"], "vendor/github.com/Azure/go-ansiterm/parser.go");
    assert_eq!(
        v["permalink"],
        "https://github.com/Azure/go-ansiterm/blob/306776ec8161/parser.go#L3-L3"
    );
    assert!(p
        .modcache()
        .join("cache/download/github.com/!azure/go-ansiterm/@v/v0.0.0-20230124172434-306776ec8161.zip")
        .is_file());
}

/// `bump` and `diff` read both versions from Go modules, with the same categories and
/// permalinks as on git: the kubernetes root moves to v1.31.0 and client-go, a staging repo,
/// to the matching v0.31.0.
#[test]
fn bump_and_diff_between_two_module_releases() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    let go_mod = GO_MOD.replace("cobra v1.2.3", "cobra v1.3.0");
    p.module(
        "k8s.io/kubernetes",
        "v1.31.0",
        Some(&go_mod),
        &[(
            "pkg/scheduler/schedule_one.go",
            "package scheduler\n\ntype Scheduler struct{}\n\n// Run runs.\nfunc (s *Scheduler) Run() {}\n",
        )],
    );
    p.module(
        "k8s.io/client-go",
        "v0.31.0",
        Some("module k8s.io/client-go\n"),
        &[(
            "tools/cache/reflector.go",
            "package cache\n\nfunc NewReflector(name string) {}\n",
        )],
    );
    p.module(
        "github.com/spf13/cobra",
        "v1.3.0",
        Some("module github.com/spf13/cobra\n"),
        &[(
            "command.go",
            "package cobra\n\ntype Command struct{}\n\nfunc (c *Command) Execute() error {\n\tc.init()\n\treturn nil\n}\n",
        )],
    );
    let out = p
        .cmd()
        .args(["bump", "--to", "v1.31.0", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let by_symbol = |s: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|x| x["symbol"] == s)
            .unwrap_or_else(|| panic!("{s} not in {v}"))
            .clone()
    };
    let run = by_symbol("k8s.io/kubernetes/pkg/scheduler.Scheduler.Run");
    assert_eq!(run["category"], "moved-file", "{run}");
    assert_eq!(run["to"]["file"], "pkg/scheduler/schedule_one.go");
    assert_eq!(run["to"]["version"], "v1.31.0");
    assert!(run["to"]["commit"].as_str().unwrap().starts_with("h1:"));
    let reflector = by_symbol("k8s.io/client-go/tools/cache.NewReflector");
    assert_eq!(reflector["category"], "signature-changed", "{reflector}");
    let execute = by_symbol("github.com/spf13/cobra.Command.Execute");
    assert_eq!(execute["category"], "body-changed", "{execute}");
    assert_eq!(
        execute["to"]["file"],
        "vendor/github.com/spf13/cobra/command.go"
    );

    p.cmd()
        .args([
            "diff",
            "k8s.io/client-go/tools/cache.NewReflector",
            "--from",
            "v1.30.1",
            "--to",
            "v1.31.0",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-func NewReflector() {}"))
        .stdout(predicate::str::contains(
            "+func NewReflector(name string) {}",
        ));
}

/// `cache list` shows the mapping's modules held by the Go module cache beside our git cache,
/// and `cache clean` leaves that cache, which is the go command's, alone.
#[test]
fn cache_list_shows_the_module_cache_and_clean_leaves_it() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    p.cmd().args(["fetch", "kubernetes"]).assert().success();
    let out = p
        .cmd()
        .args(["cache", "list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let k8s = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "k8s.io/kubernetes")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(k8s["source"], "modules");
    assert_eq!(k8s["versions"], serde_json::json!(["v1.30.1"]));
    assert!(k8s["bytes"].as_u64().unwrap() > 0);
    p.cmd()
        .args(["cache", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Go module cache:"))
        .stdout(predicate::str::contains("k8s.io/kubernetes"));
    p.cmd().args(["cache", "clean"]).assert().success();
    assert!(zip_of(&p, "k8s.io/kubernetes", "v1.30.1").is_file());
}

/// A staging folder whose module the proxy does not serve (sample-controller is refused on
/// our machines) leaves the rest of the tree whole: `fetch` names it and exits 1, and
/// whole-tree searches (`bump`'s relocation) still run over everything else.
#[test]
fn an_unserved_staging_module_leaves_the_rest_of_the_tree_usable() {
    if !has_go() {
        return;
    }
    let p = Proxy::new();
    let go_mod = format!(
        "{GO_MOD}replace k8s.io/sample-controller => ./staging/src/k8s.io/sample-controller\n"
    );
    p.module(
        "k8s.io/kubernetes",
        "v1.32.0",
        Some(&go_mod),
        &[(
            "pkg/scheduler/core/generic.go",
            "package core\n\ntype Scheduler struct{}\n\n// Run runs.\nfunc (s *Scheduler) Run() {}\n",
        )],
    );
    p.module(
        "k8s.io/client-go",
        "v0.32.0",
        Some("module k8s.io/client-go\n"),
        &[(
            "tools/cache/reflector.go",
            "package cache\n\nfunc NewReflector() {}\n",
        )],
    );
    p.cmd()
        .args(["fetch", "kubernetes@v1.32.0"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "unavailable: k8s.io/sample-controller@v0.32.0",
        ));
    let out = p
        .cmd()
        .args(["bump", "--to", "v1.32.0", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let run = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["symbol"] == "k8s.io/kubernetes/pkg/scheduler.Scheduler.Run")
        .unwrap()
        .clone();
    assert_eq!(run["category"], "moved-package", "{run}");
    assert_eq!(
        run["to"]["symbol"],
        "k8s.io/kubernetes/pkg/scheduler/core.Scheduler.Run"
    );
}
