package antigravity

import (
	"errors"
	"math"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// Model family names, in display order. They are shown verbatim like
// upstream model names.
const (
	famGeminiPro   = "Gemini Pro"
	famGeminiFlash = "Gemini Flash"
	famGeminiImage = "Gemini Image"
	famClaude      = "Claude"
	famOther       = "Other"
)

var familyOrder = []string{famGeminiPro, famGeminiFlash, famGeminiImage, famClaude, famOther}

// errShape reports a body that is JSON but not the expected shape.
var errShape = errors.New("unexpected response shape")

// family classifies a model by its id and display name.
func family(id, display string) string {
	s := strings.ToLower(id + " " + display)
	lid := strings.ToLower(id)
	switch {
	case strings.Contains(s, "claude"):
		return famClaude
	case strings.Contains(s, "image") && (strings.Contains(s, "gemini") || strings.HasPrefix(lid, "image")):
		return famGeminiImage
	case strings.Contains(s, "gemini") && strings.Contains(s, "flash"):
		return famGeminiFlash
	case strings.Contains(s, "gemini"):
		return famGeminiPro
	}
	return famOther
}

// quotaFigure reads a quotaInfo-like object: the remaining fraction
// (clamped to 0..1; proto3 JSON omits a zero, so a reset time without a
// fraction means nothing is left) and the reset time. ok is false when the
// object carries neither, i.e. there is no data.
func quotaFigure(q gjson.Result) (frac float64, reset time.Time, ok bool) {
	if !q.IsObject() {
		return 0, time.Time{}, false
	}
	reset = parseTime(q.Get("resetTime"))
	f, hasFrac := jsonval.Number(q.Get("remainingFraction"))
	if !hasFrac && reset.IsZero() {
		return 0, time.Time{}, false
	}
	return min(max(f, 0), 1), reset, true
}

func parseTime(r gjson.Result) time.Time {
	if r.Type != gjson.String {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, r.Str)
	if err != nil {
		return time.Time{}
	}
	return t
}

// usedPct turns a remaining fraction into a used percentage, rounded to
// remove float noise (1-0.6 is not 0.4).
func usedPct(frac float64) float64 {
	return math.Round((1-frac)*100*1e6) / 1e6
}

// parseModels reads a fetchAvailableModels body into one compact window
// per model family, in family order.
func parseModels(body []byte) ([]quota.Window, error) {
	if !gjson.ValidBytes(body) {
		return nil, errShape
	}
	models := gjson.GetBytes(body, "models")
	if !models.IsObject() {
		return nil, errShape
	}
	type agg struct {
		seen, data bool
		frac       float64
		reset      time.Time
	}
	fams := map[string]*agg{}
	models.ForEach(func(k, v gjson.Result) bool {
		id := k.String()
		fam := family(id, v.Get("displayName").String())
		frac, reset, ok := quotaFigure(v.Get("quotaInfo"))
		// Internal ids ("chat_*", "tab_*", experiments) without quota
		// are not models a user picks.
		if !ok && fam == famOther && !strings.HasPrefix(strings.ToLower(id), "gpt") {
			return true
		}
		a := fams[fam]
		if a == nil {
			a = &agg{frac: 1}
			fams[fam] = a
		}
		a.seen = true
		if ok {
			a.data = true
			a.frac = min(a.frac, frac)
			if !reset.IsZero() && (a.reset.IsZero() || reset.Before(a.reset)) {
				a.reset = reset
			}
		}
		return true
	})
	var out []quota.Window
	for _, name := range familyOrder {
		a := fams[name]
		if a == nil || !a.seen {
			continue
		}
		w := quota.Window{Kind: quota.KindModel, Name: name, Compact: true}
		if a.data {
			w.UsedPct = usedPct(a.frac)
			w.ResetAt = a.reset
		} else {
			w.NoData = true
		}
		out = append(out, w)
	}
	return out, nil
}

// bucketPeriod reads a summary bucket window ("5h", "weekly").
func bucketPeriod(s string) time.Duration {
	switch strings.ToLower(s) {
	case "weekly", "week", "7d":
		return 7 * 24 * time.Hour
	case "daily", "day":
		return 24 * time.Hour
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d
	}
	return 0
}

// parseSummary reads a retrieveUserQuotaSummary body into one compact
// window per bucket, in upstream order.
func parseSummary(body []byte) ([]quota.Window, error) {
	if !gjson.ValidBytes(body) {
		return nil, errShape
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return nil, errShape
	}
	groups := root.Get("groups")
	if groups.Exists() && !groups.IsArray() {
		return nil, errShape
	}
	var out []quota.Window
	for _, g := range groups.Array() {
		for _, b := range g.Get("buckets").Array() {
			if !b.IsObject() {
				continue
			}
			win := b.Get("window").String()
			period := bucketPeriod(win)
			// With a known period the renderer adds it to the label, so
			// the group name alone avoids "Gemini 5-hour (5-hour)".
			gn := g.Get("displayName").String()
			name := b.Get("displayName").String()
			if period > 0 && gn != "" {
				name = gn
			} else if name == "" && gn != "" {
				name = strings.TrimSpace(gn + " " + win)
			}
			if name == "" {
				name = b.Get("bucketId").String()
			}
			if name == "" {
				name = win
			}
			w := quota.Window{Kind: quota.KindModel, Name: name, Period: period, Compact: true}
			if frac, reset, ok := quotaFigure(b); ok {
				w.UsedPct = usedPct(frac)
				w.ResetAt = reset
			} else {
				w.NoData = true
			}
			out = append(out, w)
		}
	}
	return out, nil
}

// parsePlan reads the tier name from a loadCodeAssist body: the paid tier
// wins over the current one.
func parsePlan(body []byte) string {
	if !gjson.ValidBytes(body) {
		return ""
	}
	for _, p := range []string{"paidTier.name", "paidTier.id", "currentTier.name", "currentTier.id"} {
		if s := strings.TrimSpace(gjson.GetBytes(body, p).String()); s != "" {
			return s
		}
	}
	return ""
}
