package demo

import (
	"bytes"
	"io"
	"maps"
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

// share serves the endpoints of a setting several platforms use: a
// request is put to each owner's handler in turn (below its mount, at its
// route's path) and the first answer under 400 is sent back, or else the
// last one. Each platform's fake accepts only its own demo credentials,
// so exactly one owner answers a platform's request.
func (s *server) share(setting string, rs []route) {
	prefix := sharedMount(setting)
	s.mux.HandleFunc(prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, prefix)
		var last *recorder
		for _, rt := range rs {
			r2 := r.Clone(r.Context())
			r2.URL.Path = mount(rt.id) + rt.path + rest
			r2.URL.RawPath = ""
			r2.RequestURI = r2.URL.RequestURI()
			r2.Body = io.NopCloser(bytes.NewReader(body))
			r2.ContentLength = int64(len(body))
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			s.mux.ServeHTTP(rec, r2)
			last = rec
			if rec.status < 400 {
				break
			}
		}
		maps.Copy(w.Header(), last.header)
		w.WriteHeader(last.status)
		w.Write(last.body.Bytes())
	})
}

// recorder keeps an answer until share knows which owner's to send.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

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
