//! Real Kubernetes source: kubernetes v1.20.2 and client-go v0.20.2/v0.32.3 mirrors built
//! from Debian source packages by `scripts/build-mirrors.sh`. Ignored by default (they need
//! the mirrors); `.ci/run` builds the mirrors and runs them with
//! `K8S_STUDY_REAL_MIRRORS=DIR cargo test -- --ignored`.

use assert_cmd::Command;
use serde_json::Value;

fn mirrors() -> String {
    std::env::var("K8S_STUDY_REAL_MIRRORS").expect(
        "set K8S_STUDY_REAL_MIRRORS to the folder scripts/build-mirrors.sh made (e.g. .mirrors)",
    )
}

/// The binary with the built-in mapping, a cache shared by these tests, and the mirrors.
fn cmd() -> Command {
    let base = std::path::PathBuf::from(mirrors());
    let base = std::fs::canonicalize(&base).unwrap_or(base);
    let mut cmd = Command::cargo_bin("k8s-study").unwrap();
    cmd.env("K8S_STUDY_MIRROR", format!("file://{}", base.display()))
        .env("K8S_STUDY_CACHE", base.join(".test-cache"))
        .env_remove("K8S_STUDY_MAPPING");
    cmd
}

/// `find` at the mirrors' kubernetes tag (v1.20.2) unless `extra` names another version: the
/// built-in pins are newer releases than these mirrors hold (`tests/real_modules.rs`).
fn find(symbol: &str, extra: &[&str]) -> Value {
    let at: &[&str] = if extra.contains(&"--at") {
        &[]
    } else if extra.contains(&"kube") {
        &["--at", "4.2.0"]
    } else {
        &["--at", "v1.20.2"]
    };
    let out = cmd()
        .args(["find", symbol, "--format", "json"])
        .args(extra)
        .args(at)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
fn scheduler_schedule_one_is_at_line_429() {
    let v = find("k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne", &[]);
    assert_eq!(v["status"], "found");
    assert_eq!(v["file"], "pkg/scheduler/scheduler.go");
    assert_eq!(v["start_line"], 429);
    assert_eq!(
        v["signature"],
        "func (sched *Scheduler) scheduleOne(ctx context.Context)"
    );
}

#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
fn staging_packages_resolve_inside_the_monorepo() {
    let v = find(
        "k8s.io/client-go/tools/cache.sharedIndexInformer.Run",
        &["--repo", "kubernetes"],
    );
    assert_eq!(v["status"], "found");
    assert_eq!(
        v["file"],
        "staging/src/k8s.io/client-go/tools/cache/shared_informer.go"
    );
}

#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
fn third_party_packages_resolve_under_vendor() {
    let v = find("github.com/spf13/cobra.Command.Execute", &[]);
    assert_eq!(v["status"], "found");
    assert_eq!(v["file"], "vendor/github.com/spf13/cobra/command.go");
    let v = find("k8s.io/klog/v2.Infof", &[]);
    assert_eq!(v["file"], "vendor/k8s.io/klog/v2/klog.go");
}

#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
fn build_tag_twins_in_the_kubelet() {
    let v = find("k8s.io/kubernetes/pkg/kubelet/cm.NewContainerManager", &[]);
    assert_eq!(v["status"], "found");
    let mut files: Vec<&str> = std::iter::once(v["file"].as_str().unwrap())
        .chain(
            v["variants"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["file"].as_str().unwrap()),
        )
        .collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "pkg/kubelet/cm/container_manager_linux.go",
            "pkg/kubelet/cm/container_manager_unsupported.go",
            "pkg/kubelet/cm/container_manager_windows.go"
        ]
    );
}

