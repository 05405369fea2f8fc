package topups

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/money"
	"github.com/simkit/simkit/internal/transport"
	"github.com/simkit/simkit/internal/validate"
	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
)

const opRenewNumber = "POST /api/third-party/partner/renew-number/"

// RenewalResult is the renewal API's answer to a successful renewal.
type RenewalResult struct {
	// Message is the provider's confirmation text.
	Message string `json:"message"`
	// Success is always true in a returned result (false is an error).
	Success bool `json:"success"`
	// Data is whatever the provider attached (null on success), undecoded.
	Data json.RawMessage `json:"data"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// RenewNumberParams says whose number to renew.
type RenewNumberParams struct {
	// Email is the user's address, as the renewal API knows it. Required.
	// It is customer data: simkit never puts it in errors or logs.
	Email string
}

// RenewNumber renews the subscription of the user p.Email, or
// converts a free-trial user to paying (POST
// /api/third-party/partner/renew-number/). It uses the separate renewal API
// (Options.RenewalBaseURL and RenewalKey) and answers ErrNotConfigured
// without them.
//
// A renewal may charge, and the API takes no id to deduplicate by and has
// no way to look a renewal up, so the request reaches the provider at most
// once and is never retried. When its outcome is ambiguous (no answer, a
// timeout, a 5xx, an unreadable answer) the error matches
// ErrOutcomeUnknown, carrying Started and a masked Reference: check the
// user's subscription (the provider's user list or dashboard) before
// renewing again. An answer with success:false is an error carrying the
// provider's message that matches ErrRenewalRefused and, by its wording,
// ErrNotFound or ErrValidation.
func (c *Client) RenewNumber(ctx context.Context, p RenewNumberParams, opts ...option.CallOption) (*RenewalResult, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if c.renewal == nil {
		e := apierror.NotConfigured(Provider)
		e.Op = opRenewNumber
		e.Message = "renewal API not configured: set RenewalBaseURL and RenewalKey"
		return nil, e
	}
	email := strings.TrimSpace(p.Email)
	if !validate.Email(email) {
		return nil, apierror.Validation(Provider, opRenewNumber, "email is not a valid address")
	}
	started := c.renewal.Now()
	e, berr := money.Begin(ctx, c.ledger, ledger.Intent{Call: opRenewNumber, Subject: "renew/" + c.ledger.Hash(strings.ToLower(email))})
	if berr != nil {
		c.renewal.Logger().LogAttrs(ctx, slog.LevelWarn, "simkit: ledger could not record a renewal", slog.String("route", opRenewNumber), slog.String("error", berr.Error()))
	}
	res, err := c.renew(ctx, email, started, opts)
	money.Finish(ctx, c.ledger, c.renewal.Logger(), e, ledger.Outcome{State: money.StateOf(err)})
	return res, err
}

// renew sends the renewal and classifies its answer.
func (c *Client) renew(ctx context.Context, email string, started time.Time, opts []option.CallOption) (*RenewalResult, error) {
	out := &RenewalResult{}
	resp, err := c.renewal.Do(ctx, &transport.Request{
		Method:      http.MethodPost,
		Path:        "/api/third-party/partner/renew-number/",
		JSON:        map[string]string{"email": email},
		Idempotency: transport.NotIdempotent,
		Op:          opRenewNumber,
	}, out, opts...)
	if err == nil && !hasSuccess(resp.Body) {
		// A 2xx without the answer's success flag (no body, {}, null) does
		// not say the renewal was refused: it may well have happened.
		err = c.renewal.Fail(resp, &apierror.Error{Message: "renewal answer has no success flag", Kind: apierror.ErrBadResponse, Ambiguous: true})
	}
	if err != nil {
		if transport.Ambiguous(err) {
			return nil, &apierror.Error{Provider: Provider, Op: opRenewNumber, Kind: apierror.ErrOutcomeUnknown, Err: opaque(err),
				Message:   "renewal may or may not have happened; the renewal API cannot be asked",
				Ambiguous: true, Reference: maskEmail(email), Started: started, StatusCode: statusOf(err),
				MayHaveActed: true}
		}
		markRefusal(resp, err)
		return nil, err
	}
	if !out.Success {
		kind := apierror.ErrValidation
		if strings.Contains(strings.ToLower(out.Message), "not found") {
			kind = apierror.ErrNotFound
		}
		msg := out.Message
		if msg == "" {
			msg = "renewal refused"
		}
		return nil, c.renewal.Fail(resp, &apierror.Error{Message: msg, Kind: kind, Err: ErrRenewalRefused})
	}
	return out, nil
}

// markRefusal tags an HTTP error whose body is the renewal API's own
// {success:false} answer (a 404 for an unknown user, say) with
// ErrRenewalRefused, so callers need one check whatever status came with it.
func markRefusal(resp *transport.Response, err error) {
	var e *apierror.Error
	if resp == nil || !errors.As(err, &e) || e.Err != nil || e.StatusCode == http.StatusUnauthorized {
		return
	}
	var body RenewalResult
	if json.Unmarshal(resp.Body, &body) == nil && !body.Success && body.Message != "" {
		e.Err = ErrRenewalRefused
	}
}

// maskEmail keeps enough of an address to recognise it in a manual check
// ("j***@example.com") without carrying the customer's address.
func maskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 1 {
		return "***"
	}
	return email[:1] + "***" + email[at:]
}

// statusOf is the HTTP status an error carries, 0 when none.
func statusOf(err error) int {
	var e *apierror.Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// hasSuccess reports whether a renewal answer carries its success flag,
// true or false.
func hasSuccess(body []byte) bool {
	var v struct {
		Success *bool `json:"success"`
	}
	return json.Unmarshal(body, &v) == nil && v.Success != nil
}
