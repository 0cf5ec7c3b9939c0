package coverage

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/phusong/phusong/internal/civil"
)

// Slots of the per-commune series of a scheme. Series of one slot are contiguous
// over the communes, so reading every commune's total walks one block.
const (
	slotTotal     = 0
	slotSex       = 1                          // + Sex
	slotBand      = slotSex + int(numSexes)    // + AgeBand
	slotExtra     = slotBand + int(numBands)   // BHYT: + PayerGroup; BHXH: + 0 compulsory, 1 voluntary
	slotElsewhere = slotExtra + int(numGroups) // BHYT: card issued by another province
)

var schemeSlots = [numSchemes]int{BHYT: slotElsewhere + 1, BHXH: slotExtra + 2, BHTN: slotExtra}

// Index answers coverage questions for any date. Build one with a Builder.
type Index struct {
	mu       sync.RWMutex
	communes []Commune
	villages []Village
	byCode   map[string]int32
	inProv   [numProvinces][]int32 // communes of each province
	commBase [numSchemes]int32     // first commune series of each scheme
	villBase [numSchemes]int32     // first village series of each scheme
	issBase  int32                 // first issuing-province series (BHYT)
	series   []series
	people   people
	firstDay int32 // civil.Min
	scratch  scratch
}

// scratch is reusable space for turning one person into events.
type scratch struct {
	norm     normaliser
	old, new []seg
	res      []Residence
	evs      []ev
	keys     netKeys
}

func newIndex(communes []Commune, villages []Village) (*Index, error) {
	x := &Index{
		communes: communes, villages: villages,
		byCode:   make(map[string]int32, len(communes)),
		firstDay: int32(civil.Min),
	}
	for i, c := range communes {
		if c.Province >= numProvinces {
			return nil, fmt.Errorf("xã %s: mã tỉnh %d / commune %s: province code %d", c.Code, c.Province, c.Code, c.Province)
		}
		x.byCode[c.Code] = int32(i)
		x.inProv[c.Province] = append(x.inProv[c.Province], int32(i))
	}
	for i, v := range villages {
		if v.Commune < 0 || int(v.Commune) >= len(communes) {
			return nil, fmt.Errorf("thôn %s (%d): xã %d không có / village %s (%d): no commune %d", v.Code, i, v.Commune, v.Code, i, v.Commune)
		}
	}
	n := int32(0)
	for s := range numSchemes {
		x.commBase[s] = n
		n += int32(schemeSlots[s] * len(communes))
		x.villBase[s] = n
		n += int32(len(villages))
	}
	x.issBase = n
	x.series = make([]series, n+numProvinces)
	x.people.moved = map[int32][]Residence{}
	return x, nil
}

func (x *Index) communeSeries(s Scheme, slot int, c int32) int32 {
	return x.commBase[s] + int32(slot*len(x.communes)) + c
}

// Communes is (a copy of) the commune list the index was built with; positions are
// the commune numbers used everywhere in this package.
func (x *Index) Communes() []Commune { return slices.Clone(x.communes) }

// CommuneIndex finds a commune's position by its code.
func (x *Index) CommuneIndex(code string) (int32, bool) {
	c, ok := x.byCode[code]
	return c, ok
}

// Persons is the number of persons in the index; they are numbered 0 … Persons()-1
// in the order they were added.
func (x *Index) Persons() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.people.len()
}

// Area is where persons are counted: a commune or village of residence, or a
// province by residence or by issuing.
type Area struct {
	kind areaKind
	id   int32
}

type areaKind uint8

const (
	areaCommune areaKind = iota
	areaVillage
	areaProvince // by residence
	areaIssuing  // by the province that issued the card in force
)

// InCommune is the commune at position c, by residence.
func InCommune(c int32) Area { return Area{areaCommune, c} }

// InVillage is the village at position v, by residence.
func InVillage(v int32) Area { return Area{areaVillage, v} }

