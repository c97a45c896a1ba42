package agents

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// fakeModel is a loopback model endpoint speaking just enough of three APIs
// for an agent to make one tool call: the Anthropic Messages API (Claude
// Code, and OpenCode through its bundled Anthropic provider), the OpenAI
// Responses API (Codex) and the Gemini generateContent API (Gemini CLI).
//
// Its one policy, whatever the API: a request offering a tool whose name
// contains "mystatus", in a conversation with no tool result yet, is
// answered with a call of that tool without arguments; every other request
// is answered with a short text. So an agent calls the tool once, sends the
// result back, and ends. Every request is recorded, with the tool results
// and user texts found in it, for the test to inspect.
type fakeModel struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests []modelRequest
}

// modelRequest is one recorded request.
type modelRequest struct {
	API         string // "anthropic", "openai-responses", "gemini", "other"
	Method      string
	Path        string
	ToolNames   []string // tools offered
	ToolResults []string // text of tool results sent back to the model
	UserTexts   []string // text of user messages
	Answer      string   // "tool_call", "text" or "404"
}

func newFakeModel(t *testing.T) *fakeModel {
	f := &fakeModel{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the server's base URL, http://127.0.0.1:port.
func (f *fakeModel) URL() string { return f.srv.URL }

func (f *fakeModel) all() []modelRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]modelRequest(nil), f.requests...)
}

// toolResults returns every tool result any request carried.
func (f *fakeModel) toolResults() []string {
	var out []string
	for _, r := range f.all() {
		out = append(out, r.ToolResults...)
	}
	return out
}

// userTexts returns every user message text any request carried.
func (f *fakeModel) userTexts() []string {
	var out []string
	for _, r := range f.all() {
		out = append(out, r.UserTexts...)
	}
	return out
}

func (f *fakeModel) record(r modelRequest) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
}

func (f *fakeModel) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	rec := modelRequest{Method: r.Method, Path: r.URL.Path}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/messages/count_tokens"):
		rec.API, rec.Answer = "anthropic", "count"
		writeJSON(w, map[string]any{"input_tokens": 100})
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/messages"):
		rec.API = "anthropic"
		f.anthropic(w, body, &rec)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/responses"):
		rec.API = "openai-responses"
		f.responses(w, body, &rec)
	case r.Method == http.MethodPost && strings.Contains(path, ":countTokens"):
		rec.API, rec.Answer = "gemini", "count"
		writeJSON(w, map[string]any{"totalTokens": 100})
	case r.Method == http.MethodPost && (strings.Contains(path, ":streamGenerateContent") || strings.Contains(path, ":generateContent")):
		rec.API = "gemini"
		f.gemini(w, body, strings.Contains(path, ":stream"), &rec)
	default:
		rec.API, rec.Answer = "other", "404"
		http.Error(w, `{"error":{"type":"not_found_error","message":"not served by the fake model"}}`, http.StatusNotFound)
	}
	f.record(rec)
	f.t.Logf("fake model: %s %s (%s) tools=%v toolResults=%d → %s", r.Method, r.URL.RequestURI(), rec.API, rec.ToolNames, len(rec.ToolResults), rec.Answer)
}

// ourTool returns the offered tool that is the mystatus MCP tool.
func ourTool(names []string) string {
	for _, n := range names {
		if strings.Contains(n, "mystatus") {
			return n
		}
	}
	return ""
}

const finalText = "Here is the report above."

// ---- Anthropic Messages API ----

