package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"text/template"
	"time"
)

// data holds the sample response bodies, as text/template files dated
// relative to the demo's start time.
//
//go:embed data/*.json
var data embed.FS

// Unmatched is the [Env.Hits] key of requests no route answered.
const Unmatched = "unmatched"

// bodies are the rendered responses.
type bodies struct {
	openaiToken string // the access token written to auth.json
	openai      []byte
	anthropic   []byte
	anthProfile []byte
	zhipu       []byte
	zai         []byte
	github      []byte
	google      []googleBodies
}

// googleBodies are the Cloud Code answers for one account.
type googleBodies struct {
	acct                           googleAccount
	token, models, summary, assist []byte
}

// renderBodies renders every sample body for now and checks it is JSON.
func renderBodies(now time.Time) (*bodies, error) {
	// The report is rendered a moment after the bodies are served and
	// countdowns are truncated to the minute: half a minute of slack keeps
	// "resets in 2h 14m" from showing as "2h 13m".
	dur := func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		return d + 30*time.Second, err
	}
	funcs := template.FuncMap{
		// at is an RFC 3339 instant d after now.
		"at": func(d string) (string, error) {
			v, err := dur(d)
			return now.Add(v).UTC().Format(time.RFC3339), err
		},
		"unix": func(d string) (int64, error) { v, err := dur(d); return now.Add(v).Unix(), err },
		"ms":   func(d string) (int64, error) { v, err := dur(d); return now.Add(v).UnixMilli(), err },
		"secs": func(d string) (int64, error) { v, err := dur(d); return int64(v / time.Second), err },
	}
	tmpl, err := template.New("").Funcs(funcs).Option("missingkey=error").ParseFS(data, "data/*.json")
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	type vars struct {
		Now                   time.Time
		Access, Project, User string
	}
	render := func(name string, v vars) ([]byte, error) {
		v.Now = now.UTC()
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, name, v); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
		if !json.Valid(buf.Bytes()) {
			return nil, fmt.Errorf("demo data: %s is not valid JSON", name)
		}
		return buf.Bytes(), nil
	}
	b := &bodies{openaiToken: openaiToken(now)}
	for _, f := range []struct {
		dst  *[]byte
		name string
	}{
		{&b.openai, "openai_usage.json"},
		{&b.anthropic, "anthropic_usage.json"},
		{&b.anthProfile, "anthropic_profile.json"},
		{&b.zhipu, "zhipu_limit.json"},
		{&b.zai, "zai_limit.json"},
		{&b.github, "github_billing.json"},
	} {
		if *f.dst, err = render(f.name, vars{User: githubUser}); err != nil {
			return nil, err
		}
	}
	for _, a := range googleAccounts {
		g := googleBodies{acct: a}
		v := vars{Access: a.access, Project: a.project}
		for _, f := range []struct {
			dst  *[]byte
			name string
		}{
			{&g.token, "google_token.json"},
			{&g.models, "cloudcode_models_" + a.name + ".json"},
			{&g.summary, "cloudcode_summary_" + a.name + ".json"},
			{&g.assist, "cloudcode_assist_" + a.name + ".json"},
		} {
			if *f.dst, err = render(f.name, v); err != nil {
				return nil, err
			}
		}
		b.google = append(b.google, g)
	}
	return b, nil
}

// server is the fake of every platform. Each platform lives under its own
// path prefix; requests are checked for the credentials the demo wrote,
// so a platform package that sends the wrong header fails here as it
// would upstream.
type server struct {
	mux    *http.ServeMux
	b      *bodies
	routes []string

	mu    sync.Mutex
	count map[string]int
}

func newServer(b *bodies) *server {
	s := &server{mux: http.NewServeMux(), b: b, count: map[string]int{}}
	s.handle("GET /openai/wham/usage", s.openai)
	s.handle("GET /anthropic/api/oauth/usage", s.anthropic(func(b *bodies) []byte { return b.anthropic }))
	s.handle("GET /anthropic/api/oauth/profile", s.anthropic(func(b *bodies) []byte { return b.anthProfile }))
	s.handle("GET /zhipu/api/monitor/usage/quota/limit", s.zhipu)
	s.handle("GET /zai/api/monitor/usage/quota/limit", s.zai)
	s.handle("POST /google-oauth/token", s.googleToken)
	s.handle("POST /cloudcode/v1internal:fetchAvailableModels", s.cloudcode(func(g googleBodies) []byte { return g.models }, true))
	s.handle("POST /cloudcode/v1internal:retrieveUserQuotaSummary", s.cloudcode(func(g googleBodies) []byte { return g.summary }, true))
	s.handle("POST /cloudcode/v1internal:loadCodeAssist", s.cloudcode(func(g googleBodies) []byte { return g.assist }, false))
	s.handle("GET /github/users/"+githubUser+"/settings/billing/premium_request/usage", s.github)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.hit(Unmatched)
		reply(w, http.StatusNotFound, []byte(`{"message":"Not Found"}`))
	})
	return s
}

