package coverage

import (
	"cmp"
	"slices"

	"github.com/phusong/phusong/internal/civil"
)

// ev is a change of delta persons from day on in series id.
type ev struct{ id, day, delta int32 }

// who is what a person's events depend on besides their segments.
type who struct {
	res   []Residence
	sex   Sex
	bands [numBands - 1]int32 // days the person enters each later band
}

// events appends, for the segments of one person and scheme, +sign on the first
// day and −sign on the day after the last of every piece of coverage, to every series
// the piece counts in. A piece is a part of a segment with one residence and one age
// band.
func (x *Index) events(s Scheme, segs []seg, w *who, sign int32, out []ev) []ev {
	for _, g := range segs {
		for k, r := range w.res {
			a, b := max(g.from, int32(r.From)), g.to
			if k+1 < len(w.res) {
				b = min(b, int32(w.res[k+1].From)-1)
			}
			if a > b {
				continue
			}
			out = x.bandPieces(s, g.attr, r, w, a, b, sign, out)
		}
	}
	return out
}

// bandPieces cuts [a, b] at the birthdays that change the age band.
func (x *Index) bandPieces(s Scheme, attr uint16, r Residence, w *who, a, b, sign int32, out []ev) []ev {
	band := 0
	for band < len(w.bands) && w.bands[band] <= a {
		band++
	}
	for a <= b {
		end := b
		if band < len(w.bands) && w.bands[band]-1 < end {
			end = w.bands[band] - 1
		}
		out = x.piece(s, attr, r, w.sex, AgeBand(band), a, end, sign, out)
		a = end + 1
		band++
	}
	return out
}

// piece emits one piece of coverage to each of its series.
func (x *Index) piece(s Scheme, attr uint16, r Residence, sex Sex, band AgeBand, a, b, sign int32, out []ev) []ev {
	emit := func(id int32) {
		out = append(out, ev{id, a, sign})
		if b < int32(civil.Max) { // an open end never ends
			out = append(out, ev{id, b + 1, -sign})
		}
	}
	c := r.Commune
	emit(x.communeSeries(s, slotTotal, c))
	emit(x.communeSeries(s, slotSex+int(sex), c))
	emit(x.communeSeries(s, slotBand+int(band), c))
	g := seg{attr: attr}
	switch s {
	case BHYT:
		emit(x.communeSeries(s, slotExtra+int(g.group()), c))
		p := g.issuing()
		emit(x.issBase + int32(p))
		if p != 0 && p != x.communes[c].Province {
			emit(x.communeSeries(s, slotElsewhere, c))
		}
	case BHXH:
		emit(x.communeSeries(s, slotExtra+int(attr&1), c))
	}
	if r.Village != NoVillage {
		emit(x.villBase[s] + r.Village)
	}
	return out
}

// net adds up the events of each (series, day) and keeps only the non-zero ones:
// what remains is the difference between two states of a person. Every event the
// index makes is +1 or −1 (piece), so the two signs are sorted apart as packed keys,
// which sorts several times faster than the events themselves, and then counted
// against each other. The result is by series and day. keys is scratch space.
func net(evs []ev, keys *netKeys) []ev {
	plus, minus := keys.plus[:0], keys.minus[:0]
	other := false
	for _, e := range evs {
		k := uint64(uint32(e.id))<<32 | uint64(uint32(e.day)^0x80000000)
		switch e.delta {
		case 1:
			plus = append(plus, k)
		case -1:
			minus = append(minus, k)
		default:
			other = true
		}
	}
	keys.plus, keys.minus = plus, minus
	if other {
		return netSlow(evs)
	}
	slices.Sort(plus)
	slices.Sort(minus)
	out := evs[:0]
	emit := func(k uint64, d int32) {
		out = append(out, ev{id: int32(uint32(k >> 32)), day: int32(uint32(k) ^ 0x80000000), delta: d})
	}
	i, j := 0, 0
	for i < len(plus) || j < len(minus) {
		var k uint64
		switch {
		case j == len(minus) || i < len(plus) && plus[i] < minus[j]:
			k = plus[i]
		default:
			k = minus[j]
		}
		var d int32
		for ; i < len(plus) && plus[i] == k; i++ {
			d++
		}
		for ; j < len(minus) && minus[j] == k; j++ {
			d--
		}
		if d != 0 {
			emit(k, d)
		}
	}
	return out
}

// netKeys is net's scratch space.
type netKeys struct{ plus, minus []uint64 }

// netSlow is net for events of any delta.
func netSlow(evs []ev) []ev {
	slices.SortFunc(evs, func(p, q ev) int {
		if c := cmp.Compare(p.id, q.id); c != 0 {
			return c
		}
		return cmp.Compare(p.day, q.day)
	})
	out := evs[:0]
	for _, e := range evs {
		if n := len(out); n > 0 && out[n-1].id == e.id && out[n-1].day == e.day {
			out[n-1].delta += e.delta
			continue
		}
		if n := len(out); n > 0 && out[n-1].delta == 0 {
			out = out[:n-1]
		}
		out = append(out, e)
	}
	if n := len(out); n > 0 && out[n-1].delta == 0 {
		out = out[:n-1]
	}
	return out
}

// dropCommon removes from two lists of a person's segments (each sorted by day and
// disjoint) the segments both have: their events would cancel out.
func dropCommon(old, new []seg) ([]seg, []seg) {
	o, n := old[:0], new[:0]
	i, j := 0, 0
	for i < len(old) && j < len(new) {
		switch a, b := old[i], new[j]; {
		case a == b:
			i++
			j++
		case a.from < b.from || a.from == b.from && a.to < b.to:
			o = append(o, a)
			i++
		default:
			n = append(n, b)
			j++
		}
	}
	o = append(o, old[i:]...)
	n = append(n, new[j:]...)
	return o, n
}
