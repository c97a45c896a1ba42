package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/internal/faults"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
)

// The language audit (PRODUCT.md §7): zh and fr output holds no English
// word of mystatus's own, and its numbers follow the language. It runs the
// real CLI (this test binary re-executed, see init) on reports under every
// fault the fault suite knows, the help of every command, doctor on an
// empty and a broken HOME, init without a client and usage errors.
//
// What may stay in Latin letters, and why:
//   - product, platform and client names, acronyms and literal CLI values
//     ([allowed]);
//   - what the reader types or reads elsewhere: `code spans` (commands,
//     flags, paths), URLs, paths, flags, environment variables, e-mail
//     addresses, quoted literals ("key", “Zhipu AI Coding Plan”) and JSON
//     field names (words with _ . = [ ]);
//   - upstream text, inside the technical detail only: a detail's word
//     that occurs in what the faulty server answered ([upstreamWords]);
//     and names platforms give, quoted anywhere: models ("Claude Sonnet
//     4.5"), MCP tools (web-reader), tiers ([upstreamData]);
//   - the values of a flag ("--log-level debug|info|warn|error"), in the
//     whole output that lists them (help mentions the default).
//
// "Token" is the word Chinese coding-plan consoles use (智谱: "Token 限额").
//
// Single letters pass (ls -l file types, metavariables such as N), and so
// do the case's own arguments, which messages quote back. Chinese output
// may hold no other Latin word; French output no word of [english], a
// list of common English words that are not French words. [pending] lists
// the leaks known and not fixed yet, each with where it comes from; an
// entry that no longer occurs fails the test, so the list only shrinks.

// auditEnv, when set, makes this test binary run the CLI instead of the
// tests: main's run with the arguments it was started with.
const auditEnv = "MYSTATUS_LANG_AUDIT_RUN"

func init() {
	if os.Getenv(auditEnv) == "1" {
		os.Exit(run())
	}
}

// allowed are the Latin words zh and fr output may hold anywhere.
var allowed = words(`
mystatus OpenAI ChatGPT Codex Anthropic Claude Zhipu Z.ai Z.AI GLM Coding Plan GitHub Copilot Google Antigravity
Antigravity-Manager Gemini Cloud Code Assist Workspace OpenCode opencode VS Vs Zed Cursor Windsurf MCP JSON-RPC JSON JSONC HTML
HTTP HTTPS API URL URLs OAuth DNS TLS PAT ID CLI stdio stdin stdout stderr npm npx Go MiB KiB GPT Pro Plus Max Free
Business Enterprise Team Premium Trial pro plus max free business enterprise team macOS Windows Linux AI IA
US
markdown json line remaining used en fr zh claude vscode zed openai anthropic zhipu zai antigravity copilot
demo doctor serve init version help
token username tier key type refresh access expires limits usageItems
Sonnet Opus Haiku Flash Token
`)

// The registry's platforms: their ids and aliases (flag values) and the
// Latin words of their zh and fr names (product names) may appear too.
func init() {
	for _, d := range all.Descriptions(provider.Deps{Auth: auth.NewStore(auth.Paths{})}) {
		allowed[string(d.ID)] = true
		for _, a := range d.Aliases {
			allowed[a] = true
		}
		for _, lang := range []string{"zh", "fr"} {
			for _, w := range latinWord.FindAllString(i18n.New(lang).T("platform."+string(d.ID)+".name", nil), -1) {
				allowed[w] = true
			}
		}
	}
}

// upstreamData are names the platforms give that the report quotes as
// they are (a Google tier name); model names and MCP tool names are
// matched by [modelName] and [literal].
var upstreamData = []string{"Gemini Code Assist for individuals", "Gemini Code Assist in Google One AI Pro"}

// english are common English words that are not French words: one of them
// in French output is a leak.
var english = words(`
the and of to is are was were be been not no for with at from by this that these those it its your you we our
has have had will would can could should must may if then when than or any all every none only
expired expires missing error errors failed failure limit used reset resets request requests
token tokens file files found invalid unknown flag flags provided defined value argument help
commands command default left window hour hours day days week weekly month monthly daily account accounts
credits balance show shows print prints run runs check see try retry again more less too many much large larger
deep nested response body server connection closed timeout deadline exceeded denied directory empty object array
string field expected accepted got out figures shown clamped unexpected shape redirect followed language
languages supported write writes config configured path home needs need wrong bad healthy yes valid
until since ago now today tomorrow per seats billing login sign signed remaining left quota's rate limited
what which where who how why there here into over under about after before while most least once
settings setting endpoint endpoints override overrides environment variable variables missing
looking beginning character
`)

