package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/tailscale/hujson"
)

// A config file is parsed with hujson (JSON with comments and trailing
// commas, as OpenCode, VS Code and Zed accept), which keeps every comment
// and every byte of layout in its syntax tree. Only the members mystatus
// owns are added or replaced in that tree; packing it gives back the
// user's file with just those values changed.

// Reason codes of a syntax error; each has a catalog message setup.why.<code>.
const (
	whyEOF           = "eof"
	whyChar          = "char"
	whyString        = "string"
	whyComment       = "comment"
	whyNumber        = "number"
	whyNoComments    = "no_comments"
	whyTrailingComma = "trailing_comma"
	whyDepth         = "depth"
	whyTrailing      = "trailing"
)

// syntaxError is where (byte offset) and why a file was refused.
type syntaxError struct {
	Offset int
	Reason string
}

func (e *syntaxError) Error() string { return "offset " + strconv.Itoa(e.Offset) + ": " + e.Reason }

// notObjectError says a value that must hold members is something else;
// key is "" for the top level.
type notObjectError struct{ key string }

func (e *notObjectError) Error() string { return strconv.Quote(e.key) + " is not an object" }

// Change is one value Write set in the user's file.
type Change struct {
	Path string // JSON path of the member, e.g. mcp.mystatus.command
	Old  string // its old value as compact JSON; "" when it was added
	New  string // compact JSON
}

var bom = []byte("\xEF\xBB\xBF")

// hujson reports "hujson: line L, column C: what"; C counts bytes.
// hujsonErrRE compiles on first use: start-up pays for no regexp.
var hujsonErrRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?s)^hujson: line (\d+), column (\d+): (.*)$`)
})

// parseDoc parses src as one JSONC document (strict: plain JSON). A byte
// order mark is allowed in JSONC and returned apart.
func parseDoc(src []byte, strict bool) (hujson.Value, []byte, error) {
	var mark []byte
	if !strict && bytes.HasPrefix(src, bom) {
		mark, src = bom, src[len(bom):]
	}
	// hujson's parser recurses once per level: bound the depth first.
	var de *jsonval.DepthError
	if err := jsonval.CheckDepth(src, jsonval.MaxDepth); errors.As(err, &de) {
		return hujson.Value{}, nil, &syntaxError{Offset: len(mark) + de.Offset, Reason: whyDepth}
	}
	v, err := hujson.Parse(src)
	if err != nil && !strict && !bytes.HasSuffix(src, []byte("\n")) {
		// hujson wants a line comment ended by a newline; editors accept
		// one at the very end of the file. Parse with the newline, and
		// drop it again from the document's last extra.
		if w, err2 := hujson.Parse(append(bytes.Clone(src), '\n')); err2 == nil {
			w.AfterExtra = w.AfterExtra[:len(w.AfterExtra)-1]
			v, err = w, nil
		}
	}
	if err != nil {
		return hujson.Value{}, nil, hujsonError(src, len(mark), err)
	}
	if strict && !v.IsStandard() {
		return hujson.Value{}, nil, nonStandard(src, v)
	}
	return v, mark, nil
}

// hujsonError turns hujson's message into a reason code at an offset.
func hujsonError(src []byte, shift int, err error) error {
	m := hujsonErrRE().FindStringSubmatch(err.Error())
	if m == nil {
		return &syntaxError{Offset: shift, Reason: whyChar}
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	off := 0
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(src[off:], '\n')
		if j < 0 {
			break
		}
		off += j + 1
	}
	off = min(off+col-1, len(src))
	what := m[3]
	reason := whyChar
	switch {
	case strings.Contains(what, "comment"):
		reason = whyComment
	case errors.Is(err, io.ErrUnexpectedEOF) && strings.Contains(what, "string"):
		reason = whyString
	case errors.Is(err, io.ErrUnexpectedEOF):
		reason = whyEOF
	case strings.Contains(what, "after top-level value"):
		reason = whyTrailing
	case strings.HasPrefix(what, `invalid literal: "`):
		reason = whyString
	case strings.HasPrefix(what, "invalid literal: -") || strings.HasPrefix(what, "invalid literal: ") && len(what) > 17 && what[17] >= '0' && what[17] <= '9':
		reason = whyNumber
	}
	return &syntaxError{Offset: shift + off, Reason: reason}
}

// nonStandard locates the first comment or trailing comma of a strict
// file: Standardize blanks them out in place, so the first byte that
// differs is where it starts.
func nonStandard(src []byte, v hujson.Value) error {
	std := v.Clone()
	std.Standardize()
	out := std.Pack()
	i := 0
	for i < len(src) && i < len(out) && src[i] == out[i] {
		i++
	}
	if i < len(src) && src[i] == ',' {
		return &syntaxError{Offset: i, Reason: whyTrailingComma}
	}
	return &syntaxError{Offset: i, Reason: whyNoComments}
}

