package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder captures what Golden reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Errorf(f string, args ...any) { r.errs = append(r.errs, f) }
func (r *recorder) Fatalf(f string, args ...any) { r.errs = append(r.errs, f) }
func (r *recorder) Fatal(args ...any)            { r.errs = append(r.errs, "fatal") }

func TestGoldenReportsADiff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	os.WriteFile(path, []byte("a\nb\n"), 0o644)
	r := &recorder{TB: t}
	Golden(r, path, []byte("a\nb\n"))
	if len(r.errs) != 0 {
		t.Fatalf("equal content reported: %v", r.errs)
	}
	Golden(r, path, []byte("a\nc\n"))
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "differs") {
		t.Fatalf("a mismatch was not reported: %v", r.errs)
	}
	Golden(r, filepath.Join(t.TempDir(), "missing"), nil)
	if len(r.errs) != 2 {
		t.Fatalf("a missing golden file was not reported")
	}
}
