package redisstore

import (
	"testing"

	"github.com/simkit/simkit/inbox"
	"github.com/simkit/simkit/inbox/inboxtest"
)

func TestStreamQueue(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client()
	inboxtest.Run(t, func(t *testing.T) inbox.Queue {
		return NewStreamQueue(rdb, "conformance-"+t.Name())
	})
}
