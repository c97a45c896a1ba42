package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// TestEchoedSecretsMasked: secrets the client sent (a raw key in
// Authorization, a form's client secret) or was minted come back in
// bodies whole, split and in part, and no piece of them reaches a detail,
// however the detail is built.
func TestEchoedSecretsMasked(t *testing.T) {
	const key = "4d3c2b1a4d3c2b1a4d3c2b1a4d3c2b1a.EchoKeyZq81Lm"
	const clientSecret = "GOCSPX-echoTestSecret0001"
	const minted = "ya29.a0EchoMintedAccessToken-0001"
	echo := map[string]string{
		"/whole":  key,
		"/split":  key[:20] + "\n" + key[20:],
		"/part":   key[:26],
		"/tail":   key[30:],
		"/secret": "client_secret " + clientSecret[:17] + " " + clientSecret[17:] + " is wrong",
		"/minted": "token " + minted[5:] + " expired",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"` + minted + `","expires_in":3599}`))
			return
		}
		msg := echo[r.URL.Path]
		if r.URL.Query().Get("ok") != "" {
			// A 2xx the platform cannot read, quoting the secret.
			w.Write([]byte(`<html>` + strings.Repeat("padding ", 3) + msg + `</html>`))
			return
		}
		w.WriteHeader(401)
		w.Write([]byte(`{"error":{"code":401,"message":"invalid api key: ` + strings.ReplaceAll(msg, "\n", `\n`) + `"}}`))
	}))
	defer srv.Close()
	c := New(5 * time.Second)
	if _, err := c.Post(deadline(t), srv.URL+"/token", "application/x-www-form-urlencoded",
		[]byte("grant_type=refresh_token&client_secret="+clientSecret+"&refresh_token=1%2F%2F0gEchoRefresh"), nil); err != nil {
		t.Fatal(err)
	}
	secrets := []string{key, clientSecret, minted, "1//0gEchoRefresh"}
	for path := range echo {
		h := http.Header{"Authorization": {key}}
		_, err := c.Get(deadline(t), srv.URL+path, h)
		details := []string{err.Error(), quota.AsError(FromStatus(err)).Detail, quota.AsError(FromStatus(err)).Error()}
		resp, err := c.Get(deadline(t), srv.URL+path+"?ok=1", h)
		if err != nil {
			t.Fatal(err)
		}
		details = append(details, quota.AsError(Malformed(resp, "")).Detail, quota.AsError(Malformed(resp, "unexpected body")).Detail)
		for _, d := range details {
			for _, s := range secrets {
				for i := 0; i+quota.MinSecret <= len(s); i++ {
					if f := s[i : i+quota.MinSecret]; strings.Contains(d, f) {
						t.Errorf("%s: %q shows %q of %q", path, d, f, s)
						break
					}
				}
			}
		}
	}
}

func TestTruncateScrubsBeforeCutting(t *testing.T) {
	quota.RegisterSecret("0123456789abcdef0123456789abcdef.TruncCanary42")
	// The cut falls inside the key: a cut-first scrub would show its head.
	in := strings.Repeat("a", 10) + " 0123456789abcdef0123456789abcdef.TruncCanary42"
	if got := Truncate(in, 30); strings.Contains(got, "0123456789") {
		t.Errorf("Truncate = %q", got)
	}
	big := strings.Repeat("word ", 1<<18) // 1.25 MiB
	if got := Truncate(big, DetailLen); len(got) > DetailLen+len("…") {
		t.Errorf("len %d", len(got))
	}
}

// TestRegisterMinted: the tokens of a 2xx JSON object become known secrets,
// whether its keys are written plainly or with escapes; other bodies
// register nothing.
func TestRegisterMinted(t *testing.T) {
	for _, c := range []struct {
		name, body, secret string
		known              bool
	}{
		{"access token", `{"access_token":"ya29.Qa7PlainAccessK1x9","expires_in":3599}`, "ya29.Qa7PlainAccessK1x9", true},
		{"refresh and id", ` {"id_token":"eyJWz3IdTokenR8","refresh_token":"1//0gHv5RefreshT2"}`, "1//0gHv5RefreshT2", true},
		{"token exchange", `{"token":"tid=Xc4ExchangeU3;exp=1"}`, "tid=Xc4ExchangeU3;exp=1", true},
		{"escaped key", `{"access\u005ftoken":"ya29.Lm2EscapedKeyV4"}`, "ya29.Lm2EscapedKeyV4", true},
		{"escaped word", `{"\u0074oken":"tid=Nb6EscapedWordW5"}`, "tid=Nb6EscapedWordW5", true},
		{"no token key", `{"session":"Pq8SessionOnlyY6zz"}`, "Pq8SessionOnlyY6zz", false},
		{"not an object", `["access_token","Rs0ArrayOnlyZ7zzzz"]`, "Rs0ArrayOnlyZ7zzzz", false},
		{"invalid JSON", `{"access_token":"Tu1InvalidOnlyA8zz"`, "Tu1InvalidOnlyA8zz", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			registerMinted([]byte(c.body))
			if known := quota.ScrubKnown(c.secret) != c.secret; known != c.known {
				t.Errorf("%s: secret known = %v, want %v", c.body, known, c.known)
			}
		})
	}
}
