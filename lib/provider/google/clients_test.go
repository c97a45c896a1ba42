package google

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

func TestClients(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    []string
		wantErr string
	}{
		{want: []string{"gemini-cli", "antigravity"}},
		{env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "a", "MYSTATUS_GOOGLE_CLIENT_SECRET": "b"}, want: []string{"override"}},
		{env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_ID": "a"}, wantErr: "MYSTATUS_GOOGLE_CLIENT_SECRET"},
		{env: map[string]string{"MYSTATUS_GOOGLE_CLIENT_SECRET": "b"}, wantErr: "MYSTATUS_GOOGLE_CLIENT_ID"},
	}
	for _, tt := range tests {
		s := provider.Settings{Getenv: func(k string) string { return tt.env[k] }}
		cs, err := Clients(s, GeminiCLI, Antigravity)
		var keys []string
		for _, c := range cs {
			keys = append(keys, c.Key)
		}
		if tt.wantErr != "" {
			e := quota.AsError(err)
			if e == nil || e.Kind != quota.KindBadConfig || e.Code != CodeClientIncomplete || e.Field != tt.wantErr || ClientProblem(s) == nil {
				t.Errorf("%v: error %v, want incomplete %s", tt.env, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(keys, tt.want) || ClientProblem(s) != nil {
			t.Errorf("%v: %v, %v; want %v", tt.env, keys, err, tt.want)
		}
	}
}

// TestClientSecretsInOneFile guards the rule that the public OAuth clients
// live in clients.go only, next to the comment saying why they are public.
func TestClientSecretsInOneFile(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(string(b), "GOCSPX") || strings.Contains(string(b), ".apps.googleusercontent.com")
		if name == "clients.go" {
			if !has || !strings.Contains(string(b), "cannot be kept") {
				t.Errorf("clients.go lacks the clients or the reason they are public")
			}
			continue
		}
		if has {
			t.Errorf("%s embeds an OAuth client", name)
		}
	}
}
