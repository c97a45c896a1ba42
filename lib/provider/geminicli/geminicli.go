// Package geminicli reports the Gemini Code Assist quota of the Google
// account Gemini CLI is signed in with: one row per model from
// retrieveUserQuota on the Code Assist API, the plan from loadCodeAssist.
//
// The login is Gemini CLI's own ~/.gemini/oauth_creds.json (see Dir),
// read only. Its access token is used while valid; otherwise one is minted
// in memory from the refresh token with Gemini CLI's public OAuth client
// (package google). Google refresh tokens do not rotate and nothing is
// written back, so Gemini CLI's login is never spent or changed.
package geminicli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// ID is the platform's identifier.
const ID quota.PlatformID = "geminicli"

// DefaultBaseURL is the Code Assist API host Gemini CLI talks to
// (code_assist/server.ts CODE_ASSIST_ENDPOINT); the setting
// "geminicli_base_url" (MYSTATUS_GEMINICLI_BASE_URL) replaces it. The
// token endpoint is google_oauth_url's, shared with Antigravity.
const DefaultBaseURL = "https://cloudcode-pa.googleapis.com"

// Setting is the Code Assist base-URL setting.
const Setting = "geminicli_base_url"

// pathQuota is the per-model quota method (server.ts retrieveUserQuota).
const pathQuota = "/v1internal:retrieveUserQuota"

// Gemini CLI's own project variables (code_assist/setup.ts setupUser):
// a Workspace or Standard account names its project there.
var projectEnv = []string{"GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT_ID"}

// Provider is the Gemini CLI platform. It is safe for concurrent use and
// meant to be kept: it caches minted access tokens.
type Provider struct {
	d    provider.Deps
	mint *google.Minter
}

var _ quota.Provider = (*Provider)(nil)

// New returns the Gemini CLI provider.
func New(d provider.Deps) *Provider { return &Provider{d: d, mint: google.NewMinter(d.HTTP)} }

// ID returns "geminicli".
func (p *Provider) ID() quota.PlatformID { return ID }

// CredsPath is where Gemini CLI keeps its login for d ("" without a home).
func CredsPath(d provider.Deps) string {
	var paths auth.Paths
	if d.Auth != nil {
		paths = d.Auth.Paths
	}
	dir := Dir(paths, d.Settings.Getenv)
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, CredsFile)
}

// Info names the login file and whether it exists.
func (p *Provider) Info() quota.Info {
	path := CredsPath(p.d)
	info := quota.Info{ID: ID}
	if path == "" {
		return info
	}
	info.Sources = []quota.Source{{Path: path}}
	_, err := p.d.Auth.Read(path)
	info.Configured = !auth.IsMissing(err)
	return info
}

// Discover reads the login file: no file means not configured, and no
// request is made; a broken one is this platform's error.
func (p *Provider) Discover(context.Context) ([]quota.Target, error) {
	path := CredsPath(p.d)
	if path == "" {
		return nil, quota.ErrNotConfigured
	}
	f, err := p.d.Auth.Read(path)
	if auth.IsMissing(err) {
		return nil, quota.ErrNotConfigured
	}
	if err != nil {
		return nil, err
	}
	c, err := parseCreds(path, f.Data)
	if err != nil {
		return nil, err
	}
	c.email = cmp.Or(c.email, activeEmail(p.d.Auth, filepath.Dir(path)))
	name := cmp.Or(c.email, CredsFile)
	key := "geminicli:" + strings.ToLower(cmp.Or(c.email, path))
	return []quota.Target{{Key: key, Name: name, Data: c}}, nil
}

// Fetch asks loadCodeAssist for the plan and project, then
// retrieveUserQuota for the per-model buckets. A token rejected before
// its expiry is minted anew once.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	acct := quota.Account{Name: t.Name}
	if t.Err != nil {
		return acct, t.Err
	}
	c, ok := t.Data.(*creds)
	if !ok {
		return acct, &quota.Error{Kind: quota.KindInternal}
	}
	tok, err := p.token(ctx, c, false)
	if err != nil {
		return acct, err
	}
	plan, ws, err := p.round(ctx, c, tok)
	if quota.KindOf(err) == quota.KindUnauthorized && c.refresh != "" {
		tok2, err2 := p.token(ctx, c, true)
		if err2 != nil && quota.KindOf(err2) != quota.KindBadConfig {
			return acct, err2
		}
		if err2 == nil {
			plan, ws, err = p.round(ctx, c, tok2)
		}
	}
	if err != nil {
		return acct, err
	}
	acct.Plan, acct.Windows = plan, ws
	return acct, nil
}

