//! The files of the declaration index, and what keeps them honest.
//!
//! One folder per format: `go-v{FORMAT}-{fingerprint}`, the fingerprint hashing the tool's
//! version, the tree-sitter-go ABI and the source of our declaration walk, so an index written
//! by another build, grammar or walk is never read: that build's folder is simply another folder, and
//! this one is built afresh. In it:
//!
//! - `decls.pack`: append-only records, one per file content, keyed by content id. Header:
//!   magic, fingerprint, generation. Record: length, CRC-32 of id and payload, id, payload
//!   (the file's problems, then its declarations in groups of 128, each LZ4-compressed on
//!   its own: about two fifths of their size).
//!   Records are immutable; a writer appends under the folder's lock, and syncs them all
//!   once, before the listing that points at them is written. A record cut
//!   short by a killed writer, or whose checksum fails, is detected: a torn tail is cut off,
//!   anything else resets the pack (new generation) and everything is rebuilt.
//! - `trees/KEY`: one listing per tree (a tag, a module version), written to a temporary file
//!   and renamed into place. It names the pack generation it points into. Two sections, each
//!   with its own checksum: the files and packages, read at open; every declaration's name
//!   (`name_table`, stored raw to be scanned), read only by a search by name. A listing of
//!   another generation, or a section that fails its checksum, is not trusted.
//! - `lock`: an exclusive file lock held by whoever writes, so concurrent runs share one
//!   index: the second waits, then finds the first one's work.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use super::codec::{Reader, Writer, checksum};
use super::name_table::{ReadAt, Section};
use crate::source::ContentId;

/// Bumped whenever the record or listing layout changes.
pub const FORMAT: u32 = 7;
pub(super) const PACK: &str = "decls.pack";
const TREES: &str = "trees";
const LOCK: &str = "lock";
const PACK_MAGIC: &[u8; 8] = b"k8sidxP\n";
const LIST_MAGIC: &[u8; 8] = b"k8sidxL\n";
const HEADER: u64 = HEADER_BYTES as u64;
const HEADER_BYTES: usize = 24;
const RECORD_HEAD: usize = 4 + 4 + 20;
/// No record is this big (files over the parse limit have no declarations).
const MAX_RECORD: u32 = 1 << 28;

/// Magic, fingerprint, generation, key length, then length and checksum of each section.
const LIST_HEAD: usize = 8 + 8 + 8 + 4 + (8 + 4) * 2;

/// Where a listing's names section is, to be read when a search needs it.
pub struct NamesAt {
    file: File,
    offset: u64,
    len: u64,
    sum: u32,
}

impl NamesAt {
    /// The section to scan: its bytes are checked as the scan reads them.
    pub fn section(&self) -> Section<'_> {
        Section {
            bytes: self,
            len: self.len,
            sum: self.sum,
        }
    }
}

impl ReadAt for NamesAt {
    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        let end = at.checked_add(buf.len() as u64).filter(|&e| e <= self.len);
        if end.is_none() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        read_exact_at(&self.file, buf, self.offset + at)
    }
}

/// Where a record is in the pack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub offset: u64,
    pub len: u32,
}

/// The index folder of one format and fingerprint.
pub struct Store {
    dir: PathBuf,
    fingerprint: u64,
}

/// The pack opened for reading records at their slots.
pub struct Pack {
    file: File,
    pub generation: u64,
}

/// The folder's lock, held while writing.
pub struct Locked<'s> {
    store: &'s Store,
    _lock: File,
}

