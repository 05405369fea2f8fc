// Package paging builds every list iterator (AllX) of the provider
// packages from their ListX call, so all of them behave alike: a range
// starts at the params' own Cursor, each range starts afresh, and the
// caller's params are never written.
package paging

import (
	"context"
	"iter"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/page"
)

// List is a ListX method value: one page for params p.
type List[P, T any] func(ctx context.Context, p P, opts ...option.CallOption) (*page.Page[T], error)

// All returns the iterator of list over params p. cursor points at p's
// Cursor field; All only ever writes it in a copy of p it makes for each
// page, so ranging the iterator twice yields the same items from the same
// start, and the caller's params stay as they were.
func All[P, T any](ctx context.Context, list List[P, T], p P, cursor func(*P) *string, opts []option.CallOption) iter.Seq2[T, error] {
	start := *cursor(&p)
	return page.Walk(ctx, func(ctx context.Context, token string) ([]T, string, error) {
		q := p
		if token == "" {
			token = start
		}
		*cursor(&q) = token
		pg, err := list(ctx, q, opts...)
		if err != nil {
			return nil, "", err
		}
		return pg.Items, pg.Next, nil
	})
}
