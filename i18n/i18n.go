// Package i18n holds the embedded message catalogs (active.en.json,
// active.zh.json, active.fr.json) and the language detection rules.
//
// The bundle is loaded once at start-up and only read afterwards. [T]
// never panics: a message missing in a language falls back to English,
// and a message missing everywhere renders as its ID.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.json
var catalogs embed.FS

// Languages are the supported languages, one per embedded catalog
// active.<lang>.json; English, the default, comes first. Adding a catalog
// file adds a language: no code change.
var Languages = discover()

func discover() []string {
	names, _ := fs.Glob(catalogs, "active.*.json")
	langs := []string{"en"}
	for _, n := range names {
		l := strings.TrimSuffix(strings.TrimPrefix(n, "active."), ".json")
		if l != "en" {
			langs = append(langs, l)
		}
	}
	sort.Strings(langs[1:])
	return langs
}

var (
	bundle     *goi18n.Bundle
	matcher    language.Matcher
	englishIDs map[string]bool
	loadErr    error
	locMu      sync.Mutex
	localizers = map[string]*Localizer{}
)

func init() {
	bundle = goi18n.NewBundle(language.English)
	tags := make([]language.Tag, 0, len(Languages))
	for _, l := range Languages {
		mf, err := bundle.LoadMessageFileFS(catalogs, "active."+l+".json")
		if err != nil {
			loadErr = fmt.Errorf("i18n: catalog %s: %w", l, err)
			continue
		}
		if l == "en" {
			englishIDs = make(map[string]bool, len(mf.Messages))
			for _, m := range mf.Messages {
				englishIDs[m.ID] = true
			}
		}
		tags = append(tags, language.Make(l))
	}
	matcher = language.NewMatcher(tags)
}

// LoadError reports a catalog that failed to load (tests assert it is nil).
func LoadError() error { return loadErr }

// IDs returns every message ID of the English catalog, sorted.
func IDs() []string {
	ids := make([]string, 0, len(englishIDs))
	for id := range englishIDs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Has reports whether the catalogs define id.
func Has(id string) bool { return englishIDs[id] }

// Localizer renders messages in one language. Localizers are shared and
// safe for concurrent use.
type Localizer struct {
	lang string
	loc  *goi18n.Localizer
}

// New returns the localizer for lang (any BCP 47 or POSIX form; an
// unsupported language gives English).
func New(lang string) *Localizer {
	l := Match(lang)
	locMu.Lock()
	defer locMu.Unlock()
	if loc, ok := localizers[l]; ok {
		return loc
	}
	loc := &Localizer{lang: l, loc: goi18n.NewLocalizer(bundle, l)}
	localizers[l] = loc
	return loc
}

// Lang returns the language code: "en", "zh" or "fr".
func (l *Localizer) Lang() string { return l.lang }

// T renders message id with data. It never fails: a missing translation
// falls back to English and a missing message renders as its ID.
func (l *Localizer) T(id string, data map[string]any) string {
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if s == "" && err != nil {
		return id
	}
	return s
}

// N renders the plural message id for count (an int, or a decimal number
// formatted as a string). data may be nil; templates see {{.Count}}.
func (l *Localizer) N(id string, count any, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	if _, ok := data["Count"]; !ok {
		data["Count"] = count
	}
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if s == "" && err != nil {
		return id
	}
	return s
}

// Match maps a language preference to a supported language code.
func Match(pref string) string {
	n := Normalize(pref)
	if n == "" {
		return Languages[0]
	}
	tag, err := language.Parse(n)
	if err != nil {
		return Languages[0]
	}
	_, idx, conf := matcher.Match(tag)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

// Normalize turns a POSIX locale ("zh_CN.UTF-8", "fr_FR@euro") into a BCP
// 47 tag ("zh-CN", "fr-FR"). "C", "POSIX" and "" give "".
func Normalize(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, ".@"); i >= 0 {
		v = v[:i]
	}
	if v == "" || v == "C" || v == "POSIX" {
		return ""
	}
	return strings.ReplaceAll(v, "_", "-")
}

// Detect chooses the language: the explicit value (a flag or request
// argument), then MYSTATUS_LANG, then LC_ALL, LC_MESSAGES, LANG and
// LANGUAGE (its first entry), then English. The first non-empty,
// non-"C" value decides.
func Detect(explicit string, getenv func(string) string) string {
	if Normalize(explicit) != "" {
		return Match(explicit)
	}
	for _, name := range []string{"MYSTATUS_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		v := getenv(name)
		if name == "LANGUAGE" {
			v, _, _ = strings.Cut(v, ":")
		}
		if Normalize(v) != "" {
			return Match(v)
		}
	}
	return Languages[0]
}
