package moonshot

import (
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
)

// Diagnose checks the platform's own auth.json entry, without the network.
func TestDiagnose(t *testing.T) {
	cn.Diagnose(t, []providertest.DiagnoseCase{
		{Name: "key", Auth: `{"moonshotai-cn":{"type":"api","key":"sk-CANARY-0123456789"}}`, OK: true},
		{Name: "absent", Auth: `{"openai":{"type":"oauth","access":"x"}}`, OK: true},
		{Name: "wrong type", Auth: `{"moonshotai-cn":{"type":"oauth","access":"x-CANARY"}}`, Field: "moonshotai-cn.type"},
		{Name: "empty key", Auth: `{"moonshotai-cn":{"type":"api","key":""}}`, Field: "moonshotai-cn.key"},
	})
}