// token returns the stored access token while it is valid, else one
// minted in memory with Gemini CLI's client (or the user's override).
func (p *Provider) token(ctx context.Context, c *creds, fresh bool) (string, error) {
	if !fresh && c.accessValid(p.d.Clock()) {
		return c.access, nil
	}
	if c.refresh == "" {
		return "", &quota.Error{Kind: quota.KindTokenExpired, Path: c.path, Field: "refresh_token"}
	}
	clients, err := google.Clients(p.d.Settings, google.GeminiCLI)
	if err != nil {
		return "", err
	}
	tokenURL, err := google.TokenURL(p.d)
	if err != nil {
		return "", err
	}
	tok, err := p.mint.Token(ctx, c.refresh, tokenURL, clients, fresh)
	if err != nil {
		if e := quota.AsError(err); e != nil && e.Path == "" {
			// The fix is about this login file.
			e.Path = c.path
		}
		return "", err
	}
	return tok, nil
}

// userProject is the project the user gave Gemini CLI, "" when none.
func (p *Provider) userProject() string {
	if p.d.Settings.Getenv == nil {
		return ""
	}
	for _, k := range projectEnv {
		if v := strings.TrimSpace(p.d.Settings.Getenv(k)); v != "" {
			return v
		}
	}
	return ""
}

// round runs loadCodeAssist then retrieveUserQuota with token tok.
func (p *Provider) round(ctx context.Context, c *creds, tok string) (plan string, ws []quota.Window, err error) {
	own := p.userProject()
	// The request Gemini CLI itself sends (setup.ts _doSetupUser), so
	// Google answers as it answers Gemini CLI. The API's enum also has
	// ideType GEMINI_CLI, but Gemini CLI does not send it (setup.ts and
	// server.ts at 5411f113 send IDE_UNSPECIFIED).
	req := google.AssistRequest{Project: own, Metadata: google.Metadata{
		IDEType: "IDE_UNSPECIFIED", Platform: "PLATFORM_UNSPECIFIED", PluginType: "GEMINI", DuetProject: own}}
	resp, err := p.post(ctx, google.PathAssist, tok, req.Body())
	if err != nil {
		return "", nil, err
	}
	if err := envelope(resp); err != nil {
		return "", nil, err
	}
	a, err := google.ParseAssist(resp.Body)
	if err != nil {
		return "", nil, httpx.MalformedFrom(resp, google.ShapeDetail(err))
	}
	// Google's answer wins; the user's project serves when it names none,
	// as in Gemini CLI.
	project := cmp.Or(a.Project, own)
	if project == "" {
		return "", nil, &quota.Error{Kind: quota.KindProjectMissing, Path: c.path, URL: resp.URL, Reason: a.Tier}
	}
	body, _ := json.Marshal(map[string]string{"project": project})
	resp, err = p.post(ctx, pathQuota, tok, body)
	if err != nil {
		return "", nil, err
	}
	if err := envelope(resp); err != nil {
		return "", nil, err
	}
	ws, err = parseQuota(resp.Body)
	if err != nil {
		return "", nil, httpx.MalformedFrom(resp, google.ShapeDetail(err))
	}
	return a.Plan, ws, nil
}

// post sends one Code Assist call, retried once where the taxonomy
// allows (both methods only read, so a second try is safe; Gemini CLI
// retries them too). Errors are classified, Google's own error model
// first.
func (p *Provider) post(ctx context.Context, path, tok string, body []byte) (*httpx.Response, error) {
	u, err := p.d.Endpoint(Setting, DefaultBaseURL, path)
	if err != nil {
		return nil, err
	}
	r, err := p.d.HTTP.DoRetry(ctx, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return nil, &quota.Error{Kind: quota.KindBadConfig, URL: u, Err: err}
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	})
	if err != nil {
		return nil, google.Classify(err)
	}
	return r, nil
}

// envelope classifies a 2xx answer whose body is a google.rpc.Status
// error ({"error": {"code": 401, ...}}, as some proxies answer) as the
// status it names; nil for any other body. Without it such a body would
// read as an account without a project or without quota.
func envelope(resp *httpx.Response) error {
	if google.CheckBody(resp.Body) != nil {
		return nil // the parser reports it
	}
	code := gjson.GetBytes(resp.Body, "error.code")
	if code.Type != gjson.Number || code.Int() < 400 || code.Int() > 599 {
		return nil
	}
	return google.Classify(&httpx.StatusError{Status: int(code.Int()), Header: resp.Header, Body: resp.Body, URL: resp.URL})
}
