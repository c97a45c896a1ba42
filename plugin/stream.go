package plugin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
)

// Framing names how messages are delimited on the wire.
const (
	FramingAuto   = "auto"   // detected from the first non-whitespace byte
	FramingNDJSON = "ndjson" // one JSON message per line (MCP stdio)
	FramingLSP    = "lsp"    // Content-Length headers (LSP base protocol)
)

// MaxMessage caps one incoming message. Larger messages are skipped
// without being buffered and answered with an error.
const MaxMessage = 8 << 20

// idPrefix is how much of an oversized message is kept to find its id.
const idPrefix = 4 << 10

// maxHeaderLine caps one LSP header line.
const maxHeaderLine = 4 << 10

// errClosed is returned by writes after Close.
var errClosed = errors.New("plugin: stream closed")

// stream is the jsonrpc2.ObjectStream of the host. It frames messages,
// validates each one before jsonrpc2 decodes it (the library closes the
// connection on anything it does not like) and answers bad input itself.
type stream struct {
	r       *bufio.Reader
	w       io.Writer
	framing string // FramingAuto until the first byte is seen
	max     int
	log     *slog.Logger
	// drain is called on EOF before io.EOF is returned, so replies of
	// requests still running are written before jsonrpc2 closes.
	drain func()

	rmu  sync.Mutex
	rerr error // the read error that ended the stream, other than EOF

	wmu     sync.Mutex // serialises every write, ours and jsonrpc2's
	closed  bool
	werr    error
	onWrErr func(error)
}

func newStream(in io.Reader, out io.Writer, framing string, log *slog.Logger) *stream {
	return &stream{
		r:       bufio.NewReaderSize(in, 64<<10),
		w:       out,
		framing: framing,
		max:     MaxMessage,
		log:     log,
		drain:   func() {},
	}
}

// rejection is a message the stream answers itself.
type rejection struct {
	id   json.RawMessage // nil means null
	code int64
	msg  string
}

// ReadObject reads the next valid message into v. Invalid messages are
// answered and skipped; it returns only io.EOF or a read error.
func (s *stream) ReadObject(v any) error {
	for {
		raw, rej, err := s.next()
		if err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				s.drain()
				return io.EOF
			}
			s.rmu.Lock()
			s.rerr = err
			s.rmu.Unlock()
			return err
		}
		if rej == nil {
			var skip bool
			rej, skip = check(raw)
			if skip {
				s.log.Debug("ignoring a response: the host sends no requests")
				continue
			}
		}
		if rej == nil {
			raw, rej = mapInbound(raw)
		}
		if rej == nil {
			// A fresh value each try: a failed decode may leave it half set.
			reflect.ValueOf(v).Elem().SetZero()
			err := json.Unmarshal(raw, v)
			if err == nil {
				return nil
			}
			// gjson and encoding/json can disagree (duplicate keys):
			// answer rather than let jsonrpc2 close the connection.
			rej = &rejection{id: echoID(gjson.GetBytes(raw, "id")), code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: " + err.Error()}
		}
		s.log.Debug("rejected message", "code", rej.code, "reason", rej.msg)
		if err := s.writeError(rej); err != nil {
			return err
		}
	}
}

// readErr returns the read error that ended the stream, nil after EOF.
func (s *stream) readErr() error {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return s.rerr
}

// next returns the next raw message, or a rejection for a message that
// could not be read whole (too large, bad headers).
func (s *stream) next() ([]byte, *rejection, error) {
	if s.framing == FramingAuto {
		f, err := s.detect()
		if err != nil {
			return nil, nil, err
		}
		s.wmu.Lock()
		s.framing = f
		s.wmu.Unlock()
	}
	if s.framing == FramingLSP {
		return s.nextLSP()
	}
	return s.nextLine()
}

