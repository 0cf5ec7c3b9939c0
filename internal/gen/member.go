package gen

import (
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
)

// member decides one person's history and writes every row about them.
func (g *generator) member(r *rng, i int, h *household, m *member) error {
	l := &g.life
	g.plan(r, i, h, m, l)
	var err error
	if m.nid, err = g.ids.nationalID(m.birthPrefix, yearOf(m.birth), m.female); err != nil {
		return err
	}
	first := l.c.oldProv // the province that first registered the person
	if l.movedFrom != "" {
		first = l.movedFrom
	}
	if m.bhxh, err = g.ids.bhxhCode(first); err != nil {
		return err
	}
	if err := g.cards(r, l); err != nil {
		return err
	}
	if err := g.periods(l); err != nil {
		return err
	}
	if err := g.personRow(g.files[fResidents], m, h, l.c, nil); err != nil {
		return err
	}
	defer g.count(i, l)
	registered := l.cards > 0 || l.hasJob || l.hasPrev || l.hasVol || r.chance(0.4)
	if !registered {
		return nil
	}
	if err := g.personRow(g.files[fPersons], m, h, l.c, m.bhxh[:]); err != nil {
		return err
	}
	return g.cases(r, l, first)
}

func (g *generator) count(i int, l *life) {
	s := &g.sum
	if l.lf {
		g.labour[i]++
		s.LabourForce++
	}
	if l.covered {
		s.BHYTCovered++
	}
	if l.hasJob && l.job.from <= g.asOf && g.asOf <= l.job.to {
		s.Compulsory++
		if l.job.bhtn {
			s.BHTN++
		}
	}
	if l.hasVol && l.volFrom <= g.asOf {
		if g.asOf <= l.volTo {
			s.Voluntary++
		} else {
			s.VoluntaryStopped++
		}
	}
}

// personRow writes a residents row (bhxh nil) or a persons row.
func (g *generator) personRow(f *csvFile, m *member, h *household, c *commune, bhxh []byte) error {
	f.bytes(m.nid[:])
	if bhxh != nil {
		f.bytes(bhxh)
	}
	f.sep()
	f.row = appendName(f.row, m)
	f.date(m.birth)
	if m.female {
		f.str("F")
	} else {
		f.str("M")
	}
	var code [3]byte
	return f.str(c.code).bytes(villageCode(&code, h.village)).bytes(h.id).end()
}

// cards walks the history window from its start (or birth) to AsOf, one card after
// another: calendar-year cards for most groups, 12 months from payment for
// households, birth to 72 months for children (regulations.md §5.4). Self-paying
// groups renew late or not at all now and then.
func (g *generator) cards(r *rng, l *life) error {
	t := max(g.h0, l.m.birth)
	first := true
	for t <= g.asOf {
		gr, sp := l.groupAt(t)
		next := l.nextChange(t)
		if gr.self && l.never < gr.never {
			if next >= civil.Max {
				break
			}
			t = next
			continue
		}
		if first && gr == gGD && t == g.h0 {
			t = max(l.m.birth, t-civil.Date(r.intn(365))) // bought before the window
		}
		first = false
		end := min(g.naturalEnd(gr, t, l), next-1)
		if err := g.card(l, gr, g.issuer(l, gr, sp, t), l.m.bhxh[:], t, end); err != nil {
			return err
		}
		t = end + 1
		if !gr.self {
			continue
		}
		switch u := r.float(); {
		case u < gr.lapse:
			if next >= civil.Max {
				return nil
			}
			t = next
		case u < gr.lapse+gr.gap:
			t += civil.Date(r.between(1, 120))
		}
	}
	return nil
}

func (g *generator) naturalEnd(gr *group, t civil.Date, l *life) civil.Date {
	switch gr {
	case gTE:
		// the day before the 6th birthday as ageOn counts it (29 February → 1 March)
		y, m, d := ymd(l.m.birth)
		return max(t, civil.FromYMD(y+6, m, d)-1)
	case gGD:
		return addMonths(t, 12) - 1
	}
	return civil.FromYMD(yearOf(t), 12, 31)
}

// issuer is the province whose BHXH office issued a card starting on t: the
// employer's for employees, the old province for people who moved in, the
// destination for people insured away from home, else the home province — under its
// pre-2025 code before 1 July 2025.
func (g *generator) issuer(l *life, gr *group, sp *spell, t civil.Date) string {
	switch {
	case sp != nil:
		return provinceOn(sp.emp.place, t)
	case l.movedFrom != "" && t < l.moveDate:
		return l.movedFrom
	case l.away != "" && (gr == gGD || gr == gSV):
		return l.away
	}
	return provinceOn(l.c, t)
}

func provinceOn(c *commune, t civil.Date) string {
	if t < geo.ReorgDate {
		return c.oldProv
	}
	return c.province
}

func (g *generator) card(l *life, gr *group, prov string, bhxh []byte, from, to civil.Date) error {
	var b [10]byte
	copy(b[:], bhxh)
	level := gr.levelOn(from)
	no := cardNo(gr.code, level, prov, b)
	f := g.files[fCards]
	f.bytes(no[:]).bytes(bhxh).str(gr.code).int(int64(level)).date(from).date(to).str(prov).str(gr.payer)
	if from <= g.asOf && g.asOf <= to {
		l.covered = true
	}
	if g.newProvince[atoi(prov)] != l.c.province {
		g.sum.CardsElsewhere++
	}
	l.cards++
	l.lastFrom, l.lastGrp = from, gr
	return f.end()
}

