//! Each way a call resolves, on a small module written the way Kubernetes writes it; and each
//! way a name-only match went wrong, which must now resolve to nothing or to the right target.

use super::calls;
use crate::item::{CallEdge, Caller, EdgeKind, ItemRef, Language};
use crate::source::test_snapshot;

const GO_MOD: &str = "module example.com/m\n\ngo 1.20\n";

const CACHE: &str = r"package cache

// Store keeps objects.
type Store interface {
	Add(obj interface{}) error
	Lister
}

type Lister interface {
	List() []interface{}
}

type Queue interface {
	Store
	Pop() (interface{}, error)
}

type DeltaFIFO struct{ items []string }

func NewDeltaFIFO() *DeltaFIFO { return &DeltaFIFO{} }

func (f *DeltaFIFO) Add(obj interface{}) error { return nil }
func (f *DeltaFIFO) List() []interface{}      { return nil }
func (f *DeltaFIFO) Pop() (interface{}, error) { return nil, nil }

type Typed[T any] struct{ q []T }

func (q *Typed[T]) Get() T { var t T; return t }

func NewTyped[T any]() *Typed[T] { return &Typed[T]{} }

type Config struct {
	Queue Queue
	Process func(obj interface{}) error
}

type controller struct {
	config Config
}

func (c *controller) Run(stop <-chan struct{}) {}

// Base is embedded.
type Base struct{}

func (b *Base) Start() {}

type Informer struct {
	*Base
	ctrl  *controller
	store Store
}

func (i *Informer) AddFlags() {}
";

const OTHER: &str = r"package other

type Options struct{}

func (o *Options) AddFlags() {}

func AddFlags() {}

type Store struct{}

func (s *Store) Add(obj interface{}) error { return nil }

// Every method name of cache.Queue, but Pop returns only an error.
type Lookalike struct{}

func (l *Lookalike) Add(obj interface{}) error { return nil }
func (l *Lookalike) List() []interface{}      { return nil }
func (l *Lookalike) Pop() error                { return nil }
";

const MAIN: &str = r#"package app

import (
	kcache "example.com/m/cache"
	"example.com/m/other"
	"example.com/m/util/wait"
)

type Scheduler struct {
	informer *kcache.Informer
	queue    kcache.Queue
	typed    *kcache.Typed[string]
}

func (s *Scheduler) scheduleOne() {}

func helper() *kcache.DeltaFIFO {
	return nil
}

// Run's signature spans lines, as kubelet's do: the caller's lines run to its closing brace.
func (s *Scheduler) Run(
	stop <-chan struct{},
) {
	go wait.Until(s.scheduleOne, stop)
	s.informer.ctrl.Run(stop)
	s.informer.Start()
	s.informer.AddFlags()
	s.queue.Pop()
	s.queue.Add(nil)
	s.typed.Get()
	f := kcache.NewDeltaFIFO()
	f.List()
	var d kcache.DeltaFIFO
	d.Pop()
	lit := &kcache.Config{}
	lit.Queue.List()
	lit.Process(nil)
	h := helper()
	h.Add(nil)
	t := kcache.NewTyped[int]()
	t.Get()
	fn := func() {}
	fn()
	for _, q := range []kcache.Queue{} {
		q.Pop()
	}
	if f := (other.Options{}); true {
		f.AddFlags()
	}
	other.AddFlags()
	cfg := kcache.Config{Process: helperProcess}
	_ = cfg
	unknown.AddFlags()
}

func helperProcess(obj interface{}) error { return nil }
"#;

const WAIT: &str = "package wait\n\nfunc Until(f func(), stop <-chan struct{}) {}\n";

fn go(symbol: &str) -> ItemRef {
    crate::languages::parse(Language::Go, symbol).unwrap()
}

fn edges_of_run(candidates: &[ItemRef]) -> Vec<CallEdge> {
    let (_dir, snapshot) = test_snapshot(&[
        ("go.mod", GO_MOD),
        ("cache/cache.go", CACHE),
        ("other/other.go", OTHER),
        ("app/app.go", MAIN),
        ("util/wait/wait.go", WAIT),
    ]);
    let item = go("example.com/m/app.Scheduler.Run");
    let line = MAIN
        .lines()
        .position(|l| l.starts_with("func (s *Scheduler) Run"))
        .unwrap()
        + 1;
    let callers = [Caller {
        item: &item,
        file: "app/app.go",
        start_line: line,
    }];
    calls(&snapshot, None, &callers, candidates)
        .unwrap()
        .remove(0)
}

fn kinds(edges: &[CallEdge]) -> Vec<(String, EdgeKind)> {
    edges
        .iter()
        .map(|e| {
            (
                e.target.trim_start_matches("example.com/m/").to_string(),
                e.kind,
            )
        })
        .collect()
}

