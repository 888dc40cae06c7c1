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
