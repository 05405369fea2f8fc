// Package page turns any page-at-a-time call into a lazy iter.Seq2, so every
// list in simkit walks cursor, offset and page-number pagination the same
// way: one page in memory at a time, stopping on break, error or ctx.
package page

import (
	"context"
	"iter"
)

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
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
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
