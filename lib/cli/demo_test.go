package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
)

// TestDemoIgnoresRealSetup runs `mystatus demo` with a user environment
// and config file that point every platform elsewhere (an unroutable
// address) and hold real-looking credentials: the demo must still show
// every fake platform, proving it used neither.
func TestDemoIgnoresRealSetup(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".config", "mystatus", "config.json")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(`{"openai_base_url": "http://192.0.2.1:9", "cloudcode_base_url": "http://192.0.2.1:9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		switch {
		case k == "HOME":
			return home
		case strings.HasPrefix(k, "MYSTATUS_") && (strings.HasSuffix(k, "_URL")):
			return "http://192.0.2.1:9"
		case k == "MYSTATUS_GOOGLE_CLIENT_ID", k == "MYSTATUS_GOOGLE_CLIENT_SECRET":
			return "real-CANARY-client"
		}
		return ""
	}
	var out, errb bytes.Buffer
	code := Main(context.Background(), Env{
		Args:   []string{"demo", "--lang", "en", "--timeout", "3s"},
		Stdout: &out, Stderr: &errb, Getenv: getenv, Now: time.Now,
	})
	// The Z.ai account's failure is staged: the demo exits 0 and says so.
	if code != ExitOK {
		t.Errorf("exit %d, want %d; stderr: %s", code, ExitOK, errb.String())
	}
	// Markdown escapes of the masked names do not matter here.
	got := strings.ReplaceAll(out.String(), `\*`, "*")
	want := []string{i18n.New("en").T("demo.banner", nil), i18n.New("en").T("demo.failure_note", nil), "demo@example.com", "demo****0001",
		"demo.alpha@example.com", "demo.beta@example.com", "@demo-user", "demo****0002"}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("demo report lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "CANARY") || strings.Contains(got, "192.0.2.1") {
		t.Errorf("demo report shows a secret or the user's endpoint:\n%s", got)
	}
	// Fix steps name the user's real file, not the demo's temporary HOME.
	real := filepath.Join(home, ".local", "share", "opencode", "auth.json")
	if !strings.Contains(got, real) || strings.Contains(got, "mystatus-demo-") {
		t.Errorf("demo fix steps do not name the user's %s:\n%s", real, got)
	}
}
