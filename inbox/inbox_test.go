package inbox_test

import (
	"testing"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/inbox/inboxtest"
)

func TestMemoryQueue(t *testing.T) {
	inboxtest.Run(t, func(*testing.T) inbox.Queue { return inbox.NewMemory() })
}
