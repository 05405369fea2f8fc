package simkittest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The fakes' state as JSON: what each fake holds that requests changed
// (balances, orders, payments, tokens, stock, webhook targets). Its
// configuration (catalogs, credentials, delays) is not part of it: a
// state is loaded into a fake built from the same configuration, as the
// Server does. Times are the fake clocks' times.

// ErrState is returned when a state cannot be loaded; the error says why.
var ErrState = errors.New("simkittest: bad fakes state")

// decodeState reads a state document strictly: numbers stay exact and an
// unknown field is an error, so a hand-edited file with a typo fails.
func decodeState(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	return nil
}
