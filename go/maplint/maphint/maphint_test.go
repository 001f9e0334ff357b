package maphint_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"mapamp/maplint/maphint"
)

// TestFindings: the reported patterns (with their fixes checked against
// a.go.golden) and, per policy, the patterns that are not reported.
func TestFindings(t *testing.T) {
	testdata := analysistest.TestData()
	analysistest.RunWithSuggestedFixes(t, testdata, maphint.Analyzer, "a")
	analysistest.Run(t, testdata, maphint.Analyzer,
		"conditional", "controlflow", "helpers", "escape", "repeated", "unknown", "generated", "literal")
}

// TestDetail: -detail appends the facts a pricing tool reads.
func TestDetail(t *testing.T) {
	if err := maphint.Analyzer.Flags.Set("detail", "true"); err != nil {
		t.Fatal(err)
	}
	defer maphint.Analyzer.Flags.Set("detail", "false")
	analysistest.Run(t, analysistest.TestData(), maphint.Analyzer, "detail")
}
