package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/targets"
)

// ProgressResult is `targets progress` (PRODUCT.md §5) with the children ranked by
// the persons they still need.
type ProgressResult struct {
	targets.UnitProgress
	Name     string     `json:"name"`
	Children []ChildGap `json:"children,omitempty"`
}

// ChildGap is a child unit's progress, ranked by the persons it still needs over all
// indicators (1 = furthest behind); ties in Vietnamese name order.
type ChildGap struct {
	targets.UnitProgress
	Name string `json:"name"`
	Rank int    `json:"rank"`
}

// indicatorScheme says which count and denominator measure an indicator.
var indicatorScheme = map[targets.Indicator]coverage.Scheme{
	targets.BHYTPopulationPct:  coverage.BHYT,
	targets.BHXHLabourPct:      coverage.BHXH,
	targets.BHTNLabourPct:      coverage.BHTN,
	targets.VoluntaryBHXHCount: coverage.BHXH,
}

// TargetsProgress measures a unit (and its children) against the targets in force.
func (a *App) TargetsProgress(ctx context.Context, sc *auth.Scope, code string, d civil.Date) (*ProgressResult, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	if !sc.Can(auth.FiguresRead, u.ID) {
		return nil, fault.ErrForbidden
	}
	units := []*geo.Unit{u}
	for _, c := range atlas.Children(u.ID, d) {
		if sc.Can(auth.FiguresRead, c.ID) {
			units = append(units, c)
		}
	}
	ps, err := a.progressOf(ctx, atlas, units, d)
	if err != nil {
		return nil, err
	}
	res := &ProgressResult{UnitProgress: ps[0], Name: u.NameOn(d).FullName}
	for i, c := range units[1:] {
		res.Children = append(res.Children, ChildGap{UnitProgress: ps[i+1], Name: c.NameOn(d).FullName})
	}
	sort.SliceStable(res.Children, func(i, j int) bool {
		a, b := res.Children[i], res.Children[j]
		if a.GapPersonsTotal != b.GapPersonsTotal {
			return a.GapPersonsTotal > b.GapPersonsTotal
		}
		return geo.CompareVI(a.Name, b.Name) < 0
	})
	for i := range res.Children {
		res.Children[i].Rank = i + 1
	}
	return res, nil
}

