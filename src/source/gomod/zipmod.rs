//! One module zip from the Go module cache, read in place (never extracted).
//!
//! A zip is checked as the go command checks one before it extracts it
//! (golang.org/x/mod/zip): every name lies under `MODULE@VERSION/`, no name is absolute or
//! climbs with `..`, no two names are equal or differ only in case, and neither the zip nor
//! the sum of its files is over 500 MiB. A zip that fails a check is refused whole: it is not
//! what the go command downloaded and verified.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use zip::ZipArchive;

/// Go's `MaxZipFile`: the most a module zip, and the files in it, may hold.
pub const MAX_ZIP_BYTES: u64 = 500 << 20;
/// Go's `MaxGoMod`.
pub const MAX_GO_MOD_BYTES: u64 = 16 << 20;

/// An entry of a folder in a zip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Child {
    File(u32),
    Symlink,
    Dir,
}

pub struct ZipModule {
    archive: ZipArchive<At>,
    /// Folder (relative to the module root, `""` for it) → its entries by name.
    dirs: HashMap<String, BTreeMap<String, Child>>,
    files: HashMap<String, u32>,
}

impl ZipModule {
    /// Open and check `zip`, the zip of `module@version`. Only the central directory is
    /// read now; entries are read from the file when asked for (a release's zip is 20 MB,
    /// a `find` needs a few of its files).
    pub fn open(zip: &Path, module: &str, version: &str) -> Result<Self, String> {
        let file = File::open(zip).map_err(|e| format!("cannot read {}: {e}", zip.display()))?;
        let len = file
            .metadata()
            .map_err(|e| format!("cannot read {}: {e}", zip.display()))?
            .len();
        if len > MAX_ZIP_BYTES {
            return Err(format!(
                "the zip is {len} bytes, over the 500 MiB the go command allows"
            ));
        }
        Self::from_reader(At::new(Backing::File(Arc::new(file)), len), module, version)
    }

    pub fn from_bytes(bytes: Arc<[u8]>, module: &str, version: &str) -> Result<Self, String> {
        let len = bytes.len() as u64;
        Self::from_reader(At::new(Backing::Memory(bytes), len), module, version)
    }

