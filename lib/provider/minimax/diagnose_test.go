package minimax

import (
	"testing"

	"github.com/mystatus/mystatus/internal/providertest"
)

// Diagnose checks the auth.json entry the platform reads, without the
// network: the one it uses, else its first key.
func TestDiagnose(t *testing.T) {
	global.Diagnose(t, []providertest.DiagnoseCase{
		{Name: "plan key", Auth: `{"minimax-coding-plan":{"type":"api","key":"sk-cp-CANARY-0123456789"}}`, OK: true},
		{Name: "pay-as-you-go entry", Platform: &china, Auth: `{"minimax-cn":{"type":"api","key":"sk-cp-CANARY-0123456789"}}`, OK: true},
		{Name: "absent", Auth: `{"openai":{"type":"oauth","access":"x"}}`, OK: true},
		{Name: "wrong type", Auth: `{"minimax-coding-plan":{"type":"oauth","access":"x-CANARY"}}`, Field: "minimax-coding-plan.type"},
		{Name: "empty key", Platform: &china, Auth: `{"minimax-cn":{"type":"api","key":""}}`, Field: "minimax-cn.key"},
	})
}
