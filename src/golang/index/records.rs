//! One file's record: its declarations as `extract` finds them, each with a hash of its
//! text, and what may make them incomplete.

use std::hash::{Hash as _, Hasher as _};

use super::codec::{Reader, Writer};
use crate::golang::{Decl, ParseFailure};
use crate::item::{Kind, QualName};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    pub decls: Vec<Decl>,
    /// A hash of each declaration's text (doc excluded), in `decls` order: equal hashes
    /// at two versions mean an unchanged body without reading either file.
    pub body_hashes: Vec<u64>,
    pub syntax_errors: usize,
    pub unparsed: Option<ParseFailure>,
    pub build_constrained: bool,
}

impl FileRecord {
    /// The record of a file, parsed with its function bodies blanked when that is safe
    /// (`mask`): the ranges are the original's, the hashes are of the original text.
    pub fn parse(bytes: &[u8]) -> Self {
        let file = super::mask::declarations(bytes);
        let body_hashes = file
            .decls
            .iter()
            .map(|d| body_hash(bytes.get(d.start_byte..d.end_byte).unwrap_or_default()))
            .collect();
        Self {
            decls: file.decls,
            body_hashes,
            syntax_errors: file.syntax_errors,
            unparsed: file.unparsed,
            build_constrained: file.build_constrained,
        }
    }
}

/// The hash of a declaration's text. `SipHash` with fixed keys: stable within one build of
/// the tool, which is all an index is ever read by (the fingerprint names the build).
pub fn body_hash(text: &[u8]) -> u64 {
    #[allow(deprecated)] // SipHasher: a keyed hash with fixed keys is what we want
    let mut h = std::hash::SipHasher::new();
    text.hash(&mut h);
    h.finish()
}

const KINDS: [Kind; 14] = [
    Kind::Func,
    Kind::Method,
    Kind::Struct,
    Kind::Interface,
    Kind::Alias,
    Kind::Type,
    Kind::InterfaceMethod,
    Kind::Const,
    Kind::Var,
    Kind::Enum,
    Kind::Trait,
    Kind::TraitMethod,
    Kind::Static,
    Kind::Macro,
];

