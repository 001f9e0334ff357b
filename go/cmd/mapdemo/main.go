// Command mapdemo is a small service whose maps mapamp reads live: it
// fills a presized map and an unpresized one, keeps a third one churning
// (a fixed number of live keys, one delete and one insert per step) through
// maphook, and serves them with mapdebug on a loopback address.
//
//	mapdemo [-n N] [-hint H] [-reps R] [-churn-steps S] [-serve D] [-addr 127.0.0.1:0] [-token T]
//
// Its first line on stdout is a JSON object: the URL it serves (absent
// with -serve 0) and its own measurements: the heap bytes and objects that
// filling the unpresized map ("grown", N random uint64 keys and values,
// made with hint H) took, per fill, averaged over R fills on fresh maps
// (runtime.MemStats.TotalAlloc and Mallocs around each fill, nothing else
// allocating meanwhile); and the churn map's hook counters after the fill
// and after the steady-state churn (and per tenth of it). It then serves for D (bounded: at most
// 10 minutes) while a background loop churns the third map under the same
// mutex the endpoint's callbacks take, and exits.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"mapamp/mapstats"
	"mapamp/mapstats/mapdebug"
	"mapamp/mapstats/maphook"
)

// Fill is the measured cost of filling the "grown" map.
type Fill struct {
	N          int     `json:"n"`
	Hint       int     `json:"hint"`
	Reps       int     `json:"reps"`
	AllocBytes float64 `json:"alloc_bytes"`
	Allocs     float64 `json:"allocs"`
}

// Report is mapdemo's first line.
type Report struct {
	URL         string        `json:"url,omitempty"`
	GoVersion   string        `json:"go_version"`
	Fill        Fill          `json:"fill"`
	ChurnAtFill maphook.Stats `json:"churn_hook_after_fill"`
	ChurnSteady maphook.Stats `json:"churn_hook_steady"`
	ChurnSteps  int           `json:"churn_steps"`
	// ChurnWindows is the growths the hook saw in each tenth of the churn steps.
	ChurnWindows []uint64 `json:"churn_growths_per_tenth"`
	GrownMaxLoad float64  `json:"grown_load"`
}

func main() {
	n := flag.Int("n", 100000, "entries of each map")
	hint := flag.Int("hint", 0, "hint of the grown map (0: none)")
	reps := flag.Int("reps", 5, "fills of the grown map measured")
	steps := flag.Int("churn-steps", 200000, "steady-state churn steps measured (delete one, insert one)")
	serve := flag.Duration("serve", time.Minute, "how long to serve (0: measure, print and exit)")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	token := flag.String("token", "", "token the endpoint requires (empty: none)")
	flag.Parse()
	if *n < 1 || *n > 10000000 || *hint < 0 || *reps < 1 || *reps > 100 || *steps < 0 || *serve < 0 || *serve > 10*time.Minute {
		fmt.Fprintln(os.Stderr, "mapdemo: want 1 <= n <= 1e7, hint >= 0, 1 <= reps <= 100, churn-steps >= 0, 0 <= serve <= 10m")
		os.Exit(2)
	}
	if err := run(*n, *hint, *reps, *steps, *serve, *addr, *token); err != nil {
		fmt.Fprintln(os.Stderr, "mapdemo:", err)
		os.Exit(1)
	}
}

func keys(n int, seed int64) []uint64 {
	r := rand.New(rand.NewSource(seed))
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

// fillGrown fills a fresh map with hint and measures the heap it took.
func fillGrown(ks []uint64, hint int) (map[uint64]uint64, uint64, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var m map[uint64]uint64
	if hint > 0 {
		m = make(map[uint64]uint64, hint)
	} else {
		m = make(map[uint64]uint64)
	}
	for i, k := range ks {
		m[k] = uint64(i)
	}
	runtime.ReadMemStats(&after)
	return m, after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}

func run(n, hint, reps, steps int, serve time.Duration, addr, token string) error {
	rep := Report{GoVersion: runtime.Version(), ChurnSteps: steps, Fill: Fill{N: n, Hint: hint, Reps: reps}}
	var grown map[uint64]uint64
	for r := 0; r < reps; r++ {
		m, bytes, objs := fillGrown(keys(n, int64(r+1)), hint)
		rep.Fill.AllocBytes += float64(bytes) / float64(reps)
		rep.Fill.Allocs += float64(objs) / float64(reps)
		grown = m
	}
	presized := make(map[uint64]uint64, n)
	for i, k := range keys(n, 100) {
		presized[k] = uint64(i)
	}
	// The churn map: filled through the hook, then n/2..n live keys churned.
	hook := maphook.New()
	hook.Enable(true)
	churn := make(map[uint64]uint64)
	ck := keys(n, 200)
	for i, k := range ck {
		maphook.Set64(hook, churn, k, uint64(i))
	}
	rep.ChurnAtFill = hook.Stats()
	hook.Reset()
	rng := rand.New(rand.NewSource(300))
	next := 0
	step := func() {
		delete(churn, ck[next])
		k := rng.Uint64()
		ck[next] = k
		maphook.Set64(hook, churn, k, 1)
		next = (next + 1) % len(ck)
	}
	var seen uint64
	for w := 0; w < 10; w++ {
		for i := w * steps / 10; i < (w+1)*steps/10; i++ {
			step()
		}
		g := hook.Stats().Growths
		rep.ChurnWindows = append(rep.ChurnWindows, g-seen)
		seen = g
	}
	rep.ChurnSteady = hook.Stats()
	if s, err := mapstats.Stats(grown); err == nil && mapdebug.Capacity(&s) > 0 {
		rep.GrownMaxLoad = float64(s.Len) / float64(mapdebug.Capacity(&s))
	}
	if serve == 0 {
		return json.NewEncoder(os.Stdout).Encode(rep)
	}

	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: only loopback addresses (127.0.0.1, ::1) are served", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	reg := mapdebug.New(token)
	for name, m := range map[string]map[uint64]uint64{"presized": presized, "grown": grown, "churn": churn} {
		m := m
		if err := reg.Register(name, func() (mapstats.Snapshot, error) {
			mu.Lock()
			defer mu.Unlock()
			return mapstats.Stats(m)
		}); err != nil {
			return err
		}
	}
	if err := reg.RegisterHook("churn", hook); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/debug/maps", reg)
	rep.URL = "http://" + ln.Addr().String() + "/debug/maps"
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		return err
	}
	done := time.After(serve)
	stop := make(chan struct{})
	go func() { // bounded background churn: 1000 steps every 10 ms
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				mu.Lock()
				for i := 0; i < 1000; i++ {
					step()
				}
				mu.Unlock()
			}
		}
	}()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	<-done
	close(stop)
	return srv.Close()
}
