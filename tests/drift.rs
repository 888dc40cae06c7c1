//! `bump` and `diff` on a synthetic history with one step per drift category, including the
//! scheduler's: `core/generic_scheduler.go` folded into package `scheduler`, `genericScheduler`
//! gone into `Scheduler` methods; and client-go's: a queue whose methods moved to a generic
//! `Typed[T]`, a typed client whose methods are now promoted from an embedded generic client.

#![allow(clippy::format_push_string, clippy::too_many_lines)] // fixtures built once; long scenario tests

use std::path::Path;

use git2::Repository;
use serde_json::Value;

use crate::util::{Workspace, commit_and_tag, write};

const SCHEDULER_V1: &str = "package scheduler

import \"example.com/sched/pkg/scheduler/core\"

// Scheduler watches for new unscheduled pods.
type Scheduler struct {
	Algorithm core.ScheduleAlgorithm
	queue     []string
}

// Run starts scheduling.
func (sched *Scheduler) Run() {
	for len(sched.queue) > 0 {
		sched.scheduleOne(sched.queue[0])
	}
}

// scheduleOne does the entire scheduling workflow for a single pod.
func (sched *Scheduler) scheduleOne(pod string) string {
	host := sched.Algorithm.Schedule(pod)
	sched.queue = sched.queue[1:]
	return host
}
";

const GENERIC_SCHEDULER_V1: &str = "package core

// ScheduleAlgorithm places pods.
type ScheduleAlgorithm interface {
	Schedule(pod string) string
}

type genericScheduler struct {
	nodes                    []string
	percentageOfNodesToScore int
}

// Schedule tries to schedule the given pod to one of the nodes.
func (g *genericScheduler) Schedule(pod string) string {
	feasible := g.findNodesThatFitPod(pod)
	if len(feasible) == 0 {
		return \"\"
	}
	return feasible[0]
}

// findNodesThatFitPod filters the nodes to find the ones that fit the pod.
func (g *genericScheduler) findNodesThatFitPod(pod string) []string {
	var feasible []string
	for _, node := range g.nodes {
		if podPassesFiltersOnNode(pod, node) {
			feasible = append(feasible, node)
		}
	}
	return feasible
}

// podPassesFiltersOnNode checks whether a node passes the filters.
func podPassesFiltersOnNode(pod, node string) bool {
	return pod != \"\" && node != \"\"
}
";

const SCHEDULER_V2: &str = "package scheduler

// Scheduler watches for new unscheduled pods.
type Scheduler struct {
	nodes                    []string
	percentageOfNodesToScore int
	queue                    []string
}

// Run starts scheduling.
func (sched *Scheduler) Run() {
	for len(sched.queue) > 0 {
		sched.scheduleOne(sched.queue[0])
	}
}

// scheduleOne does the entire scheduling workflow for a single pod.
func (sched *Scheduler) scheduleOne(pod string) string {
	host := sched.schedulePod(pod)
	if host == \"\" {
		return \"\"
	}
	sched.queue = sched.queue[1:]
	return host
}
";

const SCHEDULE_ONE_V2: &str = "package scheduler

// schedulePod tries to schedule the given pod to one of the nodes.
func (sched *Scheduler) schedulePod(pod string) string {
	feasible := sched.findNodesThatFitPod(pod)
	if len(feasible) == 0 {
		return \"\"
	}
	return feasible[0]
}

// findNodesThatFitPod filters the nodes to find the ones that fit the pod.
func (sched *Scheduler) findNodesThatFitPod(pod string) []string {
	var feasible []string
	for _, node := range sched.nodes {
		if podPassesFiltersOnNode(pod, node) {
			feasible = append(feasible, node)
		}
	}
	return feasible
}

// podPassesFiltersOnNode checks whether a node passes the filters.
func podPassesFiltersOnNode(pod, node string) bool {
	return pod != \"\" && node != \"\"
}
";

const QUEUE_V1: &str = "package queue

// Type is a work queue.
type Type struct {
	queue []interface{}
	dirty map[interface{}]bool
}

// Add marks item as needing processing.
func (q *Type) Add(item interface{}) {
	if q.dirty[item] {
		return
	}
	q.dirty[item] = true
	q.queue = append(q.queue, item)
}

// NewQueue makes a queue.
func NewQueue() *Type {
	return &Type{dirty: map[interface{}]bool{}}
}

// Describe names an item.
func Describe(item interface{}) string {
	return \"item\"
}

// Record records the depth.
func Record(name string, depth int) {
	println(name, depth)
}

// ParallelizeUntil runs work in parallel.
func ParallelizeUntil(workers, pieces int, work func(int)) {
	for i := 0; i < pieces; i++ {
		work(i)
	}
}

// Old goes away.
func Old() string {
	return \"zebra quartz\"
}
";

const QUEUE_V2: &str = "package queue

