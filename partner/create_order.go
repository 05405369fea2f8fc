package partner

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
)

// CreateOrderParams is the input of CreateOrder: one purchase. ExternalID
// is your own order id; the provider keeps it unique forever, which is what
// makes the call safe to repeat.
type CreateOrderParams struct {
	// ExternalID is your unique order id (required), without surrounding
	// white space (the provider trims it). Keep it with your
	// order before calling, so a crash or timeout can be resolved by calling
	// again with the same id; NewExternalID makes one if you have none.
	ExternalID string
	// Item is what to buy (required).
	Item OrderItemParams
	// Metadata is stored with the order for your records.
	Metadata map[string]any
}

// OrderItemParams is the single item of a CreateOrderParams.
type OrderItemParams struct {
	// SKUID is the SKU to buy (required).
	SKUID string
	// Quantity is the number of units. The API makes it optional: zero
	// leaves it out of the request and the provider orders one unit;
	// a negative quantity is refused before sending.
	Quantity int
	// Amount is the value to buy for open-range SKUs (whose price is null);
	// zero is not sent, negative is refused.
	Amount decimal.Decimal
	// Fields are the extra inputs a SKU asks for (a phone number to
	// recharge, say), sent as given.
	Fields map[string]any
}

type createOrderBody struct {
	ExternalID string          `json:"external_id"`
	Item       createOrderItem `json:"item"`
	Metadata   map[string]any  `json:"metadata,omitempty"`
}

type createOrderItem struct {
	SKUID    string         `json:"sku_id"`
	Quantity int            `json:"quantity,omitempty"`
	Amount   json.Number    `json:"amount,omitempty"`
	Fields   map[string]any `json:"fields,omitempty"`
}

const opCreateOrder = "POST /orders"

func (p CreateOrderParams) body() (*createOrderBody, error) {
	if why := checkExternalID(p.ExternalID); why != "" {
		return nil, apierror.Validation(Provider, opCreateOrder, "external_id %s", why)
	}
	switch {
	case validate.Blank(p.Item.SKUID):
		return nil, apierror.Validation(Provider, opCreateOrder, "item.sku_id is required")
	case !validate.UUID(p.Item.SKUID):
		return nil, apierror.Validation(Provider, opCreateOrder, "item.sku_id must be a UUID")
	case p.Item.Quantity < 0:
		return nil, apierror.Validation(Provider, opCreateOrder, "item.quantity must be at least 1 (or 0 to let the provider default it to 1), got %d", p.Item.Quantity)
	case p.Item.Amount.IsNegative():
		return nil, apierror.Validation(Provider, opCreateOrder, "item.amount must not be negative, got %s", p.Item.Amount)
	}
	b := &createOrderBody{
		ExternalID: p.ExternalID,
		Item:       createOrderItem{SKUID: p.Item.SKUID, Quantity: p.Item.Quantity, Fields: p.Item.Fields},
		Metadata:   p.Metadata,
	}
	if !p.Item.Amount.IsZero() {
		// A JSON number, not decimal's default quoted string: the docs
		// type it as a number and the value stays exact either way.
		b.Item.Amount = json.Number(p.Item.Amount.String())
	}
	return b, nil
}

// CreateOrder places an order (POST /orders), signed per attempt with
// X-Timestamp (Unix seconds from the client's clock) and X-Signature =
// HMAC(timestamp + sku_id + external_id, partner_secret).
//
// It is exactly-once per ExternalID: the provider refuses a second order
// with an id it has seen, so a failed attempt (no answer, a timeout, a
// 5xx including 500) is retried with the same id. Once any attempt was
// ambiguous, or the provider answers that the external_id is taken (HTTP
// 409, or a 400/422 naming external_id), the order is looked up with
// GET /orders?external_id= and the existing order is returned with a nil
// error, whatever the last attempt answered: a retry refused with 401 or
// "insufficient balance" because the first attempt already spent the money
// still returns that first order.
//
// If the order cannot be found after an ambiguous attempt (it was not
// created, or the look-up failed), the error has Ambiguous set, Reference
// set to the external id and Started to when the call began; calling
// CreateOrder again with the same ExternalID is then safe and cannot buy
// twice. The order returned for a duplicate is the one first created with
// that id, whatever it bought: ids must not be reused for different
// purchases. Insufficient balance (including an exhausted overdraft) is an
// error matching ErrInsufficientFunds.
func (c *Client) CreateOrder(ctx context.Context, p CreateOrderParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	req := &transport.Request{
		Method:      http.MethodPost,
		Path:        "/orders",
		JSON:        body,
		Idempotency: transport.Idempotent,
		Op:          opCreateOrder,
		Sign:        signedAt(c.signer, (*signing.Signer).PartnerOrder, body.Item.SKUID, body.ExternalID),
	}
	return c.placeOrder(ctx, placement{
		req: req, externalID: p.ExternalID, subject: p.subject(c.ledger),
		fits: func(o *Order) bool {
			for _, it := range o.Items {
				if it.SKUID == p.Item.SKUID {
					return true
				}
			}
			return len(o.Items) == 0 // an order that lists no items is not ruled out
		},
	}, opts)
}

// subject names what the order is for in the ledger: the SKU, quantity
// and amount, and a keyed hash of the fields (which may hold a phone
// number or an account id).
func (p CreateOrderParams) subject(l *ledger.Ledger) string {
	s := "order/" + strings.ToLower(p.Item.SKUID) + "/" + strconv.Itoa(p.Item.Quantity) + "/" + p.Item.Amount.String()
	if len(p.Item.Fields) > 0 {
		b, _ := json.Marshal(p.Item.Fields) // maps marshal with sorted keys
		s += "/" + l.Hash(string(b))
	}
	return s
}
