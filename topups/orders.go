package topups

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

const ordersOp = "GET /customer/v2/orders"

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
	// Code is an order code, OrderStatus an order status (e.g. "completed").
	Code        string
	OrderStatus string
	// ICCID keeps orders for one eSIM (18 to 22 digits).
	ICCID string
	// Description matches the description given to SubmitTopup.
	Description string
	// Type keeps only eSIM orders or only top-ups.
	Type OrderType
	// Page (from 1) and Limit (orders per page, provider default when 0).
	Page, Limit int
}

// Order is one order in the list (an eSIM order or a top-up).
type Order struct {
	ID          string          `json:"id"`
	Code        string          `json:"code"`
	PackageID   string          `json:"package_id"`
	Type        OrderType       `json:"type"`
	Status      OrderStatus     `json:"status"`
	Description string          `json:"description"`
	Quantity    int             `json:"quantity"`
	Package     string          `json:"package"`
	Data        string          `json:"data"`
	Validity    string          `json:"validity"`
	Price       decimal.Decimal `json:"price"`
	NetPrice    decimal.Decimal `json:"net_price"`
	Currency    string          `json:"currency"`
	CreatedAt   time.Time       `json:"created_at"`
	// SIMs is set with IncludeSIMs, User with IncludeUser.
	SIMs []SIM `json:"sims"`
	User *User `json:"user"`
}

// UnmarshalJSON accepts numeric ids, numbers sent as strings and the API's
// time layouts.
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	w := struct {
		*plain
		ID        flexString `json:"id"`
		Quantity  flexInt    `json:"quantity"`
		Data      flexString `json:"data"`
		Validity  flexString `json:"validity"`
		CreatedAt flexTime   `json:"created_at"`
	}{plain: (*plain)(o)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	o.ID, o.Quantity, o.Data, o.Validity, o.CreatedAt = string(w.ID), int(w.Quantity), string(w.Data), string(w.Validity), time.Time(w.CreatedAt)
	return nil
}

// OrdersPage is one page of ListOrders.
type OrdersPage struct {
	Orders []Order  `json:"data"`
	Meta   PageMeta `json:"meta"`
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
				return nil, apierror.Validation(Provider, ordersOp, "unknown include %q (want sims, user or status)", inc)
			}
			names[i] = string(inc)
		}
		q.Set("include", strings.Join(names, ","))
	}
	switch {
	case p.CreatedFrom.IsZero() && p.CreatedTo.IsZero():
	case p.CreatedFrom.IsZero() || p.CreatedTo.IsZero():
		return nil, apierror.Validation(Provider, ordersOp, "set both CreatedFrom and CreatedTo, or neither")
	case p.CreatedTo.Before(p.CreatedFrom):
		return nil, apierror.Validation(Provider, ordersOp, "CreatedTo is before CreatedFrom")
	default:
		q.Set("filter[created_at]", p.CreatedFrom.Format(time.DateOnly)+" - "+p.CreatedTo.Format(time.DateOnly))
	}
	if p.Code != "" {
		q.Set("filter[code]", p.Code)
	}
	if p.OrderStatus != "" {
		q.Set("filter[order_status]", p.OrderStatus)
	}
	if p.ICCID != "" {
		if !validate.ICCID(p.ICCID) {
			return nil, apierror.Validation(Provider, ordersOp, "iccid must be 18 to 22 digits")
		}
		q.Set("filter[iccid]", p.ICCID)
	}
	if p.Description != "" {
		q.Set("filter[description]", p.Description)
	}
	switch p.Type {
	case "":
	case OrderTypeSIM, OrderTypeTopup:
		q.Set("type", string(p.Type))
	default:
		return nil, apierror.Validation(Provider, ordersOp, "unknown order type %q (want sim or topup)", p.Type)
	}
	if p.Page < 0 || p.Limit < 0 {
		return nil, apierror.Validation(Provider, ordersOp, "page and limit must not be negative")
	}
	if p.Page > 0 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	return q, nil
}

// ListOrders returns one page of orders (eSIM orders and top-ups), newest
// first as the provider sorts them.
func (c *Client) ListOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) (*OrdersPage, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	out := &OrdersPage{}
	if _, err := c.do(ctx, &transport.Request{
		Method: http.MethodGet,
		Path:   "/customer/v2/orders",
		Query:  q,
		Op:     ordersOp,
	}, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// AllOrders walks every order matching p from p.Page (or the first page)
// to meta.last_page, fetching a page only when the loop needs it. A break
// stops it without further requests; an error is yielded once, last.
func (c *Client) AllOrders(ctx context.Context, p ListOrdersParams, opts ...option.CallOption) iter.Seq2[Order, error] {
	return page.Walk(ctx, func(ctx context.Context, token string) ([]Order, string, error) {
		if token != "" {
			p.Page, _ = strconv.Atoi(token)
		} else if p.Page == 0 {
			p.Page = 1
		}
		pg, err := c.ListOrders(ctx, p, opts...)
		if err != nil {
			return nil, "", err
		}
		if len(pg.Orders) == 0 || p.Page >= pg.Meta.LastPage {
			return pg.Orders, "", nil
		}
		return pg.Orders, strconv.Itoa(p.Page + 1), nil
	})
}
