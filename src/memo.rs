//! Results remembered by content, beside the declaration index (and cleaned with it).
//!
//! What a command computes from trees that are fixed by their keys (repo, version, commit or
//! module hash) is the same at the next run, when this build of the tool computes it from
//! the same inputs: call edges ([`crate::golang`]'s calls) and drift comparisons
//! ([`crate::drift`]). Each result is a file named by a hash of its whole key, holding the key
//! itself and a checksum of key and result: a hash collision, a damaged file or one written
//! by another key is a miss, never an answer. Files are written atomically; a failure to
//! write only means computing again.

use std::path::{Path, PathBuf};

use crate::golang::index::codec::{Reader, Writer, checksum};

const MAGIC: &[u8; 8] = b"k8smemo\n";

/// This very build of the tool: its executable's path, size and time. The index folder is
/// per release of the tool; a remembered result also depends on code that changes between
/// builds of one release, so its key starts with this.
pub fn build_stamp() -> &'static str {
    static STAMP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    STAMP.get_or_init(|| {
        let exe = std::env::current_exe().ok();
        let meta = exe.as_ref().and_then(|e| std::fs::metadata(e).ok());
        let modified = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        format!(
            "{} {} {modified}",
            exe.map(|e| e.display().to_string()).unwrap_or_default(),
            meta.map_or(0, |m| m.len())
        )
    })
}

/// A file name for `key`: two checksums, 64 bits.
pub fn digest(key: &[u8]) -> String {
    format!(
        "{:08x}{:08x}",
        checksum(&[key]),
        checksum(&[b"k8s-study memo", key])
    )
}

/// The result stored at `path` for exactly `key`.
pub fn read(path: &Path, key: &[u8]) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    let mut r = Reader::new(&bytes);
    (r.take(8)? == MAGIC).then_some(())?;
    let sum = r.u32()?;
    let stored = r.bytes()?;
    let body = r.bytes()?;
    (r.done() && stored == key && checksum(&[stored, body]) == sum).then(|| body.to_vec())
}

/// Store `body` for `key` at `path`.
pub fn write(path: &Path, key: &[u8], body: &[u8]) {
    let mut w = Writer::default();
    w.buf.extend_from_slice(MAGIC);
    w.u32(checksum(&[key, body]));
    w.bytes(key);
    w.bytes(body);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::output::write_file_atomic(path, &w.buf);
}

/// Where the result of `key` goes in `kind`'s folder of the memo.
pub fn path_of(folder: &Path, kind: &str, key: &[u8]) -> PathBuf {
    folder.join(kind).join(digest(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_read_back_only_for_its_key_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_of(dir.path(), "drift", b"key");
        assert!(read(&path, b"key").is_none());
        write(&path, b"key", b"result");
        assert_eq!(read(&path, b"key").unwrap(), b"result");
        assert!(read(&path, b"other key").is_none());
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(read(&path, b"key").is_none(), "a flipped byte is a miss");
        std::fs::write(&path, &bytes[..10]).unwrap();
        assert!(read(&path, b"key").is_none(), "a cut file is a miss");
    }
}
