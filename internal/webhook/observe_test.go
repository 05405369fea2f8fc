package webhook

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// steps records webhook and dedupe events, without durations.
type steps struct {
	observe.Base
	got []string
}

func (s *steps) Webhook(_ context.Context, e observe.Webhook) {
	step := string(e.Outcome)
	if e.Status != 0 {
		step += " " + strconv.Itoa(e.Status)
	}
	if e.Err != nil {
		step += " (" + e.Err.Error() + ")"
	}
	s.got = append(s.got, step)
}

func (s *steps) Dedupe(_ context.Context, e observe.Dedupe) {
	if e.InFlight {
		s.got = append(s.got, "dedupe in flight")
	} else {
		s.got = append(s.got, "dedupe done")
	}
}

func TestHandleReportsEachDelivery(t *testing.T) {
	ctx := context.Background()
	mem := store.NewMemory()
	d := &Dedupe{Store: mem, Prefix: "wh:"}
	_, _, err := d.Begin(ctx, "held")
	require.NoError(t, err)
	tests := []struct {
		name   string
		dedupe *Dedupe
		id     string
		fn     func() error
		want   []string
	}{
		{"first delivery", d, "a", func() error { return nil }, []string{"accepted", "handled 200"}},
		{"handled before", d, "a", func() error { return nil }, []string{"dedupe done", "duplicate 200"}},
		{"in flight elsewhere", d, "held", func() error { return nil }, []string{"dedupe in flight", "duplicate 409"}},
		{"function fails", d, "b", func() error { return errors.New("boom") }, []string{"accepted", "failed 500 (boom)"}},
		{"store fails", &Dedupe{Store: failingStore{mem}}, "c", func() error { return nil }, []string{"failed 500 (down)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &steps{}
			w := httptest.NewRecorder()
			tt.dedupe.Handle(ctx, w, logx.Discard(), StartDelivery(s, "partner"), tt.id, time.Second,
				func(context.Context) error { return tt.fn() })
			require.Equal(t, tt.want, s.got)
		})
	}

	s := &steps{}
	require.Panics(t, func() {
		d.Handle(ctx, httptest.NewRecorder(), logx.Discard(), StartDelivery(s, "partner"), "p", time.Second,
			func(context.Context) error { panic("bug") })
	})
	require.Equal(t, []string{"accepted", "failed 500 (webhook: function panicked)"}, s.got)
}
