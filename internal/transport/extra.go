package transport

import (
	"context"
	"slices"

	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/observe"
)

// maxFieldName bounds a reported member name: a provider's key is its
// own text, and a label must stay short.
const maxFieldName = 64

// KeepExtra fills the Extra fields of out, just decoded from body, with
// the members their types do not model, and reports them to the observer
// (one UnknownFields event per call that saw any). Do calls it for every
// answer it decodes; provider code that decodes an answer itself (a
// cached body, a plain-text check first) calls it after decoding.
func (c *Client) KeepExtra(ctx context.Context, op string, body []byte, out any) {
	if c.obs == nil {
		jsonx.KeepExtra(body, out, nil)
		return
	}
	var fields []string
	jsonx.KeepExtra(body, out, func(typ, key string) {
		if len(key) > maxFieldName {
			key = key[:maxFieldName]
		}
		fields = append(fields, typ+"."+key)
	})
	if len(fields) == 0 {
		return
	}
	slices.Sort(fields)
	fields = slices.Compact(fields)
	if len(fields) > observe.MaxUnknownFields {
		fields = fields[:observe.MaxUnknownFields]
	}
	c.obs.UnknownFields(ctx, observe.UnknownFields{Provider: c.provider, Route: op, Fields: fields})
}
