// Package respstore is the simkit command's own Redis client: a store.Store
// over the Redis protocol (RESP2) that reads and writes the layout
// contrib/redisstore writes (its key prefix, its version byte before every
// value, sorted sets for indexes), so `simkit reconcile` sees the ledger a
// fleet keeps in Redis. The core module may not depend on a Redis library;
// this speaks only the dozen commands the command needs, over one
// connection at a time. Programs use contrib/redisstore.
package respstore

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Error is an error reply from the server.
type Error struct{ Msg string }

func (e *Error) Error() string { return "redis: " + e.Msg }

// conn is one connection; calls are serialized.
type conn struct {
	mu   sync.Mutex
	addr string
	user string
	pass string
	db   int
	c    net.Conn
	r    *bufio.Reader
}

// parseAddr reads host:port or redis://[user:password@]host:port[/db].
func parseAddr(addr string) (*conn, error) {
	c := &conn{addr: addr}
	if !strings.Contains(addr, "://") {
		return c, nil
	}
	u, err := url.Parse(addr)
	if err != nil {
		return nil, fmt.Errorf("respstore: bad address: %w", err)
	}
	if u.Scheme != "redis" {
		return nil, fmt.Errorf("respstore: scheme %q not supported (redis://host:port/db)", u.Scheme)
	}
	c.addr = u.Host
	if u.Port() == "" {
		c.addr = net.JoinHostPort(u.Hostname(), "6379")
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
		if c.pass == "" {
			c.user, c.pass = "", u.User.Username()
		}
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if c.db, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("respstore: bad database %q", p)
		}
	}
	return c, nil
}

func (c *conn) dial(ctx context.Context) error {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	c.c, c.r = nc, bufio.NewReader(nc)
	if c.pass != "" {
		args := []string{"AUTH", c.pass}
		if c.user != "" {
			args = []string{"AUTH", c.user, c.pass}
		}
		if err := c.setup(ctx, args); err != nil {
			return err
		}
	}
	if c.db != 0 {
		if err := c.setup(ctx, []string{"SELECT", strconv.Itoa(c.db)}); err != nil {
			return err
		}
	}
	return nil
}

// setup sends a connection-setup command (AUTH, SELECT), closing the
// connection when it fails.
func (c *conn) setup(ctx context.Context, args []string) error {
	out, err := c.roundTrip(ctx, [][]string{args})
	if err == nil {
		if e, ok := out[0].(*Error); ok {
			err = e
		}
	}
	if err != nil {
		c.close()
	}
	return err
}

func (c *conn) close() {
	if c.c != nil {
		_ = c.c.Close()
		c.c, c.r = nil, nil
	}
}

// do sends the commands as one pipeline and returns their replies; an
// error reply is returned as the reply (an *Error value), not as err.
func (c *conn) do(ctx context.Context, cmds ...[]string) ([]any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.c == nil {
		if err := c.dial(ctx); err != nil {
			return nil, err
		}
	}
	out, err := c.roundTrip(ctx, cmds)
	if err != nil {
		c.close()
	}
	return out, err
}

func (c *conn) roundTrip(ctx context.Context, cmds [][]string) ([]any, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = c.c.SetDeadline(dl)
	} else {
		_ = c.c.SetDeadline(time.Now().Add(30 * time.Second))
	}
	var b strings.Builder
	for _, args := range cmds {
		fmt.Fprintf(&b, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	if _, err := io.WriteString(c.c, b.String()); err != nil {
		return nil, err
	}
	out := make([]any, len(cmds))
	for i := range cmds {
		v, err := readReply(c.r)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// one sends one command and returns its reply, an error reply as err.
func (c *conn) one(ctx context.Context, args ...string) (any, error) {
	out, err := c.do(ctx, args)
	if err != nil {
		return nil, err
	}
	if e, ok := out[0].(*Error); ok {
		return nil, e
	}
	return out[0], nil
}

// readReply reads one RESP2 reply: string ([]byte or nil for nil), int64,
// *Error, or []any.
func readReply(r *bufio.Reader) (any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || !strings.HasSuffix(line, "\r\n") {
		return nil, fmt.Errorf("respstore: bad reply line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return []byte(body), nil
	case '-':
		return &Error{Msg: body}, nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf[:n], nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = readReply(r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("respstore: unknown reply type %q", line[0])
}
