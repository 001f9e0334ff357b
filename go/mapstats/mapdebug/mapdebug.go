// Package mapdebug serves the structure of a program's maps over HTTP, in
// the manner of net/http/pprof and expvar: the program registers a
// callback per map (so its own locking applies while the map is read) and
// mounts the handler where it wants it, usually on a loopback-only or
// otherwise guarded listener.
//
//	reg := mapdebug.New(os.Getenv("MAPDEBUG_TOKEN"))
//	reg.Register("sessions", func() (mapstats.Snapshot, error) {
//		mu.Lock()
//		defer mu.Unlock()
//		return mapstats.Stats(sessions)
//	})
//	http.Handle("/debug/maps", reg)
//
// GET (or HEAD) only; the query may hold `format` (`json`, the default, or
// `prometheus`) and `map` (one registered name); anything else is refused
// with 400. With a token set, a request must carry `Authorization: Bearer
// TOKEN`: none gets 401, a wrong one 403. A callback that panics makes the
// response a 500 naming the map; the program goes on. A callback's error is
// reported in that map's entry.
package mapdebug

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"mapamp/mapstats"
	"mapamp/mapstats/maphook"
)

// Registry holds the registered maps and hooks; it is an http.Handler.
type Registry struct {
	token string
	mu    sync.RWMutex
	maps  map[string]func() (mapstats.Snapshot, error)
	hooks map[string]*maphook.Hook
}

// New returns an empty registry; a non-empty token is required of every request.
func New(token string) *Registry {
	return &Registry{
		token: token,
		maps:  map[string]func() (mapstats.Snapshot, error){},
		hooks: map[string]*maphook.Hook{},
	}
}

// ValidName reports whether name can be registered: 1 to 64 characters of
// ASCII letters, digits, '_', '-' and '.'.
func ValidName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Register adds a map under name; f is called for every request that
// shows it and must read the map under the program's own locking.
func (r *Registry) Register(name string, f func() (mapstats.Snapshot, error)) error {
	if !ValidName(name) {
		return fmt.Errorf("mapdebug: map name %q: want 1 to 64 of [A-Za-z0-9_.-]", name)
	}
	if f == nil {
		return fmt.Errorf("mapdebug: map %q: nil callback", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.maps[name]; dup {
		return fmt.Errorf("mapdebug: map %q registered twice", name)
	}
	r.maps[name] = f
	return nil
}

// RegisterHook shows a hook's counters beside the map of the same name.
func (r *Registry) RegisterHook(name string, h *maphook.Hook) error {
	if !ValidName(name) || h == nil {
		return fmt.Errorf("mapdebug: hook %q: want a non-nil hook and a name of 1 to 64 of [A-Za-z0-9_.-]", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hooks[name] = h
	return nil
}

// Entry is one map in a response.
type Entry struct {
	// Name is the registered name.
	Name string `json:"name"`
	// Snapshot is the map's structure (absent when Error is set).
	Snapshot *mapstats.Snapshot `json:"snapshot,omitempty"`
	// Error is the callback's error.
	Error string `json:"error,omitempty"`
	// Hook is the counters of a hook registered under the same name.
	Hook *maphook.Stats `json:"hook,omitempty"`
}

// Response is the JSON document served.
type Response struct {
	// Schema names the document's format.
	Schema string `json:"schema"`
	// GoVersion is the program's Go release.
	GoVersion string `json:"go_version"`
	// Maps are the maps, by name.
	Maps []Entry `json:"maps"`
}

// Schema is the Response's schema name.
const Schema = "mapamp.mapdebug/1"

// collect calls the callbacks of the selected maps; a panic becomes an error.
func (r *Registry) collect(only string) (out []Entry, err error) {
	r.mu.RLock()
	names := make([]string, 0, len(r.maps))
	for n := range r.maps {
		if only == "" || n == only {
			names = append(names, n)
		}
	}
	r.mu.RUnlock()
	sort.Strings(names)
	for _, n := range names {
		r.mu.RLock()
		f, h := r.maps[n], r.hooks[n]
		r.mu.RUnlock()
		e := Entry{Name: n}
		s, cerr := call(n, f)
		if p, ok := cerr.(panicked); ok {
			return nil, p
		}
		if cerr != nil {
			e.Error = cerr.Error()
		} else {
			e.Snapshot = &s
		}
		if h != nil {
			st := h.Stats()
			e.Hook = &st
		}
		out = append(out, e)
	}
	return out, nil
}

type panicked struct{ msg string }

func (p panicked) Error() string { return p.msg }

func call(name string, f func() (mapstats.Snapshot, error)) (s mapstats.Snapshot, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked{fmt.Sprintf("mapdebug: the callback of map %q panicked: %v", name, v)}
		}
	}()
	return f()
}

// ServeHTTP serves the registered maps (see the package documentation).
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "mapdebug: method "+sanitize(req.Method)+" not allowed (GET, HEAD)", http.StatusMethodNotAllowed)
		return
	}
	if r.token != "" {
		got := req.Header.Get("Authorization")
		if got == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mapdebug"`)
			http.Error(w, "mapdebug: token required (Authorization: Bearer TOKEN)", http.StatusUnauthorized)
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+r.token)) != 1 {
			http.Error(w, "mapdebug: wrong token", http.StatusForbidden)
			return
		}
	}
	format, only, err := parseQuery(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if only != "" {
		r.mu.RLock()
		_, ok := r.maps[only]
		r.mu.RUnlock()
		if !ok {
			http.Error(w, fmt.Sprintf("mapdebug: no map named %q is registered", only), http.StatusNotFound)
			return
		}
	}
	entries, err := r.collect(only)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var body bytes.Buffer
	if format == "prometheus" {
		writePrometheus(&body, entries)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	} else {
		if entries == nil {
			entries = []Entry{}
		}
		enc := json.NewEncoder(&body)
		enc.SetIndent("", " ")
		if err := enc.Encode(Response{Schema: Schema, GoVersion: mapstats.GoVersion(), Maps: entries}); err != nil {
			http.Error(w, "mapdebug: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(http.StatusOK)
	if req.Method == http.MethodGet {
		_, _ = w.Write(body.Bytes())
	}
}

// parseQuery validates the query: only `format` and `map`, each at most once.
func parseQuery(req *http.Request) (format, only string, err error) {
	format = "json"
	if req.URL == nil {
		return format, "", nil
	}
	q, perr := url.ParseQuery(req.URL.RawQuery)
	if perr != nil {
		return "", "", fmt.Errorf("mapdebug: malformed query: %v", perr)
	}
	for k, v := range q {
		if len(v) != 1 {
			return "", "", fmt.Errorf("mapdebug: query parameter %q given %d times; want once", sanitize(k), len(v))
		}
		switch k {
		case "format":
			if v[0] != "json" && v[0] != "prometheus" {
				return "", "", fmt.Errorf("mapdebug: format %q: want json or prometheus", sanitize(v[0]))
			}
			format = v[0]
		case "map":
			if !ValidName(v[0]) {
				return "", "", fmt.Errorf("mapdebug: map %q: want 1 to 64 of [A-Za-z0-9_.-]", sanitize(v[0]))
			}
			only = v[0]
		default:
			return "", "", fmt.Errorf("mapdebug: unknown query parameter %q (valid: format, map)", sanitize(k))
		}
	}
	return format, only, nil
}

// sanitize shortens a client-supplied string for an error message.
func sanitize(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}
