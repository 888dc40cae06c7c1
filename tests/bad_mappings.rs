//! Malformed mapping files through the real binary: each `tests/bad_mappings/NN-name.yaml`
//! must make `check` exit 2 with exactly the diagnostics in `NN-name.expected`, print nothing
//! on stdout, never panic and finish quickly, however hostile the file.
//!
//! Regenerate the `.expected` files with
//! `K8S_STUDY_BLESS=1 cargo test --test tests bad_mappings`, then read every changed line: a
//! blessed message is only right if it names the problem and points at it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use k8s_study::mapping;

use crate::util::MAPPING;

/// Every case, hostile ones included, must be refused well within this. A hang guard, not a
/// speed claim: a debug build on a loaded 2-core runner takes a few seconds for the largest
/// generated case, the alias bombs this catches would take minutes.
const TIME_LIMIT: Duration = Duration::from_secs(20);

const HEADER_SUFFIX: &str = " problem(s) in the mapping:";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_mappings")
}

/// The case files of the suite, sorted by name.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| {
            matches!(
                Path::new(n).extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            )
        })
        .collect();
    names.sort();
    names
}

fn expected_path(case: &str) -> PathBuf {
    let stem = case.rsplit_once('.').map_or(case, |(stem, _)| stem);
    suite_dir().join(format!("{stem}.expected"))
}

/// What `k8s-study --mapping NAME check` printed, run in `dir` so messages carry `NAME`.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Nothing can be fetched: an empty cache and a mirror that does not exist. Validation fails
/// before any fetch, so neither is ever touched.
fn check(dir: &Path, name: &str) -> Run {
    let cache = tempfile::tempdir().unwrap();
    let _quiet = crate::util::exclusive();
    let started = Instant::now();
    let out = Command::cargo_bin("k8s-study")
        .unwrap()
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("K8S_STUDY_CACHE", cache.path())
        .env("K8S_STUDY_MIRROR", "file:///nonexistent")
        .current_dir(dir)
        // The curation rules of the built-in list are part of what these cases pin.
        .args(["--no-builtin", "--strict", "--mapping", name, "check"])
        .timeout(TIME_LIMIT * 2)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// The diagnostic lines of a refused mapping, or why the output is not one.
fn diagnostics(run: &Run) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    if run.stderr.contains("panicked") {
        problems.push("panicked".to_string());
    }
    if run.code != Some(2) {
        problems.push(format!("exit code {:?}, want 2", run.code));
    }
    if !run.stdout.is_empty() {
        problems.push("partial output on stdout".to_string());
    }
    if run.elapsed > TIME_LIMIT {
        problems.push(format!("took {:?} (limit {TIME_LIMIT:?})", run.elapsed));
    }
    let mut lines = run.stderr.lines();
    let header = lines.next().unwrap_or_default();
    let diags: Vec<String> = lines
        .take_while(|l| !l.starts_with("help: "))
        .map(|l| l.strip_prefix("  ").unwrap_or(l).to_string())
        .collect();
    if header != format!("error: {}{HEADER_SUFFIX}", diags.len()) {
        problems.push(format!("header `{header}`"));
    }
    if problems.is_empty() {
        Ok(diags)
    } else {
        Err(format!(
            "{}\n--- stderr:\n{}",
            problems.join("; "),
            run.stderr
        ))
    }
}

#[test]
fn every_bad_mapping_is_refused_with_its_exact_diagnostics() {
    let bless = std::env::var_os("K8S_STUDY_BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut failures = String::new();
    for case in &cases {
        let run = check(&suite_dir(), case);
        let got = match diagnostics(&run) {
            Ok(got) => got,
            Err(why) => {
                writeln!(failures, "{case}: {why}").unwrap();
                continue;
            }
        };
        let path = expected_path(case);
        if bless {
            std::fs::write(&path, got.join("\n") + "\n").unwrap();
            continue;
        }
        let want: Vec<String> = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if got != want {
            writeln!(
                failures,
                "{case}:\n  want:\n    {}\n  got:\n    {}",
                want.join("\n    "),
                got.join("\n    ")
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_expected_file_has_its_case() {
    let cases = cases();
    for entry in std::fs::read_dir(suite_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(stem) = name.strip_suffix(".expected") else {
            continue;
        };
        assert!(
            cases.iter().any(|c| c.rsplit_once('.').unwrap().0 == stem),
            "{name} has no case file"
        );
    }
}

/// The cases are the test mapping with one thing broken; it must itself be valid, or every
/// case would also be reporting the baseline's problem.
#[test]
fn the_baseline_of_the_cases_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.yaml");
    std::fs::write(&path, MAPPING).unwrap();
    mapping::load_path(&path).expect("the baseline mapping is valid");
}

/// A file over the 8 MiB limit is refused by its size, before it is read. Made here rather
/// than committed.
#[test]
fn a_9_mib_file_is_refused_by_size() {
    let dir = tempfile::tempdir().unwrap();
    let text = MAPPING.replace("note: Adding.", &format!("note: {}", "a".repeat(9 << 20)));
    std::fs::write(dir.path().join("huge.yaml"), &text).unwrap();
    let got = diagnostics(&check(dir.path(), "huge.yaml")).unwrap();
    assert_eq!(
        got,
        [format!(
            "huge.yaml:1:1: file is {} bytes; mapping files are limited to 8388608 bytes",
            text.len()
        )]
    );
}

/// 260,000 list items, well under the size limit, break the 250,000-node budget. The 28 nodes
/// before the list are the baseline's keys and values up to `alt_urls` and the list itself,
/// so the 249,973rd item, at column 16 + 3 × 249,972, is the one over.
#[test]
fn a_file_with_too_many_values_is_refused_at_the_first_one_over() {
    let dir = tempfile::tempdir().unwrap();
    let items = vec!["x"; 260_000].join(", ");
    let text = MAPPING.replace(
        "    author: tester\n",
        &format!("    author: tester\n    alt_urls: [{items}]\n"),
    );
    std::fs::write(dir.path().join("many.yaml"), &text).unwrap();
    let got = diagnostics(&check(dir.path(), "many.yaml")).unwrap();
    assert_eq!(
        got,
        [format!(
            "many.yaml:11:{}: more than 250000 YAML values in one file",
            16 + 3 * 249_972
        )]
    );
}
