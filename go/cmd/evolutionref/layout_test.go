package main

// The reference program's figures checked against Go's own layout: the
// bucket or group type the compiler builds for a map type (computed here
// with reflect.StructOf, which lays a struct out as the compiler does,
// padding included), Go's size classes (read from the running toolchain's
// own sizeclasses.go), and how make and the first inserts allocate. Each
// design's expectations are in layout_classic_test.go (Go < 1.24) and
// layout_swiss_test.go (Go 1.24+, interleaved or split groups). Checked
// twice: on maps measured now by this runtime, and on the committed
// tests/data/evolution/<release>.json of the release the test runs on.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"mapamp/internal/typeshape"
)

// goTypes are the key and value types the program measures, by name.
var goTypes = map[string]reflect.Type{
	"struct{}":  reflect.TypeOf(struct{}{}),
	"bool":      reflect.TypeOf(false),
	"int16":     reflect.TypeOf(int16(0)),
	"int32":     reflect.TypeOf(int32(0)),
	"int64":     reflect.TypeOf(int64(0)),
	"string":    reflect.TypeOf(""),
	"*int64":    reflect.TypeOf((*int64)(nil)),
	"[4]int64":  reflect.TypeOf([4]int64{}),
	"[24]byte":  reflect.TypeOf([24]byte{}),
	"[136]byte": reflect.TypeOf(big{}),
}

// maxInline is Go's limit above which a key or value is stored through a
// pointer (maxKeySize/maxElemSize; abi.MapMaxKeyBytes/MapMaxElemBytes).
const maxInline = 128

// inSlot is what a bucket or group holds for t.
func inSlot(t reflect.Type) reflect.Type {
	if t.Size() > maxInline {
		return reflect.PtrTo(t)
	}
	return t
}

// perEntry is what each entry allocates beside the map: one object per
// indirect key or value.
func perEntry(k, v reflect.Type) (bytes, objects uint64) {
	for _, t := range []reflect.Type{k, v} {
		if t.Size() > maxInline {
			bytes += alloc(uint64(t.Size()), typeshape.HasPointers(t))
			objects++
		}
	}
	return
}

// alloc is what an object of n bytes takes from the heap: Go 1.22+ puts an
// 8-byte type header in front of a small object that holds pointers and is
// over 512 bytes (mallocHeaderSize, minSizeForMallocHeader), then rounds
// up to the size class.
func alloc(n uint64, pointers bool) uint64 {
	if mallocHeaders && pointers && n > 512 && n <= 32768-8 {
		n += 8
	}
	return roundup(n)
}

var (
	classesOnce sync.Once
	classes     []uint64
	classesErr  error
)

// roundup is the allocation size Go gives a request of n bytes: the
// smallest size class that holds it, or whole 8 KiB pages above 32 KiB.
func roundup(n uint64) uint64 {
	classesOnce.Do(func() { classes, classesErr = sizeClasses() })
	if classesErr != nil {
		panic(classesErr)
	}
	if n <= classes[len(classes)-1] {
		for _, c := range classes[1:] {
			if c >= n {
				return c
			}
		}
	}
	const page = 8192
	return (n + page - 1) / page * page
}

// goroot is the running toolchain's GOROOT. runtime.GOROOT() is empty in
// a test built with -trimpath (the tests are, so that Go's build cache
// serves every checkout of the module); then it is the GOROOT of the `go`
// that `go test` put first on PATH (Go 1.19+ does), the one running us.
func goroot() (string, error) {
	if root := runtime.GOROOT(); root != "" {
		return root, nil
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("runtime.GOROOT() is empty (-trimpath) and `go env GOROOT` failed: %w", err)
	}
	root := strings.TrimSpace(string(out))
	if root == "" {
		return "", errors.New("runtime.GOROOT() is empty (-trimpath) and `go env GOROOT` printed nothing")
	}
	return root, nil
}

