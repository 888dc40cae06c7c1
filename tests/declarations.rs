//! Declarations as the compiler sees them: `find` on fixtures written the ways the oracle
//! run caught it out, and (ignored unless the mirrors are built) every declaration of seven
//! real packages checked against go/parser (`tests/oracle/decls`).

use git2::Repository;
use serde_json::Value;

use crate::util::{Workspace, commit_and_tag, write};

/// gofmt'd: `Unschedulable` repeats the group's `iota` alone on its line.
const CODES: &str = "package codes

// Code is a status code.
type Code int

// The codes a plugin returns.
const (
	// Success means the plugin ran.
	Success Code = iota
	// Unschedulable means the pod does not fit.
	Unschedulable
	Wait // Wait's line comment.
	Skip
)
";

/// Not gofmt'd: no needle of the prefilter spells `Odd` this way.
const ODD: &str = "package codes\n\nconst Odd=1\n\nvar(\nEven=2\n)\n";

/// widgets at `v3`: package `codes` beside the workspace's queue.
fn workspace() -> Workspace {
    let ws = Workspace::new();
    let root = ws.path("mirrors/acme/widgets");
    let repo = Repository::open(&root).unwrap();
    write(&root, "codes/codes.go", CODES);
    write(&root, "codes/odd.go", ODD);
    commit_and_tag(&repo, "v3");
    ws
}

fn find(ws: &Workspace, name: &str) -> Value {
    let out = ws
        .cmd()
        .args(["find", &format!("github.com/acme/widgets/codes.{name}")])
        .args(["--repo", "widgets", "--at", "v3", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn find_locates_iota_repeated_consts() {
    let ws = workspace();
    let got: Vec<(String, u64, String, String)> = ["Success", "Unschedulable", "Wait", "Skip"]
        .iter()
        .map(|name| {
            let v = find(&ws, name);
            assert_eq!(v["status"], "found", "{name}: {v}");
            assert_eq!(v["file"], "codes/codes.go", "{name}");
            assert_eq!(v["kind"], "const", "{name}");
            (
                (*name).to_string(),
                v["start_line"].as_u64().unwrap(),
                v["signature"].as_str().unwrap().to_string(),
                v["doc"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (
            "Success",
            9,
            "const Success Code = iota",
            "Success means the plugin ran.",
        ),
        (
            "Unschedulable",
            11,
            "const Unschedulable Code",
            "Unschedulable means the pod does not fit.",
        ),
        ("Wait", 12, "const Wait Code", ""),
        ("Skip", 13, "const Skip Code", ""),
    ]
    .map(|(n, l, s, d)| (n.to_string(), l, s.to_string(), d.to_string()));
    assert_eq!(got, want);
}

#[test]
fn find_locates_declarations_the_prefilter_does_not_spell() {
    let ws = workspace();
    for (name, line) in [("Odd", 3), ("Even", 6)] {
        let v = find(&ws, name);
        assert_eq!(v["status"], "found", "{name}: {v}");
        assert_eq!(
            (v["file"].as_str(), v["start_line"].as_u64()),
            (Some("codes/odd.go"), Some(line)),
            "{name}"
        );
    }
}
