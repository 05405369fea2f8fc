package partner

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// TopupESIMParams is the input of TopupESIM: which package to add to an
// existing eSIM, under your own order id.
type TopupESIMParams struct {
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

const opTopupESIM = "POST /services/esim/{iccid}/topup"

// TopupESIM creates a top-up order for the eSIM with iccid
// (POST /services/esim/{iccid}/topup), charged at once. It is signed per
// attempt with X-Signature = HMAC(timestamp + iccid + external_id) and is
// exactly-once per ExternalID exactly as CreateOrder is: an ambiguous or
// duplicate answer is settled by looking the order up by external id, and
// an unsettled error (Ambiguous, with Reference and Started) may be retried
// with the same ExternalID.
func (c *Client) TopupESIM(ctx context.Context, iccid string, p TopupESIMParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := validate.CheckICCID(Provider, opTopupESIM, iccid); err != nil {
		return nil, err
	}
	if why := checkExternalID(p.ExternalID); why != "" {
		return nil, apierror.Validation(Provider, opTopupESIM, "external_id %s", why)
	}
	if p.SKUUUID != "" && !validate.UUID(p.SKUUUID) {
		return nil, apierror.Validation(Provider, opTopupESIM, "sku_uuid must be a UUID")
	}
	if p.CheckCanRenew {
		st, err := c.GetESIMStatus(ctx, iccid, opts...)
		if err != nil {
			return nil, err
		}
		if !st.CanRenew {
			return nil, apierror.Validation(Provider, opTopupESIM, "the eSIM cannot be renewed (can_renew is false)")
		}
	}
	body := &topupBody{ExternalID: p.ExternalID, SKUUUID: p.SKUUUID}
	req := &transport.Request{
		Method:      http.MethodPost,
		Path:        "/services/esim/" + url.PathEscape(iccid) + "/topup",
		JSON:        body,
		Idempotency: transport.Idempotent,
		Op:          opTopupESIM,
		Sign:        signedAt(c.signer, (*signing.Signer).PartnerTopup, iccid, body.ExternalID),
	}
	return c.placeOrder(ctx, placement{
		req: req, externalID: p.ExternalID,
		subject: "esim-topup/" + c.ledger.Hash(iccid) + "/" + strings.ToLower(p.SKUUUID),
	}, opts)
}
