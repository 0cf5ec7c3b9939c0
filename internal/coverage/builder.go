package coverage

import (
	"cmp"
	"fmt"
	"slices"
)

// rawMax is how many unsorted changes a series collects during a build before they
// are sorted and merged; it bounds the build's extra memory per series.
const rawMax = 1024

// Builder reads persons one at a time, so that 100 million can stream in from the
// store, and builds the Index. It is not safe for concurrent use.
type Builder struct {
	x   *Index
	raw [][]uint64 // per series, packed changes not yet merged
}

// NewBuilder starts an index over these communes and villages (villages may be
// nil). Positions in the two lists are the commune and village numbers of Person.
func NewBuilder(communes []Commune, villages []Village) (*Builder, error) {
	x, err := newIndex(slices.Clone(communes), slices.Clone(villages))
	if err != nil {
		return nil, err
	}
	if len(villages) > 0 {
		x.people.village = []int32{}
	}
	return &Builder{x: x, raw: make([][]uint64, len(x.series))}, nil
}

// Grow makes room for n more persons, with about segments BHYT segments per person,
// so that a build of a known size does not copy its columns as they grow.
func (b *Builder) Grow(n int, segments int) {
	ps := &b.x.people
	ps.commune, ps.birth = slices.Grow(ps.commune, n), slices.Grow(ps.birth, n)
	ps.sex, ps.group = slices.Grow(ps.sex, n), slices.Grow(ps.group, n)
	if ps.village != nil {
		ps.village = slices.Grow(ps.village, n)
	}
	for s := range ps.segs {
		sp := &ps.segs[s]
		sp.off, sp.n = slices.Grow(sp.off, n), slices.Grow(sp.n, n)
		if s == int(BHYT) {
			k := n * segments
			sp.from, sp.to, sp.attr = slices.Grow(sp.from, k), slices.Grow(sp.to, k), slices.Grow(sp.attr, k)
		}
	}
}

// Add reads one person and returns their number in the index.
func (b *Builder) Add(p Person) (int32, error) {
	evs, err := b.x.addPerson(p)
	if err != nil {
		return 0, err
	}
	for _, e := range evs {
		r := append(b.raw[e.id], pack(e.day, e.delta))
		if len(r) >= rawMax {
			b.x.series[e.id].mergeRaw(r)
			r = r[:0]
		}
		b.raw[e.id] = r
	}
	return int32(b.x.people.len() - 1), nil
}

// Build merges what is pending and returns the index. The Builder must not be used
// afterwards.
func (b *Builder) Build() *Index {
	for id, r := range b.raw {
		if len(r) > 0 {
			b.x.series[id].mergeRaw(r)
		}
	}
	b.raw = nil
	x := b.x
	b.x = nil
	return x
}

// addPerson validates p, stores it and returns its events (in the index's scratch).
func (x *Index) addPerson(p Person) ([]ev, error) {
	n := x.people.len()
	if err := x.checkPerson(p); err != nil {
		return nil, fmt.Errorf("người thứ %d / person %d: %w", n, n, err)
	}
	ps := &x.people
	id := int32(n)
	ps.commune = append(ps.commune, p.Commune)
	if ps.village != nil {
		ps.village = append(ps.village, p.Village)
	}
	ps.birth = append(ps.birth, int32(p.Birth))
	ps.sex = append(ps.sex, uint8(p.Sex))
	ps.group = append(ps.group, uint8(p.Group))
	sc := &x.scratch
	h := append(sc.res[:0], x.ownVillage(Residence{From: minDay, Commune: p.Commune, Village: p.Village}))
	moves := slices.Clone(p.Moves)
	slices.SortStableFunc(moves, func(a, b Residence) int { return cmp.Compare(a.From, b.From) })
	for _, m := range moves {
		h = moveTo(h, x.ownVillage(m), x.firstDay)
	}
	ps.setResidences(id, h)
	w := who{res: h, sex: p.Sex, bands: bandChanges(p.Birth)}
	sc.evs = sc.evs[:0]
	for s := range numSchemes {
		sc.new = sc.norm.normalise(s, p.Intervals(s), p.Group, sc.new)
		ps.segs[s].push(sc.new)
		sc.evs = x.events(s, sc.new, &w, 1, sc.evs)
	}
	sc.res = h
	return sc.evs, nil
}

func (x *Index) checkPerson(p Person) error {
	if err := x.checkResidence(Residence{Commune: p.Commune, Village: p.Village}); err != nil {
		return err
	}
	for _, m := range p.Moves {
		if err := x.checkResidence(m); err != nil {
			return err
		}
	}
	if p.Sex >= numSexes || p.Group >= numGroups {
		return fmt.Errorf("giới tính %d hoặc nhóm %d không hợp lệ / invalid sex %d or group %d", p.Sex, p.Group, p.Sex, p.Group)
	}
	for s := range numSchemes {
		if err := checkIntervals(s, p.Intervals(s)); err != nil {
			return err
		}
	}
	return nil
}

func checkIntervals(s Scheme, ivs []Interval) error {
	if len(ivs) > maxSegments/2 {
		return fmt.Errorf("%s: %d khoảng, quá nhiều / %s: %d intervals, too many", s, len(ivs), s, len(ivs))
	}
	for i, iv := range ivs {
		if err := checkInterval(s, i, iv); err != nil {
			return err
		}
	}
	return nil
}

func (x *Index) checkResidence(r Residence) error {
	if r.Commune < 0 || int(r.Commune) >= len(x.communes) {
		return fmt.Errorf("không có xã số %d / no commune number %d", r.Commune, r.Commune)
	}
	if r = x.ownVillage(r); r.Village == NoVillage {
		return nil
	}
	if r.Village < 0 || int(r.Village) >= len(x.villages) {
		return fmt.Errorf("không có thôn số %d / no village number %d", r.Village, r.Village)
	}
	if x.villages[r.Village].Commune != r.Commune {
		return fmt.Errorf("thôn %s không thuộc xã %s / village %s is not in commune %s",
			x.villages[r.Village].Code, x.communes[r.Commune].Code, x.villages[r.Village].Code, x.communes[r.Commune].Code)
	}
	return nil
}

// ownVillage ignores the village of a residence when the index has no villages.
func (x *Index) ownVillage(r Residence) Residence {
	if len(x.villages) == 0 {
		r.Village = NoVillage
	}
	return r
}
