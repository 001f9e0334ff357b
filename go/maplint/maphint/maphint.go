package maphint

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var doc string

// Analyzer reports maps made without a size hint and then filled by a loop
// whose trip count is known where the map is made.
var Analyzer = &analysis.Analyzer{
	Name:     "maphint",
	Doc:      analyzerDoc(doc, "maphint"),
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

// groupSlots is how many entries a map without a hint holds before its
// first growth: a classic map's first bucket (bucketCnt) and a Swiss map's
// small-map group (abi.MapGroupSlots) both hold 8.
const groupSlots = 8

// detail appends machine-readable facts to every message (-detail).
var detail bool

func init() {
	Analyzer.Flags.BoolVar(&detail, "detail", false,
		"end every message with \"maplint-detail: \" and a JSON object of the finding's facts (for mapamp lint)")
}

// DetailMarker starts the machine-readable part of a message under -detail.
const DetailMarker = " maplint-detail: "

// Detail is what -detail appends to a message: what a tool needs to price
// the finding.
type Detail struct {
	Map        string `json:"map"`         // the map variable
	Type       string `json:"type"`        // its type, as Go prints it
	KeyBytes   int64  `json:"key_bytes"`   // size of a key, -1 if unknown (type parameter)
	ValueBytes int64  `json:"value_bytes"` // size of a value, -1 if unknown
	Hint       string `json:"hint"`        // the hint expression the fix adds
	ConstN     *int64 `json:"const_n"`     // the trip count when it is a constant
	Exact      bool   `json:"exact"`       // every iteration inserts a new key
	GoVersion  string `json:"go"`          // the package's Go version (go.mod's go line), "" if unknown
	LoopLine   int    `json:"loop_line"`   // line of the filling loop
}

// analyzerDoc is the text under the "# Analyzer name" heading of the
// package comment of src, without its "name:" prefix.
func analyzerDoc(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		panic("maphint: doc.go has no package comment")
	}
	heading := "# Analyzer " + name + "\n"
	text := f.Doc.Text()
	i := strings.Index(text, heading)
	if i < 0 {
		panic("maphint: doc.go has no " + heading)
	}
	body := strings.TrimSpace(text[i+len(heading):])
	if j := strings.Index(body, "\n# "); j >= 0 {
		body = body[:j]
	}
	return strings.TrimSpace(strings.TrimPrefix(body, name+":"))
}

func run(pass *analysis.Pass) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for file := range insp.Root().Children() {
		if ast.IsGenerated(file.Node().(*ast.File)) {
			continue
		}
		for cur := range file.Preorder((*ast.BlockStmt)(nil), (*ast.CaseClause)(nil), (*ast.CommClause)(nil)) {
			var list []ast.Stmt
			switch n := cur.Node().(type) {
			case *ast.BlockStmt:
				list = n.List
			case *ast.CaseClause:
				list = n.Body
			case *ast.CommClause:
				list = n.Body
			}
			for i := range list {
				checkCreation(pass, list, i)
			}
		}
	}
	return nil, nil
}

// creation is a map made without a hint and assigned to a local variable.
type creation struct {
	obj  *types.Var
	expr ast.Expr // the make call or the composite literal
	mapT *types.Map
}

// mapCreation recognises `m := make(map[K]V)`, `m = make(map[K]V, 0)`,
// `var m = map[K]V{}` and their like.
func mapCreation(pass *analysis.Pass, stmt ast.Stmt) (creation, bool) {
	var lhs *ast.Ident
	var rhs ast.Expr
	switch s := stmt.(type) {
	case *ast.AssignStmt:
		if len(s.Lhs) != 1 || len(s.Rhs) != 1 || (s.Tok != token.DEFINE && s.Tok != token.ASSIGN) {
			return creation{}, false
		}
		id, ok := s.Lhs[0].(*ast.Ident)
		if !ok {
			return creation{}, false
		}
		lhs, rhs = id, s.Rhs[0]
	case *ast.DeclStmt:
		gd, ok := s.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR || len(gd.Specs) != 1 {
			return creation{}, false
		}
		vs := gd.Specs[0].(*ast.ValueSpec)
		if len(vs.Names) != 1 || len(vs.Values) != 1 {
			return creation{}, false
		}
		lhs, rhs = vs.Names[0], vs.Values[0]
	default:
		return creation{}, false
	}
	obj, ok := pass.TypesInfo.ObjectOf(lhs).(*types.Var)
	if !ok || obj.IsField() || obj.Parent() == nil || obj.Parent() == pass.Pkg.Scope() {
		return creation{}, false
	}
	rhs = ast.Unparen(rhs)
	if !unhinted(pass, rhs) {
		return creation{}, false
	}
	mt, ok := pass.TypesInfo.TypeOf(rhs).Underlying().(*types.Map)
	if !ok {
		return creation{}, false
	}
	return creation{obj: obj, expr: rhs, mapT: mt}, true
}

// unhinted reports whether e is make(T), make(T, 0) or T{} with T a map type.
func unhinted(pass *analysis.Pass, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.CallExpr:
		if !isBuiltin(pass, e.Fun, "make") || e.Ellipsis.IsValid() {
			return false
		}
		switch len(e.Args) {
		case 1:
			return true
		case 2:
			tv := pass.TypesInfo.Types[e.Args[1]]
			return tv.Value != nil && tv.Value.String() == "0"
		}
	case *ast.CompositeLit:
		return len(e.Elts) == 0 && e.Type != nil
	}
	return false
}

