package geminicli

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// Tests over the real recorded bodies of testdata (provenance in
// testdata/SOURCES.md). Each row names the figures a user must see,
// computed by hand from the body.

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func at(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// row is one expected window: model, used % (-1 for no data), reset.
type row struct {
	name  string
	used  float64
	reset string
}

func checkRows(t *testing.T, got []quota.Window, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d windows %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != quota.KindModel || !g.Compact || g.Name != w.name || !g.ResetAt.Equal(at(w.reset)) {
			t.Errorf("window %d = %+v, want %+v", i, g, w)
		}
		if w.used < 0 != g.NoData || (!g.NoData && g.UsedPct != w.used) {
			t.Errorf("window %d %s: used %v (no data %v), want %v", i, g.Name, g.UsedPct, g.NoData, w.used)
		}
	}
}

func TestParseQuotaRecorded(t *testing.T) {
	tests := []struct {
		file string
		want []row
	}{
		{"gemini_cli_server_test.json", []row{{"gemini-2.5-pro", 25, "2025-10-22T16:01:15Z"}}},
		// The TOKENS bucket (10 % left) binds before the REQUESTS one.
		{"free_requests_tokens.json", []row{{"gemini-2.5-pro", 90, "2026-06-20T06:27:20Z"}, {"gemini-2.5-flash", 60, "2026-06-20T06:27:20Z"}}},
		{"two_models_daily.json", []row{{"gemini-2.0-flash", 0, "2026-01-14T22:57:56Z"}, {"gemini-2.5-pro", 19.6, "2026-01-14T00:51:35Z"}}},
		// Vertex twins fold into their model; no reset time is none.
		{"vertex_twins_no_reset.json", []row{{"gemini-2.5-pro", 0, ""}, {"gemini-2.5-flash", 20, ""}, {"gemini-2.0-flash", 0, ""}}},
		{"remaining_amount_mixed.json", []row{{"gemini-2.5-pro", 90, "2026-06-13T00:00:00Z"}, {"gemini-2.5-flash", 20, "2026-06-13T00:00:00Z"}}},
		{"gemini3_family.json", []row{{"gemini-3-flash", 7, "2026-09-15T00:00:00Z"}, {"gemini-3-pro", 10, "2026-09-15T00:00:00Z"}, {"gemini-3-flash-lite", 50, "2026-09-15T00:00:00Z"}}},
		// Gemini CLI's own fixtures: remainingAmount beside the fraction, no
		// reset time; a zero fraction is all used.
		{"gemini_cli_config_pooled.json", []row{{"gemini-2.5-pro", 80, ""}, {"gemini-2.5-flash", 20, ""}}},
		{"gemini_cli_config_zero.json", []row{{"gemini-3-pro-preview", 100, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseQuota(testdata(t, "quota/"+tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, tt.want)
		})
	}
}

func TestParseQuotaShapes(t *testing.T) {
	tests := []struct {
		name, body string
		want       []row
		wantErr    bool
	}{
		{name: "no buckets", body: `{}`, want: []row{}},
		{name: "null buckets", body: `{"buckets":null}`, want: []row{}},
		{name: "wrapped", body: `{"response":{"buckets":[{"modelId":"gemini-2.5-pro","remainingFraction":0.5}]}}`, want: []row{{"gemini-2.5-pro", 50, ""}}},
		// proto3 JSON omits a zero: a reset without a fraction is nothing left.
		{name: "omitted zero", body: `{"buckets":[{"modelId":"gemini-2.5-pro","resetTime":"2026-03-02T00:00:00Z"}]}`, want: []row{{"gemini-2.5-pro", 100, "2026-03-02T00:00:00Z"}}},
		{name: "no figure", body: `{"buckets":[{"modelId":"gemini-2.5-pro","tokenType":"REQUESTS"}]}`, want: []row{{"gemini-2.5-pro", -1, ""}}},
		{name: "fraction out of range", body: `{"buckets":[{"modelId":"m","remainingFraction":7}]}`, want: []row{{"m", -1, ""}}},
		{name: "fraction as string", body: `{"buckets":[{"modelId":"m","remainingFraction":"0.25"}]}`, want: []row{{"m", 75, ""}}},
		{name: "equal fractions keep the earliest reset", body: `{"buckets":[{"modelId":"m","remainingFraction":0.5,"resetTime":"2026-03-02T00:00:00Z"},{"modelId":"m","remainingFraction":0.5,"resetTime":"2026-03-01T18:00:00Z"}]}`,
			want: []row{{"m", 50, "2026-03-01T18:00:00Z"}}},
		{name: "no model id", body: `{"buckets":[{"remainingFraction":0.5},{"modelId":7},"x",null]}`, want: []row{}},
		{name: "hostile name", body: `{"buckets":[{"modelId":"models/gemini\u0000-2.5\u202e-pro\n` + strings.Repeat("x", 200) + `","remainingFraction":1}]}`,
			want: []row{{"gemini-2.5-pro" + strings.Repeat("x", quota.MaxNameLen-len("gemini-2.5-pro")), 0, ""}}},
		{name: "buckets not a list", body: `{"buckets":{"modelId":"m"}}`, wantErr: true},
		{name: "array", body: `[]`, wantErr: true},
		{name: "html", body: `<html>`, wantErr: true},
		{name: "deep", body: strings.Repeat(`{"buckets":[`, 300), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseQuota([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr {
				checkRows(t, got, tt.want)
			}
		})
	}
}

func TestParseAssistRecorded(t *testing.T) {
	tests := []struct {
		file string
		want google.Assist
	}{
		{"free_tier_individuals.json", google.Assist{Plan: "Gemini Code Assist for individuals", Tier: "Gemini Code Assist for individuals"}},
		{"free_tier_with_project.json", google.Assist{Project: "test-project-id", Plan: "Free", Tier: "Free"}},
		{"standard_g1_pro.json", google.Assist{Project: "example-project-a1b2c", Plan: "Gemini Code Assist in Google One AI Pro", Tier: "Gemini Code Assist in Google One AI Pro"}},
		{"standard_bare.json", google.Assist{Project: "proj-1", Plan: "standard-tier", Tier: "standard-tier"}},
		{"standard_no_project.json", google.Assist{}},
		{"gemini_cli_setup_paid.json", google.Assist{Project: "server-project", Plan: "paid", Tier: "paid"}},
		// A new user: no current tier yet, the default allowed one named.
		{"gemini_cli_setup_new_free.json", google.Assist{Tier: "free"}},
	}
	for _, tt := range tests {
		got, err := google.ParseAssist(testdata(t, "assist/"+tt.file))
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.file, got, err, tt.want)
		}
	}
}

// fmtSscan reads the status prefix of a recorded error file's name.
func fmtSscan(name string, status *int) (int, error) { return fmt.Sscanf(name, "%d_", status) }

// TestClassifyRecorded runs the recorded error bodies through the
// classification the provider uses.
func TestClassifyRecorded(t *testing.T) {
	tests := []struct {
		file      string
		want      quota.Kind
		wantReset string
	}{
		{"401_unauthenticated.json", quota.KindUnauthorized, ""},
		{"403_permission_denied.json", quota.KindForbidden, ""},
		{"403_consumer_invalid.json", quota.KindForbidden, ""},
		{"429_resource_exhausted.json", quota.KindRateLimited, ""},
		{"429_quota_exhausted.json", quota.KindQuotaExhausted, "2025-10-20T19:14:08Z"},
		{"400_invalid_grant.json", quota.KindRefreshRevoked, ""},
	}
	for _, tt := range tests {
		var status int
		if _, err := fmtSscan(tt.file, &status); err != nil {
			t.Fatal(err)
		}
		se := &httpx.StatusError{Status: status, Header: http.Header{}, Body: testdata(t, "errors/"+tt.file)}
		err := google.Classify(se)
		e := quota.AsError(err)
		if e == nil || e.Kind != tt.want || !e.ResetAt.Equal(at(tt.wantReset)) || !errors.Is(err, se) {
			t.Errorf("%s: %+v, want %s reset %q", tt.file, e, tt.want, tt.wantReset)
		}
	}
}

func TestParseCreds(t *testing.T) {
	good := testdata(t, "home/.gemini/oauth_creds.json")
	c, err := parseCreds("/h/.gemini/oauth_creds.json", good)
	if err != nil {
		t.Fatal(err)
	}
	if c.access != "ya29.CANARY-geminicli-access-0001" || c.refresh != "1//CANARY-geminicli-refresh-0001" ||
		!c.expiry.Equal(time.UnixMilli(1772366399000)) || c.email != "dev@example.com" {
		t.Errorf("creds = %+v", c)
	}
	tests := []struct {
		name, body string
		want       quota.Kind
		field      string
	}{
		{"array", `[]`, quota.KindFileMalformed, ""},
		{"string", `"x"`, quota.KindFileMalformed, ""},
		{"access not a string", `{"access_token":7,"refresh_token":"r"}`, quota.KindFileMalformed, "access_token"},
		{"refresh an object", `{"refresh_token":{"x":1}}`, quota.KindFileMalformed, "refresh_token"},
		{"no token", `{"scope":"x","expiry_date":1}`, quota.KindFieldMissing, "refresh_token"},
		{"empty tokens", `{"access_token":"  ","refresh_token":""}`, quota.KindFieldMissing, "refresh_token"},
		{"deep", strings.Repeat(`{"a":`, 300), quota.KindFileMalformed, ""},
	}
	for _, tt := range tests {
		_, err := parseCreds("/p", []byte(tt.body))
		if e := quota.AsError(err); e == nil || e.Kind != tt.want || e.Field != tt.field || e.Path != "/p" {
			t.Errorf("%s: %v, want %s %q", tt.name, err, tt.want, tt.field)
		}
	}
	// Odd but usable: refresh only, expiry as a string or absurd, a bad id_token.
	for _, body := range []string{
		`{"refresh_token":"r","expiry_date":"1772366399000","id_token":"a.%%%.c"}`,
		`{"refresh_token":"r","expiry_date":1e30,"id_token":"not-a-jwt"}`,
		`{"refresh_token":"r","expiry_date":-5,"id_token":null}`,
	} {
		c, err := parseCreds("/p", []byte(body))
		if err != nil || c.refresh != "r" || c.email != "" {
			t.Errorf("%s: %+v, %v", body, c, err)
		}
	}
}

func TestDir(t *testing.T) {
	tests := []struct {
		home string
		env  map[string]string
		want string
	}{
		{"/home/u", nil, "/home/u/.gemini"},
		{"/home/u", map[string]string{"GEMINI_CLI_HOME": "/srv/job"}, "/srv/job/.gemini"},
		{"/home/u", map[string]string{"GEMINI_CLI_HOME": "relative/dir"}, "/home/u/.gemini"},
		{"", nil, ""},
	}
	for _, tt := range tests {
		p := pathsFor(tt.home)
		if got := Dir(p, func(k string) string { return tt.env[k] }); got != filepath.FromSlash(tt.want) {
			t.Errorf("Dir(%q, %v) = %q, want %q", tt.home, tt.env, got, tt.want)
		}
	}
}
