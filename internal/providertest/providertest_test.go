package providertest

import (
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/lib/quota"
)

// The package serves tests only: no production file of the module
// imports it.
func TestImportedByTestsOnly(t *testing.T) {
	const self = "github.com/mystatus/mystatus/internal/providertest"
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == self {
				t.Errorf("%s imports %s", path, self)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Show follows pointers, so a failure names the figures.
func TestShow(t *testing.T) {
	used := 7.0
	got := Show(quota.Account{Plan: "Pro", Windows: []quota.Window{{Used: &used, Money: &quota.MoneyFigures{Balance: &quota.Money{Minor: 4959}}}}})
	for _, want := range []string{`"Pro"`, `7`, `4959`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
}

// The server answers its routes to GET only, counting every request.
func TestServer(t *testing.T) {
	s := Answer(t, func(r *http.Request) (int, string) { return 418, r.URL.Path })
	resp, err := http.Get(s.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 418 || string(body) != "/a" || s.Hits() != 1 || strings.Join(s.Paths(), " ") != "/a" || s.Header("User-Agent") == "" {
		t.Errorf("status %d body %q hits %d paths %v", resp.StatusCode, body, s.Hits(), s.Paths())
	}
	routes := NewServer(t, map[string]Reply{"/gone": {}})
	for _, path := range []string{"/gone", "/other"} {
		resp, err := http.Get(routes.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
	}
	resp, err = http.Post(routes.URL+"/gone", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || routes.Hits() != 3 {
		t.Errorf("POST: status %d, hits %d", resp.StatusCode, routes.Hits())
	}
}
