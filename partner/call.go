package partner

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// envelope is the wrapper every Partner answer comes in. The error side is
// kept raw because the docs do not fix its shape: message is a string,
// error may be a string or an object, errors a field map or a list.
type envelope[T any] struct {
	Success *bool           `json:"success"`
	Message json.RawMessage `json:"message"`
	Data    T               `json:"data"`
	Meta    Meta            `json:"meta"`
	Error   json.RawMessage `json:"error"`
	Errors  json.RawMessage `json:"errors"`
}

// Meta is the cursor pagination block of a page call. Pass NextCursor as the
// next call's Cursor; it is empty on the last page.
type Meta struct {
	NextCursor string `json:"next_cursor"`
	PrevCursor string `json:"prev_cursor"`
	PerPage    int    `json:"per_page"`
}

// UnmarshalJSON accepts per_page as a number or a numeric string and
// cursors as strings or null, since the docs show neither.
func (m *Meta) UnmarshalJSON(b []byte) error {
	var raw struct {
		NextCursor json.RawMessage `json:"next_cursor"`
		PrevCursor json.RawMessage `json:"prev_cursor"`
		PerPage    json.RawMessage `json:"per_page"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	m.NextCursor = jsonx.Text(raw.NextCursor)
	m.PrevCursor = jsonx.Text(raw.PrevCursor)
	m.PerPage, _ = strconv.Atoi(jsonx.Text(raw.PerPage))
	return nil
}

// call sends req and unwraps the envelope into data and meta. A 2xx answer
// with success:false is an error too.
func call[T any](ctx context.Context, c *Client, req *transport.Request, opts []option.CallOption) (T, Meta, error) {
	var env envelope[T]
	resp, err := c.t.Do(ctx, req, &env, opts...)
	if err != nil {
		var zero T
		return zero, Meta{}, err
	}
	if env.Success != nil && !*env.Success {
		e := decodeError(resp)
		if e.Kind == nil {
			// A refusal without an error status: the request was answered
			// and will be answered the same way again.
			e.Kind = apierror.ErrValidation
		}
		var zero T
		return zero, Meta{}, c.t.Fail(resp, e)
	}
	return env.Data, env.Meta, nil
}
