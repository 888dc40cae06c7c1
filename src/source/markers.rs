//! Trusted-version markers: one file per version a cached repository holds, named after
//! the version, holding the commit that was verified. A marker with a word after the commit
//! (`damaged`, `repaired`, `moved-to`) keeps the commit on record without trusting it.

use std::fs;
use std::path::{Path, PathBuf};

use git2::Oid;

use super::error::{SourceError, io_err};

/// Folder of a cached repository that holds one marker per trusted version.
pub(super) const MARKERS: &str = "k8s-study-verified";

pub(super) fn marker_path(dir: &Path, tag: &str) -> PathBuf {
    let name: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32)
            }
        })
        .collect();
    dir.join(MARKERS).join(name)
}

/// The tag a marker file name stands for (see `marker_path`).
pub(super) fn unmarker(name: &str) -> String {
    let mut out = Vec::new();
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = name
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A marker is trusted when it holds a commit id and nothing else; `COMMIT WORD` (damaged,
/// repaired, moved-to) keeps the commit on record without trusting it.
pub(super) fn read_marker(path: &Path) -> Option<Oid> {
    Oid::from_str(fs::read_to_string(path).ok()?.trim()).ok()
}

/// The commit a trusted marker holds, as lowercase hex, read without libgit2: its start-up
/// (OpenSSL's with it) is most of a warm run that the declaration index answers.
pub(super) fn trusted_commit(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let hex = text.trim();
    (matches!(hex.len(), 40 | 64) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_ascii_lowercase())
}

/// The word after the commit of an untrusted marker.
pub(super) fn marker_note(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    text.split_whitespace().nth(1).map(str::to_string)
}

/// The note of a version whose objects could not be read.
pub(super) const DAMAGED: &str = "damaged";

/// The commit a marker records, trusted or not.
pub(super) fn recorded_commit(path: &Path) -> Option<Oid> {
    let text = fs::read_to_string(path).ok()?;
    Oid::from_str(text.split_whitespace().next()?).ok()
}

/// Stop trusting `version` of the repository at `dir` (an object of it could not be read):
/// the next run verifies and fetches it again instead of failing the same way.
pub(super) fn distrust(dir: &Path, version: &str) {
    let marker = marker_path(dir, version);
    if let Some(commit) = read_marker(&marker) {
        // Best effort: the error that led here is what the user needs to see.
        let _ = write_atomic(&marker, format!("{commit} {DAMAGED}\n").as_bytes());
    }
}

pub(super) fn write_marker(path: &Path, commit: Oid) -> Result<(), SourceError> {
    write_atomic(path, format!("{commit}\n").as_bytes())
}

/// Write `bytes` to `path` whole or not at all (`output::write_file_atomic`), creating its
/// folder first.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SourceError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err("cannot create", parent))?;
    crate::output::write_file_atomic(path, bytes).map_err(io_err("cannot write", path))
}
