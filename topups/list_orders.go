package topups

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/paging"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const opListOrders = "GET /customer/v2/orders"

// Include names related data ListOrders can embed in each order.
type Include string

// Includes the orders list accepts.
const (
	IncludeSIMs   Include = "sims"
	IncludeUser   Include = "user"
	IncludeStatus Include = "status"
)

// ListOrdersParams filters and pages the orders list. Zero fields are not
// sent.
type ListOrdersParams struct {
	// Include embeds SIMs, the user and/or the status object in each order.
	Include []Include
	// CreatedFrom and CreatedTo filter by creation day (both inclusive,
	// only the date counts); set both or neither.
	CreatedFrom, CreatedTo time.Time
	// Code keeps orders whose code contains this text.
	Code string
	// OrderStatus keeps orders in this status ("completed", "failed",
	// "refunded").
	OrderStatus string
	// ICCID keeps orders for this eSIM (17 to 22 digits); the provider
	// matches it as a substring.
	ICCID string
	// Description keeps orders whose description contains this text, such
	// as the Reference given to SubmitTopup; the provider matches it as a
	// substring, so compare Order.Description yourself for an exact match.
	Description string
	// Type keeps only eSIM orders or only top-ups.
	Type OrderType
	// Limit is the number of orders per page (provider default when 0).
	Limit int
	// Cursor is the page to fetch: "" for the first, then the Next of the
	// page before (ListOrders), which AllOrders does for you.
	Cursor string
}

// query validates p and renders it as the API's query string.
func (p ListOrdersParams) query() (url.Values, error) {
	q := url.Values{}
	if len(p.Include) > 0 {
		names := make([]string, len(p.Include))
		for i, inc := range p.Include {
			switch inc {
			case IncludeSIMs, IncludeUser, IncludeStatus:
			default:
				return nil, apierror.Validation(Provider, opListOrders, "unknown include %q (want sims, user or status)", inc)
			}
			names[i] = string(inc)
		}
		q.Set("include", strings.Join(names, ","))
	}
	switch {
	case p.CreatedFrom.IsZero() && p.CreatedTo.IsZero():
	case p.CreatedFrom.IsZero() || p.CreatedTo.IsZero():
		return nil, apierror.Validation(Provider, opListOrders, "set both CreatedFrom and CreatedTo, or neither")
	case p.CreatedTo.Before(p.CreatedFrom):
		return nil, apierror.Validation(Provider, opListOrders, "CreatedTo is before CreatedFrom")
	default:
		q.Set("filter[created_at]", p.CreatedFrom.Format(time.DateOnly)+" - "+p.CreatedTo.Format(time.DateOnly))
	}
	for name, v := range map[string]string{"filter[code]": p.Code, "filter[order_status]": p.OrderStatus, "filter[description]": p.Description} {
		if v == "" {
			continue
		}
		if why := validate.ID(v); why != "" {
			return nil, apierror.Validation(Provider, opListOrders, "%s %s", name, why)
		}
		q.Set(name, v)
	}
	if p.ICCID != "" {
		if err := checkICCID(opListOrders, p.ICCID); err != nil {
			return nil, err
		}
		q.Set("filter[iccid]", p.ICCID)
	}
	switch p.Type {
	case "":
	case OrderTypeSIM, OrderTypeTopup:
		q.Set("type", string(p.Type))
	default:
		return nil, apierror.Validation(Provider, opListOrders, "unknown order type %q (want sim or topup)", p.Type)
	}
	if p.Limit < 0 || p.Limit > maxLimit {
		return nil, apierror.Validation(Provider, opListOrders, "limit must be between 0 and %d", maxLimit)
	}
	if p.Cursor != "" {
		if n, err := strconv.Atoi(p.Cursor); err != nil || n < 1 {
			return nil, apierror.Validation(Provider, opListOrders, "cursor must come from Page.Next")
		}
		q.Set("page", p.Cursor)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	return q, nil
}

// maxLimit is the largest page the orders list serves.
const maxLimit = 100

// ListOrders returns one page of orders (eSIM orders and top-ups), newest
// first as the provider sorts them (GET /customer/v2/orders). Page.Next is the Cursor of the next
// page ("" on the last) and Page.Total the number of matching orders.
func (c *Client) ListOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) (*page.Page[Order], error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	var out struct {
		Data []Order  `json:"data"`
		Meta pageMeta `json:"meta"`
	}
	if _, err := c.call(ctx, &transport.Request{
		Method: http.MethodGet,
		Path:   "/customer/v2/orders",
		Query:  q,
		Op:     opListOrders,
	}, &out, opts); err != nil {
		return nil, err
	}
	pg := &page.Page[Order]{Items: out.Data}
	if out.Meta.LastPage > 0 {
		total := int(out.Meta.Total)
		pg.Total = &total
	}
	current := int(out.Meta.CurrentPage)
	if current == 0 {
		current, _ = strconv.Atoi(p.Cursor)
		current = max(current, 1)
	}
	if len(out.Data) > 0 && current < int(out.Meta.LastPage) {
		pg.Next = strconv.Itoa(current + 1)
	}
	return pg, nil
}

// AllOrders walks every order matching p from p.Cursor (or the first page)
// to the last page, fetching a page only when the loop needs it. A break
// stops it without further requests; an error is yielded once, last.
func (c *Client) AllOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) iter.Seq2[Order, error] {
	return paging.All(ctx, c.ListOrders, p, func(p *ListOrdersParams) *string { return &p.Cursor }, opts)
}
