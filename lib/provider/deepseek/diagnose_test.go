package deepseek

import (
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
)

// Diagnose checks the platform's own auth.json entry, without the network.
func TestDiagnose(t *testing.T) {
	platform.Diagnose(t, []providertest.DiagnoseCase{
		{Name: "key", Auth: `{"deepseek":{"type":"api","key":"sk-CANARY-0123456789"}}`, OK: true},
		{Name: "absent", Auth: `{"openai":{"type":"oauth","access":"x"}}`, OK: true},
		{Name: "wrong type", Auth: `{"deepseek":{"type":"oauth","access":"x-CANARY"}}`, Field: "deepseek.type"},
		{Name: "empty key", Auth: `{"deepseek":{"type":"api","key":""}}`, Field: "deepseek.key"},
	})
}
