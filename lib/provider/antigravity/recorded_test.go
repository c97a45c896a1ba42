package antigravity

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// Tests over the real recorded bodies of testdata/recorded (provenance in
// testdata/recorded/SOURCES.md). Each row names the figures a user must
// see, computed by hand from the body.

func recorded(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "recorded", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// row is one expected window: its name (or catalog id), period, used %
// (-1 for no data) and reset ("" for none).
type row struct {
	name   string
	period time.Duration
	used   float64
	reset  string
}

func checkRows(t *testing.T, got []quota.Window, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d windows, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		name := g.Name
		if g.NameID != "" {
			name = g.NameID
		}
		if name != w.name || g.Period != w.period {
			t.Errorf("window %d = %q %v, want %q %v", i, name, g.Period, w.name, w.period)
		}
		if w.used < 0 {
			if !g.NoData {
				t.Errorf("%s: %v %% used, want no data", w.name, g.UsedPct)
			}
		} else if g.NoData || math.Abs(g.UsedPct-w.used) > 1e-6 {
			t.Errorf("%s: %v %% used (no data %v), want %v", w.name, g.UsedPct, g.NoData, w.used)
		}
		if g.UsedPct < 0 || g.UsedPct > 100 || math.IsNaN(g.UsedPct) {
			t.Errorf("%s: out of range %v", w.name, g.UsedPct)
		}
		var reset time.Time
		if w.reset != "" {
			reset = at(w.reset)
		}
		if !g.ResetAt.Equal(reset) {
			t.Errorf("%s: reset %v, want %v", w.name, g.ResetAt, reset)
		}
	}
}

const week = 7 * 24 * time.Hour

