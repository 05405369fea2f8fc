package webhook

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/observe"
)

// ErrClosed is the end of follow-up work stopped by Later.Close.
var ErrClosed = errors.New("webhook: handler shut down")

// Later owns the work a handler keeps doing after it answered: a write
// that failed after the user's function succeeded (the dedupe done mark,
// the eSIM Story tracker record) is retried until the Store is back. Each
// job backs off on the handler's clock (Now, and Sleep standing in for the
// timer in tests), is reported to the observer as a wait
// (observe.WaitWebhookFollowUp), and ends when it succeeds, when its
// horizon has passed on that clock, or at Close, which waits for it. The
// zero Later is ready to use.
type Later struct {
	Provider string
	// Now is the clock a job's horizon is judged by. Default time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Observer receives each job's tries and end; nil reports nothing.
	Observer observe.Observer
	// Logger receives a line when a job gives up. Default: discard.
	Logger *slog.Logger

	mu     sync.Mutex
	closed bool
	base   context.Context // ends at Close
	end    context.CancelFunc
	wg     sync.WaitGroup
}

// Go starts a job retrying try with capped backoff (20 ms doubling to 2 s)
// until it returns nil or horizon has passed. It returns false, running
// nothing, after Close.
func (l *Later) Go(ctx context.Context, id string, horizon time.Duration, try func(context.Context) error) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	if l.base == nil {
		l.base, l.end = context.WithCancel(context.Background())
	}
	// The job keeps ctx's values (a trace) but not its end: the request
	// that started it has been answered.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unwatch := context.AfterFunc(l.base, cancel)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer cancel()
		defer unwatch()
		l.run(ctx, id, horizon, try)
	}()
	return true
}

// run is one job: the retry loop, reported as a wait.
func (l *Later) run(ctx context.Context, id string, horizon time.Duration, try func(context.Context) error) {
	w := observe.StartWait(l.Observer, l.Provider, observe.WaitWebhookFollowUp)
	give := l.now().Add(horizon)
	var err error
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 2*time.Second) {
		if err = l.sleep(ctx, delay); err != nil {
			err = ErrClosed
			break
		}
		w.Check(ctx, "retry", 0, 0)
		if err = try(ctx); err == nil {
			w.Done(ctx, observe.WaitReceived, "", nil)
			return
		}
		if !l.now().Before(give) {
			break
		}
	}
	w.Done(ctx, "", "", err)
	logx.Or(l.Logger).LogAttrs(ctx, slog.LevelError, "simkit: webhook follow-up gave up",
		slog.String("id", id), slog.String("error", err.Error()))
}

// Close stops every job and waits until they have returned; later calls
// to Go run nothing. It is safe to call more than once.
func (l *Later) Close() {
	l.mu.Lock()
	l.closed = true
	if l.end != nil {
		l.end()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// Shutdown lets running jobs finish and starts no new ones; when ctx ends
// first it stops them as Close does and returns ctx's error. Either way
// no job is running when it returns.
func (l *Later) Shutdown(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	done := make(chan struct{})
	go func() {
		l.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		l.Close()
		<-done
		return ctx.Err()
	}
}

func (l *Later) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

func (l *Later) sleep(ctx context.Context, d time.Duration) error {
	if l.Sleep != nil {
		return l.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
