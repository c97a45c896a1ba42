package openrouter

import (
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
)

// Diagnose checks the platform's auth.json entry, without the network.
func TestDiagnose(t *testing.T) {
	platform.Diagnose(t, []providertest.DiagnoseCase{
		{Name: "key", Auth: `{"openrouter":{"type":"api","key":"sk-or-v1-CANARY-0123456789"}}`, OK: true},
		{Name: "absent", Auth: `{"openai":{"type":"oauth","access":"x"}}`, OK: true},
		{Name: "wrong type", Auth: `{"openrouter":{"type":"oauth","access":"x-CANARY"}}`, Field: "openrouter.type"},
		{Name: "empty key", Auth: `{"openrouter":{"type":"api","key":""}}`, Field: "openrouter.key"},
	})
}
