// Command coveragebench measures Phủ Sóng's coverage path (import, precompute,
// "coverage of every commune on D", a daily change file) on SQLite and PostgreSQL,
// and the same question asked of PostgreSQL in plain SQL and of DuckDB, on the same
// generated files in the same run. See bench/README.md.
//
//	cd bench && go run ./cmd/coveragebench -persons 1000000 \
//	    -pg 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -out DIR
//
// Every measured phase runs in a child process of this binary (-phase NAME), so that
// the peak resident memory of each phase (the child's getrusage ru_maxrss, i.e. its
// VmHWM) is its own. The parent prints a table and writes results.json into -out.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/phusong/phusong/bench/internal/proc"
	"github.com/phusong/phusong/internal/civil"
)

// config is what every phase is told.
type config struct {
	Persons   int64
	Seed      int64
	PG        string
	Out       string
	Date      civil.Date // D: the date of "coverage of every commune on D"
	Changes   int        // cards in the daily change file
	Iter      int        // iterations of the in-process query
	Rounds    int        // rounds of the dashboard query (34 provinces each)
	SQLRepeat int        // repetitions of the SQL queries
	Skip      map[string]bool
}

var phases = []string{"index", "phusong-sqlite", "phusong-postgres", "sqlite-sql", "postgres-sql", "duckdb"}

// sqlEngines are the phases that answer the question in SQL over the raw files.
var sqlEngines = []string{"sqlite-sql", "postgres-sql", "duckdb"}

func main() {
	log.SetFlags(log.Ltime)
	var c config
	var date, phase, skip string
	flag.Int64Var(&c.Persons, "persons", 1_000_000, "persons to generate")
	flag.Int64Var(&c.Seed, "seed", 20250701, "generator seed")
	flag.StringVar(&c.PG, "pg", "", "PostgreSQL URL (a database the benchmark may create schemas in); empty skips the PostgreSQL phases")
	flag.StringVar(&c.Out, "out", "", "directory for the generated files, the SQLite database and results.json (files are reused when present)")
	flag.StringVar(&date, "date", "2026-06-30", "D, the date of the all-commune question and of the change file")
	flag.IntVar(&c.Changes, "changes", 100_000, "BHYT cards changed by the daily change file")
	flag.IntVar(&c.Iter, "iter", 2000, "iterations of the in-process all-commune query")
	flag.IntVar(&c.Rounds, "rounds", 20, "rounds of the dashboard query (each asks all 34 provinces by commune)")
	flag.IntVar(&c.SQLRepeat, "sql-repeat", 3, "times each SQL query is run (the first is reported apart)")
	flag.StringVar(&skip, "skip", "", "comma-separated phases to skip: "+strings.Join(phases, ", "))
	flag.StringVar(&phase, "phase", "", "internal: run one phase in this process and print its JSON result")
	flag.Parse()
	if c.Out == "" {
		log.Fatal("-out DIR is required")
	}
	d, err := civil.Parse(date)
	if err != nil {
		log.Fatalf("-date: %v", err)
	}
	c.Date = d
	c.Skip = map[string]bool{}
	for _, s := range strings.Split(skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Skip[s] = true
		}
	}
	if c.PG == "" {
		c.Skip["phusong-postgres"], c.Skip["postgres-sql"] = true, true
	}
	ctx := context.Background()
	if phase != "" {
		anon := sampleAnon()
		res, err := runPhase(ctx, c, phase)
		if err != nil {
			log.Fatalf("%s: %v", phase, err)
		}
		res.Phase = phase
		res.PeakAnonMB = anon()
		if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(ctx, c); err != nil {
		log.Fatal(err)
	}
}

func runPhase(ctx context.Context, c config, phase string) (*result, error) {
	switch phase {
	case "generate":
		return generate(c)
	case "index":
		return indexPhase(c)
	case "phusong-sqlite":
		return phusongPhase(ctx, c, "sqlite")
	case "phusong-postgres":
		return phusongPhase(ctx, c, "postgres")
	case "sqlite-sql":
		return sqliteSQLPhase(ctx, c)
	case "postgres-sql":
		return postgresSQLPhase(ctx, c)
	case "duckdb":
		return duckdbPhase(ctx, c)
	}
	return nil, fmt.Errorf("unknown phase %q", phase)
}

