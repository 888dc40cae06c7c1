//! Records of files parsed outside any tree's listing: the packages of a module the tree
//! requires (cobra, klog, uuid), read on demand. Each is remembered in the index folder by the
//! SHA-256 of its bytes, so the next run decodes it instead of parsing it again.
//!
//! The folder is per index format, tool version and grammar, as the pack's records are; a
//! remembered record holds its whole key and a checksum ([`crate::memo`]), so a damaged or
//! foreign file is a miss, never an answer.

use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use super::records::{FileRecord, decode, encode};
use crate::golang::{BIG_FILE_BYTES, FileProblem, Located, file_name_constrained};

/// The declarations of `files` (path, bytes) in their order, and the files whose
/// declarations may be incomplete: remembered records where there are, parses (remembered
/// for the next run) where not. Without a folder, everything is parsed.
pub fn index_files(
    folder: Option<&Path>,
    files: &[(&str, &[u8])],
) -> (Vec<Located>, Vec<(String, FileProblem)>) {
    let Some(folder) = folder else {
        return crate::golang::index_files(files);
    };
    let record_of = |bytes: &[u8]| {
        let key = Sha256::digest(bytes);
        let path = crate::memo::path_of(folder, "loose", &key);
        crate::memo::read(&path, &key)
            .and_then(|stored| decode(&stored))
            .unwrap_or_else(|| {
                let record = FileRecord::parse(bytes);
                crate::memo::write(&path, &key, &encode(&record));
                record
            })
    };
    // Big files one after another, as the index's build does: their trees are large.
    let (big, small): (Vec<_>, Vec<_>) = files
        .iter()
        .enumerate()
        .partition(|(_, (_, bytes))| bytes.len() >= BIG_FILE_BYTES);
    let mut records: Vec<(usize, FileRecord)> = small
        .par_iter()
        .map(|(i, (_, bytes))| (*i, record_of(bytes)))
        .collect();
    records.extend(big.iter().map(|(i, (_, bytes))| (*i, record_of(bytes))));
    records.sort_by_key(|(i, _)| *i);
    let mut decls = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in records {
        let path = files[i].0;
        if let Some(why) = record.unparsed {
            problems.push((path.to_string(), FileProblem::Unparsed(why)));
        } else if record.syntax_errors > 0 {
            problems.push((
                path.to_string(),
                FileProblem::SyntaxErrors(record.syntax_errors),
            ));
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let constrained = record.build_constrained || file_name_constrained(name);
        decls.extend(record.decls.into_iter().map(|decl| Located {
            file: path.to_string(),
            decl,
            constrained,
        }));
    }
    (decls, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO: &str = "package p\n\n// New makes one.\nfunc New() *T { return nil }\n\ntype T struct{ a int }\n\nfunc (t *T) Run() {\n\tt.a++\n}\n";
    const BROKEN: &str = "package p\n\nfunc Broken( {\n";

    fn shown(found: &(Vec<Located>, Vec<(String, FileProblem)>)) -> String {
        format!("{found:?}")
    }

    #[test]
    fn remembered_records_answer_as_a_parse_does() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<(&str, &[u8])> = vec![
            ("p/a.go", GO.as_bytes()),
            ("p/b_linux.go", BROKEN.as_bytes()),
        ];
        let parsed = crate::golang::index_files(&files);
        let first = index_files(Some(dir.path()), &files);
        assert_eq!(shown(&first), shown(&parsed));
        let remembered = std::fs::read_dir(dir.path().join("loose")).unwrap().count();
        assert_eq!(remembered, 2, "one record per content");
        let second = index_files(Some(dir.path()), &files);
        assert_eq!(shown(&second), shown(&parsed));
        // A damaged record is a miss: parsed again, and the answer is the same.
        for entry in std::fs::read_dir(dir.path().join("loose")).unwrap() {
            let path = entry.unwrap().path();
            let mut bytes = std::fs::read(&path).unwrap();
            let last = bytes.len() - 1;
            bytes[last] ^= 0x20;
            std::fs::write(&path, bytes).unwrap();
        }
        assert_eq!(
            shown(&index_files(Some(dir.path()), &files)),
            shown(&parsed)
        );
        assert_eq!(shown(&index_files(None, &files)), shown(&parsed));
    }
}
