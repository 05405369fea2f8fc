package randid

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHexAndUUID(t *testing.T) {
	for _, n := range []int{4, 8, 20, 40} {
		a, b := Hex(n), Hex(n)
		require.Len(t, a, 2*n)
		require.Regexp(t, `^[0-9a-f]+$`, a)
		require.NotEqual(t, a, b)
	}
	u, err := UUID()
	require.NoError(t, err)
	require.True(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u), u)
}
