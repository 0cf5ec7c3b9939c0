// Command importmem measures the memory of Phủ Sóng's imports and of a rebuild of the
// coverage index: it imports a generated data directory (phusong gen) through the
// service layer into a store, as `phusong serve` does (the index kept current by the
// imports), and prints per file the time, the process's peak resident memory
// (VmHWM) and the Go heap's peak; with -rebuild it then builds the index afresh from
// the store, as a server does at start-up. With -profiles DIR it writes a heap
// profile each time the heap in use grows by a tenth (go tool pprof).
//
//	go run ./cmd/importmem -data DIR/data-1000000-seed20250701 -db sqlite:/tmp/x.db -rebuild
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/phusong/phusong/bench/internal/proc"
	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
)

func main() {
	data := flag.String("data", "", "directory of generated files (phusong gen)")
	db := flag.String("db", "", "store URL: sqlite:PATH (a new file) or a PostgreSQL URL (an empty schema)")
	kinds := flag.String("kinds", "villages,persons,residents,bhyt_cards,bhxh_periods,bhtn_periods,denominators", "files to import, in order (empty: none)")
	rebuild := flag.Bool("rebuild", false, "then build the index afresh from the store")
	profiles := flag.String("profiles", "", "directory for heap profiles at the heap's peaks (none when empty)")
	pendingMax := flag.Int("pending-max", 0, "rows an import keeps for the index before it rebuilds it instead (app.App.PendingMax; 0: the default)")
	keys := flag.Int("keys-in-memory", registry.KeysInMemory, "keys the duplicate check of a file holds before it writes them out (registry.KeysInMemory)")
	flag.Parse()
	registry.KeysInMemory = *keys
	if *db == "" {
		log.Fatal("importmem: -db is required")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m := &monitor{dir: *profiles, stage: "start"}
	go m.run()

	a := app.New(st, logger)
	a.KeepIndex = true
	a.PendingMax = *pendingMax
	for _, k := range strings.Split(*kinds, ",") {
		if k == "" {
			continue
		}
		m.enter(k)
		f, err := os.Open(filepath.Join(*data, k+".csv"))
		if err != nil {
			log.Fatal(err)
		}
		t0 := time.Now()
		if k == "villages" {
			_, err = a.ImportGeo(ctx, app.System, k, k+".csv", f, civil.MustParse("2025-07-01"), false)
		} else {
			_, err = a.ImportRegistry(ctx, app.System, k, k+".csv", f, gen.DefaultAsOf, false, nil)
		}
		f.Close()
		if err != nil {
			log.Fatalf("import %s: %v", k, err)
		}
		fmt.Printf("import %-13s %7.1f s   peak RSS %6d MB (anonymous %6d MB)   peak heap in use %6d MB\n", k, time.Since(t0).Seconds(), vmHWM(), m.anonMB(), m.peakMB())
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("heap after the imports and a GC: %d MB\n", ms.HeapAlloc>>20)
	runtime.KeepAlive(a)
	if *rebuild {
		a = nil
		runtime.GC()
		m.enter("rebuild")
		b := app.New(st, logger)
		t0 := time.Now()
		n, _, err := b.WarmCoverage(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("rebuild of %d persons %7.1f s   peak RSS %6d MB (anonymous %6d MB)   peak heap in use %6d MB\n", n, time.Since(t0).Seconds(), vmHWM(), m.anonMB(), m.peakMB())
		runtime.GC()
		runtime.ReadMemStats(&ms)
		fmt.Printf("heap after the rebuild and a GC: %d MB\n", ms.HeapAlloc>>20)
		runtime.KeepAlive(b)
	}
}

// monitor samples the heap every 200 ms, keeping its peak (since the last enter)
// and writing a profile when it grows by a tenth.
type monitor struct {
	mu       sync.Mutex
	dir      string
	stage    string
	peak     uint64
	profiled uint64
	anonKB   int64 // the process's peak anonymous resident memory (RssAnon), since it started
}

func (m *monitor) enter(stage string) {
	m.mu.Lock()
	m.stage, m.peak = stage, 0
	m.mu.Unlock()
}

// anonMB is the peak of the anonymous resident memory so far: the Go heap, SQLite's
// page caches, but not the database file mapped by SQLite's readers (mmap_size),
// which VmHWM counts and the kernel may drop at any time.
func (m *monitor) anonMB() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.anonKB >> 10
}

func (m *monitor) peakMB() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak >> 20
}

func (m *monitor) run() {
	for range time.Tick(200 * time.Millisecond) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		m.mu.Lock()
		m.peak = max(m.peak, ms.HeapInuse)
		if kb, ok := proc.StatusKB("RssAnon"); ok {
			m.anonKB = max(m.anonKB, kb)
		}
		stage, write := m.stage, m.dir != "" && ms.HeapInuse > m.profiled*11/10
		if write {
			m.profiled = ms.HeapInuse
		}
		m.mu.Unlock()
		if write {
			f, err := os.Create(filepath.Join(m.dir, "heap-"+stage+".pprof"))
			if err != nil {
				log.Fatal(err)
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				log.Fatal(err)
			}
			f.Close()
		}
	}
}

// vmHWM is the process's peak resident memory so far, in MB.
func vmHWM() int64 {
	kb, ok := proc.StatusKB("VmHWM")
	if !ok {
		return -1
	}
	return kb >> 10
}
