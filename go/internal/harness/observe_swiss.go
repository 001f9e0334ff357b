//go:build go1.24

package harness

import "fmt"

// newObserver refuses: bytes per copy path of Go's Swiss map are derived
// the way the classic map's are once mapamp has a model of the Swiss map
// to take the layout arithmetic from.
func newObserver(m any) (opObserver, *Observed, error) {
	return nil, nil, fmt.Errorf("derived accounting of Go's Swiss map needs mapamp's model of it (goswiss) for the bytes per table rehash, split and directory growth; not available in this build")
}
