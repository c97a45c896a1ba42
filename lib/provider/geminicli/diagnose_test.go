package geminicli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// checkup is doctor's side of Diagnose, recording what it is told.
type checkup struct {
	d        provider.Deps
	ok       []string // check: message id
	problems []error
	sevs     []provider.Severity
}

func (c *checkup) File(path string) *auth.File {
	f, err := c.d.Auth.Read(path)
	if err != nil {
		return nil
	}
	return f
}
func (c *checkup) OK(check, account, path, title string) { c.ok = append(c.ok, check+": "+title) }
func (c *checkup) Problem(sev provider.Severity, _, _ string, err error) {
	c.problems = append(c.problems, err)
	c.sevs = append(c.sevs, sev)
}
func (c *checkup) Reported(quota.Kind, string) bool     { return false }
func (c *checkup) T(id string, _ map[string]any) string { return id }
func (c *checkup) When(t time.Time) string              { return t.String() }
func (c *checkup) In(d time.Duration) string            { return d.String() }
func (c *checkup) Now() time.Time                       { return c.d.Clock() }
func (c *checkup) Deps() provider.Deps                  { return c.d }

// TestDiagnose checks the login file without the network: a refresh
// token, the access token's expiry, and logins nothing can renew.
func TestDiagnose(t *testing.T) {
	tests := []struct {
		name    string
		creds   string // "" for no file
		later   bool   // the stored access token has expired
		env     map[string]string
		ok      []string
		problem quota.Kind
		sev     provider.Severity
	}{
		{name: "valid", creds: "fixture", ok: []string{"credentials: doctor.entry.ok", "expiry: doctor.entry.valid_until"}},
		{name: "expired, renewable", creds: "fixture", later: true, ok: []string{"credentials: doctor.entry.ok", "expiry: " + FactRenewed}},
		{name: "no expiry", creds: `{"refresh_token":"1//CANARY-r"}`, ok: []string{"credentials: doctor.entry.ok"}},
		{name: "access only, valid", creds: `{"access_token":"ya29.CANARY","expiry_date":1772366399000}`,
			ok: []string{"expiry: doctor.entry.valid_until"}, problem: quota.KindFieldMissing, sev: provider.SevWarn},
		{name: "access only, expired", creds: `{"access_token":"ya29.CANARY","expiry_date":1000}`, problem: quota.KindTokenExpired, sev: provider.SevError},
		{name: "no token", creds: `{"scope":"x"}`, problem: quota.KindFieldMissing, sev: provider.SevError},
		{name: "half client override", creds: "fixture", env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_SECRET": "x"},
			ok: []string{"expiry: doctor.entry.valid_until"}, problem: quota.KindBadConfig, sev: provider.SevError},
		{name: "no file", creds: ""},
		{name: "broken file", creds: `{`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			switch tt.creds {
			case "":
			case "fixture":
				files[".gemini/oauth_creds.json"] = string(testdata(t, "home/.gemini/oauth_creds.json"))
			default:
				files[".gemini/oauth_creds.json"] = tt.creds
			}
			p := newProvider(t, home(t, files), tt.env)
			if tt.later {
				p.d.Now = func() time.Time { return now.Add(48 * time.Hour) }
			}
			c := &checkup{d: p.d}
			p.Diagnose(context.Background(), c)
			if strings.Join(c.ok, "|") != strings.Join(tt.ok, "|") {
				t.Errorf("ok %q, want %q", c.ok, tt.ok)
			}
			switch {
			case tt.problem == "" && len(c.problems) > 0:
				t.Errorf("problems %v", c.problems)
			case tt.problem != "" && (len(c.problems) != 1 || quota.KindOf(c.problems[0]) != tt.problem || c.sevs[0] != tt.sev):
				t.Errorf("problems %v %v, want %s %s", c.problems, c.sevs, tt.sev, tt.problem)
			}
		})
	}
}

// TestDemoHandlerMints: the demo's stored token has expired; its token
// endpoint mints one for its refresh token, which its Code Assist fake
// accepts.
func TestDemoHandlerMints(t *testing.T) {
	dir := t.TempDir()
	paths := pathsFor(dir)
	d, err := New(provider.Deps{}).Demo(now, paths)
	if err != nil {
		t.Fatal(err)
	}
	for path, v := range d.Files {
		b, _ := json.Marshal(v)
		if !strings.HasPrefix(path, filepath.Join(dir, ".gemini")+string(filepath.Separator)) || !strings.Contains(string(b), "CANARY") {
			t.Errorf("demo file %s", path)
		}
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(d.Handler)
	t.Cleanup(srv.Close)
	p := newProvider(t, dir, map[string]string{"MYSTATUS_GEMINICLI_BASE_URL": srv.URL, "MYSTATUS_GOOGLE_OAUTH_URL": srv.URL + "/oauth"})
	a, err := p.Fetch(context.Background(), discoverOne(t, p))
	if err != nil || len(a.Windows) != 3 {
		t.Fatalf("%+v, %v", a, err)
	}
	if d.Settings[Setting] != "/" || d.Settings["google_oauth_url"] != "/oauth" {
		t.Errorf("settings %v", d.Settings)
	}
}
