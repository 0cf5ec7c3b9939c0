package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// load imports the CLI fixtures (two wards of Đà Lạt) through the service layer.
func load(t *testing.T, a *App, kinds ...string) {
	t.Helper()
	for _, k := range kinds {
		f, err := os.Open("../cli/testdata/" + k + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		if k == "villages" {
			_, err = a.ImportGeo(context.Background(), System, k, k+".csv", f, civil.MustParse("2026-01-01"), false)
		} else {
			_, err = a.ImportRegistry(context.Background(), System, k, k+".csv", f, civil.MustParse("2026-01-01"), false, nil)
		}
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
}

func TestCoverageOnRealUnits(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := New(s, nil)
		load(t, a, "villages", "persons", "residents", "bhyt_cards", "bhxh_periods", "denominators")
		ctx := context.Background()
		cov := func(code, date, scheme string) *CoverageResult {
			r, err := a.Coverage(ctx, System, CoverageQuery{Code: code, Date: civil.MustParse(date), Scheme: scheme, ByChildren: true})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// 2026-03-01: An (2026 card), Bình (to 2026-05-31), Châu (student card) in
		// Xuân Hương; Dũng in Cam Ly (card issued in HCMC, 79). Giang and Én have none.
		r := cov("24781", "2026-03-01", "bhyt")
		if r.Covered != 3 || r.Denominator != 103178 || r.DenominatorSource != "statistics" || *r.RatePercent != 0 {
			t.Errorf("Xuân Hương BHYT: %+v", r)
		}
		if len(r.Children) != 2 || r.Children[0].Covered != 2 || r.Children[1].Covered != 1 || r.Children[1].DenominatorSource != "registry" || r.Children[1].Denominator != 2 {
			t.Errorf("villages of Xuân Hương: %+v", r.Children)
		}
		if p := cov("68", "2026-03-01", "bhyt"); p.Covered != 4 || *p.InsuredElsewhere != 1 {
			t.Errorf("Lâm Đồng: covered %d, insured elsewhere %v", p.Covered, p.InsuredElsewhere)
		}
		iss, err := a.Coverage(ctx, System, CoverageQuery{Code: "68", Date: civil.MustParse("2026-03-01"), Basis: "issuing"})
		if err != nil || iss.Covered != 3 {
			t.Errorf("cards issued by Lâm Đồng: %+v %v", iss, err)
		}
		// On the eve of the reorganisation the same persons are counted on the old
		// boundaries: An and Bình (Xuân Hương, from Phường 1–4 and 10) and Dũng (Cam Ly,
		// from Phường 5, 6 and Tà Nung) all lived in the old city of Đà Lạt (672).
		old := cov("672", "2025-06-30", "bhyt")
		if old.Covered != 3 {
			t.Errorf("old Đà Lạt on 2025-06-30: %d", old.Covered)
		}
		// BHXH: Bình's voluntary period ended 2025-12-31; Dũng is compulsory.
		if b := cov("24781", "2025-12-31", "bhxh"); b.Covered != 1 {
			t.Errorf("Xuân Hương BHXH at the end of 2025: %d", b.Covered)
		}
		if b := cov("24781", "2026-01-01", "bhxh"); b.Covered != 0 {
			t.Errorf("Xuân Hương BHXH in 2026: %d", b.Covered)
		}
	})
}

func TestImportRefreshesWithoutRebuild(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := New(s, nil)
		load(t, a, "villages", "persons", "residents", "bhyt_cards")
		ctx := context.Background()
		q := CoverageQuery{Code: "24781", Date: civil.MustParse("2026-03-01"), ByChildren: true}
		before, _ := a.Coverage(ctx, System, q)
		built := a.eng
		// Giang (resident, no card) enrols: a persons row and a card.
		person := "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n068199003333,6801234599,Phạm Thị Giang,1999-09-09,F,24781,TDP02,HGD-0005\n"
		card := "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province\nGD4686801234599,6801234599,GD,4,2026-02-01,2027-01-31,68\n"
		for kind, body := range map[string]string{"persons": person} {
			if _, err := a.ImportRegistry(ctx, System, kind, kind, strings.NewReader(body), civil.MustParse("2026-01-01"), false, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.ImportRegistry(ctx, System, "bhyt_cards", "daily.csv", strings.NewReader(card), civil.MustParse("2026-01-01"), false, nil); err != nil {
			t.Fatal(err)
		}
		after, _ := a.Coverage(ctx, System, q)
		if after.Covered != before.Covered+1 {
			t.Errorf("covered %d → %d, want one more", before.Covered, after.Covered)
		}
		if a.eng != built {
			t.Error("the index was rebuilt instead of refreshed")
		}
		// A rebuild from the database agrees with the refreshed index.
		fresh := New(s, nil)
		again, _ := fresh.Coverage(ctx, System, q)
		if again.Covered != after.Covered || again.Children[1].Covered != after.Children[1].Covered {
			t.Errorf("refreshed %+v, rebuilt %+v", after, again)
		}
	})
}

// TestBulkImportSameOnBothStores imports a generated province (batches large enough
// for PostgreSQL's COPY path) into each store, and checks that both give the same
// coverage, commune by commune, and that a second import of the same files changes
// nothing.
func TestBulkImportSameOnBothStores(t *testing.T) {
	sink := &gen.MemSink{}
	if _, err := gen.Generate(gen.Options{Persons: 4000, Seed: 11, Provinces: []string{"68"}}, sink); err != nil {
		t.Fatal(err)
	}
	d := civil.MustParse("2026-06-30")
	results := map[string][]int64{}
	for _, dialect := range testutil.Dialects {
		s := testutil.NewStore(t, dialect)
		a := New(s, nil)
		ctx := context.Background()
		for round := 0; round < 2; round++ {
			if round == 1 {
				// Warm the index, so the second round's imports refresh it in place
				// (thousands of holders: PostgreSQL's temporary-table join).
				if _, err := a.Coverage(ctx, System, CoverageQuery{Code: "68", Date: d}); err != nil {
					t.Fatal(err)
				}
			}
			for _, k := range []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods", "bhtn_periods"} {
				r := bytes.NewReader(sink.File(k + ".csv"))
				var err error
				if k == "villages" {
					if round == 1 {
						continue
					}
					_, err = a.ImportGeo(ctx, System, k, k, r, civil.MustParse("2025-07-01"), false)
				} else {
					_, err = a.ImportRegistry(ctx, System, k, k, r, d, false, nil)
				}
				if err != nil {
					t.Fatalf("%s round %d %s: %v", dialect, round, k, err)
				}
			}
		}
		var row []int64
		for _, scheme := range []string{"bhyt", "bhxh", "bhtn"} {
			r, err := New(s, nil).Coverage(ctx, System, CoverageQuery{Code: "68", Date: d, Scheme: scheme, ByChildren: true})
			if err != nil {
				t.Fatal(err)
			}
			refreshed, err := a.Coverage(ctx, System, CoverageQuery{Code: "68", Date: d, Scheme: scheme, ByChildren: true})
			if err != nil || refreshed.Covered != r.Covered {
				t.Errorf("%s %s: refreshed index %d, rebuilt %d (%v)", dialect, scheme, refreshed.Covered, r.Covered, err)
			}
			row = append(row, r.Covered, r.Denominator)
			for _, c := range r.Children {
				row = append(row, c.Covered)
			}
		}
		results[string(dialect)] = row
		if row[0] < 3000 || row[1] < 3900 {
			t.Errorf("%s: %d covered of %d", dialect, row[0], row[1])
		}
	}
	if pg, ok := results["postgres"]; ok && !slices.Equal(pg, results["sqlite"]) {
		t.Errorf("SQLite and PostgreSQL disagree:\n%v\n%v", results["sqlite"][:6], pg[:6])
	}
}

