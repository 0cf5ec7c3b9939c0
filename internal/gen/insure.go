package gen

import (
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
)

// Participant codes used, with their payer group (forms-and-codes.md §9) and benefit
// digit (§8.4). Self-paying groups renew (or not) by themselves: they are the ones
// with gaps and lapses.
type group struct {
	code    string
	payer   string
	level   int
	level26 int // benefit digit from 1 January 2026 (CV 38/BYT-BH), 0 when unchanged
	self    bool
	never   float64 // share of the group's members who never buy a card
	lapse   float64 // chance of not renewing at each renewal
	gap     float64 // chance of renewing late (1–120 days)
}

var groups = map[string]*group{
	"DN": {code: "DN", payer: "employer_employee", level: 4},
	"HX": {code: "HX", payer: "employer_employee", level: 4},
	"CH": {code: "CH", payer: "employer_employee", level: 4},
	"NN": {code: "NN", payer: "employer_employee", level: 4},
	"TK": {code: "TK", payer: "employer_employee", level: 4},
	"HC": {code: "HC", payer: "employer_employee", level: 4},
	"HT": {code: "HT", payer: "bhxh_fund", level: 3},
	"TE": {code: "TE", payer: "state_budget", level: 1},
	"HN": {code: "HN", payer: "state_budget", level: 2},
	"DT": {code: "DT", payer: "state_budget", level: 2},
	"DK": {code: "DK", payer: "state_budget", level: 2},
	"CB": {code: "CB", payer: "state_budget", level: 2},
	"KC": {code: "KC", payer: "state_budget", level: 2},
	"CK": {code: "CK", payer: "state_budget", level: 2},
	"BT": {code: "BT", payer: "state_budget", level: 2},
	"LH": {code: "LH", payer: "state_budget", level: 4, level26: 2},
	"HS": {code: "HS", payer: "state_supported", level: 4, self: true, never: 0.015, lapse: 0.01, gap: 0.03},
	"SV": {code: "SV", payer: "state_supported", level: 4, self: true, never: 0.06, lapse: 0.03, gap: 0.05},
	"CN": {code: "CN", payer: "state_supported", level: 3, level26: 2, self: true, never: 0.06, lapse: 0.04, gap: 0.05},
	"GB": {code: "GB", payer: "state_supported", level: 4, self: true, never: 0.12, lapse: 0.05, gap: 0.10},
	"GD": {code: "GD", payer: "household", level: 4, self: true, never: 0.075, lapse: 0.035, gap: 0.12},
}

var (
	gTE, gHT, gHN, gDT, gDK = groups["TE"], groups["HT"], groups["HN"], groups["DT"], groups["DK"]
	gLH, gBT, gHS, gSV, gCN = groups["LH"], groups["BT"], groups["HS"], groups["SV"], groups["CN"]
	gGB, gGD                = groups["GB"], groups["GD"]
)

var (
	jan2026 = civil.MustParse("2026-01-01")
	jul2024 = civil.MustParse("2024-07-01")
)

func (gr *group) levelOn(d civil.Date) int {
	if gr.level26 != 0 && d >= jan2026 {
		return gr.level26
	}
	return gr.level
}

// spell is a period of compulsory employment.
type spell struct {
	from, to civil.Date // to is civil.Max while it lasts
	emp      employer
	group    *group
	bhtn     bool
	mult     float64 // salary over the regional minimum
	coeff    int     // civil-service salary coefficient × 100 (HC), 0 otherwise
}

// life is what the generator decided about one person over the history window.
type life struct {
	m         *member
	c         *commune
	h         *household
	age       int // on AsOf
	lf        bool
	job, prev spell
	hasJob    bool
	hasPrev   bool
	volFrom   civil.Date
	volTo     civil.Date
	volIncome int64
	hasVol    bool
	pension   bool
	retire    civil.Date
	merit     string
	social    bool // social pension from 75 (LH from 1 July 2025)
	bt        bool // monthly social assistance
	student   bool
	ethnic    bool // DT rather than DK in a difficult commune
	away      string
	movedFrom string
	moveDate  civil.Date
	never     float64 // the person's draw against each group's never share
	changes   [6]civil.Date
	nChanges  int

	covered  bool // a card valid on AsOf
	cards    int
	lastFrom civil.Date
	lastGrp  *group
}

func retireAge(female bool) int {
	if female {
		return 57 // 56 years 8 months in 2025 (Labour Code 2019 Art 169 roadmap)
	}
	return 61 // 61 years 3 months in 2025
}

