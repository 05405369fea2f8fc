package simkit_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine the SDK started
// is still running after they end: every worker has an owner that stops it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
