package cli

import (
	"strconv"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
)

func init() {
	register("coverage", "covered persons, denominator and rate of a unit on a date (--by children for every child unit)", runCoverage)
}

func runCoverage(e *env, args []string) error {
	f := newFlags(e, "coverage", true, true)
	unit := f.String("unit", "", "unit code (valid on --date)")
	scheme := f.String("scheme", "bhyt", "bhyt, bhxh or bhtn")
	by := f.String("by", "", "children: also every child unit")
	basis := f.String("basis", "residence", "residence, or issuing (BHYT of a province: cards the province issued)")
	groupBy := f.String("group-by", "", "payer_group, sex, age_band or kind")
	series := f.Int("series", 0, "also the monthly series of the last N months")
	if _, err := f.parse(args); err != nil {
		return err
	}
	if *unit == "" {
		return usagef("phusong coverage --unit CODE [--date D] [--scheme bhyt|bhxh|bhtn] [--by children]")
	}
	if *by != "" && *by != "children" {
		return usagef("--by chỉ nhận children / --by takes only children")
	}
	return f.run(e, nil, func(a *app.App, d civil.Date, _ []string) error {
		return printCoverage(e, a, *f.format, app.CoverageQuery{Code: *unit, Date: d, Scheme: *scheme, Basis: *basis, ByChildren: *by == "children", GroupBy: *groupBy, SeriesMonths: *series})
	})
}

func printCoverage(e *env, a *app.App, format string, q app.CoverageQuery) error {
	res, err := a.Coverage(e.ctx, app.System, q)
	if err != nil {
		return err
	}
	t := table{header: []string{"unit_code", "name", "covered", "denominator", "denominator_source", "rate_percent"}, json: res}
	for _, r := range append([]app.CoverageResult{*res}, res.Children...) {
		t.rows = append(t.rows, coverageRow(r))
	}
	for _, p := range res.Series {
		t.rows = append(t.rows, []string{res.UnitCode, "series " + p.Date.String(), strconv.FormatInt(p.Covered, 10), "", "", ""})
	}
	for _, b := range res.Breakdown {
		t.rows = append(t.rows, []string{res.UnitCode, q.GroupBy + "=" + b.Value, strconv.FormatInt(b.Covered, 10), "", "", ""})
	}
	return write(e.stdout, format, t)
}

func coverageRow(r app.CoverageResult) []string {
	rate := ""
	if r.RatePercent != nil {
		rate = strconv.FormatFloat(*r.RatePercent, 'f', 2, 64)
	}
	return []string{r.UnitCode, r.Name, strconv.FormatInt(r.Covered, 10), strconv.FormatInt(r.Denominator, 10), r.DenominatorSource, rate}
}
