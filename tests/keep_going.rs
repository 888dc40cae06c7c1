//! One repo that cannot be read never aborts a whole `check`, `guide` or `bump`: the command
//! does the rest, names what it skipped on stderr (`k8s-study: repo NAME: why`, as ripgrep
//! names a file it cannot open) and exits non-zero at the end.

use predicates::prelude::*;

use crate::util::Workspace;

/// The widgets workspace plus `legacy-tour`, an article on the `legacy` repo, and a Rust
/// counterpart on widgets' first step in a `kube` repo that has no mirror at all.
fn workspace() -> Workspace {
    let ws = Workspace::new();
    std::fs::write(
        ws.path("legacy.yaml"),
        "schema: 1\narticles:\n  - { id: legacy-tour, title: Legacy, url: \"https://example.com/l\", repo: legacy, steps: [{ symbol: github.com/acme/legacy/pkg/foo.Foo, note: n }] }\n",
    )
    .unwrap();
    let mapping = std::fs::read_to_string(ws.path("mapping.yaml"))
        .unwrap()
        .replace(
            "repos:\n",
            "repos:\n  kube: { url: https://github.com/kube-rs/kube, lang: rust, pin: \"1.0.0\" }\n",
        )
        .replacen(
            "        note_zh: 构造。\n",
            "        note_zh: 构造。\n        counterpart:\n          symbol: kube_runtime::Store::get\n          note: A cache read.\n",
            1,
        );
    std::fs::write(ws.path("mapping.yaml"), mapping).unwrap();
    ws
}

/// Both mapping files, and `legacy` sent to a mirror that does not exist.
fn cmd(ws: &Workspace) -> assert_cmd::Command {
    let mut cmd = ws.cmd();
    cmd.env(
        "K8S_STUDY_MAPPING",
        format!(
            "{}:{}",
            ws.path("mapping.yaml").display(),
            ws.path("legacy.yaml").display()
        ),
    )
    .args(["--mirror", "legacy=file:///nonexistent/legacy"]);
    cmd
}

/// It used to stop at the counterpart repo: exit 2 and nothing on stdout.
#[test]
fn check_reports_every_readable_repo_when_a_counterpart_repo_is_unreadable() {
    let ws = workspace();
    cmd(&ws)
        .arg("check")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("not read: repo kube"))
        .stdout(predicate::str::contains("not read: repo legacy"))
        .stdout(predicate::str::contains(
            "3 steps: 3 found, 0 missing, 0 ambiguous",
        ))
        .stderr(predicate::str::contains(
            "k8s-study: repo legacy: mirror of legacy not found",
        ))
        .stderr(predicate::str::contains("k8s-study: repo kube: "));
    // JSON: the readable repo's steps are all there.
    let out = cmd(&ws)
        .args(["check", "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["summary"]["steps"], 3, "{v}");
    assert_eq!(v["summary"]["found"], 3, "{v}");
}

/// The guide is written whole: the readable article with its excerpts, the unreadable one
/// with the reason on each step; what was skipped is named on stderr (exit 1, as docs/cli.md
/// says for a guide with unresolved steps).
#[test]
fn guide_writes_every_article_and_names_the_unreadable_repos() {
    let ws = workspace();
    let out = ws.path("out");
    cmd(&ws)
        .args(["guide", "--format", "md", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "k8s-study: repo legacy: mirror of legacy not found",
        ))
        .stderr(predicate::str::contains("k8s-study: repo kube: "))
        .stderr(predicate::str::contains("wrote "));
    let widgets = std::fs::read_to_string(out.join("widgets-tour.md")).unwrap();
    assert!(widgets.contains("func NewQueue() *Queue"), "{widgets}");
    assert!(widgets.contains("func Old()"), "{widgets}");
    let legacy = std::fs::read_to_string(out.join("legacy-tour.md")).unwrap();
    assert!(
        legacy.contains("**Unresolved**: mirror of legacy not found"),
        "{legacy}"
    );
}

/// `bump` used to stop at the first repo it could not read: here `legacy` has no tag v2.
/// widgets still moves, with `--write` too, and legacy keeps its pin.
#[test]
fn bump_moves_every_readable_repo_when_one_lacks_the_version() {
    let ws = workspace();
    let both = format!(
        "{}:{}",
        ws.path("mapping.yaml").display(),
        ws.path("legacy.yaml").display()
    );
    let bump = |extra: &[&str]| {
        let mut c = ws.cmd();
        c.env("K8S_STUDY_MAPPING", &both)
            .args([
                "bump", "--to", "v2", "--repo", "legacy", "--repo", "widgets",
            ])
            .args(extra);
        c
    };
    bump(&[])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("widgets: v1 → v2"))
        .stdout(predicate::str::contains(
            "moved-file        widgets-tour step 2",
        ))
        .stdout(predicate::str::contains(
            "removed           widgets-tour step 3",
        ))
        .stdout(predicate::str::contains("not read: repo legacy"))
        .stderr(predicate::str::contains(
            "k8s-study: repo legacy: tag v2 of legacy does not exist",
        ));
    let before = std::fs::read_to_string(ws.path("mapping.yaml")).unwrap();
    let legacy_pin = before
        .lines()
        .find(|l| l.contains("legacy: {"))
        .unwrap()
        .to_string();
    bump(&["--write", "-q"]).assert().code(2);
    let after = std::fs::read_to_string(ws.path("mapping.yaml")).unwrap();
    assert!(
        after.contains("widgets: { url: https://github.com/acme/widgets, pin: v2 }"),
        "{after}"
    );
    assert!(after.contains(&legacy_pin), "legacy moved:\n{after}");
}
