package provider

import (
	"context"
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/quota"
)

// This file is the contract between a platform package and the shared
// packages (doctor, demo, explain, the CLI, the host). A platform's
// knowledge — its id, credential keys and files, settings, fix steps,
// diagnostics and demo — lives in its own package behind these
// interfaces; the shared packages only call them, so adding a platform
// touches its package, one line of the registry (package all), catalog
// entries and fixtures. The architecture test in package all holds this.

// Describer is implemented by every platform.
type Describer interface {
	// Describe tells the shared packages about the platform. It must not
	// touch the network or the disk.
	Describe() Description
}

// Description is what the shared packages know about a platform.
type Description struct {
	// ID is the platform's stable identifier (`--only`, JSON, catalogs).
	ID quota.PlatformID
	// Aliases are other names `--only` accepts ("claude" for anthropic).
	Aliases []string
	// AuthKeys are the OpenCode auth.json keys the platform reads, in the
	// order it tries them.
	AuthKeys []string
	// Files are the base names of credential files or directories only
	// this platform reads (not OpenCode's shared auth.json).
	Files []string
	// Endpoints are the platform's base-URL settings, for doctor's checks
	// and the documentation.
	Endpoints []Endpoint
	// FixData is template data its fix steps name, typically paths
	// ("PATPath": "/home/u/.config/opencode/copilot-quota-token.json").
	// Keys must not collide with another platform's.
	FixData map[string]any
	// Variant names the credential source a path belongs to, for
	// specialised fix steps ("error.<kind>.steps.<id>.<variant>"); nil
	// when the platform has one kind of source.
	Variant func(path string) string
	// Variants are the names Variant may return (the catalogs' steps
	// overrides are checked against them).
	Variants []string
}

// Endpoint is a base-URL setting and the paths the platform appends to it.
type Endpoint struct {
	// Setting is the lower-snake setting name ("openai_base_url"); the
	// environment variable is MYSTATUS_<SETTING>.
	Setting string
	// Default is the production base URL.
	Default string
	// Paths are appended to the base (doctor checks every join).
	Paths []string
	// List marks a comma- or space-separated list of bases.
	List bool
}

// Severity grades a doctor finding.
type Severity string

// Severities, from fine to broken.
const (
	SevOK    Severity = "ok"
	SevWarn  Severity = "warn"
	SevError Severity = "error"
)

// Doctor check names; the values are stable for JSON consumers.
const (
	CheckFile         = "file"         // a credential file: exists, readable, JSON
	CheckPermissions  = "permissions"  // group/world-readable credential file
	CheckCredentials  = "credentials"  // an auth.json entry, a token file
	CheckExpiry       = "expiry"       // access token lifetime
	CheckAccounts     = "accounts"     // the accounts of a multi-account file
	CheckManager      = "manager"      // a directory of account files
	CheckPlatforms    = "platforms"    // whether anything is configured
	CheckEndpoint     = "endpoint"     // base URL overrides
	CheckReachability = "reachability" // a live query through the platform
	CheckConfig       = "config"       // the config file and MYSTATUS_* settings
)

// Diagnoser is implemented by platforms whose credentials deserve checks
// beyond "the file exists, is readable JSON and is private", which doctor
// does itself for every [quota.Source] of [quota.Info].
type Diagnoser interface {
	// Diagnose records findings about the platform's credentials. It must
	// not touch the network (doctor's reachability check does that).
	Diagnose(ctx context.Context, c Checkup)
}

// Checkup is what doctor gives a [Diagnoser].
type Checkup interface {
	// File returns the credential file at path as doctor read it, nil
	// when it is absent or broken (doctor has reported that already).
	File(path string) *auth.File
	// OK records a finding that needs nothing; title is localized.
	OK(check, account, path, title string)
	// Problem records err, explained, with severity sev.
	Problem(sev Severity, check, account string, err error)
	// Reported tells whether a problem of kind k about path is already
	// recorded, so the same fault is not reported twice.
	Reported(k quota.Kind, path string) bool
	// T localizes a catalog message.
	T(id string, data map[string]any) string
	// When and In localize a time and a duration for a finding.
	When(t time.Time) string
	In(d time.Duration) string
	// Now is doctor's clock.
	Now() time.Time
	// Deps are the platform's dependencies (settings, auth store).
	Deps() Deps
}

// Demoer is implemented by platforms that take part in `mystatus demo`.
type Demoer interface {
	// Demo returns the platform's fake: dated relative to now, with its
	// credentials placed under paths (a temporary HOME).
	Demo(now time.Time, paths auth.Paths) (Demo, error)
}

// Demo is one platform's part of the demo. Every secret in it contains
// "CANARY" so a test can prove none reaches the report.
type Demo struct {
	// Handler answers the platform's endpoints. The demo server mounts it
	// under "/<id>" with that prefix stripped.
	Handler http.Handler
	// Settings point the platform at the fake: a value starting with "/"
	// is a path below the demo server's base URL ("/" is the mount point
	// itself); other values are used as they are (a fake OAuth client id).
	Settings map[string]string
	// AuthEntries are OpenCode auth.json entries (key → JSON value).
	AuthEntries map[string]any
	// Files are other credential files: absolute path → JSON value.
	Files map[string]any
	// Failing marks a platform whose demo deliberately shows a failure.
	Failing bool
}

// Describe returns p's description, or one with only the id when p does
// not implement [Describer].
func Describe(p quota.Provider) Description {
	if d, ok := p.(Describer); ok {
		return d.Describe()
	}
	return Description{ID: p.ID()}
}
