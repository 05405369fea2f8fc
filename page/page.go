// Package page holds the one page shape every simkit list call returns, and
// the walker behind every list iterator: cursor, offset and page-number
// pagination all read the same way, one page in memory at a time, stopping
// on break, error or ctx.
package page

import (
	"context"
	"iter"
)

// Page is one page of a list call (ListX). Pass Next as the Cursor of the
// same call's params to get the following page; the AllX iterator of the
// call does that for you.
type Page[T any] struct {
	// Items are this page's entries, in the provider's order.
	Items []T
	// Next is the cursor of the following page, "" on the last page. It is
	// opaque: a cursor, an offset or a page number, as the provider pages.
	Next string
	// Total is the number of entries in the whole list when the provider
	// reports it, nil when it does not.
	Total *int
}

// Fetch loads the page at token ("" for the first) and returns its items
// and the token of the next page ("" when this was the last).
type Fetch[T any] func(ctx context.Context, token string) (items []T, next string, err error)

// Walk yields every item of every page. The next page is fetched only when
// the consumer asks for an item beyond the current one, so a break never
// costs a request. After an error it yields (zero, err) once and stops.
func Walk[T any](ctx context.Context, fetch Fetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := ""
		for {
			// A context that ended is reported by fetch itself, as the
			// provider's typed error, so a walk fails like any call.
			items, next, err := fetch(ctx, token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for i := range items {
				if !yield(items[i], nil) {
					return
				}
				items[i] = *new(T) // let the consumer's copy be the only one
			}
			// A server that hands back the token it was given would loop
			// forever; stop instead.
			if next == "" || next == token {
				return
			}
			token = next
		}
	}
}
