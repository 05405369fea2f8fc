package smsnumbers

import (
	"context"
	"net/url"
	"strconv"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// pageQuery is the offset pagination every history list shares.
type pageQuery struct {
	limit   int
	cursor  string
	order   string
	reverse bool
}

// values renders q, refusing a bad limit or cursor before any request.
// The cursor is the offset as a decimal string (what Page.Next holds).
func (q pageQuery) values(op string) (url.Values, int, error) {
	if q.limit < 0 {
		return nil, 0, apierror.Validation(Provider, op, "limit must not be negative, got %d", q.limit)
	}
	offset := 0
	if q.cursor != "" {
		n, err := strconv.Atoi(q.cursor)
		if err != nil || n < 0 {
			return nil, 0, apierror.Validation(Provider, op, "cursor must be a Page.Next of this list")
		}
		offset = n
	}
	if q.order != "" {
		if why := validateOrder(q.order); why != "" {
			return nil, 0, apierror.Validation(Provider, op, "order %s", why)
		}
	}
	v := url.Values{}
	if q.limit > 0 {
		v.Set("limit", strconv.Itoa(q.limit))
	}
	v.Set("offset", strconv.Itoa(offset))
	if q.order != "" {
		v.Set("order", q.order)
	}
	if q.reverse {
		v.Set("reverse", "true")
	}
	return v, offset, nil
}

// validateOrder accepts a field name: letters, digits and underscores.
func validateOrder(s string) string {
	if len(s) > 64 {
		return "must be at most 64 bytes"
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "must be a field name such as \"id\""
		}
	}
	return ""
}

// history is the provider's shape of every history page; the name lists
// beside Data (ProductNames, Statuses, PaymentTypes...) are filter labels
// for the provider's web page and are not kept.
type history[T any] struct {
	Data  []T `json:"Data"`
	Total int `json:"Total"`
}

// listPage fetches one page of a history at route/path with extra query
// parameters (the category).
func listPage[T any](ctx context.Context, c *Client, route, path string, q pageQuery, extra url.Values, opts []option.CallOption) (*page.Page[T], error) {
	v, offset, err := q.values(route)
	if err != nil {
		return nil, err
	}
	for k, vs := range extra {
		v[k] = vs
	}
	h, err := call[history[T]](ctx, c, c.userRequest(route, path, v), opts)
	if err != nil {
		return nil, err
	}
	total := h.Total
	p := &page.Page[T]{Items: h.Data, Total: &total}
	if next := offset + len(h.Data); len(h.Data) > 0 && next < total {
		p.Next = strconv.Itoa(next)
	}
	return p, nil
}
