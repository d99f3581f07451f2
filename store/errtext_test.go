package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestErrorsNameNoCommandOrVariable: the store's errors say what is wrong
// with which file; which command to run or which environment variable to
// set is the command line's hint to add (ui/cli), so no text the store
// builds an error from names one.
func TestErrorsNameNoCommandOrVariable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	makers := map[string]bool{"Errorf": true, "New": true, "refuse": true, "refuseWith": true}
	banned := regexp.MustCompile(`TOKENSCOPE_|(^|\s)--[a-z]|\b(run|with|try|upgrade) tokenscope\b|tokenscope (init|add|import|export|keyring|agent|login|logout|token|header|refresh|passwd|unlock|discover)\b`)
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			if !makers[fn] {
				return true
			}
			for _, arg := range call.Args {
				ast.Inspect(arg, func(n ast.Node) bool {
					lit, ok := n.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return true
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
					}
					checked++
					if m := banned.FindString(s); m != "" {
						t.Errorf("%s: an error text names %q: %q", fset.Position(lit.Pos()), m, s)
					}
					return true
				})
			}
			return true
		})
	}
	if checked < 50 {
		t.Fatalf("checked %d error texts: the test no longer finds the store's errors", checked)
	}
}
