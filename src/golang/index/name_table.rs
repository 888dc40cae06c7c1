//! A listing's names section: every declaration's `Receiver.Name` (or `Name`), laid out so a
//! search by name touches little more than one word per declaration.
//!
//! Columns, in tree order, then a trailer:
//! - `text`: the names, one after another (UTF-8, each checked when it is looked at);
//! - `starts`: per file, and once more at the end, its first row;
//! - per row (declaration): the `letters` it holds (a bit per byte class, see [`letters`]),
//!   where its name ends in `text`, its line and its kind.
//!
//! A search first asks whether a name holds all the query's letters, one AND per row; only
//! the few that do are looked at as text. Stored as it is, not deflated: inflating the section
//! cost more than the whole search. Read column by column through small buffers, never whole:
//! a fresh 12 MB buffer cost more in page faults than the scan itself; big sections are
//! scanned in parts on all threads, each part's checksum combined into the section's.

use std::io;

use rayon::prelude::*;

use super::codec::Writer;

/// The trailer: text length, file count, row count.
const TRAILER: usize = 8 + 4 + 4;

/// Which byte classes `bytes` hold, ignoring ASCII case: one bit per letter, digit, `_` and
/// `.`, the other bytes folded onto the rest. A name can hold a query's bytes in order only
/// if its bits cover the query's.
pub fn letters(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |m, &b| m | 1 << class(b))
}

fn class(b: u8) -> u32 {
    match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => u32::from(c - b'a'),
        c @ b'0'..=b'9' => 26 + u32::from(c - b'0'),
        b'_' => 36,
        b'.' => 37,
        other => 38 + u32::from(other) % 26,
    }
}

/// One file's names, listed on the worker thread that parsed it.
#[derive(Clone, Debug, Default)]
pub struct FileNames {
    text: String,
    rows: Vec<(u64, usize, usize, u8)>,
}

impl FileNames {
    pub fn push(&mut self, name: &str, kind: u8, line: usize) {
        self.text.push_str(name);
        self.rows
            .push((letters(name.as_bytes()), self.text.len(), line, kind));
    }
}

/// The section's bytes, from each file's names in file order.
pub fn encode(files: impl IntoIterator<Item = FileNames>) -> Vec<u8> {
    let mut text = String::new();
    let mut starts = Writer::default();
    let (mut masks, mut ends, mut lines, mut kinds) = (
        Writer::default(),
        Writer::default(),
        Writer::default(),
        Vec::new(),
    );
    let mut n_files = 0;
    for file in files {
        starts.len(kinds.len());
        let base = text.len();
        text.push_str(&file.text);
        for (mask, end, line, kind) in file.rows {
            masks.u64(mask);
            ends.len(base + end);
            lines.len(line);
            kinds.push(kind);
        }
        n_files += 1;
    }
    starts.len(kinds.len());
    let n_rows = kinds.len();
    let mut out = text.into_bytes();
    let text_len = out.len();
    for column in [&starts.buf, &masks.buf, &ends.buf, &lines.buf, &kinds] {
        out.extend_from_slice(column);
    }
    let mut w = Writer::default();
    w.u64(text_len as u64);
    w.len(n_files);
    w.len(n_rows);
    out.extend_from_slice(&w.buf);
    out
}

/// Reads a section's bytes at an offset: a listing file's region, or a section in memory.
pub trait ReadAt: Sync {
    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> io::Result<()>;
}

impl ReadAt for Vec<u8> {
    fn read_exact_at(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        let from = usize::try_from(at).map_err(io::Error::other)?;
        let part = self
            .get(from..from.saturating_add(buf.len()))
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        buf.copy_from_slice(part);
        Ok(())
    }
}

/// A section to scan: where its bytes are, how many, and their CRC-32.
pub struct Section<'s> {
    pub bytes: &'s dyn ReadAt,
    pub len: u64,
    pub sum: u32,
}

/// One declaration's entry.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub kind: u8,
    pub line: usize,
    /// Its file's place in the listing.
    pub file: usize,
    /// Its place among its file's declarations.
    pub decl: usize,
}

/// The rows a scan found, in the section's order: their names one after another.
#[derive(Default)]
pub struct Found {
    names: String,
    rows: Vec<FoundRow>,
}

struct FoundRow {
    file: usize,
    decl: usize,
    line: usize,
    kind: u8,
    /// Where the name ends in `names`.
    end: usize,
}

