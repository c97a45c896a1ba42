package render

import (
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
)

func TestRound(t *testing.T) {
	for in, want := range map[float64]int{2.5: 3, 2.49: 2, -2.5: -2, 0: 0, 99.5: 100, 85.5: 86} {
		if got := Round(in); got != want {
			t.Errorf("Round(%v) = %d, want %d", in, got, want)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		pct   float64
		cells int
		want  string
	}{
		{85, 30, "██████████████████████████░░░░"}, // 25.5 rounds up
		{0, 20, "░░░░░░░░░░░░░░░░░░░░"},
		{100, 20, "████████████████████"},
		{-3, 10, "░░░░░░░░░░"},
		{140, 10, "██████████"},
		{50, 10, "█████░░░░░"},
	}
	for _, tt := range tests {
		if got := Bar(tt.pct, tt.cells); got != tt.want {
			t.Errorf("Bar(%v, %d) = %q, want %q", tt.pct, tt.cells, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d          time.Duration
		en, zh, fr string
	}{
		{0, "0m", "0分钟", "0\u00a0min"},
		{59 * time.Second, "0m", "0分钟", "0\u00a0min"},
		{60 * time.Second, "1m", "1分钟", "1\u00a0min"},
		{2*time.Hour + 30*time.Minute, "2h 30m", "2小时30分钟", "2\u00a0h 30\u00a0min"},
		{4 * time.Hour, "4h", "4小时", "4\u00a0h"},
		{26 * time.Hour, "1d 2h", "1天2小时", "1\u00a0j 2\u00a0h"},
		{24 * time.Hour, "1d", "1天", "1\u00a0j"},
		{-time.Hour, "0m", "0分钟", "0\u00a0min"},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{"en": tt.en, "zh": tt.zh, "fr": tt.fr} {
			if got := Duration(i18n.New(lang), tt.d); got != want {
				t.Errorf("%s Duration(%v) = %q, want %q", lang, tt.d, got, want)
			}
		}
	}
}

func TestPeriod(t *testing.T) {
	loc := i18n.New("en")
	tests := map[time.Duration]string{
		5 * time.Hour:         "5-hour",
		12 * time.Hour:        "12-hour",
		24 * time.Hour:        "1-day",
		7 * 24 * time.Hour:    "7-day",
		2628000 * time.Second: "monthly",
		30 * 24 * time.Hour:   "monthly",
		36 * time.Hour:        "36-hour",
		0:                     "",
		30 * time.Minute:      "30-minute",
	}
	for d, want := range tests {
		if got := Period(loc, d); got != want {
			t.Errorf("Period(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{8.2e6, "tokens", "8.2M"}, {40e6, "tokens", "40.0M"}, {500, "tokens", "500"},
		{177, "requests", "177"}, {12.345, "", "12.35"}, {1.5, "", "1.5"},
	}
	for _, tt := range tests {
		if got := Number(tt.v, tt.unit); got != tt.want {
			t.Errorf("Number(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}
