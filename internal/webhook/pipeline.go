package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/internal/logx"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/store"
)

// Settings are the options every provider's webhook handler has; each
// provider's WebhookOptions documents them to users and copies them here.
type Settings struct {
	Store        store.Store
	Now          func() time.Time
	MaxBody      int64
	Logger       *slog.Logger
	Observer     observe.Observer
	Inbox        *inbox.Inbox
	DedupePrefix string
	DedupeTTL    time.Duration
	Lease        time.Duration
	Deadline     time.Duration
}

// Defaults are a provider's values for the Settings left zero.
type Defaults struct {
	DedupePrefix string
	DedupeTTL    time.Duration
	Lease        time.Duration
	Deadline     time.Duration
}

// Fill sets every zero field of s: the provider's defaults, time.Now, a
// memory Store on that clock, MaxBody and a discarding logger. It is the
// one place webhook defaults are written.
func (s *Settings) Fill(d Defaults) {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Store == nil {
		now := s.Now
		s.Store = store.NewMemory(func(m *store.MemoryOptions) { m.Now = now })
	}
	if s.MaxBody <= 0 {
		s.MaxBody = MaxBody
	}
	s.Logger = logx.Or(s.Logger)
	if s.DedupePrefix == "" {
		s.DedupePrefix = d.DedupePrefix
	}
	if s.DedupeTTL <= 0 {
		s.DedupeTTL = d.DedupeTTL
	}
	if s.Lease <= 0 {
		s.Lease = d.Lease
	}
	if s.Deadline <= 0 {
		s.Deadline = d.Deadline
	}
}

// Refusal is a delivery turned away before the user's function: the
// status and message answered, the reason reported to the observer, and
// Log, when set, the line logged at warn level.
type Refusal struct {
	Status  int
	Reason  string
	Message string
	Log     string
}

// Provider is what a provider supplies to the pipeline: how a request is
// authenticated, how a body is verified and decoded, and what runs.
type Provider[T any] struct {
	// Name is the provider's name in logs, errors and observer events.
	Name string
	// Authenticate checks a request before its body is read; false answers
	// 401. Nil: deliveries are authenticated by Decode (a signature).
	Authenticate func(r *http.Request) bool
	// Decode verifies and decodes a body already read, returning the
	// delivery or why it is refused.
	Decode func(r *http.Request, body []byte) (T, *Refusal)
	// ID is the delivery's dedupe id; Event its event type ("" none).
	ID    func(T) string
	Event func(T) string
	// Admit, when set, runs after decoding: a refusal or an error (500)
	// ends the delivery before dedupe.
	Admit func(ctx context.Context, v T) (*Refusal, error)
	// Stored decodes a body persisted in the inbox, for the inbox's
	// workers; used only with Settings.Inbox.
	Stored func(body []byte) (T, error)
	// Run is the work for one delivery: the user's function and what the
	// provider adds around it.
	Run func(ctx context.Context, v T) error
}

// Pipeline is the one webhook flow: POST only, authentication, a capped
// body, verification and decoding, admission, then the inbox hand-off or
// dedupe with a lease around Run. Work it keeps doing after answering is
// owned by Later and stopped by Shutdown or Close.
type Pipeline[T any] struct {
	p      Provider[T]
	s      Settings
	log    *slog.Logger
	dedupe *Dedupe
	// Later owns the follow-up work of this handler's deliveries.
	Later *Later
}

// NewPipeline builds the pipeline over settings already filled (Settings.Fill) and
// registers it with the inbox when there is one.
func NewPipeline[T any](p Provider[T], s Settings) (*Pipeline[T], error) {
	later := &Later{Provider: p.Name, Now: s.Now, Observer: s.Observer, Logger: s.Logger}
	pl := &Pipeline[T]{
		p:      p,
		s:      s,
		log:    s.Logger.With(slog.String("provider", p.Name)),
		dedupe: &Dedupe{Store: s.Store, Prefix: s.DedupePrefix, Now: s.Now, Lease: s.Lease, Done: s.DedupeTTL, Later: later},
		Later:  later,
	}
	if s.Inbox != nil {
		if err := Register(s.Inbox, s.Observer, p.Name, p.Stored, p.Event, p.Run); err != nil {
			return nil, err
		}
	}
	return pl, nil
}

// refuse answers a refusal and reports it.
func (pl *Pipeline[T]) refuse(ctx context.Context, w http.ResponseWriter, dl *Delivery, r *Refusal) {
	if r.Log != "" {
		pl.log.LogAttrs(ctx, slog.LevelWarn, "simkit: webhook refused", slog.String("reason", r.Log))
	}
	Reply(w, r.Status, r.Message)
	dl.Refused(ctx, r.Reason, r.Status)
}

// ServeHTTP runs one delivery through the pipeline.
func (pl *Pipeline[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The deadline counts from the request's arrival, body read included.
	ctx, cancel := context.WithTimeout(r.Context(), pl.s.Deadline)
	defer cancel()
	dl := StartDelivery(pl.s.Observer, pl.p.Name)
	if !PostOnly(w, r) {
		dl.Refused(ctx, observe.ReasonMethod, http.StatusMethodNotAllowed)
		return
	}
	if pl.p.Authenticate != nil && !pl.p.Authenticate(r) {
		pl.refuse(ctx, w, dl, &Refusal{Status: http.StatusUnauthorized, Reason: observe.ReasonAuth, Message: "unauthorized", Log: "authentication failed"})
		return
	}
	body, ok := ReadOrReply(w, r, pl.s.MaxBody, dl)
	if !ok {
		return
	}
	v, refused := pl.p.Decode(r, body)
	if refused != nil {
		pl.refuse(ctx, w, dl, refused)
		return
	}
	if pl.p.Event != nil {
		dl.Event = pl.p.Event(v)
	}
	id := pl.p.ID(v)
	if pl.p.Admit != nil {
		refused, err := pl.p.Admit(ctx, v)
		if err != nil {
			pl.log.LogAttrs(ctx, slog.LevelError, "simkit: webhook admission failed", slog.String("id", id), slog.String("error", err.Error()))
			Reply(w, http.StatusInternalServerError, "try again")
			dl.Failed(ctx, http.StatusInternalServerError, err)
			return
		}
		if refused != nil {
			pl.refuse(ctx, w, dl, refused)
			return
		}
	}
	if pl.s.Inbox != nil {
		Enqueue(ctx, w, pl.log.With(slog.String("id", id)), dl, pl.s.Inbox, pl.p.Name, id, body)
		return
	}
	pl.dedupe.Handle(ctx, w, pl.log, dl, id, pl.s.Deadline, func(ctx context.Context) error { return pl.p.Run(ctx, v) })
}