impl Store {
    pub fn new(root: &Path, fingerprint: u64) -> Self {
        Self {
            dir: root.join(format!("go-v{FORMAT}-{fingerprint:016x}")),
            fingerprint,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn pack_path(&self) -> PathBuf {
        self.dir.join(PACK)
    }

    pub fn listing_path(&self, key: &str) -> PathBuf {
        let a = checksum(&[key.as_bytes()]);
        let b = checksum(&[b"k8s-study", key.as_bytes()]);
        self.dir.join(TREES).join(format!("{a:08x}{b:08x}"))
    }

    /// The pack, if there is one whose header is ours.
    pub fn open_pack(&self) -> Option<Pack> {
        let mut file = File::open(self.pack_path()).ok()?;
        let generation = read_header(&mut file, self.fingerprint)?;
        Some(Pack { file, generation })
    }

    /// The listing of `key`, if it is ours and of `pack`'s generation and its first section
    /// passes its check: that section's bytes, and where the names section is.
    pub fn listing(&self, key: &str, pack: &Pack) -> Option<(Vec<u8>, NamesAt)> {
        let mut file = File::open(self.listing_path(key)).ok()?;
        let file_len = file.metadata().ok()?.len();
        let mut head = [0; LIST_HEAD];
        file.read_exact(&mut head).ok()?;
        let mut r = Reader::new(&head);
        if r.take(8)? != LIST_MAGIC || r.u64()? != self.fingerprint || r.u64()? != pack.generation {
            return None;
        }
        let key_len = r.u32()? as usize;
        let meta_len = r.u64()?;
        let meta_sum = r.u32()?;
        let names_len = r.u64()?;
        let names_sum = r.u32()?;
        let names_offset = (LIST_HEAD as u64)
            .checked_add(key_len as u64)?
            .checked_add(meta_len)?;
        if names_offset.checked_add(names_len)? != file_len || key_len != key.len() {
            return None;
        }
        let mut rest = vec![0; key_len + usize::try_from(meta_len).ok()?];
        file.read_exact(&mut rest).ok()?;
        let (stored_key, meta) = rest.split_at(key_len);
        (stored_key == key.as_bytes() && checksum(&[stored_key, meta]) == meta_sum).then_some(())?;
        rest.drain(..key_len);
        Some((
            rest,
            NamesAt {
                file,
                offset: names_offset,
                len: names_len,
                sum: names_sum,
            },
        ))
    }

    /// Wait for the folder's lock (creating the folder).
    pub fn lock(&self) -> io::Result<Locked<'_>> {
        fs::create_dir_all(self.dir.join(TREES))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(LOCK))?;
        lock.lock()?;
        Ok(Locked {
            store: self,
            _lock: lock,
        })
    }
}

impl Pack {
    /// The payload of the record at `slot`, if it is whole and holds `id`.
    pub fn read(&self, slot: Slot, id: ContentId) -> Option<Vec<u8>> {
        if slot.len > MAX_RECORD {
            return None;
        }
        let mut buf = vec![0; RECORD_HEAD + slot.len as usize];
        read_exact_at(&self.file, &mut buf, slot.offset).ok()?;
        let (len, sum, stored) = record_head(&buf)?;
        if len != slot.len || stored != id {
            return None;
        }
        let payload = &buf[RECORD_HEAD..];
        (checksum(&[&stored.0, payload]) == sum).then(|| payload.to_vec())
    }
}

