package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// mutant is one small wrong change to a file: the edits that make it and
// the words that name it stably (the enclosing function, the operator, the
// original and the replacement text, and which of the identical ones it is
// in the file), so the equivalent list survives edits elsewhere in the file.
type mutant struct {
	file  string // path relative to the module root
	line  int
	off   int // byte offset of the change, for the coverage look-up
	fn    string
	op    string
	orig  string
	repl  string
	nth   int
	edits []edit
}

// ID is how the equivalent list and the survivor report name the mutant.
func (m *mutant) ID() string {
	id := fmt.Sprintf("%s %s %s: %s => %s", m.file, m.fn, m.op, m.orig, m.repl)
	if m.nth > 1 {
		id += fmt.Sprintf(" #%d", m.nth)
	}
	return id
}

// apply returns src with m's edits made.
func (m *mutant) apply(src []byte) []byte {
	eds := append([]edit(nil), m.edits...)
	sort.Slice(eds, func(i, j int) bool { return eds[i].start > eds[j].start })
	out := append([]byte(nil), src...)
	for _, e := range eds {
		out = append(out[:e.start:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// snippet is src's text for [start,end) on one line, cut at 70 bytes.
func snippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 70 {
		s = s[:70] + "…"
	}
	if s == "" {
		return "∅"
	}
	return s
}

// negated and boundary are what a comparison becomes: its opposite, and
// the same test with or without equality.
var (
	negated  = map[token.Token]token.Token{token.EQL: token.NEQ, token.NEQ: token.EQL, token.LSS: token.GEQ, token.GTR: token.LEQ, token.LEQ: token.GTR, token.GEQ: token.LSS}
	boundary = map[token.Token]token.Token{token.LSS: token.LEQ, token.GTR: token.GEQ, token.LEQ: token.LSS, token.GEQ: token.GTR}
	arith    = map[token.Token]token.Token{token.ADD: token.SUB, token.SUB: token.ADD, token.MUL: token.QUO, token.QUO: token.MUL, token.ADD_ASSIGN: token.SUB_ASSIGN, token.SUB_ASSIGN: token.ADD_ASSIGN}
)

// generate parses src (named rel) and returns every mutant of it, in
// source order.
func generate(rel string, src []byte) ([]*mutant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	g := &gen{fset: fset, src: src, rel: rel}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		g.fn = funcName(fd)
		g.walk(fd.Body, []*ast.FuncType{fd.Type})
	}
	sort.SliceStable(g.out, func(i, j int) bool { return g.out[i].off < g.out[j].off })
	// Number identical mutants within the file so each ID is unique.
	seen := map[string]int{}
	for _, m := range g.out {
		k := m.ID()
		seen[k]++
		m.nth = seen[k]
	}
	return g.out, nil
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if ix, ok := t.(*ast.IndexListExpr); ok {
		t = ix.X
	}
	name := "?"
	if id, ok := t.(*ast.Ident); ok {
		name = id.Name
	}
	if star != "" {
		return fmt.Sprintf("(*%s).%s", name, fd.Name.Name)
	}
	return name + "." + fd.Name.Name
}

type gen struct {
	fset *token.FileSet
	src  []byte
	rel  string
	fn   string
	out  []*mutant
}

func (g *gen) off(p token.Pos) int { return g.fset.Position(p).Offset }

func (g *gen) text(n ast.Node) string { return string(g.src[g.off(n.Pos()):g.off(n.End())]) }

func (g *gen) add(op string, at token.Pos, orig, repl string, eds ...edit) {
	g.out = append(g.out, &mutant{
		file: g.rel, line: g.fset.Position(at).Line, off: g.off(at), fn: g.fn,
		op: op, orig: snippet(orig), repl: snippet(repl), edits: eds,
	})
}

// replace adds the mutant that swaps node n's text for repl.
func (g *gen) replace(op string, n ast.Node, repl string) {
	g.add(op, n.Pos(), g.text(n), repl, edit{g.off(n.Pos()), g.off(n.End()), repl})
}

// walk visits n; sigs is the stack of enclosing function types (the
// innermost last), so a return knows its result types.
func (g *gen) walk(n ast.Node, sigs []*ast.FuncType) {
	ast.Inspect(n, func(c ast.Node) bool {
		switch x := c.(type) {
		case *ast.FuncLit:
			g.walk(x.Body, append(sigs[:len(sigs):len(sigs)], x.Type))
			return false
		case *ast.BlockStmt:
			g.statements(x.List)
		case *ast.CaseClause:
			g.statements(x.Body)
		case *ast.CommClause:
			g.statements(x.Body)
		case *ast.BinaryExpr:
			g.binary(x)
		case *ast.UnaryExpr:
			if x.Op == token.NOT {
				g.replace("not", x, g.text(x.X))
			}
		case *ast.Ident:
			if x.Name == "true" || x.Name == "false" {
				g.replace("bool", x, map[string]string{"true": "false", "false": "true"}[x.Name])
			}
		case *ast.IfStmt:
			g.condition(x.Cond)
		case *ast.ForStmt:
			if x.Cond != nil {
				g.condition(x.Cond)
			}
		case *ast.IncDecStmt:
			tok := map[token.Token]string{token.INC: "--", token.DEC: "++"}[x.Tok]
			g.add("incdec", x.TokPos, x.Tok.String(), tok, edit{g.off(x.TokPos), g.off(x.TokPos) + 2, tok})
		case *ast.AssignStmt:
			if r, ok := arith[x.Tok]; ok {
				g.add("arith", x.TokPos, x.Tok.String(), r.String(), edit{g.off(x.TokPos), g.off(x.TokPos) + len(x.Tok.String()), r.String()})
			}
		case *ast.ReturnStmt:
			g.ret(x, sigs[len(sigs)-1])
		case *ast.CallExpr:
			g.call(x)
		}
		return true
	})
}

// condition negates an if or for condition that no other operator already
// turns around (a comparison, && or ||, or a !).
func (g *gen) condition(c ast.Expr) {
	switch x := ast.Unparen(c).(type) {
	case *ast.BinaryExpr:
		if _, ok := negated[x.Op]; ok || x.Op == token.LAND || x.Op == token.LOR {
			return
		}
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			return
		}
	}
	g.add("negate", c.Pos(), g.text(c), "!("+g.text(c)+")",
		edit{g.off(c.Pos()), g.off(c.Pos()), "!("}, edit{g.off(c.End()), g.off(c.End()), ")"})
}

func (g *gen) binary(x *ast.BinaryExpr) {
	opAt, opLen := g.off(x.OpPos), len(x.Op.String())
	opEdit := func(t token.Token) edit { return edit{opAt, opAt + opLen, t.String()} }
	if t, ok := negated[x.Op]; ok {
		g.add("cmp", x.OpPos, g.text(x), g.text(x.X)+" "+t.String()+" "+g.text(x.Y), opEdit(t))
		if b, ok := boundary[x.Op]; ok {
			g.add("boundary", x.OpPos, g.text(x), g.text(x.X)+" "+b.String()+" "+g.text(x.Y), opEdit(b))
		}
	}
	switch x.Op {
	case token.LAND, token.LOR:
		t := map[token.Token]token.Token{token.LAND: token.LOR, token.LOR: token.LAND}[x.Op]
		g.add("logic", x.OpPos, g.text(x), g.text(x.X)+" "+t.String()+" "+g.text(x.Y), opEdit(t))
		// Drop one operand: the check it makes no longer counts.
		keep := map[token.Token]string{token.LAND: "true", token.LOR: "false"}[x.Op]
		for _, side := range []ast.Expr{x.X, x.Y} {
			g.add("drop", side.Pos(), g.text(side), keep, edit{g.off(side.Pos()), g.off(side.End()), keep})
		}
	}
	if t, ok := arith[x.Op]; ok && !isString(x.X) && !isString(x.Y) {
		g.add("arith", x.OpPos, g.text(x), g.text(x.X)+" "+t.String()+" "+g.text(x.Y), opEdit(t))
	}
}

// isString reports whether e is plainly a string: a literal, a sum with
// one, or a call whose name says it returns one (String, Format*, Itoa,
// EncodeToString). Swapping + for - there cannot compile, and each such
// mutant would cost a build.
func isString(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return x.Kind == token.STRING
	case *ast.BinaryExpr:
		return x.Op == token.ADD && (isString(x.X) || isString(x.Y))
	case *ast.CallExpr:
		name := ""
		switch f := x.Fun.(type) {
		case *ast.SelectorExpr:
			name = f.Sel.Name
		case *ast.Ident:
			name = f.Name
		}
		return name == "String" || name == "string" || name == "Itoa" || name == "EncodeToString" || strings.HasPrefix(name, "Format")
	}
	return false
}

