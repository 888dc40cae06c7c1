//! Tests of declaration extraction: every declaration form, receivers, docs, signatures.

use super::*;

fn names(src: &str) -> Vec<(String, Kind, usize, usize)> {
    extract(src.as_bytes())
        .decls
        .into_iter()
        .map(|d| (d.name.to_string(), d.kind, d.start_line, d.end_line))
        .collect()
}

fn find(src: &[u8], name: &str) -> Decl {
    extract(src)
        .decls
        .into_iter()
        .find(|d| d.name.to_string() == name)
        .unwrap_or_else(|| panic!("{name} not found"))
}

const RECEIVERS: &str = "package q

type Typed[T comparable] struct{ items []T }

func (q Typed[T]) Len() int { return len(q.items) }

func (q *Typed[T]) Add(item T) {
	q.items = append(q.items, item)
}

func (m *Map[K, V]) Get(k K) V { var v V; return v }

func (p (*Paren)) Odd() {}

func (Value) Anonymous() {}
";

#[test]
fn receivers_lose_pointers_and_type_parameters() {
    assert_eq!(
        names(RECEIVERS),
        vec![
            ("Typed".into(), Kind::Struct, 3, 3),
            ("Typed.Len".into(), Kind::Method, 5, 5),
            ("Typed.Add".into(), Kind::Method, 7, 9),
            ("Map.Get".into(), Kind::Method, 11, 11),
            ("Paren.Odd".into(), Kind::Method, 13, 13),
            ("Value.Anonymous".into(), Kind::Method, 15, 15),
        ]
    );
    assert_eq!(
        find(RECEIVERS.as_bytes(), "Typed.Add").signature,
        "func (q *Typed[T]) Add(item T)"
    );
}

const DECLS: &str = r#"package cache

// Store is a generic object storage.
// It is thread-safe.
type Store interface {
	// Add adds an item.
	Add(obj interface{}) error
	List() []interface{}
}

type Phase string

type Alias = map[string]int

type (
	groupedA struct{}
	groupedB int
)

const Single = 1

const (
	// First is first.
	First Phase = "first"
	Second, Third = 2, 3
)

var defaultResync = 30

var (
	errA, errB = 1, 2
)

func New() Store {
	const local = 1
	type localType struct{}
	var v = func() {}
	_ = v
	return nil
}
"#;

#[test]
fn every_declaration_form() {
    let got = names(DECLS);
    let expect: Vec<(&str, Kind)> = vec![
        ("Store", Kind::Interface),
        ("Store.Add", Kind::InterfaceMethod),
        ("Store.List", Kind::InterfaceMethod),
        ("Phase", Kind::Type),
        ("Alias", Kind::Alias),
        ("groupedA", Kind::Struct),
        ("groupedB", Kind::Type),
        ("Single", Kind::Const),
        ("First", Kind::Const),
        ("Second", Kind::Const),
        ("Third", Kind::Const),
        ("defaultResync", Kind::Var),
        ("errA", Kind::Var),
        ("errB", Kind::Var),
        ("New", Kind::Func),
    ];
    let mut got_pairs: Vec<(String, Kind)> =
        got.iter().map(|(n, k, _, _)| (n.clone(), *k)).collect();
    let mut want: Vec<(String, Kind)> = expect
        .into_iter()
        .map(|(n, k)| (n.to_string(), k))
        .collect();
    got_pairs.sort_by(|a, b| a.0.cmp(&b.0));
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got_pairs, want,
        "function-local const/type/var must not appear"
    );
}

#[test]
fn docs_lines_and_signatures() {
    let src = DECLS.as_bytes();
    let store = find(src, "Store");
    assert_eq!((store.start_line, store.end_line), (5, 9));
    assert_eq!(
        store.doc,
        "Store is a generic object storage.\nIt is thread-safe."
    );
    assert_eq!(store.signature, "type Store interface");
    let add = find(src, "Store.Add");
    assert_eq!(
        (add.doc.as_str(), add.signature.as_str()),
        ("Add adds an item.", "Add(obj interface{}) error")
    );
    assert_eq!(find(src, "First").doc, "First is first.");
    assert_eq!(
        find(src, "First").signature,
        "const First Phase = \"first\"",
        "grouped specs keep their keyword"
    );
    assert_eq!(find(src, "Single").signature, "const Single = 1");
    assert_eq!(find(src, "Alias").signature, "type Alias = map[string]int");
    assert_eq!(find(src, "New").signature, "func New() Store");
    assert_eq!(
        (find(src, "New").start_line, find(src, "New").end_line),
        (34, 40)
    );
    assert_eq!(find(src, "Phase").doc, "");
}

