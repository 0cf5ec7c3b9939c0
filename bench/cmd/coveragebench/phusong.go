package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/store"
)

// importOrder is the order of PRODUCT.md §5 imports: villages first (geography),
// persons before the files that name them.
var importOrder = []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods", "bhtn_periods", "denominators"}

// freshSchema drops and creates a schema and returns the URL that uses it.
func freshSchema(ctx context.Context, url, schema string) (string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", err
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema, nil
}

// phusongPhase runs Phủ Sóng itself on a fresh store: the imports, the precompute,
// the all-commune question in-process and through the dashboard, and a daily change
// file.
func phusongPhase(ctx context.Context, c config, kind string) (*result, error) {
	// The change file and what it should do are written by the index phase; without
	// them this phase would fail only after its imports.
	if _, _, err := changeExpectation(c); err != nil {
		return nil, fmt.Errorf("the change file is missing (the index phase writes it; do not skip it the first time): %w", err)
	}
	var url string
	switch kind {
	case "sqlite":
		path := filepath.Join(c.Out, fmt.Sprintf("phusong-%d.db", c.Persons))
		for _, suf := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suf); err != nil && !os.IsNotExist(err) {
				return nil, err
			}
		}
		url = "sqlite:" + path
	case "postgres":
		var err error
		if url, err = freshSchema(ctx, c.PG, "coveragebench_app"); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	a := app.New(st, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	a.KeepIndex = true // as `phusong serve` runs it: imports keep the coverage index current
	res := &result{ImportS: map[string]float64{}}
	importDate := gen.DefaultAsOf
	for _, k := range importOrder {
		f, err := os.Open(dataFile(c, k+".csv"))
		if err != nil {
			return nil, err
		}
		t0 := time.Now()
		if k == "villages" {
			_, err = a.ImportGeo(ctx, app.System, k, k+".csv", f, civil.MustParse("2025-07-01"), false)
		} else {
			_, err = a.ImportRegistry(ctx, app.System, k, k+".csv", f, importDate, false, nil)
		}
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", k, err)
		}
		res.ImportS[k] = time.Since(t0).Seconds()
		res.ImportTotalS += res.ImportS[k]
		log.Printf("  %s: imported %-13s %6.1f s", kind, k, res.ImportS[k])
	}
	t0 := time.Now()
	n, took, err := a.WarmCoverage(ctx)
	if err != nil {
		return nil, err
	}
	res.WarmWallS, res.PrecomputeS, res.IndexPersons = time.Since(t0).Seconds(), took.Seconds(), n
	runtime.GC()
	var mst runtime.MemStats
	runtime.ReadMemStats(&mst)
	res.HeapAfterMB = float64(mst.HeapAlloc) / (1 << 20)
	log.Printf("  %s: precompute (WarmCoverage) %.1f s for %d persons; heap after %.0f MB", kind, res.PrecomputeS, n, res.HeapAfterMB)

	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	var provinces []string
	for _, u := range atlas.AllOfLevel(geo.Province) {
		if u.ValidOn(c.Date) {
			provinces = append(provinces, u.Code)
		}
	}
	// national asks every province by commune on d and sums the provinces.
	var perCall []time.Duration
	national := func(d civil.Date, record bool) (int64, int, error) {
		var sum int64
		communes := 0
		for _, p := range provinces {
			t := time.Now()
			r, err := a.Coverage(ctx, app.System, app.CoverageQuery{Code: p, Date: d, Scheme: "bhyt", ByChildren: true})
			if err != nil {
				return 0, 0, err
			}
			if record {
				perCall = append(perCall, time.Since(t))
			}
			sum += r.Covered
			communes += len(r.Children)
		}
		return sum, communes, nil
	}
	rng := rand.New(rand.NewPCG(3, 4))
	reorg := civil.MustParse("2025-07-01")
	var rounds []time.Duration
	for i := range c.Rounds {
		d := c.Date
		if i > 0 {
			d = reorg + civil.Date(rng.IntN(int(c.Date-reorg)+1))
		}
		t := time.Now()
		sum, communes, err := national(d, true)
		if err != nil {
			return nil, err
		}
		rounds = append(rounds, time.Since(t))
		if i == 0 {
			res.Covered = sum
			log.Printf("  %s: dashboard on %s: %d communes, %d covered, %.1f ms", kind, d, communes, sum, ms(rounds[0]))
		}
	}
	res.DashP50Ms, res.DashP99Ms = ms(pct(perCall, 50)), ms(pct(perCall, 99))
	res.DashAllMeanMs, res.DashAllP99Ms = ms(mean(rounds)), ms(pct(rounds, 99))
	log.Printf("  %s: dashboard per province p50 %.2f ms p99 %.2f ms; all communes mean %.1f ms", kind, res.DashP50Ms, res.DashP99Ms, res.DashAllMeanMs)

	// The daily change file, on the same app with its index warm.
	ch := &changeResult{Before: res.Covered}
	exp, cards, err := changeExpectation(c)
	if err != nil {
		return nil, err
	}
	ch.Expected, ch.Cards = exp, cards
	f, err := os.Open(changeFile(c))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t0 = time.Now()
	if _, err := a.ImportRegistry(ctx, app.System, "bhyt_cards", filepath.Base(changeFile(c)), f, importDate, false, nil); err != nil {
		return nil, fmt.Errorf("change file: %w", err)
	}
	ch.ImportS = time.Since(t0).Seconds()
	for {
		sum, _, err := national(c.Date, false)
		if err != nil {
			return nil, err
		}
		ch.After = sum
		if sum == ch.Before+ch.Expected {
			ch.FigureRight = true
			break
		}
		if time.Since(t0) > 5*time.Minute {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	ch.VisibleS = time.Since(t0).Seconds()
	// The card table has the rows once the merge after the commit is done
	// (store/cardlog.go); lists and person pages wait for it.
	if err := a.Store.SettleCards(ctx); err != nil {
		return nil, err
	}
	ch.StoredS = time.Since(t0).Seconds()
	_, took2, err := a.WarmCoverage(ctx)
	if err != nil {
		return nil, err
	}
	ch.Rebuilt = took2 != took
	res.Change = ch
	log.Printf("  %s: change file of %d cards: import %.2f s, visible after %.2f s, in the card table after %.2f s; %d → %d (expected %+d, right: %v; rebuilt: %v)",
		kind, ch.Cards, ch.ImportS, ch.VisibleS, ch.StoredS, ch.Before, ch.After, ch.Expected, ch.FigureRight, ch.Rebuilt)
	if res.Outreach, err = outreachLists(ctx, a, atlas, c.Date); err != nil {
		return nil, err
	}
	return res, nil
}

// outreachLists times the lists a commune officer asks for (M6) in the most
// populous commune, on d: each kind three times, the median.
func outreachLists(ctx context.Context, a *app.App, atlas *geo.Atlas, d civil.Date) (map[string]float64, error) {
	var id int64
	var persons int
	if err := a.Store.DB().QueryRowContext(ctx, "SELECT commune_id, COUNT(*) FROM persons GROUP BY commune_id ORDER BY 2 DESC LIMIT 1").Scan(&id, &persons); err != nil {
		return nil, err
	}
	u := atlas.Unit(id)
	if u == nil {
		return nil, fmt.Errorf("outreach: commune %d not in the atlas", id)
	}
	out := map[string]float64{}
	for _, kind := range []string{"uncovered", "expiring", "lapsed", "students"} {
		var runs []time.Duration
		rows := 0
		for range 3 {
			t := time.Now()
			l, err := a.Outreach(ctx, app.System, kind, u.Code, d, 30, "")
			if err != nil {
				return nil, fmt.Errorf("outreach %s: %w", kind, err)
			}
			runs = append(runs, time.Since(t))
			rows = len(l.Rows)
		}
		out[kind] = ms(pct(runs, 50))
		log.Printf("    outreach %s in %s (%d persons): %d rows, median %.0f ms (first %.0f ms)", kind, u.Code, persons, rows, out[kind], ms(runs[0]))
	}
	return out, nil
}
