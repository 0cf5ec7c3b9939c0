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