#[test]
fn syntax_errors_keep_what_parses() {
    let src = "package x\n\nfunc Good() {}\n\nfunc Broken( {\n\nfunc AlsoGood() int { return 1 }\n";
    let file = extract(src.as_bytes());
    assert!(file.syntax_errors > 0);
    let got: Vec<String> = file.decls.iter().map(|d| d.name.to_string()).collect();
    assert!(got.contains(&"Good".to_string()), "{got:?}");
}

/// Found by the `go_extract` fuzz target: error recovery inserts a zero-width MISSING
/// identifier, which became a declaration with an empty name.
#[test]
fn missing_identifiers_declare_nothing() {
    for src in [
        "package p\n\nconst (\n\tSecond, Thi ,= 2\n)\n",
        "package p\n\nvar a, = 1\n",
        "package p\n\nfunc () {}\n",
        "package p\n\ntype = int\n",
        "package p\n\nfunc (r *R) () {}\n",
        "package p\n\nfunc (r *) M() {}\n",
        "package p\n\ntype interface { M() }\n",
    ] {
        let file = extract(src.as_bytes());
        for d in &file.decls {
            assert!(!d.name.name.is_empty(), "{src:?}: {d:?}");
            assert_ne!(d.name.receiver.as_deref(), Some(""), "{src:?}: {d:?}");
        }
    }
    let got: Vec<String> = extract(b"package p\n\nconst (\n\tSecond, Thi ,= 2\n)\n")
        .decls
        .iter()
        .map(|d| d.name.to_string())
        .collect();
    assert_eq!(got, ["Second", "Thi"]);
}

#[test]
fn non_utf8_bytes_do_not_stop_extraction() {
    let mut src = b"package x\n\n// caf".to_vec();
    src.extend_from_slice(&[0xe9, 0xff]);
    src.extend_from_slice(b"\nfunc After() {}\n");
    let d = find(&src, "After");
    assert_eq!(d.start_line, 4);
    assert!(d.doc.starts_with("caf"), "{:?}", d.doc);
}

#[test]
fn calls_tell_local_from_selector_calls() {
    let src = b"func (s *S) Run() {\n\tgo s.loop()\n\tdefer close(ch)\n\tx := wait.Until(f, 0)\n\t_ = func() { helper() }\n}\n";
    let got: Vec<(String, bool, Option<String>)> = calls(src)
        .into_iter()
        .map(|c| (c.name, c.local, c.qualifier))
        .collect();
    let q = |s: &str| Some(s.to_string());
    let want = vec![
        ("Until".to_string(), false, q("wait")),
        ("close".to_string(), true, None),
        ("helper".to_string(), true, None),
        ("loop".to_string(), false, q("s")),
    ];
    assert_eq!(got, want);
}

#[test]
fn build_constraints_by_line_and_by_name() {
    assert!(extract(b"//go:build linux\n\npackage x\n").build_constrained);
    assert!(extract(b"// +build !windows\n\npackage x\n").build_constrained);
    assert!(!extract(b"package x\n\n// +build linux\n").build_constrained);
    assert!(file_name_constrained("exec_linux.go"));
    assert!(file_name_constrained("zsys_linux_arm64.go"));
    assert!(file_name_constrained("stat_windows.go"));
    assert!(!file_name_constrained("shared_informer.go"));
    assert!(!file_name_constrained("linux.go"));
}

/// Written like the scheduler framework's `Code` and cobra's `ShellCompDirective`: every
/// spec after the first repeats `iota` and its type implicitly.
const IOTA: &str = "package p

// Code is a status.
type Code int

// The codes.
const (
	// Success is fine.
	Success Code = iota
	// Error is not.
	Error
	Wait // Wait's line comment.
	Skip
)

