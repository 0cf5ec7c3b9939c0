package app

import (
	"context"
	"fmt"
	"io"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/policy"
)

// Book is the policy tables in force in the database, rebuilt when they change.
func (a *App) Book(ctx context.Context) (*policy.Book, error) {
	ver, err := a.Store.PolicyVersion(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if a.book != nil && a.bookVer == ver {
		b := a.book
		a.mu.Unlock()
		return b, nil
	}
	a.mu.Unlock()
	rules, tops, err := a.Store.Policy(ctx)
	if err != nil {
		return nil, err
	}
	b, err := policy.NewBook(rules, tops)
	if err != nil {
		return nil, fmt.Errorf("policy tables in the database: %w", err)
	}
	a.mu.Lock()
	a.book, a.bookVer = b, ver
	a.mu.Unlock()
	return b, nil
}

// Policy lists the rules and top-ups in force in the database (public reference data).
func (a *App) Policy(ctx context.Context) ([]policy.Rule, []policy.TopUp, error) {
	return a.Store.Policy(ctx)
}

// checkPlace verifies that a commune lies in the province on d, so a local top-up
// is applied only inside its province (either may be empty).
func (a *App) checkPlace(ctx context.Context, province, commune string, d civil.Date) (string, error) {
	if commune == "" && province == "" {
		return "", nil
	}
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return "", err
	}
	if commune != "" {
		c, err := atlas.Find(commune, d)
		if err != nil {
			return "", err
		}
		if c.Level != geo.Commune {
			return "", fault.Newf(fault.Invalid, "%s không phải mã xã/phường", "%s is not a commune code", commune)
		}
		p := atlas.ProvinceOf(c.ID, d)
		if province != "" && p.Code != province {
			return "", fault.Newf(fault.Invalid, "xã %s không thuộc tỉnh %s ngày %s", "commune %s is not in province %s on %s", commune, province, d.String())
		}
		return p.Code, nil
	}
	p, err := atlas.Find(province, d)
	if err != nil {
		return "", err
	}
	if p.Level != geo.Province {
		return "", fault.Newf(fault.Invalid, "%s không phải mã tỉnh", "%s is not a province code", province)
	}
	return province, nil
}

// Compulsory is the monthly compulsory contribution for a salary.
func (a *App) Compulsory(ctx context.Context, in policy.CompulsoryInput) (policy.CompulsoryResult, error) {
	b, err := a.Book(ctx)
	if err != nil {
		return policy.CompulsoryResult{}, err
	}
	return b.Compulsory(in)
}

// Voluntary is the voluntary BHXH contribution with national and local support.
func (a *App) Voluntary(ctx context.Context, in policy.VoluntaryInput) (policy.VoluntaryResult, error) {
	b, err := a.Book(ctx)
	if err != nil {
		return policy.VoluntaryResult{}, err
	}
	if in.Province, err = a.checkPlace(ctx, in.Province, in.Commune, in.Date); err != nil {
		return policy.VoluntaryResult{}, err
	}
	return b.Voluntary(in)
}

// Household is the household BHYT premium per member in order.
func (a *App) Household(ctx context.Context, in policy.HouseholdInput) (policy.HouseholdResult, error) {
	b, err := a.Book(ctx)
	if err != nil {
		return policy.HouseholdResult{}, err
	}
	if in.Province, err = a.checkPlace(ctx, in.Province, in.Commune, in.Date); err != nil {
		return policy.HouseholdResult{}, err
	}
	return b.Household(in)
}

// Student is the pupil's or student's BHYT premium with state and local support.
func (a *App) Student(ctx context.Context, in policy.StudentInput) (policy.BHYTResult, error) {
	b, err := a.Book(ctx)
	if err != nil {
		return policy.BHYTResult{}, err
	}
	if in.Province, err = a.checkPlace(ctx, in.Province, in.Commune, in.Date); err != nil {
		return policy.BHYTResult{}, err
	}
	return b.Student(in)
}

// LateCharge is the 0.03 %/day charge on an overdue amount.
func (a *App) LateCharge(ctx context.Context, amount int64, from, to civil.Date) (policy.LateChargeResult, error) {
	b, err := a.Book(ctx)
	if err != nil {
		return policy.LateChargeResult{}, err
	}
	return b.LateCharge(amount, from, to)
}

