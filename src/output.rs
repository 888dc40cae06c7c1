//! Writing a generated folder (or one file) atomically: everything goes to a temp folder beside the
//! target, which then replaces the target by rename. A failure leaves the old folder intact.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Replace `dir` with a folder holding exactly `files` (relative path, bytes).
pub fn write_dir_atomic(dir: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = dir
        .file_name()
        .ok_or_else(|| invalid(format!("{} is not a folder name", dir.display())))?
        .to_string_lossy()
        .into_owned();
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    let result = (|| {
        fs::create_dir(&tmp)?;
        for (rel, bytes) in files {
            let rel_path = Path::new(rel);
            // Renderer paths are ours, but a path that could leave the folder is refused anyway.
            if rel_path.is_absolute()
                || rel_path
                    .components()
                    .any(|c| !matches!(c, Component::Normal(_)))
            {
                return Err(invalid(format!(
                    "refusing to write outside the output folder: {rel}"
                )));
            }
            let path = tmp.join(rel_path);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p)?;
            }
            fs::write(path, bytes)?;
        }
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = dir.exists();
        if had_old {
            fs::rename(dir, &old)?;
        }
        fs::rename(&tmp, dir)?;
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Numbers temp files, so two threads writing one file do not share a temp file.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// Replace the file at `path` with `bytes`: written beside it, synced, then renamed over it,
/// so a crash leaves either the old file or the new one, never half of each. A replaced file
/// keeps its permissions; a new one gets the usual ones (umask). The one file writer of the
/// crate: generated files, mapping edits and the source cache's markers all go through it.
///
/// Not `tempfile::NamedTempFile::persist`: its files are created owner-only (0600), so a new
/// guide page or mapping file would come out unreadable to others unless the mode were set by
/// hand, and tempfile would become a runtime dependency for the ten lines below.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| invalid(format!("{} is not a file name", path.display())))?
        .to_string_lossy()
        .into_owned();
    let n = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    let tmp = parent.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&tmp, meta.permissions())?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_folder_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("guide");
        write_dir_atomic(
            &out,
            &[
                ("a.md".into(), b"1".to_vec()),
                ("sub/b.md".into(), b"2".to_vec()),
            ],
        )
        .unwrap();
        write_dir_atomic(&out, &[("c.md".into(), b"3".to_vec())]).unwrap();
        assert!(!out.join("a.md").exists(), "stale files do not survive");
        assert_eq!(fs::read(out.join("c.md")).unwrap(), b"3");
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "no temp folder left behind"
        );
    }

    #[test]
    fn a_file_is_replaced_whole_and_no_temp_is_left() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("m.yaml");
        fs::write(&path, "old").unwrap();
        write_file_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
        let missing_dir = root.path().join("nope/m.yaml");
        assert!(write_file_atomic(&missing_dir, b"x").is_err());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn threads_writing_one_file_do_not_share_a_temp_file() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("marker");
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let path = &path;
                s.spawn(move || write_file_atomic(path, &[i; 4096]).unwrap());
            }
        });
        let bytes = fs::read(&path).unwrap();
        assert!(bytes.len() == 4096 && bytes.iter().all(|b| *b == bytes[0]));
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_empty_site_is_an_empty_folder() {
        let root = tempfile::tempdir().unwrap();
        write_dir_atomic(&root.path().join("empty"), &[]).unwrap();
        assert_eq!(fs::read_dir(root.path().join("empty")).unwrap().count(), 0);
    }

    #[test]
    fn a_path_escaping_the_folder_changes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("guide");
        write_dir_atomic(&out, &[("keep.md".into(), b"k".to_vec())]).unwrap();
        let err = write_dir_atomic(
            &out,
            &[("ok.md".into(), vec![]), ("../evil.md".into(), vec![])],
        )
        .unwrap_err();
        assert!(err.to_string().contains("outside the output folder"));
        assert!(out.join("keep.md").exists() && !root.path().join("evil.md").exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
