package partner

import (
	"github.com/simkit/simkit/internal/randid"
	"github.com/simkit/simkit/internal/validate"
)

// NewExternalID returns a random UUID (version 4) for callers that have no
// order id of their own. Store it with your order before calling
// CreateOrder: the id is what lets a failed call be repeated safely.
func NewExternalID() (string, error) { return randid.UUID() }

// checkExternalID says why id cannot be an order's external_id ("" when
// it can). Beyond the common id rules, surrounding white space is refused:
// the provider trims its input, so an order placed with a padded id could
// never be found again by the id as given, and a lost answer would end in
// ErrConflict for the order that exists.
func checkExternalID(id string) string {
	if why := validate.ID(id); why != "" {
		return why
	}
	if validate.Padded(id) {
		return "must not start or end with white space"
	}
	return ""
}
