//go:build unix

package pair

import (
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ProcessCPU returns a clock of the CPU time process pid has used so far,
// every thread counted, in nanoseconds (Linux's schedstat; getrusage only
// sees this process and its waited-for children, and /proc's tick counts
// are 10 ms coarse). Add it to Self for a side whose work is split between
// this process and a server it talks to. Where /proc has no schedstat the
// clock reads 0, and the side is judged by this process alone.
//
// A reading costs this process a few pread calls and no allocation: the
// thread files stay open, and are opened again only when the process's
// thread count changes. It is read at both ends of every block, and a
// reading that listed the directory and opened every file each time cost
// ~100 allocations and tens of µs, which a block of one operation (a
// provider 20 ms away) charged to that operation.
func ProcessCPU(pid int) func() time.Duration {
	c := &procClock{dir: "/proc/" + strconv.Itoa(pid) + "/task"}
	return c.read
}

// procClock reads the schedstat of every thread of one process.
type procClock struct {
	mu    sync.Mutex
	dir   string
	nlink uint64 // of the task directory: its thread count + 2 on procfs
	files []*os.File
	buf   [256]byte
}

func (c *procClock) read() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var st syscall.Stat_t
	if err := syscall.Stat(c.dir, &st); err != nil {
		return 0
	}
	if uint64(st.Nlink) != c.nlink || c.files == nil {
		c.open(uint64(st.Nlink))
	}
	total, ok := c.sum()
	if !ok { // a thread exited since the count was read
		c.open(uint64(st.Nlink))
		total, _ = c.sum()
	}
	return total
}

func (c *procClock) sum() (time.Duration, bool) {
	var total time.Duration
	for _, f := range c.files {
		n, _ := f.ReadAt(c.buf[:], 0)
		if n == 0 {
			return total, false
		}
		var ns int64
		for _, b := range c.buf[:n] {
			if b < '0' || b > '9' {
				break
			}
			ns = ns*10 + int64(b-'0')
		}
		total += time.Duration(ns)
	}
	return total, true
}

func (c *procClock) open(nlink uint64) {
	for _, f := range c.files {
		_ = f.Close()
	}
	c.files = c.files[:0]
	c.nlink = nlink
	tasks, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, t := range tasks {
		f, err := os.Open(c.dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			continue // the thread exited meanwhile
		}
		c.files = append(c.files, f)
	}
}