impl Locked<'_> {
    /// Every whole record of the pack by id, with the pack open for appending. A pack that
    /// is missing or not ours is started afresh; a torn last record is cut off; a bad
    /// record before the end resets the pack (and so every listing).
    pub fn scan(&self) -> io::Result<(Pack, HashMap<ContentId, Slot>)> {
        let path = self.store.pack_path();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let Some(generation) = read_header(&mut file, self.store.fingerprint) else {
            return self.reset(file);
        };
        let len = file.metadata()?.len();
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0))?;
        file.read_to_end(&mut bytes)?;
        let mut slots = HashMap::new();
        let mut at = HEADER;
        while at < len {
            let Some(head) = usize::try_from(at)
                .ok()
                .and_then(|a| bytes.get(a..a.checked_add(RECORD_HEAD)?))
                .and_then(record_head)
            else {
                // Not even a whole head: the tail of a killed append.
                file.set_len(at)?;
                break;
            };
            let (rlen, sum, id) = head;
            let start = at + RECORD_HEAD as u64;
            let end = start + u64::from(rlen);
            if rlen > MAX_RECORD || end > len {
                file.set_len(at)?;
                break;
            }
            #[allow(clippy::cast_possible_truncation)] // the whole pack is in memory
            let payload = &bytes[start as usize..end as usize];
            if checksum(&[&id.0, payload]) != sum {
                if end == len {
                    file.set_len(at)?;
                    break;
                }
                return self.reset(file);
            }
            slots.insert(
                id,
                Slot {
                    offset: at,
                    len: rlen,
                },
            );
            at = end;
        }
        Ok((Pack { file, generation }, slots))
    }

    fn reset(&self, file: File) -> io::Result<(Pack, HashMap<ContentId, Slot>)> {
        let trees = self.store.dir.join(TREES);
        let _ = fs::remove_dir_all(&trees);
        fs::create_dir_all(&trees)?;
        file.set_len(0)?;
        let generation = new_generation();
        let mut w = Writer::default();
        w.buf.extend_from_slice(PACK_MAGIC);
        w.u64(self.store.fingerprint);
        w.u64(generation);
        write_all_at(&file, &w.buf, 0)?;
        file.sync_data()?;
        Ok((Pack { file, generation }, HashMap::new()))
    }

    /// Append records; their slots, in order. Not synced here: `write_listing` syncs the
    /// pack once before a listing can point at them, and until then a record lost to a
    /// crash is only work to redo (a torn one fails its checksum).
    pub fn append(&self, pack: &Pack, records: &[(ContentId, Vec<u8>)]) -> io::Result<Vec<Slot>> {
        let mut at = pack.file.metadata()?.len();
        let mut buf = Vec::new();
        let mut slots = Vec::with_capacity(records.len());
        for (id, payload) in records {
            let len = u32::try_from(payload.len())
                .ok()
                .filter(|&l| l <= MAX_RECORD)
                .ok_or_else(|| io::Error::other("declaration record too big"))?;
            let mut w = Writer { buf };
            w.u32(len);
            w.u32(checksum(&[&id.0, payload]));
            w.buf.extend_from_slice(&id.0);
            w.buf.extend_from_slice(payload);
            buf = w.buf;
            slots.push(Slot { offset: at, len });
            at += (RECORD_HEAD + payload.len()) as u64;
        }
        let start = at - buf.len() as u64;
        write_all_at(&pack.file, &buf, start)?;
        Ok(slots)
    }

    /// Write `key`'s listing (its files and packages, then its names) into place atomically.
    pub fn write_listing(
        &self,
        key: &str,
        pack: &Pack,
        meta: &[u8],
        names: &[u8],
    ) -> io::Result<()> {
        let mut w = Writer::default();
        w.buf.extend_from_slice(LIST_MAGIC);
        w.u64(self.store.fingerprint);
        w.u64(pack.generation);
        w.len(key.len());
        w.u64(meta.len() as u64);
        w.u32(checksum(&[key.as_bytes(), meta]));
        w.u64(names.len() as u64);
        w.u32(checksum(&[names]));
        debug_assert_eq!(w.buf.len(), LIST_HEAD);
        w.buf.extend_from_slice(key.as_bytes());
        w.buf.extend_from_slice(meta);
        w.buf.extend_from_slice(names);
        // The records first: a listing on disk never points past what is on disk.
        pack.file.sync_data()?;
        let path = self.store.listing_path(key);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut f = File::create(&tmp)?;
        f.write_all(&w.buf)?;
        f.sync_data()?;
        drop(f);
        fs::rename(&tmp, &path)
    }
}

fn record_head(b: &[u8]) -> Option<(u32, u32, ContentId)> {
    let mut r = Reader::new(b);
    let len = r.u32()?;
    let sum = r.u32()?;
    let id: [u8; 20] = r.take(20)?.try_into().ok()?;
    Some((len, sum, ContentId(id)))
}

fn read_header(file: &mut File, fingerprint: u64) -> Option<u64> {
    let mut head = [0; HEADER_BYTES];
    read_exact_at(file, &mut head, 0).ok()?;
    let mut r = Reader::new(&head);
    (r.take(8)? == PACK_MAGIC && r.u64()? == fingerprint).then_some(())?;
    r.u64()
}

/// A number no other reset of this folder is likely to pick: time and process.
fn new_generation() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    #[allow(clippy::cast_possible_truncation)] // mixing bits, not keeping the value
    let low = nanos as u64;
    low ^ (u64::from(std::process::id()) << 40) ^ (nanos >> 64) as u64
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, at)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut at: u64) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, buf, at)?;
        buf = &buf[n..];
        at += n as u64;
    }
    Ok(())
}
