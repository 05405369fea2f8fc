package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/option"
)

const opVendorProfile = "GET /v1/user/vendor"

// VendorProfile returns the vendor account's data (GET /v1/user/vendor);
// it has the same shape as Profile.
func (c *Client) VendorProfile(ctx context.Context, opts ...option.CallOption) (*Profile, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return call[Profile](ctx, c, c.userRequest(opVendorProfile, "/v1/user/vendor", nil), opts)
}
