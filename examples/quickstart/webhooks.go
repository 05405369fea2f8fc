package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/redact"
	"github.com/simkit/simkit/signing"
)

// webhooks is a loopback HTTP server running the SDK's webhook handlers,
// the same handlers a production service mounts on its public URL:
//
//	/webhooks/partner    partner order.status_changed, signed with partner_secret
//	/webhooks/esimstory  eSIM Story deliveries, authenticated by a token in the URL
type webhooks struct {
	base  string
	token string
	srv   *http.Server
	out   *stepLog

	mu sync.Mutex
	// partnerEvents counts order.status_changed deliveries per order id;
	// changed is closed and replaced on each one, to wake waiters.
	partnerEvents map[string]int
	changed       chan struct{}
}

// startWebhooks serves the handlers on a free loopback port.
func startWebhooks(out *stepLog, c *simkit.Client, tracker *esimstory.Tracker) (*webhooks, error) {
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("webhook token: %w", err)
	}
	h := &webhooks{out: out, token: hex.EncodeToString(tok), partnerEvents: map[string]int{}, changed: make(chan struct{})}
	// eSIM Story signs nothing, so the URL we register carries a secret
	// token; the handler refuses requests without it.
	esimHandler, err := c.ESIMStory.WebhookHandler(h.onESIM, func(o *esimstory.WebhookOptions) {
		o.Auth = esimstory.TokenInURL("token", signing.NewSecret(h.token))
		o.Tracker = tracker
	})
	if err != nil {
		return nil, fmt.Errorf("esimstory webhook handler: %w", err)
	}
	partnerHandler, err := c.Partner.WebhookHandler(h.onPartner)
	if err != nil {
		return nil, fmt.Errorf("partner webhook handler: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/partner", partnerHandler)
	mux.Handle("/webhooks/esimstory", esimHandler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook listener: %w", err)
	}
	h.base = "http://" + ln.Addr().String()
	h.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = h.srv.Serve(ln) }()
	return h, nil
}

// PartnerURL is the URL to register as the partner webhook.
func (h *webhooks) PartnerURL() string { return h.base + "/webhooks/partner" }

// ESIMStoryURL is the URL to register with eSIM Story, token included.
func (h *webhooks) ESIMStoryURL() string {
	return h.base + "/webhooks/esimstory?" + url.Values{"token": {h.token}}.Encode()
}

// Close stops the server.
func (h *webhooks) Close() { _ = h.srv.Close() }

// onPartner is the partner webhook function: called once per verified,
// first-time delivery.
func (h *webhooks) onPartner(_ context.Context, ev *partner.WebhookEvent) error {
	if ev.Order == nil {
		return nil
	}
	h.out.step("partner", "webhook %s: order %s is %s", ev.Event, ev.Order.ID, ev.Order.Status)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.partnerEvents[ev.Order.ID]++
	close(h.changed)
	h.changed = make(chan struct{})
	return nil
}

// partnerEventCount returns how many deliveries an order got so far.
func (h *webhooks) partnerEventCount(orderID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.partnerEvents[orderID]
}

// waitPartnerEvent blocks until orderID got at least one webhook.
func (h *webhooks) waitPartnerEvent(ctx context.Context, orderID string) error {
	for {
		h.mu.Lock()
		n, changed := h.partnerEvents[orderID], h.changed
		h.mu.Unlock()
		if n > 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("no order.status_changed webhook arrived: %w", ctx.Err())
		}
	}
}

// onESIM is the eSIM Story webhook function: called once per unit.
func (h *webhooks) onESIM(_ context.Context, d *esimstory.Delivery) error {
	h.out.step("esimstory", "webhook: unit %s delivered (ICCID %s)", d.TopupID, redact.Mask(d.ICCID))
	return nil
}
