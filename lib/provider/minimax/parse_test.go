package minimax

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mystatus/mystatus/internal/providertest"
	"github.com/mystatus/mystatus/lib/quota"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC)

func num(v float64) *float64 { return &v }

// pct computes at run time, as the parser does.
func pct(used, total float64) float64 { return used / total * 100 }

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

func model(name string, p time.Duration) quota.Window {
	return quota.Window{Kind: quota.KindModel, Name: name, NameID: bucketNames[name], Period: p, Unit: "requests"}
}

// with sets a window's figures.
func with(w quota.Window, usedPct float64, used, limit *float64, reset time.Time) quota.Window {
	w.UsedPct, w.Used, w.Limit, w.ResetAt = usedPct, used, limit, reset
	return w
}

func TestParseRemains(t *testing.T) {
	tests := []struct {
		file      string
		tokenPlan bool // the Token Plan path answered
		plan      string
		want      []quota.Window
		kind      quota.Kind
		code      string
	}{
		// Real bodies (see testdata/SOURCES.md).
		// "general" lists zeros (outside the counted plan): only video shows.
		{file: "remains_general_video_opencode_quota.json", want: []quota.Window{
			with(model("video", interval), 0, num(0), num(3), now.Add(ms(27225512))),
		}},
		// Counts of what is left: 93 of 100 left is 7 used; a daily window
		// read from start/end; the body's end times are months away from the
		// test clock, so the countdowns give the resets.
		{file: "remains_music_cover_mmx.json", want: []quota.Window{
			with(model("music-cover", 24*time.Hour), pct(7, 100), num(7), num(100), now.Add(ms(1327468))),
			with(model("music-cover", week), pct(7, 700), num(7), num(700), now.Add(ms(519727468))),
		}},
		{file: "remains_m_star_omc.json", want: []quota.Window{
			with(model("MiniMax-M*", interval), pct(5, 1500), num(5), num(1500), time.Time{}),
			with(model("MiniMax-M*", week), pct(470, 15000), num(470), num(15000), time.Time{}),
		}},
		// Percentages only.
		{file: "remains_video_percent_cn_mmx.json", want: []quota.Window{
			with(model("video", interval), 0, nil, nil, time.Time{}),
			with(model("video", week), 0, nil, nil, time.Time{}),
		}},
		// The Token Plan shape: under "data", percentages as strings, a title.
		{file: "token_plan_normal_codexbar.json", tokenPlan: true, plan: "Token Plan Plus", want: []quota.Window{
			with(model("general", interval), 4, nil, nil, time.Time{}),
			with(model("general", week), 1, nil, nil, time.Time{}),
		}},
		// Counts that agree with the percentage as "used" are read so.
		{file: "token_plan_missing_reset_codexbar.json", tokenPlan: true, plan: "Token Plan Plus", want: []quota.Window{
			with(model("general", interval), 25, num(25), num(100), time.Time{}),
			with(model("general", week), 40, num(40), num(100), time.Time{}),
		}},
		// …whichever path answered.
		{file: "token_plan_missing_reset_codexbar.json", plan: "Token Plan Plus", want: []quota.Window{
			with(model("general", interval), 25, num(25), num(100), time.Time{}),
			with(model("general", week), 40, num(40), num(100), time.Time{}),
		}},
		{file: "err_1004_cookie_missing.json", kind: quota.KindUnauthorized, code: "1004"},
		{file: "err_2049_invalid_api_key.json", kind: quota.KindUnauthorized, code: "2049"},
		// Invented shapes (see SOURCES.md).
		{file: "remains_status_unlimited_invented.json", want: []quota.Window{
			{Kind: quota.KindModel, Name: "general", NameID: NameGeneral, Period: interval, Unit: "requests", Unlimited: true,
				ResetAt: time.Date(2026, 1, 30, 16, 0, 0, 0, time.UTC)},
			with(model("general", week), 58, nil, nil, time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)),
		}},
		{file: "err_1004_invalid_api_key.json", kind: quota.KindUnauthorized, code: "1004"},
		{file: "err_1002_rate_limit.json", kind: quota.KindRateLimited, code: "1002"},
		{file: "err_1008_insufficient_balance.json", kind: quota.KindNotSubscribed, code: "1008"},
		{file: "err_1000_unknown.json", kind: quota.KindServerError, code: "1000"},
		{file: "remains_empty.json", kind: quota.KindNotSubscribed},
		{file: "html.html", kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseRemains(providertest.Fixture(t, tt.file), now, !tt.tokenPlan)
			if !providertest.ParsedFile(t, got, err, tt.kind, tt.code) {
				return
			}
			want := quota.Account{Plan: tt.plan, Windows: tt.want}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("account =\n%s\nwant\n%s", show(got), show(want))
			}
		})
	}
}