    fn from_reader(reader: At, module: &str, version: &str) -> Result<Self, String> {
        let archive = ZipArchive::new(reader).map_err(|e| format!("not a valid zip: {e}"))?;
        let prefix = format!("{module}@{version}/");
        let mut dirs: HashMap<String, BTreeMap<String, Child>> = HashMap::new();
        dirs.insert(String::new(), BTreeMap::new());
        let mut files = HashMap::new();
        let mut folded: HashSet<String> = HashSet::new();
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            // The central directory's record only: reading each entry's local header too
            // would seek through the whole zip (9,000 reads for kubernetes).
            let entry = archive
                .by_index_data(i)
                .map_err(|e| format!("entry {i}: {e}"))?;
            let raw = String::from_utf8(entry.name_raw().to_vec())
                .map_err(|_| format!("entry {i}: the name is not UTF-8"))?;
            let shown = shown(&raw);
            let Some(rel) = raw.strip_prefix(&prefix) else {
                return Err(format!("entry `{shown}` is not under `{prefix}`"));
            };
            if entry.is_dir() || rel.ends_with('/') {
                continue; // the go command writes no folder entries; they hold nothing
            }
            check_name(rel).map_err(|why| format!("entry `{shown}`: {why}"))?;
            if !folded.insert(rel.to_lowercase()) {
                return Err(format!(
                    "entry `{shown}`: another entry has the same name, or differs only in case"
                ));
            }
            total = total.saturating_add(entry.size());
            if total > MAX_ZIP_BYTES {
                return Err("its files hold over 500 MiB, more than the go command allows".into());
            }
            if rel == "go.mod" && entry.size() > MAX_GO_MOD_BYTES {
                return Err(format!("go.mod is {} bytes, over 16 MiB", entry.size()));
            }
            let symlink = entry.is_symlink();
            drop(entry);
            let index = u32::try_from(i).map_err(|_| "too many entries".to_string())?;
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            add_parents(&mut dirs, dir);
            let child = if symlink {
                Child::Symlink
            } else {
                files.insert(rel.to_string(), index);
                Child::File(index)
            };
            dirs.entry(dir.to_string())
                .or_default()
                .insert(name.to_string(), child);
        }
        Ok(Self {
            archive,
            dirs,
            files,
        })
    }

    /// The entries of a folder, `None` when the zip has no such folder.
    pub fn list_dir(&self, dir: &str) -> Option<&BTreeMap<String, Child>> {
        self.dirs.get(dir)
    }

    pub fn is_dir(&self, dir: &str) -> bool {
        self.dirs.contains_key(dir)
    }

    /// The entry index of a regular file.
    pub fn file(&self, path: &str) -> Option<u32> {
        self.files.get(path).copied()
    }

    /// Every regular file, with its entry index.
    pub fn files(&self) -> impl Iterator<Item = (&str, u32)> {
        self.files.iter().map(|(p, i)| (p.as_str(), *i))
    }

    /// The bytes of entry `index`. The archive's directory is shared; each call has its own
    /// cursor, so threads read in parallel. A file is never inflated past the size its header
    /// declares, and its CRC is checked.
    pub fn read(&self, index: u32) -> Result<Vec<u8>, String> {
        let mut archive = self.archive.clone();
        let mut entry = archive
            .by_index(index as usize)
            .map_err(|e| format!("entry {index}: {e}"))?;
        let name = shown(&String::from_utf8_lossy(entry.name_raw()));
        let declared = entry.size();
        let mut out = Vec::with_capacity(usize::try_from(declared.min(MAX_ZIP_BYTES)).unwrap_or(0));
        (&mut entry)
            .take(declared.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| format!("`{name}`: {e}"))?;
        if out.len() as u64 != declared {
            return Err(format!(
                "`{name}` inflates to more bytes than its header declares"
            ));
        }
        Ok(out)
    }
}

/// A zip's bytes: the file in the module cache, or bytes in memory (tests, fuzzing).
#[derive(Clone)]
enum Backing {
    File(Arc<File>),
    Memory(Arc<[u8]>),
}

/// A reader over [`Backing`] with its own position, so every clone of the archive reads in
/// parallel with positioned reads (no shared file offset). Small reads, as the zip crate
/// makes them while walking the central directory, go through a 64 KiB buffer.
struct At {
    backing: Backing,
    len: u64,
    pos: u64,
    buf: Vec<u8>,
    buffered_from: u64,
}

const BUFFER: usize = 64 << 10;

impl At {
    fn new(backing: Backing, len: u64) -> Self {
        Self {
            backing,
            len,
            pos: 0,
            buf: Vec::new(),
            buffered_from: 0,
        }
    }

    fn read_at(&self, out: &mut [u8], at: u64) -> io::Result<usize> {
        match &self.backing {
            Backing::Memory(bytes) => {
                let start = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
                let n = out.len().min(bytes.len() - start);
                out[..n].copy_from_slice(&bytes[start..start + n]);
                Ok(n)
            }
            #[cfg(unix)]
            Backing::File(f) => std::os::unix::fs::FileExt::read_at(&**f, out, at),
            #[cfg(windows)]
            Backing::File(f) => std::os::windows::fs::FileExt::seek_read(&**f, out, at),
        }
    }
}

/// A clone starts with an empty buffer: it is about to read somewhere else.
impl Clone for At {
    fn clone(&self) -> Self {
        let mut copy = Self::new(self.backing.clone(), self.len);
        copy.pos = self.pos;
        copy
    }
}