#[test]
fn calls_resolve_through_imports_types_fields_embedding_and_locals() {
    let edges = edges_of_run(&[]);
    let got = kinds(&edges);
    let want = [
        ("app.Scheduler.scheduleOne", EdgeKind::Runs),
        ("app.helper", EdgeKind::Direct),
        ("app.helperProcess", EdgeKind::Runs),
        ("cache.Base.Start", EdgeKind::Promoted),
        ("cache.DeltaFIFO.Add", EdgeKind::Direct),
        ("cache.DeltaFIFO.List", EdgeKind::Direct),
        ("cache.DeltaFIFO.Pop", EdgeKind::Direct),
        ("cache.Informer.AddFlags", EdgeKind::Direct),
        ("cache.Lister.List", EdgeKind::Interface),
        ("cache.NewDeltaFIFO", EdgeKind::Direct),
        ("cache.NewTyped", EdgeKind::Direct),
        ("cache.Queue.Pop", EdgeKind::Interface),
        ("cache.Store.Add", EdgeKind::Interface),
        ("cache.Typed.Get", EdgeKind::Direct),
        ("cache.controller.Run", EdgeKind::Direct),
        ("other.AddFlags", EdgeKind::Direct),
        ("other.Options.AddFlags", EdgeKind::Direct),
        ("util/wait.Until", EdgeKind::Direct),
    ]
    .map(|(t, k)| (t.to_string(), k));
    assert_eq!(got, want, "{edges:#?}");
}

#[test]
fn interface_calls_list_the_mapped_implementations() {
    let candidates = [
        go("example.com/m/cache.DeltaFIFO.Pop"),
        go("example.com/m/cache.DeltaFIFO.Add"),
        // Has Add, lacks List: not a Store.
        go("example.com/m/other.Store.Add"),
        // The same method names, another signature.
        go("example.com/m/other.Lookalike.Pop"),
        // An interface is not an implementation.
        go("example.com/m/cache.Queue.Pop"),
    ];
    let edges = edges_of_run(&candidates);
    let dispatch = |target: &str| {
        edges
            .iter()
            .find(|e| e.target == format!("example.com/m/{target}"))
            .unwrap()
            .dispatch
            .iter()
            .map(ItemRef::as_str)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        dispatch("cache.Queue.Pop"),
        ["example.com/m/cache.DeltaFIFO.Pop"]
    );
    assert_eq!(
        dispatch("cache.Store.Add"),
        ["example.com/m/cache.DeltaFIFO.Add"]
    );
    assert!(dispatch("cache.Lister.List").is_empty());
}

/// Which branch of a feature-gate `if` holds a call, as client-go's `newQueueFIFO` chooses
/// between a `RealFIFO` and a `DeltaFIFO`.
#[test]
fn calls_inside_a_feature_gate_branch_name_the_gate() {
    const FIFO: &str = r#"package fifo

import (
	"example.com/m/features"
	"example.com/m/gate"
)

func NewRealFIFO() int  { return 1 }
func NewDeltaFIFO() int { return 2 }
func both() int         { return 3 }
func logIt()            {}

func newQueue(other bool) int {
	logIt()
	if gate.Gates().Enabled(features.InOrderInformers) {
		both()
		if other {
			logIt()
		}
		return NewRealFIFO()
	} else {
		both()
		return NewDeltaFIFO()
	}
}

func negated() {
	if !gate.Gates().Enabled(features.Legacy) {
		NewRealFIFO()
	}
	if gate.Gates().Enabled(features.Legacy) && true {
		NewDeltaFIFO()
	}
}
"#;
    const GATE: &str = "package gate\n\ntype G struct{}\n\nfunc Gates() G { return G{} }\n\nfunc (G) Enabled(name string) bool { return true }\n";
    const FEATURES: &str = "package features\n\nconst (\n\tInOrderInformers = \"InOrderInformers\"\n\tLegacy = \"Legacy\"\n)\n";
    let (_dir, snapshot) = test_snapshot(&[
        ("go.mod", GO_MOD),
        ("fifo/fifo.go", FIFO),
        ("gate/gate.go", GATE),
        ("features/features.go", FEATURES),
    ]);
    let line = |prefix: &str| FIFO.lines().position(|l| l.starts_with(prefix)).unwrap() + 1;
    let new_queue = go("example.com/m/fifo.newQueue");
    let negated = go("example.com/m/fifo.negated");
    let callers = [
        Caller {
            item: &new_queue,
            file: "fifo/fifo.go",
            start_line: line("func newQueue"),
        },
        Caller {
            item: &negated,
            file: "fifo/fifo.go",
            start_line: line("func negated"),
        },
    ];
    let edges = calls(&snapshot, None, &callers, &[]).unwrap();
    let gates = |edges: &[CallEdge]| {
        edges
            .iter()
            .filter(|e| e.target.starts_with("example.com/m/fifo."))
            .map(|e| {
                let gate = e.gate.as_ref().map(|g| format!("{}={}", g.name, g.on));
                (
                    e.target
                        .trim_start_matches("example.com/m/fifo.")
                        .to_string(),
                    gate,
                )
            })
            .collect::<Vec<_>>()
    };
    let on = |s: &str| Some(s.to_string());
    assert_eq!(
        gates(&edges[0]),
        [
            ("NewDeltaFIFO".to_string(), on("InOrderInformers=false")),
            ("NewRealFIFO".to_string(), on("InOrderInformers=true")),
            // Called in both branches: the gate does not decide it.
            ("both".to_string(), None),
            // Called outside the gate too.
            ("logIt".to_string(), None),
        ]
    );
    assert_eq!(
        gates(&edges[1]),
        [
            // `&& true`: more than the gate decides.
            ("NewDeltaFIFO".to_string(), None),
            ("NewRealFIFO".to_string(), on("Legacy=false")),
        ]
    );
}
