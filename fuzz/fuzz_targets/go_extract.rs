//! Bytes → the Go extractor (declarations, calls, the debug syntax tree). Never panics, and
//! what it returns points inside the input. Hangs and memory blow-ups are caught by
//! libFuzzer's `-timeout` and `-rss_limit_mb` (docs/fuzzing.md).
#![no_main]

use k8s_study::golang::{calls, extract, syntax_tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = extract(data);
    for d in &file.decls {
        assert!(d.start_byte <= d.end_byte && d.end_byte <= data.len(), "{d:?}");
        assert!(d.start_line >= 1 && d.start_line <= d.end_line, "{d:?}");
        assert!(!d.name.name.is_empty(), "{d:?}");
        assert_ne!(d.name.receiver.as_deref(), Some(""), "{d:?}");
        // 400 bytes plus the ellipsis.
        assert!(d.signature.len() <= 403, "{}", d.signature.len());
    }
    for c in calls(data) {
        assert!(!c.name.is_empty());
    }
    let _ = syntax_tree(data);
});
