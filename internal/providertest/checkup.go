package providertest

import (
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// Checkup is doctor's side of [provider.Diagnoser.Diagnose], recording what
// it is told. Messages are their catalog ids; nothing is reported yet.
type Checkup struct {
	deps provider.Deps
	now  time.Time
	// Passed are the checks of the findings that need nothing.
	Passed []string
	// Problems are the errors of the problems, Severities their grades.
	Problems   []error
	Severities []provider.Severity
}

// NewCheckup is a checkup reading credentials through d, with now as
// doctor's clock.
func NewCheckup(d provider.Deps, now time.Time) *Checkup { return &Checkup{deps: d, now: now} }

var _ provider.Checkup = (*Checkup)(nil)

// File reads path through the auth store; nil when that fails.
func (c *Checkup) File(path string) *auth.File {
	f, err := c.deps.Auth.Read(path)
	if err != nil {
		return nil
	}
	return f
}

// OK records check as passed.
func (c *Checkup) OK(check, account, path, title string) { c.Passed = append(c.Passed, check) }

// Problem records err and sev.
func (c *Checkup) Problem(sev provider.Severity, check, account string, err error) {
	c.Problems = append(c.Problems, err)
	c.Severities = append(c.Severities, sev)
}

// Reported is always false.
func (c *Checkup) Reported(quota.Kind, string) bool { return false }

// T returns id.
func (c *Checkup) T(id string, _ map[string]any) string { return id }

// When and In print t and d plainly.
func (c *Checkup) When(t time.Time) string   { return t.String() }
func (c *Checkup) In(d time.Duration) string { return d.String() }

// Now is the clock given to [NewCheckup].
func (c *Checkup) Now() time.Time { return c.now }

// Deps are the dependencies given to [NewCheckup].
func (c *Checkup) Deps() provider.Deps { return c.deps }
