package topups

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/store"
)

// getSignal is a Store that reports every Get of one key, so a test knows
// when a second caller has reached the single flight.
type getSignal struct {
	store.Store
	key  string
	seen chan struct{}
}

func (s *getSignal) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if strings.HasPrefix(key, s.key) && !strings.HasSuffix(key, ":lock") {
		select {
		case s.seen <- struct{}{}:
		default:
		}
	}
	return s.Store.Get(ctx, key)
}

// emptyOrders answers every orders look-up with no rows: the provider has
// not listed the top-up (yet).
func emptyOrders(e *env) {
	e.mt.RegisterResponder(http.MethodGet, ordersURL, jsonResponder(200, `{"data":[],"meta":{"current_page":1,"last_page":1}}`))
}

// blockingSubmit answers the first submit only when its request ends (the
// provider got it, the answer never comes back) and every later one with a
// placed top-up; it counts submits and signals the first one's arrival.
func blockingSubmit(t *testing.T, e *env, arrived chan<- struct{}, release <-chan struct{}) *atomic.Int64 {
	var n atomic.Int64
	e.mt.RegisterResponder(http.MethodPost, submitURL, func(r *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
				return nil, r.Context().Err()
			case <-release:
				return nil, errors.New("connection reset by peer")
			}
		}
		return httpmock.NewStringResponse(200, fixtureText("submit_topup.json")), nil
	})
	return &n
}

// A caller waiting on another call's submit with the same reference must
// not submit again when that call's context ends mid-flight: the first
// submit may have charged, and its look-up found nothing yet. The
// ErrOutcomeUnknown of the first call used to wrap its context error, so
// the single flight took it for "the leader gave up before doing anything"
// and let the waiting caller look up (nothing yet) and submit a second
// top-up.
func TestSubmitTopupWaiterNeverResubmitsAfterLeaderCancelledMidFlight(t *testing.T) {
	tests := []struct {
		name string
		end  func(cancel context.CancelFunc)
	}{
		{"leader cancelled", func(cancel context.CancelFunc) { cancel() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := &getSignal{key: submitKeyPrefix, seen: make(chan struct{}, 1)}
			e := newEnv(t, func(o *Options) {
				sig.Store = o.Store
				o.Store = sig
			})
			emptyOrders(e)
			arrived := make(chan struct{}, 1)
			submits := blockingSubmit(t, e, arrived, make(chan struct{}))
			p := SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-flight"}

			lctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			var leaderErr, waiterErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, leaderErr = e.c.SubmitTopup(lctx, p)
			}()
			<-arrived
			<-sig.seen // drain the leader's own reads
			for len(sig.seen) > 0 {
				<-sig.seen
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, waiterErr = e.c.SubmitTopup(context.Background(), p)
			}()
			<-sig.seen
			// The waiter is blocked on the leader's flight before the leader ends.
			key := submitKeyPrefix + p.ICCID + ":" + p.Reference
			require.Eventually(t, func() bool { return e.c.submits.Waiting(key) == 1 }, 10*time.Second, time.Millisecond)
			tt.end(cancel)
			wg.Wait()

			require.ErrorIs(t, leaderErr, apierror.ErrOutcomeUnknown)
			require.NotErrorIs(t, leaderErr, context.Canceled, "an unknown outcome must not read as a plain cancellation")
			require.Equal(t, int64(1), submits.Load(), "a second top-up was submitted")
			require.ErrorIs(t, waiterErr, apierror.ErrOutcomeUnknown)
		})
	}
}

// Two replicas share a Store. The first one's submit is slow (the
// provider has it, the answer takes longer than the single flight's lock
// lives); the second replica, asked for the same reference meanwhile,
// must wait, not take the expired lock, find nothing and submit again.
func TestSubmitTopupSecondReplicaNeverResubmitsDuringSlowSubmit(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
	}{
		{"31s into the submit", 31 * time.Second},
		{"2 minutes into the submit", 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			shared := e.c.opts.Store
			c2, err := New(func(o *Options) {
				*o = *e.c.opts
				o.Store = shared
			})
			require.NoError(t, err)
			emptyOrders(e)
			arrived := make(chan struct{}, 1)
			release := make(chan struct{})
			submits := blockingSubmit(t, e, arrived, release)
			p := SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-replicas"}

			done := make(chan error, 1)
			go func() {
				_, err := e.c.SubmitTopup(context.Background(), p)
				done <- err
			}()
			<-arrived
			e.clock.Advance(tt.after)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			_, err2 := c2.SubmitTopup(ctx, p)
			cancel()
			close(release)
			err1 := <-done

			require.Equal(t, int64(1), submits.Load(), "the second replica submitted a second top-up")
			require.ErrorIs(t, err1, apierror.ErrOutcomeUnknown)
			require.ErrorIs(t, err2, context.DeadlineExceeded, "the second replica waits for the first")
			// The first replica's submit may still charge: the second's
			// caller is told so, and that calling again is safe.
			require.True(t, apierror.MayHaveActed(err2))
			require.True(t, apierror.SafeToRetry(err2))
		})
	}
}

