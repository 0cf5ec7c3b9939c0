package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/targets"
)

// Options size the demo.
type Options struct {
	Persons  int64     // residents of the generated province; default 200,000
	Province string    // 2025 province code; default 68 (Lâm Đồng)
	Log      io.Writer // progress lines; nil for none
}

// DefaultPersons is the size of the demo province: big enough that the dashboard,
// the lists and the map are alive, small enough to load in well under a minute.
const DefaultPersons = 200_000

// loadProvince generates one real province's registry (synthetic persons on the real
// 2025 communes), imports it as a BHXH office would, and sets the province's targets
// for the year, split over its communes in proportion to their denominators.
func loadProvince(ctx context.Context, a *app.App, opt Options) error {
	if opt.Persons == 0 {
		opt.Persons = DefaultPersons
	}
	if opt.Province == "" {
		opt.Province = "68"
	}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	today := civil.Today()
	sink := &gen.MemSink{}
	start := time.Now()
	sum, err := gen.Generate(gen.Options{Persons: opt.Persons, Seed: 2025, Provinces: []string{opt.Province}, AsOf: today}, sink)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	logf("dữ liệu demo / demo data: %d residents, %d cards generated in %s", sum.Residents, sum.Cards, time.Since(start).Round(time.Millisecond))
	for _, kind := range []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods", "bhtn_periods", "denominators"} {
		t0 := time.Now()
		body := bytes.NewReader(sink.File(kind + ".csv"))
		var err error
		if kind == "villages" {
			_, err = a.ImportGeo(ctx, app.System, kind, kind+".csv", body, civil.MustParse("2025-07-01"), false)
		} else {
			_, err = a.ImportRegistry(ctx, app.System, kind, kind+".csv", body, today, false, nil)
		}
		if err != nil {
			return fmt.Errorf("demo %s: %w", kind, err)
		}
		logf("  nhập / imported %-13s %s", kind, time.Since(t0).Round(time.Millisecond))
	}
	return setTargets(ctx, a, opt.Province, today)
}

// demoTargets are the province's targets for the end of the year: the national 2026
// BHYT target of NQ 244/2025/QH15 (95.5 %) and Resolution 28-NQ/TW's path for BHXH
// and BHTN. They are demonstration values, and their document says so.
var demoTargets = []struct {
	indicator targets.Indicator
	value     string
}{
	{targets.BHYTPopulationPct, "95.5"},
	{targets.BHXHLabourPct, "45"},
	{targets.BHTNLabourPct, "36"},
}

func setTargets(ctx context.Context, a *app.App, province string, today civil.Date) error {
	deadline := civil.Of(today.Year(), 12, 31)
	var b strings.Builder
	b.WriteString("unit_code,indicator,deadline,value,document\n")
	for _, t := range demoTargets {
		fmt.Fprintf(&b, "%s,%s,%s,%s,DEMO: theo NQ 244/2025/QH15 và NQ 28-NQ/TW / demo after NQ 244/2025/QH15 and 28-NQ/TW\n", province, t.indicator, deadline, t.value)
	}
	if _, err := a.ImportRegistry(ctx, app.System, "targets", "demo-targets.csv", strings.NewReader(b.String()), today, false, nil); err != nil {
		return fmt.Errorf("demo targets: %w", err)
	}
	for _, t := range demoTargets {
		if _, err := a.SplitTargets(ctx, app.System, province, t.indicator, deadline, today, targets.Proportional, nil, false); err != nil {
			return fmt.Errorf("demo target split: %w", err)
		}
	}
	return nil
}
