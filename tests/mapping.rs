//! The built-in mapping against the reading list it serves.

use std::collections::BTreeMap;

use k8s_study::mapping::{self, Kind};

#[test]
fn every_link_of_the_reading_list_has_an_entry() {
    let mapping = mapping::load_builtin().expect("the built-in mapping is valid");
    let mut owner: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in &mapping.articles {
        for url in std::iter::once(&a.url).chain(&a.alt_urls) {
            owner.entry(url.as_str()).or_default().push(&a.id);
        }
    }
    let list = include_str!("data/reading-list-urls.txt");
    let urls: Vec<&str> = list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(urls.len(), 79);
    let missing: Vec<&str> = urls
        .iter()
        .copied()
        .filter(|u| !owner.contains_key(u))
        .collect();
    assert!(
        missing.is_empty(),
        "{} links without an entry:\n{}",
        missing.len(),
        missing.join("\n")
    );
    let twice: Vec<String> = owner
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(u, ids)| format!("{u}: {}", ids.join(", ")))
        .collect();
    assert!(
        twice.is_empty(),
        "links claimed by several entries:\n{}",
        twice.join("\n")
    );
}

#[test]
fn inferred_paths_and_no_code_entries_say_why() {
    let mapping = mapping::load_builtin().unwrap();
    for a in &mapping.articles {
        if a.found {
            assert!(
                a.evidence.as_deref().is_some_and(|e| !e.is_empty()),
                "{} has no evidence",
                a.id
            );
        }
        if a.kind == Kind::NoCode {
            assert!(a.reason.is_some(), "{} is no-code without a reason", a.id);
        }
    }
}

/// `docs/mapping.schema.json`, which the mapping files' modelines point editors at.
fn schema_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/mapping.schema.json")
}

#[test]
fn checked_in_json_schema_is_current() {
    let want = mapping::json_schema();
    let path = schema_path();
    if std::env::var_os("K8S_STUDY_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/mapping.schema.json");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/mapping.schema.json is out of date with src/mapping/raw.rs; regenerate it with\n  \
         K8S_STUDY_BLESS=1 cargo test --test tests mapping::checked_in_json_schema_is_current"
    );
}

#[test]
fn every_mapping_file_has_the_schema_modeline() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.lines().next(),
            Some("# yaml-language-server: $schema=../docs/mapping.schema.json"),
            "{} does not start with the schema modeline",
            path.display()
        );
    }
    assert!(seen > 0, "no mapping files in {}", dir.display());
}

