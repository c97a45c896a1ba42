package moonshot

import (
	"net/http"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
)

// Demo keys; like every demo secret they contain CANARY, so a test can
// prove they never reach a report.
const (
	demoKey   = "sk-moonshot-CANARY-demo-93b27d0e"
	demoKeyCN = "sk-moonshotcn-CANARY-demo-5c61af84"
)

// Demo bodies. The global one is the documented example
// (testdata/balance_docs.json); the mainland one is the real overdrawn
// account of testdata/balance_overdraft_xlyra.json with a voucher left,
// so the demo shows a negative cash balance.
const (
	demoBody   = `{"code":0,"data":{"available_balance":49.58894,"voucher_balance":46.58893,"cash_balance":3.00001},"scode":"0x0","status":true}`
	demoBodyCN = `{"code":0,"data":{"available_balance":12.5,"voucher_balance":12.5,"cash_balance":-31.14918},"scode":"0x0","status":true}`
)

// Demo serves the balance endpoint; a wrong key is refused as the real
// API refuses it. A balance has no reset, so now is unused.
func (p *Provider) Demo(_ time.Time, _ auth.Paths) (provider.Demo, error) {
	key, body := demoKey, demoBody
	if p.id == IDCN {
		key, body = demoKeyCN, demoBodyCN
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+balancePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}`))
			return
		}
		w.Write([]byte(body))
	})
	return provider.Demo{
		Handler:     mux,
		Settings:    map[string]string{p.setting: "/"},
		AuthEntries: map[string]any{p.authKey: map[string]any{"type": "api", "key": key}},
	}, nil
}
