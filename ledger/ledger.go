package ledger

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/simkit/simkit/store"
)

// DefaultRetention is how long entries are kept when Options.Retention is
// zero: long enough for an SMS hosting rental (a day) to end and for a
// weekly reconciliation to see every call.
const DefaultRetention = 8 * 24 * time.Hour

// ErrCannotList is returned by every listing of a Ledger whose Store does
// not implement store.Indexer: the ledger can record calls but not list
// them, so nothing that needs the fleet's calls in flight can be proven.
var ErrCannotList = errors.New("simkit ledger: the store cannot list entries (it does not implement store.Indexer)")

// ErrNoEntry is returned by Finish and Update for a nil entry.
var ErrNoEntry = errors.New("simkit ledger: no entry")

// Options configures a Ledger.
type Options struct {
	// Retention is how long an entry is kept after it was last written,
	// and how far back the indexes reach. Zero means DefaultRetention.
	Retention time.Duration
	// Now is the clock for entry times; nil means time.Now. Pass the
	// client's clock so entries and the provider's history compare.
	Now func() time.Time
	// PageSize is how many entries a listing reads per round trip; zero
	// means 200. A listing holds one page in memory at a time.
	PageSize int
}

// Ledger records the money calls of one provider account in a Store. It is
// safe for concurrent use; replicas sharing the Store share the ledger. A
// nil *Ledger records nothing and cannot list.
type Ledger struct {
	st        store.Store
	ix        store.Indexer
	provider  string
	prefix    string
	timeIndex string
	hashKey   []byte
	opts      Options
	// macs holds keyed hashers ready for reuse: Hash runs three times per
	// money call, and a fresh HMAC is five allocations and two key
	// schedules.
	macs sync.Pool
}

// trimShare: one Begin in trimShare trims the indexes it adds to (chosen
// by the entry's random id, so every index is trimmed on its share of its
// own writes whatever the pattern of calls). Members older than the
// retention are skipped by readers anyway, their entries having expired;
// trimming on every write cost four commands per money call to keep a
// few stale members out of an index, and trimming on one write in 16
// keeps about 16 writes' worth at most.
const trimShare = 16

// hasher is one reusable keyed hash of a Ledger.
type hasher struct {
	mac hash.Hash
	msg []byte
	sum [sha256.Size]byte
}

// New returns the ledger of one account of provider in st. account is the
// account's credential (a token, a key id): it is hashed into the key
// namespace and into the key of Hash, and never stored.
func New(st store.Store, provider, account string, opts ...func(*Options)) *Ledger {
	o := Options{}
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PageSize <= 0 {
		o.PageSize = 200
	}
	ns := sha256.Sum256([]byte("simkit ledger namespace\x00" + provider + "\x00" + account))
	key := sha256.Sum256([]byte("simkit ledger hash\x00" + provider + "\x00" + account))
	l := &Ledger{
		st:       st,
		provider: provider,
		prefix:   "ledger:{" + provider + ":" + hex.EncodeToString(ns[:8]) + "}:",
		hashKey:  key[:],
		opts:     o,
	}
	l.timeIndex = l.prefix + "t"
	l.ix, _ = st.(store.Indexer)
	return l
}

// Provider is the provider whose calls the ledger records.
func (l *Ledger) Provider() string {
	if l == nil {
		return ""
	}
	return l.provider
}

// Prefix is the start of every key of this ledger, for operators.
func (l *Ledger) Prefix() string {
	if l == nil {
		return ""
	}
	return l.prefix
}

// CanList reports whether the Store can list entries (store.Indexer).
func (l *Ledger) CanList() bool { return l != nil && l.ix != nil }

// Retention is how long entries are kept.
func (l *Ledger) Retention() time.Duration {
	if l == nil {
		return 0
	}
	return l.opts.Retention
}

// Now reads the ledger's clock.
func (l *Ledger) Now() time.Time {
	if l == nil {
		return time.Now()
	}
	return l.opts.Now()
}

// Hash returns a keyed hash of v (16 hex digits) for a Subject or Meta value
// that must not hold v itself, such as a phone number: equal values of one
// account hash alike, and the hash cannot be reversed by trying every phone
// number without the account's credential.
func (l *Ledger) Hash(v string) string {
	if l == nil {
		m := hmac.New(sha256.New, nil)
		m.Write([]byte(v))
		return hex.EncodeToString(m.Sum(nil)[:8])
	}
	h := l.hash("", v)
	return string(h[:])
}