// Type is a work queue.
type Type = Typed[any]

// Typed is a generic work queue.
type Typed[T comparable] struct {
	queue []T
	dirty map[T]bool
}

// Add marks item as needing processing.
func (q *Typed[T]) Add(item T) {
	if q.dirty[item] {
		return
	}
	q.dirty[item] = true
	q.queue = append(q.queue, item)
}

// NewQueueWithName makes a named queue.
func NewQueueWithName(name string) *Type {
	return &Type{dirty: map[any]bool{}}
}

// NewQueueWithSize makes a sized queue.
func NewQueueWithSize(size int) *Type {
	return &Type{dirty: map[any]bool{}}
}

// Describe names an item.
func Describe(item any) string {
	return \"item\"
}

// Record records the depth.
func Record(name string, depth int64) {
	println(name, depth)
}
";

const PARALLELIZER_V2: &str = "package queue

// ParallelizeUntil runs work in parallel.
func ParallelizeUntil(workers, pieces int, work func(int)) {
	for i := 0; i < pieces; i++ {
		work(i)
	}
}
";

const PODS_V1: &str = "package client

type pods struct {
	ns string
}

// List lists pods.
func (c *pods) List(opts string) []string {
	return []string{c.ns, opts}
}
";

const PODS_V2: &str = "package client

import \"example.com/sched/pkg/gentype\"

type pods struct {
	*gentype.ClientWithList[string]
}
";

const GENTYPE_V2: &str = "package gentype

// Client is a generic client.
type Client[T any] struct {
	ns string
}

// ClientWithList adds List.
type ClientWithList[T any] struct {
	*Client[T]
	alsoLister[T]
}

type alsoLister[T any] struct {
	client *Client[T]
}

// List lists objects.
func (l *alsoLister[T]) List(opts string) []T {
	return nil
}
";

/// `mirrors/acme/sched`: v1 and v2, the history above.
fn make_sched(ws: &Workspace) {
    make_history(ws, "mirrors/acme/sched", ["v1", "v2"]);
}

fn make_history(ws: &Workspace, path: &str, tags: [&str; 2]) {
    let root = ws.path(path);
    let repo = Repository::init(&root).unwrap();
    write(&root, "go.mod", "module example.com/sched\n\ngo 1.20\n");
    write(&root, "pkg/scheduler/scheduler.go", SCHEDULER_V1);
    write(
        &root,
        "pkg/scheduler/core/generic_scheduler.go",
        GENERIC_SCHEDULER_V1,
    );
    write(&root, "pkg/queue/queue.go", QUEUE_V1);
    write(&root, "pkg/client/pods.go", PODS_V1);
    commit_and_tag(&repo, tags[0]);
    std::fs::remove_dir_all(root.join("pkg/scheduler/core")).unwrap();
    write(&root, "pkg/scheduler/scheduler.go", SCHEDULER_V2);
    write(&root, "pkg/scheduler/schedule_one.go", SCHEDULE_ONE_V2);
    write(&root, "pkg/queue/queue.go", QUEUE_V2);
    write(&root, "pkg/queue/parallelizer.go", PARALLELIZER_V2);
    write(&root, "pkg/client/pods.go", PODS_V2);
    write(&root, "pkg/gentype/client.go", GENTYPE_V2);
    commit_and_tag(&repo, tags[1]);
}

/// (symbol, file hint, expected category, expected new symbol when it changes)
const STEPS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "scheduler.Scheduler.Run",
        "pkg/scheduler/scheduler.go",
        "unchanged",
        None,
    ),
    (
        "scheduler.Scheduler.scheduleOne",
        "pkg/scheduler/scheduler.go",
        "body-changed",
        None,
    ),
    (
        "scheduler/core.genericScheduler.Schedule",
        "pkg/scheduler/core/generic_scheduler.go",
        "renamed",
        Some("scheduler.Scheduler.schedulePod"),
    ),
    (
        "scheduler/core.genericScheduler.findNodesThatFitPod",
        "pkg/scheduler/core/generic_scheduler.go",
        "renamed",
        Some("scheduler.Scheduler.findNodesThatFitPod"),
    ),
    (
        "scheduler/core.podPassesFiltersOnNode",
        "pkg/scheduler/core/generic_scheduler.go",
        "moved-package",
        Some("scheduler.podPassesFiltersOnNode"),
    ),
    // Its fields went into `Scheduler`: a weak rename, left for a person to confirm.
    (
        "scheduler/core.genericScheduler",
        "pkg/scheduler/core/generic_scheduler.go",
        "renamed",
        Some("scheduler.Scheduler"),
    ),
    (
        "queue.Type.Add",
        "pkg/queue/queue.go",
        "renamed",
        Some("queue.Typed.Add"),
    ),
    ("queue.NewQueue", "pkg/queue/queue.go", "ambiguous", None),
    ("queue.Describe", "pkg/queue/queue.go", "unchanged", None),
    (
        "queue.Record",
        "pkg/queue/queue.go",
        "signature-changed",
        None,
    ),
    (
        "queue.ParallelizeUntil",
        "pkg/queue/queue.go",
        "moved-file",
        None,
    ),
    ("queue.Old", "pkg/queue/queue.go", "removed", None),
    (
        "client.pods.List",
        "pkg/client/pods.go",
        "renamed",
        Some("gentype.alsoLister.List"),
    ),
    ("queue.Ghost", "pkg/queue/queue.go", "unresolved", None),
];

