package geminicli

import (
	"context"

	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks the login file doctor read: it must hold a refresh
// token (or at least an access token, which then decides alone), and the
// stored access token's expiry is reported. An expired access token is
// fine while there is a refresh token and a usable client: mystatus mints
// a new one in memory.
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	path := CredsPath(c.Deps())
	if path == "" {
		return
	}
	f := c.File(path)
	if f == nil {
		return // absent or broken: doctor's file check has said so
	}
	cr, err := parseCreds(path, f.Data)
	if err != nil {
		if !c.Reported(quota.KindOf(err), path) {
			c.Problem(provider.SevError, provider.CheckCredentials, "", err)
		}
		return
	}
	name := cr.email
	if name == "" {
		name = activeEmail(c.Deps().Auth, Dir(c.Deps().Auth.Paths, c.Deps().Settings.Getenv))
	}
	now := c.Now()
	switch {
	case cr.refresh == "" && !cr.accessValid(now):
		// Nothing can renew it: the next report fails.
		c.Problem(provider.SevError, provider.CheckCredentials, name,
			&quota.Error{Kind: quota.KindTokenExpired, Path: path, Field: "refresh_token"})
		return
	case cr.refresh == "":
		c.Problem(provider.SevWarn, provider.CheckCredentials, name,
			&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "refresh_token"})
	case google.ClientProblem(c.Deps().Settings) != nil:
		// The refresh token cannot be renewed with these settings: never "ready".
		c.Problem(provider.SevError, provider.CheckCredentials, name, google.ClientProblem(c.Deps().Settings))
	default:
		c.OK(provider.CheckCredentials, name, path, c.T("doctor.entry.ok", map[string]any{"Path": path}))
	}
	switch {
	case cr.expiry.IsZero():
	case cr.expiry.After(now):
		c.OK(provider.CheckExpiry, name, path, c.T("doctor.entry.valid_until", map[string]any{"Path": path,
			"Until": c.When(cr.expiry), "In": c.In(cr.expiry.Sub(now))}))
	case cr.refresh != "":
		c.OK(provider.CheckExpiry, name, path, c.T(FactRenewed, map[string]any{"At": c.When(cr.expiry)}))
	}
}

// FactRenewed is the catalog message of doctor's expiry finding for an
// expired access token that mystatus renews in memory; Data: "At".
const FactRenewed = "geminicli.expiry.renewed"
