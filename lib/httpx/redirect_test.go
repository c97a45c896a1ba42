package httpx

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// deadline bounds a test that talks to loopback servers.
func deadline(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// recorder is a server that must never be reached: a foreign host.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.Host+req.URL.Path+" auth="+req.Header.Get("Authorization")+
		" acct="+req.Header.Get("ChatGPT-Account-Id")+" body="+string(b))
	r.mu.Unlock()
	io.WriteString(w, `{"stolen":true}`)
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// TestRedirectNeverFollowed points the configured origin at a server that
// redirects to a second loopback listener on another port (a foreign
// origin: the port differs) and checks that neither the Google token form
// nor a credential header ever reaches it, for every redirect status.
func TestRedirectNeverFollowed(t *testing.T) {
	foreign := &recorder{}
	fsrv := httptest.NewServer(foreign)
	defer fsrv.Close()
	var status int
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		target := fsrv.URL + "/steal?from=" + url.QueryEscape(r.URL.Path)
		if r.URL.Path == "/same" {
			target = "/elsewhere" // same origin: refused too
		}
		http.Redirect(w, r, target, status)
	}))
	defer origin.Close()
	form := url.Values{"client_id": {"id.apps.googleusercontent.com"}, "client_secret": {"GOCSPX-redirect-secret"},
		"refresh_token": {"1//0g-redirect-refresh"}, "grant_type": {"refresh_token"}}.Encode()
	hdr := http.Header{"Authorization": {"Bearer ya29.redirect-access"}, "Chatgpt-Account-Id": {"acct-redirect"}}
	for _, st := range []int{301, 302, 303, 307, 308} {
		status = st
		c := New(5 * time.Second)
		for _, tc := range []struct {
			name string
			do   func() (*Response, error)
		}{
			{"token POST", func() (*Response, error) {
				return c.Post(deadline(t), origin.URL+"/token", "application/x-www-form-urlencoded", []byte(form), nil)
			}},
			{"GET with credentials", func() (*Response, error) { return c.Get(deadline(t), origin.URL+"/usage", hdr) }},
			{"GetRetry with credentials", func() (*Response, error) { return c.GetRetry(deadline(t), origin.URL+"/usage", hdr) }},
			{"same origin", func() (*Response, error) { return c.Get(deadline(t), origin.URL+"/same", hdr) }},
		} {
			_, err := tc.do()
			e := quota.AsError(err)
			if e == nil || e.Kind != quota.KindMalformed || e.Status != st {
				t.Fatalf("%d %s: err %v, want malformed with status %d", st, tc.name, err, st)
			}
			var re *RedirectError
			if !errors.As(err, &re) || !strings.Contains(e.Detail, "not followed") || !strings.Contains(e.Detail, "redirect") {
				t.Errorf("%d %s: detail %q does not explain the refusal", st, tc.name, e.Detail)
			}
			if strings.Contains(e.Detail, "from=") {
				t.Errorf("%d %s: detail shows the query: %q", st, tc.name, e.Detail)
			}
			if tc.name != "same origin" && !strings.Contains(e.Detail, strings.TrimPrefix(fsrv.URL, "http://")) {
				t.Errorf("%d %s: detail %q does not name the target", st, tc.name, e.Detail)
			}
		}
	}
	if got := foreign.requests(); len(got) != 0 {
		t.Fatalf("the foreign origin was reached: %q", got)
	}
}

// TestRedirectPolicyOverridesCaller: a caller-supplied client that would
// follow redirects still does not.
func TestRedirectPolicyOverridesCaller(t *testing.T) {
	foreign := &recorder{}
	fsrv := httptest.NewServer(foreign)
	defer fsrv.Close()
	origin := httptest.NewServer(http.RedirectHandler(fsrv.URL+"/x", http.StatusTemporaryRedirect))
	defer origin.Close()
	c := New(5 * time.Second)
	c.HTTP = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	if _, err := c.Get(deadline(t), origin.URL, http.Header{"Authorization": {"Bearer x"}}); quota.KindOf(err) != quota.KindMalformed {
		t.Fatalf("err %v", err)
	}
	if got := foreign.requests(); len(got) != 0 {
		t.Fatalf("the foreign origin was reached: %q", got)
	}
}

// connectRecorder is an HTTPS proxy standing in for the user's
// HTTPS_PROXY: it records every request line it sees and tunnels CONNECTs
// for example.com (the name the test certificate holds) to the TLS server.
type connectRecorder struct {
	recorder
	upstream string // host:port of the TLS server
}

func (p *connectRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.Host+" auth="+r.Header.Get("Authorization"))
	p.mu.Unlock()
	if r.Method != http.MethodConnect || r.Host != "example.com:443" {
		http.Error(w, "refused by the test proxy", http.StatusForbidden)
		return
	}
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		up.Close()
		return
	}
	go func() { io.Copy(up, buf); up.Close() }()
	io.Copy(conn, up)
	conn.Close()
}

// TestRedirectThroughProxy: with HTTPS_PROXY set and a non-loopback name,
// a redirect to another host is not followed, so the proxy is asked for
// one tunnel only, and never sees a credential.
func TestRedirectThroughProxy(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.RedirectHandler("https://foreign.example.com/steal", http.StatusPermanentRedirect))
	defer tlsSrv.Close()
	proxy := &connectRecorder{upstream: tlsSrv.Listener.Addr().String()}
	psrv := httptest.NewServer(proxy)
	defer psrv.Close()
	t.Setenv("HTTPS_PROXY", psrv.URL)
	t.Setenv("NO_PROXY", "")
	c := New(5 * time.Second)
	tr := c.HTTP.Transport.(*http.Transport)
	// ProxyFromEnvironment reads the environment once per process; read it
	// again the same way so this test sees the variable it set.
	tr.Proxy = proxyFromEnv
	tr.TLSClientConfig = &tls.Config{RootCAs: tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	_, err := c.Post(deadline(t), "https://example.com/oauth/token", "application/x-www-form-urlencoded",
		[]byte("refresh_token=1//0g-proxy-refresh&client_secret=GOCSPX-proxy"), http.Header{"Authorization": {"Bearer ya29.proxy"}})
	if quota.KindOf(err) != quota.KindMalformed || !strings.Contains(err.Error(), "foreign.example.com") {
		t.Fatalf("err %v, want the refused redirect", err)
	}
	got := proxy.requests()
	if len(got) != 1 || got[0] != "CONNECT example.com:443 auth=" {
		t.Fatalf("proxy saw %q, want one CONNECT to example.com and no credential", got)
	}
}

func proxyFromEnv(r *http.Request) (*url.URL, error) {
	if r.URL.Scheme != "https" {
		return nil, nil
	}
	v := strings.TrimSpace(os.Getenv("HTTPS_PROXY"))
	if v == "" {
		return nil, nil
	}
	return url.Parse(v)
}