// hash returns the hex digits of Hash(tag+v), with a pooled hasher.
func (l *Ledger) hash(tag, v string) [16]byte {
	h, _ := l.macs.Get().(*hasher)
	if h == nil {
		h = &hasher{mac: hmac.New(sha256.New, l.hashKey)}
	}
	h.mac.Reset()
	h.msg = append(append(h.msg[:0], tag...), v...)
	h.mac.Write(h.msg)
	sum := h.mac.Sum(h.sum[:0])
	var out [16]byte
	hex.Encode(out[:], sum[:8])
	if cap(h.msg) <= 1024 { // an outsized reference is not kept around
		l.macs.Put(h)
	}
	return out
}

// Intent is what a money call is about to do, written by Begin before it
// sends.
type Intent struct {
	// Call is the route template, e.g. "POST /orders". Required.
	Call string
	// Reference is the external id or reference sent, or the query that
	// identifies the attempt (customer data masked).
	Reference string
	// Subject says what the call is about (see Entry.Subject).
	Subject string
	// Amount and Currency, when the call states what it will cost.
	Amount   decimal.NullDecimal
	Currency string
	// Meta holds provider-specific facts (never customer data).
	Meta map[string]string
}

// Outcome is how a money call ended, written by Finish.
type Outcome struct {
	// State is the outcome (StateDone, StateRecovered, StateFailed,
	// StateUnknown, ...).
	State State
	// ProviderIDs are the provider's ids of what was made, if any.
	ProviderIDs []string
	// Amount and Currency, when the answer stated them; a null Amount
	// keeps what the entry had.
	Amount   decimal.NullDecimal
	Currency string
	// Meta is merged into the entry's Meta.
	Meta map[string]string
}

// Begin records a call's intent before it sends and returns its entry,
// state StateInFlight, window started now. One round trip with a
// store.Indexer. On a nil Ledger it returns (nil, nil): Finish and Update
// accept a nil entry from such a ledger and do nothing.
func (l *Ledger) Begin(ctx context.Context, in Intent) (*Entry, error) {
	if l == nil {
		return nil, nil
	}
	now := l.opts.Now()
	id, trim, err := newID()
	if err != nil {
		return nil, err
	}
	e := &Entry{
		ID: id, Provider: l.provider, Call: in.Call, Reference: in.Reference, Subject: in.Subject,
		State: StateInFlight, Amount: in.Amount, Currency: in.Currency,
		Started: now, WindowStart: now, Updated: now, Meta: copyMeta(in.Meta, nil),
	}
	raw, err := encodeEntry(make([]byte, 0, 512), e)
	if err != nil {
		return nil, fmt.Errorf("simkit ledger: encode entry: %w", err)
	}
	if l.ix == nil {
		if err := l.st.Set(ctx, l.entryKey(id), raw, l.opts.Retention); err != nil {
			return nil, fmt.Errorf("simkit ledger: begin: %w", err)
		}
		return e, nil
	}
	score := now.UnixMilli()
	ttl := l.opts.Retention
	w := store.IndexWrite{Key: l.entryKey(id), Value: raw, TTL: ttl, Add: make([]store.IndexAdd, 0, 4)}
	add := func(index string) {
		w.Add = append(w.Add, store.IndexAdd{Index: index, Member: id, Score: score, TTL: ttl})
	}
	add(l.timeIndex)
	if in.Subject != "" {
		subject, inFlight := l.subjectIndexes(in.Subject)
		add(subject)
		add(inFlight)
	}
	if in.Reference != "" {
		add(l.referenceIndex(in.Reference))
	}
	if trim {
		oldest := now.Add(-l.opts.Retention).UnixMilli()
		w.Trim = make([]store.IndexTrim, len(w.Add))
		for i, a := range w.Add {
			w.Trim[i] = store.IndexTrim{Index: a.Index, Below: oldest}
		}
	}
	if err := l.ix.Apply(ctx, w); err != nil {
		return nil, fmt.Errorf("simkit ledger: begin: %w", err)
	}
	return e, nil
}

// Update writes e as it is now (for example after setting Ambiguous and
// WindowEnd when an answer was lost), stamping Updated. One round trip.
func (l *Ledger) Update(ctx context.Context, e *Entry) error {
	if l == nil {
		return nil
	}
	if e == nil {
		return ErrNoEntry
	}
	return l.write(ctx, e, false)
}

