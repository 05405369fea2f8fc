package redisstore_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/simkit/simkit/contrib/redisstore"
)

// A fleet shares one Redis: pass the Store as option.Shared.Store and the
// Limiter as option.Shared.Limiter (or a provider's limiter) on every
// replica.
func Example() {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"127.0.0.1:6379"}})
	defer rdb.Close()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	st := redisstore.New(rdb, func(o *redisstore.Options) {
		o.Prefix = "simkit:prod:"
		o.Failure = redisstore.FailOpen
		o.Logger = logger
	})
	lim := redisstore.NewLimiter(rdb, "partner", 10, 5, func(o *redisstore.Options) {
		o.Prefix = "simkit:prod:"
		o.Logger = logger
	})

	ctx := context.Background()
	if err := lim.Wait(ctx); err != nil {
		logger.Error("pace", "err", err)
		return
	}
	if won, err := st.SetNX(ctx, "webhook:evt-1", []byte("processing"), 2*time.Minute); err == nil && won {
		logger.Info("first delivery; handle it")
	}
}
