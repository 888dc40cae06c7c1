//! The binary against temp repositories through `file://` mirrors.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::Workspace;

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn find_through_base_mirror_reports_every_field() {
    let ws = Workspace::new();
    let out = ws
        .cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.Queue.Add",
            "--repo",
            "widgets",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(v["status"], "found");
    assert_eq!(v["repo"], "widgets");
    assert_eq!(v["version"], "v1");
    assert_eq!(v["file"], "queue/queue.go");
    assert_eq!(
        (v["start_line"].as_u64(), v["end_line"].as_u64()),
        (Some(10), Some(12))
    );
    assert_eq!(v["kind"], "method");
    assert_eq!(v["signature"], "func (q *Queue) Add(item string)");
    assert_eq!(v["doc"], "Add adds an item.");
    assert_eq!(v["commit"].as_str().unwrap().len(), 40);
    assert!(v["candidates"].as_array().unwrap().is_empty());
}

#[test]
fn find_at_another_version_follows_the_file() {
    let ws = Workspace::new();
    ws.cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.Queue.Add",
            "--repo",
            "widgets",
            "--at",
            "v2",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/add.go:4-6"));
}

#[test]
fn per_repo_mirror_flag_wins_over_the_base() {
    let ws = Workspace::new();
    let url = format!(
        "widgets=file://{}",
        ws.path("mirrors/acme/widgets").display()
    );
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "file:///nonexistent/base")
        .args([
            "--mirror",
            &url,
            "find",
            "github.com/acme/widgets/queue.NewQueue",
            "--repo",
            "widgets",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/queue.go:7-7"));
}

#[test]
fn missing_symbols_exit_1_with_suggestions() {
    let ws = Workspace::new();
    let out = ws
        .cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.Queue.add",
            "--repo",
            "widgets",
            "--format",
            "json",
        ])
        .assert()
        .code(1);
    let v = json(&out.get_output().stdout);
    assert_eq!(v["status"], "missing");
    assert_eq!(
        v["candidates"][0]["symbol"],
        "github.com/acme/widgets/queue.Queue.Add"
    );
    ws.cmd()
        .args(["find", "github.com/acme/nothing.F", "--repo", "widgets"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "package github.com/acme/nothing not found in widgets@v1",
        ));
}

#[test]
fn build_tag_twins_are_found_together_and_tests_are_skipped() {
    let ws = Workspace::new();
    let out = ws
        .cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.platform",
            "--repo",
            "widgets",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(v["file"], "queue/sys_linux.go");
    assert_eq!(v["variants"][0]["file"], "queue/sys_windows.go");
    ws.cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.TestOnly",
            "--repo",
            "widgets",
        ])
        .assert()
        .code(1);
}

#[test]
fn vendored_packages_are_found() {
    let ws = Workspace::new();
    ws.cmd()
        .args([
            "find",
            "github.com/spf13/cobra.Command.Execute",
            "--repo",
            "widgets",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "vendor/github.com/spf13/cobra/command.go:6-6",
        ));
}

#[test]
fn resolve_and_check_report_steps_and_exit_codes() {
    let ws = Workspace::new();
    let out = ws
        .cmd()
        .args(["resolve", "widgets-tour", "--format", "json"])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    let steps = v.as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(
        (
            steps[1]["article"].as_str(),
            steps[1]["step"].as_u64(),
            steps[1]["status"].as_str()
        ),
        (Some("widgets-tour"), Some(2), Some("found"))
    );
    ws.cmd()
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "3 steps: 3 found, 0 missing, 0 ambiguous\n",
        ));
    // At v2, Add moved (found, the hint is stale) and Old is gone.
    let out = ws.cmd().args(["check", "--at", "v2"]).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("✗ widgets-tour step 3: github.com/acme/widgets/queue.Old"),
        "{text}"
    );
    assert!(
        text.ends_with("3 steps: 2 found, 1 missing, 0 ambiguous\n"),
        "{text}"
    );
    let out = ws
        .cmd()
        .args(["resolve", "--at", "v2", "--format", "json"])
        .assert()
        .code(1);
    let v = json(&out.get_output().stdout);
    assert_eq!(v[1]["file"], "queue/add.go");
    assert!(
        v[1]["reason"]
            .as_str()
            .unwrap()
            .contains("file hint queue/queue.go is out of date")
    );
}

