package iccid_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/iccid"
)

func TestValid(t *testing.T) {
	for in, want := range map[string]bool{
		"89852341234567890123":    true, // a provider sample, which fails Luhn
		"89014103211118510720":    true,
		"8985234123456789012X":    false,
		"8985234123456789":        false, // 16 digits
		"89852341234567890123456": false, // 23 digits
		"":                        false,
	} {
		require.Equal(t, want, iccid.Valid(in), in)
	}
}

func TestLuhn(t *testing.T) {
	for in, want := range map[string]bool{
		"89014103211118510720": true,
		"89852341234567890123": false,
		"8985234123456789012X": false,
	} {
		require.Equal(t, want, iccid.Luhn(in), in)
	}
}
