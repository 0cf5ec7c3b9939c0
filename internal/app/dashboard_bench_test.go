package app

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// go test -run XXX -bench Dashboard ./internal/app/ [-dashboard-persons 1000000]
var dashboardPersons = flag.Int64("dashboard-persons", 200_000, "persons generated (all 34 provinces) for the dashboard benchmarks")

// dashboardApp is an app on SQLite with a generated country imported and its index
// warm, and the province codes.
func dashboardApp(b *testing.B) (*App, []string) {
	sink := &gen.MemSink{}
	if _, err := gen.Generate(gen.Options{Persons: *dashboardPersons, Seed: 5}, sink); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	a := New(testutil.NewStore(b, store.SQLite), nil)
	a.KeepIndex = true
	if _, err := a.ImportGeo(ctx, System, "villages", "villages.csv", bytes.NewReader(sink.File("villages.csv")), civil.MustParse("2025-07-01"), false); err != nil {
		b.Fatal(err)
	}
	d := civil.MustParse("2026-06-30")
	for _, kind := range []string{"persons", "residents", "bhyt_cards"} {
		if _, err := a.ImportRegistry(ctx, System, kind, kind+".csv", bytes.NewReader(sink.File(kind+".csv")), d, false, nil); err != nil {
			b.Fatal(err)
		}
	}
	atlas, err := a.Atlas(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var provinces []string
	for _, u := range atlas.AllOfLevel(geo.Province) {
		if u.ValidOn(d) {
			provinces = append(provinces, u.Code)
		}
	}
	return a, provinces
}

// BenchmarkDashboardNewDate asks every province by commune on a date not asked
// before, as the coveragebench dashboard rounds do: the first province of a date
// computes the country's counts on it, the others read them.
func BenchmarkDashboardNewDate(b *testing.B) {
	a, provinces := dashboardApp(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	from := civil.MustParse("2025-07-01")
	for b.Loop() {
		d := from + civil.Date(rng.IntN(365))
		a.dropMemo()
		for _, p := range provinces {
			if _, err := a.Coverage(ctx, System, CoverageQuery{Code: p, Date: d, Scheme: "bhyt", ByChildren: true}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDashboardProvince asks one province by commune on a date already asked.
func BenchmarkDashboardProvince(b *testing.B) {
	a, provinces := dashboardApp(b)
	ctx := context.Background()
	q := CoverageQuery{Code: provinces[0], Date: civil.MustParse("2026-06-30"), Scheme: "bhyt", ByChildren: true}
	for b.Loop() {
		if _, err := a.Coverage(ctx, System, q); err != nil {
			b.Fatal(err)
		}
	}
}

// dropMemo forgets the memoised counts, so the next date is computed afresh.
func (a *App) dropMemo() {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	if a.eng != nil {
		a.eng.memoMu.Lock()
		a.eng.memo = nil
		a.eng.memoMu.Unlock()
	}
}