// statements adds the mutant that deletes each statement with an effect
// of its own: a call, an assignment to something existing, a send, go,
// defer, ++/--, break and continue; and turns a continue into a break.
func (g *gen) statements(list []ast.Stmt) {
	for _, s := range list {
		switch x := s.(type) {
		case *ast.ExprStmt:
			if isLog(x.X) {
				continue
			}
		case *ast.SendStmt, *ast.GoStmt, *ast.DeferStmt, *ast.IncDecStmt:
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				continue
			}
		case *ast.BranchStmt:
			if x.Tok != token.BREAK && x.Tok != token.CONTINUE {
				continue
			}
			if x.Tok == token.CONTINUE && x.Label == nil {
				// Stop the loop where it should only skip an entry.
				g.replace("branch", x, "break")
			}
		default:
			continue
		}
		g.add("delete", s.Pos(), g.text(s), "", edit{g.off(s.Pos()), g.off(s.End()), ""})
	}
}

// ret replaces each returned value by its type's zero value (an error
// becomes nil, a result becomes nil or false or 0), and negates a returned
// bool that is not already a comparison or literal.
func (g *gen) ret(r *ast.ReturnStmt, sig *ast.FuncType) {
	if sig.Results == nil || len(r.Results) == 0 {
		return
	}
	var types []ast.Expr
	for _, f := range sig.Results.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			types = append(types, f.Type)
		}
	}
	if len(types) != len(r.Results) {
		return // return f() of a multi-value call
	}
	// With a non-nil error the other results are by convention unread:
	// only the error is changed (to nil).
	last := len(types) - 1
	failing := false
	if id, ok := types[last].(*ast.Ident); ok && id.Name == "error" && !isZero(r.Results[last], "nil") {
		failing = true
	}
	for i, e := range r.Results {
		if failing && i < last {
			continue
		}
		zero := g.zero(types[i])
		if id, ok := e.(*ast.Ident); ok && (id.Name == "true" || id.Name == "false") {
			continue // the bool operator turns it around
		}
		if isZero(e, zero) {
			continue
		}
		g.replace("return", e, zero)
		if id, ok := types[i].(*ast.Ident); ok && id.Name == "bool" {
			switch x := ast.Unparen(e).(type) {
			case *ast.BinaryExpr, *ast.UnaryExpr:
				continue
			case *ast.Ident:
				if x.Name == "true" || x.Name == "false" {
					continue
				}
			}
			g.replace("return", e, "!("+g.text(e)+")")
		}
	}
}

