package cli

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"20GiB": 20 << 30, "512MiB": 512 << 20, "1.5GiB": 3 << 29, "2GB": 2e9, "1048576": 1 << 20, " 64 KiB ": 64 << 10} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GiB", "-1GiB", "twenty", "0"} {
		if _, err := parseBytes(in); err == nil || !strings.Contains(err.Error(), "want a size") {
			t.Errorf("parseBytes(%q): %v", in, err)
		}
	}
}

// TestMachineMemory reads MemTotal, and a cgroup limit only when it is lower.
func TestMachineMemory(t *testing.T) {
	dir := t.TempDir()
	meminfo, cg := filepath.Join(dir, "meminfo"), filepath.Join(dir, "memory.max")
	os.WriteFile(meminfo, []byte("MemTotal:       24576000 kB\nMemFree:         1000 kB\n"), 0o644)
	for body, want := range map[string]int64{"max\n": 24576000 << 10, "8589934592\n": 8 << 30, "99999999999999\n": 24576000 << 10} {
		os.WriteFile(cg, []byte(body), 0o644)
		if got := machineMemory(meminfo, cg); got != want {
			t.Errorf("cgroup %q: %d, want %d", body, got, want)
		}
	}
	if got := machineMemory(filepath.Join(dir, "none"), filepath.Join(dir, "none")); got != 0 {
		t.Errorf("nothing to read: %d", got)
	}
}

// TestSetMemoryLimit: the flag wins over GOMEMLIMIT; a bad flag is an error.
func TestSetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	env := func(v string) func(string) string { return func(string) string { return v } }
	n, err := setMemoryLimit("3GiB", env("1GiB"))
	if err != nil || n != 3<<30 || debug.SetMemoryLimit(-1) != 3<<30 {
		t.Fatalf("flag: %d, %v, runtime %d", n, err, debug.SetMemoryLimit(-1))
	}
	if _, err := setMemoryLimit("lots", env("")); err == nil {
		t.Fatal("a bad --memory-limit was taken")
	}
	debug.SetMemoryLimit(math.MaxInt64)
	if n, err := setMemoryLimit("", env("")); err != nil || n != debug.SetMemoryLimit(-1) {
		t.Fatalf("default: %d, %v, runtime %d", n, err, debug.SetMemoryLimit(-1))
	}
}
