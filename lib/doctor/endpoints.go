package doctor

import (
	"strings"
	"unicode"

	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/quota"
)

// endpoint is a base URL setting and the paths mystatus appends to it.
type endpoint struct {
	setting  string
	platform quota.PlatformID
	paths    []string
	list     bool // a comma- or space-separated list of bases
}

// endpoints mirrors the endpoint-override contract of the product spec.
var endpoints = []endpoint{
	{"openai_base_url", quota.OpenAI, []string{"/wham/usage"}, false},
	{"anthropic_base_url", quota.Anthropic, []string{"/api/oauth/usage"}, false},
	{"zhipu_base_url", quota.Zhipu, []string{"/api/monitor/usage/quota/limit"}, false},
	{"zai_base_url", quota.ZAI, []string{"/api/monitor/usage/quota/limit"}, false},
	{"github_api_url", quota.Copilot, []string{"/copilot_internal/user", "/copilot_internal/v2/token",
		"/users/{user}/settings/billing/premium_request/usage"}, false},
	{"google_oauth_url", quota.Antigravity, []string{"/token"}, false},
	{"cloudcode_base_url", quota.Antigravity, []string{"/v1internal:loadCodeAssist", "/v1internal:fetchAvailableModels",
		"/v1internal:retrieveUserQuotaSummary"}, true},
}

// endpoints validates every base URL override the way the platforms will
// join it; defaults are not checked.
func (r *run) endpoints() {
	overrides := 0
	for _, ep := range endpoints {
		value, src := r.opts.Deps.Settings.Get(ep.setting)
		if value == "" {
			continue
		}
		overrides++
		bases := []string{value}
		if ep.list {
			bases = strings.FieldsFunc(value, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
		}
		if err := joinAll(bases, ep.paths, src); err != nil {
			r.problem(Error, CheckEndpoint, ep.platform, "", err)
			continue
		}
		r.ok(CheckEndpoint, ep.platform, "", "", r.t("doctor.endpoint.ok", map[string]any{"Source": src, "URL": value}))
	}
	if overrides == 0 {
		r.ok(CheckEndpoint, "", "", "", r.t("doctor.endpoint.defaults", nil))
	}
}

// joinAll returns the first error of joining any base with any path.
func joinAll(bases, paths []string, src string) error {
	for _, b := range bases {
		for _, p := range paths {
			if _, err := httpx.JoinURL(b, p, src); err != nil {
				return err
			}
		}
	}
	return nil
}
