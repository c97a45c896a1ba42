package antigravity

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

var _ provider.Diagnoser = (*Provider)(nil)

// Diagnose checks the accounts of every antigravity-accounts.json found
// and every account file of Antigravity-Manager's store.
func (p *Provider) Diagnose(_ context.Context, c provider.Checkup) {
	for _, path := range p.ocPaths() {
		if f := c.File(path); f != nil {
			p.checkAccounts(c, f)
		}
	}
	p.checkManager(c)
}

// checkAccounts checks the accounts of the OpenCode Antigravity auth
// plugin's file f.
func (p *Provider) checkAccounts(c provider.Checkup, f *auth.File) {
	accts := f.Get("accounts").Array()
	if len(accts) == 0 {
		c.Problem(provider.SevWarn, provider.CheckAccounts, "", &quota.Error{Kind: quota.KindNoAccounts, Path: f.Path})
		return
	}
	for i, a := range accts {
		name := a.Get("email").String()
		field := func(s string) string { return fmt.Sprintf("accounts[%d].%s", i, s) }
		switch {
		case name == "":
			c.Problem(provider.SevWarn, provider.CheckAccounts, fmt.Sprintf("#%d", i+1), &quota.Error{Kind: quota.KindFieldMissing, Path: f.Path, Field: field("email")})
		case a.Get("enabled").Type == gjson.False:
			c.OK(provider.CheckAccounts, name, f.Path, c.T("doctor.account.skipped", nil))
		case a.Get("refreshToken").String() == "":
			c.Problem(provider.SevError, provider.CheckAccounts, name, &quota.Error{Kind: quota.KindFieldMissing, Path: f.Path, Field: field("refreshToken")})
		case ClientProblem(c.Deps().Settings) != nil:
			// The refresh token cannot be renewed: never "ready".
			c.Problem(provider.SevError, provider.CheckAccounts, name, ClientProblem(c.Deps().Settings))
		default:
			// An account without a project id is fine: mystatus asks
			// loadCodeAssist for it.
			c.OK(provider.CheckAccounts, name, f.Path, c.T("doctor.account.ok", nil))
		}
	}
}

// managerFields are what Antigravity-Manager itself requires of an account.
var managerFields = []string{"id", "email", "token.access_token", "token.refresh_token", "token.expiry_timestamp"}

// checkManager checks Antigravity-Manager's account files, chosen as
// Discover chooses them (amFiles): required fields and the disabled /
// proxy_disabled / validation_blocked flags. A missing directory was
// reported by doctor's source check.
//
// A file that does not parse is reported as it is, without the pause and
// second read Discover allows it: doctor shows what it found, and a file
// caught in the middle of the app's rewrite is gone on the next run.
func (p *Provider) checkManager(c provider.Checkup) {
	dir := p.amDir()
	if dir == "" {
		return
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return
	}
	files, err := amFiles(dir)
	if err != nil {
		e := quota.AsError(err)
		if e.Detail == "" && e.Err != nil {
			e.Detail = e.Err.Error()
		}
		c.Problem(provider.SevError, provider.CheckManager, "", e)
		return
	}
	if len(files) == 0 {
		c.Problem(provider.SevWarn, provider.CheckManager, "", &quota.Error{Kind: quota.KindNoAccounts, Path: dir})
		return
	}
	for _, path := range files {
		if f := c.File(path); f != nil {
			checkManagerAccount(c, f)
		}
	}
}

// checkManagerAccount checks one Antigravity-Manager account file.
func checkManagerAccount(c provider.Checkup, f *auth.File) {
	path, now := f.Path, c.Now()
	name := f.Get("email").String()
	for _, field := range managerFields {
		if v := f.Get(field); !v.Exists() || v.Type == gjson.Null || v.String() == "" {
			c.Problem(provider.SevError, provider.CheckManager, name, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: field})
			return
		}
	}
	problems := false
	if f.Get("disabled").Bool() {
		problems = true
		c.Problem(provider.SevError, provider.CheckManager, name, &quota.Error{Kind: quota.KindAccountDisabled, Path: path,
			Reason: f.Get("disabled_reason").String(), Since: epoch(f.Get("disabled_at"))})
	}
	if f.Get("proxy_disabled").Bool() {
		problems = true
		c.Problem(provider.SevWarn, provider.CheckManager, name, &quota.Error{Kind: quota.KindAccountDisabled, Path: path,
			Reason: f.Get("proxy_disabled_reason").String(), Since: epoch(f.Get("proxy_disabled_at"))})
	}
	if f.Get("validation_blocked").Bool() {
		until := epoch(f.Get("validation_blocked_until"))
		if until.IsZero() || until.After(now) {
			problems = true
			c.Problem(provider.SevWarn, provider.CheckManager, name, &quota.Error{Kind: quota.KindVerification, Path: path,
				Link: f.Get("validation_url").String(), ResetAt: until, Detail: f.Get("validation_blocked_reason").String()})
		}
	}
	if err := ClientProblem(c.Deps().Settings); err != nil && !epoch(f.Get("token.expiry_timestamp")).After(now) {
		// The stored access token has expired and cannot be renewed.
		problems = true
		c.Problem(provider.SevError, provider.CheckManager, name, err)
	}
	if !problems {
		c.OK(provider.CheckManager, name, path, c.T("doctor.account.ok", nil))
	}
}
