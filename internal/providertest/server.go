package providertest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// Reply is one path's canned answer: Status and the testdata file File.
// A zero Status is a 404.
type Reply struct {
	Status int
	File   string
}

// Server is a loopback server standing in for a platform's API. It
// counts the requests and remembers their paths and the last one's
// headers.
type Server struct {
	*httptest.Server
	hits  atomic.Int32
	mu    sync.Mutex
	paths []string
	last  http.Header
}

// NewServer answers GET requests for each path of routes with its reply
// (the file read from testdata once, up front); any other request is a
// 404. It is closed when the test ends.
func NewServer(t testing.TB, routes map[string]Reply) *Server {
	t.Helper()
	bodies := make(map[string][]byte, len(routes))
	for path, r := range routes {
		if r.File != "" {
			bodies[path] = Fixture(t, r.File)
		}
	}
	return Answer(t, func(r *http.Request) (int, string) {
		rep, ok := routes[r.URL.Path]
		if !ok || rep.Status == 0 || r.Method != http.MethodGet {
			return http.StatusNotFound, "404 page not found\n"
		}
		return rep.Status, string(bodies[r.URL.Path])
	})
}

// Serve is [NewServer] with one path.
func Serve(t testing.TB, path string, status int, file string) *Server {
	t.Helper()
	return NewServer(t, map[string]Reply{path: {status, file}})
}

// Answer serves whatever answer returns for each request, whatever its
// path (hostile bodies, echoes of the request). It is closed when the
// test ends.
func Answer(t testing.TB, answer func(r *http.Request) (status int, body string)) *Server {
	t.Helper()
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.last = r.Header.Clone()
		s.mu.Unlock()
		status, body := answer(r)
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

// Hits is the number of requests served.
func (s *Server) Hits() int { return int(s.hits.Load()) }

// Paths are the paths asked, in order.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

// Header is the last request's header named key ("" before any request).
func (s *Server) Header(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.Get(key)
}
