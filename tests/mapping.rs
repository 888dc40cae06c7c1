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
        ("components", serde_json::json!([])),
    ] {
        let mut bad = article.clone();
        bad[key] = value;
        assert!(!validator.is_valid(&file(bad)), "{key} accepted");
    }
    assert!(!validator.is_valid(&serde_json::json!({"schema": 2})));
    assert!(!validator.is_valid(&serde_json::json!({"articles": []})));
}
