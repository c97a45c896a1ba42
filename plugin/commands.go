package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/render"
	"github.com/mystatus/mystatus/lib/report"
)

// Command is one entry of the host's registry. Each command is exposed as
// an MCP tool, an MCP prompt (slash command) and a native tool.
type Command struct {
	// Name is the tool and prompt name.
	Name string
	// Title, Description and Template are catalog message IDs: the
	// human title, what the command does, and the instruction a slash
	// command sends to the model (call the tool, show its output).
	Title, Description, Template string
	// Input returns the JSON Schema of the arguments, described in loc's
	// language: any value that encodes to it (the mystatus command's is
	// a struct, its fields in the order its keys sort).
	Input func(loc *i18n.Localizer) any
	// Output is the JSON Schema of Output.Doc (nil when there is none).
	Output json.RawMessage
	// Run executes the command. Invalid arguments are reported in
	// Output.Invalid, never as an error.
	Run func(ctx context.Context, env Env, args gjson.Result) Output
}

// Env is what a command runs with.
type Env struct {
	Service *report.Service
	// Lang is the language when the arguments name none.
	Lang   string
	Now    func() time.Time
	Render render.Options
	// Progress reports work done so far; message is for humans.
	Progress func(done, total int, message string)
	// Memo, when set, reuses the rendering of reports served wholly from
	// the cache.
	Memo *Memo
}

// Memo remembers rendered outputs of reports made wholly from the report
// service's cache, keyed by everything the rendering depends on: the
// arguments, the cache generation and the minute (countdowns are shown
// to the minute). Rendering is most of a cached call's cost.
type Memo struct {
	mu      sync.Mutex
	entries map[string]Output
}

// memoSize bounds the entries kept; the map is simply reset when full.
const memoSize = 64

func (m *Memo) get(key string) (Output, bool) {
	if m == nil {
		return Output{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out, ok := m.entries[key]
	return out, ok
}

func (m *Memo) put(key string, out Output) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil || len(m.entries) >= memoSize {
		m.entries = make(map[string]Output, memoSize)
	}
	m.entries[key] = out
}

// Output is what a command produced.
type Output struct {
	// Text is the human result (markdown, or JSON when asked).
	Text string
	// Doc is the structured result.
	Doc any
	// Locale is the language used.
	Locale string
	// JSON is true when Text is the JSON document (format "json").
	JSON bool
	// Invalid, when set, explains in Locale why the arguments were
	// rejected; Text and Doc are then empty.
	Invalid string

	// wire holds the JSON of the reply's parts, encoded once, for an
	// output the memo keeps: a cached call is then written, not encoded.
	wire *wire
}

// commands is the registry, in listing order.
var commands = []*Command{mystatusCommand}

// lookup returns the command called name.
func lookup(name string) *Command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// platformIDs are the values the platforms argument accepts: the
// registry's ids, in report order, listed on first use (not at start-up,
// which every command pays).
var platformIDs = sync.OnceValue(all.IDs)

var mystatusCommand = &Command{
	Name:        "mystatus",
	Title:       "plugin.mystatus.title",
	Description: "plugin.mystatus.description",
	Template:    "plugin.mystatus.template",
	Input: func(loc *i18n.Localizer) any {
		ids := make([]string, len(platformIDs()))
		for i, p := range platformIDs() {
			ids[i] = string(p)
		}
		return &objectSchema{
			Type: "object",
			Properties: statusProperties{
				Lang: schemaProp{Type: "string", Description: loc.T("plugin.mystatus.arg.lang", nil)},
				Platforms: schemaProp{
					Type:        "array",
					Items:       &schemaProp{Type: "string", Enum: ids},
					Description: loc.T("plugin.mystatus.arg.platforms", nil),
				},
				Format:  schemaProp{Type: "string", Enum: formats, Description: loc.T("plugin.mystatus.arg.format", nil)},
				Refresh: schemaProp{Type: "boolean", Description: loc.T("plugin.mystatus.arg.refresh", nil)},
			},
			AdditionalProperties: false,
		}
	},
	Output: render.Schema(),
	Run:    runMystatus,
}

// formats are the values of the format argument.
var formats = []string{"markdown", "json"}

// statusArgs are the validated arguments of the mystatus command.
type statusArgs struct {
	lang      string
	platforms []quota.PlatformID
	json      bool
	refresh   bool
}

// parseStatusArgs validates args. It always returns the language to
// answer in; problem is a localized explanation when args are invalid.
func parseStatusArgs(args gjson.Result, lang string) (a statusArgs, problem string) {
	a.lang = lang
	if l := args.Get("lang"); args.IsObject() && l.Type == gjson.String && i18n.Normalize(l.Str) != "" {
		a.lang = i18n.Match(l.Str)
	}
	loc := i18n.New(a.lang)
	if !args.Exists() || args.Type == gjson.Null {
		return a, ""
	}
	if !args.IsObject() {
		return a, loc.T("plugin.arg.object", nil)
	}
	allowed := "lang, platforms, format, refresh"
	ids := make([]string, len(platformIDs()))
	for i, p := range platformIDs() {
		ids[i] = string(p)
	}
	args.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "lang":
			if v.Type != gjson.String {
				problem = loc.T("plugin.arg.lang", nil)
			}
		case "platforms":
			if !v.IsArray() {
				problem = loc.T("plugin.arg.platforms", map[string]any{"Allowed": strings.Join(ids, ", ")})
				break
			}
			v.ForEach(func(_, p gjson.Result) bool {
				id := quota.PlatformID(p.Str)
				if p.Type != gjson.String || !slices.Contains(platformIDs(), id) {
					problem = loc.T("plugin.arg.platform", map[string]any{"Value": clip(p.String()), "Allowed": strings.Join(ids, ", ")})
					return false
				}
				if !slices.Contains(a.platforms, id) {
					a.platforms = append(a.platforms, id)
				}
				return true
			})
		case "format":
			switch {
			case v.Type == gjson.String && v.Str == "markdown":
			case v.Type == gjson.String && v.Str == "json":
				a.json = true
			default:
				problem = loc.T("plugin.arg.format", nil)
			}
		case "refresh":
			if v.Type != gjson.True && v.Type != gjson.False {
				problem = loc.T("plugin.arg.refresh", nil)
			}
			a.refresh = v.Type == gjson.True
		default:
			problem = loc.T("plugin.arg.unknown", map[string]any{"Name": clip(k.Str), "Allowed": allowed})
		}
		return problem == ""
	})
	return a, problem
}