// Without a percentage the path decides what the count means.
func TestCountSemantics(t *testing.T) {
	body := []byte(`{"base_resp":{"status_code":0},"model_remains":[{"model_name":"MiniMax-M*",` +
		`"current_interval_total_count":1500,"current_interval_usage_count":1473}]}`)
	for countsLeft, used := range map[bool]float64{true: 27, false: 1473} {
		a, err := parseRemains(body, now, countsLeft)
		if err != nil || len(a.Windows) != 1 || *a.Windows[0].Used != used {
			t.Errorf("countsLeft %v: %s, %v; want %v used", countsLeft, show(a), err, used)
		}
	}
}

func TestParseShapes(t *testing.T) {
	item := func(s string) string {
		return `{"base_resp":{"status_code":0},"model_remains":[{"model_name":"m",` + s + `}]}`
	}
	tests := []struct {
		name, body string
		want       []quota.Window // nil with bad or kind set
		bad        string         // text the malformed error names
		kind       quota.Kind
	}{
		{name: "exhausted by status", body: item(`"current_interval_status":2`),
			want: []quota.Window{with(model("m", interval), 100, nil, nil, time.Time{})}},
		{name: "more left than the total", body: item(`"current_interval_total_count":10,"current_interval_usage_count":12`),
			want: []quota.Window{with(model("m", interval), 0, num(0), num(10), time.Time{})}},
		{name: "boosted percentage", body: item(`"current_interval_remaining_percent":150`),
			want: []quota.Window{with(model("m", interval), 0, nil, nil, time.Time{})}},
		{name: "reset from end", body: item(`"current_interval_remaining_percent":50,"start_time":1769770800000,"end_time":"1769788800000"`),
			want: []quota.Window{with(model("m", interval), 50, nil, nil, time.Date(2026, 1, 30, 16, 0, 0, 0, time.UTC))}},
		{name: "absurd span", body: item(`"current_interval_remaining_percent":50,"start_time":1,"end_time":1769788800000,"remains_time":1e15`),
			want: []quota.Window{with(model("m", interval), 50, nil, nil, time.Date(2026, 1, 30, 16, 0, 0, 0, time.UTC))}},
		{name: "no figures anywhere", body: `{"model_remains":[{"model_name":"a"},{"model_name":"b","current_interval_total_count":0}]}`,
			want: []quota.Window{
				{Kind: quota.KindModel, Name: "a", Period: interval, Unit: "requests", NoData: true},
				{Kind: quota.KindModel, Name: "b", Period: interval, Unit: "requests", NoData: true},
			}},
		{name: "nameless and non-object items", body: `{"model_remains":[7,{"current_interval_status":2},{"model_name":"m","current_interval_status":2}]}`,
			want: []quota.Window{with(model("m", interval), 100, nil, nil, time.Time{})}},
		{name: "many models", body: `{"model_remains":[{"model_name":"a","current_interval_status":2},{"model_name":"b","current_interval_status":2},` +
			`{"model_name":"c","current_weekly_status":2}]}`,
			want: []quota.Window{
				{Kind: quota.KindModel, Name: "a", Period: interval, Unit: "requests", UsedPct: 100, Compact: true},
				{Kind: quota.KindModel, Name: "b", Period: interval, Unit: "requests", UsedPct: 100, Compact: true},
				{Kind: quota.KindModel, Name: "c", Period: week, Unit: "requests", UsedPct: 100, Compact: true},
			}},
		{name: "negative count", body: item(`"current_interval_total_count":10,"current_interval_usage_count":-1`), bad: "current_interval_usage_count"},
		{name: "text total", body: item(`"current_weekly_total_count":"lots"`), bad: "model_remains[0].current_weekly_total_count"},
		{name: "huge count", body: item(`"current_interval_total_count":1e300`), bad: "current_interval_total_count"},
		{name: "model_remains null", body: `{"model_remains":null}`, kind: quota.KindNotSubscribed},
		{name: "model_remains object", body: `{"model_remains":{"a":1}}`, kind: quota.KindMalformed},
		{name: "no model_remains", body: `{"base_resp":{"status_code":0}}`, kind: quota.KindMalformed},
		{name: "status as text", body: `{"base_resp":{"status_code":"x","status_msg":"odd"}}`, kind: quota.KindMalformed},
		{name: "unknown code", body: `{"base_resp":{"status_code":99999,"status_msg":"brand new"}}`, kind: quota.KindMalformed},
		{name: "base_resp under data", body: `{"data":{"base_resp":{"status_code":1004,"status_msg":"login fail"}}}`, kind: quota.KindUnauthorized},
		{name: "top array", body: `[1]`, kind: quota.KindMalformed},
		{name: "deep", body: strings.Repeat(`{"model_remains":`, 300) + strings.Repeat("}", 300), kind: quota.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseRemains([]byte(tt.body), now, true)
			if providertest.ParsedAs(t, a, err, tt.bad, tt.kind) {
				if !reflect.DeepEqual(a.Windows, tt.want) {
					t.Errorf("windows = %s\nwant %s", show(a), show(quota.Account{Windows: tt.want}))
				}
			}
		})
	}
}