// A 2xx whose body names no top-up (empty, null data, data without an id)
// was handed back as a placed top-up with every field empty, and
// remembered for 15 minutes. The top-up was probably placed but the
// caller cannot tell which: settle it by look-up like any unreadable
// answer.
func TestSubmitTopupUnreadable2xxIsSettled(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		listed bool
		wantID string
	}{
		{"empty body, listed", ``, true, "77"},
		{"null data, listed", `{"data":null}`, true, "77"},
		{"data without id, listed", `{"data":{}}`, true, "77"},
		{"empty body, not listed", ``, false, ""},
		{"data without id, not listed", `{"data":{"description":"ref-2xx"}}`, false, ""},
		// The order is read, then the answer turns out unreadable: the id
		// read so far is no proof, only the look-up is.
		{"order then unreadable data, not listed", `{"data":{"id":9666,"type":"topup","description":"ref-2xx"},"data":7}`, false, ""},
		{"order then unreadable data, listed", `{"data":{"id":9666,"type":"topup","description":"ref-2xx"},"data":7}`, true, "77"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var placed atomic.Bool
			e.mt.RegisterResponder(http.MethodGet, ordersURL, func(*http.Request) (*http.Response, error) {
				rows := ``
				if placed.Load() && tt.listed {
					rows = `{"id":"77","type":"topup","description":"ref-2xx"}`
				}
				return httpmock.NewStringResponse(200, `{"data":[`+rows+`],"meta":{"current_page":1,"last_page":1}}`), nil
			})
			e.mt.RegisterResponder(http.MethodPost, submitURL, func(*http.Request) (*http.Response, error) {
				placed.Store(true)
				return jsonResponder(200, tt.body)(nil)
			})
			o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: "ref-2xx"})
			require.Equal(t, 1, e.calls(http.MethodPost, submitURL))
			if tt.wantID == "" {
				require.ErrorIs(t, err, apierror.ErrOutcomeUnknown)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantID, o.ID)
		})
	}
}

// The provider trims surrounding white space from every input (Laravel's
// TrimStrings middleware, on by default), so a reference " ref-7 " is
// stored as "ref-7". The exact-match look-up then never recognised the
// top-up as ours: after a lost answer the caller was told to call again
// with the same reference, and that call submitted a second top-up. A
// reference the provider would alter is refused before anything is sent.
func TestSubmitTopupReferenceTheProviderWouldTrim(t *testing.T) {
	tests := []struct {
		name string
		ref  string
	}{
		{"trailing space", "ref-7 "},
		{"leading space", " ref-7"},
		{"trailing tab", "ref-7\t"},
		{"non-breaking space", "ref-7\u00a0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var mu sync.Mutex
			var stored []string
			e.mt.RegisterResponder(http.MethodGet, ordersURL, func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				want := strings.TrimSpace(r.URL.Query().Get("filter[description]"))
				rows := []string{}
				for i, d := range stored {
					if strings.Contains(d, want) {
						rows = append(rows, `{"id":"`+strconv.Itoa(100+i)+`","type":"topup","description":"`+d+`"}`)
					}
				}
				return httpmock.NewStringResponse(200, `{"data":[`+strings.Join(rows, ",")+`],"meta":{"current_page":1,"last_page":1}}`), nil
			})
			e.mt.RegisterResponder(http.MethodPost, submitURL, func(r *http.Request) (*http.Response, error) {
				if err := r.ParseMultipartForm(1 << 20); err != nil {
					return httpmock.NewStringResponse(400, `{}`), nil
				}
				mu.Lock()
				stored = append(stored, strings.TrimSpace(r.MultipartForm.Value["description"][0]))
				mu.Unlock()
				return httpmock.NewStringResponse(503, `{"message":"Service Unavailable"}`), nil
			})
			p := SubmitTopupParams{PackageID: "p", ICCID: testICCID, Reference: tt.ref}
			for range 2 {
				_, err := e.c.SubmitTopup(context.Background(), p)
				require.Error(t, err)
			}
			require.LessOrEqual(t, e.calls(http.MethodPost, submitURL), 1, "a second top-up was submitted for one reference")
			_, err := e.c.SubmitTopup(context.Background(), p)
			require.ErrorIs(t, err, apierror.ErrValidation)
		})
	}
}
