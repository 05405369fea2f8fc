package redisstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
)

// A deploy check next to live replicas uses the top-up token the fleet
// shares in Redis: a replica's call fetches the one token, and three
// checks after it fetch none (the provider issues three a minute).
func TestCheckUsesTheFleetsToken(t *testing.T) {
	srv := startRedis(t)
	env := simkittest.New(t)
	store := func() simkit.Option {
		return simkit.WithStore(New(srv.client(), func(o *Options) { o.Prefix = "simkit:check-test:" }))
	}
	replica, err := simkit.New(store(), simkit.WithTopups(env.TopupsOptions))
	require.NoError(t, err)
	_, err = replica.Topups.ListOrders(context.Background(), topups.ListOrdersParams{})
	require.NoError(t, err)
	for range 3 {
		rs, err := simkit.Check(context.Background(), store(), simkit.WithTopups(env.TopupsOptions))
		require.NoError(t, err)
		require.Len(t, rs, 2) // client credentials, renewal key
		require.Equal(t, simkit.CheckOK, rs[0].Status, "%+v", rs[0])
		require.Contains(t, rs[0].Detail, "the Store's token")
	}
	require.Equal(t, 1, env.Topups.TokenCount())
}
