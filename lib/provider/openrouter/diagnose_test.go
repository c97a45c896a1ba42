package openrouter

import (
	"context"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// checkup is doctor's side of Diagnose, recording what it is told.
type checkup struct {
	d        provider.Deps
	ok       []string
	problems []error
}

func (c *checkup) File(path string) *auth.File {
	f, err := c.d.Auth.Read(path)
	if err != nil {
		return nil
	}
	return f
}
func (c *checkup) OK(check, account, path, title string) { c.ok = append(c.ok, check) }
func (c *checkup) Problem(_ provider.Severity, _, _ string, err error) {
	c.problems = append(c.problems, err)
}
func (c *checkup) Reported(quota.Kind, string) bool     { return false }
func (c *checkup) T(id string, _ map[string]any) string { return id }
func (c *checkup) When(t time.Time) string              { return t.String() }
func (c *checkup) In(d time.Duration) string            { return d.String() }
func (c *checkup) Now() time.Time                       { return now }
func (c *checkup) Deps() provider.Deps                  { return c.d }

// Diagnose checks the platform's auth.json entry, without the network.
func TestDiagnose(t *testing.T) {
	tests := []struct {
		name  string
		auth  string
		ok    bool
		field string // of the field_missing problem
	}{
		{name: "key", auth: `{"openrouter":{"type":"api","key":"sk-or-v1-CANARY-0123456789"}}`, ok: true},
		{name: "absent", auth: `{"openai":{"type":"oauth","access":"x"}}`, ok: true},
		{name: "wrong type", auth: `{"openrouter":{"type":"oauth","access":"x-CANARY"}}`, field: "openrouter.type"},
		{name: "empty key", auth: `{"openrouter":{"type":"api","key":""}}`, field: "openrouter.key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProvider(t, tt.auth, nil)
			c := &checkup{d: p.d}
			p.Diagnose(context.Background(), c)
			if tt.ok {
				if len(c.ok) != 1 || len(c.problems) != 0 {
					t.Fatalf("ok %v, problems %v", c.ok, c.problems)
				}
				return
			}
			if len(c.problems) != 1 {
				t.Fatalf("problems %v", c.problems)
			}
			if e := quota.AsError(c.problems[0]); e.Kind != quota.KindFieldMissing || e.Field != tt.field {
				t.Errorf("problem %#v", e)
			}
		})
	}
}
