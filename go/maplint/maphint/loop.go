package maphint

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"
)

// tripCount is what a loop header says about the number of iterations.
type tripCount struct {
	hint    string     // the hint expression: len(x), n, the counted bound
	constN  *int64     // the trip count when it is a constant
	operand ast.Expr   // the expression the hint is made of (range operand, loop bound)
	keyVar  *types.Var // the variable that is new on every iteration (range key, counter), or nil
	exact   bool       // the loop runs exactly hint times (false: at most, as for strings)
}

// rangeTrip reads the trip count of a range over a slice, array, pointer
// to array, map, string or integer.
func rangeTrip(pass *analysis.Pass, loop *ast.RangeStmt) (tripCount, bool) {
	if !pure(pass, loop.X) {
		return tripCount{}, false
	}
	tv, ok := pass.TypesInfo.Types[loop.X]
	if !ok {
		return tripCount{}, false
	}
	src := types.ExprString(loop.X)
	trip := tripCount{hint: "len(" + src + ")", operand: loop.X, exact: true}
	t := tv.Type.Underlying()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem().Underlying()
		if _, ok := t.(*types.Array); !ok {
			return tripCount{}, false
		}
	}
	switch t := t.(type) {
	case *types.Slice:
		if n, ok := literalLen(pass, loop.X); ok {
			trip.constN = &n
		}
	case *types.Map:
	case *types.Array:
		if t.Len() <= 0 {
			return tripCount{}, false
		}
		n := t.Len()
		trip.constN = &n
	case *types.Basic:
		switch {
		case t.Info()&types.IsString != 0:
			trip.exact = false // len counts bytes, the loop visits runes
		case t.Info()&types.IsInteger != 0:
			trip.hint = src
			if tv.Value != nil {
				n, ok := constant.Int64Val(constant.ToInt(tv.Value))
				if !ok || n <= 0 {
					return tripCount{}, false
				}
				trip.constN = &n
			}
		default:
			return tripCount{}, false
		}
	default: // channels, functions, type parameters
		return tripCount{}, false
	}
	if id, ok := loop.Key.(*ast.Ident); ok && id.Name != "_" {
		if v, ok := pass.TypesInfo.ObjectOf(id).(*types.Var); ok && !assigned(pass, loop.Body, v) {
			trip.keyVar = v
		}
	}
	return trip, true
}

// countedTrip reads the trip count of `for i := c; i < b; i++` (also <=,
// b > i, b >= i, i += 1) with c a constant and b the same on every
// iteration.
func countedTrip(pass *analysis.Pass, loop *ast.ForStmt) (tripCount, bool) {
	init, ok := loop.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return tripCount{}, false
	}
	id, ok := init.Lhs[0].(*ast.Ident)
	if !ok {
		return tripCount{}, false
	}
	counter, ok := pass.TypesInfo.Defs[id].(*types.Var)
	if !ok {
		return tripCount{}, false
	}
	start, ok := constInt(pass, init.Rhs[0])
	if !ok || !isIncrement(pass, loop.Post, counter) || assigned(pass, loop.Body, counter) {
		return tripCount{}, false
	}
	cond, ok := ast.Unparen(loop.Cond).(*ast.BinaryExpr)
	if !ok {
		return tripCount{}, false
	}
	var bound ast.Expr
	var inclusive bool
	switch {
	case isVarOf(pass, cond.X, counter) && (cond.Op == token.LSS || cond.Op == token.LEQ):
		bound, inclusive = cond.Y, cond.Op == token.LEQ
	case isVarOf(pass, cond.Y, counter) && (cond.Op == token.GTR || cond.Op == token.GEQ):
		bound, inclusive = cond.X, cond.Op == token.GEQ
	default:
		return tripCount{}, false
	}
	if !pure(pass, bound) || mentions(pass, bound, counter) {
		return tripCount{}, false
	}
	for _, v := range rootVars(pass, bound) {
		if assigned(pass, loop.Body, v) {
			return tripCount{}, false
		}
	}
	offset := -start // iterations = bound - start (+1 if inclusive)
	if inclusive {
		offset++
	}
	trip := tripCount{operand: bound, keyVar: counter, exact: true}
	if b, ok := constInt(pass, bound); ok {
		n := b + offset
		if n <= 0 {
			return tripCount{}, false
		}
		trip.constN = &n
		trip.hint = strconv.FormatInt(n, 10)
		if offset == 0 {
			trip.hint = types.ExprString(bound) // keep a named constant's name
		}
		return trip, true
	}
	src := types.ExprString(bound)
	if _, compound := ast.Unparen(bound).(*ast.BinaryExpr); compound && offset != 0 {
		src = "(" + src + ")"
	}
	switch {
	case offset > 0:
		trip.hint = src + " + " + strconv.FormatInt(offset, 10)
	case offset < 0:
		trip.hint = src + " - " + strconv.FormatInt(-offset, 10)
	default:
		trip.hint = src
	}
	return trip, true
}

func constInt(pass *analysis.Pass, e ast.Expr) (int64, bool) {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil {
		return 0, false
	}
	v := constant.ToInt(tv.Value)
	if v.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(v)
}

// isIncrement reports whether post is v++ or v += 1.
func isIncrement(pass *analysis.Pass, post ast.Stmt, v *types.Var) bool {
	switch s := post.(type) {
	case *ast.IncDecStmt:
		return s.Tok == token.INC && isVarOf(pass, s.X, v)
	case *ast.AssignStmt:
		if s.Tok != token.ADD_ASSIGN || len(s.Lhs) != 1 || !isVarOf(pass, s.Lhs[0], v) {
			return false
		}
		one, ok := constInt(pass, s.Rhs[0])
		return ok && one == 1
	}
	return false
}

