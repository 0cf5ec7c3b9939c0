package geo

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// villageAtlas is the reference geography with villages from 2026: Phường Ba Đình
// (00004) has TDP01–TDP03, Phường Ngọc Hà (00008) has TDP01 and TDP05.
func villageAtlas(t *testing.T) *Atlas {
	t.Helper()
	a := refAtlas(t)
	ch, err := ParseVillages(a, "villages.csv", strings.NewReader("commune_code,village_code,village_name,village_type\n"+
		"00004,TDP01,1,to_dan_pho\n00004,TDP02,2,to_dan_pho\n00004,TDP03,3,to_dan_pho\n"+
		"00008,TDP01,1,to_dan_pho\n00008,TDP05,5,to_dan_pho\n"), civil.MustParse("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	return applyChange(a, ch)
}

// mustVillage is the village COMMUNE/CODE on date.
func mustVillage(t *testing.T, a *Atlas, code, date string) *Unit {
	t.Helper()
	u, err := a.FindCode(code, civil.MustParse(date))
	if err != nil {
		t.Fatalf("%s on %s: %v", code, date, err)
	}
	if u.Level != Village {
		t.Fatalf("%s is a %s", code, u.Level)
	}
	return u
}

// villageCodes are the codes of a commune's villages on date, sorted.
func villageCodes(a *Atlas, commune *Unit, date string) []string {
	var out []string
	for _, v := range a.Children(commune.ID, civil.MustParse(date)) {
		out = append(out, v.Code)
	}
	slices.Sort(out)
	return out
}

// carried is what n persons of village u (on its last day) become on date.
func carried(a *Atlas, u *Unit, date string, n int64) map[string]int64 {
	out := map[string]int64{}
	for to, v := range a.Apportion(u, u.LastDay(), civil.MustParse(date), n) {
		out[a.Unit(to.Parents[len(to.Parents)-1].ParentID).Code+"/"+to.Code] = v
	}
	return out
}

func TestReorgVillageMergeRenameSplit(t *testing.T) {
	a := villageAtlas(t)
	file := "2027-01-01,merge,00004/TDP01,00004/TDP01,,1,,to_dan_pho,,QĐ thử\n" +
		"2027-01-01,merge,00004/TDP02,00004/TDP01,,,,,,QĐ thử\n" +
		"2027-01-01,rename,00004/TDP03,,,Hòe Nhai,,,,QĐ thử\n" +
		"2028-01-01,split,00004/TDP03,00004/TDP03,60%,Hòe Nhai,,to_dan_pho,,QĐ thử\n" +
		"2028-01-01,split,00004/TDP03,00004/TDP06,40%,6,,to_dan_pho,,QĐ thử\n"
	ch := parseReorg(t, a, file)
	b := applyChange(a, ch)
	baDinh := mustFind(t, b, "00004", "2027-01-01")
	old1, old2 := mustVillage(t, b, "00004/TDP01", "2026-12-31"), mustVillage(t, b, "00004/TDP02", "2026-12-31")
	merged := mustVillage(t, b, "00004/TDP01", "2027-01-01")
	if merged.ID == old1.ID || merged.ValidFrom != civil.MustParse("2027-01-01") || old1.ValidTo != civil.MustParse("2026-12-31") || old2.ValidTo != old1.ValidTo {
		t.Fatalf("merge: old %+v %+v, new %+v", old1, old2, merged)
	}
	if n := merged.NameOn(merged.ValidFrom); n.FullName != "Tổ dân phố 1" || merged.ParentOn(merged.ValidFrom) != baDinh.ID {
		t.Errorf("merged village %+v under %d", n, merged.ParentOn(merged.ValidFrom))
	}
	if got := villageCodes(b, baDinh, "2027-06-01"); !slices.Equal(got, []string{"TDP01", "TDP03"}) {
		t.Errorf("Ba Đình's villages in 2027: %v", got)
	}
	if got := carried(b, old2, "2027-06-01", 57); !maps.Equal(got, map[string]int64{"00004/TDP01": 57}) {
		t.Errorf("TDP02's 57 persons in 2027: %v", got)
	}
	hoeNhai := mustVillage(t, b, "00004/TDP03", "2027-06-01")
	if hoeNhai.ID != mustVillage(t, b, "00004/TDP03", "2026-06-01").ID || hoeNhai.NameOn(civil.MustParse("2027-06-01")).FullName != "Tổ dân phố Hòe Nhai" ||
		hoeNhai.NameOn(civil.MustParse("2026-06-01")).FullName != "Tổ dân phố 3" {
		t.Errorf("rename: %+v", hoeNhai.Names)
	}
	if got := carried(b, hoeNhai, "2028-02-01", 101); !maps.Equal(got, map[string]int64{"00004/TDP03": 61, "00004/TDP06": 40}) {
		t.Errorf("split of 101 persons 60/40: %v", got)
	}
	if got := villageCodes(b, baDinh, "2028-01-01"); !slices.Equal(got, []string{"TDP01", "TDP03", "TDP06"}) {
		t.Errorf("Ba Đình's villages in 2028: %v", got)
	}
	// Going back: the 2028 TDP06 was part of Hòe Nhai in 2027.
	if got := carried(b, mustVillage(t, b, "00004/TDP06", "2028-01-01"), "2027-06-01", 9); !maps.Equal(got, map[string]int64{"00004/TDP03": 9}) {
		t.Errorf("TDP06 back in 2027: %v", got)
	}
	again, err := ParseReorg(b, "reorg.csv", strings.NewReader(reorgHeader+file))
	if err != nil || !again.Empty() {
		t.Errorf("the same file again: %v, %+v", err, again)
	}
}

func TestReorgCommuneMergeWithVillages(t *testing.T) {
	a := villageAtlas(t)
	// Both communes have a TDP01: merged alone, Ba Đình would have two.
	rejectReorg(t, a, mergeBaDinh, 2, "from_code", "commune 00004 has two villages with code TDP01 (Tổ dân phố 1 00004/TDP01 and Tổ dân phố 1 00008/TDP01)")
	ch := parseReorg(t, a, mergeBaDinh+
		"2027-01-01,merge,00004/TDP01,00004/TDP01,,1,,to_dan_pho,,NQ thử\n"+
		"2027-01-01,merge,00008/TDP01,00004/TDP01,,,,,,NQ thử\n")
	b := applyChange(a, ch)
	merged := mustFind(t, b, "00004", "2027-01-01")
	if got := villageCodes(b, merged, "2027-01-01"); !slices.Equal(got, []string{"TDP01", "TDP02", "TDP03", "TDP05"}) {
		t.Fatalf("the merged ward's villages: %v", got)
	}
	v := mustVillage(t, b, "00004/TDP01", "2027-01-01")
	if v.ValidFrom != civil.MustParse("2027-01-01") || len(b.Predecessors(v.ID)) != 2 {
		t.Errorf("new TDP01 %+v, predecessors %v", v, b.Predecessors(v.ID))
	}
	// TDP05 of Ngọc Hà is the same village, now in the merged ward.
	tdp5 := mustVillage(t, b, "00008/TDP05", "2026-12-31")
	if tdp5.ID != mustVillage(t, b, "00004/TDP05", "2027-01-01").ID {
		t.Error("TDP05 did not follow its commune")
	}
}

func TestReorgCommuneSplitWithVillages(t *testing.T) {
	a := villageAtlas(t)
	split := "2027-01-01,split,00008,00008,,Ngọc Hà,,phuong,,NQ thử\n" +
		"2027-01-01,split,00008,99998,,Liễu Giai,,phuong,,NQ thử\n"
	rejectReorg(t, a, split, 2, "from_code", "2 units under it have nowhere to go (00008/TDP01 Tổ dân phố 1; 00008/TDP05 Tổ dân phố 5)")
	ch := parseReorg(t, a, split+
		"2027-01-01,reparent,00008/TDP01,,,,,,99998,NQ thử\n"+
		"2027-01-01,reparent,00008/TDP05,,,,,,00008,NQ thử\n")
	b := applyChange(a, ch)
	if got := villageCodes(b, mustFind(t, b, "99998", "2027-01-01"), "2027-01-01"); !slices.Equal(got, []string{"TDP01"}) {
		t.Errorf("Liễu Giai's villages: %v", got)
	}
	if got := villageCodes(b, mustFind(t, b, "00008", "2027-01-01"), "2027-01-01"); !slices.Equal(got, []string{"TDP05"}) {
		t.Errorf("the new Ngọc Hà's villages: %v", got)
	}
	if mustVillage(t, b, "99998/TDP01", "2027-01-01").ID != mustVillage(t, b, "00008/TDP01", "2026-12-31").ID {
		t.Error("TDP01 is not the same village after the split")
	}
}

func TestReorgVillageRejects(t *testing.T) {
	a := villageAtlas(t)
	cases := []struct {
		name, body string
		row        int
		col, want  string
	}{
		{"empty village code", "2027-01-01,rename,00004/,,,Một,,,,x\n", 2, "from_code", "the village code in"},
		{"letters for a commune", "2027-01-01,rename,ab/TDP01,,,Một,,,,x\n", 2, "from_code", "COMMUNE/VILLAGE for a village"},
		{"unknown village", "2027-01-01,rename,00004/TDP09,,,Chín,,,,x\n", 2, "from_code", "no village TDP09"},
		{"village to a commune code", "2027-01-01,merge,00004/TDP01,00005,,Một,,to_dan_pho,,x\n", 2, "to_code", "is a village: the new code must be COMMUNE/VILLAGE"},
		{"commune to a village code", "2027-01-01,merge,00004,00004/TDP01,,Một,,phuong,,x\n", 2, "to_code", "is not a village"},
		{"village type", "2027-01-01,rename,00004/TDP01,,,,,phuong,,x\n", 2, "to_type", `type "phuong" is not for a village`},
		{"parent against the code", "2027-01-01,merge,00004/TDP01,00004/TDP09,,Chín,,to_dan_pho,00008,x\n", 2, "to_parent_code", "is in commune 00004 by its code"},
		{"code taken by a village that goes on", "2027-01-01,merge,00004/TDP01,00004/TDP02,,Hai,,to_dan_pho,,x\n", 2, "to_code", "commune 00004 has two villages with code TDP02"},
		{"moved onto a code in use", "2027-01-01,reparent,00004/TDP01,,,,,,00008,x\n", 2, "to_parent_code", "commune 00008 has two villages with code TDP01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { rejectReorg(t, a, c.body, c.row, c.col, c.want) })
	}
}