// SupportBudget estimates a province's own support cost for a year from participant
// counts (CSV), with what-if changes side by side. The caller needs figures of the
// province.
func (a *App) SupportBudget(ctx context.Context, sc *auth.Scope, province string, year int, file string, r io.Reader, whatIf []policy.WhatIf) (policy.BudgetResult, error) {
	var zero policy.BudgetResult
	b, err := a.Book(ctx)
	if err != nil {
		return zero, err
	}
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return zero, err
	}
	end := civil.Of(year, 12, 31)
	p, err := atlas.Find(province, end)
	if err != nil {
		return zero, err
	}
	if !sc.Can(auth.FiguresRead, p.ID) {
		return zero, fault.ErrForbidden
	}
	counts, err := policy.ParseParticipantCounts(file, r)
	if err != nil {
		return zero, err
	}
	inProvince := func(code string) bool {
		c, err := atlas.Find(code, end)
		return err == nil && c.Level == geo.Commune && atlas.ProvinceOf(c.ID, end).ID == p.ID
	}
	return b.SupportBudget(policy.BudgetInput{Province: province, Year: year, Counts: counts, InProvince: inProvince, WhatIf: whatIf})
}

// PolicyKinds are the policy files `phusong import` takes.
var PolicyKinds = []string{"policy", "topups"}

// ImportPolicy merges a file of rules or top-ups into the tables in force: a row
// replaces the row with the same key and start date, other rows are added. The whole
// result is validated (no overlapping periods) before anything is written.
func (a *App) ImportPolicy(ctx context.Context, sc *auth.Scope, kind, file string, r io.Reader, dryRun bool) (*ImportResult, error) {
	if !sc.CanNational(auth.PolicyWrite) {
		return nil, fault.ErrForbidden
	}
	rules, tops, err := a.Store.Policy(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: kind, File: file, DryRun: dryRun}
	switch kind {
	case "policy":
		in, err := policy.ParseRules(file, r)
		if err != nil {
			return nil, err
		}
		rules, res.Created, res.Changed = mergeRules(rules, in)
	case "topups":
		in, err := policy.ParseTopUps(file, r)
		if err != nil {
			return nil, err
		}
		for _, t := range in {
			if _, err := a.checkPlace(ctx, t.Province, "", t.ValidFrom); err != nil {
				return nil, err
			}
		}
		tops, res.Created, res.Changed = mergeTopUps(tops, in)
	default:
		return nil, fault.Newf(fault.Invalid, "loại tệp không có: %s", "unknown file kind: %s", kind)
	}
	if _, err := policy.NewBook(rules, tops); err != nil {
		return nil, err
	}
	res.Unchanged = res.Created+res.Changed == 0
	if dryRun || res.Unchanged {
		return res, nil
	}
	if err := a.Store.ReplacePolicy(ctx, rules, tops); err != nil {
		return nil, err
	}
	a.audit(ctx, sc, "import."+kind, file, fmt.Sprintf("added %d, replaced %d", res.Created, res.Changed))
	return res, nil
}

func mergeRules(have, in []policy.Rule) ([]policy.Rule, int, int) {
	type key struct {
		p, k string
		from civil.Date
	}
	idx := map[key]int{}
	for i, r := range have {
		idx[key{r.Parameter, r.Key, r.ValidFrom}] = i
	}
	added, replaced := 0, 0
	for _, r := range in {
		if i, ok := idx[key{r.Parameter, r.Key, r.ValidFrom}]; ok {
			if have[i] != r {
				have[i] = r
				replaced++
			}
			continue
		}
		idx[key{r.Parameter, r.Key, r.ValidFrom}] = len(have)
		have = append(have, r)
		added++
	}
	return have, added, replaced
}

func mergeTopUps(have, in []policy.TopUp) ([]policy.TopUp, int, int) {
	key := func(t policy.TopUp) string {
		return fmt.Sprint(t.Province, "|", t.Scheme, "|", t.Group, "|", t.ValidFrom, "|", t.Communes)
	}
	idx := map[string]int{}
	for i, t := range have {
		idx[key(t)] = i
	}
	added, replaced := 0, 0
	for _, t := range in {
		if i, ok := idx[key(t)]; ok {
			if fmt.Sprint(have[i]) != fmt.Sprint(t) {
				have[i] = t
				replaced++
			}
			continue
		}
		idx[key(t)] = len(have)
		have = append(have, t)
		added++
	}
	if have == nil {
		have = []policy.TopUp{}
	}
	return have, added, replaced
}
