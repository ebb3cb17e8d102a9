package controlplanebench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CPU is CPU time (user and system) by process.
type CPU struct {
	// Self is knsim's process: controllers, cluster emulation, engine.
	Self time.Duration
	// APIServer and Etcd are its child processes kube-apiserver and etcd.
	APIServer, Etcd time.Duration
}

func (c CPU) sub(o CPU) CPU {
	return CPU{Self: c.Self - o.Self, APIServer: c.APIServer - o.APIServer, Etcd: c.Etcd - o.Etcd}
}

// Total is the CPU time of all three.
func (c CPU) Total() time.Duration { return c.Self + c.APIServer + c.Etcd }

func (c CPU) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
	return fmt.Sprintf("CPU %s: knsim %s, kube-apiserver %s, etcd %s", r(c.Total()), r(c.Self), r(c.APIServer), r(c.Etcd))
}

// cpuNow reads the CPU time of this process and of its running children.
func cpuNow() CPU {
	c := CPU{Self: cpuTime()}
	c.APIServer, c.Etcd = childrenCPU()
	return c
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times (100 on
// every Linux platform Go supports).
const clockTicks = 100

// childrenCPU sums utime and stime of the kube-apiserver and etcd
// processes whose parent is this one, from /proc; 0 where there is no
// /proc.
func childrenCPU() (apiserver, etcd time.Duration) {
	self := strconv.Itoa(os.Getpid())
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime stime: fields 4, 14 and 15, counted
		// after the command name, which may hold spaces.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		j := strings.IndexByte(s, '(')
		if i < 0 || j < 0 || j > i {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 13 || f[1] != self {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		d := time.Duration(u+st) * time.Second / clockTicks
		switch s[j+1 : i] {
		case "kube-apiserver":
			apiserver += d
		case "etcd":
			etcd += d
		}
	}
	return apiserver, etcd
}