// sizeClasses reads the class sizes from the running toolchain's sources
// (runtime/sizeclasses.go up to Go 1.23, internal/runtime/gc/sizeclasses.go
// after).
func sizeClasses() ([]uint64, error) {
	re := regexp.MustCompile(`(?:class_to_size|SizeClassToSize) = \[[A-Za-z_]+\]uint16\{([0-9, ]+)\}`)
	root, err := goroot()
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, rel := range []string{"src/runtime/sizeclasses.go", "src/internal/runtime/gc/sizeclasses.go"} {
		path := filepath.Join(root, rel)
		b, err := os.ReadFile(path)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		m := re.FindSubmatch(b)
		if m == nil {
			tried = append(tried, path+": no class size table")
			continue
		}
		var out []uint64
		for _, f := range strings.Split(string(m[1]), ",") {
			v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, &os.PathError{Op: "read size classes (" + strings.Join(tried, "; ") + ")", Path: root, Err: os.ErrNotExist}
}

// expectation is what a record must show; exact=false means heap_bytes
// and objects are lower bounds (the hash seed adds overflow buckets).
type expectation struct {
	bytes, objects uint64
	exact          bool
	why            string
}

// check compares one record with its design's expectation; it reports
// whether the record was checkable.
func check(t *testing.T, r Record) bool {
	t.Helper()
	k, v := goTypes[r.Key], goTypes[r.Value]
	if k == nil || v == nil {
		t.Errorf("%+v: unknown key or value type", r)
		return false
	}
	e, ok := expect(r, k, v)
	if !ok {
		return false
	}
	lowBytes, lowObjects := r.HeapBytes, r.Objects
	if r.Spread != nil {
		lowBytes, lowObjects = r.Spread.HeapBytesMin, r.Spread.ObjectsMin
	}
	switch {
	case e.exact && (r.HeapBytes != e.bytes || r.Objects != e.objects):
		t.Errorf("map[%s]%s n=%d hint=%d: %d bytes in %d objects, Go's layout says %d in %d (%s)",
			r.Key, r.Value, r.N, r.Hint, r.HeapBytes, r.Objects, e.bytes, e.objects, e.why)
	case !e.exact && (lowBytes < e.bytes || lowObjects < e.objects):
		t.Errorf("map[%s]%s n=%d hint=%d: %d bytes in %d objects at least, below Go's layout's %d in %d (%s)",
			r.Key, r.Value, r.N, r.Hint, lowBytes, lowObjects, e.bytes, e.objects, e.why)
	}
	return true
}

// checkAll checks every record and says how many fill records had an
// expectation.
func checkAll(t *testing.T, fill, update []Record) int {
	t.Helper()
	checked := 0
	for _, r := range fill {
		if check(t, r) {
			checked++
		}
	}
	for _, r := range update {
		checkUpdate(t, r)
	}
	return checked
}

// hmapBytes is the map header: hmap (Go <= 1.23) and maps.Map (1.24+) are
// both 48 bytes on 64-bit targets.
const hmapBytes = 48

func TestLiveMapsMatchGoLayout(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the layouts are those of 64-bit targets")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	// The warm-up the program does, then a small matrix.
	fill(ints[int64](1000), valInt64, 0, 1)
	c := cfg{release: "live", ns: []int{0, 8, 100, 500}, seeds: func(int) int { return 3 }, only: map[string]bool{}}
	res := run(c)
	if checked := checkAll(t, res.fill, res.update); checked < 250 {
		t.Fatalf("only %d of %d measured cells had an expectation", checked, len(res.fill))
	}
	if len(res.update) != 8*7*2 {
		t.Fatalf("%d update_full_small cells, want 8 key types x 7 values x hints 0 and 8", len(res.update))
	}
}

func TestCommittedDataMatchGoLayout(t *testing.T) {
	release := releaseOf(runtime.Version(), buildExperiment)
	path := filepath.Join("..", "..", "..", "tests", "data", "evolution", release+".json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no committed data for %s (%v): the four runtimes are go1.19, go1.26, go1.27 and go1.27split", release, err)
	}
	var doc struct {
		Release   string   `json:"release"`
		GoVersion string   `json:"go_version"`
		Fill      []Record `json:"fill"`
		Update    []Record `json:"update_full_small"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if doc.Release != release {
		t.Fatalf("%s says release %q", path, doc.Release)
	}
	checked := checkAll(t, doc.Fill, doc.Update)
	if checked < 400 {
		t.Fatalf("only %d of %d records had an expectation", checked, len(doc.Fill))
	}
	t.Logf("%s (%s): %d of %d fill records and %d update records checked", path, doc.GoVersion, checked, len(doc.Fill), len(doc.Update))
}