func TestRecordedModels(t *testing.T) {
	tests := []struct {
		file string
		want []row
	}{
		// The original plugin's documented answer: a missing fraction with a
		// reset time is an exhausted model (Claude 100 % used).
		{"plugin_docs.json", []row{
			{famGeminiPro, 0, 40, "2026-01-23T20:00:00Z"},
			{famGeminiFlash, 0, 0, "2026-01-23T20:00:00Z"},
			{NameClaudeGPT, 0, 100, "2026-01-26T05:10:00Z"},
		}},
		// Only the picker's models (agentModelSorts) count: no image row,
		// no internal chat_/tab_ models; no quotaInfo anywhere is no data.
		{"agent_surface.json", []row{
			{famGeminiPro, 0, -1, ""},
			{famGeminiFlash, 0, -1, ""},
			{NameClaudeGPT, 0, -1, ""},
		}},
		// GPT-OSS at 0.8 binds the Claude and GPT pool (20 % used); the
		// internal tab model at 0.1 must not warn.
		{"group_windows.json", []row{
			{famGeminiPro, 0, 7.08, "2026-09-08T14:22:38Z"},
			{famGeminiFlash, 0, 7.08, "2026-09-08T14:22:38Z"},
			{NameClaudeGPT, 0, 20, "2026-09-08T14:31:44Z"},
		}},
		// Placeholder-named tab models are internal.
		{"placeholder_tabs.json", []row{
			{famGeminiPro, 0, 65, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseModels(recorded(t, "models/"+tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, tt.want)
		})
	}
}

func TestRecordedSummary(t *testing.T) {
	h5 := 5 * time.Hour
	tests := []struct {
		file string
		want []row
	}{
		// Wrapped in "response"; the pools are named by bucket id.
		{"pro_wrapped.json", []row{
			{"Gemini", week, 21.63119, "2026-09-15T21:55:32Z"},
			{"Gemini", h5, 18.39291, "2026-09-15T01:31:25Z"},
			{NameClaudeGPT, week, 0, "2026-09-21T23:59:01Z"},
			{NameClaudeGPT, h5, 0, "2026-09-15T04:59:01Z"},
		}},
		// No "window" field: the period comes from the bucket id.
		{"no_window_field.json", []row{
			{"Gemini", week, 0.158626, "2026-08-06T06:09:39Z"},
			{"Gemini", h5, 0.95175, "2026-07-30T11:09:39Z"},
			{NameClaudeGPT, week, 1.196027, ""},
			{NameClaudeGPT, h5, 3.58808, ""},
		}},
		// Bare (not wrapped), third-party pool first: upstream order kept.
		{"bare_third_party_first.json", []row{
			{NameClaudeGPT, week, 0, "2026-06-20T18:32:02Z"},
			{NameClaudeGPT, h5, 0, "2026-06-13T23:32:02Z"},
			{"Gemini", week, 0.695705, "2026-06-20T17:08:54Z"},
			{"Gemini", h5, 4.17425, "2026-06-13T22:08:54Z"},
		}},
		// Buckets without figures are no data, never 100 % left.
		{"local_server_elided.json", []row{
			{"Gemini", week, 0, "2026-09-23T08:01:03Z"},
			{"Gemini", h5, 0, "2026-09-16T13:01:03Z"},
			{NameClaudeGPT, week, -1, ""},
			{NameClaudeGPT, h5, -1, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseSummary(recorded(t, "summary/"+tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, tt.want)
		})
	}
}

func TestRecordedAssist(t *testing.T) {
	tests := []struct {
		file string
		want google.Assist
	}{
		{"free_tier_individuals.json", google.Assist{Plan: "Gemini Code Assist for individuals", Tier: "Gemini Code Assist for individuals"}},
		{"standard_default_ineligible_free.json", google.Assist{Tier: "Gemini Code Assist"}},
		{"free_tier_retired.json", google.Assist{}},
		{"standard_with_project.json", google.Assist{Project: "project-1", Plan: "Standard", Tier: "Standard"}},
	}
	for _, tt := range tests {
		got, err := google.ParseAssist(recorded(t, "assist/"+tt.file))
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.file, got, err, tt.want)
		}
	}
}

// TestRecordedToken serves each recorded token endpoint answer to a real
// Fetch and checks what the user is told.
func TestRecordedToken(t *testing.T) {
	tests := []struct {
		file       string
		wantKind   quota.Kind
		wantDetail string
	}{
		{"200_refreshed_google_docs.json", "", ""},
		{"401_invalid_client_not_found.json", quota.KindClientMismatch, "The OAuth client was not found."},
		{"401_invalid_client_bare.json", quota.KindClientMismatch, ""},
		{"400_invalid_grant_bare.json", quota.KindRefreshRevoked, ""},
		{"400_invalid_request_secret_missing.json", quota.KindMalformed, "client_secret is missing."},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			status := 200
			switch {
			case strings.HasPrefix(tt.file, "400"):
				status = 400
			case strings.HasPrefix(tt.file, "401"):
				status = 401
			}
			f := newFake(t)
			f.tokens = map[string]reply{"1//CANARY-oc-alice-refresh-0001": {status, "", string(recorded(t, "token/"+tt.file))}}
			p := newProvider(homePaths(fixture(t, "home")), f.env())
			a, err := p.Fetch(context.Background(), targets(t, p)["alice@example.com"])
			if quota.KindOf(err) != tt.wantKind {
				t.Fatalf("err = %v, want kind %q", err, tt.wantKind)
			}
			if e := quota.AsError(err); e != nil && !strings.Contains(e.Detail, tt.wantDetail) {
				t.Errorf("detail %q lacks %q", e.Detail, tt.wantDetail)
			}
			if err == nil {
				for _, c := range f.calls {
					if c.auth != "Bearer 1/CANARY-google-docs-access-token" {
						t.Errorf("call with %q", c.auth)
					}
				}
				if len(a.Windows) != 8 {
					t.Errorf("account = %+v", a)
				}
			}
			// Client mismatches are not retried with the override (one client).
			if got := f.totalMints(); got != 1 {
				t.Errorf("%d token requests, want 1", got)
			}
		})
	}
}
