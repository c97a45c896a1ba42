package copilot

import (
	"context"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Tiers are the accepted values of "tier" in the PAT file.
var Tiers = []string{"free", "pro", "pro+", "business", "enterprise"}

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks every PAT file found (token, username, a known tier) and
// the "github-copilot" auth.json login, whose GitHub token does not expire.
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	for _, path := range p.patPaths() {
		if f := c.File(path); f != nil {
			checkPAT(c, f)
		}
	}
	// Older OpenCode versions kept the GitHub token in "access".
	provider.CheckAuthEntry(c, provider.AuthEntry{Key: authKey, Type: "oauth", Field: "refresh|access"})
}

// checkPAT checks the fields of the PAT file f.
func checkPAT(c provider.Checkup, f *auth.File) {
	path, get := f.Path, f.Get
	for _, field := range []string{"token", "username", "tier"} {
		if v := get(field); v.Type != gjson.String || strings.TrimSpace(v.Str) == "" {
			c.Problem(provider.SevError, provider.CheckCredentials, "", &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: field})
			return
		}
	}
	tier := get("tier").Str
	if !slices.Contains(Tiers, strings.ToLower(tier)) {
		c.Problem(provider.SevError, provider.CheckCredentials, "", &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "tier",
			Detail: c.T("doctor.pat.tier", map[string]any{"Tier": quota.Scrub(tier)})})
		return
	}
	c.OK(provider.CheckCredentials, get("username").Str, path, c.T("doctor.pat.ok", map[string]any{"Tier": tier}))
}
