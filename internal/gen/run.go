package gen

import (
	"sort"

	"github.com/phusong/phusong/internal/civil"
)

type generator struct {
	opt      Options
	seed     uint64
	asOf, h0 civil.Date // h0: start of the card history window, 1 January two years back
	communes []commune
	alloc    []int64
	emp      employerPlan
	ids      ids
	files    [nFiles]*csvFile
	sum      Summary
	done     int64

	// per commune, for denominators
	residents, labour []int64

	birthCodes []string // the 63 pre-2025 province codes, for people born elsewhere
	birthCum   []uint32 // weighted by population
	awayCodes  []string // destinations of people working or studying away
	awayCum    []uint32

	newProvince [100]string // pre-2025 province code → 2025 province code

	hh   household // reused
	life life      // reused
}

func newGenerator(opt Options) (*generator, error) {
	all, err := allCommunes()
	if err != nil {
		return nil, err
	}
	cs, err := selectCommunes(all, opt.Provinces)
	if err != nil {
		return nil, err
	}
	g := &generator{opt: opt, seed: uint64(opt.Seed), asOf: opt.AsOf, communes: cs}
	g.h0 = civil.FromYMD(yearOf(opt.AsOf)-2, 1, 1)
	g.ids.seed = g.seed
	g.alloc = allocate(cs, opt.Persons)
	g.emp = newEmployerPlan(cs, g.alloc)
	g.residents = make([]int64, len(cs))
	g.labour = make([]int64, len(cs))
	g.birthCodes, g.birthCum = birthWeights(all)
	g.awayCodes, g.awayCum = awayWeights(cs)
	for _, c := range all {
		g.newProvince[atoi(c.oldProv)] = c.province
		g.newProvince[atoi(c.province)] = c.province
	}
	g.sum = Summary{AsOf: opt.AsOf, Communes: len(cs), Cases: map[string]int64{}}
	return g, nil
}

// birthWeights are the pre-2025 provinces weighted by the population of the 2025
// communes that came mostly from them.
func birthWeights(all []commune) ([]string, []uint32) {
	pop := map[string]int64{}
	for _, c := range all {
		pop[c.oldProv] += c.population
	}
	var codes []string
	for p := range pop {
		codes = append(codes, p)
	}
	sort.Strings(codes)
	w := make([]uint32, len(codes))
	for i, p := range codes {
		w[i] = uint32(pop[p]/1000 + 1)
	}
	return codes, cumulative(w)
}

// Destinations of people working or studying away from home, roughly by the size of
// their industrial zones and universities (GSO migration survey: Hồ Chí Minh City,
// Hà Nội, Đồng Nai, Bắc Ninh take most migrant workers).
var awayShares = []struct {
	code   string
	weight uint32
}{{"79", 40}, {"01", 22}, {"75", 10}, {"24", 8}, {"31", 5}, {"48", 5}, {"92", 4}, {"56", 3}, {"22", 3}}

func awayWeights(cs []commune) ([]string, []uint32) {
	var codes []string
	var w []uint32
	for _, a := range awayShares {
		codes = append(codes, a.code)
		w = append(w, a.weight)
	}
	return codes, cumulative(w)
}

func (g *generator) open(s Sink) error {
	for i, h := range headers {
		f, err := openCSV(s, h.name, h.header)
		if err != nil {
			g.close()
			return err
		}
		g.files[i] = f
		g.sum.Files = append(g.sum.Files, h.name)
	}
	return nil
}

func (g *generator) close() error {
	var first error
	for _, f := range g.files {
		if f == nil {
			continue
		}
		if err := f.close(); err != nil && first == nil {
			first = err
		}
	}
	g.sum.Cards = g.files[fCards].rowsOr0()
	g.sum.BHXHPeriods = g.files[fBHXH].rowsOr0()
	g.sum.BHTNPeriods = g.files[fBHTN].rowsOr0()
	g.sum.Persons = g.files[fPersons].rowsOr0()
	g.sum.Employers = g.files[fEmployers].rowsOr0()
	g.sum.Villages = g.files[fVillages].rowsOr0()
	return first
}

func (f *csvFile) rowsOr0() int64 {
	if f == nil {
		return 0
	}
	return f.rows
}

func (g *generator) run() error {
	provinces := map[string]bool{}
	for i := range g.communes {
		provinces[g.communes[i].province] = true
		if err := g.commune(i); err != nil {
			return err
		}
	}
	g.sum.Provinces = len(provinces)
	return g.denominators()
}

