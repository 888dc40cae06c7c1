//! Everything k8s-study knows about Go's grammar, in one record.

use std::cell::RefCell;
use std::fmt;
use std::num::NonZeroU16 as FieldId;
use std::ops::ControlFlow;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tree_sitter::{Language, ParseOptions, ParseState, Parser, Query};

/// The grammar, loaded once.
pub fn language() -> &'static Language {
    static LANGUAGE: OnceLock<Language> = OnceLock::new();
    LANGUAGE.get_or_init(|| tree_sitter_go::LANGUAGE.into())
}

/// The grammar's fields the declaration walk asks nodes for.
#[derive(Clone, Copy)]
pub enum Field {
    Name,
    Receiver,
    Type,
    Body,
    Value,
}

impl Field {
    /// Its id, looked up once: asking a node by field name compares the name with the
    /// grammar's field names on every call, thousands of times per file.
    pub fn id(self) -> FieldId {
        static IDS: OnceLock<[FieldId; 5]> = OnceLock::new();
        IDS.get_or_init(|| {
            ["name", "receiver", "type", "body", "value"].map(|name| {
                language()
                    .field_id_for_name(name)
                    .expect("tree-sitter-go has the fields extract uses (tested)")
            })
        })[self as usize]
    }
}

/// `queries/go/calls.scm`: call sites, by name. Compiled on first use, shared by every
/// thread: declarations are found without a query (`extract`), and a process that never
/// asks for calls never pays for compiling it.
pub fn calls_query() -> &'static Query {
    static CALLS: OnceLock<Query> = OnceLock::new();
    CALLS.get_or_init(|| {
        Query::new(language(), include_str!("../../queries/go/calls.scm"))
            .expect("queries/go/calls.scm compiles (tested)")
    })
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Larger files are not parsed. A tree-sitter tree costs ~40 bytes per byte of dense Go, so
/// this keeps one parse under ~350 MB; the largest Go file of Kubernetes v1.20 (a vendored
/// `compute-gen.go`) is 6.9 MB.
pub const MAX_PARSE_BYTES: usize = 8 << 20;
/// A parse that takes longer is abandoned: release builds parse megabytes per second, so only
/// input that drives tree-sitter's error recovery into the ground gets here.
pub const PARSE_TIMEOUT: Duration = Duration::from_secs(20);

/// Why a file has no syntax tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseFailure {
    TooBig(usize),
    TimedOut,
}

impl fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooBig(len) => {
                // One decimal of megabytes, in integers (no float casts).
                let tenths = len.saturating_mul(10) / (1 << 20);
                write!(
                    f,
                    "file is {}.{} MB, over the {} MB parse limit",
                    tenths / 10,
                    tenths % 10,
                    MAX_PARSE_BYTES >> 20
                )
            }
            Self::TimedOut => write!(
                f,
                "parsing took longer than {} s and was abandoned",
                PARSE_TIMEOUT.as_secs()
            ),
        }
    }
}

/// Parse with this thread's parser (parsers are not `Sync`, and making one per file is waste),
/// within [`MAX_PARSE_BYTES`] and [`PARSE_TIMEOUT`].
pub fn parse(source: &[u8]) -> Result<tree_sitter::Tree, ParseFailure> {
    parse_within(source, MAX_PARSE_BYTES, PARSE_TIMEOUT)
}

pub fn parse_within(
    source: &[u8],
    max_bytes: usize,
    timeout: Duration,
) -> Result<tree_sitter::Tree, ParseFailure> {
    if source.len() > max_bytes {
        return Err(ParseFailure::TooBig(source.len()));
    }
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(language())
                .expect("tree-sitter-go matches the tree-sitter ABI");
            p
        });
        let deadline = Instant::now() + timeout;
        let mut past_deadline = |_: &ParseState| {
            if Instant::now() > deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = ParseOptions::new().progress_callback(&mut past_deadline);
        let len = source.len();
        let tree = parser.parse_with_options(
            &mut |i, _| if i < len { &source[i..] } else { &[] },
            None,
            Some(options),
        );
        tree.ok_or_else(|| {
            // A cancelled parser resumes where it stopped on the next call unless reset.
            parser.reset();
            ParseFailure::TimedOut
        })
    })
}

/// Node kinds that mean "we are inside a function body": declarations there are local.
pub const LOCAL_SCOPES: &[&str] = &[
    "block",
    "func_literal",
    "function_declaration",
    "method_declaration",
];

/// GOOS and GOARCH values that make a `_suffix.go` file build-constrained.
pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn files_over_the_limit_are_not_parsed() {
        let source = b"package x\n\nfunc F() {}\n";
        assert!(parse_within(source, source.len(), PARSE_TIMEOUT).is_ok());
        assert_eq!(
            parse_within(source, source.len() - 1, PARSE_TIMEOUT).unwrap_err(),
            ParseFailure::TooBig(source.len())
        );
        assert_eq!(
            ParseFailure::TooBig(12 << 20).to_string(),
            "file is 12.0 MB, over the 8 MB parse limit"
        );
    }

    /// Regression guard: a cancelled tree-sitter parser resumes the abandoned parse on its next
    /// call unless reset, and this thread's parser is shared by every later file.
    #[test]
    fn an_abandoned_parse_leaves_the_parser_usable() {
        let mut big = String::from("package x\n\n");
        for i in 0..20_000 {
            writeln!(big, "func F{i}() {{ if a {{ b(c, d[e]) }} }}").unwrap();
        }
        assert_eq!(
            parse_within(big.as_bytes(), MAX_PARSE_BYTES, Duration::ZERO).unwrap_err(),
            ParseFailure::TimedOut
        );
        let small = b"package y\n\nfunc G() {}\n";
        let tree = parse(small).unwrap();
        let root = tree.root_node();
        assert!(!root.has_error(), "{}", root.to_sexp());
        assert_eq!(root.end_byte(), small.len());
        assert_eq!(
            root.named_child(1).map(|n| n.kind()),
            Some("function_declaration")
        );
    }
}
