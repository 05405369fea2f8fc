// Package iccid checks ICCIDs (the numbers of SIM and eSIM profiles) the
// way every simkit call does, without importing any provider: a program
// that uses one provider validates its input with this leaf package alone.
package iccid

import "github.com/simkit/simkit/internal/validate"

// Valid reports whether s has the shape every simkit call accepts for an
// ICCID: 17 to 22 ASCII digits. The Luhn digit is not required, because
// providers' own sample ICCIDs fail it.
func Valid(s string) bool { return validate.ICCID(s) }

// Luhn reports whether s passes the Luhn checksum, for callers who want
// to catch a mistyped ICCID before offering it to a provider.
func Luhn(s string) bool { return validate.Luhn(s) }