// periods writes the BHXH (and BHTN) rows: one row per employment spell and policy
// period — split where the minimum wage or base salary changed (1 July 2024,
// 1 January 2026) — and one row per voluntary spell.
func (g *generator) periods(l *life) error {
	for _, s := range []*spell{&l.prev, &l.job} {
		if (s == &l.prev && !l.hasPrev) || (s == &l.job && !l.hasJob) {
			continue
		}
		if err := g.spellRows(l, s); err != nil {
			return err
		}
	}
	if !l.hasVol {
		return nil
	}
	f := g.files[fBHXH]
	return f.bytes(l.m.bhxh[:]).str("voluntary").empty().date(l.volFrom).date(l.volTo).int(l.volIncome).end()
}

var policyCuts = []civil.Date{jul2024, jan2026}

func (g *generator) spellRows(l *life, s *spell) error {
	from := s.from
	for _, cut := range policyCuts {
		if from < cut && cut <= s.to {
			if err := g.spellRow(l, s, from, cut-1); err != nil {
				return err
			}
			from = cut
		}
	}
	return g.spellRow(l, s, from, s.to)
}

func (g *generator) spellRow(l *life, s *spell, from, to civil.Date) error {
	salary := s.salary(min(to, g.asOf))
	f := g.files[fBHXH]
	f.bytes(l.m.bhxh[:]).str("compulsory").str(s.emp.code).date(from).date(to).int(salary)
	if err := f.end(); err != nil {
		return err
	}
	if !s.bhtn {
		return nil
	}
	f = g.files[fBHTN]
	return f.bytes(l.m.bhxh[:]).str(s.emp.code).date(from).date(to).int(salary).end()
}

// salary on d, the last day of a row: minimum wage and base salary only rise, so
// the amount in force on the last day is at or above the floor on every day.
func (s *spell) salary(d civil.Date) int64 {
	base := baseSalary(d)
	if s.coeff > 0 {
		return base * int64(s.coeff) / 100
	}
	v := int64(float64(minimumWage(s.emp.place.region, d))*s.mult/10_000+0.999) * 10_000
	return min(v, 20*base) // cap: 20 × base salary / reference level (Law 41/2024 Art 31.1.đ)
}

// Lương cơ sở (regulations.md §2.1): 1,490,000 from 1/7/2019, 1,800,000 from
// 1/7/2023, 2,340,000 from 1/7/2024.
func baseSalary(d civil.Date) int64 {
	switch {
	case d >= jul2024:
		return 2_340_000
	case d >= civil.MustParse("2023-07-01"):
		return 1_800_000
	}
	return 1_490_000
}

// Regional minimum wages (regulations.md §2.2): ND 90/2019, ND 38/2022 (1/7/2022),
// ND 74/2024 (1/7/2024), ND 293/2025 (1/1/2026).
var minimumWages = []struct {
	from    civil.Date
	regions [4]int64
}{
	{civil.MustParse("2026-01-01"), [4]int64{5_310_000, 4_730_000, 4_140_000, 3_700_000}},
	{civil.MustParse("2024-07-01"), [4]int64{4_960_000, 4_410_000, 3_860_000, 3_450_000}},
	{civil.MustParse("2022-07-01"), [4]int64{4_680_000, 4_160_000, 3_640_000, 3_250_000}},
	{civil.MustParse("2020-01-01"), [4]int64{4_420_000, 3_920_000, 3_430_000, 3_070_000}},
}

func minimumWage(region int, d civil.Date) int64 {
	for _, w := range minimumWages {
		if d >= w.from {
			return w.regions[region-1]
		}
	}
	return minimumWages[len(minimumWages)-1].regions[region-1]
}

// cases adds the deliberate data-quality cases to a registered person.
func (g *generator) cases(r *rng, l *life, first string) error {
	m := l.m
	if l.movedFrom != "" {
		if err := g.quality("moved_province", m.nid[:], m.bhxh[:], nil, nil, l.movedFrom); err != nil {
			return err
		}
	}
	if l.age < 18 {
		return nil
	}
	if l.cards > 0 && l.lastGrp != gGD && r.chance(g.opt.OverlapRate) {
		from := l.lastFrom + civil.Date(r.between(15, 120))
		if err := g.card(l, gGD, provinceOn(l.c, from), m.bhxh[:], from, addMonths(from, 12)-1); err != nil {
			return err
		}
		if err := g.quality("overlapping_cards", m.nid[:], m.bhxh[:], nil, nil, ""); err != nil {
			return err
		}
	}
	if r.chance(g.opt.DuplicateRate) {
		return g.duplicate(r, l, first)
	}
	return nil
}

// duplicate writes the person again under a second national ID and BHXH code, with
// a household card of its own.
func (g *generator) duplicate(r *rng, l *life, first string) error {
	m := l.m
	twin := *m
	var err error
	if twin.nid, err = g.ids.nationalID(m.birthPrefix, yearOf(m.birth), m.female); err != nil {
		return err
	}
	if twin.bhxh, err = g.ids.bhxhCode(first); err != nil {
		return err
	}
	if err := g.personRow(g.files[fPersons], &twin, l.h, l.c, twin.bhxh[:]); err != nil {
		return err
	}
	from := g.asOf - civil.Date(r.between(30, 300))
	covered, cards, lastFrom, lastGrp := l.covered, l.cards, l.lastFrom, l.lastGrp
	err = g.card(l, gGD, provinceOn(l.c, from), twin.bhxh[:], from, addMonths(from, 12)-1)
	l.covered, l.cards, l.lastFrom, l.lastGrp = covered, cards, lastFrom, lastGrp // the person counts once
	if err != nil {
		return err
	}
	return g.quality("duplicate_person", m.nid[:], m.bhxh[:], twin.nid[:], twin.bhxh[:], "")
}