// commune writes one commune: its villages, its employers, then its households.
func (g *generator) commune(i int) error {
	c := &g.communes[i]
	r := newRNG(g.opt.Seed, uint64(atoi(c.code))<<4|1)
	nv := villageCount(r, g.opt.Villages)
	if err := g.villages(c, nv); err != nil {
		return err
	}
	if err := g.employers(i); err != nil {
		return err
	}
	var seq int64
	for left := g.alloc[i]; left > 0; {
		seq++
		n, err := g.household(r, i, nv, seq, left)
		if err != nil {
			return err
		}
		left -= n
		g.residents[i] += n
		g.advance(n)
	}
	g.sum.Households += seq
	return nil
}

func (g *generator) advance(n int64) {
	before := g.done
	g.done += n
	g.sum.Residents = g.done
	if g.opt.Progress != nil && (g.done>>14 != before>>14 || g.done == g.opt.Persons) {
		g.opt.Progress(g.done, g.opt.Persons)
	}
}

// villageCount draws between half and one and a half times the mean, at least one.
func villageCount(r *rng, mean int) int {
	return max(1, r.between(mean/2, mean+mean/2))
}

// villages: "Thôn 1…" in rural communes and special zones, "Tổ dân phố 1…" in wards.
func (g *generator) villages(c *commune, n int) error {
	f := g.files[fVillages]
	word, typ := "Thôn ", "thon"
	if c.ward {
		word, typ = "Tổ dân phố ", "to_dan_pho"
	}
	var code [3]byte
	for v := 1; v <= n; v++ {
		f.str(c.code).bytes(villageCode(&code, v))
		f.sep()
		f.row = append(f.row, word...)
		f.row = appendSmall(f.row, v)
		if err := f.str(typ).end(); err != nil {
			return err
		}
	}
	return nil
}

// villageCode is "01".."99", then "100".. for larger communes.
func villageCode(b *[3]byte, v int) []byte {
	if v < 100 {
		b[0], b[1] = byte('0'+v/10), byte('0'+v%10)
		return b[:2]
	}
	b[0], b[1], b[2] = byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10)
	return b[:3]
}

func appendSmall(b []byte, v int) []byte {
	if v >= 100 {
		b = append(b, byte('0'+v/100%10))
	}
	if v >= 10 {
		b = append(b, byte('0'+v/10%10))
	}
	return append(b, byte('0'+v%10))
}

func (g *generator) employers(i int) error {
	c := &g.communes[i]
	f := g.files[fEmployers]
	for k := g.emp.start[i]; k < g.emp.start[i]+g.emp.count[i]; k++ {
		e := g.employer(k, c, true)
		f.str(e.code).bytes(e.tax[:]).str(e.name).str(e.kind.kind).str(c.code).int(int64(c.region))
		if err := f.end(); err != nil {
			return err
		}
	}
	return nil
}

// denominators: per commune with residents and per province, for the year before
// AsOf and the year of AsOf. Population is the residents generated plus people not
// (yet) in the register (1 % in the current year, 0.2 % a year earlier, which keeps
// both years at or above the count of residents); the labour force is the residents
// in the labour force, scaled alike.
func (g *generator) denominators() error {
	f := g.files[fDenominators]
	year := yearOf(g.asOf)
	type tot struct{ pop, lab int64 }
	prov := map[string]*tot{}
	var order []string
	for i, c := range g.communes {
		if g.residents[i] == 0 {
			continue
		}
		if err := g.denominatorRows(f, c.code, year, g.residents[i], g.labour[i]); err != nil {
			return err
		}
		t := prov[c.province]
		if t == nil {
			t = &tot{}
			prov[c.province] = t
			order = append(order, c.province)
		}
		t.pop += g.residents[i]
		t.lab += g.labour[i]
	}
	sort.Strings(order)
	for _, p := range order {
		if err := g.denominatorRows(f, p, year, prov[p].pop, prov[p].lab); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) denominatorRows(f *csvFile, code string, year int, residents, labour int64) error {
	for _, y := range []struct {
		year int
		div  int64
	}{{year - 1, 500}, {year, 100}} {
		pop := residents + residents/y.div
		lab := min(labour+labour/y.div, pop)
		if err := f.str(code).int(int64(y.year)).int(pop).int(lab).end(); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) quality(kind string, nid, bhxh, otherNID, otherBHXH []byte, otherProvince string) error {
	g.sum.Cases[kind]++
	if g.sum.Cases[kind] <= 5 {
		g.sum.Examples = append(g.sum.Examples, Case{kind, string(nid), string(bhxh), string(otherNID), string(otherBHXH), otherProvince})
	}
	f := g.files[fQuality]
	f.str(kind).bytes(nid).bytes(bhxh)
	if otherNID == nil {
		f.empty().empty()
	} else {
		f.bytes(otherNID).bytes(otherBHXH)
	}
	return f.str(otherProvince).end()
}
