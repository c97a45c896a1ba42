package geminicli

import (
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// vertexSuffix marks the Vertex AI twin of a model in retrieveUserQuota
// answers ("gemini-2.5-pro_vertex"); it shares the model's quota, so it
// is folded into the model's row.
const vertexSuffix = "_vertex"

// parseQuota reads a retrieveUserQuota answer ({"buckets": [{modelId,
// tokenType, remainingFraction, remainingAmount, resetTime}]}, bare or
// wrapped in "response") into one compact window per model, in the order
// the models first appear. A model with several buckets (a REQUESTS and a
// TOKENS one, INPUT and OUTPUT, its Vertex twin) shows the one with the
// least left: that is the limit that stops the user first. A model whose
// buckets carry no figure is shown as "no data", never as 100 %.
func parseQuota(body []byte) ([]quota.Window, error) {
	if err := google.CheckBody(body); err != nil {
		return nil, err
	}
	root := google.Unwrap(gjson.ParseBytes(body), "buckets")
	if !root.IsObject() {
		return nil, google.ErrShape
	}
	buckets := root.Get("buckets")
	if buckets.Exists() && buckets.Type != gjson.Null && !buckets.IsArray() {
		return nil, google.ErrShape
	}
	type agg struct {
		name  string
		data  bool
		frac  float64
		reset time.Time
	}
	var order []*agg
	byModel := map[string]*agg{}
	for _, b := range buckets.Array() {
		if !b.IsObject() {
			continue
		}
		id := strings.TrimSuffix(strings.TrimPrefix(google.Str(b.Get("modelId")), "models/"), vertexSuffix)
		name := quota.CleanName(id)
		if name == "" {
			continue
		}
		a := byModel[name]
		if a == nil {
			a = &agg{name: name, frac: 1}
			byModel[name] = a
			order = append(order, a)
		}
		frac, reset, ok := google.Figure(b)
		switch {
		case !ok:
		case !a.data || frac < a.frac:
			a.data, a.frac, a.reset = true, frac, reset
		case frac == a.frac && !reset.IsZero() && (a.reset.IsZero() || reset.Before(a.reset)):
			a.reset = reset
		}
	}
	out := make([]quota.Window, 0, len(order))
	for _, a := range order {
		w := quota.Window{Kind: quota.KindModel, Name: a.name, Compact: true}
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
