package redisstore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// clusterEnv names a running cluster's node addresses (comma-separated):
// ci.sh starts one and sets it; without it the tests start their own.
const clusterEnv = "SIMKIT_REDIS_CLUSTER"

// redisCluster is a real 3-master Redis Cluster on loopback ports, shared
// by every cluster test of the package run and stopped by TestMain.
type redisCluster struct {
	addrs []string
	cmds  []*exec.Cmd
	dir   string
}

var (
	clusterOnce   sync.Once
	sharedCluster *redisCluster
	clusterErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedCluster != nil {
		sharedCluster.stop()
	}
	os.Exit(code)
}

// clusterAddrs returns the addresses of a 3-master cluster, starting one
// the first time it is needed.
func clusterAddrs(t testing.TB) []string {
	t.Helper()
	if env := os.Getenv(clusterEnv); env != "" {
		return strings.Split(env, ",")
	}
	requireRedisServer(t)
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Fatal("redis-cli not on PATH (Debian package redis-tools, installed with redis-server)")
	}
	clusterOnce.Do(func() { sharedCluster, clusterErr = launchCluster(t) })
	require.NoError(t, clusterErr)
	return sharedCluster.addrs
}

func launchCluster(t testing.TB) (*redisCluster, error) {
	dir, err := os.MkdirTemp("", "simkit-redis-cluster-")
	if err != nil {
		return nil, err
	}
	c := &redisCluster{dir: dir}
	for range 3 {
		port := freePort(t)
		cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-config-file", fmt.Sprintf("nodes-%d.conf", port),
			"--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no")
		if err := cmd.Start(); err != nil {
			c.stop()
			return nil, err
		}
		c.cmds = append(c.cmds, cmd)
		c.addrs = append(c.addrs, "127.0.0.1:"+strconv.Itoa(port))
	}
	for _, a := range c.addrs {
		if err := waitPing(a); err != nil {
			c.stop()
			return nil, err
		}
	}
	args := append([]string{"--cluster", "create"}, c.addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		c.stop()
		return nil, fmt.Errorf("redis-cli --cluster create: %v: %s", err, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for _, a := range c.addrs {
		node := redis.NewClient(&redis.Options{Addr: a, MaxRetries: -1})
		for {
			info, _ := node.ClusterInfo(context.Background()).Result()
			if strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				_ = node.Close()
				c.stop()
				return nil, fmt.Errorf("cluster node %s never reached cluster_state:ok", a)
			}
			time.Sleep(50 * time.Millisecond)
		}
		_ = node.Close()
	}
	return c, nil
}

func waitPing(addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer PING: %w", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *redisCluster) stop() {
	for _, cmd := range c.cmds {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	}
	_ = os.RemoveAll(c.dir)
}

// clusterClient returns a cluster client (a *redis.ClusterClient behind
// redis.UniversalClient), closed on cleanup.
func clusterClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: clusterAddrs(t), DialTimeout: time.Second, MaxRetries: 3})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// topologies are the Redis setups every cross-topology test runs against.
func topologies() []struct {
	name   string
	client func(t *testing.T) redis.UniversalClient
} {
	return []struct {
		name   string
		client func(t *testing.T) redis.UniversalClient
	}{
		{"single", func(t *testing.T) redis.UniversalClient { return startRedis(t).client() }},
		{"cluster", func(t *testing.T) redis.UniversalClient { return clusterClient(t) }},
	}
}

// TestClusterSpreadsKeys checks the test cluster really is three masters
// that split the slots, so the other cluster tests cross nodes.
func TestClusterSpreadsKeys(t *testing.T) {
	rdb := clusterClient(t).(*redis.ClusterClient)
	ctx := context.Background()
	masters := map[string]bool{}
	s := New(rdb, func(o *Options) { o.Prefix = "spread:" + t.Name() + ":" })
	for i := range 30 {
		key := fmt.Sprintf("k%d", i)
		require.NoError(t, s.Set(ctx, key, []byte("v"), time.Minute))
		node, err := rdb.MasterForKey(ctx, s.Prefix()+key)
		require.NoError(t, err)
		masters[node.Options().Addr] = true
	}
	require.Len(t, masters, 3, "30 keys land on all three masters")
}