func (a *App) progressOf(ctx context.Context, atlas *geo.Atlas, units []*geo.Unit, d civil.Date) ([]targets.UnitProgress, error) {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	rows, err := a.Store.Targets(ctx, ids)
	if err != nil {
		return nil, err
	}
	byUnit := map[int64][]targets.Target{}
	for _, r := range rows {
		byUnit[r.UnitID] = append(byUnit[r.UnitID], targetOf(atlas, r))
	}
	e, err := a.engine(ctx)
	if err != nil {
		return nil, err
	}
	actuals, err := a.actuals(ctx, e, atlas, units, d)
	if err != nil {
		return nil, err
	}
	out := make([]targets.UnitProgress, len(units))
	for i, u := range units {
		if out[i], err = targets.UnitProgressOn(u.Code, d, byUnit[u.ID], actuals[i], targets.Options{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func targetOf(atlas *geo.Atlas, r store.TargetRow) targets.Target {
	code := ""
	if u := atlas.Unit(r.UnitID); u != nil {
		code = u.Code
	}
	return targets.Target{UnitCode: code, UnitID: r.UnitID, Indicator: targets.Indicator(r.Indicator), Deadline: r.Deadline, Value: targets.Decimal(r.Value), Document: r.Document}
}

// actuals measures every indicator of each unit on d: the covered count from the
// coverage engine, the denominator as `coverage` takes it (one pass per scheme for
// all the units), and six month-ends of history for the trend (units the engine
// indexes directly: communes, villages and provinces). An indicator without a
// denominator is left out: there is no rate to compare.
func (a *App) actuals(ctx context.Context, e *engine, atlas *geo.Atlas, units []*geo.Unit, d civil.Date) ([][]targets.Actual, error) {
	out := make([][]targets.Actual, len(units))
	for _, ind := range targets.Indicators {
		rs, err := a.measure(ctx, e, atlas, units, indicatorScheme[ind], d)
		if err != nil {
			return nil, err
		}
		for i, u := range units {
			r := rs[i]
			act := targets.Actual{Indicator: ind, Covered: r.Covered, Denominator: r.Denominator, Source: targets.DenominatorSource(r.DenominatorSource)}
			if ind == targets.VoluntaryBHXHCount {
				act.Covered, _ = e.unitFigure(atlas, u, d, e.voluntary(d))
			}
			if ind.IsPercent() && act.Denominator == 0 {
				continue
			}
			act.Series = e.series(atlas, u, ind, d)
			out[i] = append(out[i], act)
		}
	}
	return out, nil
}

// area is the engine's area for a unit it indexes directly.
func (e *engine) area(u *geo.Unit) (coverage.Area, bool) {
	switch u.Level {
	case geo.Commune:
		c, ok := e.communeOf[u.ID]
		return coverage.InCommune(c), ok
	case geo.Village:
		v, ok := e.villageOf[u.ID]
		return coverage.InVillage(v), ok
	case geo.Province:
		p, err := coverage.ParseProvince(u.Code)
		return coverage.InProvince(p, coverage.ByResidence), err == nil
	}
	return coverage.Area{}, false
}

// voluntary counts an area's voluntary BHXH participants on d.
func (e *engine) voluntary(d civil.Date) func(coverage.Area) int64 {
	return func(area coverage.Area) int64 {
		counts, err := e.idx.Breakdown(area, coverage.BHXH, coverage.DimKind, d)
		if err != nil {
			return 0
		}
		for _, c := range counts {
			if c.Value == "voluntary" {
				return c.Covered
			}
		}
		return 0
	}
}

// series is an indicator's count at the last six month ends up to d, on d's
// boundaries, for units the engine indexes (nil for others).
func (e *engine) series(atlas *geo.Atlas, u *geo.Unit, ind targets.Indicator, d civil.Date) []targets.Point {
	from := d.AddMonths(-6)
	var out []targets.Point
	for m := from.MonthEnd(); m <= d; m = m.AddDays(1).MonthEnd() {
		count := e.covered(indicatorScheme[ind], m)
		if ind == targets.VoluntaryBHXHCount {
			count = e.voluntary(m)
		}
		n, ok := e.unitFigure(atlas, u, d, count) // on d's boundaries
		if !ok {
			return nil
		}
		out = append(out, targets.Point{Date: m, Covered: n})
	}
	return out
}

// SplitTargets splits a unit's target over its children on the date and, unless
// dryRun, saves the children's targets.
func (a *App) SplitTargets(ctx context.Context, sc *auth.Scope, code string, ind targets.Indicator, deadline, d civil.Date, method targets.Method, manual map[string]string, dryRun bool) (*targets.SplitResult, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	if !sc.Can(auth.TargetsWrite, u.ID) {
		return nil, fault.ErrForbidden
	}
	rows, err := a.Store.Targets(ctx, []int64{u.ID})
	if err != nil {
		return nil, err
	}
	var parent *targets.Target
	for _, r := range rows {
		if targets.Indicator(r.Indicator) == ind && r.Deadline == deadline {
			t := targetOf(atlas, r)
			parent = &t
		}
	}
	if parent == nil {
		return nil, fault.Newf(fault.NotFound, "đơn vị %s chưa có chỉ tiêu %s hạn %s", "unit %s has no %s target due %s", code, ind, deadline.String())
	}
	req, err := a.splitRequest(ctx, atlas, u, *parent, d, method, manual)
	if err != nil {
		return nil, err
	}
	res, err := targets.Split(req)
	if err != nil || dryRun {
		return &res, err
	}
	var save []store.TargetRow
	for _, c := range res.Children {
		save = append(save, store.TargetRow{UnitID: c.UnitID, Indicator: string(c.Indicator), Deadline: c.Deadline, Value: string(c.Value), Document: c.Document})
	}
	if err := a.Store.SaveTargets(ctx, save, sc.Username); err != nil {
		return nil, err
	}
	a.audit(ctx, sc, "targets.split", code, fmt.Sprintf("%s %s %s", ind, deadline, method))
	return &res, nil
}

func (a *App) splitRequest(ctx context.Context, atlas *geo.Atlas, u *geo.Unit, parent targets.Target, d civil.Date, method targets.Method, manual map[string]string) (targets.SplitRequest, error) {
	scheme := indicatorScheme[parent.Indicator].String()
	q := CoverageQuery{Code: u.Code, Date: d, Scheme: scheme, ByChildren: true}
	cov, err := a.Coverage(ctx, System, q)
	if err != nil {
		return targets.SplitRequest{}, err
	}
	req := targets.SplitRequest{Parent: parent, ParentDenominator: cov.Denominator, Method: method}
	for _, c := range cov.Children {
		cu, _ := atlas.Find(c.UnitCode, d)
		req.Children = append(req.Children, targets.Share{UnitCode: c.UnitCode, UnitID: cu.ID, Denominator: c.Denominator, Value: targets.Decimal(manual[c.UnitCode])})
	}
	return req, nil
}
