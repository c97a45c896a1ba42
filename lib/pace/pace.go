// Package pace answers "will this window last until its reset?" from what a
// single report already knows: the share used, the window's length and its
// reset time. It keeps no history; the projection is linear (the usage rate
// so far, carried forward).
//
// Definitions, for a window with Period P and ResetAt R at time now:
//
//	elapsed share e = 1 − (R − now)/P, clamped to [0, 1]
//	used share    u = UsedPct/100, clamped to [0, 1]
//	pace          p = u / e
//
// At pace p the window is used up at R − P + P/p, which is before R exactly
// when p > 1. The status follows the pace:
//
//   - p ≤ [OnPaceMax] (1.0, pace exactly 1 included): [OnPace].
//   - p > 1 but the projected run-out falls within the last [RunOutMargin]
//     (5 %) of the window: [Ahead]. A linear projection cannot tell such a
//     run-out from lasting to the reset, so it is not reported as one.
//   - otherwise: [RunsOut], the window is projected to run out before it
//     resets.
//
// No estimate (Known false) is made when the window is unlimited, has no
// data, lacks a Period or a ResetAt, when less than [MinElapsed] (5 %) of it
// has passed (the rate is noise that early), when the reset is already past
// (the figures are stale) or when the used share is not a number.
// An exhausted window (used share ≥ 100 %) is a fact, not an extrapolation:
// it is Known with Status RunsOut from the start of the window, RunsOutAt =
// now and RunsOutBeforeReset = R − now. Callers that already say "used up"
// can tell it apart with [quota.Window.Exhausted].
package pace

import (
	"math"
	"time"

	"github.com/mystatus/mystatus/lib/quota"
)

// Tunables of the estimate (see the package documentation).
const (
	// MinElapsed is the share of the window that must have passed before
	// the pace is extrapolated: earlier than that, a few requests decide it.
	MinElapsed = 0.05
	// OnPaceMax is the highest pace still reported as on pace.
	OnPaceMax = 1.0
	// RunOutMargin is the share of the window before the reset within which
	// a projected run-out counts as lasting ([Ahead]) rather than [RunsOut].
	RunOutMargin = 0.05
)

// Status classifies an [Estimate].
type Status int

// Statuses.
const (
	// Unknown: no estimate was made (Estimate.Known is false).
	Unknown Status = iota
	// OnPace: usage so far is at or below an even spread over the window.
	OnPace
	// Ahead: usage is above an even spread, yet the projection still
	// reaches (within RunOutMargin) the reset.
	Ahead
	// RunsOut: at this pace the window is used up before it resets
	// (or it already is).
	RunsOut
)

// String returns a stable lower-case name (used in tests and JSON).
func (s Status) String() string {
	switch s {
	case OnPace:
		return "on_pace"
	case Ahead:
		return "ahead"
	case RunsOut:
		return "runs_out"
	default:
		return "unknown"
	}
}

// Estimate is the pace of one window at one instant.
type Estimate struct {
	// Known tells whether an estimate was made; when false every other
	// field is zero.
	Known bool
	// ElapsedPct and UsedPct are the elapsed and used shares, 0..100.
	ElapsedPct, UsedPct float64
	// Pace is UsedPct ÷ ElapsedPct: 1 means an even spread, 2 twice as fast.
	// It is 0 for an exhausted window with no time elapsed (never infinite).
	Pace float64
	// Status classifies the pace.
	Status Status
	// RunsOutAt is when the window is projected to be used up; set when
	// Pace > 1 (Ahead or RunsOut), zero otherwise.
	RunsOutAt time.Time
	// RunsOutBeforeReset is how long before ResetAt that happens; set with
	// RunsOutAt.
	RunsOutBeforeReset time.Duration
}

// Of estimates the pace of w at now.
func Of(w quota.Window, now time.Time) Estimate {
	if w.Unlimited || w.NoData || w.Period <= 0 || w.ResetAt.IsZero() || math.IsNaN(w.UsedPct) {
		return Estimate{}
	}
	left := w.ResetAt.Sub(now)
	if left <= 0 {
		return Estimate{} // the window has reset since these figures were taken
	}
	elapsed := 1 - left.Seconds()/w.Period.Seconds()
	elapsed = min(max(elapsed, 0), 1)
	used := min(max(w.UsedPct/100, 0), 1)

	if used >= 1 {
		e := Estimate{Known: true, ElapsedPct: elapsed * 100, UsedPct: 100, Status: RunsOut,
			RunsOutAt: now, RunsOutBeforeReset: left}
		if elapsed > 0 {
			e.Pace = 1 / elapsed // never infinite: JSON cannot carry it
		}
		return e
	}
	if elapsed < MinElapsed {
		return Estimate{}
	}
	e := Estimate{Known: true, ElapsedPct: elapsed * 100, UsedPct: used * 100, Pace: used / elapsed}
	if e.Pace <= OnPaceMax {
		e.Status = OnPace
		return e
	}
	start := w.ResetAt.Add(-w.Period)
	e.RunsOutAt = start.Add(time.Duration(float64(w.Period) / e.Pace))
	e.RunsOutBeforeReset = w.ResetAt.Sub(e.RunsOutAt)
	if e.RunsOutBeforeReset.Seconds() <= RunOutMargin*w.Period.Seconds() {
		e.Status = Ahead
	} else {
		e.Status = RunsOut
	}
	return e
}
