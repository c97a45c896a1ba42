package doctor

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider/antigravity"
	"github.com/mystatus/mystatus/lib/quota"
)

// authEntry is what an auth.json entry must hold for a platform.
type authEntry struct {
	key, typ, field string
	// expires tells whether the access token's lifetime matters: OpenAI
	// and Anthropic tokens are never renewed by mystatus.
	expires bool
}

var authEntries = map[quota.PlatformID]authEntry{
	quota.OpenAI:    {"openai", "oauth", "access", true},
	quota.Anthropic: {"anthropic", "oauth", "access", true},
	quota.Zhipu:     {"zhipuai-coding-plan", "api", "key", false},
	quota.ZAI:       {"zai-coding-plan", "api", "key", false},
	quota.Copilot:   {"github-copilot", "oauth", "refresh", false},
}

// Tiers are the accepted values of "tier" in the Copilot token file.
var Tiers = []string{"free", "pro", "pro+", "business", "enterprise"}

// source is one credential file or directory and the platforms reading it.
type source struct {
	path      string
	platforms []quota.PlatformID
}

// sources lists every credential source of every platform, each once, in
// platform order.
func sources(infos []quota.Info) []*source {
	var out []*source
	for _, info := range infos {
		for _, s := range info.Sources {
			i := slices.IndexFunc(out, func(o *source) bool { return o.path == s.Path })
			if i < 0 {
				out = append(out, &source{path: s.Path})
				i = len(out) - 1
			}
			if !slices.Contains(out[i].platforms, info.ID) {
				out[i].platforms = append(out[i].platforms, info.ID)
			}
		}
	}
	return out
}

// credentials checks every source, then warns when nothing is configured.
func (r *run) credentials() {
	var infos []quota.Info
	configured := false
	for _, p := range r.opts.Providers {
		info := p.Info()
		infos = append(infos, info)
		configured = configured || info.Configured
	}
	paths := r.opts.Deps.Auth.Paths
	for _, s := range sources(infos) {
		switch {
		case paths.ABVData != "" && explain.Within(s.path, paths.ABVData):
			r.manager(s.path)
		case filepath.Base(s.path) == "auth.json":
			if f := r.file(s.path, platformOf(s)); f != nil {
				for _, p := range s.platforms {
					r.authEntry(p)
				}
			}
		case filepath.Base(s.path) == explain.PATFile:
			if f := r.file(s.path, quota.Copilot); f != nil {
				r.pat(f)
			}
		case filepath.Base(s.path) == explain.AntigravityFile:
			if f := r.file(s.path, quota.Antigravity); f != nil {
				r.plugin(f)
			}
		default:
			r.file(s.path, platformOf(s))
		}
	}
	if !configured {
		r.findings = append(r.findings, Finding{Severity: Warn, Check: CheckPlatforms,
			Title:   r.t("doctor.none.title", nil),
			Meaning: r.t("doctor.none.meaning", nil),
			Steps:   explain.Lines(r.t("doctor.none.steps", r.pathData())),
		})
	}
}

// platformOf names the platform of a source read by one platform only.
func platformOf(s *source) quota.PlatformID {
	if len(s.platforms) == 1 {
		return s.platforms[0]
	}
	return ""
}

func (r *run) pathData() map[string]any {
	p := r.opts.Deps.Auth.Paths
	return map[string]any{"AuthPath": p.OpenCodeAuth(), "PATPath": explain.PATPath(p),
		"AntigravityPath": explain.AntigravityPath(p), "ManagerDir": p.ABVData}
}

// file checks that path exists, is readable and valid JSON, and is not
// readable by other users. It returns the file when its content is worth
// checking further.
func (r *run) file(path string, p quota.PlatformID) *auth.File {
	f, err := r.opts.Deps.Auth.Read(path)
	if auth.IsMissing(err) {
		r.ok(CheckFile, p, "", path, r.t("doctor.file.absent", map[string]any{"Path": path}))
		return nil
	}
	if err != nil {
		r.problem(Error, CheckFile, p, "", err)
		return nil
	}
	r.ok(CheckFile, p, "", path, r.t("doctor.file.ok", map[string]any{"Path": path}))
	r.permissions(f, p)
	return f
}

// permissions warns about a credential file other users can read.
func (r *run) permissions(f *auth.File, p quota.PlatformID) {
	if r.opts.Deps.Auth.Paths.GOOS == "windows" || f.Mode.Perm()&0o077 == 0 {
		return
	}
	data := map[string]any{"Path": f.Path, "Mode": fmt.Sprintf("%04o", f.Mode.Perm())}
	r.findings = append(r.findings, Finding{Severity: Warn, Check: CheckPermissions, Platform: p, Path: f.Path,
		Title:   r.t("doctor.perm.title", data),
		Meaning: r.t("doctor.perm.meaning", data),
		Steps:   explain.Lines(r.t("doctor.perm.steps", data)),
	})
}

