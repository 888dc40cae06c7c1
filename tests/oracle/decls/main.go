// Command decls is the go/parser oracle for k8s-study's declaration finder: it prints every
// top-level declaration of the Go package folders it is given, as the compiler names them.
//
//	decls DIR...
//
// Each line is FILE<TAB>LINE<TAB>KIND<TAB>NAME, with FILE the folder as given joined with the
// file name (slashes), LINE the line of the declared name, KIND one of k8s-study's kinds
// (func, method, struct, interface, alias, type, interface-method, const, var) and NAME in
// k8s-study's scheme: Name, Receiver.Method (no `*`, no type parameters), Iface.Method.
// Files ending in _test.go are skipped, as the tool skips them; build constraints are not
// applied, so every platform's twin is listed. Blank names (`var _ I = T{}`) are not
// declarations and are left out. Standard library only, so it builds offline.
package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type decl struct {
	file string
	line int
	kind string
	name string
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: decls DIR...")
		os.Exit(2)
	}
	var all []decl
	for _, dir := range os.Args[1:] {
		found, err := packageDecls(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "decls: %s: %v\n", dir, err)
			os.Exit(1)
		}
		all = append(all, found...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].file != all[j].file {
			return all[i].file < all[j].file
		}
		return all[i].line < all[j].line
	})
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, d := range all {
		fmt.Fprintf(out, "%s\t%d\t%s\t%s\n", d.file, d.line, d.kind, d.name)
	}
}

func packageDecls(dir string) ([]decl, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []decl
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		path := filepath.Join(dir, name)
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		rel := filepath.ToSlash(path)
		add := func(id *ast.Ident, kind, name string) {
			if id.Name == "_" {
				return
			}
			out = append(out, decl{rel, fset.Position(id.Pos()).Line, kind, name})
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) == 0 {
					add(d.Name, "func", d.Name.Name)
				} else if recv := receiverName(d.Recv.List[0].Type); recv != "" {
					add(d.Name, "method", recv+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						add(s.Name, typeKind(s), s.Name.Name)
						if iface, ok := s.Type.(*ast.InterfaceType); ok && s.Assign == 0 {
							for _, m := range iface.Methods.List {
								if _, isFunc := m.Type.(*ast.FuncType); !isFunc {
									continue // an embedded interface or a type set
								}
								for _, id := range m.Names {
									add(id, "interface-method", s.Name.Name+"."+id.Name)
								}
							}
						}
					case *ast.ValueSpec:
						kind := "var"
						if d.Tok == token.CONST {
							kind = "const"
						}
						for _, id := range s.Names {
							add(id, kind, id.Name)
						}
					}
				}
			}
		}
	}
	return out, nil
}

func typeKind(s *ast.TypeSpec) string {
	if s.Assign != 0 {
		return "alias"
	}
	switch s.Type.(type) {
	case *ast.StructType:
		return "struct"
	case *ast.InterfaceType:
		return "interface"
	}
	return "type"
}

// receiverName strips `*`, parentheses and type parameters: `(*T[K, V])` is T.
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