// detect peeks at the first non-whitespace byte to choose the framing.
func (s *stream) detect() (string, error) {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return "", err
		}
		if isSpace(b) {
			continue
		}
		_ = s.r.UnreadByte()
		if b == 'C' || b == 'c' {
			return FramingLSP, nil
		}
		// '{' and '[' are NDJSON; anything else is answered as bad JSON.
		return FramingNDJSON, nil
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// nextLine reads one non-blank line. A line longer than the cap is skipped
// to its end while keeping only a prefix to find its id.
func (s *stream) nextLine() ([]byte, *rejection, error) {
	for {
		var line []byte
		over := false
		for {
			chunk, err := s.r.ReadSlice('\n')
			body := len(chunk) // without the line ending
			if err == nil {
				body--
				if body > 0 && chunk[body-1] == '\r' {
					body--
				}
			}
			if !over {
				if len(line)+body > s.max {
					over = true
					if len(line) < idPrefix {
						line = append(line, chunk[:min(len(chunk), idPrefix-len(line))]...)
					}
				} else {
					line = append(line, chunk...)
				}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil && (len(line) == 0 || err != io.EOF) {
				return nil, nil, err
			}
			break // a whole line, or a last line without newline
		}
		if over {
			return nil, tooLarge(line, s.max), nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return line, nil, nil
	}
}

// nextLSP reads one Content-Length framed message.
func (s *stream) nextLSP() ([]byte, *rejection, error) {
	length, seen := -1, false
	for {
		line, err := s.headerLine()
		if err != nil {
			return nil, nil, err
		}
		if line == "" {
			if !seen {
				continue // blank lines between messages
			}
			break
		}
		seen = true
		name, value, ok := strings.Cut(line, ":")
		if !ok || !headerName(name) {
			return nil, &rejection{code: jsonrpc2.CodeParseError, msg: "parse error: bad header line"}, nil
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				length = -2
			} else {
				length = n
			}
		}
	}
	if length < 0 {
		// Without a length the body cannot be found; the next header read
		// skips it as bad header lines.
		return nil, &rejection{code: jsonrpc2.CodeParseError, msg: "parse error: missing or invalid Content-Length"}, nil
	}
	if length > s.max {
		prefix := make([]byte, min(idPrefix, length))
		n, err := io.ReadFull(s.r, prefix)
		if err != nil {
			return nil, nil, err
		}
		if _, err := io.CopyN(io.Discard, s.r, int64(length-n)); err != nil {
			return nil, nil, err
		}
		return nil, tooLarge(prefix[:n], s.max), nil
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.r, body); err != nil {
		return nil, nil, err
	}
	return body, nil, nil
}

// headerLine reads one header line without its line ending; overlong lines
// are truncated (and then fail to parse).
func (s *stream) headerLine() (string, error) {
	var line []byte
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(line) < maxHeaderLine {
			line = append(line, chunk[:min(len(chunk), maxHeaderLine-len(line))]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(line), "\r\n"), nil
	}
}

// headerName reports whether name is an HTTP-style header token, so a
// stray JSON line is not mistaken for a header.
func headerName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func tooLarge(prefix []byte, max int) *rejection {
	return &rejection{
		id:   echoID(gjson.GetBytes(prefix, "id")),
		code: jsonrpc2.CodeInvalidRequest,
		msg:  fmt.Sprintf("invalid request: message larger than %d bytes", max),
	}
}

// check validates one message. It returns a rejection, or skip for a
// response (the host never sends requests, so responses are dropped).
func check(raw []byte) (rej *rejection, skip bool) {
	// Before any recursive parser sees it: gjson's validator recurses once
	// per level, so a line of "[" would exhaust the stack.
	if err := jsonval.CheckDepth(raw, jsonval.MaxDepth); err != nil {
		return &rejection{id: topLevelID(raw), code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: " + err.Error()}, false
	}
	if !gjson.ValidBytes(raw) {
		return &rejection{code: jsonrpc2.CodeParseError, msg: "parse error: invalid JSON"}, false
	}
	switch raw[0] {
	case '[':
		return &rejection{code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: batches are not supported"}, false
	case '{':
	default:
		return &rejection{code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: not an object"}, false
	}
	msg := gjson.ParseBytes(raw)
	id := msg.Get("id")
	method := msg.Get("method")
	isResponse := msg.Get("result").Exists() || msg.Get("error").Exists()
	echo := echoID(id)
	if !method.Exists() {
		if isResponse {
			return nil, true
		}
		return &rejection{id: echo, code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: no method"}, false
	}
	if method.Type != gjson.String {
		return &rejection{id: echo, code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: method must be a string"}, false
	}
	if isResponse {
		return &rejection{id: echo, code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: both method and result or error"}, false
	}
	if id.Exists() && id.Type != gjson.String && id.Type != gjson.Number {
		return &rejection{id: echo, code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: id must be a string or a number"}, false
	}
	if p := msg.Get("params"); p.Exists() && !p.IsObject() && !p.IsArray() && p.Type != gjson.Null {
		return &rejection{id: echo, code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: params must be an object or an array"}, false
	}
	return nil, false
}

// plainID reports whether jsonrpc2 holds id faithfully: integers in
// 0..2^63-1 written without fraction or exponent, and strings that do not
// look like a mapped id.
func plainID(id gjson.Result) bool {
	switch id.Type {
	case gjson.String:
		return !strings.HasPrefix(id.Str, mappedIDPrefix)
	case gjson.Number:
		if strings.ContainsAny(id.Raw, ".eE-+") {
			return false
		}
		_, err := strconv.ParseInt(id.Raw, 10, 64)
		return err == nil
	}
	return false
}

// mappedIDPrefix marks a string id that stands for another id token.
// JSON-RPC allows any number as an id (MCP: any string or number), but
// sourcegraph/jsonrpc2 holds only uint64: it wraps -5 to 2^64-5 and closes
// the connection on 1.5 or 2^64. Such ids travel through the library as
// the string prefix+token and are restored on the way out, byte for byte.
// The NUL makes a clash with a real client id unlikely; a client string
// that starts with the prefix anyway is mapped the same way.
const mappedIDPrefix = "\x00id:"

// mapID is the id jsonrpc2 is given for the id token id, and whether it
// differs from the token.
func mapID(id gjson.Result) (string, bool) {
	if plainID(id) {
		return "", false
	}
	return mappedIDPrefix + id.Raw, true
}

// mapInbound replaces an id jsonrpc2 cannot hold by its mapped string.
func mapInbound(raw []byte) ([]byte, *rejection) {
	id := gjson.GetBytes(raw, "id")
	m, ok := mapID(id)
	if !id.Exists() || !ok {
		return raw, nil
	}
	end := id.Index + len(id.Raw)
	if id.Index <= 0 || end > len(raw) || string(raw[id.Index:end]) != id.Raw {
		return nil, &rejection{id: echoID(id), code: jsonrpc2.CodeInvalidRequest, msg: "invalid request: id could not be located"}
	}
	q, _ := json.Marshal(m)
	out := make([]byte, 0, len(raw)+len(q))
	out = append(append(append(out, raw[:id.Index]...), q...), raw[end:]...)
	return out, nil
}

// mapOutbound restores a mapped id in an outgoing message: it returns a
// new message and true, or false when there is nothing to restore.
func mapOutbound(b []byte) ([]byte, bool) {
	id := gjson.GetBytes(b, "id")
	if id.Type != gjson.String || !strings.HasPrefix(id.Str, mappedIDPrefix) {
		return b, false
	}
	end := id.Index + len(id.Raw)
	if id.Index <= 0 || end > len(b) {
		return b, false
	}
	tok := strings.TrimPrefix(id.Str, mappedIDPrefix)
	out := make([]byte, 0, len(b))
	return append(append(append(out, b[:id.Index]...), tok...), b[end:]...), true
}

// topLevelID finds the id of a message too deep to validate. gjson skips
// nested values without recursion, so this is safe; a bogus frame may
// yield no id.
func topLevelID(raw []byte) json.RawMessage {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	return echoID(gjson.GetBytes(raw, "id"))
}

// echoID returns the raw id to put in an error reply: the token as sent
// when it is a string or a number, else null.
func echoID(id gjson.Result) json.RawMessage {
	if id.Type == gjson.String || id.Type == gjson.Number {
		return json.RawMessage(id.Raw)
	}
	return nil
}

// outBuf is a pooled output frame: headroom for the LSP header, then
// the body, then room for NDJSON's newline. A frame is encoded once, into
// the buffer, and written from it.
type outBuf struct {
	b   bytes.Buffer
	enc *json.Encoder // into b; escapes HTML, as json.Marshal (and jsonrpc2) do
}

// headroom fits the longest LSP header.
const headroom = len("Content-Length: 18446744073709551615\r\n\r\n")

// maxPooled is the largest buffer put back in the pool: a huge report
// does not stay pinned.
const maxPooled = 1 << 20

var outBufs = sync.Pool{New: func() any {
	o := &outBuf{}
	o.enc = json.NewEncoder(&o.b)
	return o
}}

var blankHead [headroom]byte

func getOut() *outBuf {
	o := outBufs.Get().(*outBuf)
	o.b.Reset()
	o.b.Write(blankHead[:])
	return o
}

func putOut(o *outBuf) {
	if o.b.Cap() <= maxPooled {
		outBufs.Put(o)
	}
}

// encode appends v's JSON, without Encode's newline.
func (o *outBuf) encode(v any) error {
	if err := o.enc.Encode(v); err != nil {
		return err
	}
	o.b.Truncate(o.b.Len() - 1)
	return nil
}

// appendID appends a request id as jsonrpc2 wrote it, a mapped id
// restored to the token the client sent.
func (o *outBuf) appendID(id jsonrpc2.ID) error {
	if !id.IsString {
		o.b.Write(strconv.AppendUint(o.b.AvailableBuffer(), id.Num, 10))
		return nil
	}
	if tok, ok := strings.CutPrefix(id.Str, mappedIDPrefix); ok {
		o.b.WriteString(tok)
		return nil
	}
	return o.encode(id.Str)
}

// writeResponse writes the reply to id: res, or rerr when it is set.
// The reply is encoded once, straight into its frame, in the bytes
// jsonrpc2's Reply wrote ({"id","result"|"error","jsonrpc"}), which marshals
// the result, then compacts it twice more and copies it into its frame.
// A result that cannot be encoded is answered -32603.
func (s *stream) writeResponse(id jsonrpc2.ID, res any, rerr *jsonrpc2.Error) error {
	o := getOut()
	defer putOut(o)
	if err := o.response(id, res, rerr); err != nil {
		o.b.Truncate(headroom)
		if err := o.response(id, nil, internalError); err != nil {
			return err
		}
		s.log.Error("reply not encodable", "err", err)
	}
	return s.writeOut(o)
}

func (o *outBuf) response(id jsonrpc2.ID, res any, rerr *jsonrpc2.Error) error {
	o.b.WriteString(`{"id":`)
	if err := o.appendID(id); err != nil {
		return err
	}
	var v any = res
	if rerr != nil {
		o.b.WriteString(`,"error":`)
		v = rerr
	} else {
		o.b.WriteString(`,"result":`)
	}
	if a, ok := v.(jsonAppender); ok {
		if err := a.appendJSON(o); err != nil {
			return err
		}
	} else if err := o.encode(v); err != nil {
		return err
	}
	o.b.WriteString(`,"jsonrpc":"2.0"}`)
	return nil
}

// writeNotification writes a notification in the bytes jsonrpc2's Notify
// wrote ({"jsonrpc","method","params"}: it encoded a map).
func (s *stream) writeNotification(method string, params any) error {
	o := getOut()
	defer putOut(o)
	o.b.WriteString(`{"jsonrpc":"2.0","method":`)
	if err := o.encode(method); err != nil {
		return err
	}
	o.b.WriteString(`,"params":`)
	if err := o.encode(params); err != nil {
		return err
	}
	o.b.WriteByte('}')
	return s.writeOut(o)
}

// WriteObject writes one message in the connection's framing. The host
// writes its own messages itself (writeResponse, writeNotification);
// this is jsonrpc2's path.
func (s *stream) WriteObject(obj any) error {
	o := getOut()
	defer putOut(o)
	enc := json.NewEncoder(&o.b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return err
	}
	body := bytes.TrimRight(o.b.Bytes()[headroom:], "\n")
	if m, ok := mapOutbound(body); ok {
		o.b.Truncate(headroom)
		o.b.Write(m)
	} else {
		o.b.Truncate(headroom + len(body))
	}
	return s.writeOut(o)
}

func (s *stream) writeError(r *rejection) error {
	id := r.id
	if id == nil {
		id = json.RawMessage("null")
	}
	o := getOut()
	defer putOut(o)
	err := o.encode(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", id, &jsonrpc2.Error{Code: r.code, Message: r.msg}})
	if err != nil {
		return err
	}
	return s.writeOut(o)
}

// writeOut frames the body in o and writes the frame with one Write, from
// o's own bytes: the LSP header goes into the headroom before the body,
// NDJSON's newline after it.
func (s *stream) writeOut(o *outBuf) error {
	o.b.WriteByte('\n')
	b := o.b.Bytes()
	body := b[headroom : len(b)-1]
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return errClosed
	}
	if s.werr != nil {
		return s.werr
	}
	frame := b[headroom:] // NDJSON: the body and its newline
	if s.framing == FramingLSP {
		var hdr [headroom]byte
		h := strconv.AppendInt(append(hdr[:0], "Content-Length: "...), int64(len(body)), 10)
		h = append(h, "\r\n\r\n"...)
		start := headroom - len(h)
		copy(b[start:], h)
		frame = b[start : len(b)-1]
	}
	if _, err := s.w.Write(frame); err != nil {
		s.werr = err
		if s.onWrErr != nil {
			s.onWrErr(err)
		}
		return err
	}
	return nil
}

// Close stops further writes. It leaves the underlying reader and writer
// open: they belong to the caller.
func (s *stream) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.closed = true
	return nil
}
