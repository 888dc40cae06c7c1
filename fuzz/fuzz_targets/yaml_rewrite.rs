//! Bytes → a mapping file → the textual edits `bump --write` makes (drift::rewrite::apply).
//! Never panics. When the file loads, rewriting each step's `symbol` (and adding a `review:`
//! beside the first) either refuses with a positioned error or gives a file that loads again
//! with exactly those values changed and every other step as it was. Arbitrary positions
//! taken from the input's last bytes must be refused or applied, never panic.
#![no_main]

use k8s_study::drift::rewrite::{Edit, apply};
use k8s_study::mapping::{Source, load_sources};
use libfuzzer_sys::fuzz_target;

fn load(text: &[u8]) -> Option<k8s_study::mapping::Mapping> {
    load_sources(&[Source {
        name: "fuzz/m.yaml".into(),
        bytes: text.to_vec(),
        curated: true,
    }])
    .ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Any position, any edit: refused or applied, never a panic.
    if data.len() >= 4 {
        let line = u64::from(data[data.len() - 1] % 64);
        let column = u64::from(data[data.len() - 2] % 64);
        let _ = apply(
            "fuzz/m.yaml",
            text,
            &[Edit::Replace {
                line,
                column,
                old: String::new(),
                new: "x".into(),
            }],
        );
        let _ = apply(
            "fuzz/m.yaml",
            text,
            &[Edit::AddSibling {
                line,
                column,
                key: "review".into(),
                value: "y\n\"z".into(),
            }],
        );
    }
    let Some(mapping) = load(data) else {
        return;
    };
    let mut edits = Vec::new();
    let mut expected = Vec::new();
    for (ai, a) in mapping.articles.iter().enumerate() {
        for (si, s) in a.steps.iter().enumerate() {
            let new = format!("{}X{ai}x{si}", s.symbol.as_str());
            edits.push(Edit::Replace {
                line: s.origin.line,
                column: s.origin.column,
                old: s.symbol.as_str().to_string(),
                new: new.clone(),
            });
            expected.push((ai, si, new));
        }
    }
    let review = mapping
        .articles
        .iter()
        .flat_map(|a| a.steps.first())
        .next()
        .filter(|s| s.review.is_none())
        .map(|s| Edit::AddSibling {
            line: s.origin.line,
            column: s.origin.column,
            key: "review".into(),
            value: "bump v1 → v2: \"why\"\\ #not a comment".into(),
        });
    edits.extend(review.clone());
    let Ok(out) = apply("fuzz/m.yaml", text, &edits) else {
        return;
    };
    let again = load(out.as_bytes()).unwrap_or_else(|| {
        panic!("a rewrite of a valid mapping no longer loads:\n--- before\n{text}\n--- after\n{out}")
    });
    assert_eq!(again.articles.len(), mapping.articles.len());
    for (ai, si, new) in expected {
        let step = &again.articles[ai].steps[si];
        assert_eq!(step.symbol.as_str(), new, "\n{out}");
        let old = &mapping.articles[ai].steps[si];
        assert_eq!(step.note, old.note);
        assert_eq!(step.file, old.file);
    }
    if review.is_some() {
        let first = again.articles.iter().flat_map(|a| a.steps.first()).next().unwrap();
        assert_eq!(
            first.review.as_deref(),
            Some("bump v1 → v2: \"why\"\\ #not a comment"),
            "\n{out}"
        );
    }
});
