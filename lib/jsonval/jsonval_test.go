package jsonval

import (
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

func TestNumber(t *testing.T) {
	tests := map[string]struct {
		want float64
		ok   bool
	}{
		`12.5`: {12.5, true}, `"7"`: {7, true}, `" 3 "`: {3, true}, `"x"`: {0, false},
		`null`: {0, false}, `true`: {0, false}, `"NaN"`: {0, false}, `"Inf"`: {0, false}, `1e400`: {0, false},
	}
	for in, tt := range tests {
		got, ok := Number(gjson.Parse(in))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("Number(%s) = %v, %v; want %v, %v", in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEpoch(t *testing.T) {
	tests := map[string]time.Time{
		`1769159550000`: time.UnixMilli(1769159550000),
		`1769159550`:    time.Unix(1769159550, 0),
		`"1769159550"`:  time.Unix(1769159550, 0),
		`0`:             {},
		`-5`:            {},
		`1e20`:          {},
		`"soon"`:        {},
		`100000000000`:  time.UnixMilli(100000000000),
		`99999999999`:   time.Unix(99999999999, 0),
	}
	for in, want := range tests {
		if got := Epoch(gjson.Parse(in)); !got.Equal(want) {
			t.Errorf("Epoch(%s) = %v, want %v", in, got, want)
		}
	}
}
