package providertest

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
)

// HostileFile is a special file put where a credential file belongs.
type HostileFile struct {
	Name string
	// Make creates it at path (skipping the test where the system cannot).
	Make func(t *testing.T, path string)
	// Code is the auth code a platform must refuse it with.
	Code string
}

// HostileFiles are a FIFO (open(2) would block on it) and a file over
// auth.MaxFile: both must be refused as unreadable, at once.
var HostileFiles = []HostileFile{
	{"fifo", func(t *testing.T, path string) {
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skip("no FIFO here:", err)
		}
	}, auth.CodeNotRegular},
	{"huge", func(t *testing.T, path string) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(auth.MaxFile + 1); err != nil {
			t.Fatal(err)
		}
	}, auth.CodeTooLarge},
}

// RefusedAtOnce puts each of [HostileFiles] at path in turn and fails
// unless discover (built after the file is in place) returns file_unreadable
// with the file's code and path, within 5 s rather than blocking on it.
func RefusedAtOnce(t *testing.T, path func(t *testing.T) string, discover func(t *testing.T) func(context.Context) ([]quota.Target, error)) {
	t.Helper()
	for _, hf := range HostileFiles {
		t.Run(hf.Name, func(t *testing.T) {
			p := path(t)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			hf.Make(t, p)
			d := discover(t)
			done := make(chan error, 1)
			go func() { _, err := d(context.Background()); done <- err }()
			select {
			case err := <-done:
				if qe := quota.AsError(err); qe.Kind != quota.KindFileUnreadable || qe.Code != hf.Code || qe.Path != p {
					t.Fatalf("err = %v, want file_unreadable %s", err, hf.Code)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Discover blocked on the file")
			}
		})
	}
}
