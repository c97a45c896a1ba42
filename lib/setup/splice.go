package setup

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

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
}

// colon separates a key from its value.
func (st style) colon() string {
	if st.compact {
		return ":"
	}
	return ": "
}

// notObjectError says a value that must hold members is something else;
// key is "" for the top level.
type notObjectError struct{ key string }

func (e *notObjectError) Error() string { return strconv.Quote(e.key) + " is not an object" }

// setPath returns src with root[path[0]]...[path[n-1]] set to val: the
// value of an existing last member is replaced, missing members are
// inserted at the end of their parent object. Every other byte of src is
// kept as it was.
func setPath(src []byte, root *node, path []string, val any) ([]byte, error) {
	if root.kind != '{' {
		return nil, &notObjectError{}
	}
	st := detectStyle(src, root)
	obj := root
	for i, key := range path {
		m := obj.lookup(key)
		if m == nil {
			v := val
			for j := len(path) - 1; j > i; j-- {
				v = []field{{path[j], v}}
			}
			return insertMember(src, obj, key, v, st), nil
		}
		if i == len(path)-1 {
			text := render(val, lineIndent(src, m.keyStart), st)
			return splice(src, m.val.start, m.val.end, text), nil
		}
		if m.val.kind != '{' {
			return nil, &notObjectError{key: key}
		}
		obj = m.val
	}
	return src, nil
}

func splice(src []byte, from, to int, text string) []byte {
	out := make([]byte, 0, len(src)-(to-from)+len(text))
	out = append(out, src[:from]...)
	out = append(out, text...)
	return append(out, src[to:]...)
}

// insertMember adds "key": val as the last member of obj, on its own line.
// A comma goes after the previous member (or, when the user ends objects
// with a trailing comma, after the new one too).
func insertMember(src []byte, obj *node, key string, val any, st style) []byte {
	text := quote(key) + st.colon() + render(val, "", st)
	if !st.compact {
		ind := memberIndent(src, obj, st)
		text = st.nl + ind + quote(key) + st.colon() + render(val, ind, st)
	}
	closeAt := obj.end - 1
	// Insert after the last token or comment before the closing brace.
	at := closeAt
	for at > obj.start+1 && isSpace(src[at-1]) {
		at--
	}
	var out bytes.Buffer
	if k := len(obj.members); k > 0 && obj.members[k-1].comma < 0 {
		end := obj.members[k-1].val.end
		out.Write(src[:end])
		out.WriteByte(',')
		out.Write(src[end:at])
	} else {
		out.Write(src[:at])
		if k > 0 {
			text += ","
		}
	}
	out.WriteString(text)
	if !st.compact && !bytes.ContainsRune(src[at:closeAt], '\n') {
		out.WriteString(st.nl + lineIndent(src, obj.start))
	}
	out.Write(src[at:])
	return out.Bytes()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lineIndent returns the blanks that start the line holding offset i.
func lineIndent(src []byte, i int) string {
	ls := bytes.LastIndexByte(src[:i], '\n') + 1
	j := ls
	for j < i && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	return string(src[ls:j])
}

// startsLine reports whether only blanks precede offset i on its line.
func startsLine(src []byte, i int) bool {
	ls := bytes.LastIndexByte(src[:i], '\n') + 1
	return len(lineIndent(src, i)) == i-ls
}

// memberIndent is the indentation of obj's members: that of its first
// member when it starts a line, else one level deeper than obj's line.
func memberIndent(src []byte, obj *node, st style) string {
	if len(obj.members) > 0 && startsLine(src, obj.members[0].keyStart) {
		return lineIndent(src, obj.members[0].keyStart)
	}
	return lineIndent(src, obj.start) + st.unit
}

// detectStyle takes the indentation unit from the top-level object's first
// member (two spaces when it shares a line with the brace) and the line
// ending from the file. A one-line document with members stays on one line.
func detectStyle(src []byte, root *node) style {
	if len(root.members) > 0 && !bytes.ContainsRune(src[root.start:root.end], '\n') {
		return style{compact: true}
	}
	st := style{unit: "  ", nl: "\n"}
	if bytes.Contains(src, []byte("\r\n")) {
		st.nl = "\r\n"
	}
	if len(root.members) > 0 && startsLine(src, root.members[0].keyStart) {
		ind, base := lineIndent(src, root.members[0].keyStart), lineIndent(src, root.start)
		if len(ind) > len(base) && strings.HasPrefix(ind, base) {
			st.unit = ind[len(base):]
		}
	}
	return st
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
