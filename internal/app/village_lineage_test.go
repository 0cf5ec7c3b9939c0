package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/outreach"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

const reorgCSV = "date,kind,from_code,to_code,share,to_name,to_full_name,to_type,to_parent_code,source\n"

func importText(t *testing.T, a *App, kind, body string, date string) {
	t.Helper()
	ctx, d := context.Background(), civil.MustParse(date)
	var err error
	switch kind {
	case "reorg", "villages":
		_, err = a.ImportGeo(ctx, System, kind, kind+".csv", strings.NewReader(body), d, false)
	default:
		_, err = a.ImportRegistry(ctx, System, kind, kind+".csv", strings.NewReader(body), d, false, nil)
	}
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
}

// villageFigures are the covered persons and denominators of a commune's villages on
// a date, by village code.
func villageFigures(t *testing.T, a *App, commune, date string) map[string][2]int64 {
	t.Helper()
	r, err := a.Coverage(context.Background(), System, CoverageQuery{Code: commune, Date: civil.MustParse(date), ByChildren: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int64{}
	for _, c := range r.Children {
		out[c.UnitCode] = [2]int64{c.Covered, c.Denominator}
	}
	return out
}

type listed struct {
	name, village, filed string
	confirm              bool
}

func listOf(t *testing.T, a *App, sc *auth.Scope, commune, village, date string) []listed {
	t.Helper()
	l, err := a.Outreach(context.Background(), sc, "uncovered", commune, civil.MustParse(date), 0, village)
	if err != nil {
		t.Fatalf("%s/%s on %s: %v", commune, village, date, err)
	}
	var out []listed
	for _, r := range l.Rows {
		out = append(out, listed{r.FullName, r.VillageCode, r.FiledUnder, r.ToConfirm})
	}
	slices.SortFunc(out, func(x, y listed) int { return strings.Compare(x.name, y.name) })
	return out
}

// Two villages of Xuân Hương merge on 1 July 2026. The persons keep the villages
// their records named; figures and lists of any date stand on that date's villages.
func TestVillageMergeFiguresAndLists(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := New(s, nil)
		load(t, a, "villages", "persons", "residents", "bhyt_cards")
		importText(t, a, "reorg", reorgCSV+
			"2026-07-01,merge,24781/TDP01,24781/TDP01,,Tổ dân phố 1,,to_dan_pho,,QĐ thử\n"+
			"2026-07-01,merge,24781/TDP02,24781/TDP01,,,,,,QĐ thử\n", "2026-06-01")
		// A resident registered after the merge names the new village; her card
		// covers all of 2026.
		importText(t, a, "persons", "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n"+
			"068195007777,6801239999,Vũ Thị Hạnh,1995-02-02,F,24781,TDP01,HGD-0009\n", "2026-09-01")
		importText(t, a, "bhyt_cards", "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province\n"+
			"HG4686801239999,6801239999,HG,4,2026-01-01,2026-12-31,68\n", "2026-09-01")

		// Before the merge: An, Bình, Hạnh (carried back from the new village: of its
		// two predecessors, equal shares, the tie to the lower code) in TDP01; Châu in
		// TDP02. Residents by the registry: An, Bình (TDP01); Châu, Giang (TDP02).
		before := villageFigures(t, a, "24781", "2026-03-01")
		if want := map[string][2]int64{"TDP01": {3, 2}, "TDP02": {1, 2}}; !mapsEqual(before, want) {
			t.Errorf("villages on 2026-03-01: %v, want %v", before, want)
		}
		// After: one village. An, Châu (card to 31 August) and Hạnh are covered; Bình's
		// card ended on 31 May. Its residents are the four of the registry.
		after := villageFigures(t, a, "24781", "2026-08-01")
		if want := map[string][2]int64{"TDP01": {3, 4}}; !mapsEqual(after, want) {
			t.Errorf("villages on 2026-08-01: %v, want %v", after, want)
		}
		ward, err := a.Coverage(context.Background(), System, CoverageQuery{Code: "24781", Date: civil.MustParse("2026-08-01")})
		if err != nil || ward.Covered != 3 {
			t.Errorf("the ward on 2026-08-01: %+v %v", ward, err)
		}

		// The list of the new village on 15 September: Bình, Châu and Giang, filed
		// under the villages merged into it.
		want := []listed{{"Nguyễn Minh Châu", "TDP01", "24781/TDP02", false}, {"Phạm Thị Giang", "TDP01", "24781/TDP02", false},
			{"Trần Thị Bình", "TDP01", "24781/TDP01", false}}
		if got := listOf(t, a, System, "24781", "TDP01", "2026-09-15"); !slices.Equal(got, want) {
			t.Errorf("village list: %+v", got)
		}
		if got := listOf(t, a, System, "24781", "", "2026-09-15"); !slices.Equal(got, want) {
			t.Errorf("ward list: %+v", got)
		}
		// Before the merge, the old village's list is its own persons, as filed.
		if got := listOf(t, a, System, "24781", "TDP02", "2026-06-15"); !slices.Equal(got, []listed{{"Phạm Thị Giang", "TDP02", "", false}}) {
			t.Errorf("TDP02 before the merge: %+v", got)
		}

		// A collector given the new village's list sees those rows and records an
		// outcome for a person filed under an old village.
		ctx := context.Background()
		if _, err := a.AddUser(ctx, System, "thu", "Thu", "mat-khau-thu-1"); err != nil {
			t.Fatal(err)
		}
		if err := a.Grant(ctx, System, "thu", auth.Collector, "24781", civil.MustParse("2026-09-15")); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Assign(ctx, System, "uncovered", "24781", civil.MustParse("2026-09-15"), 0, "TDP01", "thu"); err != nil {
			t.Fatal(err)
		}
		u, err := s.UserByName(ctx, "thu")
		if err != nil {
			t.Fatal(err)
		}
		sc, err := a.ScopeOf(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := listOf(t, a, sc, "24781", "TDP01", "2026-09-15"); len(got) != 3 {
			t.Errorf("the collector's list: %+v", got)
		}
		c, err := a.RecordContact(ctx, sc, "068199003333", string(outreach.Refused), "", civil.MustParse("2026-09-16"))
		if err != nil || c.AssignmentID == 0 {
			t.Errorf("the collector's contact: %+v %v", c, err)
		}
	})
}

// Cam Ly (24787) is split on 1 July 2026; its village T01 goes to the new 99990. A
// resident whose records name no village may live on either side.
func TestCommuneSplitListsByVillage(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := New(s, nil)
		load(t, a, "villages", "persons", "residents", "bhyt_cards")
		importText(t, a, "residents", "national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n"+
			"068080008888,Đỗ Văn Khoa,1980-08-08,M,24787,,HGD-0010\n", "2026-01-01")
		importText(t, a, "reorg", reorgCSV+
			"2026-07-01,split,24787,24787,0.5,Cam Ly,,phuong,,NQ thử\n"+
			"2026-07-01,split,24787,99990,0.5,Cam Ly Mới,,phuong,,NQ thử\n"+
			"2026-07-01,reparent,24787/T01,,,,,,99990,NQ thử\n", "2026-06-01")
		// Dũng's card covers him; Én has none.
		if got := listOf(t, a, System, "99990", "", "2026-09-15"); !slices.Equal(got, []listed{
			{"Hoàng Thị Én", "T01", "", false}, {"Đỗ Văn Khoa", "", "24787", true}}) {
			t.Errorf("the new commune's list: %+v", got)
		}
		if got := listOf(t, a, System, "24787", "", "2026-09-15"); !slices.Equal(got, []listed{{"Đỗ Văn Khoa", "", "24787", true}}) {
			t.Errorf("the new Cam Ly's list: %+v", got)
		}
		if got := listOf(t, a, System, "99990", "T01", "2026-09-15"); !slices.Equal(got, []listed{{"Hoàng Thị Én", "T01", "", false}}) {
			t.Errorf("T01's list: %+v", got)
		}
	})
}

