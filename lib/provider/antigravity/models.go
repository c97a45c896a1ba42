package antigravity

import (
	"cmp"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// Model family names, in display order. Product names are shown verbatim
// like upstream model names; the two names mystatus composes itself carry
// a catalog id (Window.NameID) so that they are translated.
const (
	famGeminiPro   = "Gemini Pro"
	famGeminiFlash = "Gemini Flash"
	famGeminiImage = "Gemini Image"
	famClaudeGPT   = "Claude and GPT"
	famOther       = "Other"
)

// Catalog ids of the family names mystatus gives.
const (
	NameClaudeGPT = "antigravity.family.claude_gpt"
	NameOther     = "antigravity.family.other"
)

var familyOrder = []string{famGeminiPro, famGeminiFlash, famGeminiImage, famClaudeGPT, famOther}

// familyNameID is the catalog id of a family name, "" for product names.
func familyNameID(fam string) string {
	switch fam {
	case famClaudeGPT:
		return NameClaudeGPT
	case famOther:
		return NameOther
	}
	return ""
}

// family classifies a model by its id and display name. GPT models share
// Claude's quota pool, as Google groups them ("Claude and GPT models").
func family(id, display string) string {
	s := strings.ToLower(id + " " + display)
	lid := strings.ToLower(id)
	switch {
	case strings.Contains(s, "claude"), strings.HasPrefix(lid, "gpt"), strings.Contains(s, "gpt-"):
		return famClaudeGPT
	case strings.Contains(s, "image") && (strings.Contains(s, "gemini") || strings.HasPrefix(lid, "image")):
		return famGeminiImage
	case strings.Contains(s, "gemini") && strings.Contains(s, "flash"):
		return famGeminiFlash
	case strings.Contains(s, "gemini"):
		return famGeminiPro
	}
	return famOther
}

// internalModel reports ids of models no user picks: chat and tab
// completion helpers ("chat_20706", "tab_flash_lite_preview").
func internalModel(id string) bool {
	l := strings.ToLower(id)
	return strings.HasPrefix(l, "chat_") || strings.HasPrefix(l, "tab_")
}

// agentModels is the set of model ids the response's agentModelSorts
// groups list (the models Antigravity's own picker offers); nil when the
// body has none.
func agentModels(root gjson.Result) map[string]bool {
	var set map[string]bool
	for _, sort := range root.Get("agentModelSorts").Array() {
		for _, g := range sort.Get("groups").Array() {
			for _, id := range g.Get("modelIds").Array() {
				if id.Type == gjson.String && id.Str != "" {
					if set == nil {
						set = map[string]bool{}
					}
					set[strings.TrimPrefix(id.Str, "models/")] = true
				}
			}
		}
	}
	return set
}

// parseModels reads a fetchAvailableModels body into one compact window
// per model family, in family order. Only models a user can pick count:
// those agentModelSorts lists, or without it every model of a known
// family that is not an internal helper. Internal models (often listed
// with a fraction of 0) therefore never warn.
func parseModels(body []byte) ([]quota.Window, error) {
	if err := google.CheckBody(body); err != nil {
		return nil, err
	}
	root := google.Unwrap(gjson.ParseBytes(body), "models")
	models := root.Get("models")
	if !models.IsObject() {
		return nil, google.ErrShape
	}
	picker := agentModels(root)
	if picker != nil {
		// A picker naming none of the listed models says nothing usable.
		listed := false
		models.ForEach(func(k, _ gjson.Result) bool {
			listed = picker[k.String()]
			return !listed
		})
		if !listed {
			picker = nil
		}
	}
	type agg struct {
		data  bool
		frac  float64
		reset time.Time
	}
	fams := map[string]*agg{}
	models.ForEach(func(k, v gjson.Result) bool {
		id := k.String()
		fam := family(id, v.Get("displayName").String())
		if picker != nil {
			if !picker[id] {
				return true
			}
		} else if internalModel(id) || fam == famOther {
			return true
		}
		frac, reset, ok := google.Figure(v.Get("quotaInfo"))
		a := fams[fam]
		if a == nil {
			a = &agg{frac: 1}
			fams[fam] = a
		}
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
		if a == nil {
			continue
		}
		w := quota.Window{Kind: quota.KindModel, Name: name, NameID: familyNameID(name), Compact: true}
		if a.data {
			w.UsedPct = google.UsedPct(a.frac)
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

// bucketGroup names the pool of a known summary bucket id: the Gemini
// pool keeps the product name, the third-party pool gets a catalog id.
func bucketGroup(id string) (name, nameID string, known bool) {
	switch {
	case strings.HasPrefix(id, "gemini-"):
		return "Gemini", "", true
	case strings.HasPrefix(id, "3p-"):
		return famClaudeGPT, NameClaudeGPT, true
	}
	return "", "", false
}

// parseSummary reads a retrieveUserQuotaSummary body (bare or wrapped in
// "response") into one compact window per bucket, in upstream order.
func parseSummary(body []byte) ([]quota.Window, error) {
	if err := google.CheckBody(body); err != nil {
		return nil, err
	}
	root := google.Unwrap(gjson.ParseBytes(body), "groups")
	if !root.IsObject() {
		return nil, google.ErrShape
	}
	groups := root.Get("groups")
	if groups.Exists() && !groups.IsArray() {
		return nil, google.ErrShape
	}
	var out []quota.Window
	for _, g := range groups.Array() {
		for _, b := range g.Get("buckets").Array() {
			if !b.IsObject() {
				continue
			}
			win := b.Get("window").String()
			id := b.Get("bucketId").String()
			period := bucketPeriod(win)
			if period == 0 {
				period = bucketPeriod(id[strings.LastIndexByte(id, '-')+1:])
			}
			// With a known period the renderer adds it to the label, so
			// the pool name alone avoids "Gemini 5-hour (5-hour)".
			gn := strings.TrimSpace(g.Get("displayName").String())
			name, nameID, known := bucketGroup(id)
			switch {
			case known && period > 0:
			case period > 0 && gn != "":
				name = gn
			default:
				name = b.Get("displayName").String()
				if name == "" && gn != "" {
					name = strings.TrimSpace(gn + " " + win)
				}
				if name == "" {
					name = id
				}
				if name == "" {
					name = win
				}
				nameID = ""
			}
			if name == "" {
				continue
			}
			w := quota.Window{Kind: quota.KindModel, Name: name, NameID: nameID, Period: period, Compact: true}
			if frac, reset, ok := google.Figure(b); ok {
				w.UsedPct = google.UsedPct(frac)
				w.ResetAt = reset
			} else if rem := b.Get("remaining"); rem.IsObject() {
				// Seen from the local language server: {"remaining": {"remainingFraction": …}}.
				if frac, reset, ok := google.Figure(rem); ok {
					w.UsedPct = google.UsedPct(frac)
					w.ResetAt = cmp.Or(reset, google.ParseTime(b.Get("resetTime")))
				} else {
					w.NoData = true
				}
			} else {
				w.NoData = true
			}
			out = append(out, w)
		}
	}
	return out, nil
}
