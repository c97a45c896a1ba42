package plugin

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/render"
)

// MCP protocol revisions.
const (
	// ModernVersion is the stateless revision: no handshake, per-request
	// _meta.
	ModernVersion = "2026-07-28"
	// LatestLegacyVersion is answered to an initialize asking for a
	// version the host does not know.
	LatestLegacyVersion = "2025-11-25"
	// structuredSince is the first revision with structuredContent and
	// outputSchema.
	structuredSince = "2025-06-18"
)

// legacyVersions are the initialize-based revisions, newest first.
var legacyVersions = []string{LatestLegacyVersion, "2025-06-18", "2025-03-26", "2024-11-05"}

// supportedVersions is every revision the host speaks, newest first.
var supportedVersions = append([]string{ModernVersion}, legacyVersions...)

// Per-request _meta keys of the 2026-07-28 revision.
const (
	metaProtocolVersion    = "io.modelcontextprotocol/protocolVersion"
	metaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
	metaServerInfo         = "io.modelcontextprotocol/serverInfo"
)

// metaPath is the gjson path of a _meta key (its dots escaped).
func metaPath(key string) string { return "_meta." + gjson.Escape(key) }

// promptBudget is how long prompts/get waits for a report before it
// answers with an instruction instead (OpenCode gives up after 5 s).
const promptBudget = 3 * time.Second

// negotiate decides the era of an MCP request. A request whose _meta
// names 2026-07-28 is modern (and must carry client capabilities); one
// naming a legacy revision follows it; one naming anything else (an
// unknown date, a number) is refused with -32022 and the list, so the
// client can retry; a request without it follows the revision negotiated
// by initialize.
func (c *call) negotiate() *jsonrpc2.Error {
	pv := c.params.Get(metaPath(metaProtocolVersion))
	switch {
	case !pv.Exists():
	case pv.Type == gjson.String && pv.Str == ModernVersion:
		if !c.params.Get(metaPath(metaClientCapabilities)).IsObject() {
			return invalidParams("missing _meta field " + metaClientCapabilities)
		}
		c.modern, c.version = true, ModernVersion
		return nil
	case pv.Type == gjson.String && slices.Contains(legacyVersions, pv.Str):
		c.version = pv.Str
		return nil
	default:
		e := &jsonrpc2.Error{Code: CodeUnsupportedProtocolVersion, Message: "unsupported protocol version: " + clip(pv.String()) + "; supported: " + strings.Join(supportedVersions, ", ")}
		e.SetError(obj{"supported": supportedVersions, "requested": json.RawMessage(pv.Raw)})
		return e
	}
	c.h.mu.Lock()
	c.version = c.h.legacyPV
	c.h.mu.Unlock()
	return nil
}

// structured reports whether results may carry structuredContent and
// tools an outputSchema. Before any initialize the host assumes a recent
// client.
func (c *call) structured() bool {
	return c.modern || c.version == "" || c.version >= structuredSince
}

// loc is the localizer for host texts, in the default language.
// platformData is the template data of the messages that name every
// platform the host serves ({{.Platforms}}): the registry's list, never a
// list written into a catalog.
func (c *call) platformData(loc *i18n.Localizer) map[string]any {
	var names []string
	if c.h.opts.Service != nil {
		for _, p := range c.h.opts.Service.Providers {
			names = append(names, render.PlatformName(loc, p.ID()))
		}
	}
	return map[string]any{"Platforms": strings.Join(names, loc.T("list.separator", nil))}
}

// loc is the request's language: its own "lang" parameter (PROTOCOL.md
// "Language": per request first), else the host's.
func (c *call) loc() *i18n.Localizer {
	if l := c.params.Get("lang"); c.params.IsObject() && l.Type == gjson.String && i18n.Normalize(l.Str) != "" {
		return i18n.New(l.Str)
	}
	return i18n.New(c.h.lang())
}

func (h *host) serverInfo() obj {
	return obj{"name": "mystatus", "title": "mystatus", "version": h.opts.Version}
}

func capabilities() obj {
	return obj{"tools": obj{}, "prompts": obj{}}
}

// cacheable adds the 2026-07-28 cache fields to a list result. Quota
// data is per user, hence private; the lists are cheap, hence no TTL.
func (c *call) cacheable(m obj) obj {
	if c.modern {
		m["ttlMs"] = 0
		m["cacheScope"] = "private"
	}
	return m
}

// initialize is the legacy handshake: echo a supported version, else
// answer the newest legacy one.
func (c *call) initialize(context.Context) (any, *jsonrpc2.Error) {
	v := LatestLegacyVersion
	if req := c.params.Get("protocolVersion"); slices.Contains(legacyVersions, req.Str) {
		v = req.Str
	}
	c.h.mu.Lock()
	c.h.legacyPV = v
	c.h.mu.Unlock()
	c.h.log.Debug("initialize", "version", v, "client", c.params.Get("clientInfo.name").Str)
	return obj{
		"protocolVersion": v,
		"capabilities":    capabilities(),
		"serverInfo":      c.h.serverInfo(),
		"instructions":    c.loc().T("plugin.instructions", c.platformData(c.loc())),
	}, nil
}

