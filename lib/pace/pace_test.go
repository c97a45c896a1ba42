package pace

import (
	"math"
	"testing"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

func TestOf(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const h = time.Hour
	day := 24 * h
	// win builds a window of period p with elapsed share e (of p) at now.
	win := func(p time.Duration, e, used float64) quota.Window {
		return quota.Window{Kind: quota.KindRate, Period: p, UsedPct: used,
			ResetAt: now.Add(time.Duration((1 - e) * float64(p)))}
	}
	tests := []struct {
		name       string
		w          quota.Window
		known      bool
		status     Status
		elapsed    float64
		pace       float64
		runsOutIn  time.Duration // RunsOutAt − now; checked when status is Ahead/RunsOut
		beforeRest time.Duration
	}{
		{name: "just reset", w: win(5*h, 0, 0)},
		{name: "just reset with some use", w: win(5*h, 0.01, 3)},
		{name: "below the minimum elapsed share", w: win(5*h, MinElapsed-0.001, 40)},
		{name: "at the minimum elapsed share", w: win(5*h, MinElapsed, 4), known: true, status: OnPace, elapsed: 5, pace: 0.8},
		{name: "half way on pace", w: win(5*h, 0.5, 30), known: true, status: OnPace, elapsed: 50, pace: 0.6},
		{name: "pace exactly 1", w: win(5*h, 0.5, 50), known: true, status: OnPace, elapsed: 50, pace: 1},
		{name: "half way twice as fast", w: win(5*h, 0.5, 100*0.5*2*0.8), known: true, status: RunsOut, elapsed: 50, pace: 1.6,
			// runs out at start + 5h/1.6 = 3h7m30s after start; now is 2h30m after start.
			runsOutIn: 37*time.Minute + 30*time.Second, beforeRest: h + 52*time.Minute + 30*time.Second},
		{name: "slightly ahead within the margin", w: win(10*h, 0.5, 52), known: true, status: Ahead, elapsed: 50, pace: 1.04,
			// 10h/1.04 = 9h36m55.38s after start: 23m4.6s before the reset, under 5 % of 10 h (30 min).
			runsOutIn: 4*h + 36*time.Minute + 55*time.Second + 384615384, beforeRest: 23*time.Minute + 4*time.Second + 615384616},
		{name: "nearly over", w: win(5*h, 0.99, 80), known: true, status: OnPace, elapsed: 99, pace: 80.0 / 99},
		{name: "nearly over and nearly out", w: win(7*day, 0.9, 99), known: true, status: RunsOut, elapsed: 90, pace: 1.1,
			// 7d/1.1 after start = 152h43m38s; now is 151h12m after start: 15 h
			// before the reset, more than 5 % of 7 days (8.4 h).
			runsOutIn: h + 31*time.Minute + 38*time.Second + 181818182, beforeRest: 15*h + 16*time.Minute + 21*time.Second + 818181818},
		{name: "exhausted", w: win(5*h, 0.6, 100), known: true, status: RunsOut, elapsed: 60, pace: 1 / 0.6,
			runsOutIn: 0, beforeRest: 2 * h},
		{name: "over-reported exhaustion is clamped", w: win(5*h, 0.6, 130), known: true, status: RunsOut, elapsed: 60, pace: 1 / 0.6,
			runsOutIn: 0, beforeRest: 2 * h},
		{name: "exhausted right after reset", w: win(5*h, 0.01, 100), known: true, status: RunsOut, elapsed: 1, pace: 100,
			runsOutIn: 0, beforeRest: 4*h + 57*time.Minute},
		{name: "30-day window on pace", w: win(30*day, 0.4, 35), known: true, status: OnPace, elapsed: 40, pace: 0.875},
		{name: "30-day window runs out", w: win(30*day, 0.25, 50), known: true, status: RunsOut, elapsed: 25, pace: 2,
			// runs out at day 15, now is day 7.5.
			runsOutIn: 7*day + 12*h, beforeRest: 15 * day},
		{name: "negative used share is clamped", w: win(5*h, 0.5, -20), known: true, status: OnPace, elapsed: 50, pace: 0},
		{name: "reset further away than the period (clock skew)", w: quota.Window{Period: 5 * h, UsedPct: 50, ResetAt: now.Add(6 * h)}},
		{name: "no reset", w: quota.Window{Period: 5 * h, UsedPct: 50}},
		{name: "no period", w: quota.Window{UsedPct: 50, ResetAt: now.Add(h)}},
		{name: "reset already past", w: quota.Window{Period: 5 * h, UsedPct: 50, ResetAt: now.Add(-time.Second)}},
		{name: "reset is now", w: quota.Window{Period: 5 * h, UsedPct: 50, ResetAt: now}},
		{name: "unlimited", w: quota.Window{Period: 5 * h, UsedPct: 90, ResetAt: now.Add(h), Unlimited: true}},
		{name: "no data", w: quota.Window{Period: 5 * h, ResetAt: now.Add(h), NoData: true}},
		{name: "used share not a number", w: quota.Window{Period: 5 * h, UsedPct: math.NaN(), ResetAt: now.Add(h)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Of(tc.w, now)
			if got.Known != tc.known || got.Status != tc.status {
				t.Fatalf("Known, Status = %v, %v; want %v, %v (%+v)", got.Known, got.Status, tc.known, tc.status, got)
			}
			if !tc.known {
				if got != (Estimate{}) {
					t.Fatalf("unknown estimate not zero: %+v", got)
				}
				return
			}
			if !near(got.ElapsedPct, tc.elapsed) || !near(got.Pace, tc.pace) {
				t.Errorf("ElapsedPct, Pace = %v, %v; want %v, %v", got.ElapsedPct, got.Pace, tc.elapsed, tc.pace)
			}
			if got.UsedPct < 0 || got.UsedPct > 100 {
				t.Errorf("UsedPct %v outside 0..100", got.UsedPct)
			}
			if tc.status == OnPace {
				if !got.RunsOutAt.IsZero() || got.RunsOutBeforeReset != 0 {
					t.Errorf("on pace with a run-out: %+v", got)
				}
				return
			}
			if d := got.RunsOutAt.Sub(now); absDur(d-tc.runsOutIn) > time.Millisecond {
				t.Errorf("runs out in %v, want %v", d, tc.runsOutIn)
			}
			if absDur(got.RunsOutBeforeReset-tc.beforeRest) > time.Millisecond {
				t.Errorf("RunsOutBeforeReset = %v, want %v", got.RunsOutBeforeReset, tc.beforeRest)
			}
			if !got.RunsOutAt.Add(got.RunsOutBeforeReset).Equal(tc.w.ResetAt) {
				t.Errorf("RunsOutAt + RunsOutBeforeReset = %v, want the reset %v", got.RunsOutAt.Add(got.RunsOutBeforeReset), tc.w.ResetAt)
			}
		})
	}
}

// TestStatusBoundary pins the margin between Ahead and RunsOut: a run-out
// exactly RunOutMargin of the window before the reset is still Ahead.
func TestStatusBoundary(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := 100 * time.Hour
	w := quota.Window{Period: p, ResetAt: now.Add(p / 2)} // half way
	// pace 1/(1−margin) runs out exactly at the margin.
	edge := 1 / (1 - RunOutMargin)
	for _, tc := range []struct {
		pace float64
		want Status
	}{{1, OnPace}, {1.0001, Ahead}, {edge - 0.001, Ahead}, {edge + 0.001, RunsOut}} {
		w.UsedPct = 50 * tc.pace
		if got := Of(w, now); got.Status != tc.want {
			t.Errorf("pace %v: status %v, want %v (%+v)", tc.pace, got.Status, tc.want, got)
		}
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Unknown: "unknown", OnPace: "on_pace", Ahead: "ahead", RunsOut: "runs_out", Status(99): "unknown"} {
		if got := s.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", s, got, want)
		}
	}
}

