package antigravity

import (
	"os"
	"path/filepath"
	"testing"
)

// seed adds every testdata file matching the patterns to the corpus.
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
	for _, s := range []string{"", "null", "{}", "[]", `{"a":`} {
		f.Add([]byte(s))
	}
}

func FuzzParseAccountsFile(f *testing.F) {
	seed(f, "home*/.config/opencode/*.json", "home-alt/*/*/opencode/*.json", "home-alt/*/*/*/opencode/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		accts, err := parseAccountsFile(data)
		if (err == nil) == (accts == nil) {
			t.Fatalf("error xor value violated: %v, %v", accts, err)
		}
	})
}

func FuzzParseAMAccount(f *testing.F) {
	seed(f, "home/.antigravity_tools/accounts/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := parseAMAccount(data)
		if (err == nil) == (a == nil) {
			t.Fatalf("error xor value violated: %v, %v", a, err)
		}
	})
}

func FuzzParseModels(f *testing.F) {
	seed(f, "bodies/*.json", "recorded/*/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := parseModels(data)
		if err != nil && ws != nil {
			t.Fatalf("windows with an error: %v", err)
		}
		for _, w := range ws {
			if w.UsedPct < 0 || w.UsedPct > 100 || (w.NoData && w.UsedPct != 0) || w.Name == "" {
				t.Fatalf("bad window %+v", w)
			}
		}
	})
}

func FuzzParseSummary(f *testing.F) {
	seed(f, "bodies/*.json", "recorded/*/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := parseSummary(data)
		if err != nil && ws != nil {
			t.Fatalf("windows with an error: %v", err)
		}
		for _, w := range ws {
			if w.UsedPct < 0 || w.UsedPct > 100 || (w.NoData && w.UsedPct != 0) {
				t.Fatalf("bad window %+v", w)
			}
		}
	})
}