// pending are known leaks, by case and word, with their origin.
var pending = map[string]string{}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// auditCase is one CLI run whose output is audited.
type auditCase struct {
	name string
	home string
	env  []string
	args []string
}

func TestLanguageAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI some hundred times")
	}
	homes := t.TempDir()
	full := filepath.Join(homes, "full")
	writeHome(t, full, fixtureHome(time.Now()))
	empty := filepath.Join(homes, "empty")
	if err := os.MkdirAll(empty, 0o700); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(homes, "broken")
	writeHome(t, broken, brokenHome())
	badConfig := filepath.Join(homes, "badconfig")
	writeHome(t, badConfig, map[string]string{".config/mystatus/config.json": "{\"timeout\": \"5s\",\n  \"only\": [\"openai\",, ]}"})
	// A directory where a credential file should be.
	if err := os.MkdirAll(filepath.Join(broken, ".config/opencode/antigravity-accounts.json"), 0o700); err != nil {
		t.Fatal(err)
	}

	var cases []auditCase
	for _, f := range faults.All {
		srv := faultServer(f)
		t.Cleanup(srv.Close)
		cases = append(cases, auditCase{name: "fault-" + string(f), home: full, env: baseURLs(srv.URL),
			args: []string{"--timeout", "1s"}})
	}
	// The demo: the whole report, every kind of figure.
	cases = append(cases, auditCase{name: "demo", home: empty, args: []string{"demo"}})
	cases = append(cases, auditCase{name: "demo-line", home: empty, args: []string{"demo", "--format", "line"}})
	for _, c := range []string{"", "demo", "doctor", "serve", "init", "version", "help"} {
		args := []string{"--help"}
		if c != "" {
			args = []string{c, "-h"}
		}
		cases = append(cases, auditCase{name: "help-" + c, home: empty, args: args})
	}
	unreachable := baseURLs("http://127.0.0.1:9")
	cases = append(cases,
		auditCase{name: "report-empty-home", home: empty},
		auditCase{name: "doctor-empty-home", home: empty, env: unreachable, args: []string{"doctor"}},
		auditCase{name: "doctor-broken-home", home: broken, env: unreachable, args: []string{"doctor"}},
		auditCase{name: "report-broken-home", home: broken, env: unreachable},
		auditCase{name: "report-bad-config", home: badConfig},
		auditCase{name: "init-no-client", home: empty, args: []string{"init"}},
		auditCase{name: "init-unknown-client", home: empty, args: []string{"init", "emacs"}},
		auditCase{name: "usage-unknown-flag", home: empty, args: []string{"--bogus"}},
		auditCase{name: "usage-bad-timeout", home: empty, args: []string{"--timeout", "abc"}},
		auditCase{name: "usage-missing-value", home: empty, args: []string{"--only"}},
		auditCase{name: "usage-bad-format", home: empty, args: []string{"--format", "xml"}},
		auditCase{name: "usage-json-and-line", home: empty, args: []string{"--json", "--format", "line"}},
		auditCase{name: "usage-bad-only", home: empty, args: []string{"--only", "nope"}},
		auditCase{name: "usage-unknown-command", home: empty, args: []string{"frobnicate"}},
	)

	upstream := upstreamWords(t)
	for _, c := range cases {
		for _, lang := range []string{"zh", "fr"} {
			t.Run(c.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				// --lang goes after the command: flags belong to it.
				args := append([]string{"--lang", lang}, c.args...)
				if len(c.args) > 0 && !strings.HasPrefix(c.args[0], "-") {
					args = append([]string{c.args[0], "--lang", lang}, c.args[1:]...)
				}
				out := runCLI(t, c.home, c.env, args)
				own := map[string]bool{}
				for _, a := range c.args {
					own[a] = true
				}
				seen := map[string]bool{}
				for _, leak := range englishLeaks(lang, out, upstream) {
					if own[leak.word] {
						continue
					}
					if where, ok := pending[c.name+"/"+leak.word]; ok {
						seen[leak.word] = true
						t.Logf("known leak (%s): %q", where, leak.word)
						continue
					}
					t.Errorf("English in %s output: %q\n  in line: %s", lang, leak.word, leak.line)
				}
				for k := range pending {
					if w, ok := strings.CutPrefix(k, c.name+"/"); ok && !seen[w] {
						t.Errorf("pending leak %q no longer occurs: remove it from the list", k)
					}
				}
				for _, bad := range numberFormat(lang, out) {
					t.Errorf("number not in %s format: %s", lang, bad)
				}
			})
		}
	}
}

