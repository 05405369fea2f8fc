// Package broken breaks each convention TestConventions checks, once: the
// check must report every line of TestConventionsCatchBreaks.
package broken

import (
	"context"

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
