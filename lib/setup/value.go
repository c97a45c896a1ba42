package setup

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Rendering of the values mystatus writes, in the layout of the file they
// go into. Parsing and editing the file itself is hujson's (edit.go); this
// only prints new values so that they look like the text around them
// (hujson's Format would re-indent the user's whole file with tabs).

// field is one member of a value mystatus writes. val is a string, a bool,
// a []string or a []field (an object, members in this order).
type field struct {
	key string
	val any
}

// style is the layout of the file being edited, so inserted text looks
// like the text around it.
type style struct {
	unit    string // one indentation level
	nl      string // line ending
	compact bool   // the document is on one line: add no line breaks or spaces
	inline  bool   // one line with the usual spaces, for an object written on one line
}

// colon separates a key from its value.
func (st style) colon() string {
	if st.compact {
		return ":"
	}
	return ": "
}

// render formats v as JSON; nested lines start with ind plus one unit.
func render(v any, ind string, st style) string {
	if st.compact {
		ind = ""
	}
	var b strings.Builder
	writeValue(&b, v, ind, st)
	return b.String()
}

func writeValue(b *strings.Builder, v any, ind string, st style) {
	switch v := v.(type) {
	case string:
		b.WriteString(quote(v))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case []string:
		b.WriteByte('[')
		for i, s := range v {
			if i > 0 {
				b.WriteByte(',')
				if !st.compact {
					b.WriteByte(' ')
				}
			}
			b.WriteString(quote(s))
		}
		b.WriteByte(']')
	case []field:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		if st.inline {
			b.WriteByte('{')
			for i, f := range v {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quote(f.key) + ": ")
				writeValue(b, f.val, "", st)
			}
			b.WriteByte('}')
			return
		}
		b.WriteByte('{')
		for i, f := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(st.nl + ind + st.unit + quote(f.key) + st.colon())
			writeValue(b, f.val, ind+st.unit, st)
		}
		b.WriteString(st.nl + ind + "}")
	}
}

// quote returns s as a JSON string, leaving <, > and & readable.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}
