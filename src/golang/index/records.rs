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

/// A record's bytes in the pack: its fields, compressed (LZ4).
pub fn encode(r: &FileRecord) -> Vec<u8> {
    super::codec::compress(&encode_raw(r))
}

fn encode_raw(r: &FileRecord) -> Vec<u8> {
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
    for (d, hash) in r.decls.iter().zip(&r.body_hashes) {
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

/// No record decompresses past this (files over the parse limit have no declarations).
const MAX_RECORD: usize = 1 << 28;

pub fn decode(stored: &[u8]) -> Option<FileRecord> {
    decode_where(stored, &|_, _, _| true)
}

/// Which declarations [`decode_where`] keeps, asked with their place in the record, the
/// receiver's and the name's bytes (an empty receiver for none) before they are checked as
/// UTF-8.
pub type Keep<'k> = &'k dyn Fn(usize, &[u8], &[u8]) -> bool;

/// The record with only the declarations `keep(receiver, name)` wants (their body hashes
/// alike): the others are skipped without copying their signature and doc, most of a
/// record's bytes. The record's checksum was verified when it was read, so skipping
/// trusts no more than decoding does.
pub fn decode_where(stored: &[u8], keep: Keep<'_>) -> Option<FileRecord> {
    let bytes = super::codec::decompress(stored, MAX_RECORD)?;
    let mut r = Reader::new(&bytes);
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
    let mut decls = Vec::with_capacity(n.min(1 << 16));
    let mut body_hashes = Vec::with_capacity(n.min(1 << 16));
    for place in 0..n {
        let receiver = r.bytes()?;
        let name = r.bytes()?;
        if !keep(place, receiver, name) {
            let kind = r.u8()?;
            kind_of(kind)?;
            for _ in 0..4 {
                r.usize()?;
            }
            r.bytes()?;
            r.bytes()?;
            r.u64()?;
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
            kind: kind_of(r.u8()?)?,
            start_line: r.usize()?,
            end_line: r.usize()?,
            start_byte: r.usize()?,
            end_byte: r.usize()?,
            signature: r.str()?.to_string(),
            doc: r.str()?.to_string(),
        });
        body_hashes.push(r.u64()?);
    }
    r.done().then_some(FileRecord {
        decls,
        body_hashes,
        syntax_errors,
        unparsed,
        build_constrained,
    })
}