// clip bounds a value echoed back in an explanation.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func runMystatus(ctx context.Context, env Env, args gjson.Result) Output {
	a, problem := parseStatusArgs(args, env.Lang)
	loc := i18n.New(a.lang)
	if problem != "" {
		return Output{Locale: loc.Lang(), Invalid: problem}
	}
	req := report.Request{Platforms: a.platforms, Refresh: a.refresh}
	if env.Progress != nil {
		req.Progress = func(done, total int, p quota.PlatformID) {
			env.Progress(done, total, render.PlatformName(loc, p))
		}
	}
	gen := env.Service.Generation()
	rep := env.Service.Collect(ctx, req)
	ro := env.Render
	ro.Now = env.Now()
	key := ""
	if fromCache(rep) && env.Service.Generation() == gen {
		key = fmt.Sprintf("%s|%t|%v|%s|%d|%d", loc.Lang(), a.json, a.platforms, ro.Show, gen, ro.Now.Unix()/60)
		if out, ok := env.Memo.get(key); ok {
			return out
		}
	}
	doc := render.JSON(rep, loc, ro)
	out := Output{Doc: doc, Locale: loc.Lang(), JSON: a.json}
	if a.json {
		b, _ := json.MarshalIndent(doc, "", "  ")
		out.Text = string(b)
	} else {
		out.Text = render.Markdown(rep, loc, ro)
	}
	if key != "" {
		kept := out
		kept.wire = &wire{} // encoded by the first call the memo answers
		env.Memo.put(key, kept)
	}
	return out
}

// fromCache reports whether every platform of rep was served from the
// report cache.
func fromCache(rep quota.Report) bool {
	if len(rep.Results) == 0 {
		return false
	}
	for _, r := range rep.Results {
		if !r.Cached {
			return false
		}
	}
	return true
}