impl Read for At {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if matches!(self.backing, Backing::Memory(_)) || out.len() >= BUFFER {
            let n = self.read_at(out, self.pos)?;
            self.pos += n as u64;
            return Ok(n);
        }
        let end = self.buffered_from + self.buf.len() as u64;
        if self.pos < self.buffered_from || self.pos >= end {
            let mut buf = std::mem::take(&mut self.buf);
            buf.resize(BUFFER, 0);
            let n = self.read_at(&mut buf, self.pos)?;
            buf.truncate(n);
            self.buf = buf;
            self.buffered_from = self.pos;
        }
        let from = usize::try_from(self.pos - self.buffered_from).unwrap_or(usize::MAX);
        let n = out.len().min(self.buf.len().saturating_sub(from));
        out[..n].copy_from_slice(&self.buf[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for At {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the zip",
            )
        })?;
        Ok(self.pos)
    }
}

/// A name from a zip as an error may show it: control characters escaped, so a hostile name
/// cannot drive the terminal.
fn shown(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn add_parents(dirs: &mut HashMap<String, BTreeMap<String, Child>>, dir: &str) {
    let mut at = dir;
    // Name each folder in its parent, up to the first parent that was already known.
    while !at.is_empty() {
        let (parent, name) = at.rsplit_once('/').unwrap_or(("", at));
        let known = dirs.contains_key(parent);
        dirs.entry(parent.to_string())
            .or_default()
            .insert(name.to_string(), Child::Dir);
        if known {
            break;
        }
        at = parent;
    }
}

/// Go's rules for a file path inside a module: relative, slash-separated, no empty, `.` or
/// `..` element, no backslash or control character.
fn check_name(rel: &str) -> Result<(), &'static str> {
    if rel.is_empty() {
        return Err("empty name");
    }
    if rel.starts_with('/') {
        return Err("absolute path");
    }
    if rel.contains('\\') {
        return Err("backslash in the name");
    }
    if rel.chars().any(char::is_control) {
        return Err("control character in the name");
    }
    for part in rel.split('/') {
        match part {
            "" => return Err("empty path element"),
            "." | ".." => return Err("`.` or `..` in the path"),
            _ => {}
        }
    }
    Ok(())
}

