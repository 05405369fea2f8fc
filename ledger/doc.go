// Package ledger is the fleet-wide record of money calls: one entry per
// call that may move money (a buy, an order, a top-up, a renewal, a
// withdrawal), for every provider, kept in the Store that the replicas of
// a fleet share.
//
// A money call writes its entry before it sends (Begin: what it is about
// to do, its reference, its Subject, when its attempts started) and its
// outcome after (Finish: done, recovered, failed, unknown, with the
// provider's ids and the amount when an answer stated them). Every replica
// sharing the Store therefore sees every other replica's calls in flight:
// a call settling a lost answer can tell its own order from the order
// another call is about to receive, and a re-call with an id the fleet
// already sent finds what the first call sent. Reconciliation reads the
// same entries back, by time window, page by page.
//
// Entries never hold customer data or credentials: a Subject names what a
// call is about (an SMS product's country/operator/product, an eSIM Story
// option list) and hashes anything personal with Ledger.Hash (a phone
// number for a re-buy); the account is namespaced by a hash of its
// credential.
//
// Listing needs a Store with the store.Indexer capability (store.Memory
// and contrib/redisstore have it). With any other Store, Begin, Finish and
// Get still work, and every listing answers ErrCannotList: callers that
// need a listing to be sure (SMS settling) then answer
// simkit.ErrOutcomeUnknown rather than guess.
//
// # Key layout
//
// Every key of one account starts with "ledger:{<provider>:<ns>}:" (the
// Store adds its own namespace, such as redisstore's "simkit:"), where ns
// is a hash of the account's credential; the {hashtag} keeps one
// account's keys in one Redis Cluster hash slot, so each write is one
// atomic transaction:
//
//	e:<id>            the entry (JSON), kept for the retention
//	t                 index of entry ids by start time (Unix ms)
//	s:<hash(subject)> index of entry ids on one subject, by start time
//	f:<hash(subject)> the same, for the subject's calls still in flight
//	r:<hash(ref)>     index of entry ids sent with one reference
//	c:<kind>:<id>     a claim: which entry holds a provider's order or payment
//
// Begin is one round trip (the entry and its index additions in one
// transaction), Finish one more: a money call's ledger overhead is two
// round trips. One Begin in 16 also trims its indexes to the retention;
// the members it would have dropped belong to expired entries, which
// listings skip.
package ledger
