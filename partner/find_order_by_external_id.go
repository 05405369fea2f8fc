package partner

import (
	"context"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// FindOrderByExternalID returns the order created with your external id,
// or nil and no error when there is none (GET /orders?external_id=). The
// provider's external_id filter is documented as a search, so only an
// exact match counts. CreateOrder and TopupESIM use it to settle an
// ambiguous attempt; call it yourself to reconcile after a crash.
func (c *Client) FindOrderByExternalID(ctx context.Context, externalID string, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if why := checkExternalID(externalID); why != "" {
		return nil, apierror.Validation(Provider, opListOrders, "external_id %s", why)
	}
	for o, err := range c.AllOrders(ctx, ListOrdersParams{ExternalID: externalID, PerPage: maxPerPageOrders}, opts...) {
		if err != nil {
			return nil, err
		}
		if o.ExternalID == externalID {
			return &o, nil
		}
	}
	return nil, nil
}
