package topups

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
)

const (
	tokenPath = "/customer/v2/token"
	// opToken labels the token call: a constant, not built per call.
	opToken = http.MethodPost + " " + tokenPath
	// defaultRefreshMargin is how early a token is replaced before expiry.
	defaultRefreshMargin = time.Minute
	// unknownTokenTTL caches a token whose answer gave no lifetime; a 401
	// still replaces it early.
	unknownTokenTTL = time.Hour
)

// tokenAnswer is the token endpoint's body.
type tokenAnswer struct {
	Data struct {
		TokenType   string    `json:"token_type"`
		ExpiresIn   jsonx.Int `json:"expires_in"`
		AccessToken string    `json:"access_token"`
	} `json:"data"`
}

// tokenKeyFor names the cached token in the Store. It carries the base URL
// too, so a sandbox and a production client sharing a Store (and a client
// id) never swap tokens, while a fleet pointed at one API shares one.
func tokenKeyFor(o *Options) string {
	return "topups:token:" + o.ClientID + "@" + o.BaseURL
}

// token returns the cached access token, with its header prepared,
// fetching one (once per process and per fleet) when none is cached.
func (c *Client) token(ctx context.Context) (*bearer, error) {
	if err := ctx.Err(); err != nil {
		// Do not spend a rate-limited token fetch on a call already over.
		return nil, storeError(opToken, err)
	}
	v, _, err := c.flight.LoadNamed(ctx, "token", c.tokenKey, c.fetchToken)
	if err != nil {
		// A store failure or the caller's ctx ending while waiting is not
		// yet an *apierror.Error.
		return nil, storeError(opToken, err)
	}
	return c.bearer.forToken(v), nil
}

// fetchToken asks the token endpoint for a new token and says how long to
// cache it. Getting a token twice is harmless, so the call is retried like
// a safe one.
func (c *Client) fetchToken(ctx context.Context) ([]byte, time.Duration, error) {
	req := &transport.Request{
		Method: http.MethodPost,
		Path:   tokenPath,
		Form: map[string]string{
			"client_id":     c.opts.ClientID,
			"client_secret": c.opts.ClientSecret.Reveal(),
			"grant_type":    "client_credentials",
		},
		Idempotency: transport.Idempotent,
		Op:          opToken,
	}
	// Decode here rather than in Do: a malformed answer would otherwise be
	// copied into the error's Raw field, token and all.
	resp, err := c.t.Do(ctx, req, nil)
	if err != nil {
		return nil, 0, credentialsRefused(resp, err)
	}
	var ans tokenAnswer
	if err := json.Unmarshal(resp.Body, &ans); err != nil || ans.Data.AccessToken == "" {
		return nil, 0, &apierror.Error{Provider: Provider, Op: resp.Op, StatusCode: resp.StatusCode, RequestID: resp.RequestID,
			Message: "token answer has no access_token", Kind: apierror.ErrBadResponse}
	}
	return []byte(ans.Data.AccessToken), c.tokenTTL(time.Duration(ans.Data.ExpiresIn) * time.Second), nil
}

// tokenTTL is how long a token living `life` is cached: life minus the
// refresh margin. Short-lived tokens use a tenth of their life as margin,
// so they are still cached at all.
func (c *Client) tokenTTL(life time.Duration) time.Duration {
	if life <= 0 {
		return unknownTokenTTL
	}
	margin := c.opts.TokenRefreshMargin
	if margin <= 0 {
		margin = defaultRefreshMargin
	}
	if margin >= life/2 {
		margin = life / 10
	}
	return life - margin
}

// forgetToken drops the cached token after the provider refused it, but
// only if the cache still holds that same token: another goroutine may
// already have replaced it, and dropping the fresh one would cost an extra
// call to the rate-limited token endpoint.
func (c *Client) forgetToken(ctx context.Context, refused string) error {
	c.forgetMu.Lock()
	defer c.forgetMu.Unlock()
	v, ok, err := c.opts.Store.Get(ctx, c.tokenKey)
	if err != nil || !ok || string(v) != refused {
		return err
	}
	return c.flight.Forget(ctx, c.tokenKey)
}

// credentialsRefused classifies the token endpoint's refusal of bad
// credentials as ErrUnauthorized: the provider answers 401 ("Client
// authentication failed") or 422 with a validation message naming
// client_id or client_secret, and either way the fix is the credentials,
// not the request.
func credentialsRefused(resp *transport.Response, err error) error {
	var e *apierror.Error
	if resp == nil || resp.StatusCode != http.StatusUnprocessableEntity || !errors.As(err, &e) {
		return err
	}
	var body struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if json.Unmarshal(resp.Body, &body) != nil {
		return err
	}
	for _, field := range []string{"client_id", "client_secret"} {
		if _, ok := body.Data[field]; ok {
			e.Kind = apierror.ErrUnauthorized
		}
	}
	return err
}
