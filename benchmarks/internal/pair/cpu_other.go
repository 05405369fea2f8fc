//go:build !unix

package pair

import "time"

// cpuTime falls back to the wall clock where getrusage does not exist.
func cpuTime() time.Duration { return time.Duration(time.Now().UnixNano()) }

// ProcessCPU reads 0 where /proc has no schedstat: the side is judged by
// this process alone.
func ProcessCPU(int) func() time.Duration { return func() time.Duration { return 0 } }
