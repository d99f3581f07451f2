package store

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// holder names the process holding a flock on path, from /proc/locks and
// /proc/PID/comm, as "process 4242 (tokenscope)". flock(2) itself cannot
// say who holds a lock.
func holder(path string) string {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return "another process"
	}
	id := fmt.Sprintf("%02x:%02x:%d", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	f, err := os.Open("/proc/locks")
	if err != nil {
		return "another process"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 4242 fe:00:9977972 0 EOF"; waiters
		// have "->" after the number and do not hold the lock.
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != id {
			continue
		}
		pid := fields[4]
		if comm, err := os.ReadFile("/proc/" + pid + "/comm"); err == nil {
			return fmt.Sprintf("process %s (%s)", pid, strings.TrimSpace(string(comm)))
		}
		return "process " + pid
	}
	return "another process"
}