// authEntry checks platform p's entry of auth.json: type, the required
// field and, where mystatus cannot renew it, the token's expiry.
func (r *run) authEntry(p quota.PlatformID) {
	spec, ok := authEntries[p]
	if !ok {
		return
	}
	e, path, err := r.opts.Deps.Auth.OpenCode(spec.key)
	if err == quota.ErrNotConfigured {
		r.ok(CheckCredentials, p, "", path, r.t("doctor.entry.absent", map[string]any{"Path": path, "Key": spec.key}))
		return
	}
	if err != nil {
		if !r.seen(quota.KindOf(err), path) {
			r.problem(Error, CheckCredentials, p, "", err)
		}
		return
	}
	value := map[string]string{"access": e.Access, "key": e.Key, "refresh": e.Refresh}[spec.field]
	if p == quota.Copilot && value == "" {
		value = e.Access // older OpenCode versions kept the GitHub token there
	}
	switch {
	case e.Type != spec.typ:
		r.problem(Error, CheckCredentials, p, "", &quota.Error{Kind: quota.KindFieldMissing, Path: path,
			Field: spec.key + ".type", Detail: r.t("doctor.entry.type", map[string]any{"Got": explain.Scrub(e.Type), "Want": spec.typ})})
		return
	case strings.TrimSpace(value) == "":
		r.problem(Error, CheckCredentials, p, "", &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: spec.key + "." + spec.field})
		return
	}
	if !spec.expires {
		r.ok(CheckCredentials, p, "", path, r.t("doctor.entry.ok", map[string]any{"Path": path}))
		return
	}
	// The earlier of the stored expiry and the token's own exp decides,
	// as the platform itself does.
	exp := e.Expires
	if j := jwtExpiry(e.Access); !j.IsZero() && (exp.IsZero() || j.Before(exp)) {
		exp = j
	}
	now := r.now()
	switch {
	case exp.IsZero():
		r.ok(CheckCredentials, p, "", path, r.t("doctor.entry.ok", map[string]any{"Path": path}))
	case exp.Before(now):
		r.problem(Warn, CheckExpiry, p, "", &quota.Error{Kind: quota.KindTokenExpired, Path: path, Field: spec.key + ".expires",
			Detail: r.t("doctor.expired.detail", map[string]any{"At": explain.DateTime(r.opts.Loc, exp, now)})})
	default:
		r.ok(CheckExpiry, p, "", path, r.t("doctor.entry.valid_until", map[string]any{"Path": path,
			"Until": explain.DateTime(r.opts.Loc, exp, now), "In": explain.Duration(r.opts.Loc, exp.Sub(now))}))
	}
}

// jwtExpiry reads the exp claim of a JWT without verifying it; zero when
// the token is not a readable JWT.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || !gjson.ValidBytes(payload) {
		return time.Time{}
	}
	if exp := gjson.GetBytes(payload, "exp"); exp.Type == gjson.Number && exp.Int() > 0 {
		return auth.MillisOrSeconds(exp.Int())
	}
	return time.Time{}
}

// pat checks the Copilot token file: token, username and a known tier.
func (r *run) pat(f *auth.File) {
	for _, field := range []string{"token", "username", "tier"} {
		if v := f.Get(field); v.Type != gjson.String || strings.TrimSpace(v.Str) == "" {
			r.problem(Error, CheckCredentials, quota.Copilot, "", &quota.Error{Kind: quota.KindFieldMissing, Path: f.Path, Field: field})
			return
		}
	}
	tier := f.Get("tier").Str
	if !slices.Contains(Tiers, strings.ToLower(tier)) {
		r.problem(Error, CheckCredentials, quota.Copilot, "", &quota.Error{Kind: quota.KindFieldMissing, Path: f.Path, Field: "tier",
			Detail: r.t("doctor.pat.tier", map[string]any{"Tier": explain.Scrub(tier)})})
		return
	}
	r.ok(CheckCredentials, quota.Copilot, f.Get("username").Str, f.Path, r.t("doctor.pat.ok", map[string]any{"Tier": tier}))
}

