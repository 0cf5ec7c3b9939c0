package app

import (
	"context"
	"sort"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
)

// Dashboard is what a committee sees on a unit's page: the headline rates of each
// scheme against the targets, the persons still needed, every child unit with its
// rates and gap, and the monthly trend.
type Dashboard struct {
	Schemes  []CoverageResult `json:"schemes"` // bhyt, bhxh, bhtn, each with children
	Progress *ProgressResult  `json:"progress"`
	Children []ChildRow       `json:"children"`
	Trend    []TrendPoint     `json:"trend"`
}

// ChildRow is one child unit in the dashboard's table.
type ChildRow struct {
	Code       string   `json:"unit_code"`
	Ref        string   `json:"ref"` // the code to name it by: COMMUNE/VILLAGE for a village
	Name       string   `json:"name"`
	BHYTRate   *float64 `json:"bhyt_rate"`
	BHXHRate   *float64 `json:"bhxh_rate"`
	BHTNRate   *float64 `json:"bhtn_rate"`
	Covered    int64    `json:"bhyt_covered"`
	GapPersons int64    `json:"gap_persons"`
}

// TrendPoint is the covered count of each scheme at a month end.
type TrendPoint struct {
	Date civil.Date `json:"date"`
	BHYT int64      `json:"bhyt"`
	BHXH int64      `json:"bhxh"`
	BHTN int64      `json:"bhtn"`
}

// DashboardOf builds the dashboard of a unit on d; sortBy orders the children:
// gap (persons needed, default), rate (BHYT rate, lowest first) or name.
func (a *App) DashboardOf(ctx context.Context, sc *auth.Scope, code string, d civil.Date, sortBy string) (*Dashboard, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	if !sc.Can(auth.FiguresRead, u.ID) {
		return nil, fault.ErrForbidden
	}
	db := &Dashboard{}
	for _, s := range []string{"bhyt", "bhxh", "bhtn"} {
		r, err := a.Coverage(ctx, sc, CoverageQuery{Code: code, Date: d, Scheme: s, ByChildren: true})
		if err != nil {
			return nil, err
		}
		db.Schemes = append(db.Schemes, *r)
	}
	if db.Progress, err = a.TargetsProgress(ctx, sc, code, d); err != nil {
		return nil, err
	}
	db.Children = childRows(db, sortBy)
	for i := range db.Children {
		db.Children[i].Ref = db.Children[i].Code
		if u.Level == geo.Commune { // its children are villages
			db.Children[i].Ref = geo.VillageRef(u.Code, db.Children[i].Code)
		}
	}
	e, err := a.engine(ctx)
	if err != nil {
		return nil, err
	}
	db.Trend = e.trend(atlas, u, d)
	return db, nil
}

func childRows(db *Dashboard, sortBy string) []ChildRow {
	gap := map[string]int64{}
	for _, c := range db.Progress.Children {
		gap[c.UnitCode] = c.GapPersonsTotal
	}
	rows := make([]ChildRow, len(db.Schemes[0].Children))
	for i, c := range db.Schemes[0].Children {
		rows[i] = ChildRow{Code: c.UnitCode, Name: c.Name, BHYTRate: c.RatePercent, Covered: c.Covered, GapPersons: gap[c.UnitCode],
			BHXHRate: db.Schemes[1].Children[i].RatePercent, BHTNRate: db.Schemes[2].Children[i].RatePercent}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		switch sortBy {
		case "name":
			return geo.CompareVI(rows[i].Name, rows[j].Name) < 0
		case "rate":
			return value(rows[i].BHYTRate) < value(rows[j].BHYTRate)
		}
		return rows[i].GapPersons > rows[j].GapPersons
	})
	return rows
}

func value(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// trend is the month ends of the last year up to d, and d itself, for each scheme, for units the engine indexes
// directly (communes, villages, provinces); a village's on d's boundaries (onVillage).
func (e *engine) trend(atlas *geo.Atlas, u *geo.Unit, d civil.Date) []TrendPoint {
	if _, ok := e.area(u); !ok {
		return nil
	}
	var out []TrendPoint
	for m := d.AddMonths(-11).MonthEnd(); ; m = m.AddDays(1).MonthEnd() {
		if m > d {
			m = d // the last point is the day asked for
		}
		p := TrendPoint{Date: m}
		p.BHYT, _ = e.unitFigure(atlas, u, d, e.covered(coverage.BHYT, m))
		p.BHXH, _ = e.unitFigure(atlas, u, d, e.covered(coverage.BHXH, m))
		p.BHTN, _ = e.unitFigure(atlas, u, d, e.covered(coverage.BHTN, m))
		out = append(out, p)
		if m == d {
			return out
		}
	}
}
