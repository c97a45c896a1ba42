// Package sample is what a platform's [provider.Demoer] needs to serve its
// part of `mystatus demo`: sample bodies written as text/template files
// dated relative to the demo's start, and the small replies of a fake
// endpoint. It knows no platform; each platform package embeds its own
// bodies (lib/provider/<name>/demodata).
//
// [provider.Demoer]: https://pkg.go.dev/github.com/mystatus/mystatus/lib/provider#Demoer
package sample

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"text/template"
	"time"
)

// Slack is added to every duration a body names. The report is rendered
// a moment after the bodies are served and countdowns are truncated to
// the minute: half a minute keeps "resets in 2h 14m" from showing as
// "2h 13m".
const Slack = 30 * time.Second

// Bodies are the parsed sample bodies of one platform for one demo start.
type Bodies struct {
	tmpl *template.Template
	now  time.Time
}

// Parse parses the bodies in fsys matching pattern (as [fs.Glob]), each
// named by its base name, for a demo started at now. A body may use:
//
//	{{at "2h"}}    the RFC 3339 instant 2 h (+ [Slack]) after now
//	{{unix "2h"}}  the same instant in Unix seconds
//	{{ms "2h"}}    the same instant in Unix milliseconds
//	{{secs "2h"}}  the duration itself in seconds
//	{{.Now}}       now in UTC, and the fields of the data passed to Render
func Parse(fsys fs.FS, pattern string, now time.Time) (*Bodies, error) {
	dur := func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		return d + Slack, err
	}
	funcs := template.FuncMap{
		"at": func(d string) (string, error) {
			v, err := dur(d)
			return now.Add(v).UTC().Format(time.RFC3339), err
		},
		"unix": func(d string) (int64, error) { v, err := dur(d); return now.Add(v).Unix(), err },
		"ms":   func(d string) (int64, error) { v, err := dur(d); return now.Add(v).UnixMilli(), err },
		"secs": func(d string) (int64, error) { v, err := dur(d); return int64(v / time.Second), err },
	}
	tmpl, err := template.New("").Funcs(funcs).Option("missingkey=error").ParseFS(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	return &Bodies{tmpl: tmpl, now: now}, nil
}

// Render renders the body named name (its base name) with data, whose
// "Now" key is set to the demo's start in UTC, and checks that it is
// JSON.
func (b *Bodies) Render(name string, data map[string]any) ([]byte, error) {
	v := map[string]any{}
	for k, x := range data {
		v[k] = x
	}
	v["Now"] = b.now.UTC()
	var buf bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&buf, path.Base(name), v); err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	if !json.Valid(buf.Bytes()) {
		return nil, fmt.Errorf("demo data: %s is not valid JSON", name)
	}
	return buf.Bytes(), nil
}

// Reply answers with a JSON body and status.
func Reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// Bearer returns the token of an "Authorization: Bearer …" header, "" when
// there is none.
func Bearer(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return tok
}
