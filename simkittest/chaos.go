package simkittest

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
)

// Chaos injects faults into a share of requests for soak and load tests.
// The same seed and the same sequence of requests give the same faults on
// the same requests, so a failure seen once can be replayed.
type Chaos struct {
	// Seed makes the choice of requests and faults reproducible.
	Seed uint64 `json:"seed"`
	// Rate is the share of matching requests that get a fault, from 0 to 1.
	Rate float64 `json:"rate"`
	// Provider, Method and Path select requests as Fault's fields do;
	// empty matches any.
	Provider string `json:"provider,omitempty"`
	Method   string `json:"method,omitempty"`
	Path     string `json:"path,omitempty"`
	// Faults are the failures to draw from, with equal weight; empty means
	// the kinds of FaultCases that answer at once (5xx and 429 before and
	// after handling, a drop after handling, a malformed and a truncated
	// body), without the client timeout, which would stall a soak.
	Faults []Fault `json:"-"`
}

// chaosState is Chaos in force: its random source and how often it hit.
type chaosState struct {
	Chaos
	rng  *rand.Rand
	hits int
}

// ErrChaosRate is returned by SetChaos for a rate outside 0..1.
var ErrChaosRate = errors.New("simkittest: chaos rate must be between 0 and 1")

// chaosFaults is the default draw of Chaos.Faults.
func chaosFaults() []Fault {
	var out []Fault
	seen := map[[2]int]bool{}
	for _, c := range FaultCases() {
		f := c.Fault
		if f.Kind == HangAfterHandling || seen[[2]int{int(f.Kind), f.Status}] {
			continue
		}
		seen[[2]int{int(f.Kind), f.Status}] = true
		f.Times = 0
		out = append(out, f)
	}
	return out
}

// SetChaos starts chaos c, replacing any chaos in force; the faults added
// with Add still come first. A zero Rate stops chaos.
func (fs *Faults) SetChaos(c Chaos) error {
	if !(c.Rate >= 0 && c.Rate <= 1) {
		return ErrChaosRate
	}
	if len(c.Faults) == 0 {
		c.Faults = chaosFaults()
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if c.Rate == 0 {
		fs.chaos = nil
		return nil
	}
	fs.chaos = &chaosState{Chaos: c, rng: rand.New(rand.NewPCG(c.Seed, c.Seed^0x5eed))}
	return nil
}

// ChaosInForce returns the chaos in force and how many requests it hit;
// ok is false without chaos.
func (fs *Faults) ChaosInForce() (c Chaos, hits int, ok bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.chaos == nil {
		return Chaos{}, 0, false
	}
	return fs.chaos.Chaos, fs.chaos.hits, true
}

// chaosPick draws whether chaos hits r, and with which fault.
func (fs *Faults) chaosPick(provider, prefix string, r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	c := fs.chaos
	if c == nil {
		return nil
	}
	if c.Provider != "" && c.Provider != provider || c.Method != "" && !strings.EqualFold(c.Method, r.Method) {
		return nil
	}
	if c.Path != "" && !pathMatches(c.Path, r.URL.Path) && !pathMatches(c.Path, strings.TrimPrefix(r.URL.Path, prefix)) {
		return nil
	}
	if c.rng.Float64() >= c.Rate {
		return nil
	}
	c.hits++
	f := c.Faults[c.rng.IntN(len(c.Faults))]
	return &f
}