// plugin checks the accounts of the OpenCode Antigravity auth plugin.
func (r *run) plugin(f *auth.File) {
	accts := f.Get("accounts").Array()
	if len(accts) == 0 {
		r.problem(Warn, CheckAccounts, quota.Antigravity, "", &quota.Error{Kind: quota.KindNoAccounts, Path: f.Path})
		return
	}
	for i, a := range accts {
		name := a.Get("email").String()
		field := func(s string) string { return fmt.Sprintf("accounts[%d].%s", i, s) }
		switch {
		case name == "":
			r.problem(Warn, CheckAccounts, quota.Antigravity, fmt.Sprintf("#%d", i+1), &quota.Error{Kind: quota.KindFieldMissing, Path: f.Path, Field: field("email")})
		case a.Get("enabled").Type == gjson.False:
			r.ok(CheckAccounts, quota.Antigravity, name, f.Path, r.t("doctor.account.skipped", nil))
		case a.Get("refreshToken").String() == "":
			r.problem(Error, CheckAccounts, quota.Antigravity, name, &quota.Error{Kind: quota.KindFieldMissing, Path: f.Path, Field: field("refreshToken")})
		case antigravity.ClientProblem(r.opts.Deps.Settings) != nil:
			// The refresh token cannot be renewed: never "ready".
			r.problem(Error, CheckAccounts, quota.Antigravity, name, antigravity.ClientProblem(r.opts.Deps.Settings))
		default:
			// An account without a project id is fine: mystatus asks
			// loadCodeAssist for it.
			r.ok(CheckAccounts, quota.Antigravity, name, f.Path, r.t("doctor.account.ok", nil))
		}
	}
}

// managerFields are what Antigravity-Manager itself requires of an account.
var managerFields = []string{"id", "email", "token.access_token", "token.refresh_token", "token.expiry_timestamp"}

// manager checks Antigravity-Manager's account files in dir: required
// fields and the disabled / proxy_disabled / validation_blocked flags.
func (r *run) manager(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			r.ok(CheckManager, quota.Antigravity, "", dir, r.t("doctor.file.absent", map[string]any{"Path": dir}))
			return
		}
		r.problem(Error, CheckManager, quota.Antigravity, "", &quota.Error{Kind: quota.KindFileUnreadable, Path: dir, Detail: err.Error()})
		return
	}
	n := 0
	for _, ent := range ents {
		name := ent.Name()
		if ent.IsDir() || !strings.HasSuffix(name, ".json") || strings.Contains(name, ".tmp.") || strings.Contains(name, ".corrupt-") {
			continue
		}
		n++
		r.managerAccount(filepath.Join(dir, name))
	}
	if n == 0 {
		r.problem(Warn, CheckManager, quota.Antigravity, "", &quota.Error{Kind: quota.KindNoAccounts, Path: dir})
	}
}

// reparse is the pause before re-reading a manager file that did not
// parse: the app rewrites files in place.
const reparse = 100 * time.Millisecond

func (r *run) managerAccount(path string) {
	store := r.opts.Deps.Auth
	f, err := store.Read(path)
	if quota.KindOf(err) == quota.KindFileMalformed {
		time.Sleep(reparse)
		f, err = store.Read(path)
	}
	if err != nil {
		r.problem(Error, CheckManager, quota.Antigravity, "", err)
		return
	}
	r.permissions(f, quota.Antigravity)
	name := f.Get("email").String()
	for _, field := range managerFields {
		if v := f.Get(field); !v.Exists() || v.Type == gjson.Null || v.String() == "" {
			r.problem(Error, CheckManager, quota.Antigravity, name, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: field})
			return
		}
	}
	problems := false
	if f.Get("disabled").Bool() {
		problems = true
		r.problem(Error, CheckManager, quota.Antigravity, name, &quota.Error{Kind: quota.KindAccountDisabled, Path: path,
			Reason: f.Get("disabled_reason").String(), Since: unix(f.Get("disabled_at"))})
	}
	if f.Get("proxy_disabled").Bool() {
		problems = true
		r.problem(Warn, CheckManager, quota.Antigravity, name, &quota.Error{Kind: quota.KindAccountDisabled, Path: path,
			Reason: f.Get("proxy_disabled_reason").String(), Since: unix(f.Get("proxy_disabled_at"))})
	}
	if f.Get("validation_blocked").Bool() {
		until := unix(f.Get("validation_blocked_until"))
		if until.IsZero() || until.After(r.now()) {
			problems = true
			r.problem(Warn, CheckManager, quota.Antigravity, name, &quota.Error{Kind: quota.KindVerification, Path: path,
				Link: f.Get("validation_url").String(), ResetAt: until, Detail: f.Get("validation_blocked_reason").String()})
		}
	}
	if err := antigravity.ClientProblem(r.opts.Deps.Settings); err != nil && !unix(f.Get("token.expiry_timestamp")).After(r.now()) {
		// The stored access token has expired and cannot be renewed.
		problems = true
		r.problem(Error, CheckManager, quota.Antigravity, name, err)
	}
	if !problems {
		r.ok(CheckManager, quota.Antigravity, name, path, r.t("doctor.account.ok", nil))
	}
}

// unix reads an epoch timestamp (seconds or milliseconds).
func unix(v gjson.Result) time.Time {
	if v.Type != gjson.Number || v.Int() <= 0 {
		return time.Time{}
	}
	return auth.MillisOrSeconds(v.Int())
}
