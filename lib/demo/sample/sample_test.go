package sample

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestRender(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"d/times.json":   {Data: []byte(`{"at":"{{at "2h"}}","unix":{{unix "1h"}},"ms":{{ms "0s"}},"secs":{{secs "1m"}},"year":{{.Now.Year}},"user":"{{.User}}"}`)},
		"d/broken.json":  {Data: []byte(`{"a":`)},
		"d/missing.json": {Data: []byte(`{"a":"{{.Nobody}}"}`)},
	}
	b, err := Parse(fsys, "d/*.json", now)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Render("times.json", map[string]any{"User": "demo"})
	want := `{"at":"2026-03-01T14:00:30Z","unix":1772370030,"ms":1772366430000,"secs":90,"year":2026,"user":"demo"}`
	if err != nil || string(got) != want {
		t.Errorf("got %s, %v\nwant %s", got, err, want)
	}
	for _, name := range []string{"broken.json", "missing.json", "absent.json"} {
		if _, err := b.Render(name, nil); err == nil {
			t.Errorf("%s: rendered, want an error", name)
		}
	}
	if _, err := Parse(fsys, "none/*.json", now); err == nil {
		t.Error("Parse of no file: no error")
	}
}

func TestBearer(t *testing.T) {
	for header, want := range map[string]string{"Bearer tok": "tok", "tok": "", "": "", "Basic tok": ""} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		if got := Bearer(r); got != want {
			t.Errorf("Bearer(%q) = %q, want %q", header, got, want)
		}
	}
	w := httptest.NewRecorder()
	Reply(w, http.StatusTeapot, []byte(`{}`))
	if w.Code != http.StatusTeapot || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || w.Body.String() != "{}" {
		t.Errorf("Reply: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}
