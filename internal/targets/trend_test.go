package targets

import (
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// monthEnds is a series on the last day of each month from first, covered given by
// f of the days since first.
func monthEnds(first string, n int, f func(days int) int64) []Point {
	start := civil.MustParse(first)
	out := make([]Point, n)
	for i := range out {
		d := start.AddMonths(i).MonthEnd()
		out[i] = Point{Date: d, Covered: f(start.DaysUntil(d))}
	}
	return out
}

func TestProjectedDate(t *testing.T) {
	d := civil.MustParse("2025-05-31")
	linear := func(days int) int64 { return 250_000 + 20*int64(days) }
	// 96 % of 283,088 is 271,765 persons; the line 250,000 + 20 a day from 31/12/2024
	// reaches it after 21,765 / 20 = 1,088.25 days, so on day 1,089: 25/12/2027.
	early := []Point{{civil.MustParse("2024-10-31"), 100}, {civil.MustParse("2024-11-30"), 900_000}} // outside 6 months
	tests := []struct {
		name   string
		series []Point
		months int
		want   string // "" = none
	}{
		{"linear", monthEnds("2024-12-31", 6, linear), 0, "2027-12-25"},
		{"older points outside the window", append(early, monthEnds("2024-12-31", 6, linear)...), 0, "2027-12-25"},
		{"points after the date ignored", append(monthEnds("2024-12-31", 6, linear), Point{civil.MustParse("2025-06-30"), 0}), 0, "2027-12-25"},
		{"three months", lastLinear(3, linear), 3, "2027-12-25"},
		{"flat", monthEnds("2024-12-31", 6, func(int) int64 { return 253_000 }), 0, ""},
		{"falling", monthEnds("2024-12-31", 6, func(days int) int64 { return 260_000 - int64(days) }), 0, ""},
		{"one point", monthEnds("2025-05-31", 1, linear), 0, ""},
		{"no points", nil, 0, ""},
		{"two points on one day", []Point{{d, 1}, {d, 2}}, 0, ""},
		// the line is above the target at its last point though the count is not:
		// the earliest possible day is the one after the date
		{"line already past the target", monthEnds("2024-12-31", 6, func(days int) int64 { return 271_000 + 10*int64(days) }), 0, "2025-06-01"},
	}
	tgt := target("24778", BHYTPopulationPct, "2025-12-31", "96")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ProgressOn(tgt, Actual{Indicator: BHYTPopulationPct, Covered: 263_299, Denominator: 283_088, Series: tt.series}, d, Options{TrendMonths: tt.months})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p.ProjectedDate != nil {
				got = p.ProjectedDate.String()
			}
			if got != tt.want {
				t.Errorf("projected %q, want %q", got, tt.want)
			}
		})
	}
}

// lastLinear is six month ends from 31/12/2024 of which only the last n follow f,
// the others falling steeply: only a window of n months sees the line.
func lastLinear(n int, f func(int) int64) []Point {
	pts := monthEnds("2024-12-31", 6, f)
	for i := range pts[:6-n] {
		pts[i].Covered = 900_000 - 1_000*int64(i)
	}
	return pts
}

func TestProjectedDateTooFar(t *testing.T) {
	// one person in five months: the target of 271,765 would take 6 million years
	pts := []Point{{civil.MustParse("2024-12-31"), 0}, {civil.MustParse("2025-05-31"), 1}}
	if got := projectedDate(pts, 271_765, civil.MustParse("2025-05-31")); got != nil {
		t.Errorf("projected %v", got)
	}
}

func TestReachedOn(t *testing.T) {
	d := civil.MustParse("2025-05-31")
	tests := []struct {
		name   string
		series []int64 // month ends from 31/12/2024
		want   string
	}{
		{"crossed in February", []int64{9_000, 9_400, 9_520, 9_600, 9_650, 9_700}, "2025-02-28"},
		{"crossed, dipped, crossed again", []int64{9_600, 9_400, 9_550, 9_490, 9_600, 9_700}, "2025-04-30"},
		{"above all along: unknown", []int64{9_600, 9_650, 9_700, 9_700, 9_700, 9_700}, ""},
		{"last point below: reached after it", []int64{9_000, 9_100, 9_200, 9_300, 9_400, 9_490}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series := monthEnds("2024-12-31", len(tt.series), func(int) int64 { return 0 })
			for i := range series {
				series[i].Covered = tt.series[i]
			}
			p, err := ProgressOn(target("24778", BHYTPopulationPct, "2025-12-31", "95"),
				Actual{Indicator: BHYTPopulationPct, Covered: 9_700, Denominator: 10_000, Series: series}, d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p.ProjectedDate != nil {
				got = p.ProjectedDate.String()
			}
			if !p.Reached || got != tt.want {
				t.Errorf("reached %v on %q, want %q", p.Reached, got, tt.want)
			}
		})
	}
}
