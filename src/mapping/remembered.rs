//! The validated mapping remembered beside the declaration index.
//!
//! Parsing the built-in mapping's YAML is most of a warm `check`'s own work (half a megabyte,
//! about 12 ms on two cores). The mapping a run reads is a function of its files and of this
//! build of the tool, so it is stored once, keyed by both, and read back as JSON. The files
//! compiled into the binary are named by the build; the user's files by the SHA-256 of their
//! bytes. Only a mapping that validated is remembered: problems are always found afresh.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::Mapping;
use super::load::Source;
use crate::memo;

/// The files by name, in order.
fn names(sources: &[Source]) -> String {
    let mut names = String::from("mapping 1\n");
    for s in sources {
        let (curated, builtin) = (u8::from(s.curated), u8::from(s.builtin));
        let _ = writeln!(names, "{}\0{curated}{builtin}", s.name);
    }
    names
}

/// Where the mapping of these files is stored: their names alone, so that an edited file or
/// the next build of the tool replaces it instead of adding one more.
fn place(folder: &Path, sources: &[Source]) -> PathBuf {
    memo::path_of(folder, "mapping", names(sources).as_bytes())
}

/// What names this mapping: the files, the build, and the bytes of each file the build does
/// not hold (built-in bytes are part of the build the stamp names).
fn key(sources: &[Source]) -> Vec<u8> {
    let mut key = names(sources);
    let _ = writeln!(key, "{}", memo::build_stamp());
    for s in sources.iter().filter(|s| !s.builtin) {
        for b in Sha256::digest(&s.bytes) {
            let _ = write!(key, "{b:02x}");
        }
        key.push('\n');
    }
    key.into_bytes()
}

/// The mapping remembered in `folder` for exactly these files, if any.
pub fn read(folder: &Path, sources: &[Source]) -> Option<Mapping> {
    let body = memo::read(&place(folder, sources), &key(sources))?;
    postcard::from_bytes(&body).ok()
}

/// Remember `mapping` as what these files give; a failure to write only costs the next run.
pub fn write(folder: &Path, sources: &[Source], mapping: &Mapping) {
    if let Ok(body) = postcard::to_stdvec(mapping) {
        memo::write(&place(folder, sources), &key(sources), &body);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Selection, load, load_remembered};

    const MINE: &str = "schema: 1\nrepos:\n  kubernetes: { url: https://github.com/kubernetes/kubernetes, pin: v1.20.2 }\narticles:\n  - id: mine\n    title: My post\n    url: https://example.com/mine\n    repo: kubernetes\n    steps:\n      - symbol: k8s.io/client-go/tools/cache.NewReflector\n        note: where it starts\n      - symbol: k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne\n        was: k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOneOld\n        note: then this\n";

    fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.join("mapping"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    /// The built-in mapping read back is the mapping parsed, every field, for every
    /// selection a command makes.
    #[test]
    fn the_remembered_builtin_mapping_is_the_parsed_one() {
        let memo = tempfile::tempdir().unwrap();
        for repos_only in [false, true] {
            let selection = Selection {
                builtin: true,
                repos_only,
                ..Selection::default()
            };
            let parsed = format!("{:?}", load(&selection).unwrap());
            let first = load_remembered(&selection, Some(memo.path())).unwrap();
            assert_eq!(format!("{first:?}"), parsed);
            let again = load_remembered(&selection, Some(memo.path())).unwrap();
            assert_eq!(format!("{again:?}"), parsed);
        }
        assert_eq!(entries(memo.path()).len(), 2, "one per selection");
    }

    /// A user's file is named by its bytes: an edit is read at once. A damaged memo is
    /// not read, and a mapping with problems is never remembered.
    #[test]
    fn an_edited_file_or_a_damaged_memo_is_parsed_again() {
        let memo = tempfile::tempdir().unwrap();
        let files = tempfile::tempdir().unwrap();
        let file = files.path().join("mine.yaml");
        let selection = Selection {
            builtin: false,
            paths: vec![file.clone()],
            ..Selection::default()
        };
        let note = |s: &Selection| {
            let m = load_remembered(s, Some(memo.path())).unwrap();
            m.articles[0].steps[1].note.clone()
        };
        std::fs::write(&file, MINE).unwrap();
        assert_eq!(note(&selection), "then this");
        let m = load_remembered(&selection, Some(memo.path())).unwrap();
        assert_eq!(
            m.articles[0].steps[1]
                .was
                .as_ref()
                .unwrap()
                .name()
                .to_string(),
            "Scheduler.scheduleOneOld"
        );
        assert!(m.own_files.contains(&file.display().to_string()));
        std::fs::write(&file, MINE.replace("then this", "and then")).unwrap();
        assert_eq!(note(&selection), "and then");
        assert_eq!(
            entries(memo.path()).len(),
            1,
            "an edit replaces what was stored"
        );
        for path in entries(memo.path()) {
            let mut bytes = std::fs::read(&path).unwrap();
            let last = bytes.len() - 1;
            bytes[last] ^= 0x20;
            std::fs::write(&path, bytes).unwrap();
        }
        assert_eq!(note(&selection), "and then");
        let before = entries(memo.path()).len();
        std::fs::write(&file, MINE.replace("repo: kubernetes", "repo: nowhere")).unwrap();
        assert!(load_remembered(&selection, Some(memo.path())).is_err());
        assert_eq!(entries(memo.path()).len(), before);
    }
}