func isBuiltin(pass *analysis.Pass, fun ast.Expr, name string) bool {
	id, ok := ast.Unparen(fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := pass.TypesInfo.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// checkCreation reports list[i] if it makes a map that the next statement
// mentioning it fills in a loop of known trip count.
func checkCreation(pass *analysis.Pass, list []ast.Stmt, i int) {
	c, ok := mapCreation(pass, list[i])
	if !ok {
		return
	}
	j := i + 1
	for j < len(list) && !mentions(pass, list[j], c.obj) {
		j++
	}
	if j == len(list) {
		return
	}
	loopStmt := list[j]
	if l, ok := loopStmt.(*ast.LabeledStmt); ok {
		loopStmt = l.Stmt
	}
	var trip tripCount
	switch loop := loopStmt.(type) {
	case *ast.RangeStmt:
		trip, ok = rangeTrip(pass, loop)
	case *ast.ForStmt:
		trip, ok = countedTrip(pass, loop)
	default:
		return
	}
	if !ok || !availableAt(pass, trip.operand, c.expr.Pos(), list[i+1:j]) {
		return
	}
	if trip.constN != nil && *trip.constN <= groupSlots {
		return // the map never grows
	}
	fill, ok := unconditionalFill(pass, list[j], c.obj)
	if !ok {
		return
	}
	exact := trip.exact && isVarOf(pass, fill.key, trip.keyVar)
	if !exact && !dependsOnLoop(pass, fill.key, loopStmt) {
		return
	}
	report(pass, c, trip, exact, loopStmt)
}

func report(pass *analysis.Pass, c creation, trip tripCount, exact bool, loop ast.Stmt) {
	hint := trip.hint
	var msg string
	if exact {
		msg = fmt.Sprintf("map %s is made without a size hint, then gets a new key on each of the %s iterations of the loop on line %d: make it with the hint %s",
			c.obj.Name(), hint, pass.Fset.Position(loop.Pos()).Line, hint)
	} else {
		msg = fmt.Sprintf("map %s is made without a size hint, then gets up to %s keys in the loop on line %d: make it with the hint %s (an upper bound if keys repeat)",
			c.obj.Name(), hint, pass.Fset.Position(loop.Pos()).Line, hint)
	}
	if detail {
		d := Detail{
			Map:        c.obj.Name(),
			Type:       types.TypeString(c.obj.Type(), types.RelativeTo(pass.Pkg)),
			KeyBytes:   sizeOf(pass, c.mapT.Key()),
			ValueBytes: sizeOf(pass, c.mapT.Elem()),
			Hint:       hint,
			ConstN:     trip.constN,
			Exact:      exact,
			GoVersion:  pass.Pkg.GoVersion(),
			LoopLine:   pass.Fset.Position(loop.Pos()).Line,
		}
		b, err := json.Marshal(d)
		if err != nil {
			panic(err) // a struct of strings and numbers always marshals
		}
		msg += DetailMarker + string(b)
	}
	pass.Report(analysis.Diagnostic{
		Pos:     c.expr.Pos(),
		End:     c.expr.End(),
		Message: msg,
		SuggestedFixes: []analysis.SuggestedFix{{
			Message:   "Add the size hint " + hint,
			TextEdits: hintEdits(c.expr, hint),
		}},
	})
}

// hintEdits gives make(T) and make(T, 0) the hint, and turns T{} into make(T, hint).
func hintEdits(e ast.Expr, hint string) []analysis.TextEdit {
	switch e := e.(type) {
	case *ast.CallExpr:
		if len(e.Args) == 1 {
			return []analysis.TextEdit{{Pos: e.Args[0].End(), End: e.Args[0].End(), NewText: []byte(", " + hint)}}
		}
		return []analysis.TextEdit{{Pos: e.Args[1].Pos(), End: e.Args[1].End(), NewText: []byte(hint)}}
	case *ast.CompositeLit:
		return []analysis.TextEdit{{Pos: e.Pos(), End: e.End(), NewText: []byte("make(" + types.ExprString(e.Type) + ", " + hint + ")")}}
	}
	panic("maphint: hintEdits on an expression unhinted did not accept")
}

// sizeOf is the size of t in bytes under the package's sizes, -1 when it
// depends on a type parameter.
func sizeOf(pass *analysis.Pass, t types.Type) int64 {
	if hasTypeParam(t, map[types.Type]bool{}) {
		return -1
	}
	sizes := pass.TypesSizes
	if sizes == nil {
		sizes = types.SizesFor("gc", "amd64")
	}
	return sizes.Sizeof(t)
}

func hasTypeParam(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.TypeParam:
		return true
	case *types.Named:
		if args := t.TypeArgs(); args != nil {
			for i := 0; i < args.Len(); i++ {
				if hasTypeParam(args.At(i), seen) {
					return true
				}
			}
		}
		return hasTypeParam(t.Underlying(), seen)
	case *types.Alias:
		return hasTypeParam(types.Unalias(t), seen)
	case *types.Array:
		return hasTypeParam(t.Elem(), seen)
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if hasTypeParam(t.Field(i).Type(), seen) {
				return true
			}
		}
	}
	// Slices, maps, pointers, channels, functions and interfaces have a
	// fixed size whatever their element types.
	return false
}
