package simkit

import "github.com/simkit/simkit/internal/validate"

// ValidICCID reports whether s has the shape every simkit call accepts for
// an ICCID: 17 to 22 ASCII digits. The Luhn digit is not required, because
// providers' own sample ICCIDs fail it.
func ValidICCID(s string) bool { return validate.ICCID(s) }

// LuhnValid reports whether s passes the Luhn checksum, for callers who want
// to catch a mistyped ICCID before offering it to a provider.
func LuhnValid(s string) bool { return validate.Luhn(s) }
