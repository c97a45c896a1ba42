package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/mystatus/mystatus/i18n"
)

// flags are a command's options: the definitions live in a flag.FlagSet
// (its Value types parse and hold the values), the help text and the
// placeholder are localized here.
//
// The parsing loop is our own rather than FlagSet.Parse because the flag
// package writes its errors in English with single-dash names ("flag
// provided but not defined: -bogus") and stops at the first positional
// argument; we want GNU-style "--name" messages in the user's language and
// options anywhere on the line (`mystatus init zed --write`).
type flags struct {
	fs    *flag.FlagSet
	loc   *i18n.Localizer
	order []string          // definition order, for the help
	meta  map[string]string // placeholder shown after the name ("DURATION")
	help  map[string]string // localized help line
	set   map[string]bool   // flags given on the command line
}

func newFlags(name string, loc *i18n.Localizer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flags{fs: fs, loc: loc, meta: map[string]string{}, help: map[string]string{}, set: map[string]bool{}}
}

func (f *flags) add(name, meta, help string) {
	f.order = append(f.order, name)
	f.meta[name] = meta
	f.help[name] = help
}

// String, Bool, Duration and Int define an option; help is a catalog id
// rendered with data, meta the placeholder in the help.
func (f *flags) String(p *string, name, meta, def, help string, data map[string]any) {
	f.fs.StringVar(p, name, def, "")
	f.add(name, meta, f.loc.T(help, data))
}

func (f *flags) Bool(p *bool, name, help string) {
	f.fs.BoolVar(p, name, false, "")
	f.add(name, "", f.loc.T(help, nil))
}

func (f *flags) Duration(p *time.Duration, name string, def time.Duration, help string) {
	f.fs.DurationVar(p, name, def, "")
	f.add(name, f.loc.T("cli.meta.duration", nil), f.loc.T(help, nil))
}

func (f *flags) Int(p *int, name, meta string, def int, help string) {
	f.fs.IntVar(p, name, def, "")
	f.add(name, meta, f.loc.T(help, nil))
}

// Was reports whether the option was given on the command line.
func (f *flags) Was(name string) bool { return f.set[name] }

// errHelp asks for the command's help (-h or --help).
var errHelp = fmt.Errorf("help requested")

// parse sets the options found in args and returns the other arguments.
// "--" ends the options; "-h" and "--help" return errHelp. Both "-name"
// and "--name" are accepted, with the value as "=value" or as the next
// argument.
func (f *flags) parse(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		value, hasValue := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, value, hasValue = k, v, true
		}
		if name == "h" || name == "help" {
			return nil, errHelp
		}
		fl := f.fs.Lookup(name)
		if fl == nil || name == "" || strings.HasPrefix(name, "-") {
			shown := "--" + name
			if name == "" || strings.HasPrefix(name, "-") {
				shown = a
			}
			return nil, usageErrorf(f.loc.T("cli.flag.unknown", map[string]any{"Flag": shown}))
		}
		if bf, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			if !hasValue {
				value, hasValue = "true", true
			}
		} else if !hasValue {
			if i+1 >= len(args) {
				return nil, usageErrorf(f.loc.T("cli.flag.missing", map[string]any{"Flag": "--" + name}))
			}
			i++
			value = args[i]
		}
		if err := f.fs.Set(name, value); err != nil {
			return nil, usageErrorf(f.loc.T("cli.flag.invalid", map[string]any{
				"Flag": "--" + name, "Value": value, "Expected": f.expected(fl)}))
		}
		f.set[name] = true
	}
	return rest, nil
}

// expected describes, localized, what a flag's value must look like.
func (f *flags) expected(fl *flag.Flag) string {
	switch fl.Value.(flag.Getter).Get().(type) {
	case time.Duration:
		return f.loc.T("cli.flag.expect.duration", nil)
	case int:
		return f.loc.T("cli.flag.expect.int", nil)
	case bool:
		return f.loc.T("cli.flag.expect.bool", nil)
	}
	return f.loc.T("cli.flag.expect.text", nil)
}

// usage renders the option list, one aligned line per option, -h last.
func (f *flags) usage() string {
	type line struct{ left, help string }
	var lines []line
	width := 0
	for _, name := range f.order {
		left := "--" + name
		if m := f.meta[name]; m != "" {
			left += " " + m
		}
		lines = append(lines, line{left, f.help[name]})
	}
	lines = append(lines, line{"-h, --help", f.loc.T("cli.flag.help", nil)})
	for _, l := range lines {
		width = max(width, cells(l.left))
	}
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "  %s%s  %s\n", l.left, strings.Repeat(" ", width-cells(l.left)), l.help)
	}
	return b.String()
}

// cells is the width of s in terminal cells: Chinese placeholders take two
// cells per character, so alignment counts them twice.
func cells(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
