//! Call edges remembered per tree, beside the declaration index.
//!
//! Resolving a step's calls by type reads and parses every package its body reaches: most of
//! a `guide`'s time. A tree is fixed by its key (repo, version, commit or module hash), so the
//! edges of one caller, with the same dispatch candidates, at the same tree, by the same build
//! of the tool, and with the same parts of the tree unreadable, are the same: they are
//! written once and read back after.
//!
//! One folder per tree and candidate list (its full key stored in it and compared), one file
//! per caller (its full key stored in it and compared): a hash collision or a damaged file is
//! a miss, never an answer. What could not be read when the edges were computed (a module the
//! proxy refused) is kept with them: once one of those parts can be read, they are computed
//! again.

use std::path::PathBuf;

use crate::golang::index::codec::{Reader, Writer};
use crate::item::{CallEdge, Caller, EdgeKind, Gate, ItemRef};
use crate::memo::{digest, read as read_file, write as write_file};
use crate::source::Snapshot;

const KEY_FILE: &str = "key";

/// The remembered edges of one tree and candidate list.
pub struct Memo {
    folder: PathBuf,
    key: Vec<u8>,
}

impl Memo {
    /// `None` when the snapshot has no index root (the index is off).
    pub fn new(
        snapshot: &Snapshot,
        root_module: Option<&str>,
        candidates: &[ItemRef],
    ) -> Option<Self> {
        let index = crate::golang::index::folder(snapshot)?;
        let mut w = Writer::default();
        w.str(crate::memo::build_stamp());
        w.str(&crate::golang::index::tree_key(snapshot, root_module));
        w.len(candidates.len());
        for c in candidates {
            w.str(c.as_str());
        }
        Some(Self {
            folder: crate::memo::path_of(&index, "calls", &w.buf),
            key: w.buf,
        })
    }

    fn caller_key(caller: &Caller<'_>) -> Vec<u8> {
        let mut w = Writer::default();
        w.str(caller.item.as_str());
        w.str(caller.file);
        w.len(caller.start_line);
        w.buf
    }

    /// Whether this folder is of this very tree and candidate list.
    fn ours(&self) -> bool {
        read_file(&self.folder.join(KEY_FILE), &self.key).is_some()
    }

