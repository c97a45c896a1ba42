//go:build unix

package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// TestLoadConfigSpecialFiles: a FIFO, /dev/zero, a huge or deeply nested
// file in place of config.json is refused at once with its own message.
func TestLoadConfigSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if f, err := os.Create(big); err == nil {
		f.Truncate(2 << 30)
		f.Close()
	}
	deep := filepath.Join(dir, "deep.json")
	os.WriteFile(deep, []byte(strings.Repeat("[", 512<<10)), 0o600)
	secret := filepath.Join(dir, "secret.json")
	os.WriteFile(secret, []byte(`{"google_client_secret":"plainConfigSecret01","timeout":"5s"}`), 0o600)
	tests := []struct {
		path, id string
	}{
		{fifo, "cli.config.special"},
		{zero, "cli.config.special"},
		{dir, "cli.config.special"},
		{big, "cli.config.large"},
		{deep, "cli.config.file"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		done := make(chan error, 1)
		go func() { _, err := loadConfig(tt.path); done <- err }()
		select {
		case err := <-done:
			var ce *configError
			if !errors.As(err, &ce) || ce.id != tt.id {
				t.Errorf("%s: %v, want %s", filepath.Base(tt.path), err, tt.id)
			}
			if tt.path == deep && !strings.Contains(ce.data["Error"].(string), "nested deeper than 128 levels") {
				t.Errorf("deep: %v", ce.data)
			}
		case <-ctx.Done():
			t.Fatalf("%s: loadConfig blocked", tt.path)
		}
		cancel()
	}
	if m, err := loadConfig(secret); err != nil || m["timeout"] != "5s" {
		t.Fatalf("regular config: %v %v", m, err)
	}
	if got := quota.Scrub("bad client plainConfigSecret01"); strings.Contains(got, "ConfigSecret") {
		t.Errorf("config secret not registered: %q", got)
	}
}
