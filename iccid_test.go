package simkit_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
)

func TestICCIDHelpers(t *testing.T) {
	require.True(t, simkit.ValidICCID("89852341234567890123"))
	require.False(t, simkit.LuhnValid("89852341234567890123"), "provider samples fail Luhn, so it is only a helper")
	require.True(t, simkit.LuhnValid("89014103211118510720"))
	require.False(t, simkit.ValidICCID("8985234123456789012X"))
}
