package fakeclock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAfterFiresWhenAdvancePassesIt(t *testing.T) {
	c := At(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	ch := c.After(10 * time.Second)
	c.Advance(9 * time.Second)
	select {
	case <-ch:
		t.Fatal("fired before its time")
	default:
	}
	c.Advance(time.Second)
	select {
	case at := <-ch:
		require.Equal(t, c.Now(), at)
	default:
		t.Fatal("did not fire when the clock reached it")
	}
	select {
	case <-c.After(0):
	default:
		t.Fatal("a zero wait fires at once")
	}
}

func TestAfterFiresOnWallTime(t *testing.T) {
	c := New(nil)
	select {
	case <-c.After(time.Millisecond):
	case <-time.After(10 * time.Second):
		t.Fatal("a running clock's timer never fired")
	}
}
