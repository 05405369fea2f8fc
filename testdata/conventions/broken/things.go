// Package broken breaks each convention TestConventions checks, once: the
// check must report every line of TestConventionsCatchBreaks.
package broken

import (
	"context"
	"iter"

	"github.com/simkit/simkit/option"
)

// Client is a provider client.
type Client struct{}

// OtherParams is named after no method.
type OtherParams struct{}

const routeThing = "GET /things"

const thingRoute = "GET /things/{id}"

// GetThing lives in things.go, takes the wrong params and ends without options.
func (c *Client) GetThing(ctx context.Context, p OtherParams, id string) error {
	const op = "GET /things/{id}"
	_ = op
	return nil
}

// ListThings takes its context second.
func (c *Client) ListThings(id string, ctx context.Context, opts ...option.CallOption) error {
	return nil
}

// AllThings walks the pages by hand.
func (c *Client) AllThings(ctx context.Context, p ListThingsParams, opts ...option.CallOption) iter.Seq2[string, error] {
	return func(func(string, error) bool) {}
}

// ListThingsParams selects a page of things.
type ListThingsParams struct{}
