package topups

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/observe"
)

// cacheTape records cache look-ups and gate decisions by name.
type cacheTape struct {
	observe.Base
	mu  sync.Mutex
	got []string
}

func (c *cacheTape) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, s)
}

func (c *cacheTape) Cache(_ context.Context, e observe.Cache) {
	c.add(e.Provider + " cache " + e.Name + " hit=" + strconv.FormatBool(e.Hit))
}

func (c *cacheTape) LimiterWait(_ context.Context, e observe.LimiterWait) {
	if e.Limiter != observe.LimiterPace {
		c.add(e.Provider + " gate " + e.Limiter + " admitted=" + strconv.FormatBool(e.Admitted))
	}
}

func (c *cacheTape) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.got
	c.got = nil
	return s
}

// The token and package-history caches and the history gate report under
// their names (never their keys, which hold ICCIDs).
func TestCachesAndGateReportByName(t *testing.T) {
	tp := &cacheTape{}
	e := newEnv(t, func(o *Options) { o.Observer = tp })
	e.mt.RegisterResponder(http.MethodGet, historyURL, jsonResponder(200, fixture(t, "package_history.json")))
	ctx := context.Background()
	_, err := e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	// A miss is reported once its load ended.
	// The token comes first: a token failure must not spend the window.
	require.Equal(t, []string{
		"topups cache token hit=false",
		"topups gate package_history admitted=true",
		"topups cache token hit=true",
		"topups cache package_history hit=false",
	}, tp.take())
	_, err = e.c.PackageHistory(ctx, testICCID)
	require.NoError(t, err)
	require.Equal(t, []string{"topups cache package_history hit=true"}, tp.take())
}