func (f *fakeModel) anthropic(w http.ResponseWriter, body []byte, rec *modelRequest) {
	var req struct {
		Stream   bool `json:"stream"`
		Model    string
		Tools    []struct{ Name string }
		Messages []struct {
			Role    string
			Content json.RawMessage
		}
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, t := range req.Tools {
		rec.ToolNames = append(rec.ToolNames, t.Name)
	}
	for _, m := range req.Messages {
		var s string
		if json.Unmarshal(m.Content, &s) == nil {
			if m.Role == "user" {
				rec.UserTexts = append(rec.UserTexts, s)
			}
			continue
		}
		var blocks []struct {
			Type    string
			Text    string
			Content json.RawMessage
		}
		_ = json.Unmarshal(m.Content, &blocks)
		for _, b := range blocks {
			switch {
			case b.Type == "tool_result":
				rec.ToolResults = append(rec.ToolResults, contentText(b.Content))
			case b.Type == "text" && m.Role == "user":
				rec.UserTexts = append(rec.UserTexts, b.Text)
			}
		}
	}
	tool := ourTool(rec.ToolNames)
	var block map[string]any
	stop := "end_turn"
	if tool != "" && len(rec.ToolResults) == 0 {
		rec.Answer, stop = "tool_call", "tool_use"
		block = map[string]any{"type": "tool_use", "id": "toolu_fake01", "name": tool, "input": map[string]any{}}
	} else {
		rec.Answer = "text"
		block = map[string]any{"type": "text", "text": finalText}
	}
	usage := map[string]any{"input_tokens": 100, "output_tokens": 10, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
	msg := map[string]any{"id": "msg_fake01", "type": "message", "role": "assistant", "model": req.Model,
		"content": []any{block}, "stop_reason": stop, "stop_sequence": nil, "usage": usage}
	if !req.Stream {
		writeJSON(w, msg)
		return
	}
	start := map[string]any{"id": "msg_fake01", "type": "message", "role": "assistant", "model": req.Model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil, "usage": usage}
	sse := newSSE(w)
	sse.event("message_start", map[string]any{"type": "message_start", "message": start})
	if block["type"] == "tool_use" {
		sse.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
			"content_block": map[string]any{"type": "tool_use", "id": block["id"], "name": tool, "input": map[string]any{}}})
		sse.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "input_json_delta", "partial_json": "{}"}})
	} else {
		sse.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
			"content_block": map[string]any{"type": "text", "text": ""}})
		sse.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "text_delta", "text": finalText}})
	}
	sse.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	sse.event("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]any{"output_tokens": 10}})
	sse.event("message_stop", map[string]any{"type": "message_stop"})
}

// contentText flattens a tool result's content: a string, or blocks of
// which the text ones count.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var blocks []struct{ Type, Text string }
	if json.Unmarshal(raw, &blocks) == nil {
		var b strings.Builder
		for _, x := range blocks {
			if x.Type == "text" || x.Type == "input_text" || x.Type == "output_text" {
				b.WriteString(x.Text)
				b.WriteString("\n")
			}
		}
		return b.String()
	}
	return string(raw)
}

// ---- OpenAI Responses API ----

