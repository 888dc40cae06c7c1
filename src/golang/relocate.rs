//! Finding declarations anywhere in a tree, by name, in one pass: the search behind
//! `moved-package` and cross-package `renamed`.
//!
//! Every `.go` file (tests and `testdata/` excluded) is read from git objects in parallel and
//! kept only if it spells one of *all* wanted names in a declaration shape (`) Add(`,
//! `func NewQueue(`, `type Queue `...) at a place where gofmt'd code can declare it
//! (`Prefilter`). Only the declarations around those spellings are parsed: the rest of the
//! file is blanked, offsets kept (`masked`); a file whose blanked text does not parse
//! cleanly is parsed whole. On the v1.20.2 monorepo that is 12,000 files read and a few
//! hundred parsed in part (every `Run` method is a candidate for a missing `T.Run`), not the
//! 7 MB generated clients whose struct fields spell `\tSchedule `.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, BuildError, MatchKind};
use indicatif::ProgressBar;

use super::index::TreeIndex;
use super::resolve::needles;
use super::{Located, ModuleMap, index_files};
use crate::item::QualName;
use crate::source::{Snapshot, SourceError};

/// A declaration found by the search, with its package and its source text.
#[derive(Clone, Debug)]
pub struct Found {
    pub import_path: String,
    pub located: Located,
    pub text: String,
}

/// Every declaration in `snapshot` whose plain name is one of `names` (methods match by
/// method name, whatever their receiver), grouped by that name.
pub fn search(
    snapshot: &Snapshot,
    modules: &ModuleMap,
    names: &BTreeSet<String>,
    progress: &ProgressBar,
) -> Result<BTreeMap<String, Vec<Found>>, SourceError> {
    let mut out: BTreeMap<String, Vec<Found>> = BTreeMap::new();
    if names.is_empty() {
        return Ok(out);
    }
    let prefilter = Prefilter::new(names).map_err(|e| SourceError::Corrupt {
        repo: snapshot.repo_name.clone(),
        detail: format!("search patterns: {e}"),
    })?;
    let files: Vec<_> = snapshot
        .files_with_suffix(".go", &["testdata", ".git"])?
        .into_iter()
        .filter(|(p, _)| !p.ends_with("_test.go"))
        .collect();
    progress.set_length(files.len() as u64);
    let keep = |bytes: &[u8]| prefilter.matches(bytes);
    let tick = |n: u64| progress.inc(n);
    let candidates = snapshot.par_read_filtered(&files, &keep, &tick)?;
    // Parse only the declarations around the matches (the rest blanked, offsets kept); a
    // file whose blanked text does not parse cleanly is parsed whole instead.
    let masked: Vec<Option<Vec<u8>>> = candidates
        .iter()
        .map(|(_, b)| masked(b, &prefilter.places(b)))
        .collect();
    let jobs: Vec<(&str, &[u8])> = candidates
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let cut: Vec<(&str, &[u8])> = candidates
        .iter()
        .zip(&masked)
        .map(|((p, b), m)| (p.as_str(), m.as_deref().unwrap_or(b)))
        .collect();
    let (mut decls, unclean) = index_files(&cut);
    if !unclean.is_empty() {
        let unclean: BTreeSet<&str> = unclean.iter().map(|(p, _)| p.as_str()).collect();
        decls.retain(|l| !unclean.contains(l.file.as_str()));
        let whole: Vec<(&str, &[u8])> = jobs
            .iter()
            .copied()
            .filter(|(p, _)| unclean.contains(p))
            .collect();
        decls.extend(index_files(&whole).0);
    }
    let bytes_of: BTreeMap<&str, &[u8]> = jobs.iter().copied().collect();
    for located in decls {
        if !names.contains(&located.decl.name.name) {
            continue;
        }
        let dir = located.file.rsplit_once('/').map_or("", |(d, _)| d);
        let Some(import_path) = modules.import_path_of(dir) else {
            continue;
        };
        let bytes = bytes_of.get(located.file.as_str()).copied();
        add_found(&mut out, import_path, located, bytes);
    }
    sort(&mut out);
    Ok(out)
}

