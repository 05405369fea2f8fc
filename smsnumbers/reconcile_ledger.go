package smsnumbers

import (
	"strings"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/reconcile"
)

// reconcileLedger is the ledger Reconcile reads.
func (c *Client) reconcileLedger() *ledger.Ledger {
	token := strings.TrimPrefix(c.authHeader.Get("Authorization"), "Bearer ")
	return ledger.New(c.claims.st, Provider, token, func(o *ledger.Options) { o.Now = c.t.Now })
}

func (c *Client) reconcileRunner() reconcile.Runner {
	return reconcile.Runner{Provider: Provider, Store: c.claims.st, Now: c.t.Now, Observer: c.t.Observer()}
}
