package redact_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/redact"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"89852341234567890123", "****0123"},                // ICCID
		{"+79001234567", "****4567"},                        // phone number
		{"LPA:1$smdp.example$ABCDEF0123456789", "****6789"}, // LPA activation code
		{"LPA:1$smdp@example$K1", "****e$K1"},
		{"user@example.com", "u***@example.com"},
		{"1234", "****"},
		{"12345678", "****"},
		{"", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			require.Equal(t, tt.want, redact.Mask(tt.in))
		})
	}
}