/// A declaration found by name, with its text from its file's bytes (empty when the file
/// could not be read).
fn add_found(
    out: &mut BTreeMap<String, Vec<Found>>,
    import_path: String,
    located: Located,
    file_bytes: Option<&[u8]>,
) {
    let text = file_bytes
        .and_then(|b| b.get(located.decl.start_byte..located.decl.end_byte))
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    out.entry(located.decl.name.name.clone())
        .or_default()
        .push(Found {
            import_path,
            located,
            text,
        });
}

/// [`search`] answered from the tree's declaration index: no file is parsed, and only the
/// files that declare a wanted name are read (for the declarations' text).
pub fn search_indexed(
    snapshot: &Snapshot,
    index: &TreeIndex,
    names: &BTreeSet<String>,
) -> Result<BTreeMap<String, Vec<Found>>, SourceError> {
    let mut out: BTreeMap<String, Vec<Found>> = BTreeMap::new();
    if names.is_empty() {
        return Ok(out);
    }
    let hits = index
        .names_where(&mut |n| names.contains(n.rsplit_once('.').map_or(n, |(_, leaf)| leaf)))
        .ok_or_else(|| SourceError::Corrupt {
            repo: snapshot.repo_name.clone(),
            detail: "the declaration index's names fail their check; run again to rebuild them"
                .into(),
        })?;
    let located = index.located(&hits).map_err(|file| SourceError::Corrupt {
        repo: snapshot.repo_name.clone(),
        detail: format!("declaration index record of {file} fails its check"),
    })?;
    let mut bytes_of: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
    for (hit, located) in hits.into_iter().zip(located) {
        if !bytes_of.contains_key(&hit.file) {
            bytes_of.insert(hit.file.clone(), snapshot.read(&hit.file)?);
        }
        add_found(
            &mut out,
            hit.import_path,
            located,
            bytes_of[&hit.file].as_deref(),
        );
    }
    sort(&mut out);
    Ok(out)
}

/// Tree order, whichever way the declarations were found.
fn sort(found: &mut BTreeMap<String, Vec<Found>>) {
    for list in found.values_mut() {
        list.sort_by(|a, b| {
            (&a.located.file, a.located.decl.start_byte)
                .cmp(&(&b.located.file, b.located.decl.start_byte))
        });
    }
}

/// The byte test a file must pass to be parsed: it spells one of the names in a
/// declaration shape (`) Add(`, `func NewQueue(`, `\tQueue `... the needles of
/// [`needles`], for a method and for a plain declaration of the name), at a place where
/// gofmt'd code can declare something at top level.
struct Prefilter {
    /// The names alone: few patterns with distinctive first bytes, so the automaton can use
    /// its SIMD prefilter (needles that start with `\t` or `)` cannot).
    names: AhoCorasick,
    /// The needle shapes around a name: the bytes just before and just after it.
    shapes: Vec<(String, String)>,
}

impl Prefilter {
    fn new(names: &BTreeSet<String>) -> Result<Self, BuildError> {
        const MARK: &str = "\u{1}";
        let mut needles_of_mark = needles(&QualName::plain(MARK));
        needles_of_mark.extend(needles(&QualName::method("_", MARK)));
        let mut shapes: BTreeSet<(String, String)> = needles_of_mark
            .iter()
            .filter_map(|n| n.split_once(MARK))
            .map(|(before, after)| (before.to_string(), after.to_string()))
            .collect();
        // A constant alone on its line, repeating the group's iota expression: only the
        // declarations around a match are parsed, so it needs its own shape here.
        shapes.insert(("\t".into(), "\n".into()));
        // Leftmost-longest loses nothing: every shape ends the name with a byte that cannot
        // continue an identifier, so two names never both fit at one place.
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(names)?;
        Ok(Self {
            names,
            shapes: shapes.into_iter().collect(),
        })
    }

    /// Some spelling of a name can be a top-level declaration.
    fn matches(&self, bytes: &[u8]) -> bool {
        self.spellings(bytes).any(|place| place != Place::No)
    }

    /// Where the declarations that spell a name start (the line of `func`, `type`, or of the
    /// group's or interface's header).
    fn places(&self, bytes: &[u8]) -> Vec<Place> {
        self.spellings(bytes).filter(|p| *p != Place::No).collect()
    }

