// Package i18n holds the embedded message catalogs (active.en.json,
// active.zh.json, active.fr.json) and the language detection rules.
//
// A language's catalog is parsed once, on first use (English, the
// fallback, in the background from start-up on), and only read
// afterwards; a localizer remembers the messages it rendered. [T] never
// panics: a message missing in a language falls back to English, and a
// message missing everywhere renders as its ID.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/tidwall/gjson"
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
	matcher    = newMatcher()
	locMu      sync.Mutex
	localizers = map[string]*Localizer{}

	// Catalogs are parsed on first use, English plus the one language
	// asked for: parsing every catalog at start-up would cost more than
	// the rest of the program's initialisation.
	englishOnce sync.Once
	englishMsgs []*goi18n.Message
	englishIDs  map[string]bool
	englishErr  error
)

func newMatcher() language.Matcher {
	tags := make([]language.Tag, 0, len(Languages))
	for _, l := range Languages {
		tags = append(tags, language.Make(l))
	}
	return language.NewMatcher(tags)
}

// english parses the English catalog once.
func english() ([]*goi18n.Message, error) {
	englishOnce.Do(func() {
		englishMsgs, englishErr = parseCatalog("en")
		englishIDs = make(map[string]bool, len(englishMsgs))
		for _, m := range englishMsgs {
			englishIDs[m.ID] = true
		}
	})
	return englishMsgs, englishErr
}

// parseCatalog reads active.<lang>.json (go-i18n's nested JSON format: an
// object of plural forms per id) into messages. It walks the file with
// gjson rather than go-i18n's ParseMessageFileBytes, which decodes into
// generic maps first: the catalogs are parsed on every start (the host's
// first reply waits on them), and this takes about a third of the time.
func parseCatalog(lang string) ([]*goi18n.Message, error) {
	data, err := catalogs.ReadFile("active." + lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("i18n: catalog %s: %w", lang, err)
	}
	root := gjson.ParseBytes(data)
	if !root.IsObject() || !gjson.ValidBytes(data) {
		return nil, fmt.Errorf("i18n: catalog %s: not a JSON object", lang)
	}
	var msgs []*goi18n.Message
	var bad error
	root.ForEach(func(id, v gjson.Result) bool {
		if !v.IsObject() {
			bad = fmt.Errorf("i18n: catalog %s: message %s is not an object of plural forms", lang, id.Str)
			return false
		}
		m := &goi18n.Message{ID: id.Str}
		v.ForEach(func(form, text gjson.Result) bool {
			switch form.Str {
			case "description":
				m.Description = text.Str
			case "zero":
				m.Zero = text.Str
			case "one":
				m.One = text.Str
			case "two":
				m.Two = text.Str
			case "few":
				m.Few = text.Str
			case "many":
				m.Many = text.Str
			case "other":
				m.Other = text.Str
			default:
				bad = fmt.Errorf("i18n: catalog %s: message %s has an unknown form %q", lang, id.Str, form.Str)
				return false
			}
			return true
		})
		msgs = append(msgs, m)
		return bad == nil
	})
	return msgs, bad
}

// bundleFor builds the read-only bundle of one language: English (the
// fallback) plus that language's catalog.
func bundleFor(lang string) (*goi18n.Bundle, error) {
	b := goi18n.NewBundle(language.English)
	en, err := english()
	if err != nil {
		return b, err
	}
	if err := b.AddMessages(language.English, en...); err != nil {
		return b, err
	}
	if lang != "en" {
		msgs, err := parseCatalog(lang)
		if err != nil {
			return b, err
		}
		if err := b.AddMessages(language.Make(lang), msgs...); err != nil {
			return b, fmt.Errorf("i18n: catalog %s: %w", lang, err)
		}
	}
	return b, nil
}

// Has reports whether the catalogs define id.
func Has(id string) bool {
	english()
	return englishIDs[id]
}

// Localizer renders messages in one language. Localizers are shared and
// safe for concurrent use.
type Localizer struct {
	lang string
	loc  *goi18n.Localizer

	// memo keeps rendered messages by id, count and template data:
	// go-i18n matches the language and executes a text/template on every
	// call (about 1.5 µs and 9 allocations), and a report of 500 accounts
	// renders the same countdowns and labels thousands of times.
	memo remembered
}

// remembered is a bounded map of computed strings: emptied when it holds
// size entries, so it stays small whatever keys callers bring.
type remembered struct {
	mu   sync.RWMutex
	m    map[string]string
	size int
}

// recall returns the string remembered under key, or computes and
// remembers it. A []byte key is looked up without being copied.
func recall[K string | []byte](r *remembered, key K, compute func() string) string {
	r.mu.RLock()
	s, ok := r.m[string(key)]
	r.mu.RUnlock()
	if ok {
		return s
	}
	s = compute()
	r.mu.Lock()
	if r.m == nil || len(r.m) >= r.size {
		r.m = make(map[string]string, 64)
	}
	r.m[string(key)] = s
	r.mu.Unlock()
	return s
}

// memoSize bounds a localizer's memo; it is emptied when full, so a
// long-lived host keeps at most this many renderings per language.
const memoSize = 4096

// appendMemoKey appends the memo key of a message (kind tells T's from
// N's) to buf, or reports false when a data value is of a type the key does
// not encode (the message is then rendered afresh). The key is built in the
// caller's stack buffer: a lookup by string(key) allocates nothing, only a
// new entry copies it.
func appendMemoKey(buf []byte, kind, id string, count any, data map[string]any) ([]byte, bool) {
	buf = append(append(buf, kind...), id...)
	if count != nil {
		var ok bool
		if buf, ok = appendValue(buf, count); !ok {
			return nil, false
		}
	}
	if len(data) > 0 {
		var arr [8]string
		keys := arr[:0]
		for k := range data {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			var ok bool
			buf = append(append(buf, 0), k...)
			if buf, ok = appendValue(buf, data[k]); !ok {
				return nil, false
			}
		}
	}
	return buf, true
}