const PREFIX: &str = "example.com/sched/pkg/";

fn mapping_text() -> String {
    let mut text = String::from(
        "# Synthetic history for bump tests: keep this comment.\nschema: 1\nrepos:\n  sched: { url: https://github.com/acme/sched, pin: v1 }   # the pin\ncomponents:\n  scheduler: the scheduler\narticles:\n",
    );
    for (i, (symbol, file, _, _)) in STEPS.iter().enumerate() {
        // Articles hold at most 12 steps: two articles of seven.
        if i % 7 == 0 {
            let id = if i == 0 {
                "sched-history"
            } else {
                "queue-history"
            };
            text.push_str(&format!(
                "  - id: {id}\n    title: History {i}\n    url: https://example.com/{id}\n    author: tester\n    found: false\n    source: inferred\n    components: [scheduler]\n    repo: sched\n    steps:\n"
            ));
        }
        // Alternate layouts the rewrite must keep: key order, quoting, trailing comments.
        if i % 2 == 0 {
            text.push_str(&format!(
                "      - symbol: {PREFIX}{symbol}   # step {}\n        file: {file}\n        note: Step {}.\n        note_zh: 第 {} 步。\n",
                i + 1,
                i + 1,
                i + 1
            ));
        } else {
            text.push_str(&format!(
                "      - note: \"Step {}.\"\n        note_zh: 第 {} 步。\n        file: \"{file}\"\n        symbol: '{PREFIX}{symbol}'\n",
                i + 1,
                i + 1
            ));
        }
    }
    text
}

fn setup() -> Workspace {
    let ws = Workspace::new();
    make_sched(&ws);
    std::fs::write(ws.path("sched.yaml"), mapping_text()).unwrap();
    ws
}

