//go:build unix

package pair

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used so far, every thread
// counted (the garbage collector's workers and a loopback server's
// goroutines too), user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
