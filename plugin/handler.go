package plugin

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
)

// MCP error codes beyond JSON-RPC's.
const (
	// CodeUnsupportedProtocolVersion answers a 2026-07-28-style request
	// naming a version the host does not speak.
	CodeUnsupportedProtocolVersion = -32022
)

// method is one entry of the dispatch table.
type method struct {
	fn func(c *call, ctx context.Context) (any, *jsonrpc2.Error)
	// long methods run in their own goroutine, cancellable; the others
	// run inline, in arrival order.
	long bool
	// mcp methods get MCP era handling (_meta validation, 2026-07-28
	// result fields).
	mcp bool
}

var methods map[string]method

func init() {
	methods = map[string]method{
		"initialize":               {fn: (*call).initialize, mcp: true},
		"ping":                     {fn: (*call).ping, mcp: true},
		"server/discover":          {fn: (*call).discover, mcp: true},
		"tools/list":               {fn: (*call).toolsList, mcp: true},
		"tools/call":               {fn: (*call).toolsCall, mcp: true, long: true},
		"prompts/list":             {fn: (*call).promptsList, mcp: true},
		"prompts/get":              {fn: (*call).promptsGet, mcp: true, long: true},
		"resources/list":           {fn: (*call).resourcesList, mcp: true},
		"resources/templates/list": {fn: (*call).resourceTemplatesList, mcp: true},
		"plugin/describe":          {fn: (*call).describe},
		"tool/execute":             {fn: (*call).toolExecute, long: true},
		"mystatus/report":          {fn: (*call).report, long: true},
		"mystatus/platforms":       {fn: (*call).platforms},
		"mystatus/doctor":          {fn: (*call).doctor, long: true},
	}
}

// call is one request being served.
type call struct {
	h   *host
	req *jsonrpc2.Request
	p   params // decoded once, in Handle
	// modern is true for a 2026-07-28 request; version is the protocol
	// version the answer follows ("" when no MCP version is known).
	modern  bool
	version string

	progressMu sync.Mutex
	progressN  int           // platforms reported done so far
	gate       *progressGate // paces notifications/progress; nil without a token
}

// Handle implements jsonrpc2.Handler. It runs on the read loop, so only
// cheap work happens here.
func (h *host) Handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) {
	if req.Notif {
		h.notification(req)
		return
	}
	c := &call{h: h, req: req, p: decodeParams(req.Params)}
	m, ok := methods[req.Method]
	if !ok {
		c.reply(nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not found: " + clip(req.Method)})
		return
	}
	if m.mcp {
		if err := c.negotiate(); err != nil {
			c.reply(nil, err)
			return
		}
	}
	if !m.long {
		res, err := c.safe(h.base, m.fn)
		c.reply(res, err)
		return
	}
	key := idKey(req.ID)
	h.mu.Lock()
	if _, dup := h.running[key]; dup {
		h.mu.Unlock()
		c.reply(nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: "invalid request: id " + key + " is already in use"})
		return
	}
	ctx, cancel := context.WithCancel(h.base)
	r := &running{cancel: cancel}
	h.running[key] = r
	h.inflight.Add(1)
	h.mu.Unlock()
	if tok := c.p.Meta.ProgressToken; tok != nil {
		c.gate = newProgressGate(h.pacing, func(done, total int, message string) {
			h.log.Debug("progress", "id", key, "done", done, "total", total)
			c.notify("notifications/progress", &progressParams{ProgressToken: tok, Progress: done, Total: total, Message: message})
		})
	}
	go func() {
		defer h.inflight.Done()
		res, err := c.safe(ctx, m.fn)
		var settle time.Duration
		if c.gate != nil {
			settle = c.gate.finish()
		}
		h.mu.Lock()
		delete(h.running, key)
		cancelled := r.cancelled
		h.mu.Unlock()
		cancel()
		if cancelled {
			h.log.Debug("request cancelled by the client; not replying", "id", key, "method", req.Method)
			return
		}
		if settle > 0 {
			t := time.NewTimer(settle)
			select {
			case <-t.C:
			case <-h.base.Done():
			}
			t.Stop()
		}
		c.reply(res, err)
	}()
}

// safe runs fn, turning a panic into -32603.
func (c *call) safe(ctx context.Context, fn func(*call, context.Context) (any, *jsonrpc2.Error)) (res any, rerr *jsonrpc2.Error) {
	defer func() {
		if r := recover(); r != nil {
			c.h.log.Error("handler panic", "method", c.req.Method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			res, rerr = nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: "internal error"}
		}
	}()
	return fn(c, ctx)
}

// reply answers the request; a result is never null. The stream encodes
// and writes it, bypassing jsonrpc2's Reply: the host's replies need none
// of the connection's bookkeeping (it keeps none for requests it
// answers), and a closed connection has closed the stream.
func (c *call) reply(res any, err *jsonrpc2.Error) {
	if err == nil {
		if res == nil {
			res = &emptyResult{}
		}
		if m, ok := res.(modernResult); ok && c.modern {
			m.complete(&resultMeta{ServerInfo: c.h.serverInfo()})
		}
	}
	if werr := c.h.st.writeResponse(c.req.ID, res, err); werr != nil {
		c.h.log.Debug("reply not sent", "method", c.req.Method, "err", werr)
	}
}

// notification handles a message without id: cancellation and MCP
// lifecycle notices. Unknown notifications are ignored, as JSON-RPC asks.
func (h *host) notification(req *jsonrpc2.Request) {
	switch req.Method {
	case "notifications/cancelled":
		h.cancel(decodeCancel(req.Params).RequestID)
	case "$/cancelRequest":
		h.cancel(decodeCancel(req.Params).ID)
	default:
		h.log.Debug("notification", "method", req.Method)
	}
}

// cancel stops a running request; it will get no reply. Unknown and
// finished ids are ignored.
func (h *host) cancel(id value) {
	key, ok := rawIDKey(id)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if r, ok := h.running[key]; ok {
		r.cancelled = true
		r.cancel()
	}
}

// progress reports work done when the request asked for it with
// _meta.progressToken (MCP, paced by the call's progressGate) or
// workDoneToken (LSP begin/report/end, unpaced: LSP clients pair $/progress
// with the token, not with the pending request). The token keeps its JSON
// type. Nothing is sent once the request is cancelled. Callers run
// concurrently, so the count is taken here, where it can only increase,
// as MCP requires.
func (c *call) progress(ctx context.Context, total int, message string) {
	if ctx.Err() != nil {
		return
	}
	c.progressMu.Lock()
	defer c.progressMu.Unlock()
	c.progressN++
	done := c.progressN
	if c.gate != nil {
		c.gate.update(done, total, message)
	}
	if tok := c.p.WorkDoneToken; tok != nil {
		if done == 1 {
			c.notify("$/progress", &workDoneParams{Token: tok, Value: &workDoneBegin{Kind: "begin", Title: "mystatus"}})
		}
		var v any = &workDoneEnd{Kind: "end", Message: message}
		if done < total {
			v = &workDoneReport{Kind: "report", Message: message, Percentage: done * 100 / max(total, 1)}
		}
		c.notify("$/progress", &workDoneParams{Token: tok, Value: v})
	}
}

// notify writes a notification through the stream, like reply.
func (c *call) notify(method string, params any) {
	if err := c.h.st.writeNotification(method, params); err != nil {
		c.h.log.Debug("notification not sent", "method", method, "err", err)
	}
}

// invalidParams is a -32602 error.
func invalidParams(msg string) *jsonrpc2.Error {
	return &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: msg}
}
