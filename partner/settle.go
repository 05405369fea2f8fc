package partner

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
)

// placeOrder sends a signed order-creating request (an order or an eSIM
// top-up) and settles its outcome. The provider keeps external_id unique
// forever, so the transport may repeat the request (req is Idempotent) and
// a look-up by external_id tells whether the order exists.
//
// The rule looks at every attempt, not only the last: once any attempt was
// ambiguous (no answer, a timeout after sending, a 5xx, a 2xx we could not
// read), or the provider answered that the external_id is taken, the order
// is looked up and, when found, returned with a nil error, whatever the last
// attempt said (a 401, or "insufficient balance" because the first attempt
// already spent it).
func (c *Client) placeOrder(ctx context.Context, req *transport.Request, externalID string, opts []option.CallOption) (*Order, error) {
	started := c.t.Now()
	o, _, err := call[*Order](ctx, c, req, opts)
	if err == nil && o != nil && o.ID != "" {
		return o, nil
	}
	if err == nil {
		// 2xx without an order (no data, or data without an id): the
		// provider may well have created it.
		err = badResponse(c, req.Op, nil)
	}
	ambiguous := transport.Ambiguous(err)
	duplicate := errors.Is(err, apierror.ErrConflict)
	if !ambiguous && !duplicate {
		// A definite refusal of every attempt: nothing was ordered.
		return nil, err
	}
	log := c.t.Logger()
	if ctx.Err() != nil {
		// The caller gave up; a look-up would fail the same way.
		return nil, unsettled(err, externalID, started, ambiguous, "the call's context ended before the order could be looked up by external_id")
	}
	found, lerr := c.FindOrderByExternalID(ctx, externalID, opts...)
	if lerr != nil {
		log.LogAttrs(ctx, slog.LevelWarn, "simkit: order look-up by external_id failed",
			slog.String("route", req.Op), slog.String("lookup_route", opListOrders), slog.String("error", lerr.Error()))
		return nil, unsettled(err, externalID, started, ambiguous, "the order look-up by external_id failed ("+lookupKind(lerr)+")")
	}
	if found == nil {
		return nil, unsettled(err, externalID, started, ambiguous, "no order was found by external_id")
	}
	log.LogAttrs(ctx, slog.LevelInfo, "simkit: order settled by external_id look-up",
		slog.String("route", req.Op), slog.String("order_id", found.ID), slog.Bool("ambiguous", ambiguous), slog.Bool("duplicate", duplicate))
	return found, nil
}

// unsettled completes the error of an order call whose order could not be
// found: it keeps the classification of the last answer and adds what the
// caller needs to settle it, Reference (the external id) and Started. When
// ambiguous, repeating the call with the same external id is the way to
// settle it: the provider refuses a second order with that id, so a repeat
// either creates the one order or answers with the existing one.
//
// ErrOutcomeUnknown is deliberately not used here, even when the look-up
// itself failed: that sentinel tells callers not to repeat the call because
// the provider does not deduplicate, which is false for this API; the
// look-up failure is named in the message instead (and logged) so the
// caller's classification stays that of the order call.
func unsettled(err error, externalID string, started time.Time, ambiguous bool, why string) error {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Reference = externalID
	out.Started = started
	if ambiguous {
		out.Ambiguous = true
		note := "an attempt may have created the order and " + why + "; calling again with the same external_id is safe"
		out.Message = apierror.CapMessage(joinMessage(e.Message, note))
	}
	return &out
}

// lookupKind names a failed look-up without its details, which are logged.
func lookupKind(err error) string {
	var e *apierror.Error
	if errors.As(err, &e) && e.Kind != nil {
		return e.Kind.Error()
	}
	return "request failed"
}

func joinMessage(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
