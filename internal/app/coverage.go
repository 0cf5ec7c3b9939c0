package app

import (
	"context"
	"math/big"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
)

// CoverageQuery asks for coverage of a unit on a date (PRODUCT.md M4).
type CoverageQuery struct {
	Code       string
	Date       civil.Date
	Scheme     string // bhyt, bhxh, bhtn
	Basis      string // residence (default) or issuing
	ByChildren bool
	GroupBy    string // payer_group, sex, age_band, kind (optional)
	// SeriesMonths asks for the monthly series of the last N months (month ends up to
	// the date), for units the index holds directly (province, commune, village).
	SeriesMonths int
}

// CoverageResult is the `coverage` JSON object of PRODUCT.md §5, with a few more fields.
type CoverageResult struct {
	UnitCode          string           `json:"unit_code"`
	Name              string           `json:"name"`
	Level             geo.Level        `json:"level"`
	Date              civil.Date       `json:"date"`
	Scheme            string           `json:"scheme"`
	Basis             string           `json:"basis"`
	Covered           int64            `json:"covered"`
	Denominator       int64            `json:"denominator"`
	DenominatorSource string           `json:"denominator_source"` // statistics, registry or none
	DenominatorYear   int              `json:"denominator_year,omitempty"`
	RatePercent       *float64         `json:"rate_percent"`
	InsuredElsewhere  *int64           `json:"insured_elsewhere,omitempty"` // BHYT residents whose card another province issued
	Breakdown         []coverage.Count `json:"breakdown,omitempty"`
	Series            []coverage.Point `json:"series,omitempty"`
	Children          []CoverageResult `json:"children,omitempty"`
}

// Coverage answers a coverage query within the caller's grants.
func (a *App) Coverage(ctx context.Context, sc *auth.Scope, q CoverageQuery) (*CoverageResult, error) {
	atlas, u, err := a.UnitAt(ctx, sc, q.Code, q.Date)
	if err != nil {
		return nil, err
	}
	if !sc.Can(auth.FiguresRead, u.ID) {
		return nil, fault.ErrForbidden
	}
	scheme, err := coverage.ParseScheme(orDefault(q.Scheme, "bhyt"))
	if err != nil {
		return nil, fault.New(fault.Invalid, err.Error(), err.Error())
	}
	basis, err := coverage.ParseBasis(orDefault(q.Basis, "residence"))
	if err != nil {
		return nil, fault.New(fault.Invalid, err.Error(), err.Error())
	}
	if basis == coverage.ByIssuing && (u.Level != geo.Province || scheme != coverage.BHYT) {
		return nil, fault.New(fault.Invalid, "tính theo nơi phát hành thẻ chỉ cho BHYT cấp tỉnh", "the issuing basis is for BHYT of a province")
	}
	e, err := a.engine(ctx)
	if err != nil {
		return nil, err
	}
	units := []*geo.Unit{u}
	if q.ByChildren {
		for _, c := range atlas.Children(u.ID, q.Date) {
			if sc.Can(auth.FiguresRead, c.ID) {
				units = append(units, c)
			}
		}
	}
	res, err := a.measure(ctx, e, atlas, units, scheme, q.Date)
	if err != nil {
		return nil, err
	}
	for i := range res {
		res[i].Scheme, res[i].Basis = orDefault(q.Scheme, "bhyt"), orDefault(q.Basis, "residence")
	}
	if basis == coverage.ByIssuing {
		prov, _ := coverage.ParseProvince(u.Code)
		res[0].Covered, _ = e.idx.Covered(coverage.InProvince(prov, coverage.ByIssuing), scheme, q.Date)
		res[0].RatePercent = rate(res[0].Covered, res[0].Denominator)
	}
	if err := e.fillDetail(&res[0], u, scheme, basis, q); err != nil {
		return nil, err
	}
	out := res[0]
	out.Children = res[1:]
	if q.SeriesMonths > 0 {
		area, ok := e.area(u)
		if basis == coverage.ByIssuing {
			prov, _ := coverage.ParseProvince(u.Code)
			area, ok = coverage.InProvince(prov, coverage.ByIssuing), true
		}
		if ok {
			if out.Series, err = e.idx.MonthEnds(area, scheme, q.Date.AddMonths(-q.SeriesMonths), q.Date); err != nil {
				return nil, fault.New(fault.Invalid, err.Error(), err.Error())
			}
			if u.Level == geo.Village { // on the boundaries of the date asked
				for i, p := range out.Series {
					out.Series[i].Covered = e.onVillage(atlas, u, q.Date, e.covered(scheme, p.Date))
				}
			}
		}
	}
	return &out, nil
}