// runCLI runs the CLI with args in home and returns stdout and stderr.
// Every run has a deadline; nothing reaches beyond loopback.
func runCLI(t *testing.T, home string, env, args []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append([]string{auditEnv + "=1", "HOME=" + home, "USERPROFILE=" + home, "PATH=" + os.Getenv("PATH"),
		"GORACE=" + os.Getenv("GORACE"), "NO_COLOR=1", "MYSTATUS_GOOGLE_CLIENT_ID=client-id-audit", "MYSTATUS_GOOGLE_CLIENT_SECRET=client-secret-audit",
		// Loopback is never proxied: a request for any other host goes to
		// a dead proxy and fails at once instead of reaching the internet.
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9"}, env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("mystatus %v: no answer within the deadline", args)
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("mystatus %v: %v", args, err)
	}
	return out.String()
}

// baseURLs points every platform at url (PRODUCT.md §5).
func baseURLs(url string) []string {
	var env []string
	for _, k := range []string{"OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "ZHIPU_BASE_URL", "ZAI_BASE_URL",
		"GITHUB_API_URL", "CLOUDCODE_BASE_URL"} {
		env = append(env, "MYSTATUS_"+k+"="+url)
	}
	return append(env, "MYSTATUS_GOOGLE_OAUTH_URL="+url+"/oauth")
}

// faultServer answers f everywhere except the Google token endpoint,
// which stays healthy unless the fault is about the token itself, as in
// the fault suite. Its redirect points at a port nothing listens on.
func faultServer(f faults.Fault) *httptest.Server {
	h := faults.Handler(f)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" && f != faults.InvalidGrant && f != faults.Redirect {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"ya29.audit-minted-access-token-0123456789","expires_in":3599,"token_type":"Bearer"}`)
			return
		}
		h.ServeHTTP(w, r)
	}))
}

// upstreamWords are the words of every fault's answer (bodies and their
// JSON strings): inside a technical detail they are the platform's own.
func upstreamWords(t *testing.T) map[string]bool {
	m := map[string]bool{}
	for _, f := range faults.All {
		if f == faults.Timeout || f == faults.Reset || f == faults.HugeBody || f == faults.DeepJSON {
			continue // no words, and the hang would wait
		}
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(method, "http://127.0.0.1/x", strings.NewReader("a=b"))
			req.Header.Set("Authorization", "Bearer audit")
			faults.Handler(f).ServeHTTP(rec, req)
			for _, w := range latinWord.FindAllString(rec.Body.String(), -1) {
				m[w] = true
			}
		}
	}
	m["redacted"] = true // quota.Redacted, the mark of a scrubbed secret
	return m
}

// fixtureHome is a HOME with every platform configured (fake secrets).
func fixtureHome(now time.Time) map[string]string {
	enc := base64.RawURLEncoding.EncodeToString
	far := now.Add(30 * 24 * time.Hour)
	claims, _ := json.Marshal(map[string]any{"exp": far.Unix(),
		"https://api.openai.com/auth":    map[string]any{"chatgpt_account_id": "acct-audit"},
		"https://api.openai.com/profile": map[string]any{"email": "dev@example.com"}})
	jwt := enc([]byte(`{"alg":"RS256"}`)) + "." + enc(claims) + ".c2lnbmF0dXJlLWF1ZGl0"
	return map[string]string{
		".local/share/opencode/auth.json": fmt.Sprintf(`{
  "openai": {"type": "oauth", "access": %q, "refresh": "rt_audit_openai_refresh_0123456789", "expires": %d},
  "anthropic": {"type": "oauth", "access": "sk-ant-oat01-audit-anthropic-access-0123456789", "refresh": "sk-ant-ort01-audit-refresh-0123456789", "expires": %d},
  "zhipuai-coding-plan": {"type": "api", "key": "0123456789abcdef0123456789abcdef.auditZhipuKey01"},
  "zai-coding-plan": {"type": "api", "key": "fedcba9876543210fedcba9876543210.auditZaiKey0001"}
}`, jwt, far.UnixMilli(), far.UnixMilli()),
		".config/opencode/copilot-quota-token.json": `{"token": "github_pat_11AUDIT_copilot_token_0123456789", "username": "octocat", "tier": "pro"}`,
		".config/opencode/antigravity-accounts.json": `{"version": 3, "accounts": [
  {"email": "dev@example.com", "refreshToken": "1//0g-audit-google-refresh-0123456789", "projectId": "proj-1"}]}`,
	}
}