/// A zip of `files` under `module@version/`, as the go command writes one (for tests).
#[cfg(test)]
pub fn zip_bytes(module: &str, version: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(format!("{module}@{version}/{name}"), opts)
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(bytes: Vec<u8>) -> Result<ZipModule, String> {
        ZipModule::from_bytes(bytes.into(), "example.com/m", "v1.0.0")
    }

    #[test]
    fn folders_files_and_reads() {
        let z = open(zip_bytes(
            "example.com/m",
            "v1.0.0",
            &[
                ("go.mod", b"module example.com/m\n"),
                ("a/b/c.go", b"package b\n"),
                ("a/d.go", b"package a\n"),
            ],
        ))
        .unwrap();
        assert!(z.is_dir("") && z.is_dir("a") && z.is_dir("a/b") && !z.is_dir("a/b/c.go"));
        let root: Vec<&String> = z.list_dir("").unwrap().keys().collect();
        assert_eq!(root, ["a", "go.mod"]);
        assert_eq!(z.list_dir("a").unwrap()["b"], Child::Dir);
        let i = z.file("a/b/c.go").unwrap();
        assert_eq!(z.read(i).unwrap(), b"package b\n");
        assert_eq!(z.files().count(), 3);
    }

    #[test]
    fn hostile_names_are_refused() {
        let cases: &[(&str, &str)] = &[
            ("../x.go", "`..`"),
            ("a/../../x.go", "`..`"),
            ("a//x.go", "empty path element"),
            ("a\\x.go", "backslash"),
            ("a/\u{1b}[2Jx.go", "control character"),
        ];
        for (name, why) in cases {
            let err = open(zip_bytes("example.com/m", "v1.0.0", &[(name, b"x")]))
                .err()
                .unwrap_or_else(|| panic!("{name} accepted"));
            assert!(err.contains(why), "{name}: {err}");
            assert!(!err.contains('\u{1b}'), "raw escape in {err:?}");
        }
        let outside = zip_bytes("example.com/other", "v1.0.0", &[("x.go", b"x")]);
        assert!(open(outside).err().unwrap().contains("is not under"));
        let twins = zip_bytes(
            "example.com/m",
            "v1.0.0",
            &[("Readme.go", b"a"), ("README.go", b"b")],
        );
        assert!(open(twins).err().unwrap().contains("differs only in case"));
        let junk = open(b"PK\x03\x04 not really a zip".to_vec()).err().unwrap();
        assert!(junk.contains("not a valid zip"), "{junk}");
    }

    /// Sets the uncompressed size the central directory declares for entry `nth`.
    fn declare_size(bytes: &mut [u8], nth: usize, size: u32) {
        let at = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == b"PK\x01\x02")
            .nth(nth)
            .unwrap()
            .0;
        bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
    }

    #[test]
    fn sizes_over_go_limits_are_refused_before_anything_is_inflated() {
        let files: &[(&str, &[u8])] = &[("go.mod", b"module example.com/m\n"), ("a.go", b"x")];
        let mut one_big = zip_bytes("example.com/m", "v1.0.0", files);
        declare_size(&mut one_big, 1, 501 << 20);
        let err = open(one_big).err().unwrap();
        assert!(err.contains("over 500 MiB"), "{err}");
        // Two entries under the limit each, over it together.
        let mut two = zip_bytes("example.com/m", "v1.0.0", files);
        declare_size(&mut two, 0, 10 << 20);
        declare_size(&mut two, 1, 495 << 20);
        let err = open(two).err().unwrap();
        assert!(err.contains("its files hold over 500 MiB"), "{err}");
        let mut go_mod = zip_bytes("example.com/m", "v1.0.0", files);
        declare_size(&mut go_mod, 0, 17 << 20);
        let err = open(go_mod).err().unwrap();
        assert!(
            err.contains("go.mod is 17825792 bytes, over 16 MiB"),
            "{err}"
        );
    }

    /// The file reader (positioned reads through a small buffer) sees what the bytes say,
    /// from many threads at once, across a central directory and entries larger than its
    /// buffer.
    #[test]
    fn a_zip_read_from_its_file_reads_like_its_bytes() {
        let names: Vec<String> = (0..3000)
            .map(|i| format!("pkg/p{}/f{i}.go", i % 40))
            .collect();
        let big: Vec<u8> = (0..300_000u32).flat_map(u32::to_le_bytes).collect();
        let mut files: Vec<(&str, &[u8])> =
            names.iter().map(|n| (n.as_str(), n.as_bytes())).collect();
        files.push(("big.bin", &big));
        let bytes = zip_bytes("example.com/m", "v1.0.0", &files);
        assert!(bytes.len() > 4 * BUFFER, "{}", bytes.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.zip");
        std::fs::write(&path, &bytes).unwrap();
        let from_file = ZipModule::open(&path, "example.com/m", "v1.0.0").unwrap();
        let from_bytes = open(bytes).unwrap();
        assert_eq!(from_file.files().count(), 3001);
        let all: Vec<(String, u32)> = from_file.files().map(|(p, i)| (p.to_string(), i)).collect();
        std::thread::scope(|scope| {
            for chunk in all.chunks(800) {
                let (f, b) = (&from_file, &from_bytes);
                scope.spawn(move || {
                    for (path, i) in chunk {
                        let read = f.read(*i).unwrap();
                        assert_eq!(read, b.read(b.file(path).unwrap()).unwrap(), "{path}");
                    }
                });
            }
        });
        assert_eq!(
            from_file.read(from_file.file("big.bin").unwrap()).unwrap(),
            big
        );
    }

    #[test]
    fn a_damaged_entry_fails_to_read() {
        let data = vec![b'x'; 4096];
        let mut bytes = zip_bytes("example.com/m", "v1.0.0", &[("big.go", &data)]);
        // Flip a byte inside the compressed data (after the 30-byte local header and name).
        let at = 30 + "example.com/m@v1.0.0/big.go".len() + 4;
        bytes[at] ^= 0xff;
        let z = open(bytes).unwrap();
        assert!(z.read(z.file("big.go").unwrap()).is_err());
    }
}
