package coverage

import (
	"math"
	"slices"
)

// people holds the persons column-wise so that 100 million fit: per person 4 bytes
// each of residence, village and birth date, 1 byte each of sex and group, and per
// scheme an offset and a count into a pool of segments of 10 bytes each.
type people struct {
	commune, village, birth []int32 // village is nil when the index has no villages
	sex, group              []uint8
	segs                    [numSchemes]segPool
	moved                   map[int32][]Residence // full history of persons who moved
}

// segPool keeps every person's segments for one scheme. A person's segments are
// pool[off : off+n]; a longer list after Apply goes to the end of the pool and the
// old slots become spare (reclaimed only by a new Build).
type segPool struct {
	off      []uint32
	n        []uint16
	from, to []int32
	attr     []uint16
	spare    int
}

// maxSegments is the most segments one person may have for one scheme.
const maxSegments = math.MaxUint16

// minDay starts the first residence of every person: they lived there "always".
const minDay = math.MinInt32

func (sp *segPool) get(p int32, out []seg) []seg {
	out = out[:0]
	o, n := int(sp.off[p]), int(sp.n[p])
	for i := o; i < o+n; i++ {
		out = append(out, seg{sp.from[i], sp.to[i], sp.attr[i]})
	}
	return out
}

// push stores the segments of a new person.
func (sp *segPool) push(segs []seg) {
	sp.off = append(sp.off, uint32(len(sp.from)))
	sp.n = append(sp.n, uint16(len(segs)))
	sp.write(segs)
}

func (sp *segPool) write(segs []seg) {
	for _, s := range segs {
		sp.from, sp.to, sp.attr = append(sp.from, s.from), append(sp.to, s.to), append(sp.attr, s.attr)
	}
}

// set replaces the segments of person p, in place when they fit.
func (sp *segPool) set(p int32, segs []seg) {
	if len(segs) <= int(sp.n[p]) {
		o := int(sp.off[p])
		for i, s := range segs {
			sp.from[o+i], sp.to[o+i], sp.attr[o+i] = s.from, s.to, s.attr
		}
		sp.spare += int(sp.n[p]) - len(segs)
		sp.n[p] = uint16(len(segs))
		return
	}
	sp.spare += int(sp.n[p])
	sp.off[p], sp.n[p] = uint32(len(sp.from)), uint16(len(segs))
	sp.write(segs)
}

func (sp *segPool) bytes() int {
	return cap(sp.off)*4 + cap(sp.n)*2 + cap(sp.from)*4 + cap(sp.to)*4 + cap(sp.attr)*2
}

func (ps *people) len() int { return len(ps.birth) }

// residences appends p's residence history to out[:0]: where they lived from each
// From on, the first From being minDay.
func (ps *people) residences(p int32, out []Residence) []Residence {
	out = out[:0]
	if h, ok := ps.moved[p]; ok {
		return append(out, h...)
	}
	v := NoVillage
	if ps.village != nil {
		v = ps.village[p]
	}
	return append(out, Residence{From: minDay, Commune: ps.commune[p], Village: v})
}

// setResidences stores p's history; a single residence needs no history.
func (ps *people) setResidences(p int32, h []Residence) {
	ps.commune[p] = h[0].Commune
	if ps.village != nil {
		ps.village[p] = h[0].Village
	}
	if len(h) == 1 {
		delete(ps.moved, p)
		return
	}
	ps.moved[p] = slices.Clone(h)
}

// moveTo is history h after a move to r: from r.From on the person lives at r, and
// any later residence recorded before is dropped. A move dated on or before the
// first day the product knows (civil.Min) replaces the whole history.
func moveTo(h []Residence, r Residence, first int32) []Residence {
	if int32(r.From) <= first {
		return append(h[:0], Residence{From: minDay, Commune: r.Commune, Village: r.Village})
	}
	k := 0
	for k < len(h) && int32(h[k].From) < int32(r.From) {
		k++
	}
	h = h[:k]
	if l := h[len(h)-1]; l.Commune == r.Commune && l.Village == r.Village {
		return h
	}
	return append(h, r)
}
