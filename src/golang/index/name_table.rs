//! A listing's names section: every declaration's `Receiver.Name` (or `Name`), laid out so a
//! search by name touches little more than one word per declaration.
//!
//! Columns, in tree order, then a trailer:
//! - `text`: the names, one after another (UTF-8, checked once);
//! - `starts`: per file, and once more at the end, its first row;
//! - per row (declaration): the `letters` it holds (a bit per byte class, see [`letters`]),
//!   where its name ends in `text`, its line and its kind.
//!
//! A search first asks whether a name holds all the query's letters, one AND per row; only
//! the few that do are looked at as text. Stored as it is, not deflated: inflating the section
//! cost more than the whole search.

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

/// The section read back: its bytes as read, and where each column is in them.
pub struct NameTable {
    bytes: Vec<u8>,
    text_len: usize,
    n_files: usize,
    n_rows: usize,
}

/// One declaration's entry.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub kind: u8,
    pub line: usize,
    /// Its place among its file's declarations.
    pub decl: usize,
}

fn u32_at(column: &[u8], i: usize) -> usize {
    column
        .get(i * 4..i * 4 + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

impl NameTable {
    /// The table, if `bytes` hold a whole, consistent one (its checksum is the caller's).
    pub fn decode(bytes: Vec<u8>) -> Option<Self> {
        let trailer_at = bytes.len().checked_sub(TRAILER)?;
        let trailer = &bytes[trailer_at..];
        let text_len = usize::try_from(u64::from_le_bytes(trailer[..8].try_into().ok()?)).ok()?;
        let n_files = u32::from_le_bytes(trailer[8..12].try_into().ok()?) as usize;
        let n_rows = u32::from_le_bytes(trailer[12..16].try_into().ok()?) as usize;
        let starts_len = n_files.checked_add(1)?.checked_mul(4)?;
        let rows_len = n_rows.checked_mul(8 + 4 + 4 + 1)?;
        if text_len.checked_add(starts_len)?.checked_add(rows_len)? != trailer_at {
            return None;
        }
        std::str::from_utf8(&bytes[..text_len]).ok()?;
        let table = Self {
            bytes,
            text_len,
            n_files,
            n_rows,
        };
        let (starts, ends) = (table.starts(), table.ends());
        let whole = u32_at(starts, 0) == 0
            && u32_at(starts, n_files) == n_rows
            && (1..=n_files).all(|i| u32_at(starts, i - 1) <= u32_at(starts, i))
            && (1..n_rows).all(|i| u32_at(ends, i - 1) <= u32_at(ends, i))
            && (n_rows == 0 || u32_at(ends, n_rows - 1) == text_len);
        whole.then_some(table)
    }

    /// The column of `width`-byte cells that follows `before` bytes of rows.
    fn column(&self, before: usize, width: usize) -> &[u8] {
        let at = self.text_len + (self.n_files + 1) * 4 + before * self.n_rows;
        &self.bytes[at..at + width * self.n_rows]
    }

    fn starts(&self) -> &[u8] {
        &self.bytes[self.text_len..self.text_len + (self.n_files + 1) * 4]
    }

    fn masks(&self) -> &[u8] {
        self.column(0, 8)
    }

    fn ends(&self) -> &[u8] {
        self.column(8, 4)
    }

    fn lines(&self) -> &[u8] {
        self.column(12, 4)
    }

    fn kinds(&self) -> &[u8] {
        self.column(16, 1)
    }

    /// How many files the table lists names for.
    pub fn files(&self) -> usize {
        self.n_files
    }

    /// How many declarations it names.
    pub fn declarations(&self) -> usize {
        self.n_rows
    }

    /// The declarations of file `file` whose names hold all of `need`'s [`letters`], in
    /// the file's order (none past the table's files).
    pub fn of_file(&self, file: usize, need: u64) -> impl Iterator<Item = Entry<'_>> {
        let first = u32_at(self.starts(), file);
        let rows = if file < self.n_files {
            first..u32_at(self.starts(), file + 1)
        } else {
            0..0
        };
        let (masks, ends) = (self.masks(), self.ends());
        rows.filter(move |&i| {
            let b = &masks[i * 8..i * 8 + 8];
            u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) & need == need
        })
        .filter_map(move |i| {
            let start = if i == 0 { 0 } else { u32_at(ends, i - 1) };
            let name = self.bytes.get(start..u32_at(ends, i))?;
            Some(Entry {
                // Checked as a whole; a slice off a character boundary is no name.
                name: std::str::from_utf8(name).ok()?,
                kind: self.kinds()[i],
                line: u32_at(self.lines(), i),
                decl: i - first,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(names: &[(&str, usize)]) -> FileNames {
        let mut f = FileNames::default();
        for &(n, line) in names {
            f.push(n, 3, line);
        }
        f
    }

    fn listed(t: &NameTable, k: usize, need: u64) -> Vec<(String, usize, usize)> {
        t.of_file(k, need)
            .map(|e| (e.name.to_string(), e.line, e.decl))
            .collect()
    }

    fn s(name: &str, line: usize, decl: usize) -> (String, usize, usize) {
        (name.to_string(), line, decl)
    }

    #[test]
    fn reads_back_each_files_names() {
        let bytes = encode([
            file(&[("Scheduler.scheduleOne", 10), ("New", 20)]),
            file(&[]),
            file(&[("Run", 7)]),
        ]);
        let t = NameTable::decode(bytes).unwrap();
        assert_eq!((t.files(), t.declarations()), (3, 3));
        assert_eq!(
            listed(&t, 0, 0),
            [s("Scheduler.scheduleOne", 10, 0), s("New", 20, 1)]
        );
        assert!(listed(&t, 1, 0).is_empty());
        assert_eq!(listed(&t, 2, 0), [s("Run", 7, 0)]);
        assert!(listed(&t, 3, 0).is_empty());
        let empty = NameTable::decode(encode([])).unwrap();
        assert_eq!((empty.files(), empty.declarations()), (0, 0));
    }

    #[test]
    fn letters_filter_without_losing_a_match() {
        let t = NameTable::decode(encode([file(&[
            ("Scheduler.scheduleOne", 10),
            ("New", 20),
            ("ÜberName_2", 30),
        ])]))
        .unwrap();
        assert_eq!(
            listed(&t, 0, letters(b"schdone")),
            [s("Scheduler.scheduleOne", 10, 0)]
        );
        assert_eq!(listed(&t, 0, letters(b"NEW")), [s("New", 20, 1)]);
        assert_eq!(listed(&t, 0, letters(b"ber_2")), [s("ÜberName_2", 30, 2)]);
        assert_eq!(letters("Ü".as_bytes()) & letters(b"ber_2.az09"), 0);
        assert!(listed(&t, 0, letters(b"zzz")).is_empty());
    }

    #[test]
    fn rejects_what_does_not_add_up() {
        let bytes = encode([file(&[("A", 1), ("B", 2)]), file(&[("C", 3)])]);
        for cut in [0, 1, TRAILER, bytes.len() - 1] {
            assert!(
                NameTable::decode(bytes[..cut].to_vec()).is_none(),
                "cut {cut}"
            );
        }
        // A file's start past the next one's.
        let mut bad = bytes.clone();
        bad["ABC".len() + 4] = 9;
        assert!(NameTable::decode(bad).is_none());
        // Text that is not UTF-8.
        let mut bad = bytes.clone();
        bad[0] = 0xff;
        assert!(NameTable::decode(bad).is_none());
        // A name's end past the next one's.
        let mut bad = bytes;
        bad["ABC".len() + 3 * 4 + 3 * 8] = 7;
        assert!(NameTable::decode(bad).is_none());
    }
}
