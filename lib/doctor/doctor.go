// Package doctor is `mystatus doctor`: the seed FAQs turned into checks.
// It inspects every credential source of every platform (exists, readable,
// valid JSON, permissions), lets each platform that implements
// [provider.Diagnoser] check what its credentials hold (required fields,
// token expiry, accounts), validates every endpoint override the
// platforms describe, then asks each configured platform once and
// reports each finding with what it means and the steps that fix it.
//
// Credential files are only read, through the auth store.
package doctor

import (
	"context"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Severity grades a finding; see [provider.Severity].
type Severity = provider.Severity

// Severities, from fine to broken.
const (
	OK    = provider.SevOK
	Warn  = provider.SevWarn
	Error = provider.SevError
)

// Check names what a finding is about; the values are stable for JSON
// consumers. Platforms' checks use the same names (package provider).
const (
	CheckFile         = provider.CheckFile
	CheckPermissions  = provider.CheckPermissions
	CheckCredentials  = provider.CheckCredentials
	CheckExpiry       = provider.CheckExpiry
	CheckAccounts     = provider.CheckAccounts
	CheckManager      = provider.CheckManager
	CheckPlatforms    = provider.CheckPlatforms
	CheckEndpoint     = provider.CheckEndpoint
	CheckReachability = provider.CheckReachability
	CheckConfig       = provider.CheckConfig
)

// Finding is one result of a check. Title, Meaning and Steps are
// localized; Meaning and Steps are empty for findings that are fine.
type Finding struct {
	Severity Severity         `json:"severity"`
	Check    string           `json:"check"`
	Platform quota.PlatformID `json:"platform,omitempty"`
	Account  string           `json:"account,omitempty"`
	Path     string           `json:"path,omitempty"`
	Kind     quota.Kind       `json:"kind,omitempty"`
	Title    string           `json:"title"`
	Meaning  string           `json:"meaning,omitempty"`
	Steps    []string         `json:"steps,omitempty"`
	// Detail is a technical detail (an upstream message, a JSON syntax
	// position), scrubbed of secrets.
	Detail string `json:"detail,omitempty"`
}

// Report is the outcome of a doctor run, findings in check order.
type Report struct {
	Findings []Finding `json:"findings"`
}

// Options configure a run.
type Options struct {
	// Deps are the platforms' dependencies: the auth store and its paths,
	// the settings, the HTTP client (whose Timeout bounds each request).
	Deps provider.Deps
	// Providers in report order.
	Providers []quota.Provider
	// Loc is the language of the findings.
	Loc *i18n.Localizer
	// Now is the clock (Deps.Clock when nil).
	Now func() time.Time
}

// Run performs every check. The reachability checks end within the
// report service's budget (1.5× the request timeout).
func Run(ctx context.Context, opts Options) Report {
	if opts.Loc == nil {
		opts.Loc = i18n.New("en")
	}
	r := &run{opts: opts, files: map[string]*auth.File{}, described: map[quota.PlatformID]provider.Description{}}
	for _, p := range opts.Providers {
		d := provider.Describe(p)
		r.described[p.ID()] = d
		r.descriptions = append(r.descriptions, d)
	}
	r.credentials(ctx)
	r.endpoints()
	r.reachability(ctx)
	return Report{Findings: r.findings}
}

// ExitCode is 0 when every finding is fine and 1 when something needs
// attention.
func ExitCode(rep Report) int {
	for _, f := range rep.Findings {
		if f.Severity != OK {
			return 1
		}
	}
	return 0
}

// run accumulates findings.
type run struct {
	opts     Options
	findings []Finding
	// files are the credential files read so far by path, nil when absent
	// or broken.
	files map[string]*auth.File
	// descriptions are what the platforms say of themselves, in report
	// order; described holds them by platform.
	descriptions []provider.Description
	described    map[quota.PlatformID]provider.Description
}

// describe is what platform p says of itself (only its id when p is none
// of the providers, or empty).
func (r *run) describe(p quota.PlatformID) provider.Description {
	if d, ok := r.described[p]; ok {
		return d
	}
	return provider.Description{ID: p}
}

func (r *run) now() time.Time {
	if r.opts.Now != nil {
		return r.opts.Now()
	}
	return r.opts.Deps.Clock()
}

func (r *run) t(id string, data map[string]any) string { return r.opts.Loc.T(id, data) }

// ok records a finding that needs nothing.
func (r *run) ok(check string, p quota.PlatformID, account, path, title string) {
	r.findings = append(r.findings, Finding{Severity: OK, Check: check, Platform: p, Account: account, Path: path, Title: title})
}

// problem records err explained, with severity sev.
func (r *run) problem(sev Severity, check string, p quota.PlatformID, account string, err error) {
	x := explain.For(r.opts.Loc, r.describe(p), err, r.opts.Deps.Auth.Paths)
	r.findings = append(r.findings, Finding{Severity: sev, Check: check, Platform: p, Account: account,
		Path: quota.AsError(err).Path, Kind: x.Kind, Title: x.Title, Meaning: x.Meaning, Steps: x.Steps, Detail: x.Detail})
}

// seen reports whether a problem of kind k about path was already found,
// so a live query does not repeat what the file checks said.
func (r *run) seen(k quota.Kind, path string) bool {
	if path == "" {
		return false
	}
	for _, f := range r.findings {
		if f.Severity != OK && f.Kind == k && f.Path == path {
			return true
		}
	}
	return false
}
