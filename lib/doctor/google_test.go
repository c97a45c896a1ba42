package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestGoogleClientOverrideIncomplete checks that doctor never calls a
// Google account ready when its refresh token cannot be renewed (an
// override with only one half of the OAuth client), and that the finding
// names the client, not a base URL.
func TestGoogleClientOverrideIncomplete(t *testing.T) {
	p, ps := troubled(t)
	d := deps(p, map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "x.apps.googleusercontent.com"})
	rep := Run(context.Background(), Options{Deps: d, Providers: ps, Loc: i18n.New("en"), Now: d.Now})
	for _, acct := range []string{"ok@example.com", "noproj@example.com", "fine@example.com"} {
		if has(rep, want{OK, CheckAccounts, "antigravity", acct, "", "ready"}) ||
			has(rep, want{OK, CheckManager, "antigravity", acct, "", "ready"}) {
			t.Errorf("%s is called ready", acct)
		}
	}
	found := false
	for _, f := range rep.Findings {
		if f.Account == "ok@example.com" && f.Severity == Error && f.Kind == quota.KindBadConfig {
			found = true
			if !strings.Contains(f.Meaning, "MYSTATUS_GOOGLE_CLIENT_SECRET") || strings.Contains(f.Meaning, "base URL") {
				t.Errorf("finding %+v", f)
			}
		}
	}
	if !found {
		t.Error("no client finding for ok@example.com")
	}

	// Without any client setting the built-in clients renew the token.
	rep = Run(context.Background(), Options{Deps: deps(p, nil), Providers: ps, Loc: i18n.New("en"), Now: d.Now})
	if !has(rep, want{OK, CheckAccounts, "antigravity", "ok@example.com", "", "ready"}) {
		t.Error("ok@example.com is not ready with the built-in clients")
	}
}