// ping answers {} in both eras (the Go SDK pings in modern mode too).
func (c *call) ping(context.Context) (any, *jsonrpc2.Error) { return obj{}, nil }

// discover is the 2026-07-28 entry point.
func (c *call) discover(context.Context) (any, *jsonrpc2.Error) {
	c.modern = true
	return c.cacheable(obj{
		"supportedVersions": supportedVersions,
		"capabilities":      capabilities(),
		"instructions":      c.loc().T("plugin.instructions", c.platformData(c.loc())),
	}), nil
}

func (c *call) toolsList(context.Context) (any, *jsonrpc2.Error) {
	loc := c.loc()
	tools := make([]obj, 0, len(commands))
	for _, cmd := range commands {
		t := obj{
			"name":        cmd.Name,
			"title":       loc.T(cmd.Title, nil),
			"description": loc.T(cmd.Description, c.platformData(loc)),
			"inputSchema": cmd.Input(loc),
			"annotations": obj{
				"title":           loc.T(cmd.Title, nil),
				"readOnlyHint":    true,
				"destructiveHint": false,
				"idempotentHint":  true,
				"openWorldHint":   true,
			},
		}
		if cmd.Output != nil && c.structured() {
			t["outputSchema"] = json.RawMessage(cmd.Output)
		}
		tools = append(tools, t)
	}
	return c.cacheable(obj{"tools": tools}), nil
}

// toolsCall runs a command. Invalid argument values are a tool error
// (isError, explained); an unknown tool is a protocol error.
func (c *call) toolsCall(ctx context.Context) (any, *jsonrpc2.Error) {
	cmd := lookup(c.params.Get("name").Str)
	if cmd == nil {
		return nil, invalidParams("unknown tool: " + clip(c.params.Get("name").String()))
	}
	out := cmd.Run(ctx, c.env(ctx), c.params.Get("arguments"))
	if out.Invalid != "" {
		return obj{"content": []obj{textContent(out.Invalid)}, "isError": true}, nil
	}
	res := obj{"content": []obj{textContent(out.Text)}, "isError": false}
	if out.Doc != nil && c.structured() {
		res["structuredContent"] = withMarkdown(out)
	}
	return res, nil
}

// withMarkdown is the structured result with the markdown report in its
// "markdown" field. Claude Code and Codex show the model only
// structuredContent when it is present (the spec lets them treat the text
// block as its serialization), so the report the user should see must be
// inside it. A JSON-format call keeps the document pure data.
func withMarkdown(out Output) any {
	doc, ok := out.Doc.(render.Document)
	if !ok || out.JSON {
		return out.Doc
	}
	doc.Markdown = out.Text // a copy: the memo keeps the original
	return doc
}

func textContent(s string) obj { return obj{"type": "text", "text": s} }

// env is what commands run with for this request.
func (c *call) env(ctx context.Context) Env {
	return Env{
		Service: c.h.opts.Service,
		Lang:    c.h.lang(),
		Now:     c.h.now,
		Render:  c.h.opts.Render,
		Memo:    c.h.memo,
		Progress: func(_, total int, message string) {
			c.progress(ctx, total, message)
		},
	}
}

func (c *call) promptsList(context.Context) (any, *jsonrpc2.Error) {
	loc := c.loc()
	prompts := make([]obj, 0, len(commands))
	for _, cmd := range commands {
		prompts = append(prompts, obj{
			"name":        cmd.Name,
			"title":       loc.T(cmd.Title, nil),
			"description": loc.T(cmd.Description, c.platformData(loc)),
			// No arguments: OpenCode would send the literal "$1".
			"arguments": []obj{},
		})
	}
	return c.cacheable(obj{"prompts": prompts}), nil
}

// promptsGet answers within promptBudget: the report with an instruction
// to show it unchanged when it is ready in time, else an instruction to
// call the tool. A report still running after the budget goes on, so the
// cache is warm for the next call.
func (c *call) promptsGet(ctx context.Context) (any, *jsonrpc2.Error) {
	cmd := lookup(c.params.Get("name").Str)
	if cmd == nil {
		return nil, invalidParams("unknown prompt: " + clip(c.params.Get("name").String()))
	}
	loc := c.loc()
	work, stop := context.WithCancel(c.h.base)
	env := c.env(ctx)
	env.Progress = nil
	done := make(chan Output, 1)
	go func() {
		defer stop()
		done <- cmd.Run(work, env, gjson.Result{})
	}()
	t := time.NewTimer(c.h.promptT)
	defer t.Stop()
	var text string
	select {
	case out := <-done:
		text = loc.T("plugin.prompt.show", nil) + "\n\n" + out.Text
	case <-t.C:
		text = loc.T(cmd.Template, nil)
	case <-ctx.Done():
		stop()
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: "cancelled"}
	}
	return obj{
		"description": loc.T(cmd.Description, c.platformData(loc)),
		"messages":    []obj{{"role": "user", "content": textContent(SanitizePrompt(text))}},
	}, nil
}

func (c *call) resourcesList(context.Context) (any, *jsonrpc2.Error) {
	return c.cacheable(obj{"resources": []obj{}}), nil
}

func (c *call) resourceTemplatesList(context.Context) (any, *jsonrpc2.Error) {
	return c.cacheable(obj{"resourceTemplates": []obj{}}), nil
}
