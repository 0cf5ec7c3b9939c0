package targets

import (
	"math/big"
	"slices"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
)

// RatePlaces is how many decimals a rate, a gap in points and a percent of plan are
// shown with.
const RatePlaces = 2

// Point is one month of a series: the count covered on a date.
type Point struct {
	Date    civil.Date `json:"date"`
	Covered int64      `json:"covered"`
}

// Actual is what the coverage engine measured for one unit and indicator on a date.
type Actual struct {
	Indicator   Indicator
	Covered     int64             // persons covered on the date (voluntary participants for the count)
	Denominator int64             // population or labour force; needed for the *_pct indicators
	Source      DenominatorSource // where Denominator comes from
	Series      []Point           // monthly counts up to the date, for the trend; any order
}

// Progress is one indicator's line of `targets progress` (PRODUCT.md §5); the fields
// after ProjectedDate are extra.
type Progress struct {
	Indicator     Indicator   `json:"indicator"`
	Actual        Decimal     `json:"actual"` // percent (2 decimals) or count
	Target        Decimal     `json:"target"`
	GapPoints     Decimal     `json:"gap_points"` // target − actual: > 0 behind, ≤ 0 met
	GapPersons    int64       `json:"gap_persons"`
	PercentOfPlan Decimal     `json:"percent_of_plan"` // null when the target is 0
	ProjectedDate *civil.Date `json:"projected_date"`  // null when none

	Covered           int64             `json:"covered"`
	Denominator       int64             `json:"denominator,omitempty"`
	DenominatorSource DenominatorSource `json:"denominator_source,omitempty"`
	Needed            int64             `json:"needed"` // persons the target needs
	Reached           bool              `json:"reached"`
	Deadline          civil.Date        `json:"deadline"`
	Document          string            `json:"document"`
}

// Options tune the progress computation.
type Options struct {
	TrendMonths int // months of the series the trend is fitted on; 0 means DefaultTrendMonths
}

// DefaultTrendMonths is half a year: long enough to smooth a month of renewals
// falling due together, short enough to follow a campaign.
const DefaultTrendMonths = 6

// ProgressOn measures a against target t on day d (see the package comment for the
// rules).
func ProgressOn(t Target, a Actual, d civil.Date, o Options) (Progress, error) {
	if err := checkActual(t, a); err != nil {
		return Progress{}, err
	}
	p := Progress{Indicator: t.Indicator, Target: t.Value, Covered: a.Covered, Deadline: t.Deadline, Document: t.Document}
	tv, _ := t.Value.Rat()
	var rate *big.Rat // exact actual, in the target's unit
	if t.Indicator.IsPercent() {
		p.Denominator, p.DenominatorSource = a.Denominator, a.Source
		p.Needed = PersonsFor(tv, a.Denominator)
		rate = new(big.Rat).Mul(big.NewRat(a.Covered, a.Denominator), hundred)
		p.Actual = DecimalOf(rate, RatePlaces)
		shown, _ := p.Actual.Rat()
		p.GapPoints = DecimalOf(new(big.Rat).Sub(tv, shown), RatePlaces)
	} else {
		p.Needed = tv.Num().Int64()
		rate = new(big.Rat).SetInt64(a.Covered)
		p.Actual = IntDecimal(a.Covered)
		p.GapPoints = IntDecimal(p.Needed - a.Covered)
	}
	p.GapPersons = max(0, p.Needed-a.Covered)
	p.Reached = p.GapPersons == 0
	if tv.Sign() != 0 {
		p.PercentOfPlan = DecimalOf(new(big.Rat).Mul(new(big.Rat).Quo(rate, tv), hundred), RatePlaces)
	}
	months := cmp0(o.TrendMonths, DefaultTrendMonths)
	if p.Reached {
		p.ProjectedDate = reachedOn(a.Series, p.Needed, d)
	} else {
		p.ProjectedDate = projectedDate(window(a.Series, d, months), p.Needed, d)
	}
	return p, nil
}

func cmp0(v, dflt int) int {
	if v <= 0 {
		return dflt
	}
	return v
}

// PersonsFor is the whole persons a percent of a denominator needs: the percent
// rounded up to a person, exactly (96 % of 800,654 = 768,627.84 → 768,628).
func PersonsFor(pct *big.Rat, denominator int64) int64 {
	r := new(big.Rat).Mul(pct, big.NewRat(denominator, 100))
	return ceil(r).Int64()
}

func checkActual(t Target, a Actual) error {
	if err := t.Check(); err != nil {
		return err
	}
	if a.Indicator != t.Indicator {
		return fault.Newf(fault.Internal, "số liệu %s đối chiếu với chỉ tiêu %s", "figures for %s measured against a %s target", a.Indicator, t.Indicator)
	}
	if a.Covered < 0 {
		return fault.Newf(fault.Invalid, "số người tham gia âm (%d) ở %s", "negative covered count (%d) in %s", a.Covered, t.UnitCode)
	}
	if t.Indicator.IsPercent() && a.Denominator <= 0 {
		return fault.Newf(fault.NotFound,
			"chưa có %s của %s để tính tỷ lệ %s: hãy nhập số liệu mẫu số (denominators)",
			"no %s for %s to compute %s: import the denominators",
			t.Indicator.Denominator(), t.UnitCode, t.Indicator)
	}
	return nil
}

// UnitProgress is the whole `targets progress` object of a unit on a date.
type UnitProgress struct {
	UnitCode        string     `json:"unit_code"`
	Date            civil.Date `json:"date"`
	Indicators      []Progress `json:"indicators"`
	GapPersonsTotal int64      `json:"gap_persons_total"`
}

// UnitProgressOn measures each indicator of actuals against the unit's target in
// force on d (InForce); an indicator without a target is left out. Indicators come
// in the order of Indicators; actuals hold each indicator at most once.
func UnitProgressOn(unit string, d civil.Date, ts []Target, actuals []Actual, o Options) (UnitProgress, error) {
	up := UnitProgress{UnitCode: unit, Date: d, Indicators: []Progress{}}
	sorted := slices.Clone(actuals)
	slices.SortStableFunc(sorted, func(a, b Actual) int {
		return slices.Index(Indicators, a.Indicator) - slices.Index(Indicators, b.Indicator)
	})
	for i, a := range sorted {
		if i > 0 && sorted[i-1].Indicator == a.Indicator {
			return UnitProgress{}, fault.Newf(fault.Internal, "số liệu %s của %s bị lặp", "figures for %s of %s given twice", a.Indicator, unit)
		}
		t, ok := InForce(ts, unit, a.Indicator, d)
		if !ok {
			continue
		}
		p, err := ProgressOn(t, a, d, o)
		if err != nil {
			return UnitProgress{}, err
		}
		up.Indicators = append(up.Indicators, p)
		up.GapPersonsTotal += p.GapPersons
	}
	return up, nil
}
