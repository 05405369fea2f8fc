package validate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestICCID(t *testing.T) {
	tests := map[string]bool{
		"89852341234567890123":    true, // provider sample, fails Luhn: still valid
		"8944422711108338982":     true,
		"894442271110833898":      true,  // 18
		"8944422711108338982123":  true,  // 22
		"89444227111083389":       true,  // 17: Airalo's sandbox ICCIDs
		"8944422711108338":        false, // 16
		"89444227111083389821234": false,
		"8944422711108338982a":    false,
		"":                        false,
		"８９４４４２２７１１１０８３３８９８２": false, // full-width digits
	}
	for in, want := range tests {
		require.Equal(t, want, ICCID(in), in)
	}
}

func TestLuhn(t *testing.T) {
	require.True(t, Luhn("79927398713"))
	require.False(t, Luhn("79927398710"))
	require.False(t, Luhn("89852341234567890123"), "the provider's own sample fails Luhn")
	require.False(t, Luhn("12a"))
}

func TestUUID(t *testing.T) {
	require.True(t, UUID("019bc0dd-8562-7173-afd9-a5cc534fafb7"))
	require.True(t, UUID("550E8400-E29B-41D4-A716-446655440000"))
	require.False(t, UUID("019bc0dd85627173afd9a5cc534fafb7"))
	require.False(t, UUID("019bc0dd-8562-7173-afd9-a5cc534fafbz"))
	require.False(t, UUID("019bc0dd_8562-7173-afd9-a5cc534fafb7"))
	require.False(t, UUID(""))
}

func TestEmail(t *testing.T) {
	good := []string{"a@b.co", "user.name+tag@example.com"}
	bad := []string{"", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@example.c", "a@.com", "user@example.com,evil@x.com"}
	for _, e := range good {
		require.True(t, Email(e), e)
	}
	for _, e := range bad {
		require.False(t, Email(e), e)
	}
}

func TestDigitsAndBlank(t *testing.T) {
	require.True(t, Digits("0123"))
	require.False(t, Digits(""))
	require.False(t, Digits("+7123"))
	require.True(t, Blank("  \t"))
	require.False(t, Blank(" x "))
}

func TestIDAndSegment(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		in         string
		id, segVal bool
	}{
		{"ORD-12345", true, true},
		{"", false, false},
		{"   ", false, false},
		{string(long), false, false},
		{"a\x00b", false, false},
		{"a\nb", false, false},
		{"a/b", true, false},
		{"a%2Fb", true, false},
		{"\xff", false, false},
		{"россия", true, true},
	}
	for _, tc := range tests {
		require.Equal(t, tc.id, ID(tc.in) == "", "ID(%q) = %q", tc.in, ID(tc.in))
		require.Equal(t, tc.segVal, Segment(tc.in) == "", "Segment(%q) = %q", tc.in, Segment(tc.in))
	}
}
