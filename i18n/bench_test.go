package i18n

import (
	"testing"
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

// BenchmarkLoadCatalogs builds the bundle of one language (English plus
// French) as the first localizer of a process does: the catalog share of
// a mystatus start-up. The English catalog is parsed once per process.
func BenchmarkLoadCatalogs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bundleFor("fr"); err != nil {
			b.Fatal(err)
		}
	}
}