pub fn kind_code(kind: Kind) -> u8 {
    KINDS
        .iter()
        .position(|&k| k == kind)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

pub fn kind_of(code: u8) -> Option<Kind> {
    KINDS.get(usize::from(code)).copied()
}

/// Declarations per compressed group: a hit in a generated file of thousands of
/// declarations inflates one group, not the whole record.
const GROUP: usize = 128;

/// A record's bytes in the pack: a small plain header (the file's problems, how many
/// declarations, each group's stored length), then the declarations in groups of [`GROUP`],
/// each compressed (LZ4) on its own.
pub fn encode(r: &FileRecord) -> Vec<u8> {
    let groups: Vec<Vec<u8>> = r
        .decls
        .chunks(GROUP)
        .zip(r.body_hashes.chunks(GROUP))
        .map(|(decls, hashes)| super::codec::compress(&encode_group(decls, hashes)))
        .collect();
    let mut w = Writer::default();
    w.u8(u8::from(r.build_constrained));
    w.len(r.syntax_errors);
    match &r.unparsed {
        None => w.u8(0),
        Some(ParseFailure::TooBig(n)) => {
            w.u8(1);
            w.u64(*n as u64);
        }
        Some(ParseFailure::TimedOut) => w.u8(2),
    }
    w.len(r.decls.len());
    for g in &groups {
        w.len(g.len());
    }
    for g in &groups {
        w.buf.extend_from_slice(g);
    }
    w.buf
}

fn encode_group(decls: &[Decl], hashes: &[u64]) -> Vec<u8> {
    let mut w = Writer::default();
    for (d, hash) in decls.iter().zip(hashes) {
        w.str(d.name.receiver.as_deref().unwrap_or(""));
        w.str(&d.name.name);
        w.u8(kind_code(d.kind));
        w.len(d.start_line);
        w.len(d.end_line);
        w.len(d.start_byte);
        w.len(d.end_byte);
        w.str(&d.signature);
        w.str(&d.doc);
        w.u64(*hash);
    }
    w.buf
}

/// No group decompresses past this (files over the parse limit have no declarations).
const MAX_GROUP: usize = 1 << 28;

pub fn decode(stored: &[u8]) -> Option<FileRecord> {
    decode_where(stored, Keep::All)
}

/// Which declarations a record is read back with.
#[derive(Clone, Copy)]
pub enum Keep<'k> {
    All,
    /// Those at these places in the record (sorted): only their groups are inflated.
    Places(&'k [usize]),
    /// Those `f(receiver, name)` wants, asked with the bytes (an empty receiver for none)
    /// before they are checked as UTF-8.
    Names(&'k dyn Fn(&[u8], &[u8]) -> bool),
}

impl Keep<'_> {
    fn group(self, places: std::ops::Range<usize>) -> bool {
        match self {
            Self::Places(wanted) => {
                let at = wanted.partition_point(|&p| p < places.start);
                wanted.get(at).is_some_and(|p| places.contains(p))
            }
            Self::All | Self::Names(_) => true,
        }
    }

    fn keep(self, place: usize, receiver: &[u8], name: &[u8]) -> bool {
        match self {
            Self::All => true,
            Self::Places(wanted) => wanted.binary_search(&place).is_ok(),
            Self::Names(f) => f(receiver, name),
        }
    }
}

/// The record with only the declarations `keep` wants (their body hashes alike): groups
/// without one are not inflated, and the others' declarations are skipped without copying
/// their signature and doc, most of a record's bytes. The record's checksum was verified
/// when it was read, so skipping trusts no more than decoding does.
pub fn decode_where(stored: &[u8], keep: Keep<'_>) -> Option<FileRecord> {
    let mut r = Reader::new(stored);
    let build_constrained = match r.u8()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let syntax_errors = r.usize()?;
    let unparsed = match r.u8()? {
        0 => None,
        1 => Some(ParseFailure::TooBig(usize::try_from(r.u64()?).ok()?)),
        2 => Some(ParseFailure::TimedOut),
        _ => return None,
    };
    let n = r.usize()?;
    let mut lens = Vec::with_capacity(n.div_ceil(GROUP).min(1 << 16));
    for _ in 0..n.div_ceil(GROUP) {
        lens.push(r.usize()?);
    }
    let mut decls = Vec::new();
    let mut body_hashes = Vec::new();
    for (g, len) in lens.into_iter().enumerate() {
        let stored_group = r.take(len)?;
        let places = g * GROUP..n.min((g + 1) * GROUP);
        if !keep.group(places.clone()) {
            continue;
        }
        let bytes = super::codec::decompress(stored_group, MAX_GROUP)?;
        let mut group = Reader::new(&bytes);
        for place in places {
            let receiver = group.bytes()?;
            let name = group.bytes()?;
            if !keep.keep(place, receiver, name) {
                kind_of(group.u8()?)?;
                for _ in 0..4 {
                    group.usize()?;
                }
                group.bytes()?;
                group.bytes()?;
                group.u64()?;
                continue;
            }
            let (receiver, name) = (
                std::str::from_utf8(receiver).ok()?,
                std::str::from_utf8(name).ok()?,
            );
            decls.push(Decl {
                name: QualName {
                    receiver: (!receiver.is_empty()).then(|| receiver.to_string()),
                    name: name.to_string(),
                },
                kind: kind_of(group.u8()?)?,
                start_line: group.usize()?,
                end_line: group.usize()?,
                start_byte: group.usize()?,
                end_byte: group.usize()?,
                signature: group.str()?.to_string(),
                doc: group.str()?.to_string(),
            });
            body_hashes.push(group.u64()?);
        }
        if !group.done() {
            return None;
        }
    }
    r.done().then_some(FileRecord {
        decls,
        body_hashes,
        syntax_errors,
        unparsed,
        build_constrained,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> FileRecord {
        let decls: Vec<Decl> = (0..n)
            .map(|i| Decl {
                name: QualName {
                    receiver: (i % 3 == 0).then(|| format!("T{i}")),
                    name: format!("F{i}"),
                },
                kind: if i % 3 == 0 { Kind::Method } else { Kind::Func },
                start_line: i + 1,
                end_line: i + 2,
                start_byte: i * 10,
                end_byte: i * 10 + 9,
                signature: format!("func F{i}()"),
                doc: "// doc".repeat(i % 4),
            })
            .collect();
        FileRecord {
            body_hashes: (0..n as u64).collect(),
            decls,
            syntax_errors: 2,
            unparsed: None,
            build_constrained: true,
        }
    }

    #[test]
    fn groups_read_back_whole_or_only_where_wanted() {
        for n in [0, 1, GROUP - 1, GROUP, GROUP + 1, 3 * GROUP + 7] {
            let r = record(n);
            let stored = encode(&r);
            assert_eq!(decode(&stored).as_ref(), Some(&r), "{n} declarations");
            let places: Vec<usize> = (0..n).filter(|p| p % 97 == 5).collect();
            let some = decode_where(&stored, Keep::Places(&places)).unwrap();
            let want: Vec<&Decl> = places.iter().map(|&p| &r.decls[p]).collect();
            assert_eq!(some.decls.iter().collect::<Vec<_>>(), want);
            assert_eq!(
                some.body_hashes,
                places.iter().map(|&p| p as u64).collect::<Vec<_>>()
            );
            let named = decode_where(&stored, Keep::Names(&|recv, _| recv.is_empty())).unwrap();
            assert_eq!(named.decls.len(), n - n.div_ceil(3));
        }
    }

    #[test]
    fn a_group_that_does_not_add_up_is_refused_even_when_skipped_ones_are_not_read() {
        let stored = encode(&record(2 * GROUP));
        // Cut anywhere: refused whole and for a place in the first group.
        for cut in [1, 10, stored.len() / 2, stored.len() - 1] {
            assert!(decode(&stored[..cut]).is_none(), "cut {cut}");
        }
        let mut longer = stored.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
        assert!(decode_where(&longer, Keep::Places(&[3])).is_none());
    }
}
