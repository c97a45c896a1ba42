package google

import (
	"strings"
	"testing"
)

// The table moved here from antigravity with ParseAssist; the recorded
// answers stay with the platforms that recorded them.
func TestParseAssist(t *testing.T) {
	tests := []struct {
		body    string
		want    Assist
		wantErr bool
	}{
		{body: `{"currentTier":{"id":"standard-tier","name":"Gemini Code Assist"},"cloudaicompanionProject":"alice-proj-1","paidTier":{"id":"g1-pro-tier","name":"Google AI Pro"}}`,
			want: Assist{Project: "alice-proj-1", Plan: "Google AI Pro", Tier: "Google AI Pro"}},
		{body: `{"currentTier":{"id":"free-tier","name":"Gemini Code Assist for individuals"}}`,
			want: Assist{Plan: "Gemini Code Assist for individuals", Tier: "Gemini Code Assist for individuals"}},
		{body: `{"currentTier":{"id":"free-tier"},"cloudaicompanionProject":{"id":" p-1 "}}`, want: Assist{Project: "p-1", Plan: "free-tier", Tier: "free-tier"}},
		{body: `{"response":{"cloudaicompanionProject":"wrapped"}}`, want: Assist{Project: "wrapped"}},
		{body: `{"allowedTiers":[{"id":"legacy-tier"},{"id":"free-tier","name":"Free","isDefault":true}]}`, want: Assist{Tier: "Free"}},
		{body: `{"cloudaicompanionProject":7}`, want: Assist{}},
		{body: `{"paidTier":{"name":"` + strings.Repeat("x", 200) + `"}}`, want: Assist{Plan: strings.Repeat("x", 80) + "…", Tier: strings.Repeat("x", 80) + "…"}},
		{body: `{}`, want: Assist{}},
		{body: `oops`, wantErr: true},
		{body: `[]`, wantErr: true},
		{body: strings.Repeat("[", 200) + strings.Repeat("]", 200), wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseAssist([]byte(tt.body))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAssist(%.60s) = %+v, %v; want %+v (error %v)", tt.body, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestAssistRequestBody(t *testing.T) {
	if got := string(AssistRequest{Metadata: Metadata{IDEType: "ANTIGRAVITY"}}.Body()); got != `{"metadata":{"ideType":"ANTIGRAVITY"}}` {
		t.Errorf("antigravity body %s", got)
	}
	r := AssistRequest{Project: "p", Metadata: Metadata{IDEType: "IDE_UNSPECIFIED", Platform: "PLATFORM_UNSPECIFIED", PluginType: "GEMINI", DuetProject: "p"}}
	if got := string(r.Body()); got != `{"cloudaicompanionProject":"p","metadata":{"ideType":"IDE_UNSPECIFIED","platform":"PLATFORM_UNSPECIFIED","pluginType":"GEMINI","duetProject":"p"}}` {
		t.Errorf("gemini cli body %s", got)
	}
}

func FuzzParseAssist(f *testing.F) {
	f.Add([]byte(`{"currentTier":{"id":"free-tier"},"cloudaicompanionProject":{"id":" p-1 "}}`))
	f.Add([]byte(`{"response":{"allowedTiers":[{"isDefault":true,"name":7}]}}`))
	f.Add([]byte(strings.Repeat("[", 1<<12)))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAssist(data)
		if err != nil && a != (Assist{}) {
			t.Fatalf("values with an error: %+v, %v", a, err)
		}
		if len(a.Plan) > 80*4 || len(a.Tier) > 80*4 {
			t.Fatalf("unbounded tier: %+v", a)
		}
	})
}
