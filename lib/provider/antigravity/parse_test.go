package antigravity

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func body(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bodies", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func model(name string, used float64, reset string) quota.Window {
	w := quota.Window{Kind: quota.KindModel, Name: name, NameID: familyNameID(name), UsedPct: used, Compact: true}
	if reset != "" {
		w.ResetAt = at(reset)
	}
	return w
}

func noData(name string) quota.Window {
	return quota.Window{Kind: quota.KindModel, Name: name, NameID: familyNameID(name), Compact: true, NoData: true}
}

func TestParseModels(t *testing.T) {
	tests := []struct {
		file    string
		want    []quota.Window
		wantErr bool
	}{
		{file: "models.json", want: []quota.Window{
			model("Gemini Pro", 40, "2026-03-01T20:00:00Z"),
			model("Gemini Flash", 0, "2026-03-01T18:00:00Z"),
			// A reset time without a fraction is an exhausted model.
			model("Gemini Image", 100, "2026-03-02T05:10:00Z"),
			// GPT-OSS shares Claude's pool; internal models (chat_*, tab_*)
			// and unknown ids without a family do not count.
			model("Claude and GPT", 60, "2026-03-01T16:00:00Z"),
		}},
		{file: "models_partial.json", want: []quota.Window{
			// A model without quotaInfo is "no data", never 100 % left.
			noData("Gemini Pro"),
			// Fractions of 1.4 and -0.2 are malformed, not clamped to a number.
			noData("Gemini Flash"),
			model("Claude and GPT", 75, "2026-03-01T16:00:00.5Z"),
		}},
		{file: "models_empty.json", want: nil},
		{file: "models_missing.json", wantErr: true},
		{file: "err_resource_exhausted_429.json", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseModels(body(t, tt.file))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// The picker decides: an unknown id it lists is the catch-all family
	// (a catalog name); a picker naming no listed model is ignored.
	picked := `{"models": {"rev19-uic3-1p": {"quotaInfo": {"remainingFraction": 0.25}},
		"gemini-3-flash": {"quotaInfo": {"remainingFraction": 0.5}}, "chat_1": {"quotaInfo": {"remainingFraction": 0}}},
		"agentModelSorts": [{"groups": [{"modelIds": ["rev19-uic3-1p"]}]}]}`
	got, err := parseModels([]byte(picked))
	if want := []quota.Window{model(famOther, 75, "")}; err != nil || !reflect.DeepEqual(got, want) || got[0].NameID != NameOther {
		t.Errorf("picked = %+v, %v; want %+v", got, err, want)
	}
	stale := strings.Replace(picked, `["rev19-uic3-1p"]`, `["gone-model"]`, 1)
	got, err = parseModels([]byte(stale))
	if want := []quota.Window{model(famGeminiFlash, 50, "")}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("stale picker = %+v, %v; want %+v", got, err, want)
	}
	for _, s := range []string{"", "null", "[]", `{"models": []}`, `{"models": "x"}`, `{"models":`} {
		if got, err := parseModels([]byte(s)); err == nil || got != nil {
			t.Errorf("parseModels(%q) = %v, %v; want an error", s, got, err)
		}
	}
}

func TestFamily(t *testing.T) {
	tests := []struct{ id, display, want string }{
		{"claude-opus-4-6-thinking", "Claude Opus 4.6 (Thinking)", famClaudeGPT},
		{"claude-sonnet-4-6", "", famClaudeGPT},
		{"gemini-3.1-pro-high", "Gemini 3.1 Pro (High)", famGeminiPro},
		{"gemini-3.1-pro-low", "", famGeminiPro},
		{"gemini-3-flash", "Gemini 3 Flash", famGeminiFlash},
		{"gemini-2.5-flash-lite", "", famGeminiFlash},
		{"gemini-3-pro-image", "Gemini 3 Pro Image", famGeminiImage},
		{"imagen-4", "", famGeminiImage},
		{"MODEL_PLACEHOLDER_M8", "Gemini 3 Flash", famGeminiFlash},
		{"gpt-oss-120b-medium", "GPT-OSS 120B (Medium)", famClaudeGPT},
		{"tab_flash_lite_preview", "", famOther},
	}
	for _, tt := range tests {
		if got := family(tt.id, tt.display); got != tt.want {
			t.Errorf("family(%q, %q) = %q, want %q", tt.id, tt.display, got, tt.want)
		}
	}
}

func TestParseSummary(t *testing.T) {
	bucket := func(name string, period time.Duration, used float64, reset string) quota.Window {
		w := model(name, used, reset)
		w.Period = period
		return w
	}
	const week = 7 * 24 * time.Hour
	tests := []struct {
		name    string
		body    []byte
		want    []quota.Window
		wantErr bool
	}{
		{name: "recorded", body: body(t, "summary.json"), want: []quota.Window{
			bucket("Gemini", 5*time.Hour, 10, "2026-03-01T15:00:00Z"),
			bucket("Gemini", week, 50, "2026-03-05T00:00:00Z"),
			bucket("Claude and GPT", 5*time.Hour, 100, "2026-03-01T14:30:00Z"),
			bucket("Claude and GPT", week, 70, "2026-03-06T00:00:00Z"),
		}},
		{name: "no groups", body: []byte(`{}`), want: nil},
		{name: "bucket id only", body: []byte(`{"groups":[{"buckets":[{"bucketId":"x-daily","window":"daily"}]}]}`),
			want: []quota.Window{{Kind: quota.KindModel, Name: "x-daily", Period: 24 * time.Hour, Compact: true, NoData: true}}},
		{name: "groups not a list", body: []byte(`{"groups":{}}`), wantErr: true},
		{name: "not json", body: []byte(`<html>`), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSummary(tt.body)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseAccountsFile(t *testing.T) {
	fixture, err := os.ReadFile("testdata/home/.config/opencode/antigravity-accounts.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    string
		want    []ocAccount
		wantErr bool
	}{
		{name: "fixture", data: string(fixture), want: []ocAccount{
			{Index: 0, Email: "alice@example.com", Refresh: "1//CANARY-oc-alice-refresh-0001", Project: "alice-proj-1"},
			{Index: 1, Email: "bob@example.com", Refresh: "1//CANARY-oc-bob-refresh-0002"},
			{Index: 3, Email: "Dave@example.com", Refresh: "1//CANARY-oc-dave-refresh-0004", Project: "dave-managed"},
		}},
		{name: "no accounts key", data: `{"version":3}`, want: []ocAccount{}},
		{name: "null accounts", data: `{"accounts":null}`, want: []ocAccount{}},
		{name: "enabled null is enabled", data: `{"accounts":[{"email":"a@b","enabled":null}]}`,
			want: []ocAccount{{Email: "a@b"}}},
		{name: "wrong types ignored", data: `{"accounts":[{"email":7,"refreshToken":true,"projectId":{}}]}`,
			want: []ocAccount{{}}},
		{name: "accounts not a list", data: `{"accounts":{}}`, wantErr: true},
		{name: "entry not an object", data: `{"accounts":["x"]}`, wantErr: true},
		{name: "top level list", data: `[]`, wantErr: true},
		{name: "truncated", data: `{"accounts":[`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAccountsFile([]byte(tt.data))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseAMAccount(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata/home/.antigravity_tools/accounts", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name    string
		data    string
		want    *amAccount
		wantErr bool
	}{
		{name: "valid token", data: read("3f1c2a9e-0d4b-4c55-9a57-0000000000d4.json"), want: &amAccount{
			Email: "dave@example.com", Access: "ya29.CANARY-am-dave-access-0004", Refresh: "1//CANARY-am-dave-refresh-0004",
			Expiry: time.Unix(1772370000, 0), Project: "dave-proj", ClientKey: "antigravity_enterprise",
		}},
		{name: "disabled", data: read("7a2e5d10-5b1e-4c8f-8d0a-0000000000e5.json"), want: &amAccount{
			Email: "erin@example.com", Access: "ya29.CANARY-am-erin-access-0005", Refresh: "1//CANARY-am-erin-refresh-0005",
			Expiry: time.Unix(1771503599, 0), Project: "erin-proj",
			Disabled: true, DisabledReason: "invalid_grant: Token has been expired or revoked.", DisabledAt: time.Unix(1771576200, 0),
		}},
		{name: "proxy disabled", data: read("9c4d7b21-2f6a-4e3b-b1c9-0000000000f6.json"), want: &amAccount{
			Email: "frank@example.com", Access: "ya29.CANARY-am-frank-expired-0006", Refresh: "1//CANARY-am-frank-refresh-0006",
			Expiry: time.Unix(1772362800, 0), Project: "frank-proj",
			ProxyDisabled: true, ProxyReason: "quota_protection", ProxyAt: time.Unix(1772186400, 0),
		}},
		{name: "validation blocked", data: read("b5e8f3a4-6c7d-4f1a-9e2b-000000000007.json"), want: &amAccount{
			Email: "grace@example.com", Access: "ya29.CANARY-am-grace-access-0007", Refresh: "1//CANARY-am-grace-refresh-0007",
			Expiry: time.Unix(1772370000, 0), Project: "grace-proj",
			ValidationBlocked: true, ValidationUntil: time.Unix(1772388000, 0), ValidationReason: "VALIDATION_REQUIRED",
			ValidationURL: "https://accounts.google.com/signin/continue?sarp=1",
		}},
		{name: "email from token, ms and string times",
			data: `{"token":{"email":"t@x","expiry_timestamp":"1772370000","project_id":""},"disabled_at":1771576200000}`,
			want: &amAccount{Email: "t@x", Expiry: time.Unix(1772370000, 0), DisabledAt: time.UnixMilli(1771576200000)}},
		{name: "token not an object", data: `{"email":"a@b","token":"x"}`, wantErr: true},
		{name: "top level list", data: `[]`, wantErr: true},
		{name: "truncated", data: read("e1e1e1e1-3333-4444-8555-00000000000a.json"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAMAccount([]byte(tt.data))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
