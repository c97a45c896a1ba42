package setup

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestDetectLaunch(t *testing.T) {
	onPath := func(string) (string, error) { return "/usr/local/bin/mystatus", nil }
	nowhere := func(string) (string, error) { return "", errors.New("not found") }
	tests := []struct {
		name, exe string
		look      func(string) (string, error)
		want      Launch
		goRun     bool
	}{
		{"release binary", "/usr/local/bin/mystatus", nowhere, Launch{Command: "/usr/local/bin/mystatus"}, false},
		{"npm install", "/home/u/proj/node_modules/@mystatus/cli-linux-x64/bin/mystatus", nowhere, npxLaunch, false},
		{"npx cache", "/home/u/.npm/_npx/1a2b/node_modules/@mystatus/cli-darwin-arm64/bin/mystatus", nowhere, npxLaunch, false},
		{"npm on windows", `C:\Users\u\AppData\Local\npm-cache\_npx\1\node_modules\@mystatus\cli-win32-x64\bin\mystatus.exe`, nowhere, npxLaunch, false},
		{"go run, installed too", "/tmp/go-build123/b001/exe/mystatus", onPath, Launch{Command: "mystatus"}, false},
		{"go run, not installed", "/tmp/go-build123/b001/exe/mystatus", nowhere, Launch{}, true},
		{"go run, PATH names another build", "/tmp/go-build1/b001/exe/mystatus", func(string) (string, error) { return "/tmp/go-build2/b001/exe/mystatus", nil }, Launch{}, true},
		// Go 1.24+: go run's executable stays in the build cache, which
		// GOCACHE may put anywhere (here /ci/cache).
		{"go run, cached, custom GOCACHE", "/ci/cache/a7/a706004c822817230cbb416b90503c8ae6efb95e218ce914248bf5891409b26f-d/mystatus", onPath, Launch{Command: "mystatus"}, false},
		{"go run, cached, not installed", "/ci/cache/a7/a706004c822817230cbb416b90503c8ae6efb95e218ce914248bf5891409b26f-d/mystatus", nowhere, Launch{}, true},
		{"go run, cached, default GOCACHE", "/home/u/.cache/go-build/a7/a706004c822817230cbb416b90503c8ae6efb95e218ce914248bf5891409b26f-d/mystatus", onPath, Launch{Command: "mystatus"}, false},
		{"go run, cached on windows", `C:\ci\cache\a7\a706004c822817230cbb416b90503c8ae6efb95e218ce914248bf5891409b26f-d\mystatus.exe`, nowhere, Launch{}, true},
		{"hex-named folders are not the cache", "/opt/a7/a706004c822817230cbb416b90503c8ae6efb95e218ce914248bf5891409b26f/mystatus", nowhere, Launch{Command: "/opt/a7/a706004c822817230cbb416b90503c8ae6efb95e218ce914248bf5891409b26f/mystatus"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exe := tt.exe
			if strings.Contains(exe, `\`) && runtime.GOOS != "windows" {
				exe = strings.ReplaceAll(exe, `\`, "/") // filepath.ToSlash only converts the host's separator
			}
			got, err := DetectLaunch(exe, OpenCode, tt.look)
			var e *Error
			if tt.goRun {
				if !errors.As(err, &e) || e.Kind != ErrGoRun || e.Path != exe {
					t.Fatalf("error %v, want the go run refusal", err)
				}
				if !strings.Contains(err.Error(), "go install github.com/mystatus/mystatus@latest") {
					t.Errorf("no install step in %q", err)
				}
				return
			}
			if err != nil || got.Command != tt.want.Command || !slices.Equal(got.Args, tt.want.Args) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// The npx form reaches every client's snippet as the command and its
// arguments before serve.
func TestSnippetNPX(t *testing.T) {
	opts := testOptions(t.TempDir())
	opts.Command, opts.Args, opts.Lang = npxLaunch.Command, npxLaunch.Args, ""
	want := map[Client]string{
		OpenCode: `"command": ["npx", "-y", "@mystatus/cli", "serve"]`,
		Claude:   `"args": ["-y", "@mystatus/cli", "serve"]`,
		VSCode:   `"args": ["-y", "@mystatus/cli", "serve"]`,
		Zed:      `"args": ["-y", "@mystatus/cli", "serve"]`,
	}
	for c, w := range want {
		s, err := Snippet(c, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(s.Text, w) {
			t.Errorf("%s snippet lacks %s:\n%s", c, w, s.Text)
		}
	}
	s, _ := Snippet(Claude, opts)
	if s.Shell != "claude mcp add mystatus -- npx -y @mystatus/cli serve" {
		t.Errorf("claude command line %q", s.Shell)
	}
	// Native Windows: Claude Code needs cmd /c to start npx.
	opts.GOOS = "windows"
	s, _ = Snippet(Claude, opts)
	if s.Shell != "claude mcp add mystatus -- cmd /c npx -y @mystatus/cli serve" || !strings.Contains(s.Text, `"command": "cmd",`) ||
		!strings.Contains(s.Text, `"args": ["/c", "npx", "-y", "@mystatus/cli", "serve"]`) {
		t.Errorf("windows claude snippet:\n%s\n%s", s.Shell, s.Text)
	}
}