// labourShare is the chance of being in the labour force by age, tuned so the labour
// force is about 55 % of the population.
func labourShare(age int, female, student bool) float64 {
	switch {
	case age < 15:
		return 0
	case age < 18:
		return 0.08
	case age < 23 && student:
		return 0.10
	case age < 23:
		return 0.86
	case age < 55 && female:
		return 0.91
	case age < 55:
		return 0.97
	case age < 60 && female:
		return 0.70
	case age < 60:
		return 0.90
	case age < 65:
		return 0.56
	case age < 75:
		return 0.33
	}
	return 0.05
}

// Shares of the labour force of working age: compulsory BHXH ≈ 38 %, voluntary ≈ 6 %
// active plus some who stopped paying (regulations.md §7.3: 2025 compulsory 38.6 %,
// voluntary 6.5 % of the working-age labour force). The compulsory share is higher
// in wards than in rural communes.
const (
	compulsoryShare = 0.407 // of the labour force of working age (18 to retirement)
	jobEndedShare   = 0.08  // of compulsory histories, ended during the window
	voluntaryShare  = 0.08
	volStoppedShare = 0.20 // of voluntary participants
)

func (g *generator) plan(r *rng, i int, h *household, m *member, l *life) {
	c := &g.communes[i]
	*l = life{m: m, c: c, h: h, age: ageOn(m.birth, g.asOf), volTo: civil.Max}
	l.never = r.float()
	l.ethnic = r.chance(0.85)
	a := l.age
	if a >= 18 && a < 23 {
		l.student = r.chance(0.40)
	}
	g.oldAge(r, l)
	if a >= 6 && r.chance(0.008) {
		l.bt = true
	}
	if a >= 18 && a <= 45 && r.chance(g.opt.CrossProvinceRate) {
		if d := g.awayCodes[r.pick(g.awayCum)]; d != c.province {
			l.away = d
		}
	}
	share := labourShare(a, m.female, l.student)
	if l.pension {
		share *= 0.3
	}
	l.lf = r.chance(share)
	if l.lf && a >= 18 && a < retireAge(m.female) {
		g.work(r, i, l)
	}
	if !l.hasJob && !l.hasPrev && a >= 20 && r.chance(g.opt.MoveRate) {
		g.move(r, l)
	}
	l.addChange(l.retire)
	if l.social {
		l.addChange(geo.ReorgDate) // LH cards begin (Law 51/2024)
	}
}

func (g *generator) oldAge(r *rng, l *life) {
	a, female := l.age, l.m.female
	if a >= retireAge(female)-1 {
		p := 0.16
		if l.c.ward {
			p = 0.38
		}
		ra := 60
		if female {
			ra = 55
		}
		retire := addMonths(l.m.birth, ra*12+r.intn(12))
		if retire <= g.asOf && r.chance(p) {
			l.pension, l.retire = true, retire
		}
	}
	switch {
	case a >= 62 && !female && r.chance(0.16):
		l.merit = [...]string{"CB", "CB", "CB", "KC", "KC", "CK"}[r.intn(6)]
	case a >= 62 && female && r.chance(0.04):
		l.merit = [...]string{"KC", "KC", "CK"}[r.intn(3)]
	}
	l.social = a >= 75 && !l.pension && r.chance(0.7)
}

// work decides compulsory or voluntary BHXH for a member of the labour force of
// working age.
func (g *generator) work(r *rng, i int, l *life) {
	p := compulsoryShare * 0.80
	if l.c.ward {
		p = compulsoryShare * 1.35
	}
	p /= 1 - jobEndedShare
	u := r.float()
	switch {
	case u < p:
		g.job(r, i, l)
	case u < p+voluntaryShare:
		g.voluntary(r, l)
	}
}

func (g *generator) job(r *rng, i int, l *life) {
	years := min(l.age-18, 20)
	f := r.float()
	from := g.asOf - civil.Date(f*f*float64(years*365+180))
	if !g.employ(r, i, l, &l.job, from, civil.Max) {
		return
	}
	l.hasJob = true
	if r.chance(jobEndedShare) {
		lo := max(from+30, g.h0)
		if lo < g.asOf-1 {
			l.job.to = lo + civil.Date(r.intn(int(g.asOf-1-lo)))
		}
	}
	if r.chance(0.30) && l.age >= 24 {
		to := from - civil.Date(r.between(2, 120))
		if g.employ(r, i, l, &l.prev, to-civil.Date(r.between(180, 6*365)), to) {
			l.hasPrev = true
		}
	}
	l.addChange(l.job.from)
	l.addChange(l.job.to + 1)
	if l.hasPrev {
		l.addChange(l.prev.from)
		l.addChange(l.prev.to + 1)
	}
}

