package validate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPadded(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"ref-1", false},
		{"ref 1", false},
		{"ref-1 ", true},
		{" ref-1", true},
		{"ref-1\u00a0", true},
		{"\ufeffref-1", true},
		{"ref-1\u200b", true},
		{"ref-1\u200e", true},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Padded(tt.in), "%q", tt.in)
	}
}
