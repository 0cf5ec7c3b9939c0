package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/targets"
)

func init() {
	register("targets", "targets: progress of a unit against its targets; split a target over the child units", runTargets)
}

func runTargets(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("phusong targets progress|split …")
	}
	switch args[0] {
	case "progress":
		return targetsProgress(e, args[1:])
	case "split":
		return targetsSplit(e, args[1:])
	}
	return usagef("targets: lệnh con không có / unknown subcommand %q", args[0])
}

func targetsProgress(e *env, args []string) error {
	f := newFlags(e, "targets progress", true, true)
	unit := f.String("unit", "", "unit code (valid on --date)")
	return f.run(e, args, func(a *app.App, d civil.Date, _ []string) error {
		res, err := a.TargetsProgress(e.ctx, app.System, *unit, d)
		if err != nil {
			return err
		}
		return printProgress(e, *f.format, res)
	})
}

func printProgress(e *env, format string, res *app.ProgressResult) error {
	if format == "json" {
		return writeJSON(e.stdout, res)
	}
	t := table{header: []string{"unit_code", "indicator", "actual", "target", "gap_points", "gap_persons", "percent_of_plan", "projected_date"}}
	addRows := func(code string, ps []targets.Progress) {
		for _, p := range ps {
			proj := ""
			if p.ProjectedDate != nil {
				proj = p.ProjectedDate.String()
			}
			t.rows = append(t.rows, []string{code, string(p.Indicator), string(p.Actual), string(p.Target), string(p.GapPoints), strconv.FormatInt(p.GapPersons, 10), string(p.PercentOfPlan), proj})
		}
	}
	addRows(res.UnitCode, res.Indicators)
	for _, c := range res.Children {
		addRows(c.UnitCode, c.Indicators)
	}
	if err := write(e.stdout, format, t); err != nil {
		return err
	}
	if format == "table" {
		fmt.Fprintf(e.stdout, "\ncần thêm / more participants needed: %d\n", res.GapPersonsTotal)
	}
	return nil
}

func targetsSplit(e *env, args []string) error {
	f := newFlags(e, "targets split", true, true)
	unit := f.String("unit", "", "the parent unit (valid on --date)")
	indicator := f.String("indicator", "", "bhyt_population_pct, bhxh_labour_pct, bhtn_labour_pct or voluntary_bhxh_count")
	deadline := f.String("deadline", "", "deadline of the parent's target (YYYY-MM-DD)")
	method := f.String("method", "proportional", "proportional, equal_rate or manual")
	manual := f.String("values", "", "per-child values, e.g. 24781=97,24787=95 (manual, or overrides)")
	dry := f.Bool("dry-run", false, "show the split and its check without saving")
	if _, err := f.parse(args); err != nil {
		return err
	}
	d, err := f.day()
	if err != nil {
		return err
	}
	ind, err := targets.ParseIndicator(*indicator)
	if err != nil {
		return err
	}
	m, err := targets.ParseMethod(*method)
	if err != nil {
		return err
	}
	dl, err := civil.Parse(*deadline)
	if err != nil {
		return usagef("--deadline: %v", err)
	}
	values := map[string]string{}
	for _, kv := range strings.Split(*manual, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
			values[k] = v
		}
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.SplitTargets(e.ctx, app.System, *unit, ind, dl, d, m, values, *dry)
	if err != nil {
		return err
	}
	t := table{header: []string{"unit_code", "indicator", "deadline", "value", "document"}, json: res}
	for _, c := range res.Children {
		t.rows = append(t.rows, []string{c.UnitCode, string(c.Indicator), c.Deadline.String(), string(c.Value), c.Document})
	}
	if err := write(e.stdout, *f.format, t); err != nil {
		return err
	}
	if *f.format == "table" {
		fmt.Fprintf(e.stdout, "\n%s\n%s\n", res.Check.VI, res.Check.EN)
	}
	return nil
}
