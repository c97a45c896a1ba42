package doctor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/explain"
)

// sections groups checks under headings, in order.
var sections = []struct {
	id     string
	checks []string
}{
	{"doctor.section.config", []string{CheckConfig}},
	{"doctor.section.credentials", []string{CheckFile, CheckPermissions, CheckCredentials, CheckExpiry, CheckAccounts, CheckManager, CheckPlatforms}},
	{"doctor.section.endpoints", []string{CheckEndpoint}},
	{"doctor.section.reachability", []string{CheckReachability}},
}

var icons = map[Severity]string{OK: "✅", Warn: "⚠️", Error: "❌"}

// Render formats rep as markdown in loc's language: a section per group of
// checks, one line per finding, and for every problem its meaning, the
// numbered steps and the detail; then a summary line.
func Render(rep Report, loc *i18n.Localizer) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line("# " + loc.T("doctor.title", nil))
	errs, warns := 0, 0
	for _, sec := range sections {
		var fs []Finding
		for _, f := range rep.Findings {
			if slices.Contains(sec.checks, f.Check) {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		line("")
		line("## " + loc.T(sec.id, nil))
		for _, f := range fs {
			line("")
			head := f.Title
			if f.Severity != OK {
				head = "**" + head + "**"
			}
			if who := who(loc, f); who != "" {
				head = loc.T("doctor.item", map[string]any{"Who": who, "Title": head})
			}
			line(icons[f.Severity] + " " + head)
			switch f.Severity {
			case Error:
				errs++
			case Warn:
				warns++
			}
			if f.Severity == OK {
				continue
			}
			if f.Meaning != "" {
				line("")
				line(f.Meaning)
			}
			if len(f.Steps) > 0 {
				line("")
			}
			for i, s := range f.Steps {
				line(fmt.Sprintf("%d. %s", i+1, s))
			}
			if f.Detail != "" {
				line("")
				line(loc.T("doctor.detail", map[string]any{"Detail": strings.ReplaceAll(f.Detail, "`", "'")}))
			}
		}
	}
	line("")
	if errs+warns == 0 {
		line(loc.T("doctor.summary.ok", nil))
	} else {
		line(loc.T("doctor.summary.attention", map[string]any{
			"Errors":   loc.N("doctor.summary.errors", errs, nil),
			"Warnings": loc.N("doctor.summary.warnings", warns, nil),
		}))
	}
	return b.String()
}

// who names the platform and account a finding is about.
func who(loc *i18n.Localizer, f Finding) string {
	switch {
	case f.Platform == "" && f.Account == "":
		return ""
	case f.Platform == "":
		return f.Account
	case f.Account == "":
		return explain.PlatformName(loc, f.Platform)
	}
	return loc.T("doctor.who_account", map[string]any{"Platform": explain.PlatformName(loc, f.Platform), "Account": f.Account})
}