/// The schema must accept what the loader accepts: every built-in mapping file validates.
#[test]
fn mapping_files_satisfy_the_json_schema() {
    let schema: serde_json::Value = serde_json::from_str(&mapping::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the generated schema compiles");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let mut problems = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for error in validator.iter_errors(&doc) {
            problems.push(format!(
                "{}: {}: {error}",
                path.display(),
                error.instance_path()
            ));
        }
    }
    assert!(seen > 0, "no mapping files in {}", dir.display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schema is not vacuous: it rejects the mistakes editors should flag.
#[test]
fn json_schema_rejects_unknown_keys_and_bad_kinds() {
    let schema: serde_json::Value = serde_json::from_str(&mapping::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let article = serde_json::json!({
        "id": "a", "title": "T", "url": "https://e.com/a", "author": "me",
        "found": false, "source": "inferred", "components": ["informer"],
        "repo": "kubernetes",
        "steps": [{"symbol": "k8s.io/x.F", "note": "n", "note_zh": "n"}],
    });
    let file = |article: serde_json::Value| serde_json::json!({"schema": 1, "articles": [article]});
    assert!(validator.is_valid(&file(article.clone())));
    for (key, value) in [
        ("kind", serde_json::json!("blog")),
        ("source", serde_json::json!("guessed")),
        ("titel", serde_json::json!("typo")),
        ("id", serde_json::json!("Upper_Case")),
        ("found", serde_json::json!("yes")),
        ("steps", serde_json::json!([{"symbol": "k8s.io/x.F"}])),
    ] {
        let mut bad = article.clone();
        bad[key] = value;
        assert!(!validator.is_valid(&file(bad)), "{key} accepted");
    }
    // A user's own article needs only these (the curation rules are the loader's, --strict).
    let bare = serde_json::json!({
        "id": "mine", "title": "T", "url": "https://e.com/m", "repo": "kubernetes",
        "steps": [{"symbol": "k8s.io/x.F", "note": "n"}],
    });
    assert!(validator.is_valid(&file(bare)));
    assert!(!validator.is_valid(&serde_json::json!({"schema": 2})));
    assert!(!validator.is_valid(&serde_json::json!({"articles": []})));
}

/// The example of docs/mapping.md "Your own article", exactly as written there.
pub fn own_article_example() -> String {
    let doc = include_str!("../docs/mapping.md");
    let after = doc
        .split("<!-- own-article-example")
        .nth(1)
        .expect("docs/mapping.md keeps the own-article example marker");
    let block = after
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a yaml block follows the marker");
    block.to_string()
}

/// A guide writer's file on top of the built-in mapping: it uses our `kubernetes` repo, its
/// article is listed beside ours, and an id of ours defined again is an error naming both
/// files. `--no-builtin` reads it alone; `--strict` applies our curation rules.
#[test]
fn a_writers_own_file_is_read_on_top_of_the_builtin_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("my-post.yaml");
    std::fs::write(&own, own_article_example()).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("k8s-study").unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("K8S_STUDY_CONFIG", dir.path().join("no-config.toml"))
            .env("K8S_STUDY_CACHE", dir.path().join("cache"))
            .current_dir(dir.path())
            .args(args);
        cmd
    };
    run(&["--mapping", "my-post.yaml", "lookup", "my-scheduler-post"])
        .assert()
        .success()
        .stdout(predicates::str::contains("How my post reads the scheduler"))
        .stdout(predicates::str::contains(
            "k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne",
        ));
    let stats = run(&["--mapping", "my-post.yaml", "stats", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stats: serde_json::Value = serde_json::from_slice(&stats).unwrap();
    let builtin = mapping::load_builtin().unwrap().articles.len() as u64;
    assert_eq!(stats["articles"], builtin + 1);
    assert_eq!(stats["by_component"]["own"], 1);
    // The path list in the environment and the config file name the same file.
    run(&["lookup", "my-scheduler-post"])
        .env("K8S_STUDY_MAPPING", &own)
        .assert()
        .success();
    std::fs::write(
        dir.path().join("config.toml"),
        "mappings = [\"my-post.yaml\"]\n",
    )
    .unwrap();
    run(&["lookup", "my-scheduler-post"])
        .env("K8S_STUDY_CONFIG", dir.path().join("config.toml"))
        .assert()
        .success();
    // Alone, it has no repos: `kubernetes` is ours.
    run(&[
        "--no-builtin",
        "--mapping",
        "my-post.yaml",
        "lookup",
        "my-scheduler-post",
    ])
    .assert()
    .code(2)
    .stderr(predicates::str::contains("my-post.yaml:3:"))
    .stderr(predicates::str::contains("unknown repo `kubernetes`"));
    run(&[
        "--strict",
        "--mapping",
        "my-post.yaml",
        "lookup",
        "my-scheduler-post",
    ])
    .assert()
    .code(2)
    .stderr(predicates::str::contains("`found` is missing"));
    // One of our ids again: both places are named.
    std::fs::write(
        dir.path().join("dup.yaml"),
        own_article_example().replace("my-scheduler-post,", "informer-zhonglinzhang,"),
    )
    .unwrap();
    run(&["--mapping", "dup.yaml", "lookup", "informer"])
        .assert()
        .code(2)
        .stderr(predicates::str::is_match(
            r"dup\.yaml:3:\d+: duplicate article id `informer-zhonglinzhang`: first defined at mappings/[a-z-]+\.yaml:\d+:\d+",
        ).unwrap());
    run(&["--no-builtin", "lookup", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--no-builtin and no --mapping"));
}
