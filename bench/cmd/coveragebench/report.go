package main

import (
	"fmt"
	"runtime"
	"strings"
	"text/tabwriter"
)

// reportOut is results.json: the configuration, every phase's result, the ratios and
// the targets of the issue.
type reportOut struct {
	Persons int64              `json:"persons"`
	Seed    int64              `json:"seed"`
	Date    string             `json:"date"`
	CPUs    int                `json:"cpus"`
	Phases  map[string]*result `json:"phases"`
	Ratios  map[string]float64 `json:"ratios"`
	Targets []target           `json:"targets"`
	Text    string             `json:"-"`
}

type target struct {
	Name     string `json:"name"`
	Measured string `json:"measured"`
	Met      *bool  `json:"met"` // null when not measured
}

func report(c config, all map[string]*result) reportOut {
	rep := reportOut{Persons: c.Persons, Seed: c.Seed, Date: c.Date.String(), CPUs: runtime.NumCPU(), Phases: all, Ratios: map[string]float64{}}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 2, 8, 2, ' ', tabwriter.AlignRight)
	row := func(cells ...string) { fmt.Fprintln(w, strings.Join(cells, "\t")+"\t") }
	f := func(v float64, unit string) string {
		if v == 0 {
			return "—"
		}
		switch {
		case v >= 100:
			return fmt.Sprintf("%.0f %s", v, unit)
		case v >= 10:
			return fmt.Sprintf("%.1f %s", v, unit)
		}
		return fmt.Sprintf("%.2f %s", v, unit)
	}
	g := all["generate"]
	fmt.Fprintf(&b, "\nCoverage benchmark: %d persons (persons.csv %d rows, bhyt_cards.csv %d rows), D = %s, %d CPUs\n\n",
		c.Persons, g.Rows["persons"], g.Rows["bhyt_cards"], c.Date, rep.CPUs)

	row("system", "load/import", "precompute", "load+precompute", "all communes on D", "p99", "dashboard p50/p99 (province)", "100k changes visible", "peak RSS", "covered on D")
	idx := all["index"]
	if idx != nil {
		row("in-process index (from CSV)", f(idx.ParseS, "s")+" parse", f(idx.BuildS, "s"), f(idx.ParseS+idx.BuildS, "s"),
			f(idx.AllMeanUs, "µs"), f(idx.AllP99Us, "µs"), "—", f(idx.ApplyMs, "ms")+" Apply", f(idx.PeakRSSMB, "MB"), fmt.Sprint(idx.Covered))
	}
	for _, k := range []string{"sqlite", "postgres"} {
		r := all["phusong-"+k]
		if r == nil {
			continue
		}
		if r.Error != "" {
			row("Phủ Sóng on "+k, "failed: "+r.Error)
			continue
		}
		vis := "—"
		if r.Change != nil {
			vis = fmt.Sprintf("%.2f s (right %v, rebuilt %v; stored %.2f s)", r.Change.VisibleS, r.Change.FigureRight, r.Change.Rebuilt, r.Change.StoredS)
		}
		row("Phủ Sóng on "+k, f(r.ImportTotalS, "s"), f(r.PrecomputeS, "s"), f(r.ImportTotalS+r.PrecomputeS, "s"),
			f(r.DashAllMeanMs, "ms")+" (34 calls)", f(r.DashAllP99Ms, "ms"), f(r.DashP50Ms, "ms")+" / "+f(r.DashP99Ms, "ms"), vis, f(r.PeakRSSMB, "MB")+" (anon "+f(r.PeakAnonMB, "MB")+")", fmt.Sprint(r.Covered))
	}
	for _, k := range sqlEngines {
		r := all[k]
		if r == nil {
			continue
		}
		if r.Error != "" {
			row(k, "failed: "+r.Error)
			continue
		}
		name := map[string]string{"sqlite-sql": "SQLite plain SQL (INSERT)", "postgres-sql": "PostgreSQL plain SQL (COPY)", "duckdb": "DuckDB (read_csv)"}[k]
		mm := "?"
		if r.Mismatch != nil {
			mm = fmt.Sprint(*r.Mismatch)
		}
		row(name, f(r.LoadS, "s"), f(r.IndexS, "s")+" index", f(r.LoadS+r.IndexS+r.FirstQueryS, "s")+" +1st answer",
			f(r.FirstQueryS, "s")+" first", f(r.QueryMeanS, "s")+" later", "—", "—", f(r.PeakRSSMB, "MB")+" (client)", fmt.Sprintf("%d (%s communes differ)", r.Covered, mm))
	}
	w.Flush()

	// Per-file import times.
	for _, k := range []string{"sqlite", "postgres"} {
		r := all["phusong-"+k]
		if r == nil || r.Error != "" {
			continue
		}
		fmt.Fprintf(&b, "\nPhủ Sóng on %s, import per file:", k)
		for _, kind := range importOrder {
			fmt.Fprintf(&b, " %s %.1fs,", kind, r.ImportS[kind])
		}
		fmt.Fprintf(&b, " WarmCoverage %.1fs (wall %.1fs), heap after warm %.0f MB", r.PrecomputeS, r.WarmWallS, r.HeapAfterMB)
		if r.Change != nil {
			fmt.Fprintf(&b, "; change file import %.2fs, national figure %d → %d (expected %+d)", r.Change.ImportS, r.Change.Before, r.Change.After, r.Change.Expected)
		}
		if len(r.Outreach) > 0 {
			fmt.Fprintf(&b, "; outreach lists of the largest commune, median ms: uncovered %.0f, expiring %.0f, lapsed %.0f, students %.0f",
				r.Outreach["uncovered"], r.Outreach["expiring"], r.Outreach["lapsed"], r.Outreach["students"])
		}
		fmt.Fprintln(&b)
	}

	// Ratios and targets.
	duck := all["duckdb"]
	duckOK := duck != nil && duck.Error == ""
	fmt.Fprintln(&b)
	for _, k := range []string{"sqlite", "postgres"} {
		r := all["phusong-"+k]
		if r == nil || r.Error != "" {
			continue
		}
		ps := r.ImportTotalS + r.PrecomputeS
		like := r.ImportS["persons"] + r.ImportS["bhyt_cards"] + r.PrecomputeS
		if duckOK {
			dd := duck.LoadS + duck.FirstQueryS
			rep.Ratios["phusong_"+k+"_import_precompute_vs_duckdb_load_first"] = ps / dd
			rep.Ratios["phusong_"+k+"_persons_cards_precompute_vs_duckdb_load_first"] = like / dd
			fmt.Fprintf(&b, "Phủ Sóng/%s import+precompute ÷ DuckDB load+first answer: %.1f× (all 7 files); %.1f× (persons+cards only, as DuckDB loads)\n", k, ps/dd, like/dd)
			rep.Targets = append(rep.Targets, mk("raw files to a correct dashboard within 2× DuckDB load+first answer ("+k+")", fmt.Sprintf("%.1f×", ps/dd), ps/dd <= 2))
			if r.DashAllMeanMs > 0 {
				rep.Ratios["duckdb_query_vs_phusong_"+k+"_dashboard_all_communes"] = duck.QueryMeanS * 1000 / r.DashAllMeanMs
			}
		}
		rep.Targets = append(rep.Targets, mk("dashboard p99 under 50 ms ("+k+", one province by commune)", fmt.Sprintf("%.2f ms", r.DashP99Ms), r.DashP99Ms < 50))
		if r.Change != nil {
			rep.Targets = append(rep.Targets, mk("100k-change daily file visible in under 2 s without a full rebuild ("+k+")",
				fmt.Sprintf("%.2f s, rebuilt %v, figure right %v", r.Change.VisibleS, r.Change.Rebuilt, r.Change.FigureRight),
				r.Change.VisibleS < 2 && !r.Change.Rebuilt && r.Change.FigureRight))
		}
		perPerson := r.PeakRSSMB * (1 << 20) / float64(c.Persons)
		rep.Ratios["phusong_"+k+"_peak_bytes_per_person"] = perPerson
		anonPerPerson := r.PeakAnonMB * (1 << 20) / float64(c.Persons)
		rep.Ratios["phusong_"+k+"_peak_anon_bytes_per_person"] = anonPerPerson
		rep.Targets = append(rep.Targets, mk("at 100M persons within 24 GB ("+k+", linear extrapolation of peak RSS)",
			fmt.Sprintf("%.0f B/person → %.1f GB at 100M (anonymous memory alone: %.0f B/person → %.1f GB)",
				perPerson, perPerson*1e8/(1<<30), anonPerPerson, anonPerPerson*1e8/(1<<30)), perPerson*1e8 < 24*(1<<30)))
	}
	if idx != nil && idx.AllMeanUs > 0 {
		rep.Targets = append(rep.Targets, mk("any-date all-commune coverage under 1 ms in-process", fmt.Sprintf("p99 %.1f µs", idx.AllP99Us), idx.AllP99Us < 1000))
		for _, k := range sqlEngines {
			if r := all[k]; r != nil && r.Error == "" && r.QueryMeanS > 0 {
				rep.Ratios[strings.ReplaceAll(k, "-", "_")+"_query_vs_in_process"] = r.QueryMeanS * 1e6 / idx.AllMeanUs
				fmt.Fprintf(&b, "%s query ÷ in-process AllCommunes: %.0f×\n", k, r.QueryMeanS*1e6/idx.AllMeanUs)
			}
		}
	}
	// The floor of each store: its own bulk load of the two raw files, unchecked, with
	// its index and first answer, against DuckDB's; and Phủ Sóng against that floor.
	for _, k := range []string{"sqlite", "postgres"} {
		fl := all[k+"-sql"]
		if fl == nil || fl.Error != "" {
			continue
		}
		floor := fl.LoadS + fl.IndexS + fl.FirstQueryS
		if duckOK {
			dd := duck.LoadS + duck.FirstQueryS
			rep.Ratios[k+"_sql_load_index_first_vs_duckdb_load_first"] = floor / dd
			fmt.Fprintf(&b, "%s's own bulk load + index + first answer (unchecked) ÷ DuckDB load + first answer: %.1f×\n", k, floor/dd)
		}
		if r := all["phusong-"+k]; r != nil && r.Error == "" {
			like := r.ImportS["persons"] + r.ImportS["bhyt_cards"] + r.PrecomputeS
			rep.Ratios["phusong_"+k+"_persons_cards_vs_"+k+"_sql_floor"] = like / floor
			fmt.Fprintf(&b, "Phủ Sóng/%s persons+cards+precompute ÷ that floor: %.1f×\n", k, like/floor)
		}
	}
	if pg := all["postgres-sql"]; pg != nil && pg.Error == "" && duckOK {
		rep.Ratios["postgres_sql_vs_duckdb_query"] = pg.QueryMeanS / duck.QueryMeanS
		rep.Ratios["postgres_sql_vs_duckdb_load"] = (pg.LoadS + pg.IndexS) / duck.LoadS
	}
	fmt.Fprintln(&b, "\nTargets:")
	for _, t := range rep.Targets {
		fmt.Fprintf(&b, "  [%s] %s: %s\n", map[bool]string{true: "met", false: "NOT met"}[*t.Met], t.Name, t.Measured)
	}
	rep.Text = b.String()
	for _, r := range all {
		r.PerCommune = nil // not in the JSON: 3,321 numbers per engine
	}
	return rep
}

func mk(name, measured string, met bool) target {
	return target{Name: name, Measured: measured, Met: &met}
}