// FuzzOf checks the invariants on any window: no NaN or infinity escapes,
// shares stay in range and a run-out never comes after the reset.
func FuzzOf(f *testing.F) {
	f.Add(int64(5*time.Hour), int64(time.Hour), 50.0)
	f.Add(int64(0), int64(0), 0.0)
	f.Add(int64(time.Hour), int64(-time.Hour), 1e308)
	f.Add(int64(math.MaxInt64), int64(1), -1e308)
	f.Fuzz(func(t *testing.T, period, left int64, used float64) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		w := quota.Window{Period: time.Duration(period), UsedPct: used, ResetAt: now.Add(time.Duration(left))}
		e := Of(w, now)
		if !e.Known {
			if e != (Estimate{}) {
				t.Fatalf("unknown estimate not zero: %+v", e)
			}
			return
		}
		for _, v := range []float64{e.ElapsedPct, e.UsedPct, e.Pace} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("bad figure %v in %+v", v, e)
			}
		}
		if e.ElapsedPct > 100 || e.UsedPct > 100 {
			t.Fatalf("share above 100: %+v", e)
		}
		if e.Status == Unknown {
			t.Fatalf("known estimate with Unknown status: %+v", e)
		}
		if !e.RunsOutAt.IsZero() && (e.RunsOutAt.After(w.ResetAt) || e.RunsOutBeforeReset < 0) {
			t.Fatalf("run-out after the reset: %+v (reset %v)", e, w.ResetAt)
		}
	})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