// handle registers a route that counts its requests.
func (s *server) handle(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.hit(pattern)
		h(w, r)
	})
}

func (s *server) hit(route string) {
	s.mu.Lock()
	s.count[route]++
	s.mu.Unlock()
}

func reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// bearer returns the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return tok
}

func (s *server) openai(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != s.b.openaiToken || r.Header.Get("ChatGPT-Account-Id") != openaiAccountID {
		reply(w, http.StatusUnauthorized, []byte(`{"detail":{"code":"invalid_token","message":"Could not validate your credentials"}}`))
		return
	}
	reply(w, http.StatusOK, s.b.openai)
}

// anthropic answers the usage or the profile endpoint (pick) for the demo
// token; both require the OAuth beta flag like the real ones.
func (s *server) anthropic(pick func(*bodies) []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case bearer(r) != anthropicAccess:
			reply(w, http.StatusUnauthorized, []byte(`{"type":"error","error":{"type":"authentication_error","message":"Invalid bearer token"}}`))
			return
		case !strings.Contains(r.Header.Get("Anthropic-Beta"), "oauth-2025-04-20"):
			// The real endpoint refuses OAuth tokens without the beta flag.
			reply(w, http.StatusUnauthorized, []byte(`{"type":"error","error":{"type":"authentication_error","message":"OAuth authentication is currently not supported."}}`))
			return
		}
		reply(w, http.StatusOK, pick(s.b))
	}
}

// zhipu accepts the raw key (as the official plugin sends it) or a bearer
// token; like the real API it answers a bad key with HTTP 200.
func (s *server) zhipu(w http.ResponseWriter, r *http.Request) {
	if a := r.Header.Get("Authorization"); a != zhipuKey && bearer(r) != zhipuKey {
		reply(w, http.StatusOK, []byte(`{"code":1000,"msg":"Authentication Failed","success":false}`))
		return
	}
	reply(w, http.StatusOK, s.b.zhipu)
}

// zai always rejects the demo key the way Z.ai rejects an expired one: HTTP
// 200 with an error envelope, so the demo shows a failure and its fix.
func (s *server) zai(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, s.b.zai)
}

func (s *server) googleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_request","error_description":"malformed form"}`))
		return
	}
	if r.PostForm.Get("client_id") != googleClientID || r.PostForm.Get("client_secret") != googleClientSecret {
		reply(w, http.StatusUnauthorized, []byte(`{"error":"invalid_client","error_description":"The OAuth client was not found."}`))
		return
	}
	if r.PostForm.Get("grant_type") != "refresh_token" {
		reply(w, http.StatusBadRequest, []byte(`{"error":"unsupported_grant_type","error_description":"Invalid grant_type"}`))
		return
	}
	for _, g := range s.b.google {
		if r.PostForm.Get("refresh_token") == g.acct.refresh {
			reply(w, http.StatusOK, g.token)
			return
		}
	}
	reply(w, http.StatusBadRequest, []byte(`{"error":"invalid_grant","error_description":"Bad Request"}`))
}

// cloudcode answers one Cloud Code call for the account owning the bearer
// token; withProject calls must name that account's project.
func (s *server) cloudcode(pick func(googleBodies) []byte, withProject bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Project string `json:"project"`
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		json.Unmarshal(body, &req)
		for _, g := range s.b.google {
			if bearer(r) != g.acct.access {
				continue
			}
			if withProject && req.Project != g.acct.project {
				reply(w, http.StatusForbidden, []byte(`{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`))
				return
			}
			reply(w, http.StatusOK, pick(g))
			return
		}
		reply(w, http.StatusUnauthorized, []byte(`{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`))
	}
}

func (s *server) github(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != githubPAT {
		reply(w, http.StatusUnauthorized, []byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`))
		return
	}
	reply(w, http.StatusOK, s.b.github)
}
