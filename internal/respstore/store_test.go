package respstore

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/store"
)

// startRedis runs a redis-server child on a free loopback port for one
// test. Without redis-server on PATH the test is skipped, except under
// CI=true, where .ci/run installs it.
func startRedis(t *testing.T, args ...string) string {
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
	cmd := exec.Command("redis-server", append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}, args...)...)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	}, 10*time.Second, 10*time.Millisecond)
	return addr
}

func TestStoreAgainstRedis(t *testing.T) {
	addr := startRedis(t, "--requirepass", "pw")
	ctx := context.Background()

	_, err := New("redis://"+addr, "")
	require.NoError(t, err)
	bad, err := New("redis://"+addr, "")
	require.NoError(t, err)
	require.Error(t, bad.Ping(ctx), "no password: refused")

	s, err := New("redis://:pw@"+addr+"/2", "")
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Ping(ctx))

	_, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok)
	require.NoError(t, s.Set(ctx, "k", []byte("v\r\n1"), time.Minute))
	v, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "v\r\n1", string(v))

	won, err := s.SetNX(ctx, "k", []byte("x"), time.Minute)
	require.NoError(t, err)
	require.False(t, won)
	won, err = s.SetNX(ctx, "n", []byte("x"), time.Minute)
	require.NoError(t, err)
	require.True(t, won)

	del, err := s.CompareAndDelete(ctx, "n", []byte("other"))
	require.NoError(t, err)
	require.False(t, del)
	del, err = s.CompareAndDelete(ctx, "n", []byte("x"))
	require.NoError(t, err)
	require.True(t, del)
	require.NoError(t, s.Delete(ctx, "k"))
	_, ok, err = s.Get(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok)
	require.ErrorIs(t, s.Set(ctx, "k", nil, 0), store.ErrNoTTL)
}
