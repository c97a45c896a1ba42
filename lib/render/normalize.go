package render

import (
	"math"

	"github.com/mystatus/mystatus/lib/quota"
)

// normalize returns the report as it is rendered, leaving rep untouched:
// every figure of outside origin is brought into range so that no output
// prints a negative, overflowing or non-numeric value.
//
//   - UsedPct is clamped to 0..100; a NaN or infinite share makes the
//     window "no data".
//   - A window with a money limit and no share gets its share from the
//     money: used ÷ limit, where used is Money.Used or Limit − Balance.
//   - Counts (Used, Limit), the overage and breakdown counts that are not
//     finite or not below 1e15 are dropped.
func normalize(rep quota.Report) quota.Report {
	out := rep
	out.Results = make([]quota.Result, len(rep.Results))
	for i, res := range rep.Results {
		res.Accounts = append([]quota.Account(nil), res.Accounts...)
		for j := range res.Accounts {
			a := &res.Accounts[j]
			a.Windows = append([]quota.Window(nil), a.Windows...)
			for k := range a.Windows {
				a.Windows[k] = normalizeWindow(a.Windows[k])
			}
			if a.Overage != nil && !finiteCount(*a.Overage) {
				a.Overage = nil
			}
			var bd []quota.Usage
			for _, u := range a.Breakdown {
				if finiteCount(u.Count) {
					bd = append(bd, u)
				}
			}
			a.Breakdown = bd
		}
		out.Results[i] = res
	}
	return out
}

func normalizeWindow(w quota.Window) quota.Window {
	if w.Used != nil && w.Limit != nil && (!finiteCount(*w.Used) || !finiteCount(*w.Limit)) {
		w.Used, w.Limit = nil, nil
	}
	if math.IsNaN(w.UsedPct) || math.IsInf(w.UsedPct, 0) {
		w.UsedPct = 0
		if !w.Unlimited {
			w.NoData = true
		}
	}
	if w.UsedPct == 0 && w.Money != nil {
		if p, ok := moneyShare(*w.Money); ok {
			w.UsedPct = p
		}
	}
	w.UsedPct = Clamp(w.UsedPct)
	return w
}

// moneyShare is the used share (percent) of a money limit, when known.
func moneyShare(m quota.MoneyFigures) (float64, bool) {
	if m.Limit == nil || m.Limit.Minor <= 0 {
		return 0, false
	}
	limit := m.Limit.Float()
	switch {
	case m.Used != nil:
		return m.Used.Float() / limit * 100, true
	case m.Balance != nil:
		return (limit - m.Balance.Float()) / limit * 100, true
	}
	return 0, false
}

// pureBalance reports whether w is money left with no limit to compare it
// to: it has no share, no bar and no percentage.
func pureBalance(w quota.Window) bool {
	return w.Money != nil && (w.Money.Limit == nil || w.Money.Limit.Minor <= 0) && w.UsedPct == 0
}

// hasShare reports whether w has a used share to draw and print.
func hasShare(w quota.Window) bool {
	return !w.Unlimited && !w.NoData && !pureBalance(w)
}

// balanceLeft is the money left in w, when known.
func balanceLeft(m *quota.MoneyFigures) (quota.Money, bool) {
	switch {
	case m == nil:
		return quota.Money{}, false
	case m.Balance != nil:
		return *m.Balance, true
	case m.Limit != nil && m.Used != nil && m.Limit.Decimals == m.Used.Decimals:
		return quota.Money{Minor: m.Limit.Minor - m.Used.Minor, Decimals: m.Limit.Decimals, Currency: m.Limit.Currency}, true
	}
	return quota.Money{}, false
}

// Balance states (see [LowBalance]).
const (
	balanceOK = iota
	balanceLow
	balanceEmpty
)

// balanceState classifies a balance window: used up when its share is
// used up or, without a limit, when what is left is zero or less; low when
// less than LowBalance percent of its limit is left or, without a limit,
// when less than lowMoney (major units) is.
func balanceState(w quota.Window, lowMoney float64) int {
	if pureBalance(w) {
		left, ok := balanceLeft(w.Money)
		switch {
		case ok && left.Minor <= 0:
			return balanceEmpty
		case ok && lowMoney > 0 && left.Float() < lowMoney:
			return balanceLow
		}
		return balanceOK
	}
	switch {
	case !hasShare(w):
		return balanceOK
	case w.Exhausted():
		return balanceEmpty
	case 100-w.UsedPct < LowBalance:
		return balanceLow
	}
	return balanceOK
}
