//! `matrix` on a synthetic history of four minor releases: a function renamed twice (the
//! chain is followed release by release), one removed, one added after the article, and one
//! that never changes; text, JSON and Markdown.

use git2::Repository;
use serde_json::Value;

use crate::util::{Workspace, commit_and_tag, write};

const V1: &str = "package sched

func Run() { findNodesThatFit() }

func findNodesThatFit() int {
	total := 0
	for i := 0; i < 10; i++ {
		total += i
	}
	return total
}

func selectHost() int { return 1 }
";

/// v1.2: `findNodesThatFit` becomes `findNodesThatFitPod` (same body).
const V2: &str = "package sched

func Run() { findNodesThatFitPod() }

func findNodesThatFitPod() int {
	total := 0
	for i := 0; i < 10; i++ {
		total += i
	}
	return total
}

func selectHost() int { return 1 }
";

/// v1.3: it becomes a method of `Scheduler`; `selectHost` is gone; `ScheduleOne` is new.
const V3: &str = "package sched

type Scheduler struct{}

func Run() { (&Scheduler{}).findNodesThatFitPod() }

func (s *Scheduler) findNodesThatFitPod() int {
	total := 0
	for i := 0; i < 10; i++ {
		total += i
	}
	return total
}

func (s *Scheduler) ScheduleOne() {}
";

/// `mirrors/acme/sched`: tags v1.1.0 (V1), v1.2.0 (V2), v1.3.0 and v1.4.0 (V3); also the
/// history of the HTML site's tests (tests/site.rs).
pub(crate) fn sched_history() -> Workspace {
    let ws = Workspace::new();
    let root = ws.path("mirrors/acme/sched");
    let repo = Repository::init(&root).unwrap();
    write(&root, "go.mod", "module example.com/sched\n\ngo 1.20\n");
    for (tag, text) in [
        ("v1.1.0", V1),
        ("v1.2.0", V2),
        ("v1.3.0", V3),
        ("v1.4.0", V3),
    ] {
        write(&root, "sched/sched.go", text);
        commit_and_tag(&repo, tag);
    }
    ws
}

fn setup() -> Workspace {
    let ws = sched_history();
    let step = |s: &str, was: Option<&str>| {
        let was = was
            .map(|w| format!("        was: example.com/sched/sched.{w}\n"))
            .unwrap_or_default();
        format!("      - symbol: example.com/sched/sched.{s}\n{was}        note: n\n")
    };
    let mapping = format!(
        "schema: 1\nrepos:\n  sched: {{ url: https://github.com/acme/sched, pin: v1.4.0 }}\ncomponents:\n  scheduler: the scheduler\narticles:\n  - id: sched-line\n    title: The scheduler over time\n    url: https://example.com/sched\n    written_for: v1.1\n    era: dated\n    components: [scheduler]\n    repo: sched\n    steps:\n{}{}{}{}",
        step("Run", None),
        step("Scheduler.findNodesThatFitPod", Some("findNodesThatFit")),
        step("selectHost", None).replace(
            "        note: n\n",
            "        gone: { since: v1.3 }\n        note: n\n",
        ),
        step("Scheduler.ScheduleOne", None),
    );
    std::fs::write(ws.path("sched.yaml"), mapping).unwrap();
    ws
}

