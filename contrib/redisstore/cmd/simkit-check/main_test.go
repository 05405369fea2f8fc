package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/contrib/redisstore"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/topups"
)

// startRedis runs a redis-server on a free loopback port for the test
// (skipped without one, except under CI=true).
func startRedis(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not on PATH")
		}
		t.Skip("redis-server not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	require.Eventually(t, func() bool { return c.Ping(context.Background()).Err() == nil }, 10*time.Second, 20*time.Millisecond)
	return addr
}

// The deploy check uses the token the replicas share: three runs after a
// replica's call take no token, and a wrong partner secret exits 1.
func TestCheckWithTheFleetsStore(t *testing.T) {
	addr := startRedis(t)
	env := simkittest.New(t)
	const prefix = "simkit:prod:"
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	replica, err := simkit.New(simkit.WithStore(redisstore.New(rdb, func(o *redisstore.Options) { o.Prefix = prefix })),
		simkit.WithTopups(env.TopupsOptions))
	require.NoError(t, err)
	_, err = replica.Topups.ListOrders(context.Background(), topups.ListOrdersParams{})
	require.NoError(t, err)

	c := env.Config
	vars := map[string]string{
		envRedisURL: "redis://" + addr + "/0", envRedisPrefix: prefix,
		simkit.EnvPartnerBaseURL: c.PartnerURL, simkit.EnvPartnerToken: c.PartnerToken, simkit.EnvPartnerSecret: c.PartnerSecret,
		simkit.EnvTopupsBaseURL: c.TopupsURL, simkit.EnvTopupsClientID: c.TopupsClientID, simkit.EnvTopupsClientSecret: c.TopupsClientSecret,
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	for range 3 {
		var out, errOut bytes.Buffer
		require.Equal(t, 0, run(context.Background(), nil, &out, &errOut, lookup), "%s%s", out.String(), errOut.String())
		require.Contains(t, out.String(), "topups client id and secret: ok: an orders page was read with the Store's token")
		require.Contains(t, out.String(), "partner secret: ok")
		require.NotContains(t, out.String(), c.PartnerSecret)
	}
	require.Equal(t, 1, env.Topups.TokenCount(), "the fleet's one token")

	vars[simkit.EnvPartnerSecret] = "not-the-secret"
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run(context.Background(), nil, &out, &errOut, lookup))
	require.Contains(t, out.String(), "partner secret: failed")
	require.Equal(t, 1, strings.Count(out.String(), "failed"))
}

func TestCheckNeedsTheRedisURL(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, run(context.Background(), nil, &out, &errOut, func(string) (string, bool) { return "", false }))
	require.Contains(t, errOut.String(), envRedisURL)
	require.Equal(t, 2, run(context.Background(), nil, &out, &errOut, func(k string) (string, bool) { return "http://user:pw@x", k == envRedisURL }))
	require.NotContains(t, errOut.String(), "pw")
}
