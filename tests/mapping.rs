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
