module github.com/simkit/simkit/benchmarks/fleet

go 1.23.0

require (
	github.com/redis/go-redis/v9 v9.18.0
	github.com/shopspring/decimal v1.4.0
	github.com/simkit/simkit v0.1.0
	github.com/simkit/simkit/contrib/redisstore v0.1.0
)
