//! Everything k8s-study knows about Go's grammar, in one record.

use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{Language, Parser, Query};

/// The compiled grammar and query, shared by every thread.
pub struct Go {
    pub language: Language,
    /// `queries/go/definitions.scm`: top-level declarations.
    pub definitions: Query,
    pub capture_name: u32,
    pub capture_receiver: u32,
    /// `queries/go/calls.scm`: call sites, by name.
    pub calls: Query,
}

const DEFINITIONS: &str = include_str!("../../queries/go/definitions.scm");
const CALLS: &str = include_str!("../../queries/go/calls.scm");

pub fn go() -> &'static Go {
    static GO: OnceLock<Go> = OnceLock::new();
    GO.get_or_init(|| {
        let language: Language = tree_sitter_go::LANGUAGE.into();
        let definitions = Query::new(&language, DEFINITIONS)
            .expect("queries/go/definitions.scm compiles (tested)");
        let index = |name| {
            definitions
                .capture_index_for_name(name)
                .expect("capture present in definitions.scm")
        };
        let calls = Query::new(&language, CALLS).expect("queries/go/calls.scm compiles (tested)");
        Go {
            capture_name: index("name"),
            capture_receiver: index("receiver"),
            calls,
            language,
            definitions,
        }
    })
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse with this thread's parser (parsers are not `Sync`, and making one per file is waste).
pub fn parse(source: &[u8]) -> Option<tree_sitter::Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&go().language)
                .expect("tree-sitter-go matches the tree-sitter ABI");
            p
        });
        parser.parse(source, None)
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
