package reconcile

import (
	"time"
)

// DefaultMaxFindings caps the findings one report keeps (Params.MaxFindings):
// a reconciliation reads the ledger and the histories a page at a time, and
// its report must not grow without bound either. Counts stay exact.
const DefaultMaxFindings = 1000

// Report is one provider's reconciliation over a window.
type Report struct {
	// Provider is the provider package reconciled.
	Provider string `json:"provider"`
	// From and To are the window (To exclusive).
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Entries counts the ledger entries read; Records the provider
	// history rows read (orders, payments, transactions).
	Entries int `json:"entries"`
	Records int `json:"records"`
	// Settled counts ledger entries whose outcome was unknown and that the
	// provider's history settled during this run.
	Settled int `json:"settled"`
	// Counts is the number of anomalies of each kind (every kind present,
	// zero included), exact even when Findings was capped.
	Counts map[Kind]int `json:"counts"`
	// Findings are the anomalies, up to Params.MaxFindings.
	Findings []Finding `json:"findings"`
	// Omitted counts findings left out of Findings by the cap.
	Omitted int `json:"omitted,omitempty"`
	// Notes say what this run could not check and why (a provider that
	// has no history for a call); they are not anomalies.
	Notes []string `json:"notes,omitempty"`

	max int
}

// NewReport starts an empty report for provider over p's window.
// Provider packages build their reports with it.
func NewReport(provider string, p Params) *Report {
	r := &Report{Provider: provider, From: p.From, To: p.To, Counts: map[Kind]int{}, Findings: []Finding{}, max: p.MaxFindings}
	for _, k := range Kinds() {
		r.Counts[k] = 0
	}
	if r.max <= 0 {
		r.max = DefaultMaxFindings
	}
	return r
}

// Add records a finding, filling its provider, its age from now, and its
// action from its kind when the finding names none.
func (r *Report) Add(f Finding, now time.Time) {
	f.Provider = r.Provider
	if f.Action == "" {
		f.Action = f.Kind.Action()
	}
	if !f.At.IsZero() && f.Age == 0 {
		f.Age = now.Sub(f.At)
		if f.Age < 0 {
			f.Age = 0
		}
	}
	r.Counts[f.Kind]++
	if len(r.Findings) >= r.max {
		r.Omitted++
		return
	}
	r.Findings = append(r.Findings, f)
}

// Note records something this run could not check.
func (r *Report) Note(s string) { r.Notes = append(r.Notes, s) }

// Anomalies is the total number of anomalies of every kind.
func (r *Report) Anomalies() int {
	if r == nil {
		return 0
	}
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}

// Clean reports whether the run found no anomaly.
func (r *Report) Clean() bool { return r.Anomalies() == 0 }
