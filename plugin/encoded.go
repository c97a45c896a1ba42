package plugin

import (
	"encoding/json"
	"sync"
)

// wire is the JSON of a tools/call reply's two large parts, encoded on
// first use and then reused by every call the memo answers: the content
// block (the markdown text, escaped) and the structured result (the
// document with the markdown inside it). Encoding them was most of a
// cached call's cost.
type wire struct {
	contentOnce, structOnce sync.Once
	content, structured     []byte
	contentErr, structErr   error
}

// parts returns the encoded content array and, when structured is set,
// the encoded structuredContent of out (nil when it has none).
func (w *wire) parts(out Output, structured bool) (content, sc []byte, err error) {
	w.contentOnce.Do(func() {
		w.content, w.contentErr = json.Marshal([]textContent{textBlock(out.Text)})
	})
	if w.contentErr != nil || !structured || out.Doc == nil {
		return w.content, nil, w.contentErr
	}
	w.structOnce.Do(func() {
		w.structured, w.structErr = json.Marshal(withMarkdown(out))
	})
	return w.content, w.structured, w.structErr
}

// encodedCall is a tools/call result whose content and structured parts
// are already JSON. It is written as encoding/json would write the
// equivalent toolsCallResult (the field order of its tags), which
// TestMemoHitWritesSameBytes and FuzzWriteEquivalence check.
type encodedCall struct {
	meta       *resultMeta
	content    []byte
	structured []byte
	resultType string
}

func (r *encodedCall) complete(m *resultMeta) { r.meta, r.resultType = m, resultComplete }

// appendJSON writes the result into o.
func (r *encodedCall) appendJSON(o *outBuf) error {
	o.b.WriteByte('{')
	if r.meta != nil {
		o.b.WriteString(`"_meta":`)
		if err := o.encode(r.meta); err != nil {
			return err
		}
		o.b.WriteByte(',')
	}
	o.b.WriteString(`"content":`)
	o.b.Write(r.content)
	o.b.WriteString(`,"isError":false`)
	if r.resultType != "" {
		o.b.WriteString(`,"resultType":`)
		if err := o.encode(r.resultType); err != nil {
			return err
		}
	}
	if r.structured != nil {
		o.b.WriteString(`,"structuredContent":`)
		o.b.Write(r.structured)
	}
	o.b.WriteByte('}')
	return nil
}

// jsonAppender is a result that writes its own JSON.
type jsonAppender interface {
	appendJSON(o *outBuf) error
}
