// Package testkit is test support shared by the tests of many packages:
// golden files and the fake HOME / loopback platform setup. Only _test.go
// files import it (the architecture test in package all checks that).
package testkit

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

// Update is the -update flag of every test binary that uses [Golden]: it
// rewrites the golden files instead of comparing against them.
var Update = flag.Bool("update", false, "rewrite golden files instead of comparing")

// Golden compares got with the file at path (relative to the package
// directory) and reports a unified diff on mismatch; with -update it
// writes got there instead.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (run the test with -update to accept):\n%s",
			path, diff.Diff(path, want, "got", got))
	}
}

// GoldenString is [Golden] for text.
func GoldenString(t testing.TB, path, got string) {
	t.Helper()
	Golden(t, path, []byte(got))
}
