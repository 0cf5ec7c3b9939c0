package cli

import (
	"strconv"

	"github.com/phusong/phusong/internal/app"
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
	d, err := f.day()
	if err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.Coverage(e.ctx, app.System, app.CoverageQuery{Code: *unit, Date: d, Scheme: *scheme, Basis: *basis, ByChildren: *by == "children", GroupBy: *groupBy, SeriesMonths: *series})
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
		t.rows = append(t.rows, []string{res.UnitCode, *groupBy + "=" + b.Value, strconv.FormatInt(b.Covered, 10), "", "", ""})
	}
	return write(e.stdout, *f.format, t)
}

func coverageRow(r app.CoverageResult) []string {
	rate := ""
	if r.RatePercent != nil {
		rate = strconv.FormatFloat(*r.RatePercent, 'f', 2, 64)
	}
	return []string{r.UnitCode, r.Name, strconv.FormatInt(r.Covered, 10), strconv.FormatInt(r.Denominator, 10), r.DenominatorSource, rate}
}
