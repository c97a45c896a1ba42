package render

import (
	"testing"

	"github.com/mystatus/mystatus/i18n"
)

// BenchmarkMarkdown renders the sample report (every kind of row) in each
// language.
func BenchmarkMarkdown(b *testing.B) {
	rep := sample()
	for _, lang := range i18n.Languages {
		b.Run(lang, func(b *testing.B) {
			loc := i18n.New(lang)
			opts := Options{Now: now}
			b.ReportAllocs()
			for b.Loop() {
				if Markdown(rep, loc, opts) == "" {
					b.Fatal("empty report")
				}
			}
		})
	}
}

// BenchmarkJSON builds the JSON document of the sample report.
func BenchmarkJSON(b *testing.B) {
	rep := sample()
	loc := i18n.New("en")
	opts := Options{Now: now}
	b.ReportAllocs()
	for b.Loop() {
		JSON(rep, loc, opts)
	}
}

// BenchmarkLine renders the one-line summary of the sample report.
func BenchmarkLine(b *testing.B) {
	rep := sample()
	loc := i18n.New("en")
	opts := Options{Now: now}
	b.ReportAllocs()
	for b.Loop() {
		Line(rep, loc, opts)
	}
}
