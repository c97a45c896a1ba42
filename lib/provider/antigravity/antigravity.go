// Package antigravity reports the Google Antigravity (Cloud Code Assist)
// quota of every Google account found in OpenCode's
// antigravity-accounts.json and in Antigravity-Manager's account store:
// per model family (Gemini Pro, Gemini Flash, Gemini Image, Claude and
// GPT, other models) and, when the platform offers them, the 5-hour and weekly
// buckets.
//
// Access tokens stored by Antigravity-Manager are used while valid;
// otherwise one is minted in memory from the refresh token with the public
// OAuth client that minted it (built in, see package google; settings may
// override it). Google refresh tokens do not rotate, so nothing is written
// back.
package antigravity

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// FactProxyDisabled is the catalog message of an account that
// Antigravity-Manager paused in its proxy; Data may hold "Reason" (string)
// and "Since" (time.Time).
const FactProxyDisabled = "antigravity.proxy_disabled"

// DefaultBases are the Cloud Code hosts tried in order; the setting
// "cloudcode_base_url" (one URL or a comma-separated list) replaces them.
var DefaultBases = []string{
	"https://daily-cloudcode-pa.sandbox.googleapis.com",
	"https://daily-cloudcode-pa.googleapis.com",
	"https://cloudcode-pa.googleapis.com",
}

// DefaultUserAgent is sent to Cloud Code, which refuses some calls without
// a current Antigravity-style agent; "antigravity_user_agent" overrides it.
const DefaultUserAgent = "antigravity/1.23.2 linux/amd64"

// settingBases is the setting (MYSTATUS_CLOUDCODE_BASE_URL) that replaces
// [DefaultBases].
const settingBases = "cloudcode_base_url"

// Cloud Code endpoint paths.
const (
	pathModels  = "/v1internal:fetchAvailableModels"
	pathSummary = "/v1internal:retrieveUserQuotaSummary"
	pathAssist  = google.PathAssist
)

// Provider is the Google Antigravity platform. It is safe for concurrent
// use and meant to be kept: it caches minted access tokens and the
// projects loadCodeAssist resolved.
type Provider struct {
	d provider.Deps

	mint *google.Minter

	mu       sync.Mutex
	projects map[string]string // resolved project by lower-cased e-mail

	// pause waits before re-reading a manager file that did not parse.
	pause func(context.Context)
}

var _ quota.Provider = (*Provider)(nil)

// New returns the Antigravity provider.
func New(d provider.Deps) *Provider {
	return &Provider{
		d:        d,
		mint:     google.NewMinter(d.HTTP),
		projects: map[string]string{},
		pause:    func(ctx context.Context) { sleep(ctx, reparseDelay) },
	}
}

// ID is the platform's identifier.
const ID quota.PlatformID = "antigravity"

// ID returns [ID].
func (p *Provider) ID() quota.PlatformID { return ID }

// Info lists every probed antigravity-accounts.json and the
// Antigravity-Manager account directory.
func (p *Provider) Info() quota.Info {
	info := quota.Info{ID: ID}
	for _, path := range p.ocPaths() {
		info.Sources = append(info.Sources, quota.Source{Path: path})
		if _, err := os.Stat(path); err == nil {
			info.Configured = true
		}
	}
	if dir := p.amDir(); dir != "" {
		info.Sources = append(info.Sources, quota.Source{Path: dir, What: "Antigravity-Manager *.json"})
		if files, err := amFiles(dir); err != nil || len(files) > 0 {
			info.Configured = true
		}
	}
	return info
}

// bases returns the Cloud Code hosts to try and the setting they came
// from ("default" when built in).
func (p *Provider) bases() ([]string, string) {
	v, src := p.d.Settings.Get(settingBases)
	if v == "" {
		return DefaultBases, "default"
	}
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }), src
}

// Fetch queries one account. Once the access token is there, one round
// of requests runs side by side: fetchAvailableModels (the model
// families), retrieveUserQuotaSummary (the 5-hour and weekly buckets) and
// loadCodeAssist (the plan), each trying the Cloud Code hosts in turn on
// 429, 5xx or a network failure. An account without a project id first
// asks loadCodeAssist for it, as the Antigravity tools do; the answer is
// remembered for later fetches.
func (p *Provider) Fetch(ctx context.Context, t quota.Target) (quota.Account, error) {
	acct := quota.Account{Name: t.Name}
	if t.Err != nil {
		return acct, t.Err
	}
	c, ok := t.Data.(*cred)
	if !ok {
		return acct, &quota.Error{Kind: quota.KindInternal}
	}
	acct.Source = c.source
	acct.Facts = slices.Clone(c.facts)

	tok, err := p.accessToken(ctx, c, false)
	if err != nil {
		return acct, err
	}
	r := p.round(ctx, c, tok)
	if quota.KindOf(r.err) == quota.KindUnauthorized && c.refresh != "" {
		// The token was rejected before its expiry: mint a new one once.
		// With an unusable client override the rejection itself is the news.
		tok2, err2 := p.accessToken(ctx, c, true)
		if err2 != nil && quota.KindOf(err2) != quota.KindBadConfig {
			return acct, err2
		}
		if err2 == nil {
			r = p.round(ctx, c, tok2)
		}
	}
	if r.err != nil {
		return acct, r.err
	}
	acct.Plan = r.plan
	acct.Windows = append(r.models, r.buckets...)
	return acct, nil
}

