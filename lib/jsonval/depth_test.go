package jsonval

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestCheckDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"flat object", `{"a":1,"b":[1,2]}`, true},
		{"exactly the limit", nest(MaxDepth), true},
		{"one past the limit", nest(MaxDepth + 1), false},
		{"objects", strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), false},
		{"brackets in strings do not count", `{"a":"` + strings.Repeat("[", 1000) + `"}`, true},
		{"escaped quote keeps the string open", `{"a":"\"` + strings.Repeat("[", 1000) + `"}`, true},
		{"escaped backslash closes the string", `["\\"` + strings.Repeat(",[", 200) + `]`, false},
		{"unbalanced closers", `]]]]{}`, true},
		{"empty", ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDepth([]byte(tt.in), MaxDepth)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckDepth = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrTooDeep) {
				t.Fatalf("error %v does not wrap ErrTooDeep", err)
			}
		})
	}
}

// A 10 MiB line of "[" is refused at the 129th byte, without growing.
func TestCheckDepthHuge(t *testing.T) {
	b := bytes.Repeat([]byte("["), 10<<20)
	var de *DepthError
	if err := CheckDepth(b, MaxDepth); !errors.As(err, &de) || de.Offset != MaxDepth {
		t.Fatalf("CheckDepth = %v", err)
	}
}

func FuzzCheckDepth(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"[["}]}`), 3)
	f.Add([]byte(strings.Repeat("[", 300)), 128)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		if max < 0 || max > 1000 {
			return
		}
		err := CheckDepth(b, max)
		if err == nil {
			return
		}
		var de *DepthError
		if !errors.As(err, &de) || de.Offset >= len(b) || (b[de.Offset] != '[' && b[de.Offset] != '{') {
			t.Fatalf("bad error %v for %q", err, b)
		}
	})
}
