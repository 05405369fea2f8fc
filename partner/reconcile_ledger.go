package partner

import "github.com/simkit/simkit/ledger"

// reconcileLedger is the ledger Reconcile reads.
func (c *Client) reconcileLedger() *ledger.Ledger {
	return ledger.New(c.opts.Store, Provider, c.opts.Token.Reveal(), func(o *ledger.Options) { o.Now = c.opts.Now })
}
