package coverage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// world is a random population with the plain-data model of its changes, to build
// an index from scratch and to count by brute force.
type world struct {
	rng      *rand.Rand
	communes []Commune
	villages []Village
	persons  []Person
}

var worldProvinces = []Province{langSon, haNoi, 79}

func newWorld(seed uint64, communes, persons int) *world {
	w := &world{rng: rand.New(rand.NewPCG(seed, 1))}
	for c := range communes {
		w.communes = append(w.communes, Commune{Code: string(rune('A' + c)), Province: worldProvinces[c%3]})
		if c%2 == 0 {
			w.villages = append(w.villages, Village{Code: "v1", Commune: int32(c)}, Village{Code: "v2", Commune: int32(c)})
		}
	}
	for range persons {
		w.persons = append(w.persons, w.person())
	}
	return w
}

var worldStart = day("2018-01-01")

func (w *world) date(span int) civil.Date { return worldStart + civil.Date(w.rng.IntN(span)) }

func (w *world) residence() Residence {
	c := int32(w.rng.IntN(len(w.communes)))
	r := Residence{Commune: c, Village: NoVillage}
	for v, vl := range w.villages {
		if vl.Commune == c && w.rng.IntN(3) > 0 {
			r.Village = int32(v)
		}
	}
	return r
}

func (w *world) person() Person {
	r := w.residence()
	p := Person{Commune: r.Commune, Village: r.Village, Sex: Sex(w.rng.IntN(3)),
		Birth: day("1940-01-01") + civil.Date(w.rng.IntN(31000)), Group: PayerGroup(w.rng.IntN(int(numGroups)))}
	for s := range numSchemes {
		w.setIntervals(&p, s, w.intervals(s))
	}
	if w.rng.IntN(10) == 0 {
		m := w.residence()
		m.From = w.date(3600)
		p.Moves = []Residence{m}
	}
	return p
}

// intervals makes up to four intervals, often overlapping, back-to-back or one day
// apart, sometimes open-ended.
func (w *world) intervals(s Scheme) []Interval {
	n := w.rng.IntN(5)
	if s != BHYT {
		n = w.rng.IntN(3)
	}
	var out []Interval
	from := w.date(3000)
	for range n {
		iv := Interval{From: from, To: from + civil.Date(w.rng.IntN(400)),
			Issuing: worldProvinces[w.rng.IntN(3)], Group: PayerGroup(w.rng.IntN(int(numGroups))), Voluntary: w.rng.IntN(2) == 0}
		if w.rng.IntN(8) == 0 {
			iv.Issuing = 0
		}
		if w.rng.IntN(10) == 0 {
			iv.To = civil.Max
		}
		out = append(out, iv)
		switch w.rng.IntN(4) {
		case 0:
			from = iv.To + 1 // back to back
		case 1:
			from = iv.To + 2 // a gap of one day
		case 2:
			from = iv.From + civil.Date(w.rng.IntN(100)) // overlapping
		default:
			from = w.date(3000)
		}
		if iv.To == civil.Max {
			from = w.date(3000)
		}
	}
	return out
}

func (w *world) setIntervals(p *Person, s Scheme, ivs []Interval) {
	switch s {
	case BHYT:
		p.BHYT = ivs
	case BHXH:
		p.BHXH = ivs
	default:
		p.BHTN = ivs
	}
}

// move records a move in the plain model the way the index documents it.
func (w *world) move(p *Person, r Residence) {
	if r.From <= civil.Min {
		p.Commune, p.Village, p.Moves = r.Commune, r.Village, nil
		return
	}
	p.Moves = slices.DeleteFunc(slices.Clone(p.Moves), func(m Residence) bool { return m.From >= r.From })
	p.Moves = append(p.Moves, r)
}

