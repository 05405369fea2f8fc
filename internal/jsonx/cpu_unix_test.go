//go:build unix

package jsonx

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used so far, every thread
// counted: on a shared machine it moves far less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