// result is what a phase reports. Durations are in seconds unless the name says
// otherwise.
type result struct {
	Phase      string  `json:"phase"`
	Error      string  `json:"error,omitempty"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`  // the child's ru_maxrss (VmHWM), filled in by the parent
	PeakAnonMB float64 `json:"peak_anon_mb"` // the child's peak anonymous resident memory (RssAnon, sampled every 20 ms): without the file pages SQLite's readers map

	// generate
	GenerateS float64          `json:"generate_s,omitempty"`
	Files     map[string]int64 `json:"file_bytes,omitempty"`
	Rows      map[string]int64 `json:"rows,omitempty"`

	// Phủ Sóng
	ImportS       map[string]float64 `json:"import_s,omitempty"` // per file kind
	ImportTotalS  float64            `json:"import_total_s,omitempty"`
	PrecomputeS   float64            `json:"precompute_s,omitempty"` // WarmCoverage's build
	WarmWallS     float64            `json:"warm_wall_s,omitempty"`  // WarmCoverage called to returned
	IndexPersons  int                `json:"index_persons,omitempty"`
	HeapAfterMB   float64            `json:"heap_after_warm_mb,omitempty"`
	DashP50Ms     float64            `json:"dashboard_province_p50_ms,omitempty"`
	DashP99Ms     float64            `json:"dashboard_province_p99_ms,omitempty"`
	DashAllMeanMs float64            `json:"dashboard_all_communes_mean_ms,omitempty"` // the 34 provinces in turn
	DashAllP99Ms  float64            `json:"dashboard_all_communes_p99_ms,omitempty"`
	Covered       int64              `json:"covered_on_d,omitempty"` // national BHYT figure on D
	Change        *changeResult      `json:"change,omitempty"`
	Outreach      map[string]float64 `json:"outreach_ms,omitempty"` // lists of the largest commune on D: kind → median of three, ms

	// in-process index
	ParseS        float64 `json:"parse_s,omitempty"`
	BuildS        float64 `json:"build_s,omitempty"`
	AllMeanUs     float64 `json:"all_communes_mean_us,omitempty"`
	AllP99Us      float64 `json:"all_communes_p99_us,omitempty"`
	AllMaxUs      float64 `json:"all_communes_max_us,omitempty"`
	IndexBytes    int64   `json:"index_bytes,omitempty"`
	ApplyMs       float64 `json:"apply_changes_ms,omitempty"`
	ExpectedDelta int64   `json:"expected_delta,omitempty"`
	ChangeFile    string  `json:"change_file,omitempty"`
	ChangedCards  int     `json:"changed_cards,omitempty"`

	// SQL engines
	LoadS       float64 `json:"load_s,omitempty"`
	IndexS      float64 `json:"index_s,omitempty"` // PostgreSQL: CREATE INDEX + ANALYZE
	FirstQueryS float64 `json:"first_query_s,omitempty"`
	QueryMeanS  float64 `json:"query_mean_s,omitempty"` // later runs
	Mismatch    *int    `json:"communes_mismatch,omitempty"`

	// per commune covered on D, for the cross-check (not printed)
	PerCommune map[string]int64 `json:"per_commune,omitempty"`
}

type changeResult struct {
	Cards       int     `json:"cards"`
	ImportS     float64 `json:"import_s"`       // ImportRegistry of the change file (includes the index refresh)
	VisibleS    float64 `json:"visible_s"`      // from the start of the import until the dashboard shows the new figure
	StoredS     float64 `json:"stored_s"`       // until the card table has the rows too (the merge after the commit)
	Before      int64   `json:"before"`         // national figure on D before
	After       int64   `json:"after"`          // and after
	Expected    int64   `json:"expected_delta"` // computed from the files
	Rebuilt     bool    `json:"rebuilt"`        // WarmCoverage's build time changed: the index was rebuilt
	FigureRight bool    `json:"figure_right"`
}

func run(ctx context.Context, c config) error {
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	all := map[string]*result{}
	gen, err := child(c, "generate")
	if err != nil {
		return err
	}
	all["generate"] = gen
	for _, p := range phases {
		if c.Skip[p] {
			log.Printf("phase %s skipped", p)
			continue
		}
		r, err := child(c, p)
		if err != nil {
			log.Printf("phase %s failed: %v", p, err)
			r = &result{Phase: p, Error: err.Error()}
		}
		all[p] = r
		if p == "index" && r.Error != "" {
			return fmt.Errorf("the in-process index phase failed; it writes the change file the others need")
		}
	}
	crossCheck(all)
	rep := report(c, all)
	fmt.Print(rep.Text)
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(c.Out, fmt.Sprintf("results-%d.json", c.Persons))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	log.Printf("results written to %s", filepath.Base(path))
	return nil
}

// child runs one phase in a child process of this binary and reads its result and
// its peak resident memory.
func child(c config, phase string) (*result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-phase", phase}, os.Args[1:]...)
	cmd := exec.Command(exe, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	log.Printf("phase %s …", phase)
	start := time.Now()
	err = cmd.Run()
	var rss float64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = float64(ru.Maxrss) / 1024 // KiB on Linux
		}
	}
	if err != nil {
		return nil, fmt.Errorf("phase %s: %w", phase, err)
	}
	var r result
	if err := json.NewDecoder(io.LimitReader(&out, 1<<30)).Decode(&r); err != nil {
		return nil, fmt.Errorf("phase %s: reading its result: %w", phase, err)
	}
	r.PeakRSSMB = rss
	log.Printf("phase %s done in %s, peak RSS %.0f MB", phase, time.Since(start).Round(time.Millisecond), rss)
	return &r, nil
}

// crossCheck compares every SQL engine's per-commune figures with the in-process
// index's.
func crossCheck(all map[string]*result) {
	idx := all["index"]
	if idx == nil {
		return
	}
	for _, p := range sqlEngines {
		r := all[p]
		if r == nil || r.PerCommune == nil {
			continue
		}
		n := 0
		for code, v := range idx.PerCommune {
			if r.PerCommune[code] != v {
				n++
			}
		}
		for code := range r.PerCommune {
			if _, ok := idx.PerCommune[code]; !ok {
				n++
			}
		}
		r.Mismatch = &n
	}
}

// sampleAnon samples the process's anonymous resident memory (RssAnon in
// /proc/self/status) every 20 ms; the function returned stops and gives the peak in
// MB. Unlike VmHWM it leaves out file pages mapped into the process (the database
// pages SQLite's readers map), which the kernel takes back under pressure.
func sampleAnon() func() float64 {
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	read := func() {
		if kb, ok := proc.StatusKB("RssAnon"); ok && kb > peak.Load() {
			peak.Store(kb)
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		read()
		return float64(peak.Load()) / 1024
	}
}
