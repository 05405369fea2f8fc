package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
)

type driftItem struct {
	ID    string                     `json:"id"`
	Extra map[string]json.RawMessage `json:"-"`
}

type fieldsRecorder struct {
	observe.Base
	mu     sync.Mutex
	events []observe.UnknownFields
}

func (r *fieldsRecorder) UnknownFields(_ context.Context, e observe.UnknownFields) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func TestDoReportsUnknownFieldsOncePerCall(t *testing.T) {
	var members []string
	for i := range observe.MaxUnknownFields + 8 {
		members = append(members, fmt.Sprintf(`"m%02d":%d`, i, i))
	}
	long := strings.Repeat("x", 100)
	body := `[{"id":"1","b":1,"a":2},{"id":"2","a":3,"` + long + `":0},{"id":"3",` + strings.Join(members, ",") + `}]`
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, events []observe.UnknownFields)
	}{
		{name: "nothing unknown, no event", body: `[{"id":"1"}]`, check: func(t *testing.T, events []observe.UnknownFields) {
			require.Empty(t, events)
		}},
		{name: "sorted, each once, names capped, count capped", body: body, check: func(t *testing.T, events []observe.UnknownFields) {
			require.Len(t, events, 1)
			e := events[0]
			require.Equal(t, "test", e.Provider)
			require.Equal(t, "GET /items", e.Route)
			require.Len(t, e.Fields, observe.MaxUnknownFields)
			require.Equal(t, []string{"driftItem.a", "driftItem.b", "driftItem.m00"}, e.Fields[:3])
			for _, f := range e.Fields {
				require.LessOrEqual(t, len(f), maxFieldName)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fieldsRecorder{}
			f := newFixture(t, func(c *Config) { c.Shared.Observer = rec; c.Shared.Limiter = option.NoLimit })
			f.mt.RegisterResponder(http.MethodGet, base+"/items", httpmock.NewStringResponder(200, tt.body))
			var out []driftItem
			_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/items", Op: "GET /items"}, &out)
			require.NoError(t, err)
			tt.check(t, rec.events)
		})
	}
}

// TestRefusalKeepsNoExtra: a 2xx that is a refusal ({"success":false}) is
// not the answer out models, so its members are neither kept in Extra nor
// reported as fields the provider added.
func TestRefusalKeepsNoExtra(t *testing.T) {
	rec := &fieldsRecorder{}
	refuse := func(*Response, any) *apierror.Error {
		return &apierror.Error{Message: "no free phones", Kind: apierror.ErrNotFound}
	}
	f := newFixture(t, func(c *Config) { c.Shared.Observer = rec; c.Unwrap = refuse })
	f.mt.RegisterResponder(http.MethodGet, base+"/items", httpmock.NewStringResponder(200, `{"id":"","success":false,"error":"no free phones"}`))
	var out driftItem
	_, err := f.c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/items"}, &out)
	require.ErrorIs(t, err, apierror.ErrNotFound)
	require.Nil(t, out.Extra)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Empty(t, rec.events)
}
