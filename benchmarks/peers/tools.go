//go:build tools

package peers

// The servers the fakes benchmark builds and starts (fakes_test.go): the
// tools build tag keeps them out of every build while go.mod pins them.
import (
	_ "github.com/simkit/simkit/cmd/simkit"
	_ "github.com/stripe/stripe-mock"
)
