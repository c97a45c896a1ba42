package i18n

import (
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// BenchmarkT renders a message without and with template data, the two
// shapes the renderer uses for every row.
func BenchmarkT(b *testing.B) {
	for _, lang := range Languages {
		loc := New(lang)
		b.Run(lang+"/plain", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				loc.T("platform.anthropic.name", nil)
			}
		})
		b.Run(lang+"/data", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				loc.T("line.pct", map[string]any{"Pct": 42})
			}
		})
	}
}

// BenchmarkN renders a plural message.
func BenchmarkN(b *testing.B) {
	loc := New("fr")
	b.ReportAllocs()
	for b.Loop() {
		loc.N("line.overage", 3, nil)
	}
}

// BenchmarkNew looks up a shared localizer, as every request of the host
// does.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New("zh_CN.UTF-8")
	}
}

// BenchmarkLoadCatalogs parses every embedded catalog into a fresh
// bundle, as the package does once at process start: the start-up cost
// of every mystatus process.
func BenchmarkLoadCatalogs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		bundle := goi18n.NewBundle(language.English)
		for _, l := range Languages {
			if _, err := bundle.LoadMessageFileFS(catalogs, "active."+l+".json"); err != nil {
				b.Fatal(err)
			}
		}
	}
}
