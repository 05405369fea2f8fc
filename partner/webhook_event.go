package partner

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/validate"
)

// EventOrderStatusChanged is sent when an order reaches completed, failed or
// partially_completed.
const EventOrderStatusChanged = "order.status_changed"

// WebhookEvent is one verified, first-time webhook delivery.
type WebhookEvent struct {
	// Event is the event name, e.g. EventOrderStatusChanged.
	Event string
	// Timestamp is when the event occurred (the body's ISO 8601 field).
	Timestamp time.Time
	// IdempotencyKey identifies the delivery (a UUID); retries repeat it.
	IdempotencyKey string
	// Order is data.order, decoded; nil for an event without one. The
	// signature does not cover data: confirm with GetOrder before
	// fulfilling anything valuable.
	Order *Order
	// Data is the raw data object, for events simkit does not model yet.
	Data json.RawMessage
}

// rawEvent is a webhook body as first read: the signed fields typed, the
// rest kept raw until the signature has been checked.
type rawEvent struct {
	Event          string          `json:"event"`
	Timestamp      json.RawMessage `json:"timestamp"`
	IdempotencyKey string          `json:"idempotency_key"`
	Data           json.RawMessage `json:"data"`
}

// errShape refuses a signed body whose event or key is outside the
// documented shape.
var errShape = errors.New("event must be a known event name and idempotency_key a UUID")

// pinned reports whether the signed fields have the documented shape. The
// signature covers timestamp + event + idempotency_key with no separators,
// so characters moved between event and key keep it valid; requiring a
// known event and a 36-character UUID key fixes where the split lies, and
// a re-split delivery can never pass dedupe as a new event.
func (raw *rawEvent) pinned(known map[string]bool) bool {
	return known[raw.Event] && validate.UUID(raw.IdempotencyKey)
}

// event interprets a verified body's fields into the typed event.
func (raw *rawEvent) event() (*WebhookEvent, error) {
	if raw.IdempotencyKey == "" || raw.Event == "" {
		return nil, errors.New("event and idempotency_key are required")
	}
	ev := &WebhookEvent{Event: raw.Event, IdempotencyKey: raw.IdempotencyKey, Data: raw.Data}
	var ts string
	if len(raw.Timestamp) > 0 {
		var err error
		if ts, err = jsonx.Unquote(raw.Timestamp); err != nil {
			return nil, err
		}
	}
	if ts != "" {
		// Documented only as ISO 8601 and not signed: any spelling the
		// providers use is read, since a 400 here is answered to every
		// retry too and the event would be lost.
		t, err := jsonx.ParseTime(ts)
		if err != nil {
			return nil, err
		}
		ev.Timestamp = t
	}
	if len(raw.Data) > 0 {
		// The order decodes in this pass (see orderJSON): data is read
		// once more here, after the signature check, and not twice.
		var data struct {
			Order *orderJSON `json:"order"`
		}
		if err := json.Unmarshal(raw.Data, &data); err != nil {
			return nil, err
		}
		if data.Order != nil {
			ev.Order = data.Order.order()
			jsonx.KeepExtra(raw.Data, &struct {
				Order *Order `json:"order"`
			}{ev.Order}, false)
		}
	}
	return ev, nil
}

// decodeEvent decodes a body persisted by the inbox (already verified).
func decodeEvent(body []byte) (*WebhookEvent, error) {
	var raw rawEvent
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	return raw.event()
}