    fn spellings<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = Place> + 'a {
        self.names.find_iter(bytes).flat_map(move |m| {
            self.shapes
                .iter()
                .filter(move |(before, after)| {
                    m.start() >= before.len()
                        && bytes[m.start() - before.len()..m.start()] == *before.as_bytes()
                        && bytes[m.end()..].starts_with(after.as_bytes())
                })
                .map(move |(before, _)| top_level(bytes, m.start() - before.len()))
        })
    }
}

/// Where a declaration-shaped spelling sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Cannot declare anything at top level (a struct field, a statement, a comment).
    No,
    /// In the top-level declaration whose first line starts at this byte.
    At(usize),
    /// Maybe a declaration, but where it starts is not clear: parse the whole file.
    Unclear,
}

/// Where a needle at byte `at` can be a top-level declaration in gofmt'd code. Only the
/// impossible cases are refused, so that big files are not parsed for nothing (a struct
/// field `\tSchedule ` in a 7 MB generated client, a call `\tRun(` in a function body):
/// - `) Name(` is a method only on a line starting `func (`;
/// - an indented needle is a declaration unless the top-level line it sits under opens a
///   function body or a struct (`func …`, `) … {` ending a multi-line signature,
///   `type … struct {`). Group members (`const (`, `var (`, `type (`) and interface
///   methods stay, at their header's line; anything else is `Unclear`, kept, parsed whole.
fn top_level(bytes: &[u8], at: usize) -> Place {
    let bol = line_start(bytes, at);
    if bytes[at] == b')' {
        return if bytes[bol..].starts_with(b"func (") {
            Place::At(bol)
        } else {
            Place::No
        };
    }
    if at == bol && bytes[at] != b'\t' {
        return Place::At(bol);
    }
    let mut end = bol;
    while end > 0 {
        let start = line_start(bytes, end - 1);
        let line = &bytes[start..end - 1];
        end = start;
        if line.is_empty() || line[0].is_ascii_whitespace() || line.starts_with(b"//") {
            continue;
        }
        if line.starts_with(b"func ")
            || (line.starts_with(b")") && line.ends_with(b"{"))
            || (line.starts_with(b"type ") && line.ends_with(b"struct {"))
        {
            return Place::No;
        }
        let group = [&b"const ("[..], b"var (", b"type ("].contains(&line)
            || (line.starts_with(b"type ") && line.ends_with(b"interface {"));
        return if group {
            Place::At(start)
        } else {
            Place::Unclear
        };
    }
    Place::Unclear
}

/// The start of the line holding byte `at`.
fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// Where the comment tree-sitter gives as a declaration's doc starts: the `//` lines and
/// `/* … */` block right above `first`, else a trailing `// …` on the line above.
fn doc_start(bytes: &[u8], first: usize) -> usize {
    let above = |at: usize| (at > 0).then(|| line_start(bytes, at - 1));
    let mut start = first;
    while let Some(a) = above(start).filter(|&a| bytes[a..].starts_with(b"//")) {
        start = a;
    }
    if let Some(a) = above(start).filter(|&a| bytes[a..start].trim_ascii_end().ends_with(b"*/")) {
        start = a;
        while !bytes[start..].starts_with(b"/*") {
            match above(start) {
                Some(a) => start = a,
                None => break,
            }
        }
    }
    if start == first
        && let Some(a) = above(start)
        && memchr::memmem::find(&bytes[a..start], b"//").is_some()
    {
        start = a;
    }
    start
}

/// Lines that start a top-level item in gofmt'd code: where a declaration's text ends.
const TOP_LEVEL: [&[u8]; 7] = [
    b"func ", b"type ", b"var ", b"const ", b"import ", b"//", b"/*",
];

