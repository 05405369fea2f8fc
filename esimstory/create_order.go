package esimstory

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
)

// MaxUnits caps the total quantity of one CreateOrder call. eSIM Story
// documents no limit; the cap exists so that a typo (qty 1000 instead of 10)
// is refused before it spends money, and so that a tracked order stays a
// small record. Split larger orders.
const MaxUnits = 100

const (
	ordersPath    = "/v1/api_partner/orders"
	opCreateOrder = http.MethodPost + " " + ordersPath
)

// CreateOrderParams is the body of an order.
type CreateOrderParams struct {
	// ExternalOrderID is your id for the order (at most 255 bytes, no
	// control characters). eSIM Story accepts it once, ever, which is what
	// makes retries safe: keep it with your order before calling.
	ExternalOrderID string
	// Products lists what to buy; at least one, each with Qty >= 1 and at
	// most MaxUnits units in all.
	Products []OrderProductParams
}

type createOrderBody struct {
	ExternalOrderID string               `json:"external_order_id"`
	Products        []OrderProductParams `json:"products"`
}

// CreateOrder buys eSIMs (POST /v1/api_partner/orders), signed per attempt.
// The answer holds one topup_id per unit; the eSIMs themselves arrive later,
// one webhook per unit (see NewWebhookHandler).
//
// Exactly once: eSIM Story refuses a second order with the same
// ExternalOrderID, so the call is retried with the same id after an
// ambiguous failure (a transport error or timeout after sending, 500, 502,
// 503, 504, a 2xx that cannot be read). The API has no order look-up, so
// the duplicate answer settles the outcome:
//   - after an ambiguous attempt of this call (or of an earlier call with
//     the same id recorded by Options.Tracker), the duplicate is the order
//     we created: it is returned with Recovered set, the unit count of the
//     request and unknown topup_ids, and the Tracker waits for that many
//     deliveries;
//   - otherwise, or when the Tracker already holds a settled order with
//     this id, the id was used before: an error matching
//     simkit.ErrConflict that names the id.
//
// When no answer settles it (every attempt failed, an ambiguous attempt
// was followed by a definite refusal such as a 401, or eSIM Story's own
// supplier failed), the error is the last answer's (its status, code and
// sentinel, such as ErrUnauthorized or ErrServer) with Ambiguous set,
// Reference holding the external order id and Started the call's start:
// the order may exist. It is never ErrOutcomeUnknown, because here a
// repeat is safe: calling CreateOrder again with the same ExternalOrderID
// creates the order if it does not exist and never a second one; if it
// does exist, the repeat returns it as Recovered when a Tracker recorded
// the open outcome, and answers ErrConflict (meaning: it exists) without
// one. The Tracker keeps such an order open meanwhile: its deliveries are
// accepted and Tracker.Wait counts them against the request's units. So
// check Ambiguous (errors.As into *simkit.Error) before reading a
// refusal as "nothing was bought".
//
// When Options.Tracker is set the order is recorded in it before
// CreateOrder returns. Should that record fail, CreateOrder returns the
// order together with the error: the order exists, so do not create it
// again; call Tracker.Track with it instead.
func (c *Client) CreateOrder(ctx context.Context, p CreateOrderParams, opts ...option.CallOption) (*Order, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	rec, opts := money.NewRecord(opts)
	started := c.t.Now()
	units := p.units()
	ext := p.ExternalOrderID
	tr := c.opts.Tracker
	bg := context.WithoutCancel(ctx)
	log := c.t.Logger()
	subject := p.subject()
	e, berr := money.Begin(ctx, c.ledger, ledger.Intent{Call: opCreateOrder, Reference: ext, Subject: subject,
		Meta: map[string]string{"units": strconv.Itoa(len(units))}})
	if berr != nil {
		// eSIM Story deduplicates by external order id, so the order
		// stays exactly-once without the ledger; only a re-call's
		// duplicate answer loses the fleet's record.
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: ledger could not record an order call", slog.String("route", opCreateOrder), slog.String("error", berr.Error()))
	}
	finish := func(o ledger.Outcome) { money.Finish(ctx, c.ledger, log, e, o) }
	var prior pendingOrder
	var hadPrior bool
	if tr != nil {
		var err error
		if prior, hadPrior, err = tr.beginOrder(ctx, ext, len(units)); err != nil {
			finish(ledger.Outcome{State: ledger.StateFailed})
			rec.Done(false)
			return nil, &apierror.Error{Provider: Provider, Op: opCreateOrder, Message: "tracker could not record the pending order", Err: err, SafeToRetry: true}
		}
	}
	answer, err := c.postOrder(ctx, p, opts)
	ambiguous := prior.Ambiguous || transport.Ambiguous(err) || upstreamFailure(err)
	if err != nil && (errors.Is(err, apierror.ErrBadResponse) || errors.Is(err, apierror.ErrTooLarge)) && ctx.Err() == nil {
		// A 2xx we could not read created the order: the repeat is
		// refused as a duplicate, which settles it below.
		answer, err = c.postOrder(ctx, p, opts)
		ambiguous = true
	}

	conflict := errors.Is(err, apierror.ErrConflict)
	if err != nil && !ambiguous && tr != nil && tr.openNow(bg, ext) {
		// Another call's attempt left this order open in the tracker: it
		// may exist, so its pending record stays.
		hadPrior = true
		ambiguous = conflict
	}
	var fleetUnits []OrderedUnit
	why := ""
	if conflict {
		// A duplicate answer is this fleet's order when a call sent the
		// id for the same units (this one, or another replica's, in
		// parallel or before); the ledger holds what that call learned.
		fleetUnits, why = c.fleetOrder(ctx, ext, subject, e)
		if why == "" {
			ambiguous = true
		}
	}
	if conflict && !ambiguous {
		if why != "" {
			var ae *apierror.Error
			if errors.As(err, &ae) && errors.Is(ae.Kind, apierror.ErrConflict) {
				ae.Message = conflictMessage(ext, ae.Message) + "; " + why
			}
		}
	}
	var order *Order
	switch {
	case err == nil:
		order = &Order{ExternalOrderID: ext, Units: answer.Units, Extra: answer.Extra}
		finish(unitsOutcome(ledger.StateDone, answer.Units))
	case ambiguous && conflict:
		got := units
		if len(fleetUnits) == len(units) {
			got = fleetUnits
		}
		order = &Order{ExternalOrderID: ext, Units: got, Recovered: true}
		finish(unitsOutcome(ledger.StateRecovered, order.Units))
	case ambiguous:
		if tr != nil {
			if terr := tr.keepOpen(bg, ext, len(units)); terr != nil {
				log.LogAttrs(ctx, slog.LevelError, "simkit: tracker could not keep the order open",
					slog.String("route", opCreateOrder), slog.String("error", terr.Error()))
			}
		}
		finish(ledger.Outcome{State: ledger.StateUnknown})
		rec.Done(false)
		return nil, money.Mark(openOutcome(err, ext, started), true, true)
	default:
		if tr != nil && !hadPrior {
			tr.forgetPending(bg, ext)
		}
		finish(ledger.Outcome{State: ledger.StateFailed})
		rec.Done(false)
		return nil, money.Mark(err, false, true)
	}
	rec.Done(order.Recovered)
	if tr != nil && !(order.Recovered && tr.settled(bg, ext)) {
		// A re-call of an order the tracker already holds leaves its
		// record (and the deliveries counted so far) alone.
		if err := tr.Track(bg, order); err != nil {
			return order, &apierror.Error{Provider: Provider, Op: opCreateOrder, Message: "order created but the tracker could not record it; call Tracker.Track", Err: err, MayHaveActed: true, SafeToRetry: true}
		}
	}
	return order, nil
}

