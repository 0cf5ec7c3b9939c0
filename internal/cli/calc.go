package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/policy"
)

func init() {
	register("calc", "contribution and support calculators: "+strings.Join(append(app.CalcKinds, "support-budget"), ", "), runCalc)
}

// calcFlags are the parameters each calculator takes (names shared with the API).
var calcFlags = map[string][]string{
	"compulsory":  {"date", "salary", "region", "payer"},
	"voluntary":   {"date", "income", "group", "province", "commune", "months", "supported-months-used"},
	"household":   {"date", "members", "months", "province", "commune"},
	"student":     {"date", "months", "province", "commune"},
	"late-charge": {"amount", "from", "to"},
}

func runCalc(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("phusong calc %s …", strings.Join(append(app.CalcKinds, "support-budget"), "|"))
	}
	if args[0] == "support-budget" {
		return calcBudget(e, args[1:])
	}
	names, ok := calcFlags[args[0]]
	if !ok {
		return usagef("calc: không có máy tính %q / no calculator %q", args[0], args[0])
	}
	f := newFlags(e, "calc "+args[0], true, false)
	vals := map[string]*string{}
	for _, n := range names {
		vals[n] = f.String(n, "", calcHelp[n])
	}
	if _, err := f.parse(args[1:]); err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.Calc(e.ctx, args[0], func(name string) string {
		if v, ok := vals[strings.ReplaceAll(name, "_", "-")]; ok {
			return strings.TrimSpace(*v)
		}
		return ""
	})
	if err != nil {
		return err
	}
	return write(e.stdout, *f.format, calcTable(res))
}

var calcHelp = map[string]string{
	"date": "the date the rules are taken from (YYYY-MM-DD); default today", "salary": "monthly contribution salary, đồng",
	"region": "regional minimum wage region 1–4 (default 1)", "payer": "employee (default) or household_business",
	"income": "chosen monthly income, đồng", "group": "poor, near_poor, ethnic_minority, island or other",
	"province": "province code (for local top-ups)", "commune": "commune code (for top-ups limited to communes)",
	"months": "months paid at once", "supported-months-used": "months of state support already received (limit 120)",
	"members": "household members joining together", "amount": "overdue amount, đồng",
	"from": "first day late (YYYY-MM-DD)", "to": "payment date (YYYY-MM-DD)",
}

func money(n int64) string { return strconv.FormatInt(n, 10) }

// calcTable lays a calculator result out as rows of an item and its amounts.
func calcTable(res any) table {
	cols, lines := app.CalcLines(res)
	t := table{header: append([]string{"item"}, cols...), json: res}
	for _, l := range lines {
		row := []string{l.Item}
		for _, v := range l.Values {
			row = append(row, money(v))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// whatIfs collects repeated --what-if flags.
type whatIfs []policy.WhatIf

func (w *whatIfs) String() string { return fmt.Sprint(*w) }
func (w *whatIfs) Set(s string) error {
	x, err := policy.ParseWhatIf(s)
	if err != nil {
		return err
	}
	*w = append(*w, x)
	return nil
}

var _ flag.Value = (*whatIfs)(nil)

func calcBudget(e *env, args []string) error {
	f := newFlags(e, "calc support-budget", true, false)
	province := f.String("province", "", "province code")
	year := f.Int("year", 0, "calendar year")
	file := f.String("participants", "", "CSV commune_code,scheme,group,count[,member_order]")
	var changes whatIfs
	f.Var(&changes, "what-if", "a changed top-up, e.g. near_poor=+5% or voluntary_bhxh:near_poor=+5% (repeatable)")
	if _, err := f.parse(args); err != nil {
		return err
	}
	if *province == "" || *year == 0 || *file == "" {
		return usagef("phusong calc support-budget --province P --year Y --participants FILE [--what-if group=+5%%]")
	}
	a, r, done, err := f.openWith(e, *file)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.SupportBudget(e.ctx, app.System, *province, *year, filepath.Base(*file), r, changes)
	if err != nil {
		return err
	}
	t := table{header: []string{"scheme", "group", "baseline", "what_if", "difference"}, json: res}
	for _, g := range res.ByGroup {
		t.rows = append(t.rows, []string{g.Scheme, g.Group, money(g.Baseline), money(g.Changed), money(g.Changed - g.Baseline)})
	}
	t.rows = append(t.rows, []string{"total", "", money(res.Baseline), money(res.Changed), money(res.Changed - res.Baseline)})
	return write(e.stdout, *f.format, t)
}
