package simkittest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
)

// webhookTarget is where a fake sends its webhooks: a URL, or a handler
// called in-process (the SDK's own webhook handler, with no server).
// query is added to the URL's query (a shared-secret token parameter).
type webhookTarget struct {
	url     string
	handler http.Handler
	query   url.Values
}

func (t webhookTarget) empty() bool { return t.url == "" && t.handler == nil }

// untilClosed returns a context for sending a fake's webhooks that ends
// when the fake closes (done) or cancel is called, so Close never waits
// on a receiver that does not answer.
func untilClosed(done <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// send POSTs body with header to the target and returns the answer's
// status; a transport error is returned as err with status 0.
func (t webhookTarget) send(ctx context.Context, client *http.Client, header http.Header, body []byte) (int, error) {
	target := t.url
	if t.handler != nil {
		target = "http://webhook.simkittest.invalid/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if len(t.query) > 0 {
		q := req.URL.Query()
		for k, v := range t.query {
			q[k] = v
		}
		req.URL.RawQuery = q.Encode()
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if t.handler != nil {
		rec := httptest.NewRecorder()
		t.handler.ServeHTTP(rec, req)
		return rec.Code, nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}
