package plugin

import (
	"encoding/json"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tidwall/gjson"
)

// The typed wire: every request's params and every result, notification
// and error data the host writes.
//
// Params are decoded once per request, in one pass over the params
// object. jsonrpc2 hands them over re-encoded (compact, keys sorted,
// duplicates gone). The host never refuses params for their types: a
// field of the wrong type counts as absent or gets the answer it always
// got (an unknown tool, an invalid argument), so fields whose type it
// checks keep the value as sent. Keys match exactly, unlike
// encoding/json's case-insensitive matching, which would accept "Name".
//
// Results list their fields in the order the host has always written
// them: it used to encode maps, whose keys encoding/json sorts, and
// clients and the script tests match reply text.

// value is a JSON value as sent (absent: the zero value), for a field
// whose type the host checks itself.
type value = gjson.Result

// params are the request fields the host reads.
type params struct {
	// raw is the params as sent: an object, an array (positional; no
	// method takes them, so they are as good as none), null, or absent.
	raw value
	// Name is the tool or prompt (tools/call, prompts/get, tool/execute).
	Name value
	// Lang is the "lang" field when it is a string.
	Lang string
	// Arguments (tools/call) and Args (tool/execute) are the command's
	// arguments.
	Arguments, Args value
	// ProtocolVersion and ClientName are initialize's, when strings.
	ProtocolVersion, ClientName string
	// WorkDoneToken is LSP's progress token, a string or a number as
	// sent; nil otherwise.
	WorkDoneToken json.RawMessage
	Meta          requestMeta
	// protocolFields is true when _meta or workDoneToken is present
	// (mystatus/report takes its other fields as arguments).
	protocolFields bool
}

// requestMeta is the request's _meta (when it is an object).
type requestMeta struct {
	// ProgressToken is MCP's, a string or a number as sent; nil otherwise.
	ProgressToken json.RawMessage
	// ProtocolVersion is the 2026-07-28 per-request version, any type.
	ProtocolVersion value
	// ClientCapabilities is true when the capabilities are an object.
	ClientCapabilities bool
}

// decodeParams decodes the params of a request.
func decodeParams(raw *json.RawMessage) params {
	var p params
	if raw == nil {
		return p
	}
	p.raw = gjson.ParseBytes(*raw)
	if !p.raw.IsObject() {
		return p
	}
	p.raw.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "name":
			p.Name = v
		case "lang":
			if v.Type == gjson.String {
				p.Lang = v.Str
			}
		case "arguments":
			p.Arguments = v
		case "args":
			p.Args = v
		case "protocolVersion":
			p.ProtocolVersion = v.Str
		case "clientInfo":
			if v.IsObject() {
				p.ClientName = v.Get("name").Str
			}
		case "workDoneToken":
			p.protocolFields = true
			p.WorkDoneToken = token(v)
		case "_meta":
			p.protocolFields = true
			if v.IsObject() {
				p.Meta = decodeMeta(v)
			}
		}
		return true
	})
	return p
}

func decodeMeta(v value) requestMeta {
	var m requestMeta
	v.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case "progressToken":
			m.ProgressToken = token(v)
		case metaProtocolVersion:
			m.ProtocolVersion = v
		case metaClientCapabilities:
			m.ClientCapabilities = v.IsObject()
		}
		return true
	})
	return m
}

// token is a progress token as sent when it is a string or a number (it
// keeps its JSON type on the way back), else nil.
func token(v value) json.RawMessage {
	if v.Type != gjson.String && v.Type != gjson.Number {
		return nil
	}
	return json.RawMessage(v.Raw)
}

// cancelParams are the params of notifications/cancelled (requestId) and
// $/cancelRequest (id).
type cancelParams struct {
	RequestID, ID value
}

func decodeCancel(raw *json.RawMessage) cancelParams {
	var p cancelParams
	if raw == nil {
		return p
	}
	if v := gjson.ParseBytes(*raw); v.IsObject() {
		v.ForEach(func(k, v gjson.Result) bool {
			switch k.Str {
			case "requestId":
				p.RequestID = v
			case "id":
				p.ID = v
			}
			return true
		})
	}
	return p
}

// Results of the MCP methods. A 2026-07-28 answer adds _meta and
// resultType to each (see modernResult), and ttlMs and cacheScope to the
// lists; each type places them where their keys sort.

