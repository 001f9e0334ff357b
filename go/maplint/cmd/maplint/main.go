// The maplint command reports maps made without a size hint and then
// filled by a loop whose trip count is known where the map is made (the
// maphint analyzer). Run it on packages, or through go vet:
//
//	maplint ./...
//	maplint -json -detail ./...          # machine-readable, as mapamp lint reads it
//	maplint -fix ./...                   # apply the suggested hints
//	go vet -vettool=$(command -v maplint) ./...
package main

import (
	"mapamp/maplint/maphint"

	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(maphint.Analyzer) }
