package coverage

import (
	"fmt"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

func day(s string) civil.Date { return civil.MustParse(s) }

// Lạng Sơn is province 20, Hà Nội 01.
const (
	langSon Province = 20
	haNoi   Province = 1
)

var testCommunes = []Commune{
	{Code: "06001", Province: langSon}, // 0
	{Code: "06002", Province: langSon}, // 1
	{Code: "00001", Province: haNoi},   // 2
}

var testVillages = []Village{{Code: "06001-01", Commune: 0}, {Code: "06001-02", Commune: 0}}

func build(t *testing.T, persons ...Person) *Index {
	t.Helper()
	b, err := NewBuilder(testCommunes, testVillages)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range persons {
		if _, err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	return b.Build()
}

func card(from, to string) Interval {
	t := civil.Max
	if to != "" {
		t = day(to)
	}
	return Interval{From: day(from), To: t, Issuing: langSon, Group: GroupHousehold}
}

func covered(t *testing.T, x *Index, a Area, s Scheme, d string) int64 {
	t.Helper()
	n, err := x.Covered(a, s, day(d))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCountedOnce(t *testing.T) {
	type on struct {
		date string
		want int64
	}
	tests := []struct {
		name  string
		cards []Interval
		on    []on
	}{
		{"overlapping cards count once",
			[]Interval{card("2025-01-01", "2025-12-31"), card("2025-06-01", "2026-05-31")},
			[]on{{"2024-12-31", 0}, {"2025-01-01", 1}, {"2025-07-01", 1}, {"2026-05-31", 1}, {"2026-06-01", 0}}},
		{"the same card twice",
			[]Interval{card("2025-01-01", "2025-12-31"), card("2025-01-01", "2025-12-31")},
			[]on{{"2025-01-01", 1}, {"2025-12-31", 1}, {"2026-01-01", 0}}},
		{"back-to-back cards are continuous",
			[]Interval{card("2025-01-01", "2025-06-30"), card("2025-07-01", "2025-12-31")},
			[]on{{"2025-06-30", 1}, {"2025-07-01", 1}, {"2025-12-31", 1}, {"2026-01-01", 0}}},
		{"a gap of one day",
			[]Interval{card("2025-01-01", "2025-06-30"), card("2025-07-02", "2025-12-31")},
			[]on{{"2025-06-30", 1}, {"2025-07-01", 0}, {"2025-07-02", 1}}},
		{"a card ending the day before D, and on D",
			[]Interval{card("2025-01-01", "2025-06-30")},
			[]on{{"2025-06-30", 1}, {"2025-07-01", 0}}},
		{"a card starting on D",
			[]Interval{card("2025-07-01", "2025-07-01")},
			[]on{{"2025-06-30", 0}, {"2025-07-01", 1}, {"2025-07-02", 0}}},
		{"open-ended",
			[]Interval{card("2020-01-01", "")},
			[]on{{"2019-12-31", 0}, {"2020-01-01", 1}, {"2050-06-30", 1}, {"9999-12-31", 1}}},
		{"a card inside an open one",
			[]Interval{card("2020-01-01", ""), card("2021-01-01", "2021-12-31")},
			[]on{{"2021-06-01", 1}, {"2022-01-01", 1}}},
		{"no cards", nil, []on{{"2025-01-01", 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := build(t, Person{Commune: 0, Village: 1, Birth: day("1980-05-05"), BHYT: tc.cards})
			for _, o := range tc.on {
				for _, a := range []Area{InCommune(0), InVillage(1), InProvince(langSon, ByResidence), InProvince(langSon, ByIssuing)} {
					if got := covered(t, x, a, BHYT, o.date); got != o.want {
						t.Errorf("%v on %s: covered %d, want %d", a, o.date, got, o.want)
					}
				}
				if got := covered(t, x, InCommune(1), BHYT, o.date); got != 0 {
					t.Errorf("another commune on %s: %d", o.date, got)
				}
			}
		})
	}
}

func TestCommunesAndSeries(t *testing.T) {
	x := build(t,
		Person{Commune: 0, Village: NoVillage, BHYT: []Interval{card("2025-01-15", "2025-03-31")}},
		Person{Commune: 0, Village: 0, BHYT: []Interval{card("2025-02-01", "")}},
		Person{Commune: 2, Village: NoVillage, BHYT: []Interval{card("2024-01-01", "2025-02-28")}},
	)
	out := make([]int64, 3)
	if err := x.AllCommunes(BHYT, day("2025-02-28"), out); err != nil {
		t.Fatal(err)
	}
	if out[0] != 2 || out[1] != 0 || out[2] != 1 {
		t.Errorf("all communes on 28/02/2025 = %v, want [2 0 1]", out)
	}
	pts, err := x.MonthEnds(InCommune(0), BHYT, day("2024-12-10"), day("2025-04-20"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Point{{day("2024-12-31"), 0}, {day("2025-01-31"), 1}, {day("2025-02-28"), 2}, {day("2025-03-31"), 2}, {day("2025-04-20"), 1}}
	if len(pts) != len(want) {
		t.Fatalf("series %v, want %v", pts, want)
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Errorf("point %d = %v, want %v", i, pts[i], want[i])
		}
	}
	if n := covered(t, x, InVillage(0), BHYT, "2025-03-01"); n != 1 {
		t.Errorf("village 0: %d, want 1", n)
	}
}

// The card in force does not depend on the order the cards are listed in: every
// order of the four gives the same groups.
func TestPayerGroupOfTheLatestCard(t *testing.T) {
	cards := []Interval{
		{From: day("2025-01-01"), To: day("2025-12-31"), Issuing: langSon, Group: GroupHousehold},
		{From: day("2025-03-01"), To: day("2025-04-30"), Issuing: langSon, Group: GroupStateBudget},
		{From: day("2025-11-01"), To: day("2026-10-31"), Issuing: langSon},                    // takes the person's group
		{From: day("2025-11-01"), To: day("2025-11-30"), Issuing: langSon, Group: GroupOther}, // same start, ends first
	}
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}} {
		var listed []Interval
		for _, i := range order {
			listed = append(listed, cards[i])
		}
		t.Run(fmt.Sprint(order), func(t *testing.T) { payerGroupOfTheLatestCard(t, listed) })
	}
}

func payerGroupOfTheLatestCard(t *testing.T, cards []Interval) {
	x := build(t, Person{Commune: 0, Village: NoVillage, Group: GroupStateSupported, BHYT: cards})
	tests := []struct {
		date string
		want PayerGroup
	}{
		{"2025-02-28", GroupHousehold},
		{"2025-03-01", GroupStateBudget},
		{"2025-04-30", GroupStateBudget},
		{"2025-05-01", GroupHousehold}, // back to the card still in force
		{"2025-11-15", GroupOther},
		{"2025-12-01", GroupStateSupported},
		{"2026-10-31", GroupStateSupported},
	}
	for _, tc := range tests {
		got, err := x.Breakdown(InCommune(0), BHYT, DimPayerGroup, day(tc.date))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			want := int64(0)
			if c.Value == tc.want.String() {
				want = 1
			}
			if c.Covered != want {
				t.Errorf("%s: %s = %d, want %d", tc.date, c.Value, c.Covered, want)
			}
		}
	}
}

func TestAgeBandChangesAtBirthday(t *testing.T) {
	x := build(t,
		Person{Commune: 0, Village: NoVillage, Birth: day("2019-07-15"), BHYT: []Interval{card("2025-01-01", "2025-12-31")}},
		Person{Commune: 1, Village: NoVillage, Birth: day("2008-02-29"), BHYT: []Interval{card("2025-01-01", "")}},
		Person{Commune: 2, Village: NoVillage, Birth: day("1946-01-01"), BHYT: []Interval{card("2025-01-01", "")}},
	)
	tests := []struct {
		commune int32
		date    string
		want    AgeBand
	}{
		{0, "2025-07-14", Age0to5},
		{0, "2025-07-15", Age6to17},
		{1, "2026-02-28", Age6to17},
		{1, "2026-03-01", Age18to59}, // born 29 February: 18 on 1 March of a common year
		{1, "2066-02-28", Age18to59},
		{1, "2068-02-29", Age60to79},
		{2, "2025-12-31", Age60to79},
		{2, "2026-01-01", Age80Plus},
	}
	for _, tc := range tests {
		if got := AgeBandOn(x.peopleBirth(tc.commune), day(tc.date)); got != tc.want {
			t.Errorf("AgeBandOn commune %d %s = %s, want %s", tc.commune, tc.date, got, tc.want)
		}
		bd, err := x.Breakdown(InCommune(tc.commune), BHYT, DimAgeBand, day(tc.date))
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range bd {
			want := int64(0)
			if AgeBand(i) == tc.want {
				want = 1
			}
			if c.Covered != want {
				t.Errorf("commune %d on %s: band %s = %d, want %d", tc.commune, tc.date, c.Value, c.Covered, want)
			}
		}
	}
}

// peopleBirth is the birth date of the person living in commune c (one per commune
// in the test above).
func (x *Index) peopleBirth(c int32) civil.Date {
	for p, pc := range x.people.commune {
		if pc == c {
			return civil.Date(x.people.birth[p])
		}
	}
	return 0
}

func TestBreakdownsSumToTotal(t *testing.T) {
	x := build(t,
		Person{Commune: 0, Village: 0, Sex: Male, Birth: day("1990-01-01"), Group: GroupHousehold,
			BHYT: []Interval{card("2025-01-01", "")},
			BHXH: []Interval{{From: day("2020-01-01"), To: day("2025-06-30")}, {From: day("2025-07-01"), To: civil.Max, Voluntary: true}},
			BHTN: []Interval{{From: day("2020-01-01"), To: day("2025-06-30")}}},
		Person{Commune: 0, Village: 1, Sex: Female, Birth: day("2020-01-01"),
			BHYT: []Interval{{From: day("2020-01-01"), To: civil.Max, Issuing: langSon, Group: GroupStateBudget}}},
		Person{Commune: 0, Village: NoVillage, Birth: day("1940-01-01"),
			BHYT: []Interval{{From: day("2020-01-01"), To: civil.Max, Issuing: haNoi}},
			BHXH: []Interval{{From: day("2024-01-01"), To: civil.Max}}},
	)
	for _, d := range []string{"2019-12-31", "2024-06-30", "2025-06-30", "2025-07-01", "2030-01-01"} {
		for s := range numSchemes {
			total := covered(t, x, InCommune(0), s, d)
			for dim := range numDims {
				for _, a := range []Area{InCommune(0), InProvince(langSon, ByResidence)} {
					bd, err := x.Breakdown(a, s, dim, day(d))
					if err != nil {
						continue // not a breakdown of this scheme
					}
					var sum int64
					for _, c := range bd {
						sum += c.Covered
					}
					if sum != total {
						t.Errorf("%v %s by %s on %s: sum %d, total %d", a, s, dim, d, sum, total)
					}
				}
			}
		}
	}
	for d, want := range map[string]map[string]int64{
		"2025-06-30": {"compulsory": 2, "voluntary": 0},
		"2025-07-01": {"compulsory": 1, "voluntary": 1},
	} {
		bd, err := x.Breakdown(InCommune(0), BHXH, DimKind, day(d))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range bd {
			if c.Covered != want[c.Value] {
				t.Errorf("%s: kind %s = %d, want %d", d, c.Value, c.Covered, want[c.Value])
			}
		}
	}
	if n := covered(t, x, InCommune(0), BHYT, "2025-03-01"); n != 3 {
		t.Errorf("bhyt total %d, want 3", n)
	}
}

func TestIssuingAndElsewhere(t *testing.T) {
	x := build(t,
		// A Lạng Sơn resident working in Hà Nội: card from Hà Nội until June, then home.
		Person{Commune: 0, Village: NoVillage, BHYT: []Interval{
			{From: day("2025-01-01"), To: day("2025-06-30"), Issuing: haNoi, Group: GroupEmployerEmployee},
			{From: day("2025-07-01"), To: day("2025-12-31"), Issuing: langSon, Group: GroupHousehold},
		}},
		// A Lạng Sơn resident insured at home.
		Person{Commune: 1, Village: NoVillage, BHYT: []Interval{card("2025-01-01", "")}},
		// A Hà Nội resident insured in Hà Nội.
		Person{Commune: 2, Village: NoVillage, BHYT: []Interval{{From: day("2025-01-01"), To: civil.Max, Issuing: haNoi}}},
	)
	tests := []struct {
		date                                    string
		lsResidence, lsIssuing, hnIssuing, away int64
	}{
		{"2025-06-30", 2, 1, 2, 1},
		{"2025-07-01", 2, 2, 1, 0},
	}
	for _, tc := range tests {
		if got := covered(t, x, InProvince(langSon, ByResidence), BHYT, tc.date); got != tc.lsResidence {
			t.Errorf("%s Lạng Sơn by residence %d, want %d", tc.date, got, tc.lsResidence)
		}
		if got := covered(t, x, InProvince(langSon, ByIssuing), BHYT, tc.date); got != tc.lsIssuing {
			t.Errorf("%s Lạng Sơn by issuing %d, want %d", tc.date, got, tc.lsIssuing)
		}
		if got := covered(t, x, InProvince(haNoi, ByIssuing), BHYT, tc.date); got != tc.hnIssuing {
			t.Errorf("%s Hà Nội by issuing %d, want %d", tc.date, got, tc.hnIssuing)
		}
		for _, a := range []Area{InProvince(langSon, ByResidence), InCommune(0)} {
			if got, _ := x.Elsewhere(a, day(tc.date)); got != tc.away {
				t.Errorf("%s %v insured elsewhere %d, want %d", tc.date, a, got, tc.away)
			}
		}
		if got, _ := x.Elsewhere(InProvince(haNoi, ByResidence), day(tc.date)); got != 0 {
			t.Errorf("%s Hà Nội insured elsewhere %d", tc.date, got)
		}
	}
}

func TestMoveShiftsCountsFromItsDate(t *testing.T) {
	x := build(t, Person{Commune: 0, Village: 0, Birth: day("1990-01-01"),
		BHYT: []Interval{card("2020-01-01", "")},
		BHXH: []Interval{{From: day("2024-01-01"), To: day("2026-12-31")}}})
	if err := x.Apply([]Change{MoveTo(0, Residence{From: day("2025-07-01"), Commune: 2, Village: NoVillage})}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		area           Area
		date           string
		bhyt, bhxh, aw int64
	}{
		{InCommune(0), "2025-06-30", 1, 1, 0},
		{InVillage(0), "2025-06-30", 1, 1, -1},
		{InCommune(2), "2025-06-30", 0, 0, 0},
		{InCommune(0), "2025-07-01", 0, 0, 0},
		{InVillage(0), "2025-07-01", 0, 0, -1},
		{InCommune(2), "2025-07-01", 1, 1, 1}, // now a Hà Nội resident with a Lạng Sơn card
		{InProvince(haNoi, ByResidence), "2027-01-01", 1, 0, 1},
		{InProvince(langSon, ByIssuing), "2027-01-01", 1, -1, -1},
	}
	for _, tc := range tests {
		if got := covered(t, x, tc.area, BHYT, tc.date); got != tc.bhyt {
			t.Errorf("%v %s bhyt %d, want %d", tc.area, tc.date, got, tc.bhyt)
		}
		if tc.bhxh >= 0 {
			if got := covered(t, x, tc.area, BHXH, tc.date); got != tc.bhxh {
				t.Errorf("%v %s bhxh %d, want %d", tc.area, tc.date, got, tc.bhxh)
			}
		}
		if tc.aw >= 0 {
			if got, _ := x.Elsewhere(tc.area, day(tc.date)); got != tc.aw {
				t.Errorf("%v %s elsewhere %d, want %d", tc.area, tc.date, got, tc.aw)
			}
		}
	}
}

func TestApplyRenewAndCancel(t *testing.T) {
	x := build(t, Person{Commune: 0, Village: NoVillage, BHYT: []Interval{card("2025-01-01", "2025-12-31")}})
	steps := []struct {
		cards []Interval
		on    map[string]int64
	}{
		{[]Interval{card("2025-01-01", "2025-12-31"), card("2026-01-01", "2026-12-31")}, // renewed
			map[string]int64{"2025-12-31": 1, "2026-01-01": 1, "2027-01-01": 0}},
		{[]Interval{card("2025-01-01", "2025-08-31")}, // cancelled from September
			map[string]int64{"2025-08-31": 1, "2025-09-01": 0, "2026-01-01": 0}},
		{nil, map[string]int64{"2025-01-01": 0}},
	}
	for i, st := range steps {
		if err := x.Apply([]Change{Replace(0, BHYT, st.cards)}); err != nil {
			t.Fatal(err)
		}
		for d, want := range st.on {
			if got := covered(t, x, InCommune(0), BHYT, d); got != want {
				t.Errorf("step %d on %s: %d, want %d", i, d, got, want)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	x := build(t, Person{Commune: 0, Village: NoVillage, BHYT: []Interval{card("2025-01-01", "")}})
	if _, err := x.Covered(InProvince(langSon, ByIssuing), BHXH, day("2025-01-01")); err == nil {
		t.Error("issuing basis accepted for bhxh")
	}
	if _, err := x.Breakdown(InCommune(0), BHXH, DimPayerGroup, day("2025-01-01")); err == nil {
		t.Error("payer group accepted for bhxh")
	}
	if _, err := x.Covered(InCommune(3), BHYT, day("2025-01-01")); err == nil {
		t.Error("commune 3 accepted")
	}
	bad := []Change{
		Replace(0, BHYT, nil),
		Replace(0, BHYT, []Interval{{From: day("2025-02-01"), To: day("2025-01-01")}}),
	}
	if err := x.Apply(bad); err == nil {
		t.Error("an interval ending before it starts was accepted")
	}
	if n := covered(t, x, InCommune(0), BHYT, "2025-06-01"); n != 1 {
		t.Errorf("a rejected batch changed the count to %d", n)
	}
	if err := x.Apply([]Change{MoveTo(0, Residence{From: day("2025-01-01"), Commune: 2, Village: 0})}); err == nil {
		t.Error("a village of another commune was accepted")
	}
	if _, err := NewBuilder([]Commune{{Code: "x", Province: 100}}, nil); err == nil {
		t.Error("province 100 accepted")
	}
}

func TestParse(t *testing.T) {
	if s, err := ParseScheme("bhtn"); err != nil || s != BHTN {
		t.Errorf("ParseScheme(bhtn) = %v, %v", s, err)
	}
	if b, err := ParseBasis("issuing"); err != nil || b != ByIssuing {
		t.Errorf("ParseBasis(issuing) = %v, %v", b, err)
	}
	if g, err := ParsePayerGroup("state_supported"); err != nil || g != GroupStateSupported {
		t.Errorf("ParsePayerGroup = %v, %v", g, err)
	}
	if d, err := ParseDim("age_band"); err != nil || d != DimAgeBand {
		t.Errorf("ParseDim = %v, %v", d, err)
	}
	if p, err := ParseProvince("20"); err != nil || p != langSon || p.String() != "20" {
		t.Errorf("ParseProvince(20) = %v, %v", p, err)
	}
	for _, bad := range []func() error{
		func() error { _, err := ParseScheme("bhtnld"); return err },
		func() error { _, err := ParseBasis("work"); return err },
		func() error { _, err := ParsePayerGroup("poor"); return err },
		func() error { _, err := ParseDim("village"); return err },
		func() error { _, err := ParseProvince("7"); return err },
		func() error { _, err := ParseProvince("1a"); return err },
	} {
		if bad() == nil {
			t.Error("bad input accepted")
		}
	}
}

// TestQueriesDuringApply is for go test -race: readers and Apply at once.
func TestQueriesDuringApply(t *testing.T) {
	x := build(t, Person{Commune: 0, Village: NoVillage, BHYT: []Interval{card("2025-01-01", "")}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		out := make([]int64, len(testCommunes))
		for range 200 {
			if err := x.AllCommunes(BHYT, day("2025-06-01"), out); err != nil {
				t.Error(err)
			}
			if n := out[0] + out[2]; n != 1 {
				t.Errorf("a query saw %d persons mid-move", n)
			}
		}
	}()
	for i := range 200 {
		c := int32(2 * (i % 2))
		if err := x.Apply([]Change{MoveTo(0, Residence{From: civil.Min, Commune: c, Village: NoVillage})}); err != nil {
			t.Fatal(err)
		}
	}
	<-done
}

// TestUpdateEachTakesChangesOneByOne gives UpdateEach new persons and changes as
// sequences, reusing one slice for every change's intervals, and checks the counts
// against the same update made with Update; an invalid change stops it with an
// error after the changes before it.
func TestUpdateEachTakesChangesOneByOne(t *testing.T) {
	base := []Person{
		{Commune: 0, Village: NoVillage, BHYT: []Interval{card("2025-01-01", "2025-12-31")}},
		{Commune: 1, Village: NoVillage, BHYT: []Interval{card("2025-03-01", "2025-06-30")}},
	}
	added := []Person{{Commune: 2, Village: NoVillage, BHYT: []Interval{card("2025-02-01", "")}}}
	renew := [][]Interval{
		{card("2025-01-01", "2025-12-31"), card("2026-01-01", "2026-12-31")},
		{card("2025-03-01", "2025-09-30")},
	}
	want := build(t, base...)
	changes := []Change{Replace(0, BHYT, renew[0]), Replace(1, BHYT, renew[1])}
	if _, err := want.Update(added, changes); err != nil {
		t.Fatal(err)
	}
	got := build(t, base...)
	var scratch []Interval
	first, err := got.UpdateEach(slices.Values(added), func(yield func(Change) bool) {
		for p, ivs := range renew {
			scratch = append(scratch[:0], ivs...)
			if !yield(Replace(int32(p), BHYT, scratch)) {
				return
			}
		}
	})
	if err != nil || first != 2 {
		t.Fatalf("UpdateEach: first %d, %v", first, err)
	}
	for _, d := range []string{"2025-02-15", "2025-08-01", "2025-12-31", "2026-06-01", "2027-01-01"} {
		for c := range int32(3) {
			if g, w := covered(t, got, InCommune(c), BHYT, d), covered(t, want, InCommune(c), BHYT, d); g != w {
				t.Errorf("commune %d on %s: %d, want %d", c, d, g, w)
			}
		}
	}
	_, err = got.UpdateEach(slices.Values([]Person(nil)), slices.Values([]Change{
		Replace(0, BHYT, nil),
		Replace(1, BHYT, []Interval{{From: day("2025-02-01"), To: day("2025-01-01")}}),
	}))
	if err == nil {
		t.Fatal("an interval ending before it starts was accepted")
	}
	if n := covered(t, got, InCommune(0), BHYT, "2025-06-01"); n != 0 {
		t.Errorf("the change before the invalid one: %d covered in commune 0, want 0", n)
	}
}
