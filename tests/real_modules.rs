//! Real Go modules: Kubernetes releases read from the module cache that `.ci/run` fills with
//! `go mod download` (and keeps between runs). Ignored by default; run with
//! `K8S_STUDY_REAL_MODULES=1 cargo test -- --ignored` after `scripts/download-modules.sh`.

use assert_cmd::Command;
use serde_json::Value;

/// The binary with the built-in mapping, reading Go modules from the user's module cache.
fn cmd() -> Command {
    assert!(
        std::env::var_os("K8S_STUDY_REAL_MODULES").is_some(),
        "set K8S_STUDY_REAL_MODULES=1 after scripts/download-modules.sh"
    );
    let mut cmd = Command::cargo_bin("k8s-study").unwrap();
    let cache = std::env::temp_dir().join("k8s-study-real-modules-cache");
    cmd.env("K8S_STUDY_CACHE", cache)
        .env("K8S_STUDY_SOURCE", "modules")
        .env_remove("K8S_STUDY_MIRROR")
        .env_remove("K8S_STUDY_MAPPING");
    cmd
}

fn find(symbol: &str, extra: &[&str]) -> Value {
    let out = cmd()
        .args(["find", symbol, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
#[ignore = "needs scripts/download-modules.sh and K8S_STUDY_REAL_MODULES"]
fn the_newest_release_has_schedule_one_in_its_own_file() {
    let v = find(
        "k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne",
        &["--at", "v1.37.2"],
    );
    assert_eq!(v["status"], "found", "{v}");
    assert_eq!(v["file"], "pkg/scheduler/schedule_one.go");
    assert!(v["commit"].as_str().unwrap().starts_with("h1:"));
    let v = find(
        "k8s.io/client-go/tools/cache.sharedIndexInformer.Run",
        &["--at", "v1.37.2"],
    );
    assert_eq!(
        v["permalink"].as_str().unwrap().split("#L").next().unwrap(),
        "https://github.com/kubernetes/kubernetes/blob/v1.37.2/staging/src/k8s.io/client-go/tools/cache/shared_informer.go"
    );
}

#[test]
#[ignore = "needs scripts/download-modules.sh and K8S_STUDY_REAL_MODULES"]
fn client_go_and_controller_runtime_at_their_newest_releases() {
    let v = find(
        "k8s.io/client-go/tools/cache.sharedIndexInformer.Run",
        &["--repo", "client-go", "--at", "v0.37.2"],
    );
    assert_eq!(v["file"], "tools/cache/shared_informer.go", "{v}");
    assert!(v["permalink"].as_str().unwrap().starts_with(
        "https://github.com/kubernetes/client-go/blob/v0.37.2/tools/cache/shared_informer.go#L"
    ));
    let v = find(
        "sigs.k8s.io/controller-runtime/pkg/manager.New",
        &["--repo", "controller-runtime", "--at", "v0.25.3"],
    );
    assert_eq!(v["status"], "found", "{v}");
    assert_eq!(v["file"], "pkg/manager/manager.go");
}

#[test]
#[ignore = "needs scripts/download-modules.sh and K8S_STUDY_REAL_MODULES"]
fn a_gopath_era_release_reads_its_own_code_and_says_why_vendored_code_is_absent() {
    let v = find(
        "k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne",
        &["--at", "v1.13.0"],
    );
    assert_eq!(v["file"], "pkg/scheduler/scheduler.go", "{v}");
    let v = find(
        "k8s.io/client-go/tools/cache.sharedIndexInformer.Run",
        &["--at", "v1.13.0"],
    );
    assert_eq!(
        v["file"],
        "staging/src/k8s.io/client-go/tools/cache/shared_informer.go"
    );
    let v = find(
        "github.com/spf13/cobra.Command.Execute",
        &["--at", "v1.13.0"],
    );
    assert_eq!(v["status"], "missing");
    assert!(v["reason"].as_str().unwrap().contains("vendored"), "{v}");
}

/// The built-in mapping at its pins from Go modules. Every kubernetes step the module
/// proxy can serve resolves; the only misses allowed are sample-controller's, a staging
/// module the proxy here does not serve at v0.20.2 (the reason says so).
#[test]
#[ignore = "needs scripts/download-modules.sh and K8S_STUDY_REAL_MODULES"]
fn the_builtin_mapping_checks_on_module_sources() {
    for repo in ["client-go", "controller-runtime"] {
        cmd().args(["check", "--repo", repo]).assert().success();
    }
    let out = cmd()
        .args(["check", "--repo", "kubernetes", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["summary"]["steps"].as_u64().unwrap() > 400,
        "{}",
        v["summary"]
    );
    assert_eq!(v["summary"]["ambiguous"], 0);
    for s in v["problems"].as_array().unwrap() {
        let why = s["reason"].as_str().unwrap_or_default();
        assert!(
            s["symbol"]
                .as_str()
                .unwrap()
                .starts_with("k8s.io/sample-controller")
                && why.contains("k8s.io/sample-controller@v0.20.2"),
            "{s}"
        );
    }
}

/// The guide JSON of the whole built-in mapping, read with `source` (`git` from the Debian
/// mirrors, or `modules`): (article, step) → (repo, step object).
fn guide_steps(source: &str) -> std::collections::BTreeMap<(String, u64), (String, Value)> {
    let out_dir = tempfile::tempdir().unwrap();
    let mut c = cmd();
    if source == "git" {
        let mirrors = std::env::var("K8S_STUDY_REAL_MIRRORS")
            .expect("set K8S_STUDY_REAL_MIRRORS to the folder scripts/build-mirrors.sh made");
        let mirrors = std::fs::canonicalize(&mirrors).unwrap();
        c.env("K8S_STUDY_MIRROR", format!("file://{}", mirrors.display()))
            .env("K8S_STUDY_CACHE", mirrors.join(".test-cache"));
    }
    // Repos without a mirror or module (controller-runtime on git, sample-controller on
    // modules) are written as unresolved: exit 1, never 2.
    c.env("K8S_STUDY_SOURCE", source)
        .args(["-q", "guide", "--format", "json", "-o"])
        .arg(out_dir.path())
        .assert()
        .code(predicates::ord::le(1));
    let text = std::fs::read(out_dir.path().join("guide.json")).unwrap();
    let v: Value = serde_json::from_slice(&text).unwrap();
    let mut steps = std::collections::BTreeMap::new();
    for a in v["articles"].as_array().unwrap() {
        for s in a["steps"].as_array().unwrap() {
            steps.insert(
                (
                    a["id"].as_str().unwrap().to_string(),
                    s["step"].as_u64().unwrap(),
                ),
                (a["repo"].as_str().unwrap().to_string(), s.clone()),
            );
        }
    }
    steps
}

/// v1.20.2 through Go modules against the Debian git mirror of the same tag: every step of
/// the built-in mapping on kubernetes (v1.20.2) and client-go (v0.20.2) resolves to the same
/// file, lines and signature. The only differences allowed are sample-controller's steps,
/// whose module the proxy here refuses, and the permalinks of vendored third-party code,
/// which on modules name the dependency's own repository at the version go.mod requires.
#[test]
#[ignore = "needs the Debian mirrors, scripts/download-modules.sh and both env variables"]
fn v1_20_2_from_modules_matches_the_debian_git_mirror() {
    let git = guide_steps("git");
    let modules = guide_steps("modules");
    let place =
        |s: &Value| ["status", "file", "start_line", "end_line", "signature"].map(|f| s[f].clone());
    let (mut same, mut refused) = (0, 0);
    for (key, (repo, g)) in &git {
        if repo != "kubernetes" && repo != "client-go" {
            continue;
        }
        assert_eq!(g["status"], "found", "{key:?} on git: {g}");
        let m = &modules[key].1;
        if g["symbol"]
            .as_str()
            .unwrap()
            .starts_with("k8s.io/sample-controller")
        {
            assert_eq!(m["status"], "missing", "{key:?}");
            assert!(
                m["reason"]
                    .as_str()
                    .unwrap()
                    .contains("k8s.io/sample-controller@v0.20.2"),
                "{m}"
            );
            refused += 1;
            continue;
        }
        assert_eq!(place(g), place(m), "{key:?}");
        let (gl, ml) = (
            g["permalink"].as_str().unwrap(),
            m["permalink"].as_str().unwrap(),
        );
        if gl.contains("/blob/v1.20.2/vendor/") {
            assert!(!ml.contains("/vendor/"), "{ml}");
            assert_eq!(
                gl.rsplit_once('/').unwrap().1,
                ml.rsplit_once('/').unwrap().1,
                "same file and lines"
            );
        } else {
            assert_eq!(gl, ml, "{key:?}");
        }
        same += 1;
    }
    assert!(same > 500, "only {same} steps compared");
    assert!(refused <= 30, "{refused} sample-controller steps");
}

/// `diff` across real releases read from Go modules: the scheduler's `scheduleOne` of
/// v1.20.2 is exported as `ScheduleOne` at v1.37.2, in the new `schedule_one.go`.
#[test]
#[ignore = "needs scripts/download-modules.sh and K8S_STUDY_REAL_MODULES"]
fn diff_follows_schedule_one_from_v1_20_2_to_v1_37_2() {
    let out = cmd()
        .args([
            "diff",
            "k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne",
            "--from",
            "v1.20.2",
            "--to",
            "v1.37.2",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("# renamed → k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne"),
        "{first}"
    );
    assert!(
        text.contains("+++ k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne@v1.37.2 pkg/scheduler/schedule_one.go:"),
        "{text}"
    );
}
