package esimstory

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/simkit/simkit/apierror"
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
	Error  json.RawMessage `json:"error"`
	Errors []string        `json:"errors"`
}

// decodeError reads a non-2xx answer into the typed error. It keeps the
// provider's message and, for 401, its code. Classification beyond the
// status (which transport fills in):
//   - "External order id has already been taken" -> ErrConflict;
//   - "Product with option_id not found" -> ErrNotFound (the option id does
//     not exist, so the same request will never succeed);
//   - "eSIM Request failed ..." and "API connection error ..." ->
//     ErrUnavailable (eSIM Story's own upstream failed; the external order
//     id may now be taken, see CreateOrder).
func decodeError(resp *transport.Response) *apierror.Error {
	e := &apierror.Error{}
	var body errorBody
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		e.Message = strings.TrimSpace(string(apierror.CapBody(resp.Body)))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200]
		}
		return e
	}
	if len(body.Error) > 0 {
		var s string
		var obj struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(body.Error, &s) == nil:
			e.Message = s
		case json.Unmarshal(body.Error, &obj) == nil:
			e.Code, e.Message = obj.Code, obj.Message
		}
	}
	if len(body.Errors) > 0 {
		e.Message = strings.Join(body.Errors, "; ")
	}
	e.Kind = kindForMessages(body.Errors)
	return e
}

func kindForMessages(msgs []string) error {
	for _, m := range msgs {
		l := strings.ToLower(m)
		switch {
		case strings.Contains(l, msgTaken):
			return apierror.ErrConflict
		case strings.Contains(l, msgUpstreamESIM), strings.Contains(l, msgUpstreamConn):
			return apierror.ErrUnavailable
		case strings.Contains(l, "option_id") && strings.Contains(l, msgOptionNotFound):
			return apierror.ErrNotFound
		}
	}
	return nil
}

// conflictMessage names the external order id in a duplicate answer, so the
// caller can tell which order already exists.
func conflictMessage(externalOrderID, providerMsg string) string {
	return fmt.Sprintf("external order id %q was already used (%s): the order exists; its eSIMs arrive by webhook", externalOrderID, providerMsg)
}
