package app

import (
	"context"
	"strconv"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/policy"
)

// CalcKinds are the calculators, by the name the CLI, the API and the page use.
var CalcKinds = []string{"compulsory", "voluntary", "household", "student", "late-charge"}

// Calc parses a calculator's parameters by name (from flags, a query or a form: date,
// salary, region, payer, income, group, province, commune, months,
// supported_months_used, members, amount, from, to) and runs it. One parser serves
// every shell so they cannot disagree.
func (a *App) Calc(ctx context.Context, kind string, get func(string) string) (any, error) {
	p := &params{get: get}
	switch kind {
	case "compulsory":
		in := policy.CompulsoryInput{Date: p.date("date"), Salary: p.money("salary", true), Region: p.int("region", 1), Kind: get("payer")}
		if p.err != nil {
			return nil, p.err
		}
		return a.Compulsory(ctx, in)
	case "voluntary":
		in := policy.VoluntaryInput{Date: p.date("date"), Income: p.money("income", true), Group: get("group"), Province: get("province"),
			Commune: get("commune"), Months: p.int("months", 1), SupportedMonthsUsed: p.int("supported_months_used", 0)}
		if p.err != nil {
			return nil, p.err
		}
		return a.Voluntary(ctx, in)
	case "household":
		in := policy.HouseholdInput{Date: p.date("date"), Members: p.int("members", 1), Months: p.int("months", 12), Province: get("province"), Commune: get("commune")}
		if p.err != nil {
			return nil, p.err
		}
		return a.Household(ctx, in)
	case "student":
		in := policy.StudentInput{Date: p.date("date"), Months: p.int("months", 12), Province: get("province"), Commune: get("commune")}
		if p.err != nil {
			return nil, p.err
		}
		return a.Student(ctx, in)
	case "late-charge":
		amount, from, to := p.money("amount", true), p.date("from"), p.date("to")
		if p.err != nil {
			return nil, p.err
		}
		return a.LateCharge(ctx, amount, from, to)
	}
	return nil, fault.Newf(fault.Invalid, "không có máy tính %q", "no calculator %q", kind)
}

type params struct {
	get func(string) string
	err error
}

func (p *params) fail(name, vi, en string) {
	if p.err == nil {
		p.err = fault.New(fault.Invalid, name+": "+vi, name+": "+en)
	}
}

func (p *params) date(name string) civil.Date {
	v := p.get(name)
	if v == "" {
		if name == "date" {
			return civil.Today()
		}
		p.fail(name, "thiếu ngày", "date is missing")
		return 0
	}
	d, err := civil.Parse(v)
	if err != nil {
		p.fail(name, "ngày không hợp lệ, cần YYYY-MM-DD", "invalid date, want YYYY-MM-DD")
	}
	return d
}

func (p *params) money(name string, required bool) int64 {
	v := p.get(name)
	if v == "" {
		if required {
			p.fail(name, "thiếu số tiền", "amount is missing")
		}
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.fail(name, "cần số đồng nguyên, không dấu phân cách", "want whole đồng without separators")
	}
	return n
}

func (p *params) int(name string, def int) int {
	v := p.get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fail(name, "cần số nguyên", "want a whole number")
	}
	return n
}

// CalcLine is one line of a calculator result laid out for reading: an item and its
// amounts (employer and employee for compulsory contributions, one value otherwise).
type CalcLine struct {
	Item   string
	Values []int64
}

// CalcLines lays out a calculator result as columns and lines, for tables and pages.
func CalcLines(res any) (columns []string, lines []CalcLine) {
	one := func(kv ...any) ([]string, []CalcLine) {
		var ls []CalcLine
		for i := 0; i < len(kv); i += 2 {
			ls = append(ls, CalcLine{kv[i].(string), []int64{kv[i+1].(int64)}})
		}
		return []string{"value"}, ls
	}
	switch r := res.(type) {
	case policy.CompulsoryResult:
		er, ee := r.Employer, r.Employee
		return []string{"employer", "employee"}, []CalcLine{
			{"sickness_maternity", []int64{er.SicknessMaternity, ee.SicknessMaternity}},
			{"occupational", []int64{er.Occupational, ee.Occupational}},
			{"pension_survivor", []int64{er.PensionSurvivor, ee.PensionSurvivor}},
			{"bhyt", []int64{er.BHYT, ee.BHYT}},
			{"bhtn", []int64{er.BHTN, ee.BHTN}},
			{"total", []int64{er.Total, ee.Total}},
			{"base_bhxh", []int64{r.Bases.BHXH, r.Bases.BHXH}},
			{"base_bhtn", []int64{r.Bases.BHTN, r.Bases.BHTN}},
			{"grand_total", []int64{r.Total}},
		}
	case policy.VoluntaryResult:
		return one("full_contribution", r.FullContribution, "state_support", r.StateSupport, "local_support", r.LocalSupport,
			"participant_pays", r.ParticipantPays, "months", int64(r.Months), "total", r.Total)
	case policy.BHYTResult:
		return one("full_contribution", r.FullContribution, "state_support", r.StateSupport, "local_support", r.LocalSupport,
			"participant_pays", r.ParticipantPays, "months", int64(r.Months), "total", r.Total)
	case policy.HouseholdResult:
		var ls []CalcLine
		for _, m := range r.Members {
			ls = append(ls, CalcLine{"member_" + strconv.Itoa(m.Order), []int64{m.Monthly, m.Amount}})
		}
		return []string{"monthly", "amount"}, append(ls, CalcLine{"total", []int64{r.TotalMonthly, r.Total}})
	case policy.LateChargeResult:
		return one("amount", r.Amount, "days", int64(r.Days), "charge", r.Charge)
	}
	return nil, nil
}
