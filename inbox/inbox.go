package inbox

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/internal/randid"
)

// Defaults for Options' zero fields.
const (
	DefaultWorkers     = 4
	DefaultMaxAttempts = 8
	DefaultTimeout     = time.Minute
	DefaultClaimIdle   = time.Minute
	DefaultPoll        = time.Second
	// DefaultDedupe is how long an accepted delivery's id is remembered,
	// far beyond any provider's retries.
	DefaultDedupe = 7 * 24 * time.Hour
)

// Options configures an Inbox; zero fields take the defaults named on them.
type Options struct {
	// Consumer names this process to the queue; each process (replica)
	// needs its own. Default: host name, pid and a random suffix.
	Consumer string
	// Workers is how many messages this process handles at once. Default
	// DefaultWorkers.
	Workers int
	// MaxAttempts is how many failed calls send a message to the dead
	// letters. Default DefaultMaxAttempts.
	MaxAttempts int
	// Backoff is the wait before the attempt after the n-th failure (n
	// from 1). Default: 1 s doubled per failure, capped at 10 minutes.
	Backoff func(n int) time.Duration
	// Timeout bounds one call of the function. Default DefaultTimeout.
	Timeout time.Duration
	// ClaimIdle is how long a message may sit claimed by a consumer that
	// stopped renewing it (it died) before another consumer takes it over;
	// renewals come every third of it while the function runs. Default
	// DefaultClaimIdle.
	ClaimIdle time.Duration
	// Poll is how long an idle worker waits before asking the queue again.
	// Default DefaultPoll.
	Poll time.Duration
	// Dedupe is how long an accepted id is remembered. Default
	// DefaultDedupe.
	Dedupe time.Duration
	// Logger receives one line per failed call, dead letter and queue
	// error. Default: discard.
	Logger *slog.Logger
	// Now is the clock retries are scheduled on. Default time.Now.
	Now func() time.Time
}

// Handler decodes a message's body and calls the user's function; the
// provider packages register one per Kind.
type Handler func(ctx context.Context, m Message) error

// Inbox accepts deliveries into a Queue and runs them through the handler
// registered for their Kind. It is safe for concurrent use.
type Inbox struct {
	q    Queue
	o    Options
	mu   sync.RWMutex
	kind map[string]Handler

	// While the queue is unreachable every claimed message looks idle, so
	// right after an outage this process takes over no idle messages for
	// ClaimIdle: the workers that handled them get that long to land the
	// acks the outage held up. outage is set by a failed queue call; grace
	// is when taking over may resume (UnixNano).
	outage atomic.Bool
	grace  atomic.Int64
}

// New returns an Inbox over q.
func New(q Queue, optFns ...func(*Options)) (*Inbox, error) {
	if q == nil {
		return nil, errors.New("inbox: a queue is required")
	}
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Consumer == "" {
		host, _ := os.Hostname()
		o.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), randomSuffix())
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Backoff == nil {
		o.Backoff = defaultBackoff
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = DefaultClaimIdle
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.Dedupe <= 0 {
		o.Dedupe = DefaultDedupe
	}
	o.Logger = logx.Or(o.Logger)
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Inbox{q: q, o: o, kind: map[string]Handler{}}, nil
}