// fleetOrder reads the ledger for the calls this fleet sent with
// externalOrderID. It returns "" when one of them was for the same units
// (subject) and did not fail, with the units its answer named when it had
// one; otherwise why the duplicate answer is not this fleet's order.
func (c *Client) fleetOrder(ctx context.Context, externalOrderID, subject string, self *ledger.Entry) ([]OrderedUnit, string) {
	entries, err := c.ledger.ByReference(ctx, externalOrderID)
	if err != nil {
		return nil, "the fleet's ledger could not be read (" + err.Error() + ")"
	}
	found, other := false, false
	var units []OrderedUnit
	for _, x := range entries {
		if self != nil && x.ID == self.ID || x.Call != opCreateOrder {
			continue
		}
		if x.Subject != subject {
			other = true
			continue
		}
		if x.State == ledger.StateFailed {
			continue
		}
		found = true
		if u := entryUnits(&x); len(u) > 0 {
			units = u
		}
	}
	switch {
	case found:
		return units, ""
	case other:
		return nil, "this fleet sent it for other products"
	}
	return nil, "this fleet has no record of sending it"
}

// subject names the order's units in the ledger: each option id with its
// quantity, sorted, so the same units in another order read the same.
func (p CreateOrderParams) subject() string {
	qty := map[string]int{}
	for _, pr := range p.Products {
		qty[strings.ToLower(pr.OptionID)] += pr.Qty
	}
	keys := make([]string, 0, len(qty))
	for k := range qty {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "x" + strconv.Itoa(qty[k])
	}
	return "options/" + strings.Join(keys, ",")
}

