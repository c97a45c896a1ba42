package openai

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// The vendor CLI's login gets the CLI's own fix (run `codex`), in every
// language, naming its file; OpenCode's login keeps OpenCode's.
func TestVendorLoginSteps(t *testing.T) {
	home := filepath.FromSlash("/home/u")
	paths := auth.Paths{Home: home, XDGData: filepath.Join(home, ".local", "share"), XDGConfig: filepath.Join(home, ".config")}
	p := New(provider.Deps{Auth: auth.NewStore(paths)})
	d := p.Describe()
	for _, lang := range i18n.Languages {
		for _, k := range []quota.Kind{quota.KindTokenExpired, quota.KindUnauthorized} {
			cli := strings.Join(explain.For(i18n.New(lang), d, &quota.Error{Kind: k, Path: p.CodexPath()}, paths).Steps, "\n")
			if !strings.Contains(cli, "`codex") || !strings.Contains(cli, p.CodexPath()) {
				t.Errorf("%s %s, %s's login: steps %q", lang, k, "codex", cli)
			}
			oc := strings.Join(explain.For(i18n.New(lang), d, &quota.Error{Kind: k, Path: paths.OpenCodeAuth()}, paths).Steps, "\n")
			if strings.Contains(oc, "`codex") {
				t.Errorf("%s %s, OpenCode's login: steps %q name codex", lang, k, oc)
			}
		}
	}
}
