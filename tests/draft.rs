//! `draft` through the binary, on articles we write in the shape of real posts (a saved CSDN
//! page with highlighted code and line-number gutters, a `GitBook` chapter with `path:line`
//! markers) about the workspace's `widgets` repository (tests/util.rs).

use predicates::prelude::*;

use crate::util::Workspace;

/// `draft FILE --repo widgets --at VERSION --format json`, which must succeed.
fn draft_json(ws: &Workspace, file: &str, version: &str) -> serde_json::Value {
    let out = ws
        .cmd()
        .args([
            "draft", "--repo", "widgets", "--at", version, "--format", "json",
        ])
        .arg(ws.path(file))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// A browser-saved blog page: title, stated nothing about versions, links to the code at a
/// tag, a highlighted code block with a gutter, inline names, and noise.
const SAVED_HTML: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>widgets 源码分析：队列</title>
<script>function NotAStep() {}</script></head>
<body><article>
<h1>widgets 源码分析：队列</h1>
<p>先看构造函数 <code>NewQueue</code>，它返回一个空队列。</p>
<pre class="prettyprint"><code class="language-go"><span class="hljs-keyword">func</span> (q *Queue) Add(item <span>string</span>) {
	q.items = <span>append</span>(q.items, item)
	fmt.Println(<span>len</span>(q.items))
}</code><ul class="pre-numbering"><li>1</li><li>2</li><li>3</li></ul></pre>
<p>完整代码见 <a href="https://github.com/acme/widgets/blob/v1/queue/queue.go#L15">queue.go</a>，
另见 <a href="https://github.com/other/repo/blob/v1/x.go#L3">别的仓库</a>。</p>
<p>调用方用 <code>q.Nowhere()</code>。</p>
</article></body></html>
"#;

/// A `GitBook` chapter: a stated version and a `path:line` marker above the code.
const GITBOOK_MD: &str = "# 队列的实现\n\n本文基于 v2 之前的代码。\n\nqueue/queue.go:10\n\n```go\nfunc (q *Queue) Add(item string) {\n\tq.items = append(q.items, item)\n}\n```\n\n然后是 `Queue` 本身和 `Old()`。\n";

#[test]
fn a_saved_page_drafts_its_steps_in_reading_order_with_a_report() {
    let ws = Workspace::new();
    std::fs::write(ws.path("post.html"), SAVED_HTML).unwrap();
    let out = ws
        .cmd()
        .args([
            "draft",
            "--repo",
            "widgets",
            "--url",
            "https://example.com/post",
        ])
        .arg(ws.path("post.html"))
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let d = &v["draft"];
    assert_eq!(d["title"], "widgets 源码分析：队列");
    // No version in the text: the tag of the link into the repo.
    assert_eq!(d["version"], "v1");
    assert_eq!(d["version_from"], "link");
    let steps: Vec<(String, String)> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["symbol"].as_str().unwrap().into(),
                s["from"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "github.com/acme/widgets/queue.NewQueue".to_string(),
                "inline".to_string()
            ),
            (
                "github.com/acme/widgets/queue.Queue.Add".into(),
                "header".into()
            ),
            ("github.com/acme/widgets/queue.Old".into(), "link".into()),
        ]
    );
    let report = d["skipped"].to_string();
    assert!(report.contains("other/repo"), "{report}");
    assert!(
        report.contains("fmt.Println") && report.contains("standard library"),
        "{report}"
    );
    assert!(
        report.contains("q.Nowhere") || report.contains("Nowhere"),
        "{report}"
    );
    assert!(!report.contains("NotAStep") && !steps.iter().any(|(s, _)| s.contains("NotAStep")));
}

