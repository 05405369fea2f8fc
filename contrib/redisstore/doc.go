// Package redisstore keeps simkit's shared state in Redis so that many
// replicas behind a load balancer act as one client: a webhook retry that
// lands on another replica is still deduplicated, an OAuth token is fetched
// once for the fleet, a per-eSIM window (one package-history call per 15
// minutes) is spent once, and request pacing is fleet-wide.
//
// [Store] implements store.Store with github.com/redis/go-redis/v9 through
// redis.UniversalClient, so a single node, a Sentinel failover group or a
// Cluster all work. Every key is written with a TTL (PX); a write without a
// positive TTL is refused with store.ErrNoTTL. Every value starts with a
// version byte, so a later release can change the encoding: a value with a
// version this release does not know reads as absent (logged once).
//
// [Limiter] implements store.Limiter with github.com/go-redis/redis_rate/v10,
// a GCRA (generic cell rate algorithm) run as one Lua script inside Redis.
// We use it rather than our own script because it fits: its go directive is
// 1.19 and it needs go-redis v9.0.2 or later, so it adds no newer Go
// requirement and no other dependency; its state is one key per limiter,
// always written with an expiry; and it reads Redis' own clock (TIME), so
// replicas with skewed clocks still share one schedule.
//
// [StreamQueue] implements inbox.Queue on Redis Streams: the durable webhook
// inbox of a fleet (one consumer group; a dead worker's messages are taken
// over with XAUTOCLAIM; every key of one queue under one {name} hash tag so
// its scripts run on one Cluster node).
//
// When Redis cannot be reached the caller chooses, through
// Options.Failure, either [FailClosed] (every call returns an error that
// matches [ErrUnavailable]) or [FailOpen] (calls fall back to a process-local
// store.Memory or a local token bucket, so the service keeps working with
// per-replica rather than per-fleet guarantees). A FailOpen Store journals
// what it wrote locally and replays it into Redis once Redis answers, so a
// webhook marked handled during the outage is not handled again by another
// replica afterwards. Either way the transition is logged once, not once per
// call, and recovery is logged once as well.
package redisstore
