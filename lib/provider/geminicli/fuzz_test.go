package geminicli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func seed(f *testing.F, patterns ...string) {
	for _, pat := range patterns {
		files, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FuzzParseQuota: whatever the body, no panic, and every window is a
// bounded, named per-model row with a used share in 0..100.
func FuzzParseQuota(f *testing.F) {
	seed(f, "quota/*.json", "assist/*.json", "errors/*.json")
	f.Add([]byte(`{"buckets":[{"modelId":"m","remainingFraction":-0.0000001},{"modelId":"m","remainingFraction":"NaN"}]}`))
	f.Add([]byte(strings.Repeat("[", 1<<12)))
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := parseQuota(data)
		if err != nil && ws != nil {
			t.Fatalf("windows with an error: %+v, %v", ws, err)
		}
		for _, w := range ws {
			if w.Name == "" || len([]rune(w.Name)) > 64 || w.UsedPct < 0 || w.UsedPct > 100 || (w.NoData && w.UsedPct != 0) {
				t.Fatalf("bad window %+v", w)
			}
		}
	})
}

// FuzzParseCreds: a credential file of any content gives creds or a
// classified error about that file, never both, never a panic.
func FuzzParseCreds(f *testing.F) {
	seed(f, "home/.gemini/*.json")
	f.Add([]byte(`{"refresh_token":"r","id_token":"a.eyJlbWFpbCI6Ing`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseCreds("/p", data)
		if (c == nil) == (err == nil) {
			t.Fatalf("creds %+v with error %v", c, err)
		}
		if c != nil && c.access == "" && c.refresh == "" {
			t.Fatalf("creds without any token: %+v", c)
		}
	})
}
