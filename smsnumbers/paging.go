package smsnumbers

import (
	"context"
	"iter"
	"net/url"
	"strconv"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/page"
)

// PageQuery selects one page of a history list (offset pagination).
// Zero values are left out of the request, so the provider's defaults
// apply.
type PageQuery struct {
	// Limit is the page size; 0 means the provider's default.
	Limit int
	// Offset is the number of records to skip.
	Offset int
	// Order is the field to sort by, e.g. "id".
	Order string
	// Reverse sorts in descending order.
	Reverse bool
}

func (q PageQuery) values(op string) (url.Values, error) {
	if q.Limit < 0 {
		return nil, apierror.Validation(Provider, op, "limit must not be negative, got %d", q.Limit)
	}
	if q.Offset < 0 {
		return nil, apierror.Validation(Provider, op, "offset must not be negative, got %d", q.Offset)
	}
	v := url.Values{}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	v.Set("offset", strconv.Itoa(q.Offset))
	if q.Order != "" {
		v.Set("order", q.Order)
	}
	if q.Reverse {
		v.Set("reverse", "true")
	}
	return v, nil
}

// walkOffset walks an offset-paginated list from q.Offset: the page token
// is the offset as a decimal string, and the walk stops when the offset
// reaches the reported total or a page comes back empty.
func walkOffset[T any](ctx context.Context, q PageQuery, fetch func(ctx context.Context, q PageQuery) (items []T, total int, err error)) iter.Seq2[T, error] {
	start := q.Offset
	return page.Walk(ctx, func(ctx context.Context, token string) ([]T, string, error) {
		q.Offset = start
		if token != "" {
			n, err := strconv.Atoi(token)
			if err != nil {
				return nil, "", err
			}
			q.Offset = n
		}
		items, total, err := fetch(ctx, q)
		if err != nil {
			return nil, "", err
		}
		next := q.Offset + len(items)
		if len(items) == 0 || next >= total {
			return items, "", nil
		}
		return items, strconv.Itoa(next), nil
	})
}

// errSeq yields err once, for an iterator that cannot start.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