func isZero(e ast.Expr, zero string) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name == "nil" || x.Name == zero
	case *ast.BasicLit:
		return x.Value == zero || x.Value == `""` || x.Value == "0"
	case *ast.CompositeLit:
		// T{} of a struct or array is its zero value; an empty slice or
		// map is not nil.
		switch t := x.Type.(type) {
		case *ast.MapType, nil:
			return false
		case *ast.ArrayType:
			return len(x.Elts) == 0 && t.Len != nil
		}
		return len(x.Elts) == 0
	}
	return false
}

// zero is a Go expression for the zero value of type t, written as
// readably as the syntax allows: nil for the kinds whose zero is nil,
// false, "" and 0 for the basic types, *new(T) for the rest.
func (g *gen) zero(t ast.Expr) string {
	switch x := t.(type) {
	case *ast.StarExpr, *ast.ArrayType, *ast.MapType, *ast.FuncType, *ast.ChanType, *ast.InterfaceType:
		if a, ok := x.(*ast.ArrayType); ok && a.Len != nil {
			break
		}
		return "nil"
	case *ast.Ident:
		switch x.Name {
		case "error", "any":
			return "nil"
		case "bool":
			return "false"
		case "string":
			return `""`
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "float32", "float64", "byte", "rune":
			return "0"
		}
	}
	return "*new(" + g.text(t) + ")"
}

// call unwraps context.WithoutCancel(ctx) to ctx: the call that keeps a
// clean-up going after the caller gave up.
func (g *gen) call(c *ast.CallExpr) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || len(c.Args) != 1 {
		return
	}
	if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "context" && sel.Sel.Name == "WithoutCancel" {
		g.replace("unwrap", c, g.text(c.Args[0]))
	}
}

// logMethods are slog's (and log's) writing methods: deleting a log line is
// left out, as no money or webhook outcome depends on it and each costs a
// full test run (the log lines that matter have tests of their own).
var logMethods = map[string]bool{
	"Log": true, "LogAttrs": true, "Debug": true, "Info": true, "Warn": true, "Error": true,
	"DebugContext": true, "InfoContext": true, "WarnContext": true, "ErrorContext": true,
	"Printf": true, "Println": true,
}

// isLog reports whether e is a call of a log method.
func isLog(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && logMethods[sel.Sel.Name]
}
