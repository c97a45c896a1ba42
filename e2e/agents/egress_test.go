package agents

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"sync"
	"testing"
)

// egress is the HTTP(S) proxy every agent is given (HTTP_PROXY, HTTPS_PROXY,
// ALL_PROXY). It is the tripwire for "no request leaves loopback": a
// request for a loopback address is passed through (some clients proxy
// even what NO_PROXY exempts), anything else is refused and recorded, and
// the test fails on it. Hosts a client resolves or dials itself, ignoring
// the proxy, are not seen here; CI has no route out but the npm registry,
// so those fail on their own.
type egress struct {
	srv *httptest.Server

	mu      sync.Mutex
	blocked []string
}

func newEgress(t *testing.T) *egress {
	e := &egress{}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *egress) URL() string { return e.srv.URL }

// Blocked lists the non-loopback hosts something tried to reach.
func (e *egress) Blocked() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.blocked...)
}

func loopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (e *egress) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Host
	if r.Method != http.MethodConnect && r.URL.Host != "" {
		target = r.URL.Host
	}
	if !loopback(target) {
		e.mu.Lock()
		e.blocked = append(e.blocked, r.Method+" "+target)
		e.mu.Unlock()
		http.Error(w, "mystatus e2e: no request may leave loopback", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodConnect {
		(&httputil.ReverseProxy{Rewrite: func(p *httputil.ProxyRequest) { p.Out.URL = r.URL }}).ServeHTTP(w, r)
		return
	}
	up, err := net.Dial("tcp", target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "no hijack", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n"))
	go func() {
		defer up.Close()
		defer conn.Close()
		go func() {
			_, _ = io.Copy(up, buf)
			up.Close()
		}()
		_, _ = io.Copy(conn, up)
	}()
}
