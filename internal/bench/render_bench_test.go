package bench

import (
	"context"
	"testing"
	"time"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// BenchmarkRenderManyAccounts renders row 2's 500-account report (what the
// fakes answer, collected once): the last step of the report's critical
// path, after every account has answered.
func BenchmarkRenderManyAccounts(b *testing.B) {
	paths, f := googleFixture(b, 500, 0)
	svc := service(paths, GoogleSettings(f.URL))
	rep := svc.Collect(context.Background(), report.Request{})
	if rep.Failed() || len(rep.Results) != 1 || len(rep.Results[0].Accounts) != 500 {
		b.Fatalf("the 500-account report failed or is incomplete: %+v", rep.Results)
	}
	loc := i18n.New("en")
	for b.Loop() {
		render.Markdown(rep, loc, render.Options{Now: time.Now(), Location: time.UTC})
	}
	b.ReportMetric(float64(len(render.Markdown(rep, loc, render.Options{Now: time.Now(), Location: time.UTC}))), "bytes")
}
