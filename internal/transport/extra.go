package transport

import (
	"context"
	"slices"

	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/observe"
)

// maxFieldName bounds a reported "Type.member": a provider's key is its
// own text, and a label must stay short.
const maxFieldName = 64

// KeepExtra fills the Extra fields of out, just decoded from body, with
// the members their types do not model, and reports them to the observer
// (one UnknownFields event per call that saw any). Do calls it for every
// answer it decodes; provider code that decodes an answer itself (a
// cached body, a plain-text check first) calls it after decoding.
func (c *Client) KeepExtra(ctx context.Context, op string, body []byte, out any) {
	fields := jsonx.KeepExtra(body, out, c.obs != nil)
	if len(fields) == 0 {
		return
	}
	for i, f := range fields {
		if len(f) > maxFieldName {
			fields[i] = f[:maxFieldName]
		}
	}
	slices.Sort(fields)
	fields = slices.Compact(fields)
	if len(fields) > observe.MaxUnknownFields {
		fields = fields[:observe.MaxUnknownFields]
	}
	c.obs.UnknownFields(ctx, observe.UnknownFields{Provider: c.provider, Route: op, Fields: fields})
}
