package capped

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	long := strings.Repeat("x", 3000)
	tests := []struct {
		name    string
		body    string
		length  int64
		max     int64
		want    string
		wantErr error
	}{
		{"sized from the declared length", `{"a":1}`, 7, 100, `{"a":1}`, nil},
		{"unknown length grows", long, -1, 4000, long, nil},
		{"short declaration still reads it all", long, 10, 4000, long, nil},
		{"exactly the cap", strings.Repeat("x", 10), -1, 10, strings.Repeat("x", 10), nil},
		{"empty", "", 0, 10, "", nil},
		{"declared over the cap", "x", 11, 10, "", ErrTooLarge},
		{"undeclared over the cap", long, -1, 100, "", ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.body), tt.length, tt.max)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
}

// Read stops at max+1 bytes: an endless body is refused, not buffered.
func TestReadStopsAtTheCap(t *testing.T) {
	r := &counting{r: iotest.OneByteReader(strings.NewReader(strings.Repeat("x", 1<<20)))}
	_, err := Read(r, -1, 100)
	require.ErrorIs(t, err, ErrTooLarge)
	require.LessOrEqual(t, r.n, 101)
}

func TestReadPassesReadErrors(t *testing.T) {
	boom := errors.New("boom")
	_, err := Read(iotest.ErrReader(boom), -1, 100)
	require.ErrorIs(t, err, boom)
}

type counting struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
