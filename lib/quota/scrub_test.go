package quota

import (
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	tests := []struct {
		in   string
		gone []string // must not survive
		kept []string // must survive
	}{
		{`Authorization: Bearer abc.def-CANARY123`, []string{"CANARY"}, []string{"Bearer"}},
		{`{"error":"invalid_grant","refresh_token":"1//0gCANARYrefresh"}`, []string{"CANARY"}, []string{"invalid_grant", "refresh_token"}},
		{`token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUlkifQ.c2lnbmF0dXJl here`, []string{"eyJhbGci"}, []string{"here"}},
		{`key sk-ant-oat01-CANARYxyz rejected`, []string{"CANARY"}, []string{"rejected"}},
		{`pat github_pat_11AACANARY_xyz`, []string{"CANARY"}, nil},
		{`gho_CANARY0123456789 bad`, []string{"CANARY"}, []string{"bad"}},
		{`access ya29.a0CANARY-xyz expired`, []string{"CANARY"}, []string{"expired"}},
		{`key 0123456789abcdef0123456789abcdef.CANARYsecret`, []string{"CANARY", "0123456789abcdef"}, nil},
		{`hash deadbeefdeadbeefdeadbeefdeadbeef`, []string{"deadbeef"}, []string{"hash"}},
		{`blob QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy=`, []string{"QUJDREVG"}, nil},
		{`api_key=CANARYvalue&x=1`, []string{"CANARY"}, []string{"api_key="}},
		// Names and messages survive.
		{`model claude-opus-4-5-thinking not found at /api/monitor/usage/quota/limit`, nil,
			[]string{"claude-opus-4-5-thinking", "/api/monitor/usage/quota/limit"}},
		{`request id 123e4567-e89b-12d3-a456-426614174000`, nil, []string{"123e4567-e89b-12d3-a456-426614174000"}},
		{`Your authentication token has expired. Please try signing in again.`, nil, []string{"token has expired"}},
		{`Resource has been exhausted (e.g. check quota).`, nil, []string{"Resource has been exhausted"}},
		{`令牌已过期`, nil, []string{"令牌已过期"}},
		{"", nil, nil},
	}
	for _, tt := range tests {
		got := Scrub(tt.in)
		for _, g := range tt.gone {
			if strings.Contains(got, g) {
				t.Errorf("Scrub(%q) = %q keeps %q", tt.in, got, g)
			}
		}
		for _, k := range tt.kept {
			if !strings.Contains(got, k) {
				t.Errorf("Scrub(%q) = %q lost %q", tt.in, got, k)
			}
		}
	}
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{
		"Bearer sk-CANARY-0001", `{"access_token":"ya29.CANARY","expires_in":3599}`,
		"1//0gCANARY", "eyJa.eyJb.c", "github_pat_CANARY", "plain text", "0123456789abcdef0123456789abcdef.secret",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Scrub(s)
		if Scrub(got) != got {
			t.Errorf("Scrub is not idempotent: %q -> %q -> %q", s, got, Scrub(got))
		}
		for _, secret := range []string{"sk-CANARY-secret-0001", "github_pat_CANARY0001", "1//CANARYrefresh01"} {
			if strings.Contains(Scrub(s+" "+secret), secret) {
				t.Errorf("secret %q survives after %q", secret, s)
			}
		}
	})
}
