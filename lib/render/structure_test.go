package render_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/cli"
	"github.com/mystatus/mystatus/lib/demo"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

var htmlDir = flag.String("html", "", "also write each agent-form report, rendered to HTML by goldmark (GFM), into this directory")

var demoNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// demoReport collects the built-in demo (fake platforms on loopback).
func demoReport(t *testing.T) (quota.Report, auth.Paths) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env, err := demo.Start(ctx, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	deps := env.Deps(provider.Deps{HTTP: httpx.New(5 * time.Second), Now: func() time.Time { return demoNow }})
	svc := &report.Service{Providers: all.Providers(deps), Timeout: 5 * time.Second,
		Now: func() time.Time { return demoNow }, Demo: true}
	return svc.Collect(ctx, report.Request{}), env.Paths
}

// faultReport has every failure shape with real explanations (meaning and
// fix steps) and hostile upstream strings.
func faultReport() quota.Report {
	now := demoNow
	return quota.Report{GeneratedAt: now, Results: []quota.Result{
		{Platform: "openai", Accounts: []quota.Account{{Name: "evil\x1b[2J*name*|x", Plan: "<b>plus</b>", Windows: []quota.Window{
			{Kind: quota.KindRate, Period: 5 * time.Hour, UsedPct: 1.2e29, ResetAt: now.Add(time.Hour)},
			{Kind: quota.KindRate, Period: 7 * 24 * time.Hour, UsedPct: -46, ResetAt: now.Add(48 * time.Hour)},
		}}}},
		{Platform: "antigravity", Accounts: []quota.Account{
			{Name: "a@gmail.com", Windows: []quota.Window{
				{Kind: quota.KindModel, Name: "Gemini | Pro\nfake row", Compact: true, UsedPct: 90, ResetAt: now.Add(time.Hour)},
				{Kind: quota.KindModel, Name: "Claude", Compact: true, UsedPct: 100, ResetAt: now.Add(2 * time.Hour)},
			}},
			{Name: "b@gmail.com", Err: &quota.Error{Kind: quota.KindProjectMissing}},
		}},
		{Platform: "zhipu", Err: &quota.Error{Kind: quota.KindRateLimited, Status: 429, Detail: "slow \x1b]0;pwned\x07down", RetryAfter: time.Minute}},
		{Platform: "zai", Err: &quota.Error{Kind: quota.KindUnauthorized, Status: 401, Detail: "token expired or incorrect"}},
	}}
}

func parse(t *testing.T, md string) (ast.Node, []byte) {
	t.Helper()
	src := []byte(md)
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	return gm.Parser().Parse(text.NewReader(src)), src
}

