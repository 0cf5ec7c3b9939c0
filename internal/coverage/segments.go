package coverage

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/phusong/phusong/internal/civil"
)

// seg is a run of covered days [from, to] described by one interval: attr packs the
// issuing province and payer group of a BHYT card (province<<8 | group) or 1 for a
// voluntary BHXH period, 0 otherwise.
type seg struct {
	from, to int32
	attr     uint16
}

func (s seg) group() PayerGroup { return PayerGroup(s.attr & 0xff) }
func (s seg) issuing() Province { return Province(s.attr >> 8) }

func attrOf(s Scheme, iv Interval, personGroup PayerGroup) uint16 {
	switch s {
	case BHYT:
		g := iv.Group
		if g == GroupUnknown {
			g = personGroup
		}
		return uint16(iv.Issuing)<<8 | uint16(g)
	case BHXH:
		if iv.Voluntary {
			return 1
		}
	}
	return 0
}

func checkInterval(s Scheme, i int, iv Interval) error {
	switch {
	case iv.From > iv.To:
		return fmt.Errorf("%s khoảng %d: từ %s sau đến %s / %s interval %d: from %s after to %s", s, i+1, iv.From, iv.To, s, i+1, iv.From, iv.To)
	case iv.Issuing >= numProvinces:
		return fmt.Errorf("%s khoảng %d: mã tỉnh %d / %s interval %d: province code %d", s, i+1, iv.Issuing, s, i+1, iv.Issuing)
	case iv.Group >= numGroups:
		return fmt.Errorf("%s khoảng %d: nhóm %d / %s interval %d: payer group %d", s, i+1, iv.Group, s, i+1, iv.Group)
	}
	return nil
}

// normaliser turns a person's intervals for one scheme into disjoint segments in day
// order. It keeps its scratch space between persons.
type normaliser struct {
	cuts  []int32
	order []int32
	stack []int32
}

// normalise appends to out[:0] the segments of ivs: every covered day once, with the
// attributes of the interval in force (inForceOrder). Adjacent days with equal
// attributes form one segment, so overlapping and back-to-back intervals merge.
func (n *normaliser) normalise(s Scheme, ivs []Interval, group PayerGroup, out []seg) []seg {
	out = out[:0]
	if len(ivs) == 1 {
		return append(out, seg{int32(ivs[0].From), clampTo(ivs[0].To), attrOf(s, ivs[0], group)})
	}
	n.cuts, n.order = n.cuts[:0], n.order[:0]
	for i, iv := range ivs {
		n.cuts = append(n.cuts, int32(iv.From), clampTo(iv.To)+1)
		n.order = append(n.order, int32(i))
	}
	slices.Sort(n.cuts)
	n.cuts = slices.Compact(n.cuts)
	slices.SortFunc(n.order, func(a, b int32) int { return inForceOrder(s, ivs[a], ivs[b], group) })
	n.stack = n.stack[:0]
	next := 0
	for k := 0; k+1 < len(n.cuts); k++ {
		day := n.cuts[k]
		for next < len(n.order) && int32(ivs[n.order[next]].From) <= day {
			n.stack = append(n.stack, n.order[next])
			next++
		}
		// The stack is in inForceOrder, so its top is the interval in force;
		// intervals that have ended are dropped when they come to the top.
		for len(n.stack) > 0 && clampTo(ivs[n.stack[len(n.stack)-1]].To) < day {
			n.stack = n.stack[:len(n.stack)-1]
		}
		if len(n.stack) == 0 {
			continue
		}
		a := attrOf(s, ivs[n.stack[len(n.stack)-1]], group)
		end := n.cuts[k+1] - 1
		if l := len(out) - 1; l >= 0 && out[l].to+1 == day && out[l].attr == a {
			out[l].to = end
			continue
		}
		out = append(out, seg{day, end, a})
	}
	return out
}

// inForceOrder orders intervals so that, of those covering a day, the last is in
// force: the one that started last; of two that started the same day, the one that
// ends first (a short card laid over a long one); then by attributes. The result
// never depends on the order the intervals are listed in, which a database does not
// keep.
func inForceOrder(s Scheme, a, b Interval, group PayerGroup) int {
	return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(clampTo(b.To), clampTo(a.To)), cmp.Compare(attrOf(s, a, group), attrOf(s, b, group)))
}

// clampTo maps anything past civil.Max to civil.Max, the open end.
func clampTo(d civil.Date) int32 {
	if d > civil.Max {
		return int32(civil.Max)
	}
	return int32(d)
}