func mapsEqual(a, b map[string][2]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Assignments made before a reorganisation follow their ground. On 15 June 2026 Thu
// is given Xuân Hương's uncovered list (the ward) and Lan that of its TDP02; on 1
// July the ward and Cam Ly merge into 99991, and both are granted the new ward. On
// 15 September Thu's list of 99991 is Xuân Hương's persons, Lan's those of TDP02;
// neither sees Cam Ly's Én, nor a resident registered under 99991 with no village
// (nothing tells where she lives). Before, both lists were empty: the assignments
// named a unit no longer in force.
func TestAssignmentsAfterCommuneMerge(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := New(s, nil)
		load(t, a, "villages", "persons", "residents", "bhyt_cards")
		before := civil.MustParse("2026-06-15")
		for name, village := range map[string]string{"thu": "", "lan": "TDP02"} {
			if _, err := a.AddUser(ctx, System, name, name, "mat-khau-"+name+"-1"); err != nil {
				t.Fatal(err)
			}
			if err := a.Grant(ctx, System, name, auth.Collector, "24781", before); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Assign(ctx, System, "uncovered", "24781", before, 0, village, name); err != nil {
				t.Fatal(err)
			}
		}
		importText(t, a, "reorg", reorgCSV+
			"2026-07-01,merge,24781,99991,,Phường Hồ Xuân Hương,,phuong,,NQ thử\n"+
			"2026-07-01,merge,24787,99991,,,,,,NQ thử\n", "2026-06-01")
		// A grant on a unit covers its history, not what it became: the collectors
		// are granted the new ward. A scope is read at each request.
		scopeOf := func(name string) *auth.Scope {
			t.Helper()
			if err := a.Grant(ctx, System, name, auth.Collector, "99991", civil.MustParse("2026-07-01")); err != nil {
				t.Fatal(err)
			}
			u, err := s.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := a.ScopeOf(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return sc
		}
		thu, lan := scopeOf("thu"), scopeOf("lan")
		importText(t, a, "residents", "national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n"+
			"068301006666,Đinh Thị Hoa,2001-06-06,F,99991,,HGD-0020\n", "2026-08-01")
		names := func(sc *auth.Scope, village string) []string {
			t.Helper()
			var out []string
			for _, r := range listOf(t, a, sc, "99991", village, "2026-09-15") {
				out = append(out, r.name)
			}
			return out
		}
		xuanHuong := []string{"Nguyễn Minh Châu", "Phạm Thị Giang", "Trần Thị Bình"}
		if got, want := names(System, ""), append(slices.Clone(xuanHuong), "Hoàng Thị Én", "Đinh Thị Hoa"); !sameNames(got, want) {
			t.Errorf("the merged ward's list: %v, want %v", got, want)
		}
		if got := names(thu, ""); !slices.Equal(got, xuanHuong) {
			t.Errorf("Thu's list: %v, want %v", got, xuanHuong)
		}
		if got, want := names(lan, ""), []string{"Nguyễn Minh Châu", "Phạm Thị Giang"}; !slices.Equal(got, want) {
			t.Errorf("Lan's list: %v, want %v", got, want)
		}
		if got, want := names(lan, "TDP02"), []string{"Nguyễn Minh Châu", "Phạm Thị Giang"}; !slices.Equal(got, want) {
			t.Errorf("Lan's list of TDP02: %v, want %v", got, want)
		}
		if got := names(lan, "TDP01"); len(got) != 0 {
			t.Errorf("Lan's list of TDP01: %v, want none", got)
		}
		// Contacts: Thu's for Giang counts under her assignment; for Én she has none.
		on := civil.MustParse("2026-09-16")
		if c, err := a.RecordContact(ctx, thu, "068199003333", string(outreach.Refused), "", on); err != nil || c.AssignmentID == 0 {
			t.Errorf("Thu's contact with Giang: %+v %v", c, err)
		}
		if _, err := a.RecordContact(ctx, thu, "020188000222", string(outreach.Refused), "", on); err == nil {
			t.Error("Thu recorded a contact with Én, outside her assignment")
		}
		if _, err := a.RecordContact(ctx, lan, "068190004567", string(outreach.Refused), "", on); err == nil {
			t.Error("Lan recorded a contact with Bình, outside TDP02")
		}
	})
}

func sameNames(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
