package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
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

// redisServer is a real redis-server child process on a free loopback port,
// with persistence off so it leaves nothing behind.
type redisServer struct {
	t    testing.TB
	port int
	cmd  *exec.Cmd
	// dir, when set, turns on the append-only file (fsync on every write)
	// there, so data survives kill and start as it does in production.
	dir string
}

// startRedis starts a redis-server for one test and stops it on cleanup.
// Without redis-server on PATH the test is skipped, except under CI=true,
// where a missing server must fail the run rather than pass it silently.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	return startRedisWith(t, "")
}

// startDurableRedis is startRedis with the append-only file on, for tests
// that kill and restart the server and expect their data back.
func startDurableRedis(t testing.TB) *redisServer {
	t.Helper()
	return startRedisWith(t, t.TempDir())
}

func requireRedisServer(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server not on PATH; install the Debian package redis-server (contrib/redisstore/ci.sh does) to run these tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

func startRedisWith(t testing.TB, dir string) *redisServer {
	t.Helper()
	requireRedisServer(t)
	s := &redisServer{t: t, port: freePort(t), dir: dir}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// start launches the server on s.port (again, after kill) and waits for PING.
func (s *redisServer) start() {
	s.t.Helper()
	args := []string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--save", "", "--daemonize", "no"}
	if s.dir != "" {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always", "--dir", s.dir)
	} else {
		args = append(args, "--appendonly", "no")
	}
	cmd := exec.Command("redis-server", args...)
	require.NoError(s.t, cmd.Start())
	s.cmd = cmd
	c := redis.NewClient(&redis.Options{Addr: s.addr(), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.stop()
			s.t.Fatalf("redis-server on %s did not answer PING: %v", s.addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops the server abruptly, as a crash or network loss would.
func (s *redisServer) kill() {
	s.t.Helper()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_, _ = s.cmd.Process.Wait()
	s.cmd = nil
}

func (s *redisServer) stop() { s.kill() }

// client returns a go-redis client for the server that fails fast once the
// server is gone, closed on cleanup.
func (s *redisServer) client() redis.UniversalClient {
	s.t.Helper()
	c := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:       []string{s.addr()},
		DialTimeout: time.Second,
		MaxRetries:  -1,
	})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// logBuffer collects slog output from concurrent goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (b *logBuffer) String() string { return fmt.Sprint(b.lines()) }