impl Found {
    /// The `i`th row found.
    pub fn entry(&self, i: usize) -> Entry<'_> {
        let r = &self.rows[i];
        let start = if i == 0 { 0 } else { self.rows[i - 1].end };
        Entry {
            name: &self.names[start..r.end],
            kind: r.kind,
            line: r.line,
            file: r.file,
            decl: r.decl,
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn append(&mut self, other: Self) {
        let base = self.names.len();
        self.names.push_str(&other.names);
        self.rows.extend(other.rows.into_iter().map(|r| FoundRow {
            end: base + r.end,
            ..r
        }));
    }
}

/// Rows read per step: each column's share is a few kilobytes, so the buffers stay small
/// and warm however big the tree.
const BLOCK_ROWS: usize = 1024;
/// Bytes read from the section at a time, per column.
const CHUNK: usize = 64 << 10;
/// Fewer rows than this are scanned on one thread: a part's setup would cost more.
const ROWS_PER_PART: usize = 32 << 10;

/// One column read front to back through a small buffer, its bytes hashed as they arrive.
struct Column<'s> {
    bytes: &'s dyn ReadAt,
    at: u64,
    end: u64,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    hash: crc32fast::Hasher,
}

impl<'s> Column<'s> {
    fn new(section: &Section<'s>, at: u64, len: u64) -> Self {
        Self {
            bytes: section.bytes,
            at,
            end: at + len,
            buf: Vec::new(),
            pos: 0,
            filled: 0,
            hash: crc32fast::Hasher::new(),
        }
    }

    /// The column's next `n` bytes, in one piece; `None` past its end or on a read error.
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.filled - self.pos < n {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
            let left = usize::try_from(self.end - self.at).ok()?;
            let want = n - self.filled;
            if want > left {
                return None;
            }
            let read = want.max(CHUNK).min(left);
            if self.buf.len() < self.filled + read {
                self.buf.resize(self.filled + read, 0);
            }
            let fresh = &mut self.buf[self.filled..self.filled + read];
            self.bytes.read_exact_at(fresh, self.at).ok()?;
            self.hash.update(fresh);
            self.at += read as u64;
            self.filled += read;
        }
        let taken = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Some(taken)
    }

    /// The hash of the whole column, if every byte of it was taken.
    fn finish(self) -> Option<crc32fast::Hasher> {
        (self.at == self.end && self.pos == self.filled).then_some(self.hash)
    }
}

fn u32_at(column: &[u8], i: usize) -> usize {
    let b = &column[i * 4..i * 4 + 4];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
}

/// Where the section's columns are, from its trailer.
#[derive(Clone, Copy)]
struct Layout {
    text_len: u64,
    n_files: usize,
    n_rows: usize,
    /// Where the per-row columns start.
    rows_at: u64,
}

impl Layout {
    /// The stretch of a per-row column of `width`-byte cells, `before` bytes of cells in,
    /// for rows `rows`.
    fn cells(&self, before: u64, width: u64, rows: &std::ops::Range<usize>) -> (u64, u64) {
        let column = self.rows_at + before * self.n_rows as u64;
        (
            column + width * rows.start as u64,
            width * rows.len() as u64,
        )
    }
}

/// One part of a scan: rows `rows`, whose names take `text` of the text.
struct Part {
    rows: std::ops::Range<usize>,
    text: std::ops::Range<usize>,
}

/// A part's columns' hashes, in the section's order of columns.
type PartHashes = [crc32fast::Hasher; 5];

/// The rows of files whose `needs` entry is `Some(letters)` and whose names hold all those
/// [`letters`] (`Some(0)`: every row of the file), reading each column once through small
/// buffers, no copy of the whole section ever held; big sections in parts on all threads.
/// `None` when the section is not whole, does not add up, or fails its checksum.
pub fn scan(section: &Section<'_>, needs: &[Option<u64>]) -> Option<Found> {
    scan_in_parts(section, needs, rayon::current_num_threads())
}

