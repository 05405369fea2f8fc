package simkittest

import (
	"encoding/json"
	"net/http"
)

// PartnerWebhookAttempt records one delivery attempt of an
// order.status_changed webhook.
type PartnerWebhookAttempt struct {
	// IdempotencyKey is the delivery's key, the same on every retry.
	IdempotencyKey string
	// OrderID is the order the event is about.
	OrderID string
	// Status is the order status announced.
	Status string
	// Attempt counts from 1.
	Attempt int
	// Code is the receiver's HTTP status; 0 when Err is set.
	Code int
	// Err is the transport error of an attempt that got no answer.
	Err error
}

// SetWebhookURL sends later webhooks to url (replacing any handler).
func (f *PartnerFake) SetWebhookURL(url string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = webhookTarget{url: url}
}

// SetWebhookHandler sends later webhooks to h in-process (replacing any URL).
func (f *PartnerFake) SetWebhookHandler(h http.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = webhookTarget{handler: h}
}

// WebhookAttempts returns every delivery attempt so far, in order.
func (f *PartnerFake) WebhookAttempts() []PartnerWebhookAttempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]PartnerWebhookAttempt(nil), f.attempts...)
}

// Flush waits until every webhook sent so far was delivered or gave up
// after its retries; tests call it before looking at what was received.
func (f *PartnerFake) Flush() { f.wg.Wait() }

// notify sends order.status_changed for the order snapshot in the
// background, retrying on non-2xx or transport errors with the configured
// delays. Each attempt is signed afresh with the same idempotency key,
// which it returns ("" when no target is set).
func (f *PartnerFake) notify(order map[string]any) string {
	f.mu.Lock()
	target := f.hook
	f.mu.Unlock()
	if target.empty() {
		return ""
	}
	key := randomUUID()
	body, _ := json.Marshal(map[string]any{
		"event":           "order.status_changed",
		"timestamp":       f.now().UTC().Format(timeLayout),
		"idempotency_key": key,
		"data":            map[string]any{"order": order},
	})
	id, _ := order["id"].(string)
	status, _ := order["status"].(string)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		ctx, cancel := untilClosed(f.done)
		defer cancel()
		for attempt := 1; ; attempt++ {
			h := f.signer.PartnerWebhookHeaders(f.now(), "order.status_changed", key)
			code, err := target.send(ctx, f.cfg.WebhookClient, h, body)
			f.mu.Lock()
			f.attempts = append(f.attempts, PartnerWebhookAttempt{IdempotencyKey: key, OrderID: id, Status: status, Attempt: attempt, Code: code, Err: err})
			f.mu.Unlock()
			if err == nil && code >= 200 && code < 300 || attempt > len(f.cfg.WebhookRetryDelays) {
				return
			}
			select {
			case <-f.cfg.After(f.cfg.WebhookRetryDelays[attempt-1]):
			case <-ctx.Done():
				return
			}
		}
	}()
	return key
}

func (f *PartnerFake) hasTarget() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.hook.empty()
}

// Announce sends order.status_changed for an order's current status now,
// as a new event (a fresh idempotency key, correctly signed, retried on
// failure like every delivery), and returns its idempotency key.
func (f *PartnerFake) Announce(orderID string) (string, error) {
	f.mu.Lock()
	o, ok := f.byID[orderID]
	var snap map[string]any
	if ok {
		snap = o.json()
	}
	empty := f.hook.empty()
	f.mu.Unlock()
	switch {
	case !ok:
		return "", ErrNoOrder
	case empty:
		return "", ErrNoWebhookTarget
	}
	return f.notify(snap), nil
}
