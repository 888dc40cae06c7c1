// Command calls is the go/types oracle for k8s-study's call edges: for each function or
// method it is given, it lists the functions and methods the body calls or passes as values,
// as the type checker resolves them, in k8s-study's naming.
//
//	calls -root TREE [-dirs FILE] < SYMBOLS
//
// SYMBOLS has one line per mapped symbol: IMPORT_PATH<TAB>NAME, NAME being Name or
// Receiver.Method. Packages are type-checked from source: the standard library from GOROOT,
// the others from the folders FILE lists (IMPORT_PATH<TAB>DIR lines, as
// `go list -deps -f '{{.ImportPath}}{{"\t"}}{{.Dir}}'` prints them) or, for a Kubernetes tree
// with its vendor folder, from TREE (k8s.io/kubernetes/X in TREE/X, staging modules in
// TREE/staging/src, the rest in TREE/vendor). Build constraints are those of linux/amd64 with
// cgo off. Output lines are CALLER<TAB>KIND<TAB>TARGET, with KIND one of
//
//	call      the body calls TARGET (a method of an interface-typed value is the interface's)
//	value     the body names TARGET as a value without calling it (`go wait.Until(s.run, 0)`)
//	dispatch  TARGET is a mapped method whose type implements an interface the body calls
//
// Type errors are counted on stderr and do not stop the run. Standard library only.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

type symbol struct {
	pkg, recv, name string
}

func (s symbol) String() string {
	if s.recv != "" {
		return s.pkg + "." + s.recv + "." + s.name
	}
	return s.pkg + "." + s.name
}

type loaded struct {
	pkg   *types.Package
	files []*ast.File
	info  *types.Info
}

type oracle struct {
	root    string
	dirs    map[string]string
	fset    *token.FileSet
	ctxt    build.Context
	byDir   map[string]*loaded
	errors  map[string]int
	loading map[string]bool
}

func main() {
	root := flag.String("root", "", "a Kubernetes tree with vendor/")
	dirsFile := flag.String("dirs", "", "IMPORT_PATH<TAB>DIR lines")
	flag.Parse()
	o := &oracle{
		root:    *root,
		dirs:    map[string]string{},
		fset:    token.NewFileSet(),
		ctxt:    build.Default,
		byDir:   map[string]*loaded{},
		errors:  map[string]int{},
		loading: map[string]bool{},
	}
	o.ctxt.GOOS, o.ctxt.GOARCH, o.ctxt.CgoEnabled = "linux", "amd64", false
	if *dirsFile != "" {
		data, err := os.ReadFile(*dirsFile)
		if err != nil {
			fail(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if path, dir, ok := strings.Cut(line, "\t"); ok {
				o.dirs[path] = dir
			}
		}
	}
	var mapped []symbol
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		pkg, name, ok := strings.Cut(in.Text(), "\t")
		if !ok {
			continue
		}
		s := symbol{pkg: pkg, name: name}
		if recv, method, ok := strings.Cut(name, "."); ok {
			s.recv, s.name = recv, method
		}
		mapped = append(mapped, s)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	seen := map[string]bool{}
	for _, caller := range mapped {
		l := o.load(caller.pkg, "")
		if l == nil {
			continue
		}
		decl := findFunc(l.files, caller)
		if decl == nil || decl.Body == nil {
			continue
		}
		for _, line := range o.edges(caller, decl, l.info, mapped) {
			if !seen[line] {
				seen[line] = true
				fmt.Fprintln(out, line)
			}
		}
	}
	var bad []string
	for dir, n := range o.errors {
		bad = append(bad, fmt.Sprintf("%s: %d type errors", dir, n))
	}
	sort.Strings(bad)
	for _, b := range bad {
		fmt.Fprintln(os.Stderr, "calls:", b)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "calls:", err)
	os.Exit(1)
}

func findFunc(files []*ast.File, s symbol) *ast.FuncDecl {
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != s.name {
				continue
			}
			recv := ""
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				recv = receiverName(fd.Recv.List[0].Type)
			}
			if recv == s.recv {
				return fd
			}
		}
	}
	return nil
}

func receiverName(expr ast.Expr) string {
	for {
		switch e := expr.(type) {
		case *ast.Ident:
			return e.Name
		case *ast.StarExpr:
			expr = e.X
		case *ast.ParenExpr:
			expr = e.X
		case *ast.IndexExpr:
			expr = e.X
		case *ast.IndexListExpr:
			expr = e.X
		default:
			return ""
		}
	}
}

// dir is the folder of an import path, seen from a package in folder from.
func (o *oracle) dir(path, from string) string {
	goroot := filepath.Join(runtime.GOROOT(), "src")
	if !strings.Contains(strings.Split(path, "/")[0], ".") {
		return filepath.Join(goroot, path)
	}
	if strings.HasPrefix(from, goroot+string(filepath.Separator)) {
		return filepath.Join(goroot, "vendor", path)
	}
	if d, ok := o.dirs[path]; ok {
		return d
	}
	if o.root == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(path, "k8s.io/kubernetes/"); ok {
		return filepath.Join(o.root, rest)
	}
	staging := filepath.Join(o.root, "staging", "src", path)
	if st, err := os.Stat(staging); err == nil && st.IsDir() {
		return staging
	}
	return filepath.Join(o.root, "vendor", path)
}

