//go:build unix

package safefile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// within fails the test if f does not return before the deadline: a read
// that blocks is the bug these tests exist for.
func within(t *testing.T, f func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("read blocked")
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "auth.json")
	if err := os.WriteFile(regular, []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	sparse := filepath.Join(dir, "sparse")
	if f, err := os.Create(sparse); err == nil {
		_ = f.Truncate(2 << 30)
		f.Close()
	}
	tests := []struct {
		name string
		path string
		max  int64
		want error
	}{
		{"regular", regular, 1024, nil},
		{"exactly the cap", regular, 7, nil},
		{"over the cap", big, 1024, ErrTooLarge},
		{"sparse 2 GiB", sparse, 1 << 20, ErrTooLarge},
		{"fifo without writer", fifo, 1024, ErrNotRegular},
		{"dev zero", "/dev/zero", 1024, ErrNotRegular},
		{"directory", dir, 1024, ErrNotRegular},
		{"missing", filepath.Join(dir, "nope"), 1024, fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			within(t, func() {
				data, err := Read(tt.path, tt.max)
				if !errors.Is(err, tt.want) {
					t.Fatalf("Read(%s) error = %v, want %v", tt.path, err, tt.want)
				}
				if tt.want == nil && string(data) != `{"a":1}` {
					t.Fatalf("data = %q", data)
				}
			})
		})
	}
}