func TestPlanName(t *testing.T) {
	for body, want := range map[string]string{
		`{"data":{"current_subscribe_title":" Token Plan Max ","model_remains":[{"model_name":"m","current_interval_status":2}]}}`: "Token Plan Max",
		`{"plan_name":"Plus","model_remains":[{"model_name":"m","current_interval_status":2}]}`:                                    "Plus",
		`{"plan_name":"\u202e\u0007","model_remains":[{"model_name":"m","current_interval_status":2}]}`:                            "",
		`{"plan_name":7,"model_remains":[{"model_name":"m","current_interval_status":2}]}`:                                         "",
	} {
		a, err := parseRemains([]byte(body), now, true)
		if err != nil || a.Plan != want {
			t.Errorf("%s: plan %q, %v; want %q", body, a.Plan, err, want)
		}
	}
}

// show prints an account for a failure message.
var show = providertest.Show

func FuzzParseRemains(f *testing.F) {
	for _, b := range providertest.Fixtures(f) {
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, body []byte, countsLeft bool) {
		a, err := parseRemains(body, now, countsLeft)
		if providertest.ParseFailed(t, a, err) {
			return
		}
		if len(a.Windows) > 2*maxModels || len(a.Plan) > 4*quota.MaxNameLen {
			t.Fatalf("account %s", show(a))
		}
		for _, w := range a.Windows {
			providertest.SaneWindow(t, w)
			if w.Period == 0 || w.Period > maxSpan || w.Name == "" ||
				(!w.ResetAt.IsZero() && (w.ResetAt.Before(now) || w.ResetAt.Sub(now) > maxSpan)) {
				t.Fatalf("bad window %+v", w)
			}
		}
	})
}
