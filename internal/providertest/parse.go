package providertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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
