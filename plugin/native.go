package plugin

import (
	"context"
	"strings"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/render"
)

// The native methods serve embedders (a thin OpenCode shim, editors);
// they need no handshake.

// describe lists the tools and slash commands, shaped like OpenCode's tool
// definition and command config.
func (c *call) describe(context.Context) (any, *jsonrpc2.Error) {
	loc := c.loc()
	r := &describeResult{Name: "mystatus", Version: c.h.opts.Version,
		Tools: make([]describeTool, 0, len(commands)), Commands: make([]describeCommand, 0, len(commands))}
	for _, cmd := range commands {
		desc := loc.T(cmd.Description, c.platformData(loc))
		r.Tools = append(r.Tools, describeTool{Name: cmd.Name, Description: desc, InputSchema: cmd.Input(loc)})
		r.Commands = append(r.Commands, describeCommand{Name: cmd.Name, Description: desc, Template: loc.T(cmd.Template, nil)})
	}
	return r, nil
}

// toolExecute runs a command for an OpenCode-style tool: {name, args,
// context} -> {title, output, metadata}.
func (c *call) toolExecute(ctx context.Context) (any, *jsonrpc2.Error) {
	cmd := lookup(c.p.Name.Str)
	if cmd == nil {
		return nil, invalidParams("unknown tool: " + clip(c.p.Name.String()))
	}
	out := cmd.Run(ctx, c.env(ctx), c.p.Args)
	if out.Invalid != "" {
		return nil, invalidArgs(out)
	}
	return &executeResult{
		Title:    i18n.New(out.Locale).T(cmd.Title, nil),
		Output:   out.Text,
		Metadata: executeMetadata{Locale: out.Locale, Report: out.Doc},
	}, nil
}

// report runs the mystatus command with the params as its arguments.
func (c *call) report(ctx context.Context) (any, *jsonrpc2.Error) {
	args := c.p.raw
	if c.p.protocolFields {
		args = withoutProtocolFields(args)
	}
	out := mystatusCommand.Run(ctx, c.env(ctx), args)
	if out.Invalid != "" {
		return nil, invalidArgs(out)
	}
	return &reportResult{Text: out.Text, Report: out.Doc, Locale: out.Locale}, nil
}

// platforms lists every platform and whether it is configured, without
// network access.
func (c *call) platforms(context.Context) (any, *jsonrpc2.Error) {
	loc := c.loc()
	infos := c.h.opts.Service.Platforms()
	r := &platformsResult{Locale: loc.Lang(), Platforms: make([]platformEntry, 0, len(infos))}
	for _, info := range infos {
		sources := make([]platformSource, 0, len(info.Sources))
		for _, s := range info.Sources {
			sources = append(sources, platformSource{Path: s.Path, What: s.What})
		}
		r.Platforms = append(r.Platforms, platformEntry{
			ID:         string(info.ID),
			Name:       render.PlatformName(loc, info.ID),
			Configured: info.Configured,
			Sources:    sources,
		})
	}
	return r, nil
}

// doctor runs `mystatus doctor` for embedders: {lang?} →
// {findings, markdown, exitCode, locale}.
func (c *call) doctor(ctx context.Context) (any, *jsonrpc2.Error) {
	if c.h.opts.Doctor == nil {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not found: mystatus/doctor"}
	}
	loc := c.loc()
	findings, md, code := c.h.opts.Doctor(ctx, loc.Lang())
	return &doctorResult{Findings: findings, Markdown: md, ExitCode: code, Locale: loc.Lang()}, nil
}

// invalidArgs is the -32602 error of rejected arguments, with the
// localized explanation as its message.
func invalidArgs(out Output) *jsonrpc2.Error {
	e := invalidParams(out.Invalid)
	e.SetError(&invalidArgsData{Kind: "invalid_arguments", Locale: out.Locale})
	return e
}

// withoutProtocolFields drops the request-level fields (_meta,
// workDoneToken) from params used directly as command arguments.
func withoutProtocolFields(params value) value {
	if !params.IsObject() {
		return params
	}
	var b strings.Builder
	b.WriteByte('{')
	params.ForEach(func(k, v gjson.Result) bool {
		if k.Str == "_meta" || k.Str == "workDoneToken" {
			return true
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(k.Raw + ":" + v.Raw)
		return true
	})
	b.WriteByte('}')
	return gjson.Parse(b.String())
}