// fill is the one insert into the map inside the loop.
type fill struct {
	stmt *ast.AssignStmt
	key  ast.Expr
}

// unconditionalFill finds the loop's only mention of the map, which must
// be an insert m[k] = v that every iteration runs: not under a condition,
// not in a nested loop or function literal, after no continue of the
// loop, in a loop no break or goto leaves.
func unconditionalFill(pass *analysis.Pass, loopStmt ast.Stmt, m *types.Var) (fill, bool) {
	label := ""
	if l, ok := loopStmt.(*ast.LabeledStmt); ok {
		label = l.Label.Name
		loopStmt = l.Stmt
	}
	var body *ast.BlockStmt
	switch loop := loopStmt.(type) {
	case *ast.RangeStmt:
		if mentions(pass, loop.X, m) || mentions(pass, loop.Key, m) || mentions(pass, loop.Value, m) {
			return fill{}, false
		}
		body = loop.Body
	case *ast.ForStmt:
		if mentions(pass, loop.Init, m) || mentions(pass, loop.Cond, m) || mentions(pass, loop.Post, m) {
			return fill{}, false
		}
		body = loop.Body
	}
	inserts := topLevelInserts(pass, body.List, m, nil)
	if len(inserts) != 1 || countMentions(pass, body, m) != 1 {
		return fill{}, false
	}
	f := fill{stmt: inserts[0], key: inserts[0].Lhs[0].(*ast.IndexExpr).Index}
	if leavesOrSkips(body, label, f.stmt.Pos()) {
		return fill{}, false
	}
	return f, true
}

// topLevelInserts collects the statements m[k] = v that run whenever list
// runs: directly in it, or in plain blocks and labeled statements in it.
func topLevelInserts(pass *analysis.Pass, list []ast.Stmt, m *types.Var, found []*ast.AssignStmt) []*ast.AssignStmt {
	for _, s := range list {
		switch s := s.(type) {
		case *ast.BlockStmt:
			found = topLevelInserts(pass, s.List, m, found)
		case *ast.LabeledStmt:
			found = topLevelInserts(pass, []ast.Stmt{s.Stmt}, m, found)
		case *ast.AssignStmt:
			if s.Tok != token.ASSIGN || len(s.Lhs) != 1 {
				continue
			}
			if ix, ok := s.Lhs[0].(*ast.IndexExpr); ok && isVarOf(pass, ix.X, m) {
				found = append(found, s)
			}
		}
	}
	return found
}

// leavesOrSkips reports whether the loop body has a goto, a break of the
// loop, or a continue of the loop before pos.
func leavesOrSkips(body *ast.BlockStmt, label string, pos token.Pos) bool {
	bad := false
	var stack []ast.Node // enclosing statements inside the body
	innermost := func(loopsOnly bool) bool {
		for i := len(stack) - 1; i >= 0; i-- {
			switch stack[i].(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				return true
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if !loopsOnly {
					return true
				}
			}
		}
		return false
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // a branch cannot leave a function literal
		case *ast.BranchStmt:
			ours := false
			switch n.Tok {
			case token.GOTO:
				bad = true
			case token.BREAK:
				ours = (n.Label != nil && n.Label.Name == label) || (n.Label == nil && !innermost(false))
				bad = bad || ours
			case token.CONTINUE:
				ours = (n.Label != nil && n.Label.Name == label) || (n.Label == nil && !innermost(true))
				bad = bad || (ours && n.Pos() < pos)
			}
		}
		stack = append(stack, n)
		return true
	})
	return bad
}

// dependsOnLoop reports whether key can change from one iteration to the
// next: it mentions a variable declared in the loop or assigned in it.
func dependsOnLoop(pass *analysis.Pass, key ast.Expr, loop ast.Stmt) bool {
	depends := false
	ast.Inspect(key, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := pass.TypesInfo.Uses[id].(*types.Var)
		if ok && !v.IsField() && ((v.Pos() >= loop.Pos() && v.Pos() < loop.End()) || assigned(pass, loop, v)) {
			depends = true
		}
		return !depends
	})
	return depends
}

// literalLen is the element count of a local variable made by a slice
// literal without keyed elements (`ks := []T{a, b, c}`) and never changed
// afterwards ([assigned]; element writes count too, which only loses a
// constant): its length is a constant.
func literalLen(pass *analysis.Pass, x ast.Expr) (int64, bool) {
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return 0, false
	}
	v, ok := pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || v.Pkg() == nil || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
		return 0, false
	}
	var file *ast.File
	for _, f := range pass.Files {
		if f.FileStart <= id.Pos() && id.Pos() < f.FileEnd {
			file = f
		}
	}
	if file == nil || assigned(pass, file, v) {
		return 0, false
	}
	var lit *ast.CompositeLit
	ast.Inspect(file, func(n ast.Node) bool {
		var names, values []ast.Expr
		switch n := n.(type) {
		case *ast.AssignStmt:
			names, values = n.Lhs, n.Rhs
		case *ast.ValueSpec:
			for _, name := range n.Names {
				names = append(names, name)
			}
			values = n.Values
		}
		for i, name := range names {
			if nid, ok := name.(*ast.Ident); ok && pass.TypesInfo.Defs[nid] == v && len(names) == len(values) {
				lit, _ = ast.Unparen(values[i]).(*ast.CompositeLit)
			}
		}
		return lit == nil
	})
	if lit == nil {
		return 0, false
	}
	for _, e := range lit.Elts {
		if _, keyed := e.(*ast.KeyValueExpr); keyed {
			return 0, false
		}
	}
	return int64(len(lit.Elts)), true
}
