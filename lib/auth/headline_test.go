package auth_test

import (
	"strings"
	"testing"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestHeadlines: each cause of an unreadable file is headlined for what
// it is, in every language, with its own meaning and steps.
func TestHeadlines(t *testing.T) {
	paths := auth.PathsFromEnv(func(k string) string {
		if k == "HOME" {
			return "/home/u"
		}
		return ""
	})
	path := paths.OpenCodeAuth()
	want := map[string]map[string]string{ // code -> language -> a word of the title
		auth.CodeTooLarge:   {"en": "too large", "fr": "trop volumineux", "zh": "过大"},
		auth.CodeNotRegular: {"en": "not a regular file", "fr": "pas un fichier ordinaire", "zh": "不是普通文件"},
		auth.CodePermission: {"en": "permission denied", "fr": "accès refusé", "zh": "权限不足"},
	}
	for code, titles := range want {
		for _, lang := range i18n.Languages {
			loc := i18n.New(lang)
			x := explain.For(loc, provider.Description{ID: "openai"}, &quota.Error{Kind: quota.KindFileUnreadable, Code: code, Path: path}, paths)
			if !strings.Contains(x.Title, titles[lang]) {
				t.Errorf("%s/%s: title %q lacks %q", code, lang, x.Title, titles[lang])
			}
			if code != auth.CodePermission && (strings.Contains(x.Title, "permission") || strings.Contains(x.Title, "refusé") || strings.Contains(x.Title, "权限")) {
				t.Errorf("%s/%s: headlined as a permission problem: %q", code, lang, x.Title)
			}
			if !strings.Contains(x.Meaning, path) || len(x.Steps) < 2 || !strings.Contains(strings.Join(x.Steps, "\n"), path) {
				t.Errorf("%s/%s: meaning %q steps %q", code, lang, x.Meaning, x.Steps)
			}
		}
	}
}