    /// The remembered edges of each caller (`None` where there are none, or where a part of
    /// the tree that could not be read then, as `still_unread` says, can be now).
    pub fn read(
        &self,
        still_unread: &dyn Fn(&str) -> bool,
        callers: &[Caller<'_>],
        candidates: &[ItemRef],
    ) -> Vec<Option<Vec<CallEdge>>> {
        if !self.ours() {
            return vec![None; callers.len()];
        }
        callers
            .iter()
            .map(|c| {
                let key = Self::caller_key(c);
                let body = read_file(&self.folder.join(digest(&key)), &key)?;
                let mut r = Reader::new(&body);
                for _ in 0..r.usize()? {
                    still_unread(r.str()?).then_some(())?;
                }
                decode(r.rest(), candidates)
            })
            .collect()
    }

    /// Remember each caller's edges (atomically; a failure to write only means computing
    /// them again).
    pub fn write(
        &self,
        unread: &[String],
        callers: &[Caller<'_>],
        edges: &[Vec<CallEdge>],
        candidates: &[ItemRef],
    ) {
        if !self.ours() {
            write_file(&self.folder.join(KEY_FILE), &self.key, b"");
        }
        for (c, e) in callers.iter().zip(edges) {
            let Some(body) = encode(e, candidates) else {
                continue;
            };
            let key = Self::caller_key(c);
            let mut w = Writer::default();
            w.len(unread.len());
            for u in unread {
                w.str(u);
            }
            w.buf.extend_from_slice(&body);
            write_file(&self.folder.join(digest(&key)), &key, &w.buf);
        }
    }
}

fn kind_code(kind: EdgeKind) -> u8 {
    match kind {
        EdgeKind::Direct => 0,
        EdgeKind::Interface => 1,
        EdgeKind::Promoted => 2,
        EdgeKind::Runs => 3,
    }
}

fn kind_of(code: u8) -> Option<EdgeKind> {
    Some(match code {
        0 => EdgeKind::Direct,
        1 => EdgeKind::Interface,
        2 => EdgeKind::Promoted,
        3 => EdgeKind::Runs,
        _ => return None,
    })
}

/// One caller's edges; a dispatch target is its place among `candidates`.
fn encode(edges: &[CallEdge], candidates: &[ItemRef]) -> Option<Vec<u8>> {
    let mut w = Writer::default();
    w.len(edges.len());
    {
        for e in edges {
            w.str(&e.target);
            w.u8(kind_code(e.kind));
            w.len(e.dispatch.len());
            for d in &e.dispatch {
                w.len(candidates.iter().position(|c| c == d)?);
            }
            match &e.gate {
                None => w.u8(0),
                Some(g) => {
                    w.u8(if g.on { 1 } else { 2 });
                    w.str(&g.name);
                }
            }
        }
    }
    Some(w.buf)
}

fn decode(body: &[u8], candidates: &[ItemRef]) -> Option<Vec<CallEdge>> {
    let mut r = Reader::new(body);
    let m = r.usize()?;
    let mut of_caller = Vec::with_capacity(m.min(1 << 16));
    {
        for _ in 0..m {
            let target = r.str()?.to_string();
            let kind = kind_of(r.u8()?)?;
            let d = r.usize()?;
            let mut dispatch = Vec::with_capacity(d.min(1 << 16));
            for _ in 0..d {
                dispatch.push(candidates.get(r.usize()?)?.clone());
            }
            let gate = match r.u8()? {
                0 => None,
                on @ (1 | 2) => Some(Gate {
                    name: r.str()?.to_string(),
                    on: on == 1,
                }),
                _ => return None,
            };
            of_caller.push(CallEdge {
                target,
                kind,
                dispatch,
                gate,
            });
        }
    }
    r.done().then_some(of_caller)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::Engine as _;

    #[test]
    fn edges_round_trip_and_a_damaged_or_foreign_file_is_a_miss() {
        let item = |s: &str| crate::golang::Go.parse(s).unwrap();
        let candidates = vec![item("k8s.io/a.T.Run"), item("k8s.io/b.U.Run")];
        let edges = vec![
            CallEdge {
                target: "k8s.io/a.I.Run".into(),
                kind: EdgeKind::Interface,
                dispatch: vec![candidates[1].clone()],
                gate: Some(Gate {
                    name: "InOrderInformers".into(),
                    on: false,
                }),
            },
            CallEdge {
                target: "k8s.io/a.helper".into(),
                kind: EdgeKind::Runs,
                dispatch: Vec::new(),
                gate: None,
            },
        ];
        let body = encode(&edges, &candidates).unwrap();
        assert_eq!(decode(&body, &candidates).unwrap(), edges);
        assert!(decode(&body[..body.len() - 1], &candidates).is_none());
        // A dispatch target that is not a candidate cannot be written.
        assert!(encode(&edges, &candidates[..1]).is_none());

        let dir = tempfile::tempdir().unwrap();
        let memo = Memo {
            folder: dir.path().join("calls/x"),
            key: b"tree".to_vec(),
        };
        let (a, b) = (item("k8s.io/a.T.Run"), item("k8s.io/a.helper"));
        let callers = [
            Caller {
                item: &a,
                file: "a/t.go",
                start_line: 10,
            },
            Caller {
                item: &b,
                file: "a/h.go",
                start_line: 3,
            },
        ];
        let all = [edges.clone(), Vec::new()];
        let none = |_: &str| false;
        assert_eq!(memo.read(&none, &callers, &candidates), [None, None]);
        memo.write(&[], &callers, &all, &candidates);
        assert_eq!(
            memo.read(&none, &callers, &candidates),
            [Some(edges.clone()), Some(Vec::new())]
        );
        // Computed while a module could not be read: an answer while it still cannot be, not
        // once it can.
        let unread = ["staging/src/k8s.io/sample-controller".to_string()];
        memo.write(&unread, &callers, &all, &candidates);
        let still = |p: &str| p == "staging/src/k8s.io/sample-controller";
        assert_eq!(
            memo.read(&still, &callers, &candidates),
            [Some(edges.clone()), Some(Vec::new())]
        );
        assert_eq!(memo.read(&none, &callers, &candidates), [None, None]);
        memo.write(&[], &callers, &all, &candidates);
        // Another tree or candidate list in the same folder (a collision) is a miss.
        let other = Memo {
            folder: memo.folder.clone(),
            key: b"another tree".to_vec(),
        };
        assert_eq!(other.read(&none, &callers, &candidates), [None, None]);
        // A flipped byte is a miss.
        let key = Memo::caller_key(&callers[0]);
        let path = memo.folder.join(digest(&key));
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 2;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            memo.read(&none, &callers, &candidates),
            [None, Some(Vec::new())]
        );
    }
}
