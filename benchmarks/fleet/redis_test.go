// Package fleet measures what simkit costs at fleet scale, where every
// shared limiter, token, lease, inbox event and ledger entry is a round
// trip to Redis: round trips per operation, paired measurements against a
// real redis-server, the growth of the records simkit keeps, and the fakes
// under load. It is a module of its own so that simkit's go.mod never
// gains go-redis; run it with `make bench-fleet` and read the tables with
// scripts/benchtable.
package fleet

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/simkit/simkit/benchmarks/internal/pair"
)

// redisServer is a redis-server child process on a free loopback port,
// persistence off, as contrib/redisstore's tests run it.
type redisServer struct {
	addr string
	cmd  *exec.Cmd
}

// startRedis starts a redis-server for one benchmark and stops it when the
// benchmark ends. Without redis-server on PATH the benchmark is skipped.
func startRedis(tb testing.TB) *redisServer {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Skip("redis-server not on PATH (Debian package redis-server)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	s := &redisServer{addr: "127.0.0.1:" + strconv.Itoa(port)}
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redis-server on %s did not answer PING: %v", s.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	printRedisVersion(c)
	return s
}

// client is a go-redis client of the server, closed when the benchmark
// ends, its pool sized for 64 concurrent callers.
func (s *redisServer) client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.addr, PoolSize: 128})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// cpu is the clock a Redis pair's side is judged by: this process's CPU
// time plus the redis-server's, so work moved into Redis (a Lua script, a
// second key) is paid for, not hidden.
func (s *redisServer) cpu() func() time.Duration {
	return pair.Sum(pair.Self, pair.ProcessCPU(s.cmd.Process.Pid))
}

var versionOnce sync.Once

// printRedisVersion writes the server's version once per run, for the
// tables' header (scripts/benchtable reads the "redis:" line).
func printRedisVersion(c *redis.Client) {
	versionOnce.Do(func() {
		info, err := c.Info(context.Background(), "server").Result()
		if err != nil {
			return
		}
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
				fmt.Fprintf(os.Stdout, "redis: %s\n", v)
			}
		}
	})
}