#[test]
fn a_gitbook_chapter_drafts_a_mapping_that_loads_and_is_never_written_over() {
    let ws = Workspace::new();
    std::fs::write(ws.path("chapter.md"), GITBOOK_MD).unwrap();
    ws.cmd()
        .args(["draft", "--repo", "widgets", "--at", "v1", "-o"])
        .arg(ws.path("drafted.yaml"))
        .arg(ws.path("chapter.md"))
        .assert()
        .success()
        .stderr(predicate::str::contains("3 step(s) at widgets v1 (--at)"));
    let yaml = std::fs::read_to_string(ws.path("drafted.yaml")).unwrap();
    assert!(yaml.contains("  - id: chapter\n"), "{yaml}");
    assert!(yaml.contains("    title: \"队列的实现\"\n"), "{yaml}");
    let order: Vec<&str> = yaml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- symbol: "))
        .collect();
    assert_eq!(
        order,
        [
            "github.com/acme/widgets/queue.Queue.Add",
            "github.com/acme/widgets/queue.Queue",
            "github.com/acme/widgets/queue.Old"
        ]
    );
    // The draft is a mapping file of its own, read on top of the workspace's.
    ws.cmd()
        .env(
            "K8S_STUDY_MAPPING",
            format!(
                "{}:{}",
                ws.path("mapping.yaml").display(),
                ws.path("drafted.yaml").display()
            ),
        )
        .args(["resolve", "chapter"])
        .assert()
        .success();
    // An existing file is never replaced without --force.
    ws.cmd()
        .args(["draft", "--repo", "widgets", "--at", "v1", "-o"])
        .arg(ws.path("drafted.yaml"))
        .arg(ws.path("chapter.md"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists; nothing was written"));
    ws.cmd()
        .args(["draft", "--repo", "widgets", "--at", "v1", "--force", "-o"])
        .arg(ws.path("drafted.yaml"))
        .arg(ws.path("chapter.md"))
        .assert()
        .success();
    // A version that is not there: the source's error, exit 2.
    ws.cmd()
        .args(["draft", "--repo", "widgets", "--at", "v9"])
        .arg(ws.path("chapter.md"))
        .assert()
        .code(2);
}

/// Era names: a method header whose receiver was renamed since the post, and a call through
/// a variable, still find the one declaration of that name; a name with two declarations
/// (build-tag twins here) is reported, not guessed.
#[test]
fn renamed_receivers_and_variable_calls_fall_back_to_a_unique_name() {
    let ws = Workspace::new();
    let md = "# 老代码\n\n```go\nfunc (q *OldQueue) Add(item string) {}\n\nfunc run() {\n\tq := jm.NewQueue()\n}\n```\n\n测试里有 `platform` 一词。\n";
    std::fs::write(ws.path("old.md"), md).unwrap();
    let v = draft_json(&ws, "old.md", "v1");
    let symbols: Vec<&str> = v["draft"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(
        symbols,
        [
            "github.com/acme/widgets/queue.Queue.Add",
            "github.com/acme/widgets/queue.NewQueue"
        ]
    );
    let skipped = v["draft"]["skipped"].to_string();
    assert!(
        skipped.contains("\"platform\"") && skipped.contains("ambiguous: 2"),
        "{skipped}"
    );
}

/// A link names a line at its own tag: the declaration is found there, then followed to the
/// drafted version (`Queue.Add` moved to add.go in v2; `Old` is gone in v2 and is reported).
#[test]
fn a_link_is_read_at_its_own_tag_and_followed_to_the_version() {
    let ws = Workspace::new();
    let md = "# 链接\n\n[Add](https://github.com/acme/widgets/blob/v1/queue/queue.go#L10) 与 [Old](https://github.com/acme/widgets/blob/v1/queue/queue.go#L15)。\n";
    std::fs::write(ws.path("links.md"), md).unwrap();
    let v = draft_json(&ws, "links.md", "v2");
    let steps = v["draft"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1, "{v}");
    assert_eq!(
        steps[0]["symbol"],
        "github.com/acme/widgets/queue.Queue.Add"
    );
    assert_eq!(steps[0]["file"], "queue/add.go");
    let skipped = v["draft"]["skipped"].to_string();
    assert!(
        skipped.contains("queue.Old (at the link's tag v1) is not at v2"),
        "{skipped}"
    );
}