// appendValue appends v, tagged with its type (a template may treat 1 and
// "1" differently), for the types messages are given.
func appendValue(buf []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return append(append(buf, "\x01s"...), v...), true
	case int:
		return strconv.AppendInt(append(buf, "\x01i"...), int64(v), 10), true
	case int64:
		return strconv.AppendInt(append(buf, "\x01l"...), v, 10), true
	}
	return buf, false
}

// memoized returns the rendering remembered under key, or renders and
// remembers it; with keyed false it only renders.
func memoized[K string | []byte](l *Localizer, key K, keyed bool, render func() string) string {
	if !keyed {
		return render()
	}
	return recall(&l.memo, key, render)
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
	// A broken catalog still gives a localizer: messages fall back to
	// English or to their IDs, and the catalog tests report the error.
	b, _ := bundleFor(l)
	loc := &Localizer{lang: l, loc: goi18n.NewLocalizer(b, l), memo: remembered{size: memoSize}}
	localizers[l] = loc
	return loc
}

// Lang returns the language code: "en", "zh" or "fr".
func (l *Localizer) Lang() string { return l.lang }

// T renders message id with data. It never fails: a missing translation
// falls back to English and a missing message renders as its ID.
func (l *Localizer) T(id string, data map[string]any) string {
	if len(data) == 0 {
		// ids hold no control bytes, unlike composed keys
		return memoized(l, id, true, func() string { return l.t(id, data) })
	}
	var buf [128]byte
	key, ok := appendMemoKey(buf[:0], "", id, nil, data)
	return memoized(l, key, ok, func() string { return l.t(id, data) })
}

func (l *Localizer) t(id string, data map[string]any) string {
	data, marked := l.markName(data)
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if s == "" && err != nil {
		return id
	}
	if marked {
		s = spaceName(s)
	}
	return s
}

// Chinese puts a space between Han characters and Latin words but none
// between Han characters, so whether a message wants a space beside
// {{.Platform}} depends on the name: "保存的 OpenAI 访问令牌" but
// "保存的智谱访问令牌". The catalogs write the placeholder with a space
// after it and none before; T marks the name with two private-use runes
// and spaceName settles both sides once the name is known.
const (
	nameStart = '\ue000'
	nameEnd   = '\ue001'
)

// markName returns data with its "Platform" name marked, for Chinese only.
func (l *Localizer) markName(data map[string]any) (map[string]any, bool) {
	if l.lang != "zh" {
		return data, false
	}
	name, ok := data["Platform"].(string)
	if !ok || name == "" {
		return data, false
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	out["Platform"] = string(nameStart) + name + string(nameEnd)
	return out, true
}

// spaceName removes the marks of a name, with a space on each side where
// Han meets Latin and none where Han meets Han.
func spaceName(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case nameStart, nameEnd:
			continue
		case ' ':
			prev, next := neighbour(rs, i, -1), neighbour(rs, i, +1)
			if marked(rs, i) && isCJK(prev) && isCJK(next) {
				continue // 智谱 访问 → 智谱访问
			}
		}
		b.WriteRune(r)
		// A Latin edge of the name beside Han text gets its space.
		if i+1 < len(rs) && (rs[i+1] == nameStart || rs[i+1] == nameEnd) {
			next := neighbour(rs, i, +1)
			if (isHan(r) && isLatin(next)) || (isLatin(r) && isHan(next)) {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// neighbour is the first rune from i in direction dir that is not a mark.
func neighbour(rs []rune, i, dir int) rune {
	for j := i + dir; j >= 0 && j < len(rs); j += dir {
		if rs[j] != nameStart && rs[j] != nameEnd {
			return rs[j]
		}
	}
	return 0
}

// marked reports whether the space at i touches a name mark.
func marked(rs []rune, i int) bool {
	return (i > 0 && (rs[i-1] == nameStart || rs[i-1] == nameEnd)) ||
		(i+1 < len(rs) && (rs[i+1] == nameStart || rs[i+1] == nameEnd))
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isCJK is Han or CJK punctuation (full-width brackets, the ideographic
// comma and full stop): no space between any two of them.
func isCJK(r rune) bool {
	return isHan(r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

func isLatin(r rune) bool { return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// N renders the plural message id for count (an int, or a decimal number
// formatted as a string). data may be nil; templates see {{.Count}}.
func (l *Localizer) N(id string, count any, data map[string]any) string {
	var buf [128]byte
	key, ok := appendMemoKey(buf[:0], "\x02", id, count, data)
	return memoized(l, key, ok, func() string { return l.n(id, count, data) })
}

func (l *Localizer) n(id string, count any, data map[string]any) string {
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
	return recall(&matched, pref, func() string { return match(pref) })
}

// matched remembers Match's answers: parsing a BCP 47 tag and matching it
// costs ~2 µs and 11 allocations, and the host matches the same few
// preferences on every call. Bounded, since a client may send any string.
var matched = remembered{size: matchedSize}

const matchedSize = 256

func match(pref string) string {
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

// The English catalog, needed by every localizer (it is the fallback), is
// parsed in the background from package initialisation on: on a second
// core it overlaps the rest of the program's start.
func init() { go english() }