// roundResult is what one round of Cloud Code requests gave. err is the
// account's failure (fetchAvailableModels, or the project lookup); the
// summary and the plan are best effort.
type roundResult struct {
	models, buckets []quota.Window
	plan            string
	err             error
}

// assistBody is the loadCodeAssist request Antigravity itself sends,
// encoded on first use (not at start-up, which every command pays).
var assistBody = sync.OnceValue(func() []byte {
	return google.AssistRequest{Metadata: google.Metadata{IDEType: "ANTIGRAVITY"}}.Body()
})

// round runs the account's requests with token tok.
func (p *Provider) round(ctx context.Context, c *cred, tok string) roundResult {
	var r roundResult
	project := c.project
	if project == "" {
		project = p.knownProject(c.email)
	}
	var wg sync.WaitGroup
	if project == "" {
		// The other two calls need the project: this one comes first.
		resp, err := p.call(ctx, pathAssist, tok, assistBody())
		if err != nil {
			r.err = err
			return r
		}
		a, err := google.ParseAssist(resp.Body)
		if err != nil {
			r.err = httpx.MalformedFrom(resp, google.ShapeDetail(err))
			return r
		}
		if a.Project == "" {
			// Reason carries the tier Google named, for the explanation.
			r.err = &quota.Error{Kind: quota.KindProjectMissing, Path: c.path, URL: resp.URL, Reason: a.Tier}
			return r
		}
		project, r.plan = a.Project, a.Plan
		p.rememberProject(c.email, project)
	} else {
		wg.Go(func() {
			if resp, err := p.call(ctx, pathAssist, tok, assistBody()); err == nil {
				if a, err := google.ParseAssist(resp.Body); err == nil {
					r.plan = a.Plan
				}
			}
		})
	}
	body, _ := json.Marshal(map[string]string{"project": project})
	wg.Go(func() {
		if resp, err := p.call(ctx, pathSummary, tok, body); err == nil {
			r.buckets, _ = parseSummary(resp.Body)
		}
	})
	resp, err := p.call(ctx, pathModels, tok, body)
	if err == nil {
		if r.models, err = parseModels(resp.Body); err != nil {
			err = httpx.MalformedFrom(resp, google.ShapeDetail(err))
		}
	}
	r.err = err
	wg.Wait()
	return r
}

func (p *Provider) knownProject(email string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.projects[strings.ToLower(email)]
}

func (p *Provider) rememberProject(email, project string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.projects[strings.ToLower(email)] = project
}

// call sends one Cloud Code request to each host in turn and returns the
// first success; after a definite answer (4xx other than 429) it stops.
func (p *Provider) call(ctx context.Context, path, tok string, body []byte) (*httpx.Response, error) {
	bases, src := p.bases()
	var last error
	for _, base := range bases {
		r, err := p.post(ctx, base, path, tok, body)
		if err == nil {
			return r, nil
		}
		last = err
		if ctx.Err() != nil || !nextBase(err) {
			break
		}
	}
	if last == nil {
		last = &quota.Error{Kind: quota.KindBadConfig, Field: src}
	}
	return nil, google.Classify(last)
}

// nextBase reports whether another host may answer: after a rate limit, a
// server error or a network failure, not after a definite answer.
func nextBase(err error) bool {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return se.Status == http.StatusTooManyRequests || se.Status >= 500
	}
	switch quota.KindOf(err) {
	case quota.KindConnection, quota.KindDNS, quota.KindTimeout, quota.KindTLS:
		return true
	}
	return false
}

// post sends one Cloud Code call.
func (p *Provider) post(ctx context.Context, base, path, tok string, body []byte) (*httpx.Response, error) {
	_, src := p.bases()
	u, err := httpx.JoinURL(base, path, src)
	if err != nil {
		return nil, err
	}
	ua, _ := p.d.Settings.Get("antigravity_user_agent")
	if ua == "" {
		ua = DefaultUserAgent
	}
	return p.d.HTTP.Post(ctx, u, "application/json", body, http.Header{
		"Authorization": {"Bearer " + tok},
		"User-Agent":    {ua},
		"Accept":        {"application/json"},
	})
}
