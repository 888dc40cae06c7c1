//! Resolutions remembered beside the declaration index (see [`crate::memo`]).
//!
//! A tree is fixed by its key, so the same steps asked of the same tree, by the same build of
//! the tool, resolve the same: a warm `check` reads its answers back instead of decoding
//! every package again. The key is the repo (name and URL), the tree, the language and root
//! module, and the queries (items and file hints, in order). The parts of the tree that could
//! not be read then (a module the proxy refused) are kept with the answers, which are
//! computed again once one of them can be read.

use serde::{Deserialize, Serialize};

use crate::golang::index::codec::Writer;
use crate::item::{Language, Query, Resolution};
use crate::source::Snapshot;

pub struct Memo {
    path: std::path::PathBuf,
    key: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    unread: Vec<String>,
    resolved: Vec<Resolution>,
}

impl Memo {
    /// `None` when the snapshot has no index root (the index is off).
    pub fn new(
        lang: Language,
        url: &str,
        snapshot: &Snapshot,
        root_module: Option<&str>,
        queries: &[Query<'_>],
    ) -> Option<Self> {
        let folder = crate::golang::index::folder(snapshot)?;
        let mut w = Writer::default();
        w.str(lang.name());
        w.str(&snapshot.repo_name);
        w.str(url);
        w.str(&snapshot.version);
        w.str(&snapshot.commit);
        w.str(root_module.unwrap_or(""));
        w.len(queries.len());
        for q in queries {
            w.str(q.item.as_str());
            w.str(q.file_hint.unwrap_or(""));
        }
        // Stored by what is asked where, so that a rebuilt tool replaces the answers of the
        // one before; the key also names this build.
        let path = crate::memo::path_of(&folder, "resolved", &w.buf);
        w.str(crate::memo::build_stamp());
        Some(Self { path, key: w.buf })
    }

    /// The remembered answers, one per query, unless a part that could not be read then can
    /// be now.
    pub fn read(&self, snapshot: &Snapshot, queries: usize) -> Option<Vec<Resolution>> {
        let body = crate::memo::read(&self.path, &self.key)?;
        let stored: Stored = serde_json::from_slice(&body).ok()?;
        let still = stored.unread.iter().all(|p| snapshot.still_unread(p));
        (still && stored.resolved.len() == queries).then_some(stored.resolved)
    }

    pub fn write(&self, snapshot: &Snapshot, resolved: &[Resolution]) {
        let stored = Stored {
            unread: snapshot.unread_parts(),
            resolved: resolved.to_vec(),
        };
        if let Ok(body) = serde_json::to_vec(&stored) {
            crate::memo::write(&self.path, &self.key, &body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemRef;

    fn ask<'a>(items: &[&'a ItemRef]) -> Vec<Query<'a>> {
        items
            .iter()
            .map(|i| Query {
                item: i,
                file_hint: Some("pkg/a.go"),
            })
            .collect()
    }

    fn item(text: &str) -> ItemRef {
        crate::languages::engine(Language::Go).parse(text).unwrap()
    }

    /// Answers come back whole for the same questions at the same tree; other questions, a
    /// moved tag (another commit) or a damaged file are computed again.
    #[test]
    fn answers_come_back_only_for_the_same_questions_at_the_same_tree() {
        let index = tempfile::tempdir().unwrap();
        let (_dir, snapshot) =
            crate::source::test_snapshot(&[("go.mod", "module example.com/k\n")]);
        let snapshot = snapshot.with_index(Some(index.path().to_path_buf()));
        let (a, b) = (item("example.com/k/pkg.A"), item("example.com/k/pkg.B"));
        let mut found = Resolution::empty(&snapshot, "example.com/k/pkg.A");
        found.reason = Some("a reason".into());
        found.permalink = Some("https://github.com/acme/k/blob/v1/pkg/a.go#L1-L2".into());
        let missing = Resolution::empty(&snapshot, "example.com/k/pkg.B");
        let url = "https://github.com/acme/k";
        let memo =
            |s: &Snapshot, q: &[Query<'_>]| Memo::new(Language::Go, url, s, None, q).unwrap();
        let questions = ask(&[&a, &b]);
        memo(&snapshot, &questions).write(&snapshot, &[found.clone(), missing.clone()]);
        let back = memo(&snapshot, &questions).read(&snapshot, 2).unwrap();
        assert_eq!(format!("{back:?}"), format!("{:?}", [found, missing]));
        assert!(
            memo(&snapshot, &ask(&[&b, &a]))
                .read(&snapshot, 2)
                .is_none()
        );
        let hint = [
            Query {
                item: &a,
                file_hint: None,
            },
            Query {
                item: &b,
                file_hint: Some("pkg/a.go"),
            },
        ];
        assert!(memo(&snapshot, &hint).read(&snapshot, 2).is_none());
        let (_moved_dir, moved) =
            crate::source::test_snapshot(&[("go.mod", "module example.com/k\n")]);
        let mut moved = moved.with_index(Some(index.path().to_path_buf()));
        assert!(
            memo(&moved, &questions).read(&moved, 2).is_some(),
            "the same tree"
        );
        moved.commit = "another".into();
        assert!(memo(&moved, &questions).read(&moved, 2).is_none());
        let other_url = Memo::new(
            Language::Go,
            "https://example.com/k",
            &snapshot,
            None,
            &questions,
        );
        assert!(other_url.unwrap().read(&snapshot, 2).is_none());
        let m = memo(&snapshot, &questions);
        let mut bytes = std::fs::read(&m.path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&m.path, bytes).unwrap();
        assert!(m.read(&snapshot, 2).is_none());
    }
}
