package geo

import (
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

const villagesFile = `commune_code,village_code,village_name,village_type,note
00004,TDP01,1,to_dan_pho,
00004,TDP02,Tổ dân phố 2,to_dan_pho,
24808,T01,Đạ Nghịt,,old Tà Nung commune code
`

func TestParseVillages(t *testing.T) {
	a := refAtlas(t)
	d := civil.MustParse("2026-01-01")
	ch, err := ParseVillages(a, "villages.csv", strings.NewReader(villagesFile), d)
	if err == nil || ch != nil {
		// 24808 (Xã Tà Nung) ended on 30 June 2025, so the whole file is refused.
		t.Fatalf("file with a pre-2025 commune accepted: %v", ch)
	}
	good := strings.Join(strings.Split(villagesFile, "\n")[:3], "\n") + "\n"
	ch, err = ParseVillages(a, "villages.csv", strings.NewReader(good), d)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.NewUnits) != 2 || ch.NewUnits[0].ID != a.MaxID()+1 || ch.NewUnits[1].ID != a.MaxID()+2 {
		t.Fatalf("new units %+v", ch.NewUnits)
	}
	b := applyChange(a, ch)
	baDinh := mustFind(t, b, "00004", "2026-01-01")
	cases := []struct {
		code, date, full, name string
		found                  bool
	}{
		{"TDP01", "2026-01-01", "Tổ dân phố 1", "1", true},
		{"TDP02", "2030-06-01", "Tổ dân phố 2", "2", true},
		{"TDP01", "2025-12-31", "", "", false},
		{"TDP03", "2026-01-01", "", "", false},
	}
	for _, c := range cases {
		v, err := b.FindVillage(baDinh.ID, c.code, civil.MustParse(c.date))
		if (err == nil) != c.found {
			t.Errorf("%s on %s: %v", c.code, c.date, err)
			continue
		}
		if c.found {
			n := v.NameOn(civil.MustParse(c.date))
			if n.FullName != c.full || n.Name != c.name || n.Type != "to_dan_pho" || v.Level != Village || v.ValidTo != civil.Max {
				t.Errorf("%s: %+v %+v", c.code, v, n)
			}
		}
	}
	if got := len(b.Children(baDinh.ID, d)); got != 2 {
		t.Errorf("Ba Đình has %d villages", got)
	}
	again, err := ParseVillages(b, "villages.csv", strings.NewReader(good), d)
	if err != nil || !again.Empty() {
		t.Errorf("re-import: %+v %v", again, err)
	}
	renamed := "commune_code,village_code,village_name,village_type\n00004,TDP01,Tổ dân phố Một,to_dan_pho\n"
	ch, err = ParseVillages(b, "villages.csv", strings.NewReader(renamed), d)
	wantProblem(t, ch, err, 2, "village_code", "renames go through reorganisation events")
}

func TestParseVillagesDefaults(t *testing.T) {
	a := refAtlas(t)
	in := "village_name,commune_code,village_code,valid_from\nThôn Đông,26248,D,2026-03-01\nBến Cát,26248,BC,\n"
	ch, err := ParseVillages(a, "v.csv", strings.NewReader(in), civil.MustParse("2026-02-01"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ from, name, full string }{{"2026-03-01", "Đông", "Thôn Đông"}, {"2026-02-01", "Bến Cát", "Thôn Bến Cát"}}
	for i, c := range cases {
		u := ch.NewUnits[i]
		n := u.Names[0]
		if u.ValidFrom != civil.MustParse(c.from) || n.Name != c.name || n.FullName != c.full || n.Type != "thon" || u.Parents[0].From != u.ValidFrom {
			t.Errorf("row %d: %+v %+v", i+2, u, n)
		}
	}
}

func TestParseVillagesRejects(t *testing.T) {
	a := refAtlas(t)
	head := "commune_code,village_code,village_name,village_type\n"
	cases := []struct {
		name, rows string
		row        int
		col, why   string
	}{
		{"unknown commune", "99999,01,Một,\n", 2, "commune_code", "no unit with code 99999"},
		{"commune ended in 2025", "00007,01,Một,\n", 2, "commune_code", "code 00007 is not in force on 01/01/2026"},
		{"a province", "01,01,Một,\n", 2, "commune_code", "is a province, not a commune"},
		{"duplicate code", "00004,01,Một,\n00004,01,Hai,\n", 3, "village_code", "village 01 of commune 00004 repeats row 3"},
		{"empty name", "00004,01,,\n", 2, "village_name", "value is missing"},
		{"space in code", "00004,0 1,Một,\n", 2, "village_code", "no spaces"},
		{"long code", "00004,012345678901234567890,Một,\n", 2, "village_code", "at most 20 characters"},
		{"unknown type", "00004,01,Một,lang_xom\n", 2, "village_type", `unknown village type "lang_xom"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, err := ParseVillages(a, "v.csv", strings.NewReader(head+"00004,OK,Tốt,\n"+c.rows), civil.MustParse("2026-01-01"))
			wantProblem(t, ch, err, c.row+1, c.col, c.why)
		})
	}
}

func TestReorgMergeMovesVillages(t *testing.T) {
	a := refAtlas(t)
	ch, err := ParseVillages(a, "v.csv", strings.NewReader("commune_code,village_code,village_name\n00008,01,Một\n"), civil.MustParse("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	b := applyChange(a, ch)
	c := applyChange(b, parseReorg(t, b, mergeBaDinh))
	merged := mustFind(t, c, "00004", "2027-01-01")
	if _, err := c.FindVillage(merged.ID, "01", civil.MustParse("2027-01-01")); err != nil {
		t.Errorf("the village of Ngọc Hà did not follow it: %v", err)
	}
	split := "2027-01-01,split,00008,00008,,Ngọc Hà,,phuong,,x\n2027-01-01,split,00008,99901,,Liễu Giai,,phuong,,x\n"
	rejectReorg(t, b, split, 2, "from_code", "01 Thôn Một")
}
