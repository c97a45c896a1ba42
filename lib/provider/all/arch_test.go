package all

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// modulePath is the module's import path.
const modulePath = "github.com/mystatus/mystatus"

// testDeps are dependencies whose paths lie under a fake home, so that a
// Description names real-looking files.
func testDeps() provider.Deps {
	paths := auth.PathsFromEnv(func(k string) string {
		if k == "HOME" || k == "USERPROFILE" {
			return "/home/u"
		}
		return ""
	})
	return provider.Deps{Auth: auth.NewStore(paths)}
}

// TestEveryPlatformDescribesItself holds the contract of package provider:
// every registered platform describes itself and takes part in the demo,
// with an id, aliases and settings no other platform claims.
func TestEveryPlatformDescribesItself(t *testing.T) {
	id := regexp.MustCompile(`^[a-z][a-z0-9]*$`) // report.schema.json's platformId
	setting := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	names := map[string]quota.PlatformID{}
	settings := map[string]quota.PlatformID{}
	fixKeys := map[string]quota.PlatformID{}
	for _, p := range Providers(testDeps()) {
		if _, ok := p.(provider.Describer); !ok {
			t.Errorf("%s does not implement provider.Describer", p.ID())
			continue
		}
		d := provider.Describe(p)
		if d.ID != p.ID() || !id.MatchString(string(d.ID)) {
			t.Errorf("%s: Description.ID %q", p.ID(), d.ID)
		}
		for _, n := range append([]string{string(d.ID)}, d.Aliases...) {
			if n != strings.ToLower(n) {
				t.Errorf("%s: alias %q is not lower case", d.ID, n)
			}
			if other, dup := names[n]; dup {
				t.Errorf("%s: name %q is %s's too", d.ID, n, other)
			}
			names[n] = d.ID
		}
		if len(d.AuthKeys) == 0 && len(d.Files) == 0 {
			t.Errorf("%s names no credential source", d.ID)
		}
		if len(d.Endpoints) == 0 {
			t.Errorf("%s names no endpoint", d.ID)
		}
		for _, ep := range d.Endpoints {
			if !setting.MatchString(ep.Setting) || ep.Default == "" || len(ep.Paths) == 0 {
				t.Errorf("%s: endpoint %+v", d.ID, ep)
			}
			// Platforms of one family may share a setting (the Google
			// token endpoint); two unrelated ones may not.
			if other, dup := settings[ep.Setting]; dup && !strings.HasPrefix(ep.Setting, "google_") {
				t.Errorf("%s: setting %q is %s's too", d.ID, ep.Setting, other)
			}
			settings[ep.Setting] = d.ID
		}
		for k := range d.FixData {
			if other, dup := fixKeys[k]; dup {
				t.Errorf("%s: fix data key %q is %s's too", d.ID, k, other)
			}
			fixKeys[k] = d.ID
		}
	}
}

// TestSharedPackagesNameNoPlatform is the architecture test: a platform's
// knowledge lives in its own package. No string literal in a production
// file of a package linked into the binary, outside lib/provider's
// sub-packages (the platforms, their families such as lib/provider/google,
// this registry), is a platform's id, auth.json key, setting or
// credential file name; so a new platform is one package, one line of the
// registry, catalog entries and fixtures.
func TestSharedPackagesNameNoPlatform(t *testing.T) {
	owner := map[string]quota.PlatformID{}
	for _, p := range Providers(testDeps()) {
		d := provider.Describe(p)
		names := append([]string{string(d.ID)}, d.AuthKeys...)
		names = append(names, d.Files...)
		for _, ep := range d.Endpoints {
			names = append(names, ep.Setting)
		}
		for _, n := range names {
			// OpenCode's own names are every platform's: its auth.json
			// (Codex names its file so too) and its directory "opencode"
			// (also an auth.json key of OpenCode Go).
			if n != "" && n != "auth.json" && n != "opencode" {
				owner[n] = d.ID
			}
		}
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{.Dir}}{{end}}", modulePath).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	scanned := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, dir, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(pkg, modulePath) || strings.HasPrefix(pkg, modulePath+"/lib/provider/") {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			scanned++
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				v, err := strconv.Unquote(lit.Value)
				if id, named := owner[v]; err == nil && named {
					rel := strings.TrimPrefix(pkg, modulePath)
					t.Errorf("%s (%s) names %s's %q: move it into the platform's package (its Description)", rel, filepath.Base(f), id, v)
				}
				return true
			})
		}
	}
	if scanned < 20 {
		t.Fatalf("only %d files scanned: is go list's output what this test expects?", scanned)
	}
}

// TestCatalogStepsNamePlatforms: every steps override in the catalogs
// ("error.<kind>.steps.<platform>[.<variant>]") names a kind, a
// registered platform and one of its variants, so no override is dead.
func TestCatalogStepsNamePlatforms(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "i18n", "active.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]any
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatal(err)
	}
	variants := map[string][]string{}
	for _, d := range Descriptions(testDeps()) {
		variants[string(d.ID)] = d.Variants
	}
	re := regexp.MustCompile(`^error\.([a-z_]+)\.steps\.([a-z0-9]+)(?:\.([a-z-]+))?$`)
	for id := range cat {
		if !strings.HasPrefix(id, "error.") || !strings.Contains(id, ".steps.") {
			continue
		}
		if c := id[strings.LastIndexByte(id, '.')+1:]; slices.Contains(explain.CodeMessages, c) {
			continue // a code's own steps
		}
		m := re.FindStringSubmatch(id)
		if m == nil || !slices.Contains(quota.Kinds, quota.Kind(m[1])) {
			t.Errorf("%s names no known kind", id)
			continue
		}
		vs, ok := variants[m[2]]
		switch {
		case !ok:
			t.Errorf("%s names no registered platform", id)
		case m[3] != "" && !slices.Contains(vs, m[3]):
			t.Errorf("%s names no variant of %s (it has %v)", id, m[2], vs)
		}
	}
}

// TestReadmeDocumentsEveryPlatform: the README's platform table names
// every platform's id and auth.json keys, and its settings table every
// base-URL setting with its default.
func TestReadmeDocumentsEveryPlatform(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, d := range Descriptions(testDeps()) {
		var row string
		for _, line := range strings.Split(readme, "\n") {
			// | name | `id` (aliases) … or | name | `other`, mainland `id` …
			cells := strings.Split(line, "|")
			if len(cells) > 3 && strings.Contains(cells[2], "`"+string(d.ID)+"`") {
				row = line
				break
			}
		}
		if row == "" {
			t.Errorf("README: no platform table row names `%s`", d.ID)
		}
		for _, k := range d.AuthKeys {
			if !strings.Contains(row, "`"+k+"`") {
				t.Errorf("README: %s's row does not name its auth.json key `%s`", d.ID, k)
			}
		}
		for _, ep := range d.Endpoints {
			env := "`MYSTATUS_" + strings.ToUpper(ep.Setting) + "`"
			i := strings.Index(readme, "| "+env)
			if i < 0 {
				t.Errorf("README: no settings row for %s (%s, default %s, + %s)", env, d.ID, ep.Default, strings.Join(ep.Paths, ", "))
				continue
			}
			line := readme[i : i+strings.IndexByte(readme[i:], '\n')]
			if !ep.List && !strings.Contains(line, ep.Default) {
				t.Errorf("README: the %s row does not give its default %s", env, ep.Default)
			}
		}
	}
}
