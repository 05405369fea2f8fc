package simkit

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/internal/randid"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/retry"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/topups"
)

// CheckStatus says what a credential check proved.
type CheckStatus string

// The outcomes of a credential check.
const (
	// CheckOK: the provider accepted the credential.
	CheckOK CheckStatus = "ok"
	// CheckFailed: the provider refused the credential, or could not be
	// asked (unreachable, a server error); Err says which.
	CheckFailed CheckStatus = "failed"
	// CheckUnverified: no call proves the credential without moving money,
	// so it was not checked. It may still be wrong.
	CheckUnverified CheckStatus = "unverified"
)

// CheckResult is the check of one credential (or of a pair that only
// works together, such as eSIM Story's access key and secret key).
type CheckResult struct {
	// Provider is the provider's package name ("partner").
	Provider string
	// Credential names what was checked ("token", "secret").
	Credential string
	// Status is what the check proved.
	Status CheckStatus
	// Detail says, on one line and without any secret, how the credential
	// was checked or why it could not be.
	Detail string
	// Latency is how long the check's calls took.
	Latency time.Duration
	// RequestID is the provider's id of the last answer, when it gave one.
	RequestID string
	// Err is the failure, for Status CheckFailed.
	Err error
}

// String renders the result on one line, without any secret:
// "partner secret: ok: how it was checked (1.8ms, request fake-partner-3)".
func (r CheckResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", r.Provider, r.Credential, r.Status)
	if r.Detail != "" {
		b.WriteString(": ")
		b.WriteString(r.Detail)
	}
	if r.Latency > 0 || r.RequestID != "" {
		b.WriteString(" (")
		b.WriteString(r.Latency.Round(100 * time.Microsecond).String())
		if r.RequestID != "" {
			b.WriteString(", request ")
			b.WriteString(r.RequestID)
		}
		b.WriteString(")")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Check verifies the credentials of every provider opts configure, without
// moving money, and says plainly which it could not verify:
//
//   - partner: the token by reading the balance; the secret by a signed
//     order for a product that does not exist, which the provider must
//     refuse as invalid rather than for its signature. First the same
//     order is sent signed with a random secret: only if the provider
//     refuses that one for its signature (so it checks signatures before
//     products) does the real one's refusal prove the secret. Otherwise
//     the secret is CheckUnverified.
//   - smsnumbers: the token by reading the profile.
//   - esimstory: both keys by the same pair of orders for an option that
//     does not exist (the API has no read-only call).
//   - topups: the client id and secret by a token and an orders page; the
//     renewal key is CheckUnverified (its only call renews a subscription).
//
// Each call is tried once. Check never takes more than one top-up token:
// with a shared Store (WithStore), a token the fleet already holds is used,
// so a deploy check next to live replicas does not spend the provider's
// three tokens a minute; a second token fetch in one run is refused before
// it is sent.
func Check(ctx context.Context, opts ...Option) ([]CheckResult, error) {
	tokens := &tokenGuard{}
	all := append(append([]Option(nil), opts...), WithRetry(retry.Policy{MaxAttempts: 1}))
	var o Options
	for _, fn := range all {
		fn(&o)
	}
	if len(o.ESIMStory) > 0 {
		// An order a tracker waits for is not what a check sends.
		all = append(all, WithESIMStory(func(eo *esimstory.Options) { eo.Tracker = nil }))
	}
	if len(o.Topups) > 0 {
		all = append(all, WithTopups(func(to *topups.Options) { tokens.wrap(&to.Shared) }))
	}
	c, err := New(all...)
	if err != nil {
		return nil, err
	}
	// The probes build only their own provider's client, with the same
	// shared settings.
	only := func(fn func(*Options)) []Option {
		return []Option{func(x *Options) { x.Shared = o.Shared }, fn}
	}
	partnerOpts := only(func(x *Options) { x.Partner = append(([]func(*partner.Options))(nil), o.Partner...) })
	esimOpts := only(func(x *Options) {
		x.ESIMStory = append(append(([]func(*esimstory.Options))(nil), o.ESIMStory...), func(eo *esimstory.Options) { eo.Tracker = nil })
	})
	var out []CheckResult
	if c.Partner != nil {
		out = append(out, timed("partner", "token", func(r *CheckResult) {
			var resp option.Response
			_, err := c.Partner.Balance(ctx, option.WithResponse(&resp))
			r.RequestID = resp.RequestID
			r.settle(err, "the balance was read")
		}))
		out = append(out, timed("partner", "secret", func(r *CheckResult) {
			checkSigned(ctx, r, partnerOpts, partnerProbe{})
		}))
	}
	if c.SMS != nil {
		out = append(out, timed("smsnumbers", "token", func(r *CheckResult) {
			var resp option.Response
			_, err := c.SMS.Profile(ctx, option.WithResponse(&resp))
			r.RequestID = resp.RequestID
			r.settle(err, "the profile was read")
		}))
	}
	if c.ESIMStory != nil {
		out = append(out, timed("esimstory", "access key and secret key", func(r *CheckResult) {
			checkSigned(ctx, r, esimOpts, esimProbe{})
		}))
	}
	if c.Topups != nil {
		out = append(out, timed("topups", "client id and secret", func(r *CheckResult) {
			var resp option.Response
			_, err := c.Topups.ListOrders(ctx, topups.ListOrdersParams{}, option.WithResponse(&resp))
			r.RequestID = resp.RequestID
			how := "an orders page was read with the Store's token"
			if tokens.count() > 0 {
				how = "a new token was issued and an orders page read with it"
			}
			r.settle(err, how)
		}))
		var to topups.Options
		for _, fn := range o.Topups {
			fn(&to)
		}
		if !to.RenewalKey.IsZero() {
			out = append(out, CheckResult{Provider: "topups", Credential: "renewal key", Status: CheckUnverified,
				Detail: "not checked: the renewal API's only call renews a subscription"})
		}
	}
	return out, nil
}

// timed runs one check and measures it.
func timed(provider, credential string, run func(r *CheckResult)) CheckResult {
	r := CheckResult{Provider: provider, Credential: credential}
	start := time.Now()
	run(&r)
	r.Latency = time.Since(start)
	return r
}

// settle records a read-only call's outcome.
func (r *CheckResult) settle(err error, how string) {
	if err != nil {
		r.fail(err)
		return
	}
	r.Status, r.Detail = CheckOK, how
}

func (r *CheckResult) fail(err error) {
	r.Status, r.Err, r.Detail = CheckFailed, err, err.Error()
	var e *Error
	if errors.As(err, &e) && e.RequestID != "" {
		r.RequestID = e.RequestID
	}
}

// signedProbe is a provider's signed call that cannot move money: an order
// for a product that does not exist.
type signedProbe interface {
	// send places the probe order with a client built from opts, which may
	// carry a wrong secret.
	send(ctx context.Context, opts []Option, resp *option.Response) error
	// wrongSecret returns the option that signs with a random secret.
	wrongSecret() Option
	// what names the credential that signs, for the messages.
	what() string
	// checksShared reports whether this row also stands for the
	// credential both probes share (eSIM Story's access key); partner's
	// token has a row of its own.
	checksShared() bool
}

// checkSigned proves a signing secret with a control: the probe signed
// with a random secret must be refused for its signature, and the probe
// signed with the real one must get past the signature to a refusal of
// the product. Anything else leaves the secret unverified or failed.
func checkSigned(ctx context.Context, r *CheckResult, opts []Option, p signedProbe) {
	var resp option.Response
	control := p.send(ctx, append(append([]Option(nil), opts...), p.wrongSecret()), &resp)
	switch {
	case control == nil:
		r.fail(fmt.Errorf("the provider accepted an order for a product that does not exist, signed with a random %s: look at your orders", p.what()))
		return
	case authRefused(control) && !signatureRefused(control):
		// Refused for what both probes share (the token, the access key):
		// that credential is wrong, whatever the secret is.
		if p.checksShared() {
			r.fail(control)
			return
		}
		r.Status, r.RequestID = CheckUnverified, resp.RequestID
		r.Detail = fmt.Sprintf("not verified: the provider refused the request before its signature (%s)", control.Error())
		return
	case !signatureRefused(control) && pastAuthentication(control):
		r.Status, r.RequestID = CheckUnverified, resp.RequestID
		r.Detail = fmt.Sprintf("not verified: the provider did not refuse a wrongly signed probe for its signature (%s), so no refusal proves the %s",
			control.Error(), p.what())
		return
	case !signatureRefused(control):
		// No answer, a server error, a rate limit: nothing was proved,
		// and the provider is not answering as it should.
		r.fail(control)
		return
	}
	resp = option.Response{}
	err := p.send(ctx, opts, &resp)
	r.RequestID = resp.RequestID
	switch {
	case err == nil:
		r.fail(fmt.Errorf("the provider accepted an order for a product that does not exist: look at your orders"))
	case signatureRefused(err):
		r.fail(err)
	case pastAuthentication(err):
		r.Status = CheckOK
		r.Detail = "a signed order for a product that does not exist was refused as invalid, not for its signature (a wrongly signed one was)"
	default:
		r.fail(err)
	}
}

// authRefused reports a refusal of the request's credentials.
func authRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// signatureRefused reports a refusal of the request's signature.
func signatureRefused(err error) bool {
	var e *Error
	return authRefused(err) && errors.As(err, &e) && strings.Contains(strings.ToLower(e.Message), "signature")
}

// pastAuthentication reports a definite refusal that only comes after the
// provider authenticated the request: a 4xx about the request itself.
func pastAuthentication(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Ambiguous {
		return false
	}
	switch e.StatusCode {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// partnerProbe orders a random SKU under a fresh external id.
type partnerProbe struct{}

func (partnerProbe) send(ctx context.Context, opts []Option, resp *option.Response) error {
	c, err := New(opts...)
	if err != nil {
		return err
	}
	_, err = c.Partner.CreateOrder(ctx, partner.CreateOrderParams{
		ExternalID: "simkit-check-" + randid.Hex(8),
		Item:       partner.OrderItemParams{SKUID: randomUUID()},
	}, option.WithResponse(resp))
	return err
}

func (partnerProbe) wrongSecret() Option {
	return WithPartner(func(o *partner.Options) { o.Secret = signing.NewSecret(randid.Hex(16)) })
}

func (partnerProbe) what() string { return "secret" }

func (partnerProbe) checksShared() bool { return false }

// esimProbe orders one unit of a random option under a fresh external id.
type esimProbe struct{}

func (esimProbe) send(ctx context.Context, opts []Option, resp *option.Response) error {
	c, err := New(opts...)
	if err != nil {
		return err
	}
	_, err = c.ESIMStory.CreateOrder(ctx, esimstory.CreateOrderParams{
		ExternalOrderID: "simkit-check-" + randid.Hex(8),
		Products:        []esimstory.OrderProductParams{{OptionID: randomUUID(), Qty: 1}},
	}, option.WithResponse(resp))
	return err
}

func (esimProbe) wrongSecret() Option {
	return WithESIMStory(func(o *esimstory.Options) {
		o.SecretKey = signing.NewSecret(base64.StdEncoding.EncodeToString([]byte(randid.Hex(16))))
	})
}

func (esimProbe) what() string { return "secret key" }

func (esimProbe) checksShared() bool { return true }

// tokenGuard lets one top-up token request through per Check and refuses
// any other before it is sent: the provider issues three a minute to the
// whole account.
type tokenGuard struct {
	mu   sync.Mutex
	n    int
	base http.RoundTripper
}

// tokenPath is the top-ups token endpoint's path.
const tokenPath = "/customer/v2/token"

func (g *tokenGuard) wrap(sh *option.Shared) {
	if sh.HTTPClient != nil {
		hc := *sh.HTTPClient
		g.base = hc.Transport
		if g.base == nil {
			g.base = sh.Transport
		}
		hc.Transport = g
		sh.HTTPClient = &hc
	} else {
		g.base = sh.Transport
		sh.Transport = g
	}
	if g.base == nil {
		g.base = transport.NewHTTPTransport()
	}
}

func (g *tokenGuard) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// RoundTrip implements http.RoundTripper.
func (g *tokenGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, tokenPath) {
		g.mu.Lock()
		g.n++
		n := g.n
		g.mu.Unlock()
		if n > 1 {
			if req.Body != nil {
				_ = req.Body.Close()
			}
			return nil, errors.New("simkit check takes at most one top-up token per run")
		}
	}
	return g.base.RoundTrip(req)
}

// randomUUID is a version 4 UUID: a product id no catalog holds.
func randomUUID() string {
	u, err := randid.UUID()
	if err != nil {
		return "00000000-0000-4000-8000-000000000000" // crypto/rand failed: still no product
	}
	return u
}
