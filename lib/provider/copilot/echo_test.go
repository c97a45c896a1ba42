package copilot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestEchoedTokenLeavesNoFragment: GitHub answers that echo the token the
// request carried (whole, or cut by a long message) must not get any
// fragment of it into the error. The tokens look like hyphenated names,
// which the shared scrubber keeps, so only the provider's own redaction
// can catch them.
func TestEchoedTokenLeavesNoFragment(t *testing.T) {
	const (
		patToken = "qmxv-tplw-kzrb-ncys"
		ghToken  = "hjwq-ztvb-nxkm-rpql"
	)
	answers := map[string]func(tok string) (int, string){
		"401 message": func(tok string) (int, string) {
			return 401, `{"message":"Bad credentials for ` + tok + `","status":"401"}`
		},
		"long message cut at the token": func(tok string) (int, string) {
			return 403, `{"message":"` + strings.Repeat("m", httpx.DetailLen-6) + tok + `"}`
		},
		"200 not JSON": func(tok string) (int, string) {
			return 200, strings.Repeat("x", 100) + " token " + tok + " <html>"
		},
		"500 text": func(tok string) (int, string) { return 500, "boom " + tok },
	}
	fragments := func(s string) []string {
		var out []string
		for i := 0; i+5 <= len(s); i++ {
			out = append(out, s[i:i+5])
		}
		return out
	}
	routes := map[string]string{
		"pat":   `{"token":"` + patToken + `","username":"octocat","tier":"pro"}`,
		"oauth": `{"github-copilot":{"type":"oauth","refresh":"` + ghToken + `"}}`,
	}
	for route, file := range routes {
		for name, answer := range answers {
			t.Run(route+" "+name, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
					status, body := answer(tok)
					w.WriteHeader(status)
					w.Write([]byte(body))
				}))
				defer srv.Close()
				home := t.TempDir()
				path := filepath.Join(home, "config", "opencode", "copilot-quota-token.json")
				if route == "oauth" {
					path = filepath.Join(home, "data", "opencode", "auth.json")
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
					t.Fatal(err)
				}
				p := New(provider.Deps{
					HTTP: httpx.New(5 * time.Second),
					Auth: auth.NewStore(auth.Paths{Home: home, XDGData: filepath.Join(home, "data"), XDGConfig: filepath.Join(home, "config")}),
					Settings: provider.Settings{Getenv: func(k string) string {
						if k == "MYSTATUS_GITHUB_API_URL" {
							return srv.URL
						}
						return ""
					}},
					Now: func() time.Time { return now },
				})
				ts, err := p.Discover(context.Background())
				if err != nil || len(ts) != 1 {
					t.Fatalf("discover: %v %v", ts, err)
				}
				_, err = p.Fetch(context.Background(), ts[0])
				e := quota.AsError(err)
				if e == nil {
					t.Fatal("no error")
				}
				shown := err.Error() + "\n" + e.Detail
				for _, f := range append(fragments(patToken), fragments(ghToken)...) {
					if strings.Contains(shown, f) {
						t.Fatalf("fragment %q of the token in %q", f, shown)
					}
				}
			})
		}
	}
}

// A non-2xx body nested past the depth limit is classified by its status,
// never handed to the recursive JSON parser.
func TestClassifyDeepBody(t *testing.T) {
	body := []byte(`{"message":` + strings.Repeat("[", 100000))
	err := classify(&httpx.StatusError{Status: 401, URL: "http://127.0.0.1/x", Body: body})
	if e := quota.AsError(err); e == nil || e.Kind != quota.KindUnauthorized {
		t.Fatalf("error = %#v", e)
	}
}