func defaultBackoff(n int) time.Duration {
	d := time.Second
	for i := 1; i < n && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

func randomSuffix() string { return randid.Hex(4) }

// Handle registers h for messages of kind. Webhook handlers built with an
// Inbox call it; registering a kind twice is an error, so two handlers
// cannot silently fight over one kind.
func (in *Inbox) Handle(kind string, h Handler) error {
	if h == nil {
		return errors.New("inbox: nil handler")
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, dup := in.kind[kind]; dup {
		return fmt.Errorf("inbox: a handler for %q is already registered", kind)
	}
	in.kind[kind] = h
	return nil
}

// Add persists one verified delivery; added is false for a duplicate of one
// accepted within Options.Dedupe.
func (in *Inbox) Add(ctx context.Context, kind, id string, body []byte) (added bool, err error) {
	return in.q.Add(ctx, Message{ID: id, Kind: kind, Body: body, Received: in.o.Now()}, in.o.Dedupe)
}

// Run runs Options.Workers workers until ctx ends, then returns nil once
// they stopped. Register every kind (build the webhook handlers) first: a
// message of an unregistered kind counts as a failed attempt.
func (in *Inbox) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range in.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			consumer := in.o.Consumer
			if in.o.Workers > 1 {
				consumer = fmt.Sprintf("%s/%d", consumer, i)
			}
			for ctx.Err() == nil {
				n, err := in.work(ctx, consumer)
				if err != nil && ctx.Err() == nil {
					in.o.Logger.LogAttrs(ctx, slog.LevelWarn, "simkit: inbox claim failed", slog.String("error", err.Error()))
				}
				if n == 0 || err != nil {
					t := time.NewTimer(in.o.Poll)
					select {
					case <-t.C:
					case <-ctx.Done():
						t.Stop()
					}
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// Work claims up to Options.Workers messages once and handles them before
// returning how many it handled (succeeded or not). Tests and cron-style
// callers use it instead of Run.
func (in *Inbox) Work(ctx context.Context) (int, error) {
	return in.work(ctx, in.o.Consumer)
}

// noTakeover is an idle time no message reaches: Claim then returns only
// new messages and due retries.
const noTakeover = 100 * 365 * 24 * time.Hour

func (in *Inbox) work(ctx context.Context, consumer string) (int, error) {
	idle := in.o.ClaimIdle
	if time.Now().UnixNano() < in.grace.Load() || in.outage.Load() {
		idle = noTakeover
	}
	msgs, err := in.q.Claim(ctx, consumer, in.o.Workers, in.o.Now(), idle)
	if err != nil {
		if ctx.Err() == nil {
			in.outage.Store(true)
		}
		return 0, err
	}
	in.recovered()
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in.process(ctx, consumer, m)
		}()
	}
	wg.Wait()
	return len(msgs), nil
}

// process calls the handler for m, keeping the claim alive meanwhile, and
// then acks, schedules a retry or buries it.
func (in *Inbox) process(ctx context.Context, consumer string, m Message) {
	in.mu.RLock()
	h := in.kind[m.Kind]
	in.mu.RUnlock()
	callCtx, cancel := context.WithTimeout(ctx, in.o.Timeout)
	stop := in.extend(callCtx, consumer, m)
	err := ErrNoHandler
	if h != nil {
		err = call(callCtx, h, m)
	}
	cancel()
	stop()
	log := in.o.Logger.With(slog.String("kind", m.Kind), slog.String("id", m.ID))
	if err == nil {
		in.ack(ctx, log, m)
		return
	}
	if ctx.Err() != nil {
		// Shutting down: leave the claim to expire so another consumer
		// takes the message over, without counting an attempt.
		return
	}
	m.Attempts++
	m.LastError = err.Error()
	bg := context.WithoutCancel(ctx)
	if m.Attempts >= in.o.MaxAttempts {
		log.LogAttrs(ctx, slog.LevelError, "simkit: inbox message dead-lettered", slog.Int("attempts", m.Attempts), slog.String("error", m.LastError))
		if err := in.q.Bury(bg, m); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "simkit: inbox bury failed", slog.String("error", err.Error()))
		}
		return
	}
	log.LogAttrs(ctx, slog.LevelWarn, "simkit: inbox handler failed; will retry", slog.Int("attempts", m.Attempts), slog.String("error", m.LastError))
	if err := in.q.Retry(bg, m, in.o.Now().Add(in.o.Backoff(m.Attempts))); err != nil {
		// The claim stays; another consumer retries it after ClaimIdle.
		log.LogAttrs(ctx, slog.LevelError, "simkit: inbox retry failed", slog.String("error", err.Error()))
	}
}

// recovered starts the grace period after an outage, once the queue
// answers again.
func (in *Inbox) recovered() {
	if in.outage.CompareAndSwap(true, false) {
		in.grace.Store(time.Now().Add(in.o.ClaimIdle).UnixNano())
	}
}

// ack removes a handled message, retrying while the queue is unreachable:
// an ack that never lands lets another consumer run the function again,
// so it keeps trying, at least every quarter of ClaimIdle so that it lands
// within the grace period that follows an outage, and gives up only after
// ten times ClaimIdle.
func (in *Inbox) ack(ctx context.Context, log *slog.Logger, m Message) {
	bg := context.WithoutCancel(ctx)
	give := time.Now().Add(10 * in.o.ClaimIdle)
	delay := 10 * time.Millisecond
	for {
		err := in.q.Ack(bg, m)
		if err == nil {
			in.recovered()
			return
		}
		in.outage.Store(true)
		if !time.Now().Before(give) {
			log.LogAttrs(ctx, slog.LevelError, "simkit: inbox ack failed; the message may be handled again", slog.String("error", err.Error()))
			return
		}
		time.Sleep(delay)
		delay = min(2*delay, max(in.o.ClaimIdle/4, time.Millisecond), time.Second)
	}
}

// extend renews the claim on m every third of ClaimIdle until stopped.
func (in *Inbox) extend(ctx context.Context, consumer string, m Message) (stop func()) {
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(in.o.ClaimIdle / 3)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_ = in.q.Extend(ctx, consumer, m)
			}
		}
	}()
	return func() { close(quit); <-exited }
}

// call runs h, turning a panic into an error so one bad message cannot
// stop the workers.
func call(ctx context.Context, h Handler, m Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("inbox: handler panicked: %v", r)
		}
	}()
	return h(ctx, m)
}

// DeadLetters lists the messages that failed MaxAttempts times.
func (in *Inbox) DeadLetters(ctx context.Context) iter.Seq2[Message, error] {
	return in.q.DeadLetters(ctx)
}

// Replay sends the dead letter ref (its Message.Ref) back to the workers
// with its attempts reset, e.g. after fixing what made it fail.
func (in *Inbox) Replay(ctx context.Context, ref string) error {
	return in.q.Replay(ctx, ref)
}
