package simkit_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// The conventions of ARCHITECTURE.md ("Conventions"), checked on the
// provider packages' source. Each rule names the row it enforces; a
// failure says which declaration breaks it and how to fix it.

var providerDirs = []string{"partner", "smsnumbers", "esimstory", "topups"}

// conventionExceptions are declarations that break a rule on purpose,
// each with the reason. Keep it short: an entry is a debt.
var conventionExceptions = map[string]string{}

// routeValue is a route template: an HTTP method, a space and a path.
var routeValue = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE) /`)

// sourcePackage is one provider package's non-test files, parsed.
type sourcePackage struct {
	name  string
	fset  *token.FileSet
	files map[string]*ast.File // by base name
}

// parseProviders parses dirs (each relative to the module root) for the
// rules below; tests pass their own directories.
func parseProviders(t *testing.T, root string, dirs []string) []sourcePackage {
	t.Helper()
	var pkgs []sourcePackage
	for _, dir := range dirs {
		fset := token.NewFileSet()
		entries, err := os.ReadDir(filepath.Join(root, dir))
		require.NoError(t, err)
		sp := sourcePackage{name: filepath.Base(dir), fset: fset, files: map[string]*ast.File{}}
		for _, e := range entries {
			n := e.Name()
			if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(root, dir, n), nil, parser.SkipObjectResolution)
			require.NoError(t, err)
			sp.files[n] = f
		}
		pkgs = append(pkgs, sp)
	}
	return pkgs
}

// snake turns a Go name into its file name: GetESIMStatus -> get_esim_status.
func snake(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (nextLower && unicode.IsUpper(rs[i-1])) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// clientMethod is an exported method of a package's *Client.
type clientMethod struct {
	file string
	decl *ast.FuncDecl
}

func clientMethods(sp sourcePackage) []clientMethod {
	var out []clientMethod
	for name, f := range sp.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			if recvName(fd) == "Client" {
				out = append(out, clientMethod{file: name, decl: fd})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].decl.Name.Name < out[j].decl.Name.Name })
	return out
}

func recvName(fd *ast.FuncDecl) string {
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// params flattens a function's parameters into one type per parameter.
func params(fd *ast.FuncDecl) []ast.Expr {
	var out []ast.Expr
	for _, f := range fd.Type.Params.List {
		n := max(len(f.Names), 1)
		for range n {
			out = append(out, f.Type)
		}
	}
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.Ellipsis:
		return "..." + exprString(e.Elt)
	}
	return fmt.Sprintf("%T", e)
}

// isEndpoint: a method that talks to the provider takes a context.
func isEndpoint(fd *ast.FuncDecl) bool {
	for _, p := range params(fd) {
		if exprString(p) == "context.Context" {
			return true
		}
	}
	return false
}

// conventionViolations returns every broken rule in pkgs, one line each.
func conventionViolations(pkgs []sourcePackage) []string {
	var bad []string
	report := func(pkg, key, format string, args ...any) {
		if _, ok := conventionExceptions[pkg+"."+key]; ok {
			return
		}
		bad = append(bad, pkg+": "+fmt.Sprintf(format, args...))
	}
	for _, sp := range pkgs {
		structs := map[string]bool{}
		for _, f := range sp.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if ts, ok := n.(*ast.TypeSpec); ok {
					if _, ok := ts.Type.(*ast.StructType); ok {
						structs[ts.Name.Name] = true
					}
				}
				return true
			})
		}
		for _, m := range clientMethods(sp) {
			name := m.decl.Name.Name
			if !isEndpoint(m.decl) {
				continue
			}
			// file per endpoint: ListX and AllX share list_x.go.
			base := name
			if strings.HasPrefix(name, "All") {
				base = "List" + strings.TrimPrefix(name, "All")
			}
			if want := snake(base) + ".go"; m.file != want {
				report(sp.name, name, "file per endpoint: Client.%s is in %s, want %s", name, m.file, want)
			}
			// signature: ctx first, ...option.CallOption last.
			ps := params(m.decl)
			if exprString(ps[0]) != "context.Context" {
				report(sp.name, name, "signature: Client.%s must take ctx context.Context first", name)
			}
			if last := exprString(ps[len(ps)-1]); last != "...option.CallOption" {
				report(sp.name, name, "signature: Client.%s must take ...option.CallOption last, takes %s", name, last)
			}
			// lists: AllX is built by paging.All over ListX.
			if strings.HasPrefix(name, "All") && !callsPagingAll(m.decl) {
				report(sp.name, name, "lists: Client.%s must return paging.All(ctx, c.%s, ...)", name, base)
			}
			// XParams naming: a struct of the package passed in is
			// named after the method (AllX takes ListXParams).
			for _, p := range ps {
				id, ok := p.(*ast.Ident)
				if !ok || !structs[id.Name] {
					continue
				}
				if want := base + "Params"; id.Name != want {
					report(sp.name, name, "XParams naming: Client.%s takes %s, want %s", name, id.Name, want)
				}
			}
		}
		// route constant naming: op + the call, at package level.
		for _, f := range sp.files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.GenDecl:
					if d.Tok != token.CONST {
						continue
					}
					for _, s := range d.Specs {
						vs := s.(*ast.ValueSpec)
						for i, n := range vs.Names {
							checkConstName(sp.name, n.Name, vs, i, report)
						}
					}
				case *ast.FuncDecl:
					if d.Body == nil {
						continue
					}
					ast.Inspect(d.Body, func(n ast.Node) bool {
						ds, ok := n.(*ast.DeclStmt)
						if !ok {
							return true
						}
						if gd, ok := ds.Decl.(*ast.GenDecl); ok && gd.Tok == token.CONST {
							for _, s := range gd.Specs {
								for _, n := range s.(*ast.ValueSpec).Names {
									report(sp.name, n.Name, "route constant naming: const %s inside %s; route labels are package-level opX constants", n.Name, d.Name.Name)
								}
							}
						}
						return true
					})
				}
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// callsPagingAll reports whether fd's body calls paging.All.
func callsPagingAll(fd *ast.FuncDecl) bool {
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ce, ok := n.(*ast.CallExpr); ok {
			fn := ce.Fun
			if ix, ok := fn.(*ast.IndexListExpr); ok {
				fn = ix.X
			}
			if exprString(fn) == "paging.All" {
				found = true
			}
		}
		return !found
	})
	return found
}

var opName = regexp.MustCompile(`^op[A-Z]`)

func checkConstName(pkg, name string, vs *ast.ValueSpec, i int, report func(pkg, key, format string, args ...any)) {
	if strings.HasPrefix(name, "route") || (strings.HasSuffix(name, "Op") && name != "Op") {
		report(pkg, name, "route constant naming: %s; name route labels opX, after the call", name)
		return
	}
	if i >= len(vs.Values) {
		return
	}
	lit, ok := vs.Values[i].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	v, err := strconv.Unquote(lit.Value)
	if err == nil && routeValue.MatchString(v) && !opName.MatchString(name) {
		report(pkg, name, "route constant naming: %s = %q; name route templates opX, after the call", name, v)
	}
}

// TestConventions: the provider packages follow ARCHITECTURE.md's rules.
func TestConventions(t *testing.T) {
	bad := conventionViolations(parseProviders(t, ".", providerDirs))
	require.Empty(t, bad, "ARCHITECTURE.md conventions broken:\n%s", strings.Join(bad, "\n"))
}

// TestConventionsCatchBreaks: the check fails on a package that breaks
// each rule, so TestConventions cannot pass by checking nothing.
func TestConventionsCatchBreaks(t *testing.T) {
	bad := conventionViolations(parseProviders(t, "testdata/conventions", []string{"broken"}))
	require.Equal(t, []string{
		"broken: XParams naming: Client.GetThing takes OtherParams, want GetThingParams",
		"broken: file per endpoint: Client.AllThings is in things.go, want list_things.go",
		"broken: file per endpoint: Client.GetThing is in things.go, want get_thing.go",
		"broken: file per endpoint: Client.ListThings is in things.go, want list_things.go",
		"broken: lists: Client.AllThings must return paging.All(ctx, c.ListThings, ...)",
		"broken: route constant naming: const op inside GetThing; route labels are package-level opX constants",
		"broken: route constant naming: routeThing; name route labels opX, after the call",
		"broken: route constant naming: thingRoute = \"GET /things/{id}\"; name route templates opX, after the call",
		"broken: signature: Client.GetThing must take ...option.CallOption last, takes string",
		"broken: signature: Client.ListThings must take ctx context.Context first",
	}, bad)
}

// TestEveryClientMethodAnswersNotConfigured: every exported method of each
// provider's Client (the method set, by reflection: a new method is
// covered without being listed) answers a nil or unconfigured Client with
// ErrNotConfigured, as an error or as an iterator's only item.
func TestEveryClientMethodAnswersNotConfigured(t *testing.T) {
	clients := map[string][]any{
		"partner":    {(*partner.Client)(nil), &partner.Client{}},
		"smsnumbers": {(*smsnumbers.Client)(nil), &smsnumbers.Client{}},
		"esimstory":  {(*esimstory.Client)(nil), &esimstory.Client{}},
		"topups":     {(*topups.Client)(nil), &topups.Client{}},
	}
	errType := reflect.TypeOf((*error)(nil)).Elem()
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	formatter := reflect.TypeOf((*fmt.Formatter)(nil)).Elem()
	for name, cs := range clients {
		for i, c := range cs {
			v := reflect.ValueOf(c)
			typ := v.Type()
			require.Positive(t, typ.NumMethod())
			for m := range typ.NumMethod() {
				meth := typ.Method(m)
				if _, isFormat := formatter.MethodByName(meth.Name); isFormat {
					continue // fmt.Formatter: printing a nil client is fine
				}
				t.Run(fmt.Sprintf("%s/%d/%s", name, i, meth.Name), func(t *testing.T) {
					ft := meth.Type // receiver first
					var args []reflect.Value
					for p := 1; p < ft.NumIn(); p++ {
						if ft.IsVariadic() && p == ft.NumIn()-1 {
							break
						}
						if ft.In(p) == ctxType {
							args = append(args, reflect.ValueOf(context.Background()))
						} else {
							args = append(args, reflect.Zero(ft.In(p)))
						}
					}
					out := v.Method(m).Call(args)
					last := out[len(out)-1]
					switch {
					case last.Type() == errType:
						err, _ := last.Interface().(error)
						require.ErrorIs(t, err, apierror.ErrNotConfigured)
					case last.Kind() == reflect.Func && last.Type().NumIn() == 1 && last.Type().In(0).Kind() == reflect.Func:
						// iter.Seq2[T, error]: exactly one item, the error.
						var errs []error
						yield := reflect.MakeFunc(last.Type().In(0), func(in []reflect.Value) []reflect.Value {
							err, _ := in[1].Interface().(error)
							errs = append(errs, err)
							return []reflect.Value{reflect.ValueOf(true)}
						})
						last.Call([]reflect.Value{yield})
						require.Len(t, errs, 1)
						require.ErrorIs(t, errs[0], apierror.ErrNotConfigured)
					case last.Type() == reflect.TypeOf((*ledger.Ledger)(nil)):
						// The ledger accessor: a client that is not
						// configured has none, and a nil *ledger.Ledger
						// records nothing and lists nothing.
						require.True(t, last.IsNil(), "%s of a client that is not configured must be nil", meth.Name)
						l, _ := last.Interface().(*ledger.Ledger)
						for _, err := range l.Entries(context.Background(), time.Time{}, time.Time{}) {
							require.Error(t, err, "a nil ledger yields no entry")
						}
					default:
						// A handle whose calls report the error (Activations).
						require.NotNil(t, last.Interface(), "%s returns neither an error nor an iterator", meth.Name)
						h := last
						require.Positive(t, h.NumMethod(), "%s returns a handle with no methods to check", meth.Name)
						checkHandle(t, h)
					}
				})
			}
		}
	}
}

// checkHandle calls every method of a handle that takes a context and
// returns an error, requiring ErrNotConfigured.
func checkHandle(t *testing.T, h reflect.Value) {
	t.Helper()
	errType := reflect.TypeOf((*error)(nil)).Elem()
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	checked := 0
	for m := range h.NumMethod() {
		ft := h.Method(m).Type()
		if ft.NumIn() == 0 || ft.In(0) != ctxType || ft.NumOut() == 0 || ft.Out(ft.NumOut()-1) != errType {
			continue
		}
		args := []reflect.Value{reflect.ValueOf(context.Background())}
		for p := 1; p < ft.NumIn(); p++ {
			if ft.IsVariadic() && p == ft.NumIn()-1 {
				break
			}
			args = append(args, reflect.Zero(ft.In(p)))
		}
		out := h.Method(m).Call(args)
		err, _ := out[len(out)-1].Interface().(error)
		require.ErrorIs(t, err, apierror.ErrNotConfigured, h.Type().Method(m).Name)
		checked++
	}
	require.Positive(t, checked)
}
