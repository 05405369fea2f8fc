package money

import (
	"github.com/simkit/simkit/internal/callopt"
	"github.com/simkit/simkit/option"
)

// Record makes option.WithResponse describe a whole money call: the money
// call's own attempts in the Response's main fields, each look-up in
// Lookups, and Recovered, instead of whichever request went last.
type Record struct {
	user    *option.Response
	own     option.Response
	lookups []option.Lookup
}

// NewRecord reads the caller's WithResponse target from opts and returns
// the options for the money call itself, which capture its response.
func NewRecord(opts []option.CallOption) (*Record, []option.CallOption) {
	var c callopt.Call
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	user, _ := c.Response.(*option.Response)
	r := &Record{user: user}
	if r.user == nil {
		return r, opts
	}
	return r, append(opts[:len(opts):len(opts)], option.WithResponse(&r.own))
}

// Lookup returns the options for a look-up named op, whose response is
// captured as a Lookup, and the function to call once it returned.
func (r *Record) Lookup(op string, opts []option.CallOption) ([]option.CallOption, func(err error)) {
	if r == nil || r.user == nil {
		return opts, func(error) {}
	}
	var got option.Response
	out := append(opts[:len(opts):len(opts)], option.WithResponse(&got))
	return out, func(err error) {
		r.lookups = append(r.lookups, option.Lookup{Op: op, Attempts: got.Attempts, StatusCode: got.StatusCode, RequestID: got.RequestID, Err: err})
	}
}

// Done writes the whole call's description into the caller's Response.
func (r *Record) Done(recovered bool) {
	if r == nil || r.user == nil {
		return
	}
	*r.user = r.own
	r.user.Lookups = r.lookups
	r.user.Recovered = recovered
}