fn bump_json(ws: &Workspace, mapping: &Path) -> Vec<Value> {
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", mapping)
        .args(["bump", "--to", "v2", "--repo", "sched", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_category_on_a_synthetic_history() {
    let ws = setup();
    let steps = bump_json(&ws, &ws.path("sched.yaml"));
    assert_eq!(steps.len(), STEPS.len());
    for (got, (symbol, _, category, new_symbol)) in steps.iter().zip(STEPS) {
        assert_eq!(got["symbol"], format!("{PREFIX}{symbol}"));
        assert_eq!(got["category"], *category, "{symbol}: {got:#}");
        for key in ["article", "step", "from", "to", "candidates"] {
            assert!(got.get(key).is_some(), "{symbol}: no `{key}`");
        }
        if let Some(new_symbol) = new_symbol {
            assert_eq!(
                got["to"]["symbol"],
                format!("{PREFIX}{new_symbol}"),
                "{got:#}"
            );
        }
    }
    let by = |s: &str| {
        steps
            .iter()
            .find(|v| v["symbol"] == format!("{PREFIX}{s}"))
            .unwrap()
            .clone()
    };
    // A removed step has no `to`; its closest candidates are still listed.
    assert!(by("queue.Old")["to"].is_null());
    let gs = by("scheduler/core.genericScheduler");
    assert_eq!(gs["confident"], false);
    // The ambiguous step lists both constructors, each with a score.
    let new_queue = by("queue.NewQueue");
    let names: Vec<&str> = new_queue["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["symbol"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"example.com/sched/pkg/queue.NewQueueWithName"),
        "{names:?}"
    );
    assert!(
        names.contains(&"example.com/sched/pkg/queue.NewQueueWithSize"),
        "{names:?}"
    );
    // Signatures compared by type: `interface{}` → `any` alone is no change, int → int64 is.
    let rec = by("queue.Record");
    assert_eq!(
        rec["from"]["signature"],
        "func Record(name string, depth int)"
    );
    assert_eq!(
        rec["to"]["signature"],
        "func Record(name string, depth int64)"
    );
    // from/to carry version, commit, file and lines.
    let moved = by("queue.ParallelizeUntil");
    assert_eq!(moved["from"]["file"], "pkg/queue/queue.go");
    assert_eq!(moved["to"]["file"], "pkg/queue/parallelizer.go");
    assert_eq!(moved["to"]["version"], "v2");
    assert_eq!(moved["to"]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(moved["to"]["start_line"], 4);
    let body = by("scheduler.Scheduler.scheduleOne");
    assert!(body["lines_added"].as_u64().unwrap() > 0);
}

#[test]
fn write_makes_the_smallest_edit_byte_for_byte() {
    let ws = setup();
    let path = ws.path("sched.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &path)
        .args(["bump", "--to", "v2", "--repo", "sched", "--write", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(&path).unwrap();

    // The expected file, built by hand from the original: the pin, confident moves and
    // renames (symbol and file), a `review:` beside each step a person must see.
    let mut expected = before.replace("pin: v1 }   # the pin", "pin: v2 }   # the pin");
    let edit = |text: &mut String, from: &str, to: &str| {
        assert!(text.contains(from), "{from} not in the mapping");
        *text = text.replacen(from, to, 1);
    };
    // Step 4 (odd layout): receiver changed, package moved — a strong rename.
    edit(
        &mut expected,
        "        file: \"pkg/scheduler/core/generic_scheduler.go\"\n        symbol: 'example.com/sched/pkg/scheduler/core.genericScheduler.findNodesThatFitPod'\n",
        "        file: \"pkg/scheduler/schedule_one.go\"\n        symbol: 'example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod'\n",
    );
    // Step 5: same name, another package.
    edit(
        &mut expected,
        "      - symbol: example.com/sched/pkg/scheduler/core.podPassesFiltersOnNode   # step 5\n        file: pkg/scheduler/core/generic_scheduler.go\n",
        "      - symbol: example.com/sched/pkg/scheduler.podPassesFiltersOnNode   # step 5\n        file: pkg/scheduler/schedule_one.go\n",
    );
    // Step 7: the generic queue.
    edit(
        &mut expected,
        "      - symbol: example.com/sched/pkg/queue.Type.Add   # step 7\n",
        "      - symbol: example.com/sched/pkg/queue.Typed.Add   # step 7\n",
    );
    // Step 11: another file of the same package.
    edit(
        &mut expected,
        "      - symbol: example.com/sched/pkg/queue.ParallelizeUntil   # step 11\n        file: pkg/queue/queue.go\n",
        "      - symbol: example.com/sched/pkg/queue.ParallelizeUntil   # step 11\n        file: pkg/queue/parallelizer.go\n",
    );
    // Step 13: promoted from the embedded generic client.
    edit(
        &mut expected,
        "      - symbol: example.com/sched/pkg/client.pods.List   # step 13\n        file: pkg/client/pods.go\n",
        "      - symbol: example.com/sched/pkg/gentype.alsoLister.List   # step 13\n        file: pkg/gentype/client.go\n",
    );
    // Reviews: after a `- symbol:` line, or after a `symbol:` line that is not the first key.
    for (anchor, review) in [
        (
            "      - symbol: example.com/sched/pkg/scheduler/core.genericScheduler.Schedule   # step 3\n",
            "        review: \"bump v1 → v2: maybe renamed to example.com/sched/pkg/scheduler.Scheduler.schedulePod (score ",
        ),
        (
            "symbol: 'example.com/sched/pkg/scheduler/core.genericScheduler'\n",
            "        review: \"bump v1 → v2: maybe renamed to example.com/sched/pkg/scheduler.Scheduler (score ",
        ),
        (
            "symbol: 'example.com/sched/pkg/queue.NewQueue'\n",
            "        review: \"bump v1 → v2: ambiguous: example.com/sched/pkg/queue.NewQueueWithName, example.com/sched/pkg/queue.NewQueueWithSize",
        ),
        (
            "symbol: 'example.com/sched/pkg/queue.Record'\n",
            "        review: \"bump v1 → v2: signature changed: was `func Record(name string, depth int)`, now `func Record(name string, depth int64)`; check the note\"\n",
        ),
        (
            "symbol: 'example.com/sched/pkg/queue.Old'\n",
            "        review: \"bump v1 → v2: removed",
        ),
    ] {
        let at = after
            .find(anchor)
            .unwrap_or_else(|| panic!("{anchor} gone:\n{after}"))
            + anchor.len();
        assert!(
            after[at..].starts_with(review),
            "after {anchor}:\n{}",
            &after[at..at + 200.min(after.len() - at)]
        );
        let line_end = after[at..].find('\n').unwrap() + at + 1;
        let review_line = &after[at..line_end];
        let pos = expected.find(anchor).unwrap() + anchor.len();
        expected.insert_str(pos, review_line);
    }
    let ghost = "symbol: 'example.com/sched/pkg/queue.Ghost'\n";
    let at = after.find(ghost).unwrap() + ghost.len();
    let line_end = after[at..].find('\n').unwrap() + at + 1;
    assert!(
        after[at..line_end]
            .starts_with("        review: \"bump v1 → v2: does not resolve at the pin v1"),
        "{}",
        &after[at..line_end]
    );
    let pos = expected.find(ghost).unwrap() + ghost.len();
    expected.insert_str(pos, &after[at..line_end]);
    assert_eq!(after, expected);

    // The rewritten mapping loads, is pinned at v2, and a second bump finds nothing to move.
    let again = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &path)
        .args(["bump", "--to", "v2", "--repo", "sched", "--format", "json"])
        .output()
        .unwrap();
    let steps: Value = serde_json::from_slice(&again.stdout).unwrap();
    let categories: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["category"].as_str().unwrap())
        .collect();
    assert!(
        categories
            .iter()
            .all(|c| ["unchanged", "unresolved"].contains(c)),
        "{categories:?}"
    );
    // A pin already at the target and reviews already written: a third --write is a no-op
    // except for the reviews it refreshes.
    assert!(!ws.path(".sched.yaml.tmp").exists());
}

#[test]
fn write_needs_a_mapping_path_and_a_stale_file_writes_nothing() {
    let ws = setup();
    ws.cmd()
        .env_remove("K8S_STUDY_MAPPING")
        .args(["bump", "--to", "v2", "--repo", "client-go", "--write"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--mapping"));
}

#[test]
fn text_and_github_formats_and_exit_codes() {
    let ws = setup();
    let mapping = ws.path("sched.yaml");
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &mapping)
        .args(["bump", "--to", "v2", "--repo", "sched"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("sched: v1 → v2\n"), "{text}");
    assert!(
        text.contains("moved-package     sched-history step 5"),
        "{text}"
    );
    assert!(text.contains("    → example.com/sched/pkg/scheduler.podPassesFiltersOnNode"));
    assert!(text.trim_end().ends_with(
        "14 steps: 2 unchanged, 1 body-changed, 1 signature-changed, 1 moved-file, 1 moved-package, 5 renamed, 1 ambiguous, 1 removed, 1 unresolved"
    ), "{text}");

    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &mapping)
        .args([
            "bump", "--to", "v2", "--repo", "sched", "--format", "github",
        ])
        .output()
        .unwrap();
    let gh = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = gh.lines().collect();
    assert_eq!(lines.len(), 11, "{gh}");
    assert!(lines.iter().all(|l| l.starts_with("::warning file=")));
    let record = lines.iter().find(|l| l.contains("queue.Record")).unwrap();
    let line = mapping_text()
        .lines()
        .position(|l| l.contains("pkg/queue.Record"))
        .unwrap()
        + 1;
    assert!(
        record.contains(&format!(
            ",line={line},col=17,title=k8s-study bump%3A signature-changed::"
        )),
        "{record}"
    );

    // Bumping to the pin itself: every step holds but the one that never resolved.
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &mapping)
        .args(["bump", "--to", "v1", "--repo", "sched", "--format", "json"])
        .output()
        .unwrap();
    let steps: Value = serde_json::from_slice(&out.stdout).unwrap();
    let not_unchanged: Vec<&Value> = steps
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["category"] != "unchanged")
        .collect();
    assert_eq!(not_unchanged.len(), 1, "{not_unchanged:?}");
    // A version that does not exist is an infrastructure error, and a bare version without
    // --repo must be a Kubernetes one.
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &mapping)
        .args(["bump", "--to", "v9", "--repo", "sched"])
        .assert()
        .code(2);
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &mapping)
        .args(["bump", "--to", "v2"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--repo"));
}

#[test]
fn a_mapping_where_everything_holds_exits_0() {
    let ws = setup();
    // One article of the steps that hold (unchanged, body-changed).
    let text = mapping_text();
    let header_end = text.find("    steps:\n").unwrap() + "    steps:\n".len();
    let mut kept = text[..header_end].to_string();
    for symbol in ["Scheduler.Run", "queue.Describe", "Scheduler.scheduleOne"] {
        kept.push_str(&format!(
            "      - symbol: {PREFIX}{}\n        note: n\n        note_zh: n\n",
            if symbol.starts_with("Scheduler") {
                format!("scheduler.{symbol}")
            } else {
                symbol.to_string()
            }
        ));
    }
    let holds = ws.path("holds.yaml");
    std::fs::write(&holds, kept).unwrap();
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &holds)
        .args(["bump", "--to", "v2", "--repo", "sched"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "3 steps: 2 unchanged, 1 body-changed",
        ));
}

#[test]
fn diff_follows_a_rename_and_prints_a_unified_diff() {
    let ws = setup();
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
        .args([
            "diff",
            "example.com/sched/pkg/scheduler/core.genericScheduler.findNodesThatFitPod",
            "--from",
            "v1",
            "--to",
            "v2",
            "--repo",
            "sched",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("# renamed → example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod: best candidate"),
        "{text}"
    );
    assert_eq!(
        lines.next(),
        Some(
            "--- example.com/sched/pkg/scheduler/core.genericScheduler.findNodesThatFitPod@v1 pkg/scheduler/core/generic_scheduler.go:23-31"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "+++ example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod@v2 pkg/scheduler/schedule_one.go:13-21"
        )
    );
    assert!(text.contains("\n-func (g *genericScheduler) findNodesThatFitPod(pod string) []string {\n+func (sched *Scheduler) findNodesThatFitPod(pod string) []string {\n"), "{text}");

    // Unchanged: exit 0 and no diff body.
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
        .args([
            "diff",
            "example.com/sched/pkg/scheduler.Scheduler.Run",
            "--from",
            "v1",
            "--to",
            "v2",
            "--repo",
            "sched",
        ])
        .assert()
        .code(0)
        .stdout("# unchanged\n");
    // Not there at --from: a usage error that says how to check.
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("sched.yaml"))
        .args([
            "diff",
            "example.com/sched/pkg/queue.Ghost",
            "--from",
            "v1",
            "--to",
            "v2",
            "--repo",
            "sched",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("k8s-study find"));
}

#[test]
fn guides_say_what_changed_since_the_articles_version_when_it_is_cached() {
    let ws = Workspace::new();
    // The same history as a `kubernetes` repo, so `written_for: v1.1` means tag v1.1.0.
    make_history(&ws, "mirrors/kubernetes/kubernetes", ["v1.1.0", "v1.2.0"]);
    let mapping = mapping_text()
        .replace(
            "  sched: { url: https://github.com/acme/sched, pin: v1 }",
            "  kubernetes: { url: https://github.com/kubernetes/kubernetes, pin: v1.2.0 }",
        )
        .replace(
            "    repo: sched\n",
            "    written_for: v1.1\n    era: stated\n    repo: kubernetes\n",
        )
        .replace(
            "example.com/sched/pkg/scheduler/core.genericScheduler.findNodesThatFitPod",
            "example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod",
        )
        .replace(
            "example.com/sched/pkg/queue.Type.Add",
            "example.com/sched/pkg/queue.Typed.Add",
        );
    // The step names the pinned symbol and remembers the article's.
    let mapping = mapping.replace(
        "        symbol: 'example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod'\n",
        "        symbol: 'example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod'\n        was: example.com/sched/pkg/scheduler/core.genericScheduler.findNodesThatFitPod\n",
    );
    std::fs::write(ws.path("k.yaml"), mapping).unwrap();
    let guide = |out: &str| {
        ws.cmd()
            .env("K8S_STUDY_NO_BUILTIN", "1")
            .env("K8S_STUDY_MAPPING", ws.path("k.yaml"))
            .args(["guide", "sched-history", "--format", "md", "-o"])
            .arg(ws.path(out))
            .assert()
            .code(predicates::ord::ge(0));
        std::fs::read_to_string(ws.path(out).join("sched-history.md")).unwrap()
    };
    // Not in the cache: no line, and no fetch of the old version.
    let before = guide("g1");
    assert!(!before.contains("**Changed**"), "{before}");
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("k.yaml"))
        .args(["fetch", "kubernetes@v1.1.0"])
        .assert()
        .code(0);
    let after = guide("g2");
    assert!(
        after.contains("**Changed**: since v1.1.0 (the article's version): renamed → example.com/sched/pkg/scheduler.Scheduler.findNodesThatFitPod"),
        "{after}"
    );
    assert!(
        after.contains(
            "**Changed**: since v1.1.0 (the article's version): body changed (+4 −1 lines)"
        ),
        "{after}"
    );
    // Every step read at the article's version says so, unchanged ones too, with the place
    // and permalink at that version's tag.
    let run = after
        .split("## 1.")
        .nth(1)
        .unwrap()
        .split("## 2.")
        .next()
        .unwrap();
    assert!(
        run.contains("**Changed**: since v1.1.0 (the article's version): unchanged"),
        "{run}"
    );
    assert!(
        run.contains("(https://github.com/kubernetes/kubernetes/blob/v1.1.0/pkg/scheduler/scheduler.go#L12-L16)"),
        "{run}"
    );
}

/// A package whose folder moves while its files stay (GOPATH `vendor/` → a staging module,
/// as `vendor/k8s.io/api` became `staging/src/k8s.io/api`): not a file move. A file that
/// really changes inside the package still is.
#[test]
fn a_package_folder_that_moves_is_not_a_file_move() {
    let ws = Workspace::new();
    let root = ws.path("mirrors/acme/mono");
    let repo = Repository::init(&root).unwrap();
    let types = "package core\n\n// Pod is a pod.\ntype Pod struct{ name string }\n\n// Name says the name.\nfunc (p *Pod) Name() string { return p.name }\n\n// NewPod makes one.\nfunc NewPod(n string) *Pod { return &Pod{name: n} }\n";
    write(&root, "main.go", "package main\n\nfunc main() {}\n");
    write(&root, "vendor/example.com/api/core/types.go", types);
    commit_and_tag(&repo, "v1");
    std::fs::remove_dir_all(root.join("vendor")).unwrap();
    write(
        &root,
        "go.mod",
        "module example.com/mono\n\ngo 1.20\n\nrequire example.com/api v0.0.0\n\nreplace example.com/api => ./staging/src/example.com/api\n",
    );
    write(
        &root,
        "staging/src/example.com/api/go.mod",
        "module example.com/api\n\ngo 1.20\n",
    );
    let moved = types
        .replace(
            "func (p *Pod) Name() string { return p.name }",
            "func (p *Pod) Name() string {\n\tif p == nil {\n\t\treturn \"\"\n\t}\n\treturn p.name\n}",
        )
        .replace(
            "\n// NewPod makes one.\nfunc NewPod(n string) *Pod { return &Pod{name: n} }\n",
            "",
        );
    write(&root, "staging/src/example.com/api/core/types.go", moved);
    write(
        &root,
        "staging/src/example.com/api/core/new.go",
        "package core\n\n// NewPod makes one.\nfunc NewPod(n string) *Pod { return &Pod{name: n} }\n",
    );
    commit_and_tag(&repo, "v2");
    let mapping = ws.path("mono.yaml");
    std::fs::write(
        &mapping,
        "schema: 1\nrepos:\n  mono: { url: https://github.com/acme/mono, pin: v1, module: example.com/mono }\ncomponents:\n  c: c\narticles:\n  - id: mono\n    title: Mono\n    url: https://example.com/mono\n    repo: mono\n    components: [c]\n    steps:\n      - symbol: example.com/api/core.Pod\n        note: a\n      - symbol: example.com/api/core.Pod.Name\n        note: b\n      - symbol: example.com/api/core.NewPod\n        note: c\n",
    )
    .unwrap();
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &mapping)
        .args(["bump", "--to", "v2", "--repo", "mono", "--format", "json"])
        .output()
        .unwrap();
    let steps: Vec<Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let got: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|s| {
            (
                s["category"].as_str().unwrap(),
                s["from"]["file"].as_str().unwrap(),
                s["to"]["file"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "unchanged",
                "vendor/example.com/api/core/types.go",
                "staging/src/example.com/api/core/types.go"
            ),
            (
                "body-changed",
                "vendor/example.com/api/core/types.go",
                "staging/src/example.com/api/core/types.go"
            ),
            (
                "moved-file",
                "vendor/example.com/api/core/types.go",
                "staging/src/example.com/api/core/new.go"
            ),
        ],
        "{steps:#?}"
    );
    assert!(
        steps[0]["detail"]
            .as_str()
            .unwrap()
            .contains("its package's folder moved"),
        "{:#}",
        steps[0]
    );
}

const INFORMER_V1: &str = "package cache

type DeltaFIFO struct{}

func NewDeltaFIFO() *DeltaFIFO { return &DeltaFIFO{} }

type Reflector struct{}

func (r *Reflector) ListAndWatch(stop <-chan struct{}) error { return nil }

func (r *Reflector) Run(stop <-chan struct{}) { r.ListAndWatch(stop) }

type Informer struct{ r *Reflector }

// Run builds the queue and starts the reflector.
func (i *Informer) Run(stop <-chan struct{}) {
	_ = NewDeltaFIFO()
	i.r.Run(stop)
}

// Process hands a delta to the handler.
func (i *Informer) Process() { handle() }

func handle() {}
";

const INFORMER_V2: &str = "package cache

import (
	\"context\"

	\"example.com/inf/features\"
)

type DeltaFIFO struct{}

func NewDeltaFIFO() *DeltaFIFO { return &DeltaFIFO{} }

type RealFIFO struct{}

func NewRealFIFO() *RealFIFO { return &RealFIFO{} }

func newQueue() any {
	if features.Gates().Enabled(features.InOrderInformers) {
		return NewRealFIFO()
	}
	return nil
}

func newQueueElse() any {
	if features.Gates().Enabled(features.InOrderInformers) {
		return NewRealFIFO()
	} else {
		return NewDeltaFIFO()
	}
}

type Reflector struct{}

func (r *Reflector) ListAndWatch(stop <-chan struct{}) error { return nil }

func (r *Reflector) RunWithContext(ctx context.Context) { r.ListAndWatch(nil) }

func (r *Reflector) Run(stop <-chan struct{}) { r.RunWithContext(context.TODO()) }

type Informer struct{ r *Reflector }

// Run forwards to RunWithContext, which picks the queue by feature gate.
func (i *Informer) Run(stop <-chan struct{}) { i.RunWithContext(context.TODO()) }

func (i *Informer) RunWithContext(ctx context.Context) {
	_ = newQueueElse()
	i.r.RunWithContext(ctx)
}

// Process hands a delta to a new dispatcher.
func (i *Informer) Process() { dispatch() }

func handle() {}

func dispatch() {}
";

const FEATURES: &str = "package features

type G struct{}

func Gates() G { return G{} }

func (G) Enabled(name string) bool { return true }

const InOrderInformers = \"InOrderInformers\"
";

/// The issue's `RealFIFO` case on a synthetic history: a step that reaches the next one only
/// on a feature gate's branch, one that stopped calling it, and one whose path now takes an
/// extra hop (`Run` → `RunWithContext`) and still holds.
#[test]
fn paths_between_steps_break_when_the_next_step_is_no_longer_reached() {
    let ws = Workspace::new();
    let root = ws.path("mirrors/acme/inf");
    let repo = Repository::init(&root).unwrap();
    write(&root, "go.mod", "module example.com/inf\n\ngo 1.22\n");
    write(&root, "cache/informer.go", INFORMER_V1);
    commit_and_tag(&repo, "v1");
    write(&root, "cache/informer.go", INFORMER_V2);
    write(&root, "features/features.go", FEATURES);
    commit_and_tag(&repo, "v2");
    let step = |s: &str| {
        format!("      - symbol: example.com/inf/cache.{s}\n        note: n\n        note_zh: 注\n")
    };
    let article = |id: &str, steps: &[&str]| {
        format!(
            "  - id: {id}\n    title: {id}\n    url: https://example.com/{id}\n    author: tester\n    found: false\n    source: inferred\n    components: [informer]\n    repo: inf\n    steps:\n{}",
            steps.iter().map(|s| step(s)).collect::<String>()
        )
    };
    let mapping = format!(
        "schema: 1\nrepos:\n  inf: {{ url: https://github.com/acme/inf, pin: v1 }}\ncomponents:\n  informer: informers\narticles:\n{}{}",
        article(
            "queue-path",
            &["Informer.Run", "NewDeltaFIFO", "Reflector.ListAndWatch"]
        ),
        article(
            "reflector-path",
            &[
                "Informer.Process",
                "handle",
                "Reflector.Run",
                "Reflector.ListAndWatch"
            ]
        ),
    );
    let file = ws.path("inf.yaml");
    std::fs::write(&file, &mapping).unwrap();
    let out = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &file)
        .args(["bump", "--to", "v2", "--repo", "inf", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let steps: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let at = |article: &str, n: u64| {
        steps
            .iter()
            .find(|s| s["article"] == article && s["step"] == n)
            .unwrap()
            .clone()
    };
    // Informer.Run reaches NewDeltaFIFO through RunWithContext → newQueueElse, but only
    // when the gate is off; on, it builds a RealFIFO.
    let run = at("queue-path", 1);
    assert_eq!(run["category"], "path-broken", "{run:#}");
    assert_eq!(run["path"]["next_step"], 2);
    assert_eq!(run["path"]["gate"]["name"], "InOrderInformers");
    assert_eq!(run["path"]["gate"]["on"], false);
    assert_eq!(
        run["path"]["calls_instead"][0],
        "example.com/inf/cache.NewRealFIFO"
    );
    assert!(
        run["detail"]
            .as_str()
            .unwrap()
            .contains("only when the `InOrderInformers` feature gate is off"),
        "{run:#}"
    );
    // NewDeltaFIFO never called ListAndWatch: nothing is claimed about that pair.
    assert!(at("queue-path", 2).get("path").is_none());
    // Process calls dispatch now, not handle.
    let process = at("reflector-path", 1);
    assert_eq!(process["category"], "path-broken", "{process:#}");
    assert!(process["path"].get("gate").is_none());
    assert_eq!(
        process["path"]["calls_instead"][0],
        "example.com/inf/cache.dispatch"
    );
    // Reflector.Run → RunWithContext → ListAndWatch: one more hop, still the same path.
    let reflector = at("reflector-path", 3);
    assert!(reflector.get("path").is_none(), "{reflector:#}");
    assert_ne!(reflector["category"], "path-broken");

    // Text names the category and the gate; --write leaves a review marker.
    let text = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &file)
        .env("NO_COLOR", "1")
        .args(["bump", "--to", "v2", "--repo", "inf"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("path-broken       queue-path step 1"),
        "{text}"
    );
    assert!(text.contains("2 path-broken"), "{text}");
    let github = ws
        .cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", &file)
        .args(["bump", "--to", "v2", "--repo", "inf", "--format", "github"])
        .output()
        .unwrap();
    let github = String::from_utf8_lossy(&github.stdout);
    assert!(
        github.contains("title=k8s-study bump%3A path-broken"),
        "{github}"
    );
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .args(["--mapping"])
        .arg(&file)
        .args(["bump", "--to", "v2", "--repo", "inf", "--write"])
        .assert()
        .code(1);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains(
            "review: \"bump v1 → v2: path broken: reaches step 2 (NewDeltaFIFO) only when"
        ),
        "{written}"
    );
}
