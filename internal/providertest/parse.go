package providertest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/lib/quota"
)

// Fixtures are the contents of every file in the package's testdata, to
// seed a fuzz target with real answers.
func Fixtures(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, name := range files {
		if fi, err := os.Stat(name); err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// ParseFailed tells whether a parser failed, after checking that a failed
// parse returns no value and an error of a known kind.
func ParseFailed(t testing.TB, a quota.Account, err error) bool {
	t.Helper()
	if err == nil {
		return false
	}
	if !reflect.DeepEqual(a, quota.Account{}) {
		t.Fatalf("error %v with a value %s", err, Show(a))
	}
	if k, e := quota.KindOf(err), quota.AsError(err); k == quota.KindInternal || k == "" || e.Kind == quota.KindInternal || e.Kind == "" {
		t.Fatalf("unclassified error %v", err)
	}
	return true
}

// Show prints an account for a failure message, pointers followed.
func Show(a quota.Account) string {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil { // NaN, an unencodable error: print it as Go sees it
		return fmt.Sprintf("%+v", a)
	}
	return string(b)
}

// ParsedAs checks a parse of a hand-written body against what a table
// case wants: with bad set, a malformed error whose detail names bad;
// else with kind set, an error of that kind; else no error. A failed
// parse keeps no windows. It reports whether the parse succeeded as
// wanted, so the caller compares the value.
func ParsedAs(t testing.TB, a quota.Account, err error, bad string, kind quota.Kind) bool {
	t.Helper()
	switch {
	case bad != "":
		e := quota.AsError(err)
		if e == nil || e.Kind != quota.KindMalformed || !strings.Contains(e.Detail, bad) || a.Windows != nil {
			t.Fatalf("error = %#v, account %s; want malformed naming %s", e, Show(a), bad)
		}
		return false
	case kind != "":
		if k := quota.KindOf(err); k != kind || a.Windows != nil {
			t.Fatalf("kind %s (%v), account %s; want %s", k, err, Show(a), kind)
		}
		return false
	case err != nil:
		t.Fatal(err)
	}
	return true
}

// SaneWindow fails t when a parsed window has a share outside 0–100 %, a
// negative period, or a count that is negative or not finite.
func SaneWindow(t testing.TB, w quota.Window) {
	t.Helper()
	bad := math.IsNaN(w.UsedPct) || w.UsedPct < 0 || w.UsedPct > 100 || w.Period < 0
	for _, p := range []*float64{w.Used, w.Limit} {
		bad = bad || (p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0) || *p < 0))
	}
	if bad {
		t.Fatalf("bad window %s", Show(quota.Account{Windows: []quota.Window{w}}))
	}
}

// ParsedFile checks a parse of a recorded answer against what a table
// case wants: with kind set, an error of that kind and code and no value;
// else no error. It reports whether the parse succeeded as wanted, so
// the caller compares the value.
func ParsedFile(t testing.TB, a quota.Account, err error, kind quota.Kind, code string) bool {
	t.Helper()
	if kind != "" {
		e := quota.AsError(err)
		if e == nil || e.Kind != kind || e.Code != code || !reflect.DeepEqual(a, quota.Account{}) {
			t.Fatalf("error = %#v, account %s; want kind %s code %q", e, Show(a), kind, code)
		}
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}