// InProvince is a province, counted by residence or by issuing.
func InProvince(p Province, b Basis) Area {
	if b == ByIssuing {
		return Area{areaIssuing, int32(p)}
	}
	return Area{areaProvince, int32(p)}
}

// check validates an area for scheme s.
func (x *Index) check(a Area, s Scheme) error {
	if s >= numSchemes {
		return fmt.Errorf("chế độ %d không có / no scheme %d", s, s)
	}
	var n int
	switch a.kind {
	case areaCommune:
		n = len(x.communes)
	case areaVillage:
		n = len(x.villages)
	case areaIssuing:
		if s != BHYT {
			return fmt.Errorf("tính theo nơi phát hành chỉ áp dụng cho bhyt / basis issuing applies to bhyt only, not %s", s)
		}
		n = numProvinces
	default:
		n = numProvinces
	}
	if a.id < 0 || int(a.id) >= n {
		return fmt.Errorf("không có đơn vị số %d / no unit number %d", a.id, a.id)
	}
	return nil
}

// Covered is the number of persons covered by scheme s on day d in area a.
func (x *Index) Covered(a Area, s Scheme, d civil.Date) (int64, error) {
	if err := x.check(a, s); err != nil {
		return 0, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.slotAt(a, s, slotTotal, d), nil
}

// slotAt sums one slot over the communes of a province, or reads one series.
// Villages and issuing provinces have only a total.
func (x *Index) slotAt(a Area, s Scheme, slot int, day civil.Date) int64 {
	d := clampTo(day) // nothing changes after the open end
	switch a.kind {
	case areaVillage:
		return int64(x.series[x.villBase[s]+a.id].at(d))
	case areaIssuing:
		return int64(x.series[x.issBase+a.id].at(d))
	case areaProvince:
		var n int64
		for _, c := range x.inProv[a.id] {
			n += int64(x.series[x.communeSeries(s, slot, c)].at(d))
		}
		return n
	}
	return int64(x.series[x.communeSeries(s, slot, a.id)].at(d))
}

// AllCommunes writes into out[c] the persons covered by scheme s on day d living in
// commune c, for every commune, without allocating. out must hold len(Communes()).
func (x *Index) AllCommunes(s Scheme, d civil.Date, out []int64) error {
	if s >= numSchemes || len(out) < len(x.communes) {
		return fmt.Errorf("cần %d chỗ / need room for %d communes, have %d", len(x.communes), len(x.communes), len(out))
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	block, day := x.series[x.commBase[s]:x.commBase[s]+int32(len(x.communes))], clampTo(d)
	for c := range block {
		out[c] = int64(block[c].at(day))
	}
	return nil
}

// Breakdown splits the persons covered by scheme s on day d in a commune or a
// province (by residence) by dim; the values come in a fixed order, zeros included,
// and sum to Covered. payer_group applies to bhyt only, kind to bhxh only.
func (x *Index) Breakdown(a Area, s Scheme, dim Dim, d civil.Date) ([]Count, error) {
	if err := x.check(a, s); err != nil {
		return nil, err
	}
	if a.kind != areaCommune && a.kind != areaProvince {
		return nil, fmt.Errorf("chỉ chia được theo xã hoặc tỉnh (nơi cư trú) / breakdowns exist for communes and provinces by residence only")
	}
	first, names, err := dimSlots(s, dim)
	if err != nil {
		return nil, err
	}
	out := make([]Count, len(names))
	x.mu.RLock()
	defer x.mu.RUnlock()
	for i, n := range names {
		out[i] = Count{Value: n, Covered: x.slotAt(a, s, first+i, d)}
	}
	return out, nil
}

func dimSlots(s Scheme, dim Dim) (int, []string, error) {
	switch {
	case dim == DimSex:
		return slotSex, sexNames[:], nil
	case dim == DimAgeBand:
		return slotBand, bandNames[:], nil
	case dim == DimPayerGroup && s == BHYT:
		return slotExtra, groupNames[:], nil
	case dim == DimKind && s == BHXH:
		return slotExtra, kindNames[:], nil
	}
	return 0, nil, fmt.Errorf("không chia được %s theo %s / %s cannot be broken down by %s", s, dim, s, dim)
}

// Elsewhere is the number of residents of a commune or province (by residence)
// covered by BHYT on day d whose card in force was issued by another province — the
// residents "insured while working in other provinces" of the Lạng Sơn report.
func (x *Index) Elsewhere(a Area, d civil.Date) (int64, error) {
	if err := x.check(a, BHYT); err != nil {
		return 0, err
	}
	if a.kind != areaCommune && a.kind != areaProvince {
		return 0, fmt.Errorf("chỉ tính cho xã hoặc tỉnh (nơi cư trú) / elsewhere exists for communes and provinces by residence only")
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.slotAt(a, BHYT, slotElsewhere, d), nil
}

// MonthEnds is the monthly series of Covered from from to to: one point on the last
// day of every month in [from, to], and one on to itself when it is not a month end.
func (x *Index) MonthEnds(a Area, s Scheme, from, to civil.Date) ([]Point, error) {
	if err := x.check(a, s); err != nil {
		return nil, err
	}
	if from > to {
		return nil, fmt.Errorf("từ %s sau đến %s / from %s is after to %s", from, to, from, to)
	}
	var dates []civil.Date
	for m := from.MonthEnd(); m <= to; m = (m + 1).MonthEnd() {
		dates = append(dates, m)
	}
	if to != to.MonthEnd() {
		dates = append(dates, to)
	}
	out := make([]Point, len(dates))
	x.mu.RLock()
	defer x.mu.RUnlock()
	for i, d := range dates {
		out[i] = Point{Date: d, Covered: x.slotAt(a, s, slotTotal, d)}
	}
	return out, nil
}

// Stats describes the memory an index holds.
type Stats struct {
	Persons       int
	PersonBytes   int // persons and their segments
	Series        int
	Steps         int // days on which some count changes, summed over series
	OverlaySteps  int // changes waiting in overlays
	SeriesBytes   int
	SpareSegments int // segment slots freed by Apply, reclaimed by the next Build
}

// Stats measures the index.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	ps := &x.people
	st := Stats{Persons: ps.len(), Series: len(x.series)}
	st.PersonBytes = cap(ps.commune)*4 + cap(ps.village)*4 + cap(ps.birth)*4 + cap(ps.sex) + cap(ps.group)
	for s := range ps.segs {
		st.PersonBytes += ps.segs[s].bytes()
		st.SpareSegments += ps.segs[s].spare
	}
	for _, h := range ps.moved {
		st.PersonBytes += 48 + cap(h)*12
	}
	st.SeriesBytes = len(x.series) * int(unsafe.Sizeof(series{}))
	for i := range x.series {
		sr := &x.series[i]
		st.Steps += int(sr.base.n)
		st.OverlaySteps += len(sr.odays)
		st.SeriesBytes += sr.base.bytes() + (cap(sr.odays)+cap(sr.ocum))*4
	}
	return st
}

// Residence is where person p lives now (the last residence of their history).
func (x *Index) Residence(p int32) Residence {
	x.mu.RLock()
	defer x.mu.RUnlock()
	h := x.people.residences(p, nil)
	return h[len(h)-1]
}

// Residences is person p's residence history, oldest first; the first lasts from
// always (its From is before civil.Min).
func (x *Index) Residences(p int32) []Residence {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.people.residences(p, nil)
}

// EachMoved calls fn with every person who has more than one residence and their
// history (which fn must not keep), in no particular order.
func (x *Index) EachMoved(fn func(p int32, h []Residence)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for p, h := range x.people.moved {
		fn(p, h)
	}
}

// Birth is person p's date of birth.
func (x *Index) Birth(p int32) civil.Date {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return civil.Date(x.people.birth[p])
}

// Has reports whether person p has any coverage in scheme s: false means the index
// was given no interval of that scheme for them.
func (x *Index) Has(p int32, s Scheme) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.people.segs[s].n[p] > 0
}
