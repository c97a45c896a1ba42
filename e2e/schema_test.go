package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
)

// TestJSONOutputMatchesSchema validates `mystatus --json` (the demo, every
// platform and a failure; and the empty report) against the committed
// JSON Schema in every language.
func TestJSONOutputMatchesSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "lib", "render", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema jsonschema.Schema
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	resolved, err := schema.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join("..", "lib", "render", "report.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ex any
	if err := json.Unmarshal(example, &ex); err != nil {
		t.Fatal(err)
	}
	if err := resolved.Validate(ex); err != nil {
		t.Errorf("report.example.json does not match the schema: %v", err)
	}
	for _, lang := range []string{"en", "zh", "fr"} {
		for _, args := range [][]string{{"demo", "--json"}, {"--json"}} {
			f := newFixture(t, false, lang)
			cmd := exec.Command(bin, args...)
			cmd.Env = f.env
			out, _ := cmd.Output() // the demo exits 1: one fake platform fails on purpose
			var doc any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("%s %v: not JSON: %v\n%s", lang, args, err, out)
			}
			if err := resolved.Validate(doc); err != nil {
				t.Errorf("%s %v: does not match report.schema.json: %v", lang, args, err)
			}
		}
	}
}
