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
	pv := c.p.Meta.ProtocolVersion
	switch {
	case !pv.Exists():
	case pv.Type == gjson.String && pv.Str == ModernVersion:
		if !c.p.Meta.ClientCapabilities {
			return invalidParams("missing _meta field " + metaClientCapabilities)
		}
		c.modern, c.version = true, ModernVersion
		return nil
	case pv.Type == gjson.String && slices.Contains(legacyVersions, pv.Str):
		c.version = pv.Str
		return nil
	default:
		e := &jsonrpc2.Error{Code: CodeUnsupportedProtocolVersion, Message: "unsupported protocol version: " + clip(pv.String()) + "; supported: " + strings.Join(supportedVersions, ", ")}
		e.SetError(&versionErrorData{Requested: json.RawMessage(pv.Raw), Supported: supportedVersions})
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
	if i18n.Normalize(c.p.Lang) != "" {
		return i18n.New(c.p.Lang)
	}
	return i18n.New(c.h.lang())
}

func (h *host) serverInfo() serverInfo {
	return serverInfo{Name: "mystatus", Title: "mystatus", Version: h.opts.Version}
}

// noTTL is the ttlMs of the 2026-07-28 lists.
var noTTL = 0

// cacheable sets the 2026-07-28 cache fields of a list result. Quota
// data is per user, hence private; the lists are cheap, hence no TTL.
func (c *call) cacheable(ttl **int, scope *string) {
	if c.modern {
		*ttl, *scope = &noTTL, "private"
	}
}

// initialize is the legacy handshake: echo a supported version, else
// answer the newest legacy one.
func (c *call) initialize(context.Context) (any, *jsonrpc2.Error) {
	v := LatestLegacyVersion
	if slices.Contains(legacyVersions, c.p.ProtocolVersion) {
		v = c.p.ProtocolVersion
	}
	c.h.mu.Lock()
	c.h.legacyPV = v
	c.h.mu.Unlock()
	c.h.log.Debug("initialize", "version", v, "client", c.p.ClientName)
	loc := c.loc()
	return &initializeResult{
		ProtocolVersion: v,
		ServerInfo:      c.h.serverInfo(),
		Instructions:    loc.T("plugin.instructions", c.platformData(loc)),
	}, nil
}

// ping answers {} in both eras (the Go SDK pings in modern mode too).
func (c *call) ping(context.Context) (any, *jsonrpc2.Error) { return &emptyResult{}, nil }

// discover is the 2026-07-28 entry point.
func (c *call) discover(context.Context) (any, *jsonrpc2.Error) {
	c.modern = true
	loc := c.loc()
	r := &discoverResult{
		SupportedVersions: supportedVersions,
		Instructions:      loc.T("plugin.instructions", c.platformData(loc)),
	}
	c.cacheable(&r.TTLMs, &r.CacheScope)
	return r, nil
}

func (c *call) toolsList(context.Context) (any, *jsonrpc2.Error) {
	loc := c.loc()
	r := &toolsListResult{Tools: make([]toolEntry, 0, len(commands))}
	for _, cmd := range commands {
		title := loc.T(cmd.Title, nil)
		t := toolEntry{
			Name:        cmd.Name,
			Title:       title,
			Description: loc.T(cmd.Description, c.platformData(loc)),
			InputSchema: cmd.Input(loc),
			Annotations: toolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: true},
		}
		if cmd.Output != nil && c.structured() {
			t.OutputSchema = cmd.Output
		}
		r.Tools = append(r.Tools, t)
	}
	c.cacheable(&r.TTLMs, &r.CacheScope)
	return r, nil
}

// toolsCall runs a command. Invalid argument values are a tool error
// (isError, explained); an unknown tool is a protocol error.
func (c *call) toolsCall(ctx context.Context) (any, *jsonrpc2.Error) {
	cmd := lookup(c.p.Name.Str)
	if cmd == nil {
		return nil, invalidParams("unknown tool: " + clip(c.p.Name.String()))
	}
	out := cmd.Run(ctx, c.env(ctx), c.p.Arguments)
	if out.Invalid != "" {
		return &toolsCallResult{Content: []textContent{textBlock(out.Invalid)}, IsError: true}, nil
	}
	if out.wire != nil {
		content, sc, err := out.wire.parts(out, c.structured())
		if err == nil {
			return &encodedCall{content: content, structured: sc}, nil
		}
	}
	res := &toolsCallResult{Content: []textContent{textBlock(out.Text)}}
	if out.Doc != nil && c.structured() {
		res.StructuredContent = withMarkdown(out)
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
	r := &promptsListResult{Prompts: make([]promptEntry, 0, len(commands))}
	for _, cmd := range commands {
		r.Prompts = append(r.Prompts, promptEntry{
			Name:        cmd.Name,
			Title:       loc.T(cmd.Title, nil),
			Description: loc.T(cmd.Description, c.platformData(loc)),
			Arguments:   []struct{}{},
		})
	}
	c.cacheable(&r.TTLMs, &r.CacheScope)
	return r, nil
}

// promptsGet answers within promptBudget: the report with an instruction
// to show it unchanged when it is ready in time, else an instruction to
// call the tool. A report still running after the budget goes on, so the
// cache is warm for the next call.
func (c *call) promptsGet(ctx context.Context) (any, *jsonrpc2.Error) {
	cmd := lookup(c.p.Name.Str)
	if cmd == nil {
		return nil, invalidParams("unknown prompt: " + clip(c.p.Name.String()))
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
	return &promptsGetResult{
		Description: loc.T(cmd.Description, c.platformData(loc)),
		Messages:    []promptMessage{{Role: "user", Content: textBlock(SanitizePrompt(text))}},
	}, nil
}

func (c *call) resourcesList(context.Context) (any, *jsonrpc2.Error) {
	r := &resourcesListResult{Resources: []struct{}{}}
	c.cacheable(&r.TTLMs, &r.CacheScope)
	return r, nil
}

func (c *call) resourceTemplatesList(context.Context) (any, *jsonrpc2.Error) {
	r := &resourceTemplatesListResult{ResourceTemplates: []struct{}{}}
	c.cacheable(&r.TTLMs, &r.CacheScope)
	return r, nil
}