// employ fills a spell with an employer: in the destination province for people
// working away, else mostly in the home commune, else elsewhere in the province.
func (g *generator) employ(r *rng, i int, l *life, s *spell, from, to civil.Date) bool {
	var ci int
	var k int64
	ok := false
	if l.away != "" {
		ci, k, ok = g.emp.inProvince(r, l.away)
		if !ok {
			l.away = "" // destination not generated: the person works at home
		}
	}
	if !ok && r.chance(0.75) {
		ci = i
		k, ok = g.emp.inCommune(r, i)
	}
	if !ok {
		ci, k, ok = g.emp.inProvince(r, l.c.province)
	}
	if !ok {
		return false
	}
	*s = spell{from: from, to: to, emp: g.employer(k, &g.communes[ci], false)}
	kind := s.emp.kind
	s.group = groups[kind.group]
	if kind.alt != "" && r.chance(0.2) {
		s.group = groups[kind.alt]
	}
	s.bhtn = (kind.bhtn || s.group.code == "CH") && r.chance(0.97)
	f := r.float()
	s.mult = 1.05 + 2.5*f*f
	if r.chance(0.03) {
		s.mult = 3 + 5*r.float()
	}
	if s.group.code == "HC" {
		s.coeff = civilServiceCoeffs[r.intn(len(civilServiceCoeffs))]
	}
	return true
}

// civilServiceCoeffs are salary coefficients (hệ số lương, NĐ 204/2004) × 100 of
// common grades and steps.
var civilServiceCoeffs = []int{234, 267, 300, 333, 366, 399, 432, 465, 498, 440, 474, 508}

func (g *generator) voluntary(r *rng, l *life) {
	earliest := max(civil.MustParse("2018-01-01"), l.m.birth+civil.Date(18*366))
	if earliest >= g.asOf-60 {
		return
	}
	l.hasVol = true
	l.volFrom = earliest + civil.Date(r.intn(int(g.asOf-60-earliest)))
	l.volIncome = 1_500_000 // the rural poverty line, floor of voluntary income (regulations.md §2.4)
	if r.chance(0.25) {
		l.volIncome = int64(r.between(16, 60)) * 100_000
	}
	if r.chance(volStoppedShare) && l.volFrom < g.asOf-120 {
		l.volTo = l.volFrom + 90 + civil.Date(r.intn(int(g.asOf-120-l.volFrom)))
	}
}

func (g *generator) move(r *rng, l *life) {
	from := g.birthCodes[r.pick(g.birthCum)]
	if g.newProvince[atoi(from)] == l.c.province {
		return
	}
	l.movedFrom = from
	span := int(g.asOf - 60 - (g.h0 + 180))
	l.moveDate = g.h0 + 180 + civil.Date(r.intn(span))
	l.addChange(l.moveDate)
}

func (l *life) addChange(d civil.Date) {
	if d != 0 && d < civil.Max && l.nChanges < len(l.changes) {
		l.changes[l.nChanges] = d
		l.nChanges++
	}
}

func (l *life) nextChange(t civil.Date) civil.Date {
	next := civil.Max
	for _, d := range l.changes[:l.nChanges] {
		if d > t && d < next {
			next = d
		}
	}
	return next
}

// groupAt is the participant code of the card a person would get on t, by the order
// of precedence of QĐ 595 (employer first, then BHXH fund, then state budget, then
// state support, then household).
func (l *life) groupAt(t civil.Date) (*group, *spell) {
	a := ageOn(l.m.birth, t)
	switch {
	case a < 6:
		return gTE, nil
	case l.hasJob && t >= l.job.from && t <= l.job.to:
		return l.job.group, &l.job
	case l.hasPrev && t >= l.prev.from && t <= l.prev.to:
		return l.prev.group, &l.prev
	case l.pension && t >= l.retire:
		return gHT, nil
	case l.h.poor:
		return gHN, nil
	case l.c.difficult && l.ethnic:
		return gDT, nil
	case l.c.difficult:
		return gDK, nil
	case l.merit != "" && a >= 60:
		return groups[l.merit], nil
	case l.social && a >= 75 && t >= geo.ReorgDate:
		return gLH, nil
	case l.bt || (l.social && a >= 80):
		return gBT, nil
	case a < 18:
		return gHS, nil
	case l.student && a < 23:
		return gSV, nil
	case l.h.nearPoor:
		return gCN, nil
	case l.h.farm:
		return gGB, nil
	}
	return gGD, nil
}
