package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// The server's Go heap gets a soft limit (runtime/debug.SetMemoryLimit), so that the
// garbage collector works harder as the heap nears it instead of letting garbage grow
// to as much again as what is live (GOGC=100). A national index of 100 million
// persons keeps some 17 GB live; without a limit, its heap would reach twice that
// between collections. The limit is --memory-limit, else GOMEMLIMIT (which the Go
// runtime reads itself), else 80 % of the memory the process may use: the cgroup's
// limit (cgroup v2 memory.max) or the machine's (MemTotal in /proc/meminfo).

// memoryShare is the part of the machine's memory the heap is limited to by default.
const memoryShare = 0.8

// setMemoryLimit applies the limit and returns it in bytes (0: none known).
func setMemoryLimit(flag string, getenv func(string) string) (int64, error) {
	if flag != "" {
		n, err := parseBytes(flag)
		if err != nil {
			return 0, fmt.Errorf("--memory-limit %q: %w", flag, err)
		}
		debug.SetMemoryLimit(n)
		return n, nil
	}
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), nil // the runtime's, from the environment
	}
	total := machineMemory("/proc/meminfo", "/sys/fs/cgroup/memory.max")
	if total <= 0 {
		return 0, nil
	}
	n := int64(float64(total) * memoryShare)
	debug.SetMemoryLimit(n)
	return n, nil
}

// machineMemory is the smaller of MemTotal in meminfo and the cgroup's limit, in
// bytes; 0 when neither can be read.
func machineMemory(meminfo, cgroupMax string) int64 {
	var total int64
	if f, err := os.Open(meminfo); err == nil {
		total = memTotal(f)
		f.Close()
	}
	if b, err := os.ReadFile(cgroupMax); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n // "max" (no limit) does not parse
		}
	}
	return total
}

// memTotal reads MemTotal (in kB) from /proc/meminfo's text.
func memTotal(r io.Reader) int64 {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// parseBytes reads a size such as 20GiB, 512MiB, 20GB or a number of bytes.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("cần một cỡ như 20GiB hoặc 512MiB / want a size such as 20GiB or 512MiB")
	}
	return int64(n * float64(mult)), nil
}
