// Command benchcheck reads files in the Go benchmark data format with
// golang.org/x/perf/benchfmt (the reader benchstat uses) and prints, as
// JSON, what it found: results per file, every syntax error, and the
// units with their metadata (units as benchstat tidies them, ns/op into
// sec/op, and as written). mapamp's tests run it on the bench.txt of a
// run to check that every line parses.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/perf/benchfmt"
)

type report struct {
	Results      int               `json:"results"`
	Names        []string          `json:"names"`
	SyntaxErrors []string          `json:"syntax_errors"`
	Units        map[string]int    `json:"units"`
	OrigUnits    map[string]int    `json:"orig_units"`
	UnitMeta     map[string]string `json:"unit_meta"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchcheck FILE...")
		os.Exit(2)
	}
	r := report{Units: map[string]int{}, OrigUnits: map[string]int{}, UnitMeta: map[string]string{}, Names: []string{}, SyntaxErrors: []string{}}
	files := &benchfmt.Files{Paths: os.Args[1:], AllowStdin: false}
	for files.Scan() {
		switch rec := files.Result().(type) {
		case *benchfmt.Result:
			r.Results++
			r.Names = append(r.Names, string(rec.Name))
			for _, v := range rec.Values {
				r.Units[v.Unit]++
				// OrigUnit is set only when tidying changed the unit.
				orig := v.OrigUnit
				if orig == "" {
					orig = v.Unit
				}
				r.OrigUnits[orig]++
			}
		case *benchfmt.SyntaxError:
			r.SyntaxErrors = append(r.SyntaxErrors, rec.Error())
		case *benchfmt.UnitMetadata:
			r.UnitMeta[rec.Unit+" "+rec.Key] = rec.Value
		}
	}
	if err := files.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(r)
}