// Finish records a call's outcome: o's state, ids, amount and meta go into
// e (which is updated in place), the window is closed if still open, and
// the entry leaves its subject's in-flight list. One round trip.
func (l *Ledger) Finish(ctx context.Context, e *Entry, o Outcome) error {
	if l == nil {
		return nil
	}
	if e == nil {
		return ErrNoEntry
	}
	now := l.opts.Now()
	e.State = o.State
	if len(o.ProviderIDs) > 0 {
		e.ProviderIDs = append([]string(nil), o.ProviderIDs...)
	}
	if o.Amount.Valid {
		e.Amount = o.Amount
	}
	if o.Currency != "" {
		e.Currency = o.Currency
	}
	e.Meta = copyMeta(o.Meta, e.Meta)
	if e.WindowEnd.IsZero() {
		e.WindowEnd = now
	}
	return l.write(ctx, e, e.State.Final())
}

func (l *Ledger) write(ctx context.Context, e *Entry, leaveInFlight bool) error {
	e.Updated = l.opts.Now()
	raw, err := encodeEntry(make([]byte, 0, 512), e)
	if err != nil {
		return fmt.Errorf("simkit ledger: encode entry: %w", err)
	}
	if l.ix == nil {
		if err := l.st.Set(ctx, l.entryKey(e.ID), raw, l.opts.Retention); err != nil {
			return fmt.Errorf("simkit ledger: write: %w", err)
		}
		return nil
	}
	w := store.IndexWrite{Key: l.entryKey(e.ID), Value: raw, TTL: l.opts.Retention}
	if leaveInFlight && e.Subject != "" {
		w.Remove = []store.IndexRemove{{Index: l.inFlightIndex(e.Subject), Member: e.ID}}
	}
	if err := l.ix.Apply(ctx, w); err != nil {
		return fmt.Errorf("simkit ledger: write: %w", err)
	}
	return nil
}

// Get reads one entry by id.
func (l *Ledger) Get(ctx context.Context, id string) (*Entry, bool, error) {
	if l == nil {
		return nil, false, nil
	}
	raw, ok, err := l.st.Get(ctx, l.entryKey(id))
	if err != nil || !ok {
		return nil, false, err
	}
	var e Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, false, fmt.Errorf("simkit ledger: decode entry: %w", err)
	}
	return &e, true, nil
}

// Claim marks that entry entryID holds the provider's kind/id (an "order",
// a "payment") and reports whether it was free. Exactly one of any number
// of concurrent claimants across the fleet wins; the claim lasts the
// retention.
func (l *Ledger) Claim(ctx context.Context, kind, id, entryID string) (bool, error) {
	if l == nil {
		return true, nil
	}
	return l.st.SetNX(ctx, l.claimKey(kind, id), []byte(entryID), l.opts.Retention)
}

// Claimant returns the id of the entry that claimed kind/id, if any.
func (l *Ledger) Claimant(ctx context.Context, kind, id string) (string, bool, error) {
	if l == nil {
		return "", false, nil
	}
	v, ok, err := l.st.Get(ctx, l.claimKey(kind, id))
	return string(v), ok, err
}

func (l *Ledger) entryKey(id string) string { return l.prefix + "e:" + id }

// subjectIndexes returns a subject's index and its in-flight index, from
// one hash of the subject.
func (l *Ledger) subjectIndexes(s string) (subject, inFlight string) {
	h := l.hash("subject\x00", s)
	return l.prefix + "s:" + string(h[:]), l.prefix + "f:" + string(h[:])
}
func (l *Ledger) subjectIndex(s string) string {
	subject, _ := l.subjectIndexes(s)
	return subject
}
func (l *Ledger) inFlightIndex(s string) string {
	_, inFlight := l.subjectIndexes(s)
	return inFlight
}
func (l *Ledger) referenceIndex(r string) string {
	h := l.hash("reference\x00", r)
	return l.prefix + "r:" + string(h[:])
}
func (l *Ledger) claimKey(kind, id string) string {
	h := l.hash("claim\x00", id)
	return l.prefix + "c:" + kind + ":" + string(h[:])
}

// newID returns a random entry id, and whether the Begin writing it is one
// of the trimShare that trim their indexes.
func newID() (string, bool, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", false, fmt.Errorf("simkit ledger: entry id: %w", err)
	}
	return hex.EncodeToString(b[:]), b[0]%trimShare == 0, nil
}

func copyMeta(add, into map[string]string) map[string]string {
	if len(add) == 0 {
		return into
	}
	out := make(map[string]string, len(into)+len(add))
	for k, v := range into {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}
