// Command mapamp-go runs one mapamp cell on the Go runtime's own map and
// prints what it measured as JSON; mapamp builds it with the toolchain of
// each real-Go variant (go1.19, go1.26, go1.27) and runs it per cell.
//
// Usage:
//
//	mapamp-go run -spec cell.json      every lens asked for, JSON on stdout
//	mapamp-go region -spec cell.json   prepare the cell, run its region once (for callgrind)
//	mapamp-go version                  Go release, map design, layout check
//	mapamp-go types                    key and value type names it runs, with their shapes
//
// The cell spec is the JSON form of harness.Spec. Exit status: 0 done, 1
// the cell failed (the reason on stderr), 2 bad usage or spec.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"

	"mapamp/internal/harness"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "version":
		emit(harness.Version())
	case "types":
		types, err := harness.NamedTypes()
		if err != nil {
			fail(err)
		}
		emit(types)
	case "run", "region":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		specPath := fs.String("spec", "", "the cell spec (JSON)")
		if err := fs.Parse(args); err != nil || *specPath == "" {
			usage()
		}
		spec, err := readSpec(*specPath)
		if err != nil {
			fmt.Fprintf(os.Stderr, "mapamp-go: %v\n", err)
			os.Exit(2)
		}
		if cmd == "region" {
			// callgrind follows call stacks per OS thread: the region's
			// goroutine must stay on the thread that entered it.
			runtime.LockOSThread()
			if err := harness.RunRegion(spec); err != nil {
				fail(err)
			}
			return
		}
		res, err := harness.Run(spec)
		if err != nil {
			fail(err)
		}
		emit(res)
	default:
		usage()
	}
}

func readSpec(path string) (*harness.Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec harness.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: not a cell spec: %v", path, err)
	}
	return &spec, nil
}

func emit(v any) {
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(v); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "mapamp-go: %v\n", err)
	os.Exit(1)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: mapamp-go run -spec FILE | mapamp-go region -spec FILE | mapamp-go version | mapamp-go types")
	os.Exit(2)
}
