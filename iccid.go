package simkit

import "github.com/simkit/simkit/iccid"

// ValidICCID reports whether s has the shape every simkit call accepts for
// an ICCID: 17 to 22 ASCII digits.
//
// Deprecated: use iccid.Valid, which needs no provider package.
func ValidICCID(s string) bool { return iccid.Valid(s) }

// LuhnValid reports whether s passes the Luhn checksum.
//
// Deprecated: use iccid.Luhn, which needs no provider package.
func LuhnValid(s string) bool { return iccid.Luhn(s) }