// measure counts the covered persons of units on d, with their denominators and rates.
func (a *App) measure(ctx context.Context, e *engine, atlas *geo.Atlas, units []*geo.Unit, s coverage.Scheme, d civil.Date) ([]CoverageResult, error) {
	counts := e.memoised(memoKey{s.String(), d}, func() map[int64]int64 { return e.countsOn(atlas, s, d) })
	res := make([]CoverageResult, len(units))
	for i, x := range units {
		res[i] = CoverageResult{UnitCode: x.Code, Name: x.NameOn(d).FullName, Level: x.Level, Date: d, Scheme: s.String(),
			Basis: "residence", Covered: e.coveredUnit(atlas, x, counts, s, d)}
	}
	return res, a.fillDenominators(ctx, e, atlas, units, res, s, d)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// countsOn is the covered count of every commune, district and province on d, on
// the boundaries of d: persons live in the communes of the day their records were
// imported; a commune not in force on d is carried onto d's units by lineage share.
func (e *engine) countsOn(atlas *geo.Atlas, s coverage.Scheme, d civil.Date) map[int64]int64 {
	per := make([]int64, len(e.communeIDs))
	if err := e.idx.AllCommunes(s, d, per); err != nil {
		return nil
	}
	out := map[int64]int64{}
	add := func(u *geo.Unit, n int64) {
		out[u.ID] += n
		for _, anc := range atlas.Ancestors(u.ID, d) {
			out[anc.ID] += n
		}
	}
	for i, n := range per {
		if n == 0 {
			continue
		}
		u := atlas.Unit(e.communeIDs[i])
		if u.ValidOn(d) {
			add(u, n)
			continue
		}
		for to, part := range atlas.Apportion(u, u.LastDay(), d, n) {
			add(to, part)
		}
	}
	return out
}

// coveredUnit is a unit's count: villages from the engine, others from countsOn.
func (e *engine) coveredUnit(atlas *geo.Atlas, u *geo.Unit, counts map[int64]int64, s coverage.Scheme, d civil.Date) int64 {
	if u.Level == geo.Village {
		return e.onVillage(atlas, u, d, e.covered(s, d))
	}
	return counts[u.ID]
}

// covered counts an area's covered persons in a scheme on d (0 for an area the index
// does not hold).
func (e *engine) covered(s coverage.Scheme, d civil.Date) func(coverage.Area) int64 {
	return func(a coverage.Area) int64 {
		n, _ := e.idx.Covered(a, s, d)
		return n
	}
}

// onVillage is a figure of village u on the boundaries of date on: count of the
// persons filed under u, plus count of each village not in force on that date that
// lineage carries onto u, by share with the largest remainder (as countsOn carries
// communes). Persons stay filed under the village their records named: a village
// merged in 2026 counts the persons filed under the old villages after the merge,
// and before it the persons registered later under the new one count in the old
// ones. count may measure another date than on (a series on the boundaries of its
// last day).
func (e *engine) onVillage(atlas *geo.Atlas, u *geo.Unit, on civil.Date, count func(coverage.Area) int64) int64 {
	var n int64
	if v, ok := e.villageOf[u.ID]; ok {
		n = count(coverage.InVillage(v))
	}
	for _, r := range atlas.Related(u.ID) {
		v, ok := e.villageOf[r.ID]
		if !ok || r.ValidOn(on) {
			continue
		}
		if c := count(coverage.InVillage(v)); c != 0 {
			n += atlas.Apportion(r, r.LastDay(), on, c)[u]
		}
	}
	return n
}

// unitFigure is a figure the index holds for u, on the boundaries of date on: a
// province's or commune's own, a village's carried by lineage (onVillage); false for
// other units.
func (e *engine) unitFigure(atlas *geo.Atlas, u *geo.Unit, on civil.Date, count func(coverage.Area) int64) (int64, bool) {
	area, ok := e.area(u)
	switch {
	case !ok:
		return 0, false
	case u.Level == geo.Village:
		return e.onVillage(atlas, u, on, count), true
	}
	return count(area), true
}

// fillDetail adds the breakdown and the insured-elsewhere count where the engine
// has them for the unit (a commune in the index, or a province by residence).
func (e *engine) fillDetail(r *CoverageResult, u *geo.Unit, s coverage.Scheme, b coverage.Basis, q CoverageQuery) error {
	var area coverage.Area
	switch c, ok := e.communeOf[u.ID]; {
	case ok && u.Level == geo.Commune:
		area = coverage.InCommune(c)
	case u.Level == geo.Province && b == coverage.ByResidence:
		prov, _ := coverage.ParseProvince(u.Code)
		area = coverage.InProvince(prov, coverage.ByResidence)
	default:
		if q.GroupBy != "" {
			return fault.New(fault.Invalid, "chia theo nhóm chỉ có cho tỉnh và xã", "group-by is available for provinces and communes")
		}
		return nil
	}
	if s == coverage.BHYT {
		n, err := e.idx.Elsewhere(area, q.Date)
		if err == nil {
			r.InsuredElsewhere = &n
		}
	}
	if q.GroupBy == "" {
		return nil
	}
	dim, err := coverage.ParseDim(q.GroupBy)
	if err != nil {
		return fault.New(fault.Invalid, err.Error(), err.Error())
	}
	r.Breakdown, err = e.idx.Breakdown(area, s, dim, q.Date)
	if err != nil {
		return fault.New(fault.Invalid, err.Error(), err.Error())
	}
	return nil
}

// fillDenominators takes imported statistics where there are some (population for
// BHYT, labour force for BHXH and BHTN), else counts the resident registry (all
// residents, or those aged 15 to 59 on the date), and computes the rate.
func (a *App) fillDenominators(ctx context.Context, e *engine, atlas *geo.Atlas, units []*geo.Unit, res []CoverageResult, s coverage.Scheme, d civil.Date) error {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	stats, err := a.Store.Denominators(ctx, ids, d.Year())
	if err != nil {
		return err
	}
	var all, working map[int64]int64
	for _, u := range units {
		if _, ok := stats[u.ID]; !ok {
			all, working = e.residentsMemo(atlas, d)
			break
		}
	}
	for i, u := range units {
		r := &res[i]
		r.DenominatorSource = "none"
		if st, ok := stats[u.ID]; ok {
			r.Denominator, r.DenominatorSource, r.DenominatorYear = st.Population, "statistics", st.Year
			if s != coverage.BHYT {
				r.Denominator = st.LabourForce
			}
		} else if all[u.ID] > 0 {
			r.Denominator, r.DenominatorSource = all[u.ID], "registry"
			if s != coverage.BHYT {
				r.Denominator = working[u.ID]
			}
		}
		r.RatePercent = rate(r.Covered, r.Denominator)
	}
	return nil
}

// rate is covered ÷ denominator in percent, rounded half up to two decimals; nil
// without a denominator.
func rate(covered, den int64) *float64 {
	if den <= 0 {
		return nil
	}
	x := new(big.Rat).SetFrac64(covered*10000, den)
	x.Add(x, big.NewRat(1, 2))
	hundredths := new(big.Int).Quo(x.Num(), x.Denom())
	f := float64(hundredths.Int64()) / 100
	return &f
}
