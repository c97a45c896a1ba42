//go:build unix

package setup

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO or a device in place of the config file is refused at once
// (reading either would block or never end) and left alone.
func TestWriteRefusesSpecialFiles(t *testing.T) {
	deadline := time.Now().Add(10 * time.Second)
	if d, ok := t.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for _, kind := range []string{"fifo", "devzero"} {
		t.Run(kind, func(t *testing.T) {
			opts := testOptions(t.TempDir())
			snip, _ := Snippet(Claude, opts)
			if err := os.MkdirAll(filepath.Dir(snip.Path), 0o755); err != nil {
				t.Fatal(err)
			}
			if kind == "fifo" {
				if err := syscall.Mkfifo(snip.Path, 0o600); err != nil {
					t.Skip("mkfifo:", err)
				}
			} else if err := os.Symlink("/dev/zero", snip.Path); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := Write(Claude, opts); done <- err }()
			select {
			case err := <-done:
				var e *Error
				if !errors.As(err, &e) || e.Kind != ErrIO {
					t.Fatalf("error %v, want an I/O error", err)
				}
			case <-time.After(time.Until(deadline)):
				t.Fatal("Write blocked on a special file")
			}
			fi, err := os.Lstat(snip.Path)
			if err != nil || fi.Mode().IsRegular() {
				t.Errorf("special file replaced: %v %v", fi.Mode(), err)
			}
		})
	}
}
