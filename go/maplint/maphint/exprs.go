package maphint

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// pure reports whether e can be evaluated again where the map is made,
// with the same value and no effect: names, constants, field selections,
// indexing, slicing, dereferences, arithmetic, conversions, len and cap.
func pure(pass *analysis.Pass, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return pure(pass, e.X)
	case *ast.SelectorExpr:
		if sel, ok := pass.TypesInfo.Selections[e]; ok && sel.Kind() != types.FieldVal {
			return false // a method value
		}
		return pure(pass, e.X)
	case *ast.IndexExpr:
		return pure(pass, e.X) && pure(pass, e.Index)
	case *ast.SliceExpr:
		return pure(pass, e.X) && (e.Low == nil || pure(pass, e.Low)) &&
			(e.High == nil || pure(pass, e.High)) && (e.Max == nil || pure(pass, e.Max))
	case *ast.StarExpr:
		return pure(pass, e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && e.Op != token.AND && pure(pass, e.X)
	case *ast.BinaryExpr:
		return pure(pass, e.X) && pure(pass, e.Y)
	case *ast.CallExpr:
		if len(e.Args) != 1 {
			return false
		}
		if tv, ok := pass.TypesInfo.Types[e.Fun]; ok && tv.IsType() {
			return pure(pass, e.Args[0]) // a conversion
		}
		return (isBuiltin(pass, e.Fun, "len") || isBuiltin(pass, e.Fun, "cap")) && pure(pass, e.Args[0])
	}
	return false
}

// isVarOf reports whether e is the variable v.
func isVarOf(pass *analysis.Pass, e ast.Expr, v *types.Var) bool {
	if v == nil || e == nil {
		return false
	}
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && pass.TypesInfo.ObjectOf(id) == v
}

// countMentions counts the uses of v in n, function literals included.
func countMentions(pass *analysis.Pass, n ast.Node, v types.Object) int {
	count := 0
	if n == nil {
		return 0
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && pass.TypesInfo.Uses[id] == v {
			count++
		}
		return true
	})
	return count
}

// mentions reports whether n uses v.
func mentions(pass *analysis.Pass, n ast.Node, v types.Object) bool {
	return countMentions(pass, n, v) > 0
}

// rootVars are the local and package variables e reads (fields excluded:
// their base variable is among the roots).
func rootVars(pass *analysis.Pass, e ast.Expr) []*types.Var {
	var vars []*types.Var
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := pass.TypesInfo.Uses[id].(*types.Var); ok && !v.IsField() {
				vars = append(vars, v)
			}
		}
		return true
	})
	return vars
}

// root is the variable an assignment target or operand stands on: x for
// x, x.f, x[i], *x, x[i:j].
func root(pass *analysis.Pass, e ast.Expr) *types.Var {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, _ := pass.TypesInfo.ObjectOf(x).(*types.Var)
			return v
		case *ast.SelectorExpr:
			if _, ok := pass.TypesInfo.Selections[x]; !ok {
				v, _ := pass.TypesInfo.ObjectOf(x.Sel).(*types.Var) // pkg.Var
				return v
			}
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// assigned reports whether n may change v: an assignment or ++/-- to v or
// to a part of it, its address taken, delete or clear on it, or (for a
// map) a call that is passed it. v's own definition (`v := ...`) is not a
// change.
func assigned(pass *analysis.Pass, n ast.Node, v *types.Var) bool {
	if n == nil || v == nil {
		return false
	}
	_, isMap := v.Type().Underlying().(*types.Map)
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && pass.TypesInfo.Defs[id] == v {
					continue
				}
				found = found || root(pass, l) == v
			}
		case *ast.IncDecStmt:
			found = found || root(pass, n.X) == v
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				found = found || (n.Key != nil && root(pass, n.Key) == v) || (n.Value != nil && root(pass, n.Value) == v)
			}
		case *ast.UnaryExpr:
			found = found || (n.Op == token.AND && root(pass, n.X) == v)
		case *ast.CallExpr:
			changes := isBuiltin(pass, n.Fun, "delete") || isBuiltin(pass, n.Fun, "clear") ||
				(isMap && !isBuiltin(pass, n.Fun, "len"))
			if changes {
				for _, a := range n.Args {
					found = found || root(pass, a) == v
				}
			}
		}
		return !found
	})
	return found
}

// availableAt reports whether operand means the same where the map is made
// (at pos) as at the loop: each variable it reads is visible at pos under
// its name and no statement between the two may change it.
func availableAt(pass *analysis.Pass, operand ast.Expr, pos token.Pos, between []ast.Stmt) bool {
	scope := pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	for _, v := range rootVars(pass, operand) {
		if _, found := scope.LookupParent(v.Name(), pos); v.Pkg() == pass.Pkg && found != v {
			return false
		}
		for _, s := range between {
			if assigned(pass, s, v) {
				return false
			}
		}
	}
	return true
}
