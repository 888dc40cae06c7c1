//! Bytes → the mapping loader and its validation. Never panics; every problem is a diagnostic
//! at a real position, with no control characters that could drive a terminal.
//!
//! A line `#%file` splits the input into several mapping files (it is a YAML comment, so a
//! seed without it is one file): cross-file checks (duplicate ids, unknown repos declared in
//! another file) are reached too.
#![no_main]

use k8s_study::mapping::{MappingError, Source, load_sources};
use libfuzzer_sys::fuzz_target;

const SPLIT: &[u8] = b"\n#%file\n";

fuzz_target!(|data: &[u8]| {
    let mut sources = Vec::new();
    let mut rest = data;
    loop {
        let (part, next) = match find(rest, SPLIT) {
            Some(i) => (&rest[..i], Some(&rest[i + SPLIT.len()..])),
            None => (rest, None),
        };
        sources.push(Source {
            name: format!("fuzz/{}.yaml", sources.len()),
            bytes: part.to_vec(),
            // Both rule sets: curated (the built-in list, --strict) and a user's own file.
            curated: sources.len() % 2 == 0,
        });
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    match load_sources(&sources) {
        Ok(mapping) => {
            for article in &mapping.articles {
                assert!(mapping.repo(&article.repo).is_some(), "{}", article.repo);
                for step in &article.steps {
                    // A file hint never leaves the repository (it becomes a path in output).
                    if let Some(file) = &step.file {
                        assert!(!file.starts_with('/'), "{file}");
                        assert!(!file.split('/').any(|c| c == ".."), "{file}");
                    }
                }
            }
        }
        Err(MappingError::Invalid(diags)) => {
            assert!(!diags.is_empty(), "Invalid without a diagnostic");
            for d in &diags {
                assert!(d.origin.line >= 1 && d.origin.column >= 1, "{d:?}");
                assert!(
                    d.origin.file.starts_with("fuzz/"),
                    "diagnostic names a file that was not given: {d:?}"
                );
                assert!(
                    !d.message.chars().any(char::is_control),
                    "control character in a diagnostic: {:?}",
                    d.message
                );
                let _ = d.to_string();
            }
        }
        Err(e) => panic!("only Invalid can come from in-memory sources: {e}"),
    }
});

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
