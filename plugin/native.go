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
	tools := make([]obj, 0, len(commands))
	cmds := make([]obj, 0, len(commands))
	for _, cmd := range commands {
		tools = append(tools, obj{"name": cmd.Name, "description": loc.T(cmd.Description, c.platformData(loc)), "inputSchema": cmd.Input(loc)})
		cmds = append(cmds, obj{"name": cmd.Name, "description": loc.T(cmd.Description, c.platformData(loc)), "template": loc.T(cmd.Template, nil)})
	}
	return obj{"name": "mystatus", "version": c.h.opts.Version, "tools": tools, "commands": cmds}, nil
}

// toolExecute runs a command for an OpenCode-style tool: {name, args,
// context} -> {title, output, metadata}.
func (c *call) toolExecute(ctx context.Context) (any, *jsonrpc2.Error) {
	cmd := lookup(c.params.Get("name").Str)
	if cmd == nil {
		return nil, invalidParams("unknown tool: " + clip(c.params.Get("name").String()))
	}
	out := cmd.Run(ctx, c.env(ctx), c.params.Get("args"))
	if out.Invalid != "" {
		return nil, invalidArgs(out)
	}
	return obj{
		"title":    i18n.New(out.Locale).T(cmd.Title, nil),
		"output":   out.Text,
		"metadata": obj{"locale": out.Locale, "report": out.Doc},
	}, nil
}

// report runs the mystatus command with the params as its arguments.
func (c *call) report(ctx context.Context) (any, *jsonrpc2.Error) {
	out := mystatusCommand.Run(ctx, c.env(ctx), withoutProtocolFields(c.params))
	if out.Invalid != "" {
		return nil, invalidArgs(out)
	}
	return obj{"text": out.Text, "report": out.Doc, "locale": out.Locale}, nil
}

// platforms lists every platform and whether it is configured, without
// network access.
func (c *call) platforms(context.Context) (any, *jsonrpc2.Error) {
	loc := c.loc()
	list := []obj{}
	for _, info := range c.h.opts.Service.Platforms() {
		sources := []obj{}
		for _, s := range info.Sources {
			sources = append(sources, obj{"path": s.Path, "what": s.What})
		}
		list = append(list, obj{
			"id":         info.ID,
			"name":       render.PlatformName(loc, info.ID),
			"configured": info.Configured,
			"sources":    sources,
		})
	}
	return obj{"platforms": list, "locale": loc.Lang()}, nil
}

// doctor runs `mystatus doctor` for embedders: {lang?} →
// {findings, markdown, exitCode, locale}.
func (c *call) doctor(ctx context.Context) (any, *jsonrpc2.Error) {
	if c.h.opts.Doctor == nil {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not found: mystatus/doctor"}
	}
	loc := c.loc()
	findings, md, code := c.h.opts.Doctor(ctx, loc.Lang())
	return obj{"findings": findings, "markdown": md, "exitCode": code, "locale": loc.Lang()}, nil
}

// invalidArgs is the -32602 error of rejected arguments, with the
// localized explanation as its message.
func invalidArgs(out Output) *jsonrpc2.Error {
	e := invalidParams(out.Invalid)
	e.SetError(obj{"kind": "invalid_arguments", "locale": out.Locale})
	return e
}

// withoutProtocolFields drops the request-level fields (_meta,
// workDoneToken) from params used directly as command arguments.
func withoutProtocolFields(params gjson.Result) gjson.Result {
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
