package partner

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// TopupParams adds a data package to an existing eSIM.
type TopupParams struct {
	// ExternalID is your unique order id (required); see CreateOrder for
	// why it makes the call safe to repeat.
	ExternalID string
	// SKUUUID is the data package; empty means the SKU of the original
	// eSIM purchase.
	SKUUUID string
	// CheckCanRenew asks for GET /services/esim/{iccid}/status first and
	// refuses the top-up with ErrValidation when can_renew is false. Off by
	// default: it costs a request, and the provider refuses such a top-up
	// itself.
	CheckCanRenew bool
}

type topupBody struct {
	ExternalID string `json:"external_id"`
	SKUUUID    string `json:"sku_uuid,omitempty"`
}

const opTopup = "POST /services/esim/{iccid}/topup"

// TopupESIM creates a top-up order for the eSIM with iccid
// (POST /services/esim/{iccid}/topup), charged at once. It is signed per
// attempt with X-Signature = HMAC(timestamp + iccid + external_id) and is
// exactly-once per ExternalID exactly as CreateOrder is.
func (c *Client) TopupESIM(ctx context.Context, iccid string, p TopupParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	switch {
	case !validate.ICCID(iccid):
		return nil, apierror.Validation(Provider, opTopup, "ICCID must be 18 to 22 digits, got %q", iccid)
	case validate.Blank(p.ExternalID):
		return nil, apierror.Validation(Provider, opTopup, "external_id is required")
	case p.SKUUUID != "" && !validate.UUID(p.SKUUUID):
		return nil, apierror.Validation(Provider, opTopup, "sku_uuid must be a UUID, got %q", p.SKUUUID)
	}
	if p.CheckCanRenew {
		st, err := c.GetESIMStatus(ctx, iccid, opts...)
		if err != nil {
			return nil, err
		}
		if !st.CanRenew {
			return nil, apierror.Validation(Provider, opTopup, "eSIM %s cannot be renewed (can_renew is false)", iccid)
		}
	}
	body := &topupBody{ExternalID: p.ExternalID, SKUUUID: p.SKUUUID}
	req := &transport.Request{
		Method:      http.MethodPost,
		Path:        "/services/esim/" + url.PathEscape(iccid) + "/topup",
		JSON:        body,
		Idempotency: transport.Idempotent,
		Op:          opTopup,
		Sign: func(h http.Header, now time.Time) error {
			ts := now.Unix()
			h.Set(signing.HeaderTimestamp, strconv.FormatInt(ts, 10))
			h.Set(signing.HeaderSignature, c.signer.PartnerTopup(ts, iccid, body.ExternalID))
			return nil
		},
	}
	return c.placeOrder(ctx, req, p.ExternalID, opts)
}