func (w *world) build(t testing.TB) *Index {
	b, err := NewBuilder(w.communes, w.villages)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range w.persons {
		if _, err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return b.Build()
}

// tally is every count of one scheme on one day, by brute force or from an index.
type tally struct {
	slots     [][]int64 // [slot][commune]
	villages  []int64
	issuing   [numProvinces]int64
	provinces [numProvinces]int64
}

func newTally(s Scheme, communes, villages int) *tally {
	t := &tally{slots: make([][]int64, schemeSlots[s]), villages: make([]int64, villages)}
	for i := range t.slots {
		t.slots[i] = make([]int64, communes)
	}
	return t
}

// bruteForce counts scheme s on day d straight from the plain model.
func (w *world) bruteForce(s Scheme, d civil.Date) *tally {
	t := newTally(s, len(w.communes), len(w.villages))
	for _, p := range w.persons {
		in := -1
		for i, iv := range p.Intervals(s) {
			if iv.From <= d && d <= iv.To && (in < 0 || inForceOrder(s, iv, p.Intervals(s)[in], p.Group) >= 0) {
				in = i
			}
		}
		if in < 0 {
			continue
		}
		iv := p.Intervals(s)[in]
		r := Residence{Commune: p.Commune, Village: p.Village}
		for _, m := range p.Moves { // in date order
			if m.From <= d {
				r = m
			}
		}
		c := r.Commune
		t.slots[slotTotal][c]++
		t.slots[slotSex+int(p.Sex)][c]++
		t.slots[slotBand+int(AgeBandOn(p.Birth, d))][c]++
		t.provinces[w.communes[c].Province]++
		if r.Village != NoVillage {
			t.villages[r.Village]++
		}
		switch s {
		case BHYT:
			g := iv.Group
			if g == GroupUnknown {
				g = p.Group
			}
			t.slots[slotExtra+int(g)][c]++
			t.issuing[iv.Issuing]++
			if iv.Issuing != 0 && iv.Issuing != w.communes[c].Province {
				t.slots[slotElsewhere][c]++
			}
		case BHXH:
			k := 0
			if iv.Voluntary {
				k = 1
			}
			t.slots[slotExtra+k][c]++
		}
	}
	return t
}

// read asks the index every count that bruteForce makes.
func read(tb testing.TB, x *Index, s Scheme, d civil.Date) *tally {
	t := newTally(s, len(x.communes), len(x.villages))
	if err := x.AllCommunes(s, d, t.slots[slotTotal]); err != nil {
		tb.Fatal(err)
	}
	for c := range x.communes {
		for dim := range numDims {
			first, _, err := dimSlots(s, dim)
			if err != nil {
				continue
			}
			bd, err := x.Breakdown(InCommune(int32(c)), s, dim, d)
			if err != nil {
				tb.Fatal(err)
			}
			for i, v := range bd {
				t.slots[first+i][c] = v.Covered
			}
		}
		if s == BHYT {
			t.slots[slotElsewhere][c], _ = x.Elsewhere(InCommune(int32(c)), d)
		}
	}
	for v := range x.villages {
		t.villages[v], _ = x.Covered(InVillage(int32(v)), s, d)
	}
	for p := range Province(numProvinces) {
		t.provinces[p], _ = x.Covered(InProvince(p, ByResidence), s, d)
		if s == BHYT {
			t.issuing[p], _ = x.Covered(InProvince(p, ByIssuing), s, d)
		}
	}
	return t
}

func (t *tally) diff(u *tally) string {
	for i := range t.slots {
		if !slices.Equal(t.slots[i], u.slots[i]) {
			return fmt.Sprintf("slot %d: %v vs %v", i, t.slots[i], u.slots[i])
		}
	}
	switch {
	case !slices.Equal(t.villages, u.villages):
		return fmt.Sprintf("villages: %v vs %v", t.villages, u.villages)
	case t.issuing != u.issuing:
		return "issuing provinces"
	case t.provinces != u.provinces:
		return "residence provinces"
	}
	return ""
}

// checkDates compares the index with brute force on the dates given.
func checkDates(t *testing.T, w *world, x *Index, what string, dates []civil.Date) {
	t.Helper()
	for _, d := range dates {
		for s := range numSchemes {
			if diff := read(t, x, s, d).diff(w.bruteForce(s, d)); diff != "" {
				t.Fatalf("%s, %s on %s: %s", what, s, d, diff)
			}
		}
	}
}

// testDates are random days plus every first day, last day and day after of the
// intervals of some persons, and the open end.
func (w *world) testDates(n int) []civil.Date {
	var out []civil.Date
	for range n {
		out = append(out, w.date(4000))
	}
	for _, p := range w.persons[:20] {
		for _, iv := range p.BHYT {
			out = append(out, iv.From-1, iv.From, iv.To, iv.To+1)
		}
	}
	out = slices.DeleteFunc(out, func(d civil.Date) bool { return d > civil.Max }) // nothing lies past the open end
	return append(out, civil.Max, civil.Min)
}

func TestBuildMatchesBruteForce(t *testing.T) {
	w := newWorld(1, 9, 2000) // enough persons per commune to merge raw changes while building
	x := w.build(t)
	checkDates(t, w, x, "build", w.testDates(40))
}

// TestApplyMatchesRebuild applies 1,000 random changes — new lists for a scheme,
// moves, new persons — and checks the index against a rebuild from the changed data
// and against brute force, on many dates.
func TestApplyMatchesRebuild(t *testing.T) {
	w := newWorld(7, 9, 300)
	x := w.build(t)
	var batch []Change
	for i := range 1000 {
		p := int32(w.rng.IntN(len(w.persons)))
		switch k := w.rng.IntN(20); {
		case k < 14:
			s := Scheme(w.rng.IntN(int(numSchemes)))
			ivs := w.intervals(s)
			w.setIntervals(&w.persons[p], s, ivs)
			batch = append(batch, Replace(p, s, ivs))
		case k < 19:
			r := w.residence()
			r.From = w.date(3600)
			if k == 18 {
				r.From = civil.Min
			}
			w.move(&w.persons[p], r)
			batch = append(batch, MoveTo(p, r))
		default:
			if err := x.Apply(batch); err != nil {
				t.Fatal(err)
			}
			batch = nil
			np := w.person()
			w.persons = append(w.persons, np)
			if n, err := x.AddPerson(np); err != nil || int(n) != len(w.persons)-1 {
				t.Fatalf("AddPerson = %d, %v", n, err)
			}
		}
		if i%100 == 99 {
			if err := x.Apply(batch); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	if err := x.Apply(batch); err != nil {
		t.Fatal(err)
	}
	if st := x.Stats(); st.OverlaySteps == 0 {
		t.Error("no overlay left: the test does not read base and overlay together")
	}
	dates := w.testDates(120)
	checkDates(t, w, x, "after apply", dates)
	rebuilt := w.build(t)
	for _, d := range dates {
		for s := range numSchemes {
			if diff := read(t, x, s, d).diff(read(t, rebuilt, s, d)); diff != "" {
				t.Fatalf("apply vs rebuild, %s on %s: %s", s, d, diff)
			}
		}
	}
}

func TestNormaliseRule(t *testing.T) {
	var n normaliser
	ivs := []Interval{
		{From: 10, To: 20, Group: GroupHousehold},
		{From: 15, To: 17, Group: GroupStateBudget},
		{From: 21, To: 30, Group: GroupHousehold},
		{From: 32, To: 32, Group: GroupOther},
	}
	got := n.normalise(BHYT, ivs, GroupUnknown, nil)
	want := []seg{
		{10, 14, uint16(GroupHousehold)},
		{15, 17, uint16(GroupStateBudget)},
		{18, 30, uint16(GroupHousehold)},
		{32, 32, uint16(GroupOther)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("normalise = %v, want %v", got, want)
	}
}

// TestUpdateMatchesBruteForce adds persons and applies many changes in single
// Updates — large enough that series are merged at once rather than through their
// overlays — and checks the index against brute force; an invalid change leaves the
// index as it was.
func TestUpdateMatchesBruteForce(t *testing.T) {
	t.Run("series merged in one goroutine", testUpdateMatchesBruteForce)
	// Every update's series merged in parts side by side, as a daily file's are.
	defer func(n, procs int) { flushPerPart = n; runtime.GOMAXPROCS(procs) }(flushPerPart, runtime.GOMAXPROCS(4))
	flushPerPart = 1
	t.Run("series merged in parts", testUpdateMatchesBruteForce)
}

func testUpdateMatchesBruteForce(t *testing.T) {
	w := newWorld(11, 9, 400)
	x := w.build(t)
	for round := range 3 {
		var add []Person
		for range 300 {
			np := w.person()
			add = append(add, np)
		}
		var changes []Change
		for range 500 {
			p := int32(w.rng.IntN(len(w.persons)))
			if w.rng.IntN(4) == 0 {
				r := w.residence()
				r.From = w.date(3600)
				w.move(&w.persons[p], r)
				changes = append(changes, MoveTo(p, r))
				continue
			}
			s := Scheme(w.rng.IntN(int(numSchemes)))
			ivs := w.intervals(s)
			w.setIntervals(&w.persons[p], s, ivs)
			changes = append(changes, Replace(p, s, ivs))
		}
		first, err := x.Update(add, changes)
		if err != nil {
			t.Fatal(err)
		}
		if int(first) != len(w.persons) {
			t.Fatalf("round %d: first new person %d, want %d", round, first, len(w.persons))
		}
		w.persons = append(w.persons, add...)
		for i, p := range add {
			if got := x.Has(first+int32(i), BHYT); got != (len(p.BHYT) > 0) {
				t.Fatalf("Has(%d, BHYT) = %v with %d cards", first+int32(i), got, len(p.BHYT))
			}
		}
	}
	dates := w.testDates(60)
	checkDates(t, w, x, "after updates", dates)

	before := read(t, x, BHYT, dates[0])
	bad := []Change{Replace(0, BHYT, []Interval{card("2020-01-01", "2020-12-31")}), Replace(int32(len(w.persons)+5), BHYT, nil)}
	if _, err := x.Update([]Person{w.person()}, bad); err == nil {
		t.Fatal("an update naming a person the index does not hold was accepted")
	}
	if x.Persons() != len(w.persons) {
		t.Fatalf("a refused update added persons: %d, want %d", x.Persons(), len(w.persons))
	}
	if diff := read(t, x, BHYT, dates[0]).diff(before); diff != "" {
		t.Fatalf("a refused update changed figures: %s", diff)
	}
}

// TestNetMatchesSlow checks the packed-key net against the plain sort on random
// events of ±1 (with repeats, negative days and days at the ends of the range), and
// that events of another delta take the plain way.
func TestNetMatchesSlow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var keys netKeys
	days := []int32{math.MinInt32, -5, 0, 1, 2, 3, math.MaxInt32}
	for round := range 2000 {
		n := r.IntN(40)
		evs := make([]ev, n)
		for i := range evs {
			evs[i] = ev{id: int32(r.IntN(4)), day: days[r.IntN(len(days))], delta: int32(1 - 2*r.IntN(2))}
		}
		if round%100 == 0 && n > 0 {
			evs[0].delta = 2
		}
		got := net(slices.Clone(evs), &keys)
		want := netSlow(slices.Clone(evs))
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: net %v, want %v (from %v)", round, got, want, evs)
		}
	}
}

// TestDropCommon keeps what differs between two lists of segments, each once.
func TestDropCommon(t *testing.T) {
	a := seg{from: 1, to: 10, attr: 1}
	b := seg{from: 11, to: 20, attr: 1}
	b2 := seg{from: 11, to: 30, attr: 1}
	c := seg{from: 40, to: 50, attr: 2}
	o, n := dropCommon([]seg{a, b, c}, []seg{a, b2, c})
	if !slices.Equal(o, []seg{b}) || !slices.Equal(n, []seg{b2}) {
		t.Fatalf("renewal: old %v new %v", o, n)
	}
	o, n = dropCommon([]seg{a}, []seg{a, c})
	if len(o) != 0 || !slices.Equal(n, []seg{c}) {
		t.Fatalf("added: old %v new %v", o, n)
	}
	o, n = dropCommon([]seg{a, c}, nil)
	if !slices.Equal(o, []seg{a, c}) || len(n) != 0 {
		t.Fatalf("cancelled: old %v new %v", o, n)
	}
}
