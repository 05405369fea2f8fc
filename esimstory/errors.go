package esimstory

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
)

// Provider messages that need a sharper kind than their 422 status gives.
const (
	msgTaken          = "has already been taken"
	msgOptionNotFound = "not found"
	msgUpstreamESIM   = "esim request failed"
	msgUpstreamConn   = "api connection error"
)

// errorBody covers the four documented error shapes: {"error": "..."}
// (400, 500), {"error": {"code", "message"}} (401) and {"errors": [...]}
// (422).
type errorBody struct {
	Error  json.RawMessage   `json:"error"`
	Errors []json.RawMessage `json:"errors"`
}

// decodeError reads a non-2xx answer into the typed error. It keeps the
// provider's message and, for 401, its code. Classification beyond the
// status (which transport fills in):
//   - "External order id has already been taken" -> ErrConflict;
//   - "Product with option_id not found" -> ErrNotFound (the option id does
//     not exist, so the same request will never succeed);
//   - "eSIM Request failed ..." and "API connection error ..." ->
//     ErrUnavailable, marked upstream: eSIM Story's own supplier failed and
//     the order may exist (CreateOrder settles it as an open outcome).
func decodeError(resp *transport.Response) *apierror.Error {
	e := &apierror.Error{}
	var body errorBody
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		e.Message = strings.TrimSpace(string(apierror.CapBody(resp.Body)))
		return e
	}
	if len(body.Error) > 0 {
		var obj struct {
			Code    json.RawMessage `json:"code"`
			Message json.RawMessage `json:"message"`
		}
		if s := jsonx.Text(body.Error); s != "" {
			e.Message = s
		} else if json.Unmarshal(body.Error, &obj) == nil {
			e.Code, e.Message = jsonx.Text(obj.Code), jsonx.Text(obj.Message)
		}
	}
	msgs := make([]string, 0, len(body.Errors))
	for _, raw := range body.Errors {
		if s := jsonx.Text(raw); s != "" {
			msgs = append(msgs, s)
		}
	}
	if len(msgs) > 0 {
		e.Message = strings.Join(msgs, "; ")
	}
	e.Kind = kindForMessages(msgs)
	return e
}

func kindForMessages(msgs []string) error {
	for _, m := range msgs {
		if upstreamText(m) {
			return apierror.ErrUnavailable
		}
		l := strings.ToLower(m)
		switch {
		case strings.Contains(l, msgTaken):
			return apierror.ErrConflict
		case strings.Contains(l, "option_id") && strings.Contains(l, msgOptionNotFound):
			return apierror.ErrNotFound
		}
	}
	return nil
}

func upstreamText(m string) bool {
	l := strings.ToLower(m)
	return strings.Contains(l, msgUpstreamESIM) || strings.Contains(l, msgUpstreamConn)
}

// upstreamFailure reports whether err is eSIM Story's own supplier failing
// (a 422 "eSIM Request failed" or "API connection error"): eSIM Story may
// have recorded the order before its supplier failed.
func upstreamFailure(err error) bool {
	var e *apierror.Error
	return errors.As(err, &e) && e.StatusCode == 422 && upstreamText(e.Message)
}

// conflictMessage names the external order id in a duplicate answer, so the
// caller can tell which order already exists.
func conflictMessage(externalOrderID, providerMsg string) string {
	return fmt.Sprintf("external order id %q was already used (%s): that order exists; its eSIMs arrive by webhook", externalOrderID, providerMsg)
}

// openHint is added to the message of an order error whose outcome stays
// open, so that err.Error() alone tells the caller what to do.
const openHint = "an earlier attempt may have created the order: calling CreateOrder again with the same external order id is safe"

// openOutcome marks the error of an order whose creation could not be
// settled: an attempt may have created it (or eSIM Story's supplier failed
// after recording it) and no later answer told. The last answer's status,
// code and kind stay; Ambiguous, Reference and Started say that it may
// exist, which one and since when. eSIM Story refuses a second order with
// the same id, so repeating the call is the way to settle it.
func openOutcome(last error, externalOrderID string, started time.Time) error {
	var e *apierror.Error
	if !errors.As(last, &e) {
		e = &apierror.Error{Provider: Provider, Err: last}
		last = e
	}
	if e.Op == "" {
		e.Op = opCreateOrder
	}
	e.Ambiguous, e.Reference, e.Started = true, externalOrderID, started
	msg := e.Message
	if msg == "" && e.Kind != nil {
		msg = strings.TrimPrefix(e.Kind.Error(), "simkit: ")
	}
	if msg != "" {
		msg += "; "
	}
	e.Message = apierror.CapMessage(msg + openHint)
	return last
}