#[test]
fn second_run_trusts_the_cache_and_needs_no_remote() {
    let ws = Workspace::new();
    ws.cmd()
        .args(["fetch", "widgets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fetched from file://"));
    // The mirror base now points nowhere: a cached tag must not need it.
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "https://unreachable.invalid/")
        .args(["fetch", "widgets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(cached)"));
}

#[test]
fn a_leftover_of_a_killed_fetch_is_not_trusted() {
    let ws = Workspace::new();
    let repo_dir = ws.path("cache/repos/github.com/acme/widgets.git");
    // A folder that is not a repository, as a fetch killed before init completed leaves it.
    std::fs::create_dir_all(&repo_dir).unwrap();
    std::fs::write(repo_dir.join("HEAD"), "garbage").unwrap();
    ws.cmd().args(["fetch", "widgets"]).assert().success();
    // A repository without the trust marker is fetched again, not believed.
    std::fs::remove_dir_all(repo_dir.join("k8s-study-verified")).unwrap();
    ws.cmd()
        .args(["fetch", "widgets"])
        .assert()
        .success()
        .stdout(predicate::str::contains("fetched from"));
}

#[test]
fn concurrent_fetches_share_the_cache() {
    let ws = Workspace::new();
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("k8s-study"));
            cmd.env("K8S_STUDY_CACHE", ws.path("cache"))
                .env("K8S_STUDY_MIRROR", ws.mirror_base())
                .arg("--no-builtin")
                .arg("--mapping")
                .arg(ws.path("mapping.yaml"))
                .args(["fetch", "widgets@v1", "widgets@v2"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ws.cmd().arg("check").assert().success();
}

#[test]
fn infrastructure_errors_exit_2_and_say_what_to_do() {
    let ws = Workspace::new();
    ws.cmd()
        .args([
            "find",
            "github.com/acme/widgets/queue.NewQueue",
            "--repo",
            "widgets",
            "--at",
            "v9",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("tag v9 of widgets does not exist")
                .and(predicate::str::contains("help:")),
        );
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "file:///nonexistent/base")
        .args(["fetch", "widgets"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("mirror of widgets not found"));
    ws.cmd()
        .args(["find", "k8s.io/x.F", "--repo", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown repo `nope`"));
    ws.cmd()
        .args(["find", "k8s.io/x.*T.Run", "--repo", "widgets"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("malformed Go symbol"));
}

#[test]
fn a_bad_mapping_is_reported_with_positions_and_exit_2() {
    let ws = Workspace::new();
    let bad = crate::util::MAPPING
        .replace("repo: widgets", "repo: gadgets")
        .replace("components: [workqueue]", "components: [workqueu]");
    std::fs::write(ws.path("bad.yaml"), bad).unwrap();
    ws.cmd()
        .args(["--mapping", ws.path("bad.yaml").to_str().unwrap(), "check"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad.yaml:13:18: unknown component `workqueu`").and(
                predicate::str::contains("bad.yaml:14:11: unknown repo `gadgets`"),
            ),
        );
}

#[test]
fn the_builtin_mapping_is_valid() {
    let ws = Workspace::new();
    // `resolve` with an unknown id fails on the id, which proves the mapping itself loaded.
    assert_cmd::Command::cargo_bin("k8s-study")
        .unwrap()
        .env("K8S_STUDY_CACHE", ws.path("cache"))
        .args(["resolve", "no-such-article"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown article `no-such-article`",
        ));
}

#[test]
fn network_fetch_is_shallow_and_tag_only() {
    let ws = Workspace::new();
    let daemon = crate::util::GitDaemon::start(&ws.path("mirrors"));
    let base = format!("git://127.0.0.1:{}", daemon.port);
    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args(["fetch", "widgets@v2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "fetched from {base}/acme/widgets"
        )));
    let cache =
        git2::Repository::open_bare(ws.path("cache/repos/github.com/acme/widgets.git")).unwrap();
    assert!(cache.is_shallow(), "a network fetch must be shallow");
    assert!(
        cache.find_reference("refs/tags/v1").is_err(),
        "only the asked tag is fetched"
    );
    ws.cmd()
        .env("K8S_STUDY_MIRROR", &base)
        .args([
            "find",
            "github.com/acme/widgets/queue.Queue.Add",
            "--repo",
            "widgets",
            "--at",
            "v2",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/add.go:4-6"));
}

#[test]
fn a_cache_whose_mirror_vanished_is_fetched_again() {
    let ws = Workspace::new();
    let moved = ws.path("moved");
    std::fs::create_dir_all(moved.join("acme")).unwrap();
    ws.cmd().args(["fetch", "widgets"]).assert().success();
    // The linked mirror moves away: the cached objects behind alternates are gone.
    std::fs::rename(ws.path("mirrors/acme/widgets"), moved.join("acme/widgets")).unwrap();
    ws.cmd()
        .env("K8S_STUDY_MIRROR", format!("file://{}", moved.display()))
        .args([
            "find",
            "github.com/acme/widgets/queue.NewQueue",
            "--repo",
            "widgets",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("queue/queue.go:7-7"));
}

#[test]
fn one_failing_repo_does_not_stop_the_others() {
    let ws = Workspace::new();
    let two_repos = format!(
        "{}  gadgets: {{ url: https://github.com/acme/gadgets, pin: v1 }}\n",
        "schema: 1\nrepos:\n"
    );
    std::fs::write(ws.path("extra.yaml"), two_repos).unwrap();
    std::fs::create_dir_all(ws.path("maps")).unwrap();
    std::fs::copy(ws.path("mapping.yaml"), ws.path("maps/a.yaml")).unwrap();
    std::fs::copy(ws.path("extra.yaml"), ws.path("maps/b.yaml")).unwrap();
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("maps"))
        .arg("fetch")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("widgets v1"))
        .stderr(predicate::str::contains("mirror of gadgets not found"));
}

#[test]
fn debug_tree_prints_the_syntax_tree() {
    let ws = Workspace::new();
    std::fs::write(ws.path("x.go"), "package x\nfunc (q *T[K]) M() {}\n").unwrap();
    ws.cmd()
        .args(["debug-tree", ws.path("x.go").to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("(method_declaration receiver: (parameter_list (parameter_declaration name: (identifier) type: (pointer_type (generic_type"));
}

#[test]
fn a_repo_without_go_mod_or_tags_is_pinned_by_commit() {
    let ws = Workspace::new();
    ws.cmd()
        .args([
            "find",
            "github.com/acme/legacy/pkg/foo.Foo",
            "--repo",
            "legacy",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("pkg/foo/foo.go:4-4"));
    ws.cmd()
        .args([
            "find",
            "github.com/acme/legacy.main",
            "--repo",
            "legacy",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"file\": \"main.go\""));
}

#[test]
fn lookup_lists_a_component_and_shows_an_article_offline() {
    let ws = Workspace::new();
    // No mirror at all: lookup never touches sources.
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "file:///nonexistent")
        .args(["lookup", "workqueue"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1. A tour of widgets  (3 steps)"));
    ws.cmd()
        .args(["lookup", "widgets-tour"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "github.com/acme/widgets/queue.Queue.Add",
        ));
    ws.cmd()
        .args(["lookup", "workqueu"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `workqueue`?"));
}

#[test]
fn stats_counts_entries_and_resolution() {
    let ws = Workspace::new();
    let out = ws
        .cmd()
        .args(["stats", "--resolve", "--format", "json"])
        .assert()
        .success();
    let v = json(&out.get_output().stdout);
    assert_eq!(
        (
            v["articles"].as_u64(),
            v["steps"].as_u64(),
            v["inferred"].as_u64()
        ),
        (Some(1), Some(3), Some(1))
    );
    assert_eq!(v["resolution"]["widgets"]["resolved"], 3);
    assert_eq!(v["rows"][0]["resolved"], 3);
}

#[test]
fn guides_in_every_format_name_the_upstream_not_the_mirror() {
    let ws = Workspace::new();
    for (format, file) in [
        ("md", "widgets-tour.md"),
        ("mdbook", "src/widgets-tour.md"),
        ("html", "widgets-tour.html"),
        ("json", "guide.json"),
        ("codetour", ".tours/widgets-tour.tour"),
    ] {
        let out = ws.path(&format!("out-{format}"));
        ws.cmd()
            .args([
                "guide",
                "widgets-tour",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
        let text = std::fs::read_to_string(out.join(file))
            .unwrap_or_else(|e| panic!("{format}: {file}: {e}"));
        assert!(!text.contains("file://"), "{format} leaks the mirror");
        if format != "codetour" {
            assert!(
                text.contains("https://github.com/acme/widgets/blob/v1/queue/queue.go#L10-L12"),
                "{format}: {text}"
            );
        }
    }
    let v = json(&std::fs::read(ws.path("out-json/guide.json")).unwrap());
    let step = &v["articles"][0]["steps"][1];
    assert_eq!(step["symbol"], "github.com/acme/widgets/queue.Queue.Add");
    assert_eq!(v["articles"][0]["commit"].as_str().unwrap().len(), 40);
    assert_eq!(
        step["excerpt"]["text"],
        "func (q *Queue) Add(item string) {\n\tq.items = append(q.items, item)\n}"
    );
}

#[test]
fn an_unresolved_step_is_written_and_exits_1() {
    let ws = Workspace::new();
    let broken = std::fs::read_to_string(ws.path("mapping.yaml"))
        .unwrap()
        .replace("queue.Old", "queue.Vanished");
    std::fs::write(ws.path("broken.yaml"), broken).unwrap();
    let out = ws.path("out");
    ws.cmd()
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("broken.yaml"))
        .args(["guide", "--format", "md", "-o", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 unresolved step(s)"));
    let page = std::fs::read_to_string(out.join("widgets-tour.md")).unwrap();
    assert!(
        page.contains("**Unresolved**: no declaration of Vanished"),
        "{page}"
    );
    assert!(
        page.contains("## 1. `queue.NewQueue`"),
        "the rest is written"
    );
}

#[test]
fn no_arguments_give_an_orientation() {
    let ws = Workspace::new();
    ws.cmd().assert().success().stdout(
        predicate::str::contains("1 articles of the reading list, 3 steps, in 1 components")
            .and(predicate::str::contains("Try:")),
    );
}

#[test]
fn completions_and_man_come_from_the_cli_definition() {
    let ws = Workspace::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        ws.cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("guide"));
    }
    ws.cmd()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH k8s-study 1"));
}

#[test]
fn cache_list_and_clean() {
    let ws = Workspace::new();
    ws.cmd()
        .args(["fetch", "widgets@v1", "widgets@v2"])
        .assert()
        .success();
    ws.cmd().args(["cache", "list"]).assert().success().stdout(
        predicate::str::contains("github.com/acme/widgets.git")
            .and(predicate::str::contains("v1, v2")),
    );
    ws.cmd()
        .args(["cache", "clean", "widgets"])
        .assert()
        .success()
        .stdout("removed 1 cached repository\n");
    ws.cmd()
        .args(["cache", "list", "--format", "json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn verbose_says_where_trees_come_from_and_pipes_get_no_colour() {
    let ws = Workspace::new();
    ws.cmd()
        .args([
            "-v",
            "find",
            "github.com/acme/widgets/queue.NewQueue",
            "--repo",
            "widgets",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("widgets v1: fetched from file://"))
        .stdout(predicate::str::starts_with("✓ ").and(predicate::str::contains("\x1b[").not()));
    ws.cmd()
        .args([
            "-v",
            "find",
            "github.com/acme/widgets/queue.NewQueue",
            "--repo",
            "widgets",
        ])
        .assert()
        .stderr(predicate::str::contains("widgets v1: cached, commit "));
    ws.cmd().args(["-q", "-v", "fetch"]).assert().code(2);
}

#[test]
fn clicolor_force_colours_a_pipe_and_no_color_wins() {
    let ws = Workspace::new();
    let find = |symbol: &str, env: &[(&str, &str)]| {
        let mut cmd = ws.cmd();
        cmd.args(["find", symbol, "--repo", "widgets"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let found = "github.com/acme/widgets/queue.NewQueue";
    let missing = "github.com/acme/widgets/queue.NoSuchThing";
    let forced = find(found, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.starts_with("\x1b[32m✓\x1b[0m "), "{forced:?}");
    let forced = find(missing, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.starts_with("\x1b[31m✗\x1b[0m "), "{forced:?}");
    for env in [
        &[][..],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")][..],
        &[("CLICOLOR", "0")][..],
    ] {
        let plain = find(found, env);
        assert!(
            plain.starts_with("✓ ") && !plain.contains('\x1b'),
            "{env:?}: {plain:?}"
        );
    }
}

#[test]
fn lookup_title_words_show_the_one_matching_article_offline() {
    let ws = Workspace::new();
    for query in ["tour", "TOUR widgets", "tourof"] {
        ws.cmd()
            .env("K8S_STUDY_MIRROR", "file:///nonexistent")
            .args(["lookup", query])
            .assert()
            .success()
            .stdout(predicate::str::contains("A tour of widgets  [workqueue]"))
            .stdout(predicate::str::contains(
                "  2. github.com/acme/widgets/queue.Queue.Add",
            ));
    }
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "file:///nonexistent")
        .args(["lookup", "widgets-tour", "--at", "v2"])
        .assert()
        .success()
        .stderr(predicate::str::contains("--at v2 is ignored"));
}

#[test]
fn lookup_symbol_substring_lists_the_citing_steps_offline() {
    let ws = Workspace::new();
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "file:///nonexistent")
        .args(["lookup", "Queue.Add"])
        .assert()
        .success()
        .stdout("github.com/acme/widgets/queue.Queue.Add — widgets-tour step 2\n");
    ws.cmd()
        .env("K8S_STUDY_MIRROR", "file:///nonexistent")
        .args(["lookup", "queue.newqueue"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "queue.NewQueue — widgets-tour step 1",
        ));
}

#[test]
fn lookup_at_a_version_shows_where_each_symbol_lives() {
    let ws = Workspace::new();
    ws.cmd()
        .args(["lookup", "Queue.Add", "--at", "v2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("widgets@v2 queue/add.go:4-6"));
    ws.cmd()
        .args(["lookup", "queue.Old", "--at", "v2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "widgets@v2 missing: no declaration of Old",
        ));
    // The only repo cannot be read at that version: an infrastructure error, as for `find`.
    ws.cmd()
        .args(["lookup", "queue.Old", "--at", "v9"])
        .assert()
        .code(2);
}

#[test]
fn lookup_json_names_the_query_and_its_kind_in_every_form() {
    let ws = Workspace::new();
    let run = |args: &[&str]| {
        let out = ws
            .cmd()
            .arg("lookup")
            .args(args)
            .args(["--format", "json"])
            .assert()
            .success();
        json(&out.get_output().stdout)
    };
    let v = run(&["workqueue"]);
    assert_eq!(
        (&v["query"], &v["kind"]),
        (&"workqueue".into(), &"component".into())
    );
    assert_eq!(v["articles"][0]["id"], "widgets-tour");
    assert_eq!(v["articles"][0]["steps"], 3);
    let v = run(&["widgets-tour"]);
    assert_eq!(v["kind"], "article");
    assert_eq!(
        v["article"]["steps"][1]["symbol"],
        "github.com/acme/widgets/queue.Queue.Add"
    );
    let v = run(&["tour"]);
    assert_eq!(v["kind"], "title");
    assert_eq!(v["articles"].as_array().unwrap().len(), 1);
    assert_eq!(v["article"]["id"], "widgets-tour");
    let v = run(&["Queue.Add", "--at", "v2"]);
    assert_eq!((&v["kind"], &v["at"]), (&"symbol".into(), &"v2".into()));
    let hit = &v["symbols"][0];
    assert_eq!(hit["symbol"], "github.com/acme/widgets/queue.Queue.Add");
    assert_eq!(hit["repo"], "widgets");
    assert_eq!(hit["cited_by"][0]["article"], "widgets-tour");
    assert_eq!(hit["cited_by"][0]["step"], 2);
    assert_eq!(hit["resolution"]["file"], "queue/add.go");
    assert_eq!(hit["error"], Value::Null);
    let v = run(&["queue.NewQueue"]);
    assert_eq!(v["symbols"][0]["resolution"], Value::Null);
}

#[test]
fn lookup_near_misses_suggest_the_nearest_name() {
    let ws = Workspace::new();
    for (query, suggestion) in [
        ("NewQeue", "NewQueue"),
        ("tuor", "tour"),
        ("widget-tour", "widgets-tour"),
    ] {
        ws.cmd()
            .args(["lookup", query])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "did you mean `{suggestion}`?"
            )));
    }
    ws.cmd()
        .args(["lookup", "zzzzzzzzzzzz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean").not());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let ws = Workspace::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("k8s-study"))
        .env("K8S_STUDY_CACHE", ws.path("cache"))
        .env("K8S_STUDY_NO_BUILTIN", "1")
        .env("K8S_STUDY_MAPPING", ws.path("mapping.yaml"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before the writer is done
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_subcommand_help_has_examples() {
    let ws = Workspace::new();
    for sub in [
        "fetch",
        "find",
        "resolve",
        "check",
        "guide",
        "lookup",
        "stats",
        "cache",
        "completions",
        "man",
    ] {
        ws.cmd()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"));
    }
}

/// A guide writer's CI: `check --own --format github` annotates the lines of their own file
/// (and only theirs) where a step no longer resolves at a new release.
#[test]
fn check_own_in_github_format_annotates_the_writers_lines() {
    let ws = Workspace::new();
    let out = ws
        .cmd()
        .current_dir(ws.path(""))
        .args([
            "--mapping",
            "mapping.yaml",
            "check",
            "--own",
            "--at",
            "v2",
            "--format",
            "github",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=mapping.yaml,line=25,col=17,title=k8s-study check%3A missing at widgets v2::widgets-tour step 3: github.com/acme/widgets/queue.Old is missing at widgets v2: no declaration of Old in package github.com/acme/widgets/queue (queue/)."
    );
    assert_eq!(
        lines.last().unwrap(),
        &"3 steps: 2 found, 1 missing, 0 ambiguous"
    );
    // Without files of one's own there is nothing to check.
    ws.cmd()
        .env_remove("K8S_STUDY_MAPPING")
        .env_remove("K8S_STUDY_NO_BUILTIN")
        .env("K8S_STUDY_CONFIG", ws.path("none.toml"))
        .args(["check", "--own"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass them with --mapping PATH"));
}

/// One repo that cannot be read does not hide the others from `check` and `resolve`: they
/// are shown, the unreadable repo is named, and its error comes last (exit 2), as `fetch`.
#[test]
fn check_and_resolve_show_every_readable_repo_when_one_is_not() {
    let ws = Workspace::new();
    std::fs::write(
        ws.path("legacy.yaml"),
        "schema: 1\narticles:\n  - { id: legacy-tour, title: Legacy, url: \"https://example.com/l\", repo: legacy, steps: [{ symbol: github.com/acme/legacy/pkg/foo.Foo, note: n }] }\n",
    )
    .unwrap();
    let both = format!(
        "{}:{}",
        ws.path("mapping.yaml").display(),
        ws.path("legacy.yaml").display()
    );
    ws.cmd()
        .env("K8S_STUDY_MAPPING", &both)
        .args(["--mirror", "legacy=file:///nonexistent/legacy", "check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("not read: repo legacy"))
        .stdout(predicate::str::contains(
            "3 steps: 3 found, 0 missing, 0 ambiguous",
        ))
        .stderr(predicate::str::contains(
            "k8s-study: repo legacy: mirror of legacy not found",
        ));
    let out = ws
        .cmd()
        .env("K8S_STUDY_MAPPING", &both)
        .args([
            "--mirror",
            "legacy=file:///nonexistent/legacy",
            "resolve",
            "--format",
            "json",
        ])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3, "{v}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|s| s["article"] == "widgets-tour")
    );
}
