// Package reconcile is the vocabulary of closing the books: the typed
// anomalies a reconciliation finds when it compares the ledger (the
// fleet's record of money calls, package ledger) with what each provider's
// own history says, and the report each provider's Reconcile call returns.
//
// Every provider client has a Reconcile method (partner, smsnumbers,
// esimstory, topups) and the root simkit.Client runs all of them; the
// `simkit reconcile` command prints their reports and exits 0 when the
// books are clean, 1 with anomalies and 2 when it could not run.
//
// A reconciliation only reads from the providers (list and get calls,
// within each provider's rate limits); what it writes is the ledger: an
// entry whose outcome was unknown and that a provider's history settles
// is marked with what the history says. Two reconciliations of one
// provider sharing a Store do not run at once (see Lock).
//
// A Finding never holds customer data (phone numbers, ICCIDs, emails):
// it names the fleet's own reference or external id and the provider's
// order or payment id, so it is safe to log, print and alert on.
package reconcile
