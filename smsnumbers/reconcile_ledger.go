package smsnumbers

import "github.com/simkit/simkit/reconcile"

func (c *Client) reconcileRunner() reconcile.Runner {
	return reconcile.Runner{Provider: Provider, Store: c.st, Now: c.t.Now, Observer: c.t.Observer(), Ledger: c.Ledger()}
}