// TestMovedPersonsLeaveTheirOldProvince re-imports 250 persons (a COPY-sized batch on
// PostgreSQL) with a residence in another province, then in another commune of it:
// each stays one person, filed under the new province, with both moves recorded.
func TestMovedPersonsLeaveTheirOldProvince(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := New(s, nil)
		ctx := context.Background()
		file := func(commune string) string {
			var b strings.Builder
			b.WriteString("national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n")
			for i := 0; i < 250; i++ {
				given := string(rune('A'+i/26)) + string(rune('a'+i%26)) // names carry no digits
				fmt.Fprintf(&b, "068085%06d,68%08d,Nguyễn Văn %s,1985-01-01,M,%s,,\n", i, i, given, commune)
			}
			return b.String()
		}
		// Placed in Đà Lạt on 1 January, moved to Hà Nội on 1 February and within
		// Hà Nội on 1 March: each move keeps the residence before it.
		for i, commune := range []string{"24781", "00004", "00008"} {
			on := civil.MustParse("2026-01-01").AddMonths(i)
			if _, err := a.ImportRegistry(ctx, System, "persons", "persons.csv", strings.NewReader(file(commune)), on, false, nil); err != nil {
				t.Fatal(err)
			}
		}
		var total, inHanoi int
		s.DB().QueryRow("SELECT COUNT(*), SUM(CASE WHEN province_code = '01' THEN 1 ELSE 0 END) FROM persons").Scan(&total, &inHanoi)
		if total != 250 || inHanoi != 250 {
			t.Errorf("%d persons, %d in Hà Nội; want 250 and 250", total, inHanoi)
		}
		for on, want := range map[string]int{"2026-02-01": 250, "2026-03-01": 250} {
			var n int
			s.DB().QueryRow("SELECT COUNT(DISTINCT person_key) FROM past_residences WHERE moved_out = '" + on + "'").Scan(&n)
			if n != want {
				t.Errorf("%d moves recorded on %s, want %d", n, on, want)
			}
		}
	})
}

// TestQueriesDuringRefresh runs coverage queries while imports refresh the index
// (run with -race to check the locking).
func TestQueriesDuringRefresh(t *testing.T) {
	a := New(testutil.NewStore(t, store.SQLite), nil)
	load(t, a, "villages", "persons", "residents", "bhyt_cards")
	ctx := context.Background()
	q := CoverageQuery{Code: "68", Date: civil.MustParse("2026-03-01"), ByChildren: true}
	if _, err := a.Coverage(ctx, System, q); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			if _, err := a.Coverage(ctx, System, q); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 5; i++ {
		person := fmt.Sprintf("national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n06819900%04d,68990%05d,Phạm Thị Giang,1999-09-09,F,24781,TDP02,HGD-0%d\n", i, i, i)
		if _, err := a.ImportRegistry(ctx, System, "persons", "p.csv", strings.NewReader(person), civil.MustParse("2026-01-01"), false, nil); err != nil {
			t.Fatal(err)
		}
	}
	<-done
}