fn matrix(ws: &Workspace, extra: &[&str]) -> std::process::Output {
    ws.cmd()
        .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .arg("matrix")
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn each_step_across_every_minor_release() {
    let ws = setup();
    let out = matrix(&ws, &["sched-line", "--fetch", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let line = &v[0];
    let minors: Vec<&str> = line["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["minor"].as_str().unwrap())
        .collect();
    assert_eq!(minors, ["v1.1", "v1.2", "v1.3", "v1.4"]);
    assert_eq!(line["columns"][0]["version"], "v1.1.0");
    let step = |n: usize| line["steps"][n - 1].clone();
    let states = |n: usize| -> Vec<String> {
        step(n)["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    // Unchanged throughout.
    assert_eq!(states(1), ["found"; 4]);
    // findNodesThatFit → findNodesThatFitPod (v1.2) → Scheduler.findNodesThatFitPod (v1.3):
    // the middle name is in no field of the mapping; the chain is followed.
    assert_eq!(states(2), ["renamed", "renamed", "found", "found"]);
    assert_eq!(
        step(2)["names"][0],
        "example.com/sched/sched.findNodesThatFit"
    );
    assert_eq!(
        step(2)["names"][1],
        "example.com/sched/sched.findNodesThatFitPod"
    );
    assert_eq!(step(2)["since"], "v1.1");
    assert_eq!(step(2)["until"], "v1.4");
    // Removed in v1.3: until v1.2.
    assert_eq!(states(3), ["found", "found", "missing", "missing"]);
    assert_eq!(step(3)["until"], "v1.2");
    // Newer than the article: since v1.3.
    assert_eq!(states(4), ["missing", "missing", "found", "found"]);
    assert_eq!(step(4)["since"], "v1.3");
    // The article's cells.
    let cell = |i: usize| line["articles"][0]["cells"][i].clone();
    assert_eq!(
        (
            cell(0)["found"].as_u64(),
            cell(0)["renamed"].as_u64(),
            cell(0)["missing"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(cell(3)["found"], 3);
    assert_eq!(cell(3)["missing"], 1);

    // Text: the table fits 80 columns, the steps of a lone article are listed with a strip.
    let out = matrix(&ws, &["sched-line", "--fetch"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("sched: v1.1 … v1.4 (pin v1.4.0)"), "{text}");
    assert!(text.contains("2/4 1r 1✗"), "{text}");
    assert!(text.contains("rr✓✓  v1.1–v1.4"), "{text}");
    assert!(
        text.contains("earlier: sched.findNodesThatFit → sched.findNodesThatFitPod"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // Markdown: one table per repo, cells spelled out.
    let out = matrix(&ws, &["scheduler", "--fetch", "--format", "md"]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("| article | v1.1 | v1.2 | v1.3 | v1.4 |"),
        "{md}"
    );
    assert!(md.contains("3/4 · 1 renamed · 1 missing"), "{md}");
    // --from/--to narrow the line.
    let out = matrix(
        &ws,
        &[
            "sched-line",
            "--fetch",
            "--from",
            "v1.3",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["columns"].as_array().unwrap().len(), 2);
}

#[test]
fn releases_not_in_the_cache_are_marked_not_read_without_fetch() {
    let ws = setup();
    // Only the pin is read (and cached) by check; the older tags are not fetched.
    ws.cmd()
        .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
        .args(["check"])
        .assert()
        .code(0);
    let out = matrix(&ws, &["sched-line", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let columns = v[0]["columns"].as_array().unwrap();
    assert!(
        columns[0]["unread"].as_str().unwrap().contains("--fetch"),
        "{v:#}"
    );
    assert_eq!(columns[3]["version"], "v1.4.0");
    assert_eq!(v[0]["steps"][0]["states"][0], "unread");
}

#[test]
fn svg_heat_map_written_to_a_file() {
    let ws = setup();
    let file = ws.path("out/line.svg");
    let out = matrix(
        &ws,
        &[
            "sched-line",
            "--fetch",
            "--format",
            "svg",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "the picture goes to the file only");
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    // Four releases, each red: ScheduleOne is missing before v1.3, selectHost from v1.3.
    for minor in ["v1.1", "v1.2", "v1.3", "v1.4"] {
        assert!(svg.contains(&format!("&#10;{minor} (")), "{minor}: {svg}");
    }
    assert_eq!(svg.matches("rx=\"3\" fill=\"#cf222e\"").count(), 4, "{svg}");
    // One article named: a strip per step, with the rename chain in the tooltips.
    assert!(
        svg.contains("v1.2: renamed — sched.findNodesThatFitPod"),
        "{svg}"
    );
    assert!(svg.contains(">v1.3–v1.4</text>"), "{svg}");
    // Text into a file carries no colour codes.
    let text_file = ws.path("out/line.txt");
    let out = ws
        .cmd()
        .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
        .env("CLICOLOR_FORCE", "1")
        .args(["matrix", "sched-line", "--fetch", "-o"])
        .arg(&text_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&text_file).unwrap();
    assert!(
        text.contains("2/4 1r 1✗") && !text.contains('\u{1b}'),
        "{text}"
    );
}

#[test]
fn mdbook_with_a_version_line() {
    let ws = setup();
    let book = ws.path("book");
    let guide = |extra: &[&str]| {
        ws.cmd()
            .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
            .args(["guide", "scheduler", "-o"])
            .arg(&book)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = guide(&["--format", "mdbook", "--fetch"]);
    // 1: selectHost is gone at the pin (unresolved there, as without the line).
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |p: &str| std::fs::read_to_string(book.join(p)).unwrap();
    assert!(
        read("src/SUMMARY.md").contains(
            "- [Version line](line/scheduler.md)\n- [The scheduler over time](sched-line.md)"
        ),
        "{}",
        read("src/SUMMARY.md")
    );
    let chapter = read("src/line/scheduler.md");
    assert!(chapter.contains("<svg xmlns"), "{chapter}");
    assert!(chapter.contains(">v1.4</text>"), "era to pin: {chapter}");
    assert!(chapter.contains("](../sched-line.md) — the article's era: v1.1"));
    let page = read("src/sched-line.md");
    let section = &page[page
        .find("## Version line")
        .expect("a version line section")..];
    // The chain and the spans of the synthetic history, as `matrix` finds them.
    assert!(
        section.contains(
            "| 2 | `sched.Scheduler.findNodesThatFitPod` | v1.1 | v1.4 | `sched.findNodesThatFit` → `sched.findNodesThatFitPod` |"
        ),
        "{section}"
    );
    assert!(
        section.contains("| 3 | `sched.selectHost` | v1.1 | v1.2 |"),
        "{section}"
    );
    assert!(
        section.contains("| 4 | `sched.Scheduler.ScheduleOne` | v1.3 | v1.4 |"),
        "{section}"
    );
    // --from narrows it.
    guide(&["--format", "mdbook", "--fetch", "--from", "v1.3"]);
    let chapter = read("src/line/scheduler.md");
    assert!(!chapter.contains(">v1.2</text>") && chapter.contains(">v1.3</text>"));
    // Without the flags the book has no line; with another format they are refused.
    guide(&["--format", "mdbook"]);
    assert!(!book.join("src/line").exists());
    let out = guide(&["--format", "md", "--from", "v1.3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("which --format html and --format mdbook show")
    );
}