const (
	untypedA = iota
	untypedB
	firstKind Kind = \"a\"
	secondKind
	pairA, pairB = iota, -iota
	pairC, pairD
)

const Alone Code = 9
";

#[test]
fn iota_repeated_consts_are_declarations() {
    let got = names(IOTA);
    let want: Vec<(String, Kind, usize, usize)> = [
        ("Code", 4),
        ("Success", 9),
        ("Error", 11),
        ("Wait", 12),
        ("Skip", 13),
        ("untypedA", 17),
        ("untypedB", 18),
        ("firstKind", 19),
        ("secondKind", 20),
        ("pairA", 21),
        ("pairB", 21),
        ("pairC", 22),
        ("pairD", 22),
        ("Alone", 25),
    ]
    .into_iter()
    .map(|(n, line)| {
        let kind = if n == "Code" { Kind::Type } else { Kind::Const };
        (n.to_string(), kind, line, line)
    })
    .collect();
    assert_eq!(got, want);
}

#[test]
fn iota_repeated_consts_show_the_type_they_repeat() {
    let src = IOTA.as_bytes();
    let sig = |name| find(src, name).signature;
    assert_eq!(sig("Success"), "const Success Code = iota");
    assert_eq!(sig("Error"), "const Error Code");
    assert_eq!(sig("Wait"), "const Wait Code");
    assert_eq!(sig("Skip"), "const Skip Code");
    assert_eq!(sig("untypedB"), "const untypedB", "iota alone has no type");
    assert_eq!(sig("secondKind"), "const secondKind Kind");
    assert_eq!(sig("pairC"), "const pairC, pairD");
    assert_eq!(sig("pairD"), "const pairC, pairD");
    assert_eq!(sig("Alone"), "const Alone Code = 9");
}

#[test]
fn iota_repeated_consts_keep_their_docs() {
    let src = IOTA.as_bytes();
    assert_eq!(find(src, "Success").doc, "Success is fine.");
    assert_eq!(find(src, "Error").doc, "Error is not.");
    assert_eq!(find(src, "Wait").doc, "");
}

/// `Wait // Wait's line comment.` above `Skip` made the comment Skip's doc.
#[test]
fn a_line_comment_is_not_the_doc_of_the_next_line() {
    assert_eq!(find(IOTA.as_bytes(), "Skip").doc, "");
    let src =
        b"package p\n\nconst (\n\tA = 1 // about A\n\tB = 2\n)\n\nvar x = 1 /* x */\nfunc F() {}\n";
    assert_eq!(find(src, "B").doc, "");
    assert_eq!(find(src, "F").doc, "");
    let src = b"package p\n\nconst ( // the group\n\tA = 1\n)\n";
    assert_eq!(find(src, "A").doc, "");
}

/// Declarations come in source order, an interface's methods right after it, each with the
/// doc above its own line; a grouped spec keeps its own doc, a single one its keyword's.
#[test]
fn declarations_come_in_source_order_with_their_own_docs() {
    let src = "package p\n\n// Hook runs.\nvar Hook = func() {\n\tconst inner = 1\n}\n\ntype (\n\t// A is one.\n\tA interface {\n\t\t// M does.\n\t\tM()\n\t\tN() // N's line comment.\n\t}\n\tB = A\n)\n\nfunc (a *T) O() {}\n\nconst c, d = 1, 2\n";
    let file = extract(src.as_bytes());
    let got: Vec<(String, &str)> = file
        .decls
        .iter()
        .map(|d| (d.name.to_string(), d.doc.as_str()))
        .collect();
    let want = [
        ("Hook", "Hook runs."),
        ("A", "A is one."),
        ("A.M", "M does."),
        ("A.N", ""),
        ("B", ""),
        ("T.O", ""),
        ("c", ""),
        ("d", ""),
    ];
    let want: Vec<(String, &str)> = want.iter().map(|&(n, d)| (n.into(), d)).collect();
    assert_eq!(got, want);
    let c = &file.decls[6];
    assert_eq!(
        (c.signature.as_str(), c.start_line),
        ("const c, d = 1, 2", 20)
    );
}
