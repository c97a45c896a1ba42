package setup

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// installDoc is the Install section the README carries (kept in the npm
// folder with the packages it documents).
const installDoc = "../../npm/INSTALL.md"

var fenceRE = regexp.MustCompile("(?s)```(json|sh)\n(.*?)```")

// TestInstallDocMatchesInit: every MCP entry and `claude mcp add` line in
// the Install section is exactly what `mystatus init` prints for some
// client, run from npx or from a binary on PATH.
func TestInstallDocMatchesInit(t *testing.T) {
	doc, err := os.ReadFile(installDoc)
	if err != nil {
		t.Fatal(err)
	}
	printed := map[string]bool{}
	for _, l := range []Launch{npxLaunch, {Command: "mystatus"}} {
		for _, c := range Clients {
			s, err := Snippet(c, Options{Home: "/h", ProjectDir: "/p", GOOS: "linux", Command: l.Command, Args: l.Args})
			if err != nil {
				t.Fatal(err)
			}
			printed[s.Text] = true
			if s.Plugin != "" {
				printed[s.Plugin] = true
			}
			if s.Shell != "" {
				printed[s.Shell+"\n"] = true
			}
		}
	}
	checked := 0
	for _, m := range fenceRE.FindAllStringSubmatch(string(doc), -1) {
		block := m[2]
		isEntry := m[1] == "json" && (strings.Contains(block, `"mystatus"`) || strings.Contains(block, `"plugin"`))
		isClaude := m[1] == "sh" && strings.HasPrefix(block, "claude mcp add")
		if !isEntry && !isClaude {
			continue // go install, make
		}
		checked++
		if !printed[block] {
			t.Errorf("%s holds a snippet init does not print:\n%s", filepath.Base(installDoc), block)
		}
	}
	if checked < 6 {
		t.Errorf("only %d snippets found in %s", checked, installDoc)
	}
}