type importer struct {
	o *oracle
}

func (i importer) Import(path string) (*types.Package, error) {
	return i.ImportFrom(path, "", 0)
}

func (i importer) ImportFrom(path, from string, _ types.ImportMode) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	l := i.o.load(path, from)
	if l == nil {
		return nil, fmt.Errorf("cannot load %s", path)
	}
	return l.pkg, nil
}

// load type-checks the package at path, once per folder.
func (o *oracle) load(path, from string) *loaded {
	dir := o.dir(path, from)
	if dir == "" {
		return nil
	}
	if l, ok := o.byDir[dir]; ok {
		return l
	}
	if o.loading[dir] {
		return nil // an import cycle: the type checker reports it
	}
	o.loading[dir] = true
	defer delete(o.loading, dir)
	bp, err := o.ctxt.ImportDir(dir, 0)
	if err != nil && len(bp.GoFiles) == 0 {
		o.byDir[dir] = nil
		return nil
	}
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(o.fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			o.errors[dir]++
			continue
		}
		files = append(files, f)
	}
	info := &types.Info{
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	conf := types.Config{
		Importer: importer{o},
		Error:    func(error) { o.errors[dir]++ },
		Sizes:    types.SizesFor("gc", "amd64"),
	}
	pkg, _ := conf.Check(path, o.fset, files, info)
	l := &loaded{pkg: pkg, files: files, info: info}
	o.byDir[dir] = l
	return l
}

// name is a function's or method's symbol in k8s-study's naming; ok is false for methods of
// unnamed types (interface literals).
func name(fn *types.Func) (symbol, bool) {
	fn = fn.Origin()
	if fn.Pkg() == nil {
		return symbol{}, false // a builtin method such as error.Error
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return symbol{pkg: fn.Pkg().Path(), name: fn.Name()}, true
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok {
		return symbol{}, false
	}
	obj := named.Origin().Obj()
	if obj.Pkg() == nil {
		return symbol{}, false
	}
	return symbol{pkg: obj.Pkg().Path(), recv: obj.Name(), name: fn.Name()}, true
}

func (o *oracle) edges(caller symbol, decl *ast.FuncDecl, info *types.Info, mapped []symbol) []string {
	called := map[*ast.Ident]bool{}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id := calleeIdent(call.Fun); id != nil {
				called[id] = true
			}
		}
		return true
	})
	var out []string
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		fn, ok := info.Uses[id].(*types.Func)
		if !ok {
			return true
		}
		target, ok := name(fn)
		if !ok {
			return true
		}
		kind := "value"
		if called[id] {
			kind = "call"
		}
		out = append(out, fmt.Sprintf("%s\t%s\t%s", caller, kind, target))
		// An interface method taken as a value (`NextPod: q.Pop`) runs the implementation
		// the value holds, as a call of it does.
		if target.recv != "" {
			out = append(out, o.dispatch(caller, fn, target, mapped)...)
		}
		return true
	})
	return out
}

// calleeIdent is the identifier a call names: f, x.f, f[T], (f).
func calleeIdent(fun ast.Expr) *ast.Ident {
	for {
		switch e := fun.(type) {
		case *ast.ParenExpr:
			fun = e.X
		case *ast.IndexExpr:
			fun = e.X
		case *ast.IndexListExpr:
			fun = e.X
		case *ast.Ident:
			return e
		case *ast.SelectorExpr:
			return e.Sel
		default:
			return nil
		}
	}
}

// dispatch lists the mapped methods named like an interface method whose type (or pointer
// to it) implements the interface.
func (o *oracle) dispatch(caller symbol, fn *types.Func, target symbol, mapped []symbol) []string {
	sig := fn.Origin().Type().(*types.Signature)
	t := sig.Recv().Type()
	iface, ok := t.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var out []string
	for _, m := range mapped {
		if m.recv == "" || m.name != target.name {
			continue
		}
		l := o.load(m.pkg, "")
		if l == nil || l.pkg == nil {
			continue
		}
		obj, _ := l.pkg.Scope().Lookup(m.recv).(*types.TypeName)
		if obj == nil {
			continue
		}
		mt := obj.Type()
		if _, isIface := mt.Underlying().(*types.Interface); isIface {
			continue
		}
		mt = sameArguments(mt, t)
		if types.Implements(mt, iface) || types.Implements(types.NewPointer(mt), iface) {
			out = append(out, fmt.Sprintf("%s\tdispatch\t%s", caller, m))
		}
	}
	return out
}

// sameArguments instantiates a generic implementation with the type parameters of the generic
// interface it is checked against (Typed[T] against TypedInterface[T]): an uninstantiated
// generic type implements nothing, yet a value of Typed[X] is what a TypedInterface[X] holds.
func sameArguments(impl, iface types.Type) types.Type {
	named, ok := impl.(*types.Named)
	if !ok || named.TypeParams().Len() == 0 {
		return impl
	}
	in, ok := iface.(*types.Named)
	if !ok || in.TypeParams().Len() != named.TypeParams().Len() {
		return impl
	}
	args := make([]types.Type, in.TypeParams().Len())
	for i := range args {
		args[i] = in.TypeParams().At(i)
	}
	inst, err := types.Instantiate(nil, named, args, true)
	if err != nil {
		return impl
	}
	return inst
}