// nodeText is the literal text under n.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch x := c.(type) {
		case *ast.Text:
			b.Write(x.Segment.Value(src))
			if x.SoftLineBreak() || x.HardLineBreak() {
				b.WriteByte('\n')
			}
		case *ast.String:
			b.Write(x.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// checkStructure asserts the agent form renders block by block.
func checkStructure(t *testing.T, rep quota.Report, md string, steps int) {
	t.Helper()
	doc, src := parse(t, md)
	var compact, breakdown, headings, warnings, ordered, tableRows int
	for _, res := range rep.Results {
		for _, a := range res.Accounts {
			if a.Err != nil {
				continue
			}
			for _, w := range a.Windows {
				if w.Compact {
					compact++
				}
			}
			breakdown += len(a.Breakdown)
		}
	}
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "#") {
			headings++
		}
		if strings.HasPrefix(l, "⚠️") || strings.HasPrefix(l, "⛔") || strings.HasPrefix(l, "⏳") {
			warnings++
		}
	}
	var gotHeadings, gotWarnings int
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch x := n.(type) {
		case *ast.Heading:
			gotHeadings++
		case *ast.Paragraph:
			s := nodeText(x, src)
			hasSoft := false
			for c := x.FirstChild(); c != nil; c = c.NextSibling() {
				if tx, ok := c.(*ast.Text); ok && tx.SoftLineBreak() {
					hasSoft = true
				}
			}
			if hasSoft {
				t.Errorf("paragraph merges lines when rendered:\n%s", s)
			}
			if n := strings.Count(s, "█") + strings.Count(s, "░"); n > 0 && countBars(s) > 1 {
				t.Errorf("paragraph holds %d windows:\n%s", countBars(s), s)
			}
			if w := strings.Count(s, "⚠️") + strings.Count(s, "⛔") + strings.Count(s, "⏳"); w > 0 {
				gotWarnings++
				if w > 1 {
					t.Errorf("paragraph holds %d warnings:\n%s", w, s)
				}
				if _, top := x.Parent().(*ast.Document); !top {
					t.Errorf("warning is not a paragraph of its own: %q", s)
				}
			}
		case *ast.List:
			if x.IsOrdered() {
				ordered += x.ChildCount()
			}
		case *east.TableRow:
			tableRows++
		}
		return ast.WalkContinue, nil
	})
	if gotHeadings != headings {
		t.Errorf("%d lines start with #, %d headings", headings, gotHeadings)
	}
	if gotWarnings != warnings {
		t.Errorf("%d warning lines, %d warning paragraphs", warnings, gotWarnings)
	}
	if tableRows != compact+breakdown {
		t.Errorf("%d table rows, want one per compact window and breakdown line (%d)", tableRows, compact+breakdown)
	}
	if ordered != steps {
		t.Errorf("%d ordered list items, want one per fix step (%d)", ordered, steps)
	}
}

// countBars counts runs of bar cells.
func countBars(s string) int {
	n, in := 0, false
	for _, r := range s {
		bar := r == '█' || r == '░'
		if bar && !in {
			n++
		}
		in = bar
	}
	return n
}

func TestMarkdownStructure(t *testing.T) {
	demoRep, paths := demoReport(t)
	explain := cli.Explainer(paths, all.Providers(provider.Deps{Auth: auth.NewStore(paths)}))
	reports := map[string]quota.Report{"sample": render.Sample(), "demo": demoRep, "faults": faultReport()}
	for name, rep := range reports {
		for _, lang := range i18n.Languages {
			t.Run(name+"/"+lang, func(t *testing.T) {
				loc := i18n.New(lang)
				opts := render.Options{Now: rep.GeneratedAt, Location: time.UTC, Explain: explain}
				md := render.Markdown(rep, loc, opts)
				steps := 0
				for _, res := range rep.Results {
					errs := []error{res.Err}
					for _, a := range res.Accounts {
						errs = append(errs, a.Err)
					}
					for _, err := range errs {
						if err != nil {
							steps += len(explain(loc, res.Platform, err).Steps)
						}
					}
				}
				checkStructure(t, rep, md, steps)
				if *htmlDir != "" {
					writeHTML(t, filepath.Join(*htmlDir, name+"."+lang+".html"), lang, md)
				}
			})
		}
	}
}

func writeHTML(t *testing.T, path, lang, md string) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("<!doctype html><meta charset=utf-8><html lang=" + lang + "><style>body{font-family:sans-serif;max-width:900px;margin:1em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}</style><body>\n")
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStructureCheckBites makes sure the structure check can fail: the
// terminal form, plain lines, does merge into paragraphs when rendered.
func TestStructureCheckBites(t *testing.T) {
	md := render.Markdown(render.Sample(), i18n.New("en"), render.Options{Now: time.Now(), Terminal: true})
	doc, _ := parse(t, md)
	merged := 0
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if tx, ok := n.(*ast.Text); ok && entering && tx.SoftLineBreak() {
			merged++
		}
		return ast.WalkContinue, nil
	})
	if merged == 0 {
		t.Error("the terminal form has no merged lines: the structure check would not notice any")
	}
}