// brokenHome is a HOME whose every credential file is wrong in its own
// way: a JSON syntax error, an expired login, a wrong type, a bad tier.
func brokenHome() map[string]string {
	return map[string]string{
		".local/share/opencode/auth.json": `{
  "openai": {"type": "oauth", "access": "x", "refresh": "", "expires": 1700000000000},
  "anthropic": {"type": "api", "key": "sk-ant-api03-audit-0123456789"},
  "zhipuai-coding-plan": {"type": "oauth"},
  "github-copilot": {"type": "api", "key": "x"}
}`,
		".config/opencode/copilot-quota-token.json": `{"token": "github_pat_11AUDIT_0123456789", "username": "octocat", "tier": "ultra"}`,
	}
}

func writeHome(t *testing.T, home string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(home, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]`)
	codeSpan  = regexp.MustCompile("`[^`]*`")
	// Things the reader types or copies, kept as they are in every
	// language: URLs, e-mail addresses, paths, flags, environment
	// variables, quoted literals, identifiers.
	literal = regexp.MustCompile(`https?://\S+|\b[a-z]+(?:-[a-z]+)+\b|[\w.+-]*@[\w.-]+|\b\d+(?:ms|s|m|h|d)\b|(?:~|\$\w+|[\w.-]*)?(?:[/\\][\w.\-:+@%*]+)+/?|` +
		`--?[A-Za-z][\w-]*|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|"[^"\n]*"|“[^”\n]*”|«[^»\n]*»|` +
		`\b[A-Za-z_][\w-]*(?:[._=\[\]][\w\[\]=-]*)+`)
	flagValues = regexp.MustCompile(`\b[\w-]+(?:\|[\w-]+)+\b`)
	modelName  = regexp.MustCompile(`\b(?:Claude|Gemini|GPT|GLM|Sonnet|Opus|Haiku|Flash|Pro)(?:[ -]\d+(?:\.\d+)*)+\b`)
	// The labels of a technical detail: the report's and doctor's.
	detailMarks = []string{"技术细节：`", "详细信息：`", "Détails techniques\u00a0: `", "Détails\u00a0: `"}
)

type leak struct{ word, line string }

// englishLeaks lists the English words of out (zh or fr).
func englishLeaks(lang, out string, upstream map[string]bool) []leak {
	var leaks []leak
	values := map[string]bool{}
	for _, l := range flagValues.FindAllString(out, -1) {
		for _, v := range strings.Split(l, "|") {
			values[v] = true
		}
	}
	for _, line := range strings.Split(out, "\n") {
		for _, d := range upstreamData {
			line = strings.ReplaceAll(line, d, " ")
		}
		line = modelName.ReplaceAllString(line, " ")
		text := flagValues.ReplaceAllString(line, " ")
		var detail []string
		if slices.ContainsFunc(detailMarks, func(m string) bool { return strings.Contains(line, m) }) {
			// The technical detail: our words are audited, the
			// upstream's own words pass.
			for _, span := range codeSpan.FindAllString(line, -1) {
				detail = append(detail, literal.ReplaceAllString(strings.Trim(span, "`"), " "))
			}
		}
		text = codeSpan.ReplaceAllString(text, " ")
		text = literal.ReplaceAllString(text, " ")
		check := func(s string, isDetail bool) {
			for _, w := range latinWord.FindAllString(s, -1) {
				// The detail's length bound may cut its last word to
				// any length ("do…" of "domain").
				cut := isDetail && strings.HasSuffix(s, w+"…") && prefixOfUpstream(w, upstream)
				if len(w) == 1 || cut || allowed[w] || values[w] || (isDetail && fromUpstream(w, upstream)) {
					continue
				}
				if lang == "fr" && !english[strings.ToLower(w)] {
					continue
				}
				leaks = append(leaks, leak{w, line})
			}
		}
		check(text, false)
		for _, d := range detail {
			check(d, true)
		}
	}
	return leaks
}

// fromUpstream reports whether w is an upstream word, or the start of one
// cut by the detail's length bound ("authen…").
func fromUpstream(w string, upstream map[string]bool) bool {
	if upstream[w] {
		return true
	}
	for u := range upstream {
		if len(w) >= 3 && strings.HasPrefix(u, w) {
			return true
		}
	}
	return false
}

// prefixOfUpstream reports whether w begins an upstream word.
func prefixOfUpstream(w string, upstream map[string]bool) bool {
	for u := range upstream {
		if strings.HasPrefix(u, w) {
			return true
		}
	}
	return false
}

var (
	frDecimalPoint = regexp.MustCompile(`\d\.\d`)
	commaThousands = regexp.MustCompile(`\d,\d{3}\b`)
	spaceThousands = regexp.MustCompile(`\d[ \x{a0}]\d{3}\b`)
	longDigits     = regexp.MustCompile(`\d{5,}`)
	decimalComma   = regexp.MustCompile(`\d,\d{1,2}(?:\D|$)`)
	narrowSpace    = regexp.MustCompile(`\d\x{202f}\d`)
	// Digits that are not figures of ours: versions, times, dates, IP
	// addresses, durations in flags, and what literal matches.
	notFigure = regexp.MustCompile(`\b[vV]?\d+(?:\.\d+){2,}\b|\d{1,2}:\d{2}|\d{1,2}/\d{1,2}(?:/\d{4})?|\d{4}-\d{2}-\d{2}`)
)

// numberFormat lists the figures of out that ignore the language: French
// writes "8,2" and groups thousands with U+202F ("1 000", as CLDR and
// lib/render do); Chinese, like English, writes "8.2" and "1,000".
func numberFormat(lang, out string) []string {
	var bad []string
	add := func(what, line string) { bad = append(bad, fmt.Sprintf("%s in %q", what, strings.TrimSpace(line))) }
	for _, line := range strings.Split(out, "\n") {
		if gjson.Valid(strings.TrimSpace(line)) && strings.HasPrefix(strings.TrimSpace(line), "{") {
			continue // JSON figures are JSON
		}
		text := codeSpan.ReplaceAllString(line, " ")
		text = modelName.ReplaceAllString(text, " ")
		text = literal.ReplaceAllString(text, " ")
		text = notFigure.ReplaceAllString(text, " ")
		switch lang {
		case "fr":
			for _, re := range []*regexp.Regexp{frDecimalPoint, commaThousands, spaceThousands, longDigits} {
				if m := re.FindString(text); m != "" {
					add(m, line)
				}
			}
		default:
			for _, re := range []*regexp.Regexp{decimalComma, narrowSpace} {
				if m := re.FindString(text); m != "" {
					add(m, line)
				}
			}
		}
	}
	return bad
}

// TestAuditDetectors: the audit's detectors catch what they must and pass
// what is right, so a clean audit means something.
func TestAuditDetectors(t *testing.T) {
	up := map[string]bool{"Internal": true, "error": true}
	for _, tt := range []struct {
		lang, out string
		leaks     []string
		numbers   int
	}{
		{"fr", "Utilisé\u00a0: 8,2\u00a0M / 40,0\u00a0M, 12\u202f500 requêtes, le 14/11/2023 à 22:13", nil, 0},
		{"fr", "Utilisé\u00a0: 8.2\u00a0M, 12 500 requêtes, 1,000 jetons, 125000 octets", nil, 4},
		{"fr", "Le jeton a expired, lancez `mystatus doctor --help` (voir https://example.com/the/path)", []string{"expired"}, 0},
		{"fr", "  Détails techniques\u00a0: `pas du JSON\u00a0: Internal error`", nil, 0},
		{"fr", "  Détails techniques\u00a0: `response body larger than 1\u202f048\u202f576 octets`", []string{"response", "body", "larger", "than"}, 0},
		{"zh", "已用：8.2M / 40.0M，12,500 次请求，版本 1.2.3", nil, 0},
		{"zh", "已用：8,2M，12\u202f500 次", nil, 2},
		{"zh", "凭据 expired，请运行 `opencode auth login`；GitHub Copilot（@octocat）于 10s 后", []string{"expired"}, 0},
		{"zh", "  技术细节：`usage response is not JSON: Internal error`", []string{"usage", "response", "is", "not"}, 0},
	} {
		var got []string
		for _, l := range englishLeaks(tt.lang, tt.out, up) {
			got = append(got, l.word)
		}
		if !slices.Equal(got, tt.leaks) {
			t.Errorf("%s %q: leaks %q, want %q", tt.lang, tt.out, got, tt.leaks)
		}
		if n := len(numberFormat(tt.lang, tt.out)); n != tt.numbers {
			t.Errorf("%s %q: %d bad numbers (%q), want %d", tt.lang, tt.out, n, numberFormat(tt.lang, tt.out), tt.numbers)
		}
	}
}