/// [`scan`] in at most `threads` parts.
fn scan_in_parts(section: &Section<'_>, needs: &[Option<u64>], threads: usize) -> Option<Found> {
    let trailer_at = section.len.checked_sub(TRAILER as u64)?;
    let mut tail = Column::new(section, trailer_at, TRAILER as u64);
    let trailer = tail.take(TRAILER)?;
    let text_len = u64::from_le_bytes(trailer[..8].try_into().ok()?);
    let n_files = u32::from_le_bytes(trailer[8..12].try_into().ok()?) as usize;
    let n_rows = u32::from_le_bytes(trailer[12..16].try_into().ok()?) as usize;
    let starts_len = (n_files as u64 + 1) * 4;
    let rows_len = n_rows as u64 * (8 + 4 + 4 + 1);
    if n_files != needs.len()
        || text_len.checked_add(starts_len)?.checked_add(rows_len)? != trailer_at
    {
        return None;
    }
    let layout = Layout {
        text_len,
        n_files,
        n_rows,
        rows_at: text_len + starts_len,
    };
    let mut starts_column = Column::new(section, text_len, starts_len);
    let starts = starts_column
        .take(usize::try_from(starts_len).ok()?)?
        .to_vec();
    let ordered = u32_at(&starts, 0) == 0
        && u32_at(&starts, n_files) == n_rows
        && (1..=n_files).all(|i| u32_at(&starts, i - 1) <= u32_at(&starts, i));
    if !ordered {
        return None;
    }
    let parts = split(
        section,
        layout,
        (n_rows / ROWS_PER_PART).clamp(1, threads.max(1)),
    )?;
    let scanned: Vec<Option<(Found, PartHashes)>> = parts
        .par_iter()
        .map(|part| scan_part(section, layout, &starts, needs, part))
        .collect();
    let mut found = Found::default();
    let mut columns: Vec<PartHashes> = Vec::with_capacity(parts.len());
    for part in scanned {
        let (part_found, hashes) = part?;
        found.append(part_found);
        columns.push(hashes);
    }
    // The section's order: all the text, the starts, then each per-row column whole.
    let mut hash = crc32fast::Hasher::new();
    for c in &columns {
        hash.combine(&c[0]);
    }
    hash.combine(&starts_column.finish()?);
    for column in 1..5 {
        for c in &columns {
            hash.combine(&c[column]);
        }
    }
    hash.combine(&tail.finish()?);
    (hash.finalize() == section.sum).then_some(found)
}

/// The section's rows cut into at most `parts` parts of whole blocks, each with the
/// stretch of text its names take (read from the ends column at the cuts; each part checks
/// that its names fill its stretch exactly).
fn split(section: &Section<'_>, layout: Layout, parts: usize) -> Option<Vec<Part>> {
    let blocks = layout.n_rows.div_ceil(BLOCK_ROWS);
    let n = parts.clamp(1, blocks.max(1));
    let mut cuts: Vec<(usize, usize)> = vec![(0, 0)];
    for k in 1..n {
        let row = blocks * k / n * BLOCK_ROWS;
        let (at, _) = layout.cells(8, 4, &(row - 1..row));
        let mut end = [0; 4];
        section.bytes.read_exact_at(&mut end, at).ok()?;
        cuts.push((row, u32::from_le_bytes(end) as usize));
    }
    cuts.push((layout.n_rows, usize::try_from(layout.text_len).ok()?));
    cuts.windows(2)
        .map(|w| {
            let ((r0, t0), (r1, t1)) = (w[0], w[1]);
            (r0 <= r1 && t0 <= t1).then_some(Part {
                rows: r0..r1,
                text: t0..t1,
            })
        })
        .collect()
}