// blank reports whether src holds no value: only whitespace and, unless
// strict, comments.
func blank(src []byte, strict bool) bool {
	if !strict {
		src = bytes.TrimPrefix(src, bom)
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return true
	}
	if strict {
		return false
	}
	// Comments alone: a value after them parses as exactly that value.
	v, err := hujson.Parse(append(bytes.Clone(src), "\nnull"...))
	if err != nil {
		return false
	}
	lit, ok := v.Value.(hujson.Literal)
	return ok && string(lit) == "null" && v.StartOffset >= len(src)
}

// editor applies mystatus's entry to one parsed document.
type editor struct {
	sp      spec
	st      style
	setLang bool // the user asked for a language: write MYSTATUS_LANG too
	changes []Change
	kept    []string // members of an existing entry left as the user set them
}

// merge returns src with the mystatus entry set, and what changed; a blank
// src gives the bare snippet document (after any comments src holds).
//
// A missing entry is added whole. An existing one keeps everything the
// user set (enabled, environment, timeout, …): only the command (and its
// arguments) is brought up to date, and MYSTATUS_LANG when a language was
// asked for.
func merge(sp spec, src []byte, setLang bool) ([]byte, *editor, error) {
	ed := &editor{sp: sp, setLang: setLang}
	if blank(src, sp.strict) {
		doc := ed.fresh()
		if len(bytes.TrimSpace(src)) == 0 {
			return doc, ed, nil
		}
		out := append(bytes.TrimRight(bytes.Clone(src), " \t\r\n"), '\n')
		return append(out, doc...), ed, nil
	}
	v, mark, err := parseDoc(src, sp.strict)
	if err != nil {
		return nil, nil, err
	}
	root, ok := v.Value.(*hujson.Object)
	if !ok {
		return nil, nil, &notObjectError{}
	}
	ed.st = detectStyle(src, root)
	if err := ed.apply(root); err != nil {
		return nil, nil, err
	}
	return append(mark, v.Pack()...), ed, nil
}

// fresh is the document holding only the entry.
func (ed *editor) fresh() []byte {
	ed.st = style{unit: "  ", nl: "\n"}
	doc := render([]field{{ed.sp.key, []field{{ServerName, ed.sp.entry}}}}, "", ed.st) + "\n"
	ed.changes = append(ed.changes, Change{Path: ed.sp.key + "." + ServerName, New: compactJSON(render(ed.sp.entry, "", style{compact: true}))})
	return []byte(doc)
}

func (ed *editor) apply(root *hujson.Object) error {
	servers := member(root, ed.sp.key)
	if servers == nil {
		ed.add(root, "", ed.sp.key, []field{{ServerName, ed.sp.entry}}, ed.sp.key+"."+ServerName, ed.sp.entry)
		return nil
	}
	obj, ok := servers.Value.Value.(*hujson.Object)
	if !ok {
		return &notObjectError{key: ed.sp.key}
	}
	ind := memberIndent(root, "", ed.st)
	path := ed.sp.key + "." + ServerName
	entry := member(obj, ServerName)
	if entry == nil {
		ed.add(obj, ind, ServerName, ed.sp.entry, path, ed.sp.entry)
		return nil
	}
	eobj, ok := entry.Value.Value.(*hujson.Object)
	if !ok {
		// Not an entry anyone could have configured: replace it whole.
		ed.replace(&entry.Value, memberIndent(obj, ind, ed.st), ed.sp.entry, path)
		return nil
	}
	eind := memberIndent(obj, ind, ed.st)
	owned := map[string]bool{}
	for _, f := range ed.sp.entry {
		if !ed.owns(f.key) {
			continue
		}
		owned[f.key] = true
		if m := member(eobj, f.key); m != nil {
			ed.replace(&m.Value, memberIndent(eobj, eind, ed.st), f.val, path+"."+f.key)
		} else {
			ed.add(eobj, eind, f.key, f.val, path+"."+f.key, f.val)
		}
	}
	if ed.setLang && ed.sp.envKey != "" {
		owned[ed.sp.envKey] = true
		lang := ed.sp.lang
		envPath := path + "." + ed.sp.envKey
		env := member(eobj, ed.sp.envKey)
		switch envObj, isObj := valueObject(env); {
		case env == nil:
			v := []field{{"MYSTATUS_LANG", lang}}
			ed.add(eobj, eind, ed.sp.envKey, v, envPath, v)
		case !isObj:
			ed.replace(&env.Value, memberIndent(eobj, eind, ed.st), []field{{"MYSTATUS_LANG", lang}}, envPath)
		default:
			envInd := memberIndent(eobj, eind, ed.st)
			if m := member(envObj, "MYSTATUS_LANG"); m != nil {
				ed.replace(&m.Value, memberIndent(envObj, envInd, ed.st), lang, envPath+".MYSTATUS_LANG")
			} else {
				ed.add(envObj, envInd, "MYSTATUS_LANG", lang, envPath+".MYSTATUS_LANG", lang)
			}
			for _, m := range envObj.Members {
				if n := name(m); n != "MYSTATUS_LANG" {
					ed.kept = append(ed.kept, ed.sp.envKey+"."+n)
				}
			}
		}
	}
	for _, m := range eobj.Members {
		if n := name(m); !owned[n] && !contains(ed.kept, n) {
			ed.kept = append(ed.kept, n)
		}
	}
	return nil
}

