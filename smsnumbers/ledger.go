package smsnumbers

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/ledger"
)

// DefaultSettleWait bounds how long a buy whose answer was lost waits for
// the other buys in flight on the same product to record their orders
// before it settles: longer than one attempt's default timeout, so a
// concurrent buy's answer arrives or times out within it.
const DefaultSettleWait = 35 * time.Second

// settlePollEvery is how often a settling call reads the ledger while it
// waits for other calls in flight.
const settlePollEvery = 50 * time.Millisecond

// Ledger returns the ledger this client records its money calls in (buys,
// re-buys, withdrawals): the fleet's record in Options.Store, namespaced
// by a hash of the token. Reconciliation reads it.
func (c *Client) Ledger() *ledger.Ledger {
	if c == nil {
		return nil
	}
	return c.ledger
}

// subject groups the buys that compete for the same orders in the
// history: one category and product. Country, operator and number go in
// the entry's Meta, since a buy for "any" operator competes with one for
// a named operator.
func (p purchase) subject() string {
	return string(p.category) + "/" + strings.ToLower(p.product)
}

// intent is what a buy writes to the ledger before it sends: no phone
// number, only its keyed hash.
func (p purchase) intent(l *ledger.Ledger) ledger.Intent {
	meta := map[string]string{"country": strings.ToLower(p.country), "operator": strings.ToLower(p.operator)}
	if p.number != "" {
		meta["number"] = l.Hash(p.number)
	}
	return ledger.Intent{Call: p.route, Reference: p.reference, Subject: p.subject(), Meta: meta}
}

// couldMake reports whether the buy that e records could have made order
// o: the same purchase filters, read back from e's Meta.
func couldMake(l *ledger.Ledger, e *ledger.Entry, o *Order) bool {
	if n := e.Meta["number"]; n != "" {
		return l.Hash(strings.TrimPrefix(o.Phone, "+")) == n
	}
	return wildcard(e.Meta["country"], o.Country) && wildcard(e.Meta["operator"], o.Operator)
}

func nullPrice(d decimal.Decimal) decimal.NullDecimal {
	return decimal.NewNullDecimal(d)
}
