package setup

import (
	"path/filepath"
	"strings"
)

// Launch is how an editor starts mystatus: Command, then Args, then "serve".
type Launch struct {
	Command string
	Args    []string
}

// npxLaunch runs the npm package: what a user who has mystatus from npm has.
var npxLaunch = Launch{Command: "npx", Args: []string{"-y", "@mystatus/cli"}}

// DetectLaunch decides what init writes from the path of the running
// binary (os.Executable):
//   - inside an npm package (node_modules/@mystatus/cli-<os>-<cpu>, also
//     npx's cache): the npx form, which keeps working across updates;
//   - inside Go's build cache (`go run`, a path that disappears): plain
//     "mystatus" when one is on PATH (lookPath), else an error with the
//     install step;
//   - otherwise that absolute path, since GUI editors often lack the
//     user's PATH.
func DetectLaunch(exe string, client Client, lookPath func(string) (string, error)) (Launch, error) {
	slash := filepath.ToSlash(exe)
	if strings.Contains(slash, "/node_modules/@mystatus/cli-") {
		return npxLaunch, nil
	}
	if inBuildCache(slash) {
		if p, err := lookPath("mystatus"); err == nil && !inBuildCache(filepath.ToSlash(p)) {
			return Launch{Command: "mystatus"}, nil
		}
		return Launch{}, &Error{Kind: ErrGoRun, Path: exe, Client: client}
	}
	return Launch{Command: exe}, nil
}

// inBuildCache: `go run` links into a go-build* directory of the temporary
// directory (or GOTMPDIR), and since Go 1.24 keeps the executable in the
// build cache, GOCACHE/<2 hex>/<64 hex>-d/<name>; GOCACHE is
// ~/.cache/go-build by default but may be any directory (CI sets it), so
// the entry's shape is what tells.
func inBuildCache(slash string) bool {
	els := strings.Split(slash, "/")
	for i, el := range els {
		if strings.HasPrefix(el, "go-build") {
			return true
		}
		if i > 0 && i < len(els)-1 && len(els[i-1]) == 2 && isHex(els[i-1]) &&
			len(el) == 66 && strings.HasSuffix(el, "-d") && isHex(el[:64]) {
			return true
		}
	}
	return false
}

// isHex reports whether s is lowercase hexadecimal, as the cache names
// its entries.
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return s != ""
}
