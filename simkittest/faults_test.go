package simkittest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// faultyPartner serves a Partner fake behind faults, as an Env does.
func faultyPartner(t *testing.T) (*partnerHarness, *Faults) {
	t.Helper()
	fs := &Faults{}
	f := NewPartnerFake(PartnerFakeConfig{Token: FakePartnerToken, Secret: FakePartnerSecret, Now: fixedNow})
	srv := httptest.NewServer(fs.Wrap(ProviderPartner, PartnerPrefix, f))
	t.Cleanup(func() { f.Close(); srv.Close() })
	return &partnerHarness{t: t, fake: f, url: srv.URL + PartnerPrefix}, fs
}

// rawOrder posts an order and returns the transport error, if any.
func (h *partnerHarness) rawOrder(ctx context.Context, ext string) (*http.Response, []byte, error) {
	body := `{"external_id":"` + ext + `","item":{"sku_id":"` + PartnerSKUVoucher + `"}}`
	req, _ := http.NewRequestWithContext(ctx, "POST", h.url+"/orders", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+FakePartnerToken)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range signed(seedNow, PartnerSKUVoucher, ext) {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaultDropAfterHandlingLeavesOneOrder(t *testing.T) {
	h, fs := faultyPartner(t)
	fs.Add(Fault{Provider: ProviderPartner, Method: "POST", Path: "/orders", Times: 1, Kind: DropAfterHandling})

	_, _, err := h.rawOrder(context.Background(), "DROP-1")
	require.Error(t, err, "the client sees a dropped connection")
	require.Len(t, h.fake.Orders(), 1, "but the order exists")
	require.Equal(t, "990.00", h.fake.Balance().StringFixed(2))

	resp, body, err := h.rawOrder(context.Background(), "DROP-1")
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, resp.StatusCode, "a blind retry meets the duplicate")
	require.Contains(t, string(body), "The external id has already been taken.")
	require.Len(t, h.fake.Orders(), 1)
	require.Equal(t, 1, fs.Hits())
}

func TestFaultKinds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      Fault
		wantErr    bool
		wantStatus []int // statuses of consecutive calls
		wantOrders int
		check      func(t *testing.T, body []byte)
	}{
		{name: "status twice", fault: Fault{Path: "/v1/partner/orders", Times: 2, Kind: Status}, wantStatus: []int{503, 503, 201}, wantOrders: 1},
		{name: "custom status and body", fault: Fault{Method: "post", Path: "/ord*", Times: 1, Kind: Status, Status: 500, Body: `{"success":false,"message":"boom"}`}, wantStatus: []int{500, 201}, wantOrders: 1,
			check: func(t *testing.T, b []byte) { require.Contains(t, string(b), "boom") }},
		{name: "drop before handling", fault: Fault{Path: "/orders", Times: 1, Kind: DropBeforeHandling}, wantErr: true, wantOrders: 0},
		{name: "malformed body after handling", fault: Fault{Provider: ProviderPartner, Times: 1, Kind: MalformedBody}, wantStatus: []int{201}, wantOrders: 1,
			check: func(t *testing.T, b []byte) {
				var v any
				require.Error(t, json.Unmarshal(b, &v))
			}},
		{name: "custom malformed body", fault: Fault{Times: 1, Kind: MalformedBody, Body: "<html>"}, wantStatus: []int{201}, wantOrders: 1,
			check: func(t *testing.T, b []byte) { require.Equal(t, "<html>", string(b)) }},
		{name: "status after handling", fault: Fault{Path: "/orders", Times: 1, Kind: StatusAfterHandling, Header: http.Header{"Retry-After": {"7"}}}, wantStatus: []int{500, 409}, wantOrders: 1,
			check: func(t *testing.T, b []byte) { require.Equal(t, "Internal Server Error", string(b)) }},
		{name: "latency then normal", fault: Fault{Times: 1, Kind: Latency, Delay: time.Millisecond}, wantStatus: []int{201}, wantOrders: 1},
		{name: "other provider untouched", fault: Fault{Provider: ProviderSMS, Kind: Status}, wantStatus: []int{201}, wantOrders: 1},
		{name: "other path untouched", fault: Fault{Path: "/balance", Kind: Status}, wantStatus: []int{201}, wantOrders: 1},
		{name: "unknown kind passes through", fault: Fault{Kind: FaultKind(99)}, wantStatus: []int{201}, wantOrders: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, fs := faultyPartner(t)
			fs.Add(tc.fault)
			if tc.wantErr {
				_, _, err := h.rawOrder(context.Background(), "K-1")
				require.Error(t, err)
			}
			for i, want := range tc.wantStatus {
				resp, body, err := h.rawOrder(context.Background(), "K-1")
				require.NoError(t, err)
				require.Equal(t, want, resp.StatusCode, "call %d", i)
				if i == 0 && tc.check != nil {
					tc.check(t, body)
				}
			}
			require.Len(t, h.fake.Orders(), tc.wantOrders)
		})
	}
}

func TestFaultLatencyEndsWithTheClient(t *testing.T) {
	h, fs := faultyPartner(t)
	fs.Add(Fault{Kind: Latency, Delay: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for fs.Hits() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, _, err := h.rawOrder(ctx, "SLOW")
	require.ErrorIs(t, err, context.Canceled)
	fs.Clear()
	require.Zero(t, fs.Hits())
	require.Empty(t, h.fake.Orders(), "the fake never saw the cancelled request")
}

// HangAfterHandling does the work and answers nothing until the client
// gives up; a client that waits past Delay gets the real answer.
func TestFaultHangAfterHandling(t *testing.T) {
	h, fs := faultyPartner(t)
	fs.Add(Fault{Path: "/orders", Times: 1, Kind: HangAfterHandling, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := h.rawOrder(ctx, "HANG-1")
	require.ErrorIs(t, err, context.DeadlineExceeded, "the client gave up")
	require.Len(t, h.fake.Orders(), 1, "after the order was made")

	fs.Add(Fault{Path: "/orders", Times: 1, Kind: HangAfterHandling, Delay: time.Millisecond})
	resp, body, err := h.rawOrder(context.Background(), "HANG-2")
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "held, then the real answer")
	require.Contains(t, string(body), "HANG-2")
	require.Len(t, h.fake.Orders(), 2)
}

func TestFaultsNilWrapsNothing(t *testing.T) {
	var fs *Faults
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	rec := httptest.NewRecorder()
	fs.Wrap(ProviderPartner, "", h).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/orders", nil))
	require.Equal(t, http.StatusTeapot, rec.Code, "a nil *Faults passes every request to the fake")
}

func TestFaultHeaderAndTruncatedBody(t *testing.T) {
	h, fs := faultyPartner(t)
	fs.Add(Fault{Path: "/orders", Times: 1, Kind: Status, Status: 429, Header: http.Header{"Retry-After": {"3"}}})
	resp, _, err := h.rawOrder(context.Background(), "T-1")
	require.NoError(t, err)
	require.Equal(t, 429, resp.StatusCode)
	require.Equal(t, "3", resp.Header.Get("Retry-After"))
	require.Empty(t, h.fake.Orders())

	fs.Add(Fault{Path: "/orders", Times: 1, Kind: TruncatedBody})
	_, _, err = h.rawOrder(context.Background(), "T-1")
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "the body ends before its announced length")
	require.Len(t, h.fake.Orders(), 1, "the order was made before the answer broke")
}
