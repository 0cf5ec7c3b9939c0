package targets

import (
	"math"
	"math/big"
	"slices"

	"github.com/phusong/phusong/internal/civil"
)

// window is the series points of the months before d, up to d, in date order: those
// after d.AddMonths(−months) and on or before d. With month-end points and d a month
// end this is exactly `months` points.
func window(series []Point, d civil.Date, months int) []Point {
	return between(series, d.AddMonths(-months), d)
}

// between is the points after from and on or before to, in date order.
func between(series []Point, from, to civil.Date) []Point {
	var out []Point
	for _, p := range series {
		if p.Date > from && p.Date <= to {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Point) int { return int(a.Date) - int(b.Date) })
	return out
}

// projectedDate fits covered = a + b·days by least squares on pts and returns the
// first day on which the line reaches needed; nil when fewer than two dates, when
// b ≤ 0 or when the day lies beyond civil.Max. A day not after d (the line is above
// the target but the count is not) becomes the day after d.
func projectedDate(pts []Point, needed int64, d civil.Date) *civil.Date {
	if len(pts) < 2 {
		return nil
	}
	x0 := int64(pts[0].Date)
	var n, sx, sy, sxx, sxy big.Int
	n.SetInt64(int64(len(pts)))
	for _, p := range pts {
		x, y := big.NewInt(int64(p.Date)-x0), big.NewInt(p.Covered)
		sx.Add(&sx, x)
		sy.Add(&sy, y)
		sxx.Add(&sxx, new(big.Int).Mul(x, x))
		sxy.Add(&sxy, new(big.Int).Mul(x, y))
	}
	// b = (n·Σxy − Σx·Σy) / (n·Σx² − (Σx)²); the divisor is > 0 unless all x are equal.
	bNum := new(big.Int).Sub(new(big.Int).Mul(&n, &sxy), new(big.Int).Mul(&sx, &sy))
	bDen := new(big.Int).Sub(new(big.Int).Mul(&n, &sxx), new(big.Int).Mul(&sx, &sx))
	if bDen.Sign() <= 0 || bNum.Sign() <= 0 {
		return nil
	}
	b := new(big.Rat).SetFrac(bNum, bDen)
	// a = (Σy − b·Σx) / n; the line reaches needed at x = (needed − a) / b.
	a := new(big.Rat).Sub(new(big.Rat).SetInt(&sy), new(big.Rat).Mul(b, new(big.Rat).SetInt(&sx)))
	a.Quo(a, new(big.Rat).SetInt(&n))
	x := new(big.Rat).Sub(new(big.Rat).SetInt64(needed), a)
	x.Quo(x, b)
	day := ceil(x)
	day.Add(day, big.NewInt(x0))
	if day.Cmp(big.NewInt(int64(civil.Max))) > 0 {
		return nil
	}
	out := max(civil.Date(day.Int64()), d+1)
	return &out
}

// reachedOn is the date of the first point of the last run of points at or above
// needed (up to d), when a point below needed comes before it; else nil, since the
// series does not show when the target was reached.
func reachedOn(series []Point, needed int64, d civil.Date) *civil.Date {
	pts := between(series, math.MinInt32, d)
	i := len(pts)
	for i > 0 && pts[i-1].Covered >= needed {
		i--
	}
	if i == 0 || i == len(pts) {
		return nil
	}
	on := pts[i].Date
	return &on
}