// owns reports whether key of an existing entry is mystatus's to update:
// the command line only.
func (ed *editor) owns(key string) bool {
	for _, k := range ed.sp.cmdKeys {
		if k == key {
			return true
		}
	}
	return false
}

// replace sets v's value to val (rendered for a member indented ind)
// unless it already equals it.
func (ed *editor) replace(v *hujson.Value, ind string, val any, path string) {
	st := ed.st
	if oneLine(v.Value) {
		st.inline = true // the user wrote it on one line: so does mystatus
	}
	text := render(val, ind, st)
	old := hujson.Value{Value: v.Value}.Clone()
	old.Minimize()
	if n := compactJSON(text); string(old.Pack()) != n {
		nv, _ := hujson.Parse([]byte(text)) // render writes valid JSON
		v.Value = nv.Value
		ed.changes = append(ed.changes, Change{Path: path, Old: string(old.Pack()), New: n})
	}
}

// add appends "key": val as the last member of obj (whose own line is
// indented objInd), on its own line like its siblings. Comments before the
// closing brace end up above the new member, and a trailing
// comma style is kept.
func (ed *editor) add(obj *hujson.Object, objInd, key string, val any, path string, shown any) {
	ind := memberIndent(obj, objInd, ed.st)
	st := ed.st
	inline := !st.compact && len(obj.Members) > 0 && oneLine(obj)
	if inline {
		st.inline = true // an object on one line grows on that line
	}
	nv, _ := hujson.Parse([]byte(render(val, ind, st))) // render writes valid JSON
	m := hujson.ObjectMember{
		Name:  hujson.Value{Value: hujson.String(key)},
		Value: hujson.Value{Value: nv.Value},
	}
	trailing := len(obj.Members) > 0 && obj.Members[len(obj.Members)-1].Value.AfterExtra != nil
	if trailing {
		m.Value.AfterExtra = hujson.Extra{}
	}
	switch {
	case inline:
		m.Name.BeforeExtra = hujson.Extra(" ")
		m.Value.BeforeExtra = hujson.Extra(" ")
	case !ed.st.compact:
		nl := ed.st.nl
		// What stood before the brace (comments) goes above the new member.
		kept := bytes.TrimRight(obj.AfterExtra, " \t")
		kept = bytes.TrimSuffix(bytes.TrimSuffix(kept, []byte("\n")), []byte("\r"))
		m.Name.BeforeExtra = append(bytes.Clone(kept), nl+ind...)
		m.Value.BeforeExtra = hujson.Extra(" ")
		obj.AfterExtra = hujson.Extra(nl + objInd)
	}
	obj.Members = append(obj.Members, m)
	ed.changes = append(ed.changes, Change{Path: path, New: compactJSON(render(shown, "", style{compact: true}))})
}

// member returns the last member of obj named key (the one JSON.parse and
// OpenCode keep), or nil.
func member(obj *hujson.Object, key string) *hujson.ObjectMember {
	for i := len(obj.Members) - 1; i >= 0; i-- {
		if name(obj.Members[i]) == key {
			return &obj.Members[i]
		}
	}
	return nil
}

// name is a member's decoded name.
func name(m hujson.ObjectMember) string {
	lit, _ := m.Name.Value.(hujson.Literal)
	var s string
	_ = json.Unmarshal(lit, &s) // hujson only accepts valid strings as names
	return s
}

func valueObject(m *hujson.ObjectMember) (*hujson.Object, bool) {
	if m == nil {
		return nil, false
	}
	o, ok := m.Value.Value.(*hujson.Object)
	return o, ok
}

// memberIndent is the indentation of obj's members: that of its first
// member when it starts a line, else one level deeper than obj's line.
func memberIndent(obj *hujson.Object, objInd string, st style) string {
	if st.compact {
		return ""
	}
	if len(obj.Members) > 0 {
		before := obj.Members[0].Name.BeforeExtra
		if i := bytes.LastIndexByte(before, '\n'); i >= 0 && len(bytes.Trim(before[i+1:], " \t")) == 0 {
			return string(before[i+1:])
		}
	}
	return objInd + st.unit
}

// detectStyle takes the indentation unit from the top-level object's first
// member (two spaces when it shares a line with the brace) and the line
// ending from the file. A one-line document with members stays on one line.
func detectStyle(src []byte, root *hujson.Object) style {
	if len(root.Members) > 0 && oneLine(root) {
		return style{compact: true}
	}
	st := style{unit: "  ", nl: "\n"}
	if bytes.Contains(src, []byte("\r\n")) {
		st.nl = "\r\n"
	}
	if ind := memberIndent(root, "", style{}); ind != "" {
		st.unit = ind
	}
	return st
}

// oneLine reports whether v is written without a line break.
func oneLine(v hujson.ValueTrimmed) bool {
	return !bytes.ContainsRune(hujson.Value{Value: v}.Pack(), '\n')
}

// compactJSON is text without insignificant whitespace.
func compactJSON(text string) string {
	v, err := hujson.Parse([]byte(text))
	if err != nil {
		return text
	}
	v.Minimize()
	return string(v.Pack())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
