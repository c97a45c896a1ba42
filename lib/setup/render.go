package setup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mystatus/mystatus/i18n"
)

// ErrKind classifies an [Error].
type ErrKind string

// The error kinds.
const (
	ErrClient    ErrKind = "client"     // unknown client name
	ErrNoHome    ErrKind = "no_home"    // no home directory to find the config in
	ErrNoProject ErrKind = "no_project" // no project directory given
	ErrParse     ErrKind = "parse"      // the config file is not valid JSON/JSONC or has the wrong shape
	ErrIO        ErrKind = "io"         // reading, backing up or writing failed
	ErrNoClient  ErrKind = "no_client"  // no client name given
	ErrGoRun     ErrKind = "go_run"     // running from Go's build cache with no mystatus on PATH
)

// Error is why Snippet or Write failed. When Write fails the config file
// is left as it was. Render it with [Error.Render]; Error() is English.
type Error struct {
	Kind   ErrKind
	Client Client // ErrClient: the name given
	Path   string // ErrParse, ErrIO: the file
	// ErrParse: Reason is a syntax reason code (with Line, Col and, for
	// an unexpected character, Char), "top" when the document is not an
	// object, or "not_object" when member Key is not an object.
	Line, Col int
	Reason    string
	Char      string
	Key       string
	Err       error // ErrIO: the cause
}

func (e *Error) Error() string { return e.Render(i18n.New("en")) }

// Unwrap returns the I/O cause.
func (e *Error) Unwrap() error { return e.Err }

// Render returns the localized message.
func (e *Error) Render(loc *i18n.Localizer) string {
	names := make([]string, len(Clients))
	for i, c := range Clients {
		names[i] = string(c)
	}
	switch e.Kind {
	case ErrClient:
		return loc.T("setup.err.client", map[string]any{"Client": string(e.Client), "Choices": strings.Join(names, ", ")})
	case ErrNoClient:
		return loc.T("setup.err.no_client", map[string]any{"Choices": strings.Join(names, ", ")})
	case ErrGoRun:
		return loc.T("setup.err.go_run", map[string]any{"Path": e.Path, "Client": string(e.Client)})
	case ErrNoHome:
		return loc.T("setup.err.no_home", nil)
	case ErrNoProject:
		return loc.T("setup.err.no_project", nil)
	case ErrParse:
		var why string
		switch e.Reason {
		case "top":
			why = loc.T("setup.why.top", nil)
		case "not_object":
			why = loc.T("setup.why.not_object", map[string]any{"Key": e.Key})
		default:
			what := loc.T("setup.why."+e.Reason, map[string]any{"Char": e.Char})
			why = loc.T("setup.why.at", map[string]any{"Line": e.Line, "Col": e.Col, "What": what})
		}
		return loc.T("setup.err.parse", map[string]any{"File": e.Path, "Why": why})
	}
	cause := ""
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return loc.T("setup.err.io", map[string]any{"File": e.Path, "Err": cause})
}

func ioError(path string, err error) error { return &Error{Kind: ErrIO, Path: path, Err: err} }

// parseError turns a scanner or splice error on src into an *Error.
func parseError(path string, src []byte, err error) error {
	e := &Error{Kind: ErrParse, Path: path}
	var se *syntaxError
	var ne *notObjectError
	switch {
	case errors.As(err, &se):
		e.Reason = se.Reason
		e.Line, e.Col = position(src, se.Offset)
		if se.Reason == whyChar && se.Offset < len(src) {
			r, _ := utf8.DecodeRune(src[se.Offset:])
			if unicode.IsPrint(r) {
				e.Char = strconv.QuoteRune(r)
			} else {
				e.Char = fmt.Sprintf("U+%04X", r)
			}
		}
	case errors.As(err, &ne) && ne.key == "":
		e.Reason = "top"
	case errors.As(err, &ne):
		e.Reason, e.Key = "not_object", ne.key
	default:
		return ioError(path, err)
	}
	return e
}

// position is the 1-based line and column (in characters) of offset.
func position(src []byte, off int) (line, col int) {
	off = min(off, len(src))
	before := src[:off]
	line = 1 + strings.Count(string(before), "\n")
	if i := strings.LastIndexByte(string(before), '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}

// Render returns the instructions: where the text goes, the text itself
// and, for Claude Code, the shell command; for OpenCode also the command
// file. Everything is ready to copy; nothing is indented.
func (s Config) Render(loc *i18n.Localizer) string {
	var b strings.Builder
	if s.Shell != "" {
		b.WriteString(loc.T("setup.snippet.run", nil) + "\n\n" + s.Shell + "\n\n")
		b.WriteString(loc.T("setup.snippet.add_project", map[string]any{"File": s.Path}) + "\n\n")
	} else if s.Plugin != "" {
		b.WriteString(loc.T("setup.snippet.plugin", map[string]any{"File": s.Path}) + "\n\n" + s.Plugin + "\n")
		b.WriteString(loc.T("setup.snippet.or_mcp", map[string]any{"File": s.Path}) + "\n\n")
	} else {
		b.WriteString(loc.T("setup.snippet.add", map[string]any{"File": s.Path}) + "\n\n")
	}
	b.WriteString(s.Text + "\n")
	if s.CommandPath != "" {
		b.WriteString(loc.T("setup.snippet.command_file", map[string]any{"File": s.CommandPath}) + "\n\n")
		b.WriteString(s.CommandText + "\n")
	}
	b.WriteString(loc.T("setup.snippet.write", map[string]any{"File": s.Path}) + "\n")
	return b.String()
}

// Render returns one line per file (written with its backup, created, or
// already up to date) and what to do next in the client.
func (r Result) Render(loc *i18n.Localizer) string {
	var b strings.Builder
	for _, f := range r.Files {
		data := map[string]any{"File": f.Path, "Backup": f.Backup}
		switch f.Action {
		case Created:
			b.WriteString(loc.T("setup.file.created", data))
		case Updated:
			b.WriteString(loc.T("setup.file.updated", data))
		default:
			b.WriteString(loc.T("setup.file.unchanged", data))
		}
		b.WriteByte('\n')
		for _, c := range f.Changes {
			id := "setup.change.updated"
			if c.Old == "" {
				id = "setup.change.added"
			}
			b.WriteString(loc.T(id, map[string]any{"Path": c.Path, "Old": c.Old, "New": c.New}) + "\n")
		}
		if len(f.Kept) > 0 {
			b.WriteString(loc.T("setup.change.kept", map[string]any{"Names": strings.Join(f.Kept, ", ")}) + "\n")
		}
	}
	b.WriteString(loc.T("setup.next."+string(r.Client), nil) + "\n")
	return b.String()
}
