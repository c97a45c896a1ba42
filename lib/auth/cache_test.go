package auth

import (
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mystatus/mystatus/lib/quota"
)

// countReads makes readFile count its calls for the test's duration.
func countReads(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	orig := readFile
	readFile = func(path string, max int64) ([]byte, error) {
		n.Add(1)
		return orig(path, max)
	}
	t.Cleanup(func() { readFile = orig })
	return &n
}

// TestReadOnce: the platforms of one report read a file side by side; it
// is read and checked once, whether it is valid or malformed, and read
// again once it changes.
func TestReadOnce(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       quota.Kind
	}{
		{"valid", `{"openai":{"type":"api","key":"sk-cache-test-0001"}}`, ""},
		{"deep", strings.Repeat("[", 1<<20), quota.KindFileMalformed},
		{"invalid", `{"openai":`, quota.KindFileMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads := countReads(t)
			path := write(t, t.TempDir(), "auth.json", tc.body)
			s := NewStore(Paths{})
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Go(func() { _, errs[i] = s.Read(path) })
			}
			wg.Wait()
			for _, err := range errs {
				if quota.KindOf(err) != tc.kind && !(tc.kind == "" && err == nil) {
					t.Fatalf("read: %v, want kind %q", err, tc.kind)
				}
			}
			if n := reads.Load(); n != 1 {
				t.Errorf("8 concurrent reads read the file %d times, want 1", n)
			}
			s.Read(path)
			if n := reads.Load(); n != 1 {
				t.Errorf("an unchanged file was read again (%d reads)", n)
			}
			if err := os.WriteFile(path, []byte(`{"openai":{"type":"api","key":"sk-cache-test-0002-rewritten"}}`), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Read(path); err != nil {
				t.Fatalf("after rewrite: %v", err)
			}
			if n := reads.Load(); n != 2 {
				t.Errorf("a changed file was not read again (%d reads)", n)
			}
		})
	}
}

// TestCachedErrorIsCopied: a platform adding to its error (a path, a
// detail) does not change what the next platform is told.
func TestCachedErrorIsCopied(t *testing.T) {
	path := write(t, t.TempDir(), "auth.json", `{"openai":`)
	s := NewStore(Paths{})
	_, err := s.Read(path)
	quota.AsError(err).Path = "/changed"
	if _, err := s.Read(path); quota.AsError(err).Path != path {
		t.Errorf("second read's error names %q, want %q", quota.AsError(err).Path, path)
	}
}

// TestPermissionNotRemembered: a chmod that fixes a file keeps its mtime
// and size, so a permission failure is never served from the cache.
func TestPermissionNotRemembered(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a file whatever its mode")
	}
	path := write(t, t.TempDir(), "auth.json", `{"openai":{"type":"api","key":"sk-cache-test-0003"}}`)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	s := NewStore(Paths{})
	if _, err := s.Read(path); quota.KindOf(err) != quota.KindFileUnreadable {
		t.Fatalf("mode 000: %v, want file_unreadable", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Read(path); err != nil {
		t.Errorf("after chmod 600: %v", err)
	}
}
