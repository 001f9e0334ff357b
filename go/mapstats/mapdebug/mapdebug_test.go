package mapdebug

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"mapamp/mapstats"
	"mapamp/mapstats/maphook"
)

func registry(t testing.TB, token string) *Registry {
	r := New(token)
	var mu sync.Mutex
	m := make(map[uint64]uint64)
	for i := uint64(0); i < 1000; i++ {
		m[i] = i
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Register("users", func() (mapstats.Snapshot, error) {
		mu.Lock()
		defer mu.Unlock()
		return mapstats.Stats(m)
	}))
	must(r.Register("broken", func() (mapstats.Snapshot, error) { return mapstats.Snapshot{}, errors.New("no layout") }))
	h := maphook.New()
	h.Enable(true)
	hm := make(map[uint64]uint64)
	for i := uint64(0); i < 100; i++ {
		maphook.Set64(h, hm, i, i)
	}
	must(r.Register("hooked", func() (mapstats.Snapshot, error) { return mapstats.Stats(hm) }))
	must(r.RegisterHook("hooked", h))
	return r
}

func get(h http.Handler, target, auth string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestJSON(t *testing.T) {
	w := get(registry(t, ""), "/debug/maps", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var resp Response
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Schema != Schema || len(resp.Maps) != 3 {
		t.Fatalf("%+v", resp)
	}
	byName := map[string]Entry{}
	for _, e := range resp.Maps {
		byName[e.Name] = e
	}
	if u := byName["users"]; u.Snapshot == nil || u.Snapshot.Len != 1000 || u.Snapshot.HeldBytes == 0 {
		t.Fatalf("users: %+v", u)
	}
	if b := byName["broken"]; b.Snapshot != nil || b.Error != "no layout" {
		t.Fatalf("broken: %+v", b)
	}
	if h := byName["hooked"]; h.Hook == nil || h.Hook.Writes != 100 || h.Snapshot.Len != 100 {
		t.Fatalf("hooked: %+v", h)
	}
	w = get(registry(t, ""), "/debug/maps?map=users", "")
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Maps) != 1 || resp.Maps[0].Name != "users" {
		t.Fatalf("map=users: %s", w.Body)
	}
}

func TestPrometheus(t *testing.T) {
	w := get(registry(t, ""), "/debug/maps?format=prometheus", "")
	body := w.Body.String()
	for _, want := range []string{
		"# TYPE mapstats_len gauge\n", `mapstats_len{map="users"} 1000` + "\n",
		`mapstats_read_error{map="broken"} 1` + "\n", `mapstats_hook_writes_total{map="hooked"} 100` + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("missing %q in\n%s", want, body)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "mapstats_") {
			t.Fatalf("not a Prometheus line: %q", line)
		}
	}
}

func TestToken(t *testing.T) {
	r := registry(t, "s3cret")
	if w := get(r, "/", ""); w.Code != http.StatusUnauthorized || w.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d", w.Code)
	}
	if w := get(r, "/", "Bearer wrong"); w.Code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", w.Code)
	}
	if w := get(r, "/", "Bearer s3cret"); w.Code != http.StatusOK {
		t.Fatalf("right token: %d", w.Code)
	}
}

func TestBadRequests(t *testing.T) {
	r := registry(t, "")
	for target, code := range map[string]int{
		"/?format=xml":              400,
		"/?format=json&format=json": 400,
		"/?verbose=1":               400,
		"/?map=a%20b":               400,
		"/?map=nosuch":              404,
		"/?%zz":                     400,
	} {
		if w := get(r, target, ""); w.Code != code {
			t.Fatalf("%s: %d, want %d (%s)", target, w.Code, code, w.Body)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x"))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
	if err := r.Register("bad name", func() (mapstats.Snapshot, error) { return mapstats.Snapshot{}, nil }); err == nil {
		t.Fatal("a name with a space registered")
	}
	if err := r.Register("users", func() (mapstats.Snapshot, error) { return mapstats.Snapshot{}, nil }); err == nil {
		t.Fatal("a name registered twice")
	}
}

func TestAPanickingCallbackIs500(t *testing.T) {
	r := registry(t, "")
	if err := r.Register("boom", func() (mapstats.Snapshot, error) { panic("lock held") }); err != nil {
		t.Fatal(err)
	}
	w := get(r, "/", "")
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"boom" panicked: lock held`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if w := get(r, "/?map=users", ""); w.Code != 200 {
		t.Fatalf("the other maps are still served: %d", w.Code)
	}
}

// FuzzHandlerRequests: any method, path, query and Authorization header
// gets one of the documented status codes, never a crash; a 200 JSON
// response parses.
func FuzzHandlerRequests(f *testing.F) {
	for _, s := range [][4]string{
		{"GET", "/debug/maps", "", ""}, {"GET", "/", "format=prometheus", "Bearer t"},
		{"HEAD", "/x", "map=users", "Bearer wrong"}, {"POST", "/", "map=boom", ""},
		{"GET", "/", "format=json&map=hooked", "Bearer t"}, {"GET", "/", "%zz&;;map=", "Bearer"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	r := registry(f, "t")
	if err := r.Register("boom", func() (mapstats.Snapshot, error) { panic("x") }); err != nil {
		f.Fatal(err)
	}
	valid := map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 405: true, 500: true}
	f.Fuzz(func(t *testing.T, method, path, query, auth string) {
		req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{}}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if !valid[w.Code] {
			t.Fatalf("%s %s?%s: status %d", method, path, query, w.Code)
		}
		if w.Code == 200 && method == "GET" && w.Header().Get("Content-Type") == "application/json" {
			var resp Response
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("%s?%s: %v", path, query, err)
			}
		}
		if w.Code == 200 && auth != "Bearer t" {
			t.Fatalf("served without the token (%q)", auth)
		}
	})
}
