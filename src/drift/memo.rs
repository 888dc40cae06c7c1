//! Drift comparisons remembered beside the declaration index (see [`crate::memo`]).
//!
//! Comparing a batch of steps between two releases resolves them at both, and looks for the
//! missing ones across the new tree: the time of a `bump`, and of every era in `check` and
//! `guide`. Both trees are fixed by their keys, so the same batch between the same trees, by
//! the same build of the tool, compares the same. The key is the batch (items and file
//! hints, in order) and both trees; the parts of either tree that could not be read then are
//! kept with the result, which is computed again once one of them can be.

use serde::{Deserialize, Serialize};

use super::Compared;
use crate::golang::index::codec::Writer;
use crate::item::{Language, Query};
use crate::source::Snapshot;

pub struct Memo {
    path: std::path::PathBuf,
    key: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    unread_old: Vec<String>,
    unread_new: Vec<String>,
    compared: Vec<Compared>,
    /// The texts [`Compared`] does not serialize for its readers.
    texts: Vec<(Option<String>, Option<String>)>,
}

fn tree(w: &mut Writer, s: &Snapshot) {
    w.str(&s.repo_name);
    w.str(&s.version);
    w.str(&s.commit);
}

impl Memo {
    /// `None` when the snapshots have no index root (the index is off).
    pub fn new(
        lang: Language,
        old: &Snapshot,
        new: &Snapshot,
        root_module: Option<&str>,
        queries: &[Query<'_>],
    ) -> Option<Self> {
        let folder = crate::golang::index::folder(old)?;
        let mut w = Writer::default();
        w.str(crate::memo::build_stamp());
        w.str(lang.name());
        tree(&mut w, old);
        tree(&mut w, new);
        w.str(root_module.unwrap_or(""));
        w.len(queries.len());
        for q in queries {
            w.str(q.item.as_str());
            w.str(q.file_hint.unwrap_or(""));
        }
        Some(Self {
            path: crate::memo::path_of(&folder, "drift", &w.buf),
            key: w.buf,
        })
    }

    /// The remembered comparison, unless a part that could not be read then can be now.
    pub fn read(&self, old: &Snapshot, new: &Snapshot) -> Option<Vec<Compared>> {
        let body = crate::memo::read(&self.path, &self.key)?;
        let stored: Stored = serde_json::from_slice(&body).ok()?;
        let still = stored.unread_old.iter().all(|p| old.still_unread(p))
            && stored.unread_new.iter().all(|p| new.still_unread(p));
        (still && stored.texts.len() == stored.compared.len()).then_some(())?;
        Some(
            stored
                .compared
                .into_iter()
                .zip(stored.texts)
                .map(|(mut c, (old_text, new_text))| {
                    c.old_text = old_text;
                    c.new_text = new_text;
                    c
                })
                .collect(),
        )
    }

    pub fn write(&self, old: &Snapshot, new: &Snapshot, compared: &[Compared]) {
        let stored = Stored {
            unread_old: old.unread_parts(),
            unread_new: new.unread_parts(),
            compared: compared.to_vec(),
            texts: compared
                .iter()
                .map(|c| (c.old_text.clone(), c.new_text.clone()))
                .collect(),
        };
        if let Ok(body) = serde_json::to_vec(&stored) {
            crate::memo::write(&self.path, &self.key, &body);
        }
    }
}
