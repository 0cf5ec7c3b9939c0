package geo

import (
	"math/big"
	"sort"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
)

// Figure is a whole-number figure (persons, đồng) recorded against a unit code.
type Figure struct {
	UnitCode string `json:"unit_code"`
	Value    int64  `json:"value"`
}

// Unmapped is a figure that could not be carried to the target date, and why.
type Unmapped struct {
	UnitCode string `json:"unit_code"`
	Value    int64  `json:"value"`
	VI       string `json:"reason_vi"`
	EN       string `json:"reason_en"`
}

// Rebase carries figures keyed by the units valid on from onto the units valid on to.
// Going forward, a unit's figure follows its successors by share (a split commune's
// figure is apportioned); going back, a merged unit's figure is apportioned over its
// predecessors in proportion to the shares they gave it. Each figure is split by the
// largest-remainder method, so totals are kept exactly. The input is not changed:
// recorded figures are never rewritten.
func (a *Atlas) Rebase(from, to civil.Date, figs []Figure) ([]Figure, []Unmapped) {
	sums := map[string]int64{}
	var lost []Unmapped
	for _, f := range figs {
		u, err := a.Find(f.UnitCode, from)
		if err != nil {
			vi, en := fault.Messages(err)
			lost = append(lost, Unmapped{f.UnitCode, f.Value, vi, en})
			continue
		}
		parts, ok := a.carry(u, from, to)
		if !ok {
			lost = append(lost, Unmapped{f.UnitCode, f.Value,
				"đơn vị không có đơn vị kế thừa vào ngày " + to.VN(), "the unit has no successor on " + to.String()})
			continue
		}
		for code, v := range apportion(f.Value, parts) {
			sums[code] += v
		}
	}
	out := make([]Figure, 0, len(sums))
	for code, v := range sums {
		out = append(out, Figure{code, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitCode < out[j].UnitCode })
	return out, lost
}

// carry follows lineage from u (valid on from) to the units valid on to, with the
// fraction of u that reaches each.
func (a *Atlas) carry(u *Unit, from, to civil.Date) (map[*Unit]*big.Rat, bool) {
	out := map[*Unit]*big.Rat{}
	type step struct {
		u *Unit
		w *big.Rat
	}
	queue := []step{{u, big.NewRat(1, 1)}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.u.ValidOn(to) {
			if out[s.u] == nil {
				out[s.u] = new(big.Rat)
			}
			out[s.u].Add(out[s.u], s.w)
			continue
		}
		next := a.nextUnits(s.u, to >= from)
		if len(next) == 0 {
			return nil, false
		}
		for _, n := range next {
			queue = append(queue, step{n.u, new(big.Rat).Mul(s.w, n.w)})
		}
	}
	return out, true
}

type weighted struct {
	u *Unit
	w *big.Rat
}

// nextUnits are the units one reorganisation forward (successors) or back
// (predecessors), with normalised weights.
func (a *Atlas) nextUnits(u *Unit, forward bool) []weighted {
	links := a.pred[u.ID]
	if forward {
		links = a.succ[u.ID]
	}
	var total int64
	for _, l := range links {
		total += l.SharePPM
	}
	if total == 0 {
		return nil
	}
	out := make([]weighted, 0, len(links))
	for _, l := range links {
		id := l.FromID
		if forward {
			id = l.ToID
		}
		out = append(out, weighted{a.units[id], big.NewRat(l.SharePPM, total)})
	}
	return out
}

// apportion splits v by exact fractions summing to 1, in whole units, by largest
// remainder (ties to the lower code), so the parts sum to v.
func apportion(v int64, parts map[*Unit]*big.Rat) map[string]int64 {
	type part struct {
		code string
		rem  *big.Rat
	}
	out := map[string]int64{}
	var ps []part
	var given int64
	for u, w := range parts {
		exact := new(big.Rat).Mul(big.NewRat(v, 1), w)
		floor := new(big.Int).Div(exact.Num(), exact.Denom()) // Euclidean: floor for positive denominators
		out[u.Code] += floor.Int64()
		given += floor.Int64()
		ps = append(ps, part{u.Code, new(big.Rat).Sub(exact, new(big.Rat).SetInt(floor))})
	}
	sort.Slice(ps, func(i, j int) bool {
		if c := ps[i].rem.Cmp(ps[j].rem); c != 0 {
			return c > 0
		}
		return ps[i].code < ps[j].code
	})
	for i := int64(0); i < v-given; i++ {
		out[ps[i].code]++
	}
	return out
}

// PlaceOn is where unit u (valid on from) lies on another date: itself if it is still
// in force, else the units it became (or came from), by lineage. It is how a page
// offers "the same place on another date".
func (a *Atlas) PlaceOn(u *Unit, from, to civil.Date) []*Unit {
	parts, ok := a.carry(u, from, to)
	if !ok {
		return nil
	}
	out := make([]*Unit, 0, len(parts))
	for p := range parts {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Apportion carries a whole number from unit u (valid on from) to the units valid on
// to, split by lineage shares with the largest-remainder method.
func (a *Atlas) Apportion(u *Unit, from, to civil.Date, v int64) map[*Unit]int64 {
	parts, ok := a.carry(u, from, to)
	if !ok {
		return nil
	}
	byCode := apportion(v, parts)
	out := make(map[*Unit]int64, len(parts))
	for p := range parts {
		out[p] = byCode[p.Code]
	}
	return out
}