// resultMeta is the _meta of a 2026-07-28 result.
type resultMeta struct {
	ServerInfo serverInfo `json:"io.modelcontextprotocol/serverInfo"`
}

// modernResult is a result that can be answered in the 2026-07-28 shape.
type modernResult interface {
	complete(meta *resultMeta)
}

// resultComplete is the resultType of every 2026-07-28 result.
const resultComplete = "complete"

type serverInfo struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Version string `json:"version"`
}

type capabilitiesResult struct {
	Prompts struct{} `json:"prompts"`
	Tools   struct{} `json:"tools"`
}

type initializeResult struct {
	Meta            *resultMeta        `json:"_meta,omitempty"`
	Capabilities    capabilitiesResult `json:"capabilities"`
	Instructions    string             `json:"instructions"`
	ProtocolVersion string             `json:"protocolVersion"`
	ResultType      string             `json:"resultType,omitempty"`
	ServerInfo      serverInfo         `json:"serverInfo"`
}

func (r *initializeResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type discoverResult struct {
	Meta              *resultMeta        `json:"_meta,omitempty"`
	CacheScope        string             `json:"cacheScope,omitempty"`
	Capabilities      capabilitiesResult `json:"capabilities"`
	Instructions      string             `json:"instructions"`
	ResultType        string             `json:"resultType,omitempty"`
	SupportedVersions []string           `json:"supportedVersions"`
	TTLMs             *int               `json:"ttlMs,omitempty"`
}

func (r *discoverResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

// emptyResult is {} (ping, and any result left unset).
type emptyResult struct {
	Meta       *resultMeta `json:"_meta,omitempty"`
	ResultType string      `json:"resultType,omitempty"`
}

func (r *emptyResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type toolAnnotations struct {
	DestructiveHint bool   `json:"destructiveHint"`
	IdempotentHint  bool   `json:"idempotentHint"`
	OpenWorldHint   bool   `json:"openWorldHint"`
	ReadOnlyHint    bool   `json:"readOnlyHint"`
	Title           string `json:"title"`
}

type toolEntry struct {
	Annotations  toolAnnotations `json:"annotations"`
	Description  string          `json:"description"`
	InputSchema  any             `json:"inputSchema"`
	Name         string          `json:"name"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
	Title        string          `json:"title"`
}

type toolsListResult struct {
	Meta       *resultMeta `json:"_meta,omitempty"`
	CacheScope string      `json:"cacheScope,omitempty"`
	ResultType string      `json:"resultType,omitempty"`
	Tools      []toolEntry `json:"tools"`
	TTLMs      *int        `json:"ttlMs,omitempty"`
}

func (r *toolsListResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type textContent struct {
	Text string `json:"text"`
	Type string `json:"type"`
}

func textBlock(s string) textContent { return textContent{Text: s, Type: "text"} }

type toolsCallResult struct {
	Meta              *resultMeta   `json:"_meta,omitempty"`
	Content           []textContent `json:"content"`
	IsError           bool          `json:"isError"`
	ResultType        string        `json:"resultType,omitempty"`
	StructuredContent any           `json:"structuredContent,omitempty"`
}

func (r *toolsCallResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type promptEntry struct {
	// Arguments is always empty: OpenCode would send the literal "$1".
	Arguments   []struct{} `json:"arguments"`
	Description string     `json:"description"`
	Name        string     `json:"name"`
	Title       string     `json:"title"`
}

type promptsListResult struct {
	Meta       *resultMeta   `json:"_meta,omitempty"`
	CacheScope string        `json:"cacheScope,omitempty"`
	Prompts    []promptEntry `json:"prompts"`
	ResultType string        `json:"resultType,omitempty"`
	TTLMs      *int          `json:"ttlMs,omitempty"`
}

func (r *promptsListResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type promptMessage struct {
	Content textContent `json:"content"`
	Role    string      `json:"role"`
}

type promptsGetResult struct {
	Meta        *resultMeta     `json:"_meta,omitempty"`
	Description string          `json:"description"`
	Messages    []promptMessage `json:"messages"`
	ResultType  string          `json:"resultType,omitempty"`
}

func (r *promptsGetResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type resourcesListResult struct {
	Meta       *resultMeta `json:"_meta,omitempty"`
	CacheScope string      `json:"cacheScope,omitempty"`
	Resources  []struct{}  `json:"resources"`
	ResultType string      `json:"resultType,omitempty"`
	TTLMs      *int        `json:"ttlMs,omitempty"`
}

func (r *resourcesListResult) complete(m *resultMeta) { r.Meta, r.ResultType = m, resultComplete }

type resourceTemplatesListResult struct {
	Meta              *resultMeta `json:"_meta,omitempty"`
	CacheScope        string      `json:"cacheScope,omitempty"`
	ResourceTemplates []struct{}  `json:"resourceTemplates"`
	ResultType        string      `json:"resultType,omitempty"`
	TTLMs             *int        `json:"ttlMs,omitempty"`
}

func (r *resourceTemplatesListResult) complete(m *resultMeta) {
	r.Meta, r.ResultType = m, resultComplete
}

// Results of the native methods.

type describeTool struct {
	Description string `json:"description"`
	InputSchema any    `json:"inputSchema"`
	Name        string `json:"name"`
}

type describeCommand struct {
	Description string `json:"description"`
	Name        string `json:"name"`
	Template    string `json:"template"`
}

type describeResult struct {
	Commands []describeCommand `json:"commands"`
	Name     string            `json:"name"`
	Tools    []describeTool    `json:"tools"`
	Version  string            `json:"version"`
}

type executeMetadata struct {
	Locale string `json:"locale"`
	Report any    `json:"report"`
}

type executeResult struct {
	Metadata executeMetadata `json:"metadata"`
	Output   string          `json:"output"`
	Title    string          `json:"title"`
}

type reportResult struct {
	Locale string `json:"locale"`
	Report any    `json:"report"`
	Text   string `json:"text"`
}

type platformSource struct {
	Path string `json:"path"`
	What string `json:"what"`
}

type platformEntry struct {
	Configured bool             `json:"configured"`
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Sources    []platformSource `json:"sources"`
}

type platformsResult struct {
	Locale    string          `json:"locale"`
	Platforms []platformEntry `json:"platforms"`
}

type doctorResult struct {
	ExitCode int    `json:"exitCode"`
	Findings any    `json:"findings"`
	Locale   string `json:"locale"`
	Markdown string `json:"markdown"`
}

// Notifications.

type progressParams struct {
	Message       string          `json:"message"`
	Progress      int             `json:"progress"`
	ProgressToken json.RawMessage `json:"progressToken"`
	Total         int             `json:"total"`
}

// workDoneParams are the params of LSP's $/progress; Value is one of the
// workDone* values.
type workDoneParams struct {
	Token json.RawMessage `json:"token"`
	Value any             `json:"value"`
}

type workDoneBegin struct {
	Kind       string `json:"kind"` // "begin"
	Percentage int    `json:"percentage"`
	Title      string `json:"title"`
}

type workDoneReport struct {
	Kind       string `json:"kind"` // "report"
	Message    string `json:"message"`
	Percentage int    `json:"percentage"`
}

type workDoneEnd struct {
	Kind    string `json:"kind"` // "end"
	Message string `json:"message"`
}

// Error data.

type versionErrorData struct {
	Requested json.RawMessage `json:"requested"`
	Supported []string        `json:"supported"`
}

type invalidArgsData struct {
	Kind   string `json:"kind"`
	Locale string `json:"locale"`
}

// The input schema of the mystatus tool (a JSON Schema).

type objectSchema struct {
	AdditionalProperties bool             `json:"additionalProperties"`
	Properties           statusProperties `json:"properties"`
	Type                 string           `json:"type"`
}

type statusProperties struct {
	Format    schemaProp `json:"format"`
	Lang      schemaProp `json:"lang"`
	Platforms schemaProp `json:"platforms"`
	Refresh   schemaProp `json:"refresh"`
}

type schemaProp struct {
	Description string      `json:"description,omitempty"`
	Enum        []string    `json:"enum,omitempty"`
	Items       *schemaProp `json:"items,omitempty"`
	Type        string      `json:"type"`
}

// internalError answers a request whose result could not be encoded.
var internalError = &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: "internal error"}
