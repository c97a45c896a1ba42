//go:build unix

package auth

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// within fails the test if f blocks: a read that hangs on a special file
// is the bug these tests exist for.
func within(t *testing.T, f func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("read blocked")
	}
}

// TestSpecialFiles puts a FIFO, a /dev/zero symlink, a socket, a
// directory and a 2 GiB sparse file where auth.json belongs: each is
// refused at once, headlined for what it is.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no mkfifo:", err)
	}
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.json")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip("no unix socket:", err)
	}
	defer ln.Close()
	sparse := filepath.Join(dir, "big.json")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(2 << 30)
	f.Close()
	tests := []struct {
		path, code, detail string
	}{
		{fifo, CodeNotRegular, "named pipe"},
		{zero, CodeNotRegular, "character device"},
		{sock, CodeNotRegular, "socket"},
		{dir, CodeNotRegular, "directory"},
		{sparse, CodeTooLarge, "larger than 16 MiB"},
	}
	s := NewStore(Paths{})
	for _, tt := range tests {
		within(t, func() {
			_, err := s.Read(tt.path)
			e := quota.AsError(err)
			if e == nil || e.Kind != quota.KindFileUnreadable || e.Code != tt.code || !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("%s: %+v, want file_unreadable/%s mentioning %q", filepath.Base(tt.path), e, tt.code, tt.detail)
			}
			if e != nil && strings.Contains(e.Detail, "permission") {
				t.Errorf("%s: headlined as a permission problem: %q", tt.path, e.Detail)
			}
		})
	}
	// The auth.json reader reports the FIFO as a failure, not "not configured".
	home := t.TempDir()
	p := PathsFromEnv(env(map[string]string{"HOME": home}))
	os.MkdirAll(filepath.Dir(p.OpenCodeAuth()), 0o700)
	if err := syscall.Mkfifo(p.OpenCodeAuth(), 0o600); err != nil {
		t.Fatal(err)
	}
	within(t, func() {
		if _, _, err := NewStore(p).OpenCode("openai"); quota.AsError(err).Code != CodeNotRegular {
			t.Errorf("FIFO auth.json: %v", err)
		}
	})
}

func TestDeepFile(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(Paths{})
	for name, body := range map[string]string{
		"brackets":  strings.Repeat("[", 10<<20),
		"objects":   strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200),
		"in a key":  `{"openai":` + strings.Repeat("[", 129) + strings.Repeat("]", 129) + `}`,
		"just over": strings.Repeat("[", jsonval.MaxDepth+1) + strings.Repeat("]", jsonval.MaxDepth+1),
	} {
		path := write(t, dir, strings.ReplaceAll(name, " ", "_")+".json", body)
		within(t, func() {
			_, err := s.Read(path)
			e := quota.AsError(err)
			if e == nil || e.Kind != quota.KindFileMalformed || !errors.Is(err, jsonval.ErrTooDeep) ||
				!strings.Contains(e.Detail, "nested deeper than 128 levels") {
				t.Errorf("%s: %+v", name, e)
			}
		})
	}
	ok := write(t, dir, "ok.json", strings.Repeat("[", jsonval.MaxDepth)+strings.Repeat("]", jsonval.MaxDepth))
	if _, err := s.Read(ok); err != nil {
		t.Errorf("depth %d refused: %v", jsonval.MaxDepth, err)
	}
}