#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
fn client_go_tags_differ_where_upstream_changed() {
    // v0.32.3 made the work queue generic: Type.Add became Typed[T].Add.
    let old = find(
        "k8s.io/client-go/util/workqueue.Type.Add",
        &["--repo", "client-go", "--at", "v0.20.2"],
    );
    assert_eq!(
        (old["status"].as_str(), old["file"].as_str()),
        (Some("found"), Some("util/workqueue/queue.go"))
    );
    let new = find(
        "k8s.io/client-go/util/workqueue.Type.Add",
        &["--repo", "client-go", "--at", "v0.32.3"],
    );
    assert_eq!(new["status"], "missing");
    assert!(
        new["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["symbol"] == "k8s.io/client-go/util/workqueue.Typed.Add")
    );
    let typed = find(
        "k8s.io/client-go/util/workqueue.Typed.Add",
        &["--repo", "client-go", "--at", "v0.32.3"],
    );
    assert_eq!(typed["signature"], "func (q *Typed[T]) Add(item T)");
}

/// Every Rust counterpart of the built-in mapping resolves in kube-rs at its pin (5.0.0), and
/// the bump back to the older release the mirror holds classifies each, through
/// `K8S_STUDY_MIRROR`. (The kubernetes and client-go steps are checked at their pins from Go
/// modules: `tests/real_modules.rs`.)
#[test]
#[ignore = "needs scripts/build-kube-mirror.sh and K8S_STUDY_REAL_MIRRORS"]
fn every_counterpart_resolves_in_kube_rs() {
    let out = cmd()
        .args(["check", "--repo", "kube", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &v["summary"];
    assert!(summary["counterparts"].as_u64().unwrap() >= 20, "{v:#}");
    assert_eq!(summary["found"], summary["steps"], "{v:#}");
    // And the bump to 5.0.0 classifies each of them.
    let out = cmd()
        .args([
            "bump", "--to", "4.2.0", "--repo", "kube", "--format", "json",
        ])
        .output()
        .unwrap();
    let steps: Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps = steps.as_array().unwrap();
    assert_eq!(
        steps.len() as u64,
        summary["counterparts"].as_u64().unwrap()
    );
    assert!(
        steps
            .iter()
            .all(|s| s["counterpart"] == true && s["from"]["version"] == "5.0.0")
    );
    assert!(
        steps.iter().all(|s| s["category"] != "unresolved"),
        "{steps:#?}"
    );
}

/// kube-rs 4.2.0 from its crates.io packages (`scripts/build-kube-mirror.sh`): items the Rust
/// articles walk through, by definition path and through re-exports, with the file each is in
/// and the line it starts at in the upstream repository (the src/ trees are byte-identical).
#[test]
#[ignore = "needs scripts/build-kube-mirror.sh and K8S_STUDY_REAL_MIRRORS"]
fn kube_rs_items_at_4_2_0() {
    let cases: &[(&str, &str, u64, &str)] = &[
        (
            "kube_runtime::controller::Controller::run",
            "kube-runtime/src/controller/mod.rs",
            1683,
            "method",
        ),
        (
            "kube_runtime::reflector::store::Store::get",
            "kube-runtime/src/reflector/store.rs",
            228,
            "method",
        ),
        (
            "kube_runtime::watcher::watcher",
            "kube-runtime/src/watcher.rs",
            787,
            "func",
        ),
        (
            "kube_runtime::reflector::reflector",
            "kube-runtime/src/reflector/mod.rs",
            112,
            "func",
        ),
        (
            "kube_runtime::finalizer::finalizer",
            "kube-runtime/src/finalizer.rs",
            127,
            "func",
        ),
        (
            "kube_runtime::scheduler::scheduler",
            "kube-runtime/src/scheduler.rs",
            278,
            "func",
        ),
        (
            "kube_runtime::controller::Action::requeue",
            "kube-runtime/src/controller/mod.rs",
            102,
            "method",
        ),
        (
            "kube_runtime::reflector::Store",
            "kube-runtime/src/reflector/store.rs",
            189,
            "struct",
        ),
        (
            "kube_runtime::watcher::Event",
            "kube-runtime/src/watcher.rs",
            53,
            "enum",
        ),
        (
            "kube_client::Api::list",
            "kube-client/src/api/core_methods.rs",
            222,
            "method",
        ),
        (
            "kube_client::Client::send",
            "kube-client/src/client/mod.rs",
            217,
            "method",
        ),
        (
            "kube_core::CustomResourceExt",
            "kube-core/src/crd.rs",
            9,
            "trait",
        ),
        (
            "kube_core::Resource::kind",
            "kube-core/src/resource.rs",
            43,
            "trait-method",
        ),
    ];
    let mut wrong = Vec::new();
    for &(symbol, file, line, kind) in cases {
        let v = find(symbol, &["--repo", "kube"]);
        let got = (
            v["status"].as_str(),
            v["file"].as_str(),
            v["start_line"].as_u64(),
            v["kind"].as_str(),
        );
        if got != (Some("found"), Some(file), Some(line), Some(kind)) {
            wrong.push(format!("{symbol}: {got:?} {}", v["reason"]));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The newer tag of the mirror moves the watcher down.
    let v = find(
        "kube_runtime::watcher::watcher",
        &["--repo", "kube", "--at", "5.0.0"],
    );
    assert_eq!(v["status"], "found");
    assert_eq!(v["start_line"], 830);
}

/// One row of `tests/data/bump-client-go-v0.20.2-v0.32.3.tsv`: what reading both trees
/// established for one step.
struct Truth<'a> {
    article: &'a str,
    step: u64,
    symbol: &'a str,
    category: &'a str,
    new_symbol: Option<&'a str>,
    evidence: &'a str,
    known_gap: bool,
}

fn bump_truth() -> Vec<Truth<'static>> {
    include_str!("data/bump-client-go-v0.20.2-v0.32.3.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1) // header
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 7, "7 columns: {l}");
            Truth {
                article: c[0],
                step: c[1].parse().unwrap(),
                symbol: c[2],
                category: c[3],
                new_symbol: Some(c[4]).filter(|s| *s != "-"),
                evidence: c[5],
                known_gap: c[6] == "yes",
            }
        })
        .collect()
}

/// Every client-go step of the built-in mapping as it was at v0.20.2 (the TSV's symbols) bumped to v0.32.3, against
/// the category each was given by reading the declarations at both tags (the TSV, with the
/// evidence for each row). Rows marked `known_gap` are where the tool is known to be wrong:
/// they are printed, not asserted, and the test fails once the tool gets them right so the
/// mark is removed.
#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
#[allow(clippy::format_push_string, clippy::too_many_lines)] // a fixture written once
fn bump_client_go_to_v0_32_3_matches_the_trees() {
    // The built-in mapping is pinned at a newer client-go than this mirror holds: the steps
    // as they were at v0.20.2 are the TSV's own symbols, one article per TSV article.
    let truth = bump_truth();
    let mut mapping = String::from(
        "schema: 1\nrepos:\n  client-go: { url: https://github.com/kubernetes/client-go, pin: v0.20.2, module: k8s.io/client-go }\ncomponents:\n  client-go: client-go\narticles:\n",
    );
    let mut article = "";
    for t in &truth {
        if t.article != article {
            article = t.article;
            mapping.push_str(&format!(
                "  - id: {article}\n    title: {article}\n    url: https://example.com/{article}\n    written_for: v0.20.2\n    era: stated\n    components: [client-go]\n    repo: client-go\n    steps:\n"
            ));
            assert_eq!(t.step, 1, "{article}: the TSV lists every step from 1");
        }
        mapping.push_str(&format!("      - symbol: {}\n        note: n\n", t.symbol));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("client-go-v0.20.2.yaml");
    std::fs::write(&file, mapping).unwrap();
    let out = cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .arg("--mapping")
        .arg(&file)
        .args([
            "bump",
            "--to",
            "v0.32.3",
            "--repo",
            "client-go",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let steps = v.as_array().unwrap();
    assert_eq!(steps.len(), truth.len(), "one TSV row per client-go step");

    let mut wrong = Vec::new();
    let mut gaps = Vec::new();
    let mut fixed = Vec::new();
    for t in &truth {
        let matching: Vec<&Value> = steps
            .iter()
            .filter(|s| s["article"] == t.article && s["step"] == t.step)
            .collect();
        assert_eq!(matching.len(), 1, "{} step {}", t.article, t.step);
        let s = matching[0];
        assert_eq!(s["symbol"], t.symbol, "{} step {}", t.article, t.step);
        // The TSV classifies declarations; a path between steps is judged on its own.
        let category = match s["category"].as_str().unwrap() {
            "path-broken" if s["lines_added"] == 0 && s["lines_removed"] == 0 => "unchanged",
            "path-broken" => "body-changed",
            c => c,
        };
        let to = s["to"]["symbol"].as_str();
        let relocated = matches!(category, "renamed" | "moved-package");
        let agrees = category == t.category
            && if relocated {
                to == t.new_symbol
            } else {
                t.new_symbol.is_none()
            };
        let got = format!(
            "{} step {} {}: tool says {category} {}, the trees say {} {} ({})",
            t.article,
            t.step,
            t.symbol,
            to.filter(|_| relocated).unwrap_or("-"),
            t.category,
            t.new_symbol.unwrap_or("-"),
            t.evidence
        );
        match (t.known_gap, agrees) {
            (false, true) => {}
            (false, false) => wrong.push(got),
            (true, false) => gaps.push(got),
            (true, true) => fixed.push(got),
        }
        // A declaration still there is compared with itself at the new version.
        if matches!(
            t.category,
            "unchanged" | "body-changed" | "signature-changed"
        ) && agrees
        {
            assert_eq!(to, Some(t.symbol), "{} step {}", t.article, t.step);
        }
    }
    for g in &gaps {
        eprintln!("known gap (skipped): {g}");
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(
        fixed.is_empty(),
        "the tool now gets these right: drop known_gap in the TSV: {fixed:#?}"
    );

    json_shape(steps);
}

/// The JSON fields of `bump`, on a declaration still in place and on a promoted method.
fn json_shape(steps: &[Value]) {
    let step = |article: &str, n: u64| {
        steps
            .iter()
            .find(|s| s["article"] == article && s["step"] == n)
            .unwrap()
    };
    let side_keys = [
        "version",
        "commit",
        "file",
        "start_line",
        "end_line",
        "signature",
    ];
    for s in [
        step("client-go-huweihuang-notes", 1),
        step("client-go-supereagle", 10),
    ] {
        for key in [
            "article",
            "step",
            "symbol",
            "category",
            "from",
            "to",
            "candidates",
        ] {
            assert!(s.get(key).is_some(), "{key} missing in {s}");
        }
        for (side, key) in ["from", "to"]
            .into_iter()
            .flat_map(|side| side_keys.map(|k| (side, k)))
        {
            assert!(s[side].get(key).is_some(), "{side}.{key} missing in {s}");
        }
        assert_eq!(s["from"]["version"], "v0.20.2");
        assert_eq!(s["to"]["version"], "v0.32.3");
        assert!(s["candidates"].is_array());
    }
    let build = step("client-go-huweihuang-notes", 1);
    assert_eq!(
        (&build["from"]["file"], &build["from"]["start_line"]),
        (
            &Value::from("tools/clientcmd/client_config.go"),
            &Value::from(612)
        )
    );
    assert_eq!(build["to"]["start_line"], 665);
    let update = step("client-go-supereagle", 10);
    assert_eq!(
        update["symbol"],
        "k8s.io/client-go/kubernetes/typed/apps/v1.deployments.Update"
    );
    assert_eq!(
        (&update["to"]["file"], &update["to"]["start_line"]),
        (&Value::from("gentype/type.go"), &Value::from(258))
    );
    assert_eq!(
        update["to"]["signature"],
        "func (c *Client[T]) Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)"
    );
}

/// `diff` follows the work queue's `Type.Get` to the generic `Typed[T].Get` (`Type` is an alias
/// of `Typed[any]` at v0.32.3) and shows both declarations as a unified diff.
#[test]
#[ignore = "needs scripts/build-mirrors.sh and K8S_STUDY_REAL_MIRRORS"]
fn diff_follows_type_get_to_typed_get() {
    let out = cmd()
        .args([
            "diff",
            "k8s.io/client-go/util/workqueue.Type.Get",
            "--from",
            "v0.20.2",
            "--to",
            "v0.32.3",
            "--repo",
            "client-go",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("# renamed → k8s.io/client-go/util/workqueue.Typed.Get"),
        "{text}"
    );
    assert!(
        lines[1].starts_with(
            "--- k8s.io/client-go/util/workqueue.Type.Get@v0.20.2 util/workqueue/queue.go:141-"
        ),
        "{text}"
    );
    assert!(
        lines[2].starts_with(
            "+++ k8s.io/client-go/util/workqueue.Typed.Get@v0.32.3 util/workqueue/queue.go:273-"
        ),
        "{text}"
    );
    assert!(lines[3].starts_with("@@ "), "{text}");
    assert!(
        lines.contains(&"-func (q *Type) Get() (item interface{}, shutdown bool) {"),
        "{text}"
    );
    assert!(
        lines.contains(&"+func (q *Typed[T]) Get() (item T, shutdown bool) {"),
        "{text}"
    );
}
