//! Bytes → a module zip as the Go-modules source opens one (`ZipModule::from_bytes`), then
//! every folder listed, every file read, and the go.mod parsed into its module graph.
//! A zip is refused with a message or accepted; an accepted zip only ever names paths inside
//! the module, reads never grow past the 500 MiB Go allows, and the graph's folders are
//! clean. Hangs and memory blow-ups are caught by `-timeout` and `-rss_limit_mb`
//! (docs/fuzzing.md).
#![no_main]

use k8s_study::source::gomod::{Child, GoMod, MAX_ZIP_BYTES, Target, ZipModule};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let zip = match ZipModule::from_bytes(data.to_vec().into(), "example.com/m", "v1.0.0") {
        Ok(z) => z,
        Err(why) => {
            assert!(!why.is_empty());
            assert!(!why.chars().any(|c| c.is_control() && c != '\n'), "{why:?}");
            return;
        }
    };
    for (path, _) in zip.files() {
        assert!(!path.is_empty() && !path.starts_with('/'), "{path:?}");
        assert!(!path.contains('\\'), "{path:?}");
        assert!(!path.chars().any(char::is_control), "{path:?}");
        assert!(
            path.split('/').all(|p| !matches!(p, "" | "." | "..")),
            "{path:?}"
        );
    }
    // Walk the folders from the root: every child is a plain name, every folder listed.
    let mut stack = vec![String::new()];
    let mut read_total: u64 = 0;
    while let Some(dir) = stack.pop() {
        let listing = zip.list_dir(&dir).expect("a listed folder exists");
        for (name, child) in listing {
            assert!(!name.is_empty() && !name.contains('/'), "{name:?}");
            let path = if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            };
            match child {
                Child::Dir => stack.push(path),
                Child::File(i) => {
                    assert_eq!(zip.file(&path), Some(*i));
                    if let Ok(bytes) = zip.read(*i) {
                        read_total += bytes.len() as u64;
                    }
                }
                Child::Symlink => assert_eq!(zip.file(&path), None),
            }
        }
    }
    assert!(read_total <= MAX_ZIP_BYTES);
    if let Some(bytes) = zip.file("go.mod").and_then(|i| zip.read(i).ok()) {
        for (path, _, target) in GoMod::parse(&bytes).graph() {
            assert!(!path.is_empty());
            if let Target::Dir(dir) = target {
                assert!(!dir.starts_with("./") && !dir.ends_with('/'), "{dir:?}");
            }
        }
    }
});