/// One part's rows that pass their file's need, and its columns' hashes.
fn scan_part(
    section: &Section<'_>,
    layout: Layout,
    starts: &[u8],
    needs: &[Option<u64>],
    part: &Part,
) -> Option<(Found, PartHashes)> {
    let rows = &part.rows;
    let column = |before, width| {
        let (at, len) = layout.cells(before, width, rows);
        Column::new(section, at, len)
    };
    let mut text = Column::new(section, part.text.start as u64, part.text.len() as u64);
    let (mut masks, mut ends, mut lines, mut kinds) =
        (column(0, 8), column(8, 4), column(12, 4), column(16, 1));
    let mut found = Found::default();
    // The file of the row at hand: the last whose first row is at or before it.
    let (mut file, mut beyond) = (0, layout.n_files);
    while file < beyond {
        let mid = usize::midpoint(file, beyond);
        if u32_at(starts, mid + 1) <= rows.start {
            file = mid + 1;
        } else {
            beyond = mid;
        }
    }
    let mut text_at = part.text.start;
    let mut row = rows.start;
    while row < rows.end {
        let n = BLOCK_ROWS.min(rows.end - row);
        let (block_masks, block_ends) = (masks.take(n * 8)?, ends.take(n * 4)?);
        let (block_lines, block_kinds) = (lines.take(n * 4)?, kinds.take(n)?);
        // Names' ends only grow, and the part's last one is where its text ends.
        let block_start = text_at;
        let mut last = text_at;
        for i in 0..n {
            let end = u32_at(block_ends, i);
            if end < last {
                return None;
            }
            last = end;
        }
        let block_text = text.take(last - block_start)?;
        for i in 0..n {
            while u32_at(starts, file + 1) <= row + i {
                file += 1;
            }
            let end = u32_at(block_ends, i);
            let (from, to) = (text_at - block_start, end - block_start);
            text_at = end;
            let Some(need) = needs[file] else { continue };
            let mask = u64::from_le_bytes(block_masks[i * 8..i * 8 + 8].try_into().ok()?);
            if mask & need != need {
                continue;
            }
            // Checked one by one: a slice off a character boundary is no name.
            let Ok(name) = std::str::from_utf8(&block_text[from..to]) else {
                continue;
            };
            found.names.push_str(name);
            found.rows.push(FoundRow {
                file,
                decl: row + i - u32_at(starts, file),
                line: u32_at(block_lines, i),
                kind: block_kinds[i],
                end: found.names.len(),
            });
        }
        row += n;
    }
    if text_at != part.text.end {
        return None;
    }
    let hashes = [
        text.finish()?,
        masks.finish()?,
        ends.finish()?,
        lines.finish()?,
        kinds.finish()?,
    ];
    Some((found, hashes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golang::index::codec::checksum;

    fn file(names: &[(&str, usize)]) -> FileNames {
        let mut f = FileNames::default();
        for &(n, line) in names {
            f.push(n, 3, line);
        }
        f
    }

    /// The rows a scan finds when file `k` asks for `need(k)`.
    fn scanned(
        bytes: &Vec<u8>,
        files: usize,
        need: impl FnMut(usize) -> Option<u64>,
    ) -> Option<Vec<(usize, String, usize, usize)>> {
        scanned_in(bytes, files, need, 1)
    }

    fn scanned_in(
        bytes: &Vec<u8>,
        files: usize,
        need: impl FnMut(usize) -> Option<u64>,
        parts: usize,
    ) -> Option<Vec<(usize, String, usize, usize)>> {
        let section = Section {
            bytes,
            len: bytes.len() as u64,
            sum: checksum(&[bytes]),
        };
        let needs: Vec<Option<u64>> = (0..files).map(need).collect();
        let found = scan_in_parts(&section, &needs, parts)?;
        Some(
            (0..found.len())
                .map(|i| found.entry(i))
                .map(|e| (e.file, e.name.to_string(), e.line, e.decl))
                .collect(),
        )
    }

    /// Whether a scan in `parts` refuses `bytes` with byte `at` flipped, against the
    /// checksum of the bytes as written.
    fn flipped_is_refused(bytes: &[u8], at: usize, files: usize, parts: usize) -> bool {
        let mut bad = bytes.to_vec();
        bad[at] ^= 0x41;
        let section = Section {
            bytes: &bad,
            len: bad.len() as u64,
            sum: checksum(&[bytes]),
        };
        scan_in_parts(&section, &vec![Some(0); files], parts).is_none()
    }

    fn r(file: usize, name: &str, line: usize, decl: usize) -> (usize, String, usize, usize) {
        (file, name.to_string(), line, decl)
    }

    #[test]
    fn reads_back_each_files_names() {
        let bytes = encode([
            file(&[("Scheduler.scheduleOne", 10), ("New", 20)]),
            file(&[]),
            file(&[("Run", 7)]),
        ]);
        assert_eq!(
            scanned(&bytes, 3, |_| Some(0)).unwrap(),
            [
                r(0, "Scheduler.scheduleOne", 10, 0),
                r(0, "New", 20, 1),
                r(2, "Run", 7, 0)
            ]
        );
        assert_eq!(
            scanned(&bytes, 3, |k| (k != 0).then_some(0)).unwrap(),
            [r(2, "Run", 7, 0)],
            "a file the visitor passes over shows nothing"
        );
        assert!(
            scanned(&bytes, 2, |_| Some(0)).is_none(),
            "another file count"
        );
        assert_eq!(scanned(&encode([]), 0, |_| Some(0)).unwrap(), []);
    }

    #[test]
    fn rows_past_the_buffers_and_blocks_read_back_whole() {
        // Long names in many files: blocks, chunks and names straddle each other.
        let files: Vec<FileNames> = (0..300)
            .map(|f| {
                let names: Vec<(String, usize)> = (0..f % 17)
                    .map(|i| (format!("T{f}.{}{i}", "x".repeat(f * 7 % 900)), i + 1))
                    .collect();
                let names: Vec<(&str, usize)> =
                    names.iter().map(|(n, l)| (n.as_str(), *l)).collect();
                file(&names)
            })
            .collect();
        let want: Vec<_> = (0..300)
            .flat_map(|f| {
                (0..f % 17)
                    .map(move |i| r(f, &format!("T{f}.{}{i}", "x".repeat(f * 7 % 900)), i + 1, i))
            })
            .collect();
        let bytes = encode(files);
        assert!(bytes.len() > 2 * CHUNK);
        assert_eq!(scanned(&bytes, 300, |_| Some(0)).unwrap(), want);
    }

    #[test]
    fn a_scan_in_parts_finds_what_one_part_finds() {
        // Files of every size, some empty, cut anywhere by the parts' block boundaries.
        let files: Vec<FileNames> = (0..900)
            .map(|f| {
                let names: Vec<String> = (0..(f * 13 % 29)).map(|i| format!("N{f}x{i}")).collect();
                file(&names.iter().map(|n| (n.as_str(), 1)).collect::<Vec<_>>())
            })
            .collect();
        let bytes = encode(files);
        let one = scanned_in(&bytes, 900, |_| Some(0), 1).unwrap();
        assert!(one.len() > 4 * BLOCK_ROWS);
        let odd = |k: usize| (k % 2 == 1).then_some(0);
        let one_odd = scanned_in(&bytes, 900, odd, 1).unwrap();
        for parts in 2..=7 {
            assert_eq!(scanned_in(&bytes, 900, |_| Some(0), parts).unwrap(), one);
            assert_eq!(scanned_in(&bytes, 900, odd, parts).unwrap(), one_odd);
        }
        // A flipped byte anywhere fails whichever part read it.
        for at in (0..bytes.len()).step_by(997) {
            assert!(flipped_is_refused(&bytes, at, 900, 3), "byte {at}");
        }
    }

    #[test]
    fn letters_filter_without_losing_a_match() {
        let bytes = encode([file(&[
            ("Scheduler.scheduleOne", 10),
            ("New", 20),
            ("ÜberName_2", 30),
        ])]);
        let names = |need: u64| -> Vec<String> {
            scanned(&bytes, 1, |_| Some(need))
                .unwrap()
                .into_iter()
                .map(|(_, n, _, _)| n)
                .collect()
        };
        assert_eq!(names(letters(b"schdone")), ["Scheduler.scheduleOne"]);
        assert_eq!(names(letters(b"NEW")), ["New"]);
        assert_eq!(names(letters(b"ber_2")), ["ÜberName_2"]);
        assert_eq!(letters("Ü".as_bytes()) & letters(b"ber_2.az09"), 0);
        assert!(names(letters(b"zzz")).is_empty());
    }

    #[test]
    fn rejects_what_does_not_add_up() {
        let bytes = encode([file(&[("A", 1), ("B", 2)]), file(&[("C", 3)])]);
        for cut in [0, 1, TRAILER, bytes.len() - 1] {
            assert!(
                scanned(&bytes[..cut].to_vec(), 2, |_| Some(0)).is_none(),
                "cut {cut}"
            );
        }
        // Every flipped byte fails the checksum, whatever it would have meant.
        for at in 0..bytes.len() {
            assert!(flipped_is_refused(&bytes, at, 2, 1), "byte {at}");
        }
        // With a matching checksum, what does not add up is refused all the same: a file's
        // start past the next one's, and a name's end past the next one's.
        let mut bad = bytes.clone();
        bad["ABC".len() + 4] = 9;
        assert!(scanned(&bad, 2, |_| Some(0)).is_none());
        let mut bad = bytes.clone();
        bad["ABC".len() + 3 * 4 + 3 * 8] = 7;
        assert!(scanned(&bad, 2, |_| Some(0)).is_none());
        // A name that is not UTF-8 is no name; the others still are.
        let mut bad = bytes;
        bad[0] = 0xff;
        let rows = scanned(&bad, 2, |_| Some(0)).unwrap();
        assert_eq!(rows, [r(0, "B", 2, 1), r(1, "C", 3, 0)]);
    }
}
