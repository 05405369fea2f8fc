module github.com/simkit/simkit/benchmarks/peers

go 1.23.0

require (
	github.com/simkit/simkit v0.0.0
	github.com/stripe/stripe-go/v82 v82.5.1
)

// The benchmarks measure the simkit next to them, not a released one.
replace github.com/simkit/simkit => ../..