/// `bytes` with only the package clause (and what precedes it: build constraints) and the
/// declarations at `places` (with their doc comments) left; every other byte but `\n` is a
/// space, so offsets and line numbers are those of the file and tree-sitter skips the rest
/// as whitespace. `None` when the file must be parsed whole.
fn masked(bytes: &[u8], places: &[Place]) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'\n' { b'\n' } else { b' ' })
        .collect();
    let package = if bytes.starts_with(b"package ") {
        0
    } else {
        memchr::memmem::find(bytes, b"\npackage ")? + 1
    };
    let head = memchr::memchr(b'\n', &bytes[package..]).map_or(bytes.len(), |i| package + i);
    out[..head].copy_from_slice(&bytes[..head]);
    for place in places {
        let Place::At(first) = *place else {
            return None;
        };
        // Inside a raw string (an odd number of backquotes before it) it may be Go code a
        // generator writes: only the whole file tells.
        if memchr::memchr_iter(b'`', &bytes[..first]).count() % 2 == 1 {
            return None;
        }
        let start = doc_start(bytes, first);
        // The text runs to the next line that starts a top-level item.
        let mut end = memchr::memchr(b'\n', &bytes[first..]).map_or(bytes.len(), |i| first + i + 1);
        while end < bytes.len() && !TOP_LEVEL.iter().any(|t| bytes[end..].starts_with(t)) {
            end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i + 1);
        }
        out[start..end].copy_from_slice(&bytes[start..end]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(names: &[&str]) -> Prefilter {
        Prefilter::new(&names.iter().map(|n| (*n).to_string()).collect()).unwrap()
    }

    #[test]
    fn declarations_pass() {
        let f = filter(&["Run", "New", "NewQueue", "Queue", "Max", "Min"]);
        for src in [
            "package a\n\nfunc (s *S) Run(stop <-chan struct{}) {\n}\n",
            "package a\nfunc New() *S { return nil }\n",
            "package a\nfunc NewQueue[T any]() {}\n",
            "package a\ntype Queue struct{}\n",
            "package a\n\nconst (\n\t// doc\n\tMax = 3\n)\n",
            "package a\n\ntype (\n\tQueue int\n)\n",
            "package a\n\ntype I interface {\n\tRun(stop <-chan struct{})\n}\n",
            "package a\n\nvar Max, Min = 1, 2\n",
            "package a\n\nconst (\n\tMax Code = iota\n\tMin\n)\n",
            "\tRun(x)\n",
        ] {
            assert!(f.matches(src.as_bytes()), "{src:?}");
        }
    }

    #[test]
    fn fields_calls_and_longer_names_do_not() {
        let f = filter(&["Run", "Schedule", "New"]);
        for src in [
            "package a\n\ntype P struct {\n\tSchedule *Policy `json:\"s\"`\n}\n",
            "package a\n\ntype P[T any] struct {\n\tSchedule T\n}\n",
            "package a\n\nfunc f() {\n\tRun(x)\n\tif y {\n\t\tRun(z)\n\t}\n}\n",
            "package a\n\nfunc f(\n\ta int,\n) error {\n\tvar New = 1\n}\n",
            "package a\n// see func (s *S) Run(\nfunc NewQueue() {}\n",
            "package a\nfunc Runner() {}\ntype Scheduler struct{}\n",
        ] {
            assert!(!f.matches(src.as_bytes()), "{src:?}");
        }
    }

    #[test]
    fn only_the_matching_declarations_are_left_in_place() {
        let src = "//go:build linux\n\npackage a\n\nimport \"x\"\n\n// Run runs.\nfunc (s *S) Run(\n\ta int,\n) error {\n\treturn x.Y(`\n}`)\n}\n\nfunc other() {\n\tRun(1)\n}\n\nconst (\n\tMax = 1\n)\n";
        let f = filter(&["Run", "Max"]);
        let out = masked(src.as_bytes(), &f.places(src.as_bytes())).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.len(), src.len());
        assert_eq!(out.lines().count(), src.lines().count());
        let kept: Vec<&str> = out
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            kept,
            [
                "//go:build linux",
                "package a",
                "// Run runs.",
                "func (s *S) Run(",
                "\ta int,",
                ") error {",
                "\treturn x.Y(`",
                "}`)",
                "}",
                "const (",
                "\tMax = 1",
                ")"
            ]
        );
    }

    #[test]
    fn a_declaration_inside_a_raw_string_means_the_whole_file() {
        let src = "package gen\n\nconst tmpl = `\nfunc Run() {}\n`\n";
        let f = filter(&["Run"]);
        assert_eq!(masked(src.as_bytes(), &f.places(src.as_bytes())), None);
    }
}
