package demo

import (
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/mystatus/mystatus/lib/quota"
)

// Unmatched is the [Env.Hits] key of requests no route answered.
const Unmatched = "unmatched"

// server is the fake of every platform: each platform's handler lives
// under its own mount, which checks the credentials the platform's demo
// wrote, so a platform package that sends the wrong header fails here as
// it would upstream.
type server struct {
	mux    *http.ServeMux
	mounts []string

	mu    sync.Mutex
	count map[string]int
}

func newServer(parts []part) *server {
	s := &server{mux: http.NewServeMux(), count: map[string]int{}}
	for _, p := range parts {
		s.mount(p.id, p.demo.Handler)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.hit(Unmatched)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"Not Found"}`))
	})
	return s
}

// mount serves h under "/<id>" with that prefix stripped, counting each
// request by the mount and the route h matched (when h is a ServeMux) or
// as [Unmatched] when h found no route for it.
func (s *server) mount(id quota.PlatformID, h http.Handler) {
	prefix := mount(id)
	s.mounts = append(s.mounts, prefix)
	s.mux.HandleFunc(prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		r2.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, prefix)
		if r2.URL.Path == "" {
			r2.URL.Path = "/"
		}
		r2.Pattern = "" // set again by h when it is a ServeMux
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r2)
		if r2.Pattern == "" && sw.status == http.StatusNotFound {
			s.hit(Unmatched)
			return
		}
		s.hit(prefix + " " + r2.Pattern)
	})
}

func (s *server) hit(route string) {
	s.mu.Lock()
	s.count[route]++
	s.mu.Unlock()
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