func (f *fakeModel) responses(w http.ResponseWriter, body []byte, rec *modelRequest) {
	var req struct {
		Stream bool `json:"stream"`
		Model  string
		Tools  []json.RawMessage
		Input  json.RawMessage
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, t := range req.Tools {
		rec.ToolNames = append(rec.ToolNames, responsesToolNames(t)...)
		if os.Getenv("MYSTATUS_AGENTS_VERBOSE") != "" {
			f.t.Logf("tool: %.300s", t)
		}
	}
	var items []struct {
		Type    string
		Role    string
		Output  json.RawMessage
		Content json.RawMessage
	}
	var s string
	if json.Unmarshal(req.Input, &s) == nil {
		rec.UserTexts = append(rec.UserTexts, s)
	} else {
		_ = json.Unmarshal(req.Input, &items)
	}
	for _, it := range items {
		switch {
		case it.Type == "function_call_output" || it.Type == "custom_tool_call_output" || it.Type == "mcp_tool_call_output":
			rec.ToolResults = append(rec.ToolResults, contentText(it.Output))
		case (it.Type == "message" || it.Type == "") && it.Role == "user":
			rec.UserTexts = append(rec.UserTexts, contentText(it.Content))
		}
	}
	tool := ourTool(rec.ToolNames)
	var item map[string]any
	if tool != "" && len(rec.ToolResults) == 0 {
		rec.Answer = "tool_call"
		name, ns := tool, ""
		if i := strings.Index(tool, "\x00"); i >= 0 { // a tool inside a namespace
			ns, name = tool[:i], tool[i+1:]
		}
		item = map[string]any{"type": "function_call", "id": "fc_fake01", "call_id": "call_fake01", "name": name, "arguments": "{}", "status": "completed"}
		if ns != "" {
			item["namespace"] = ns
		}
	} else {
		rec.Answer = "text"
		item = map[string]any{"type": "message", "id": "msg_fake01", "role": "assistant", "status": "completed",
			"content": []any{map[string]any{"type": "output_text", "text": finalText, "annotations": []any{}}}}
	}
	usage := map[string]any{"input_tokens": 100, "input_tokens_details": map[string]any{"cached_tokens": 0},
		"output_tokens": 10, "output_tokens_details": map[string]any{"reasoning_tokens": 0}, "total_tokens": 110}
	resp := func(status string, output []any) map[string]any {
		return map[string]any{"id": "resp_fake01", "object": "response", "created_at": 1767225600, "status": status,
			"model": req.Model, "output": output, "usage": usage}
	}
	if !req.Stream {
		writeJSON(w, resp("completed", []any{item}))
		return
	}
	sse := newSSE(w)
	sse.event("response.created", map[string]any{"type": "response.created", "sequence_number": 0, "response": resp("in_progress", []any{})})
	sse.event("response.output_item.added", map[string]any{"type": "response.output_item.added", "sequence_number": 1, "output_index": 0, "item": item})
	if item["type"] == "message" {
		sse.event("response.output_text.delta", map[string]any{"type": "response.output_text.delta", "sequence_number": 2,
			"item_id": "msg_fake01", "output_index": 0, "content_index": 0, "delta": finalText})
	}
	sse.event("response.output_item.done", map[string]any{"type": "response.output_item.done", "sequence_number": 3, "output_index": 0, "item": item})
	sse.event("response.completed", map[string]any{"type": "response.completed", "sequence_number": 4, "response": resp("completed", []any{item})})
}

// responsesToolNames lists the function names of one Responses API tool:
// a function, or a namespace of functions (reported as ns NUL name).
func responsesToolNames(raw json.RawMessage) []string {
	var t struct {
		Type  string
		Name  string
		Tools []struct{ Type, Name string }
	}
	if json.Unmarshal(raw, &t) != nil {
		return nil
	}
	if len(t.Tools) > 0 {
		var out []string
		for _, x := range t.Tools {
			out = append(out, t.Name+"\x00"+x.Name)
		}
		return out
	}
	return []string{t.Name}
}

// ---- Gemini generateContent API ----

func (f *fakeModel) gemini(w http.ResponseWriter, body []byte, stream bool, rec *modelRequest) {
	var req struct {
		Contents []struct {
			Role  string
			Parts []struct {
				Text             string
				FunctionResponse *struct {
					Name     string
					Response json.RawMessage
				} `json:"functionResponse"`
			}
		}
		Tools []struct {
			FunctionDeclarations []struct{ Name string } `json:"functionDeclarations"`
		}
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, t := range req.Tools {
		for _, d := range t.FunctionDeclarations {
			rec.ToolNames = append(rec.ToolNames, d.Name)
		}
	}
	for _, c := range req.Contents {
		for _, p := range c.Parts {
			switch {
			case p.FunctionResponse != nil:
				rec.ToolResults = append(rec.ToolResults, string(p.FunctionResponse.Response))
			case c.Role == "user" && p.Text != "":
				rec.UserTexts = append(rec.UserTexts, p.Text)
			}
		}
	}
	tool := ourTool(rec.ToolNames)
	var part map[string]any
	if tool != "" && len(rec.ToolResults) == 0 {
		rec.Answer = "tool_call"
		part = map[string]any{"functionCall": map[string]any{"name": tool, "args": map[string]any{}}}
	} else {
		rec.Answer = "text"
		part = map[string]any{"text": finalText}
	}
	resp := map[string]any{
		"candidates":    []any{map[string]any{"content": map[string]any{"role": "model", "parts": []any{part}}, "finishReason": "STOP", "index": 0}},
		"usageMetadata": map[string]any{"promptTokenCount": 100, "candidatesTokenCount": 10, "totalTokenCount": 110},
		"modelVersion":  "gemini-fake",
	}
	if !stream {
		writeJSON(w, resp)
		return
	}
	sse := newSSE(w)
	sse.data(resp)
}

// ---- wire helpers ----

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

type sseWriter struct {
	w http.ResponseWriter
}

func newSSE(w http.ResponseWriter) *sseWriter {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	return &sseWriter{w: w}
}

func (s *sseWriter) event(name string, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", name, b)
	s.flush()
}

func (s *sseWriter) data(v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	fmt.Fprintf(s.w, "data: %s\n\n", bytes.TrimSpace(buf.Bytes()))
	s.flush()
}

func (s *sseWriter) flush() {
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
}
