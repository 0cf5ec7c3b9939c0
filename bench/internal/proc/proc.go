// Package proc reads the benchmark process's own memory figures from Linux's
// /proc/self/status.
package proc

import (
	"os"
	"strconv"
	"strings"
)

// StatusKB is a field of /proc/self/status given in kB (VmHWM, RssAnon …); false
// when it cannot be read.
func StatusKB(field string) (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}
