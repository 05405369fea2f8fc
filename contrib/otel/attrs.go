package simkitotel

import (
	"strings"

	"go.opentelemetry.io/otel/attribute"
)

// simkit's own attributes; the HTTP ones come from semconv.
const (
	keyProvider     = attribute.Key("simkit.provider")
	keyRoute        = attribute.Key("simkit.route")
	keyAttempt      = attribute.Key("simkit.attempt")
	keyAttempts     = attribute.Key("simkit.attempts")
	keyOutcome      = attribute.Key("simkit.outcome")
	keyRequestID    = attribute.Key("simkit.request_id")
	keyRLLimit      = attribute.Key("simkit.ratelimit.limit")
	keyRLRemaining  = attribute.Key("simkit.ratelimit.remaining")
	keyRLReset      = attribute.Key("simkit.ratelimit.reset")
	keyRLRetryAfter = attribute.Key("simkit.ratelimit.retry_after_s")
	keyRetryReason  = attribute.Key("simkit.retry.reason")
	keyRetryWait    = attribute.Key("simkit.retry.wait_s")
	keyWaited       = attribute.Key("simkit.waited_s")
	keyLimiter      = attribute.Key("simkit.limiter")
	keyAdmitted     = attribute.Key("simkit.admitted")
	keyCache        = attribute.Key("simkit.cache")
	keyCacheHit     = attribute.Key("simkit.cache.hit")
	keyName         = attribute.Key("simkit.name")
	keyInFlight     = attribute.Key("simkit.in_flight")
	keyReplica      = attribute.Key("simkit.replica")
	keyEvent        = attribute.Key("simkit.webhook.event")
	keyWHOutcome    = attribute.Key("simkit.webhook.outcome")
	keyWHReason     = attribute.Key("simkit.webhook.reason")
	keyWait         = attribute.Key("simkit.wait")
	keyCheck        = attribute.Key("simkit.wait.check")
	keyStatus       = attribute.Key("simkit.wait.status")
	keyDelivered    = attribute.Key("simkit.wait.delivered")
	keyExpected     = attribute.Key("simkit.wait.expected")
	keyElapsed      = attribute.Key("simkit.wait.elapsed_s")
	keyField        = attribute.Key("simkit.field")
)

// spanName is "<provider> <METHOD> <route template>". Routes already start
// with their method ("GET /v1/user/check/{id}"); one that does not gets it.
func spanName(provider, method, route string) string {
	if strings.HasPrefix(route, method+" ") {
		return provider + " " + route
	}
	return provider + " " + method + " " + route
}

// urlTemplate is the route without its method: "/v1/user/check/{id}".
func urlTemplate(method, route string) string {
	return strings.TrimPrefix(route, method+" ")
}
