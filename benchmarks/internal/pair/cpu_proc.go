package pair

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcessCPU returns a clock of the CPU time process pid has used so far,
// every thread counted, in nanoseconds (Linux's schedstat; getrusage only
// sees this process and its waited-for children, and /proc's tick counts
// are 10 ms coarse). Add it to Self for a side whose work is split between
// this process and a server it talks to. Where /proc has no schedstat the
// clock reads 0, and the side is judged by this process alone.
func ProcessCPU(pid int) func() time.Duration {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	return func() time.Duration {
		tasks, err := os.ReadDir(dir)
		if err != nil {
			return 0
		}
		var total time.Duration
		for _, t := range tasks {
			b, err := os.ReadFile(dir + t.Name() + "/schedstat")
			if err != nil {
				continue // the thread exited meanwhile
			}
			f, _, _ := strings.Cut(string(b), " ")
			ns, _ := strconv.ParseInt(f, 10, 64)
			total += time.Duration(ns)
		}
		return total
	}
}

// Self is this process's CPU time, every thread counted: the clock a side
// is judged by unless Side.CPU says otherwise.
func Self() time.Duration { return cpuTime() }

// Sum adds clocks, for a side judged by several processes' CPU time.
func Sum(clocks ...func() time.Duration) func() time.Duration {
	return func() time.Duration {
		var t time.Duration
		for _, c := range clocks {
			t += c()
		}
		return t
	}
}
