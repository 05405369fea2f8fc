package partner

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// ListOrdersParams selects a page of order history for ListOrders and
// AllOrders.
type ListOrdersParams struct {
	// Cursor is the Next of the previous page; empty for the first page.
	Cursor string
	// PerPage is 1..100; zero means the server default (50).
	PerPage int
	// Status filters by order status; empty means all.
	Status OrderStatus
	// ExternalID searches by your own order id. The provider documents it
	// as a search, so it may match more than that id: FindOrderByExternalID
	// keeps only the exact match.
	ExternalID string
	// DateFrom and DateTo bound created_at; zero means unbounded. They are
	// sent as RFC 3339 in UTC.
	DateFrom, DateTo time.Time
}

const opListOrders = "GET /orders"

func (p ListOrdersParams) query() (url.Values, error) {
	q, err := pageQuery(opListOrders, p.Cursor, p.PerPage, maxPerPageOrders)
	if err != nil {
		return nil, err
	}
	if p.Status != "" {
		if !p.Status.Valid() {
			return nil, apierror.Validation(Provider, opListOrders, "unknown order status %q", string(p.Status))
		}
		q.Set("status", string(p.Status))
	}
	if p.ExternalID != "" {
		if why := validate.ID(p.ExternalID); why != "" {
			return nil, apierror.Validation(Provider, opListOrders, "external_id %s", why)
		}
		q.Set("external_id", p.ExternalID)
	}
	if !p.DateFrom.IsZero() && !p.DateTo.IsZero() && p.DateFrom.After(p.DateTo) {
		return nil, apierror.Validation(Provider, opListOrders, "date_from %s is after date_to %s", p.DateFrom.Format(time.RFC3339), p.DateTo.Format(time.RFC3339))
	}
	if !p.DateFrom.IsZero() {
		q.Set("date_from", p.DateFrom.UTC().Format(time.RFC3339))
	}
	if !p.DateTo.IsZero() {
		q.Set("date_to", p.DateTo.UTC().Format(time.RFC3339))
	}
	return q, nil
}

// ListOrders returns one page of order history (GET /orders), newest
// first as the provider orders it.
func (c *Client) ListOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) (*page.Page[Order], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return listPage[Order](ctx, c, &transport.Request{Method: http.MethodGet, Path: "/orders", Query: q, Op: opListOrders}, opts)
}

// AllOrders walks every page of order history lazily, starting at
// p.Cursor; a break stops it without fetching another page.
func (c *Client) AllOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) iter.Seq2[Order, error] {
	return paging.All(ctx, c.ListOrders, p, func(p *ListOrdersParams) *string { return &p.Cursor }, opts)
}