// unitsOutcome records the units' topup ids, with their option ids in
// Meta, in the ledger.
func unitsOutcome(s ledger.State, units []OrderedUnit) ledger.Outcome {
	o := ledger.Outcome{State: s}
	var opts []string
	for _, u := range units {
		if u.TopupID == "" {
			return o
		}
		o.ProviderIDs = append(o.ProviderIDs, u.TopupID)
		opts = append(opts, u.OptionID)
	}
	if len(opts) > 0 {
		o.Meta = map[string]string{"option_ids": strings.Join(opts, ",")}
	}
	return o
}

// entryUnits reads back the units unitsOutcome recorded.
func entryUnits(e *ledger.Entry) []OrderedUnit {
	opts := strings.Split(e.Meta["option_ids"], ",")
	if len(e.ProviderIDs) == 0 || len(opts) != len(e.ProviderIDs) {
		return nil
	}
	out := make([]OrderedUnit, len(opts))
	for i := range opts {
		out[i] = OrderedUnit{TopupID: e.ProviderIDs[i], OptionID: opts[i]}
	}
	return out
}

// postOrder sends the order and returns the answer: its units, and the
// members simkit does not model in Extra. A 2xx answer that lists no
// units is unreadable as an order (and ambiguous: the order may exist).
func (c *Client) postOrder(ctx context.Context, p CreateOrderParams, opts []option.CallOption) (*Order, error) {
	var out Order
	req := &transport.Request{
		Method:      http.MethodPost,
		Path:        ordersPath,
		JSON:        createOrderBody(p),
		Idempotency: transport.Idempotent,
		Op:          opCreateOrder,
	}
	resp, err := c.call(ctx, req, &out, opts)
	if err != nil {
		return nil, err
	}
	if len(out.Units) == 0 {
		return nil, c.t.Fail(resp, &apierror.Error{Message: "order answer lists no products", Kind: apierror.ErrBadResponse, Ambiguous: true})
	}
	return &out, nil
}

// units lists one unit per quantity, with its option id and no topup_id:
// what a recovered order is known to hold.
func (p CreateOrderParams) units() []OrderedUnit {
	var out []OrderedUnit
	for _, pr := range p.Products {
		for range pr.Qty {
			out = append(out, OrderedUnit{OptionID: pr.OptionID})
		}
	}
	return out
}

// validate refuses what eSIM Story would refuse (or what would waste an
// external id) before any request is sent.
func (p CreateOrderParams) validate() error {
	if why := validate.ID(p.ExternalOrderID); why != "" {
		return apierror.Validation(Provider, opCreateOrder, "external order id %s", why)
	}
	if len(p.Products) == 0 {
		return apierror.Validation(Provider, opCreateOrder, "at least one product is required")
	}
	total := 0
	for i, pr := range p.Products {
		if validate.Blank(pr.OptionID) {
			return apierror.Validation(Provider, opCreateOrder, "products[%d]: option id is required", i)
		}
		if !validate.UUID(pr.OptionID) {
			return apierror.Validation(Provider, opCreateOrder, "products[%d]: option id must be a UUID", i)
		}
		if pr.Qty < 1 {
			return apierror.Validation(Provider, opCreateOrder, "products[%d]: qty must be at least 1, got %d", i, pr.Qty)
		}
		if pr.Qty > MaxUnits {
			return apierror.Validation(Provider, opCreateOrder, "products[%d]: qty %d exceeds %d units per order", i, pr.Qty, MaxUnits)
		}
		total += pr.Qty
	}
	if total > MaxUnits {
		return apierror.Validation(Provider, opCreateOrder, "order has %d units; at most %d per order", total, MaxUnits)
	}
	return nil
}
