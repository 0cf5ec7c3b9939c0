package geo

import (
	"sort"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

func refAtlas(t testing.TB) *Atlas {
	t.Helper()
	ch, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	return NewAtlas(ch.NewUnits, ch.NewLinks)
}

func TestReferenceCounts(t *testing.T) {
	a := refAtlas(t)
	cases := []struct {
		date  string
		level Level
		want  int
	}{
		{"2025-06-30", Province, 63},
		{"2025-07-01", Province, 34},
		{"2025-06-30", District, 696},
		{"2025-07-01", District, 0},
		{"2025-06-30", Commune, 10035},
		{"2025-07-01", Commune, 3321},
		{"2026-11-23", Commune, 3321},
	}
	for _, c := range cases {
		if got := len(a.List(civil.MustParse(c.date), c.level)); got != c.want {
			t.Errorf("%s %s: %d units, want %d", c.level, c.date, got, c.want)
		}
	}
}

func TestCodeReuseNeedsDate(t *testing.T) {
	a := refAtlas(t)
	before, err := a.Find("00004", civil.MustParse("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := a.Find("00004", civil.MustParse("2025-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	if before.ID == after.ID {
		t.Fatal("00004 is one unit across the reorganisation")
	}
	if n := before.NameOn(before.ValidTo).FullName; n != "Phường Trúc Bạch" {
		t.Errorf("00004 before = %q", n)
	}
	if n := after.NameOn(after.ValidFrom).FullName; n != "Phường Ba Đình" {
		t.Errorf("00004 after = %q", n)
	}
	if p := a.Unit(after.ParentOn(after.ValidFrom)); p.Code != "01" || p.Level != Province {
		t.Errorf("parent of Ba Đình = %s %s", p.Code, p.Level)
	}
}

func successorCodes(a *Atlas, code, date string) []string {
	u, err := a.Find(code, civil.MustParse(date))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, l := range a.Successors(u.ID) {
		out = append(out, a.Unit(l.ToID).Code)
	}
	sort.Strings(out)
	return out
}

func TestDaLatWards(t *testing.T) {
	a := refAtlas(t)
	// README test case 1: Phường 1 (24784) → Phường Xuân Hương - Đà Lạt (24781);
	// Phường 7 (24769) → Phường Lang Biang - Đà Lạt (24846); Xã Tà Nung (24808) → Cam Ly (24787).
	for old, want := range map[string]string{"24784": "24781", "24769": "24846", "24808": "24787", "24775": "24778", "24811": "24805"} {
		got := successorCodes(a, old, "2024-12-31")
		if len(got) != 1 || got[0] != want {
			t.Errorf("successors of %s = %v, want %s", old, got, want)
		}
	}
	olds := 0
	for _, c := range a.Children(mustFind(t, a, "672", "2025-01-01").ID, civil.MustParse("2025-01-01")) {
		if c.Level == Commune {
			olds++
		}
	}
	if olds != 16 {
		t.Errorf("old Đà Lạt has %d communes, want 16", olds)
	}
	sources := 0
	for _, code := range []string{"24781", "24787", "24778", "24805", "24846"} {
		sources += len(a.Predecessors(mustFind(t, a, code, "2025-07-01").ID))
	}
	if sources != 18 {
		t.Errorf("the 5 new wards have %d sources, want 18", sources)
	}
}

func mustFind(t *testing.T, a *Atlas, code, date string) *Unit {
	t.Helper()
	u, err := a.Find(code, civil.MustParse(date))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSplitSharesSumToWhole(t *testing.T) {
	a := refAtlas(t)
	u := mustFind(t, a, "00007", "2025-06-30") // Phường Cống Vị: split into Ngọc Hà and Giảng Võ
	got := successorCodes(a, "00007", "2025-06-30")
	if len(got) != 2 || got[0] != "00008" || got[1] != "00025" {
		t.Fatalf("Cống Vị → %v", got)
	}
	var sum int64
	for _, l := range a.Successors(u.ID) {
		sum += l.SharePPM
	}
	if sum != WholeShare {
		t.Errorf("shares sum to %d", sum)
	}
	for _, old := range a.List(civil.MustParse("2025-06-30"), Commune) {
		var s int64
		for _, l := range a.Successors(old.ID) {
			s += l.SharePPM
		}
		if s != WholeShare && !old.ValidOn(ReorgDate) {
			t.Fatalf("%s shares sum to %d", old.Code, s)
		}
	}
}

func TestContinuingUnits(t *testing.T) {
	a := refAtlas(t)
	// Cao Bằng (04) did not merge: one identity across the date, new parent none.
	p1, p2 := mustFind(t, a, "04", "2025-06-30"), mustFind(t, a, "04", "2025-07-01")
	if p1.ID != p2.ID {
		t.Error("Cao Bằng is two units")
	}
	// Lâm Đồng (68) absorbed Đắk Nông (67) and Bình Thuận (60): a new identity.
	l := mustFind(t, a, "68", "2025-07-01")
	if len(a.Predecessors(l.ID)) != 3 {
		t.Errorf("Lâm Đồng has %d predecessors", len(a.Predecessors(l.ID)))
	}
	if _, err := a.Find("67", civil.MustParse("2025-07-01")); err == nil {
		t.Error("67 exists after the merger")
	}
	if n := len(a.Children(l.ID, ReorgDate)); n != 124 {
		t.Errorf("Lâm Đồng has %d communes, want 124", n)
	}
	// Xã Krông Na (24235) was renamed Xã Buôn Đôn: same unit, two names.
	k := mustFind(t, a, "24235", "2025-07-01")
	if k.ValidFrom != civil.Min || k.NameOn(ReorgDate).Name != "Buôn Đôn" || k.NameOn(civil.MustParse("2025-06-30")).Name != "Krông Na" {
		t.Errorf("Krông Na/Buôn Đôn: %+v", k.Names)
	}
	// Côn Đảo district became a special zone of HCMC.
	cd := mustFind(t, a, "26732", "2025-07-01")
	ps := a.Predecessors(cd.ID)
	if len(ps) != 1 || a.Unit(ps[0].FromID).Level != District {
		t.Errorf("Côn Đảo predecessors %+v", ps)
	}
}
