package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// TestMovesDatedByTheirFile moves a resident with a card between communes and
// provinces by files of different dates, and checks on both stores the residences
// kept, the BHYT figures and registry denominators of the communes on the days
// around each move, and that the index kept by the imports equals a rebuild.
func TestMovesDatedByTheirFile(t *testing.T) {
	const an = "068085012345" // Nguyễn Văn An: 24781 TDP01, resident, BHYT card through 2026
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := New(s, nil)
		a.KeepIndex = true
		load(t, a, "villages", "persons", "residents", "bhyt_cards")
		if _, err := a.engine(ctx); err != nil {
			t.Fatal(err)
		}
		kept := a.eng
		atlas, err := a.Atlas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		unitID := func(code string) int64 {
			u, err := atlas.Find(code, civil.MustParse("2026-01-01"))
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
		villageID := func(commune, code string) int64 {
			for _, v := range atlas.AllOfLevel("village") {
				if v.Code == code && v.Parents[0].ParentID == unitID(commune) {
					return v.ID
				}
			}
			t.Fatalf("no village %s in %s", code, commune)
			return 0
		}
		// figures are BHYT covered and the registry denominator of some communes on some days.
		type fig struct{ covered, residents int64 }
		days := []string{"2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01", "2026-03-31", "2026-04-01"}
		communes := []string{"24781", "24787", "00004"}
		figures := func() map[string]fig {
			out := map[string]fig{}
			for _, d := range days {
				for _, c := range communes {
					r, err := a.Coverage(ctx, System, CoverageQuery{Code: c, Date: civil.MustParse(d), Scheme: "bhyt"})
					if err != nil {
						t.Fatal(err)
					}
					out[c+" "+d] = fig{r.Covered, r.Denominator}
				}
			}
			return out
		}
		base := figures()
		// expect checks the figures against base, An counted in where[d] on day d
		// instead of 24781.
		expect := func(step string, where map[string]string) {
			t.Helper()
			got := figures()
			for _, d := range days {
				for _, c := range communes {
					want := base[c+" "+d]
					if c == "24781" && where[d] != "24781" {
						want.covered, want.residents = want.covered-1, want.residents-1
					}
					if c != "24781" && where[d] == c {
						want.covered, want.residents = want.covered+1, want.residents+1
					}
					if got[c+" "+d] != want {
						t.Errorf("%s: %s on %s: %+v, want %+v", step, c, d, got[c+" "+d], want)
					}
				}
			}
			sameAsRebuild(t, a, s, step)
		}
		past := func(step string, want ...string) {
			t.Helper()
			var got []string
			rows, err := s.DB().Query("SELECT moved_out, commune_id, COALESCE(village_id, 0) FROM past_residences WHERE person_key = '" + an + "' ORDER BY moved_out")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var d civil.Date
				var c, v int64
				if err := rows.Scan(&d, &c, &v); err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%s %d %d", d, c, v))
			}
			if strings.Join(got, "; ") != strings.Join(want, "; ") {
				t.Errorf("%s: past residences %q, want %q", step, got, want)
			}
		}
		resident := func(on, commune, village string) {
			t.Helper()
			body := fmt.Sprintf("national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n%s,Nguyễn Văn An,1985-03-14,M,%s,%s,HGD-0001\n", an, commune, village)
			importInto(t, a, civil.MustParse(on))("residents", body)
		}
		oldHome := fmt.Sprintf("2026-03-01 %d %d", unitID("24781"), villageID("24781", "TDP01"))

		// A move on 1 March: days before stay in 24781.
		resident("2026-03-01", "24787", "T01")
		past("move on 1 March", oldHome)
		expect("move on 1 March", map[string]string{"2026-01-31": "24781", "2026-02-01": "24781", "2026-02-28": "24781",
			"2026-03-01": "24787", "2026-03-31": "24787", "2026-04-01": "24787"})

		// A BHXH list of 1 April naming no village keeps the village, and is no move.
		importInto(t, a, civil.MustParse("2026-04-01"))("persons", "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n"+
			an+",6801234567,Nguyễn Văn An,1985-03-14,M,24787,,HGD-0001\n")
		past("list without a village", oldHome)
		var village int64
		s.DB().QueryRow("SELECT COALESCE(village_id, 0) FROM persons WHERE person_key = '" + an + "'").Scan(&village)
		if village != villageID("24787", "T01") {
			t.Errorf("list without a village: village %d, want T01 of 24787 (%d)", village, villageID("24787", "T01"))
		}

		// A register dated 1 February places him in Hà Nội: the move of 1 March, recorded
		// later than this one describes, is dropped, and he leaves Lâm Đồng's partition.
		resident("2026-02-01", "00004", "")
		past("back-dated move to another province", fmt.Sprintf("2026-02-01 %d %d", unitID("24781"), villageID("24781", "TDP01")))
		expect("back-dated move to another province", map[string]string{"2026-01-31": "24781", "2026-02-01": "00004", "2026-02-28": "00004",
			"2026-03-01": "00004", "2026-03-31": "00004", "2026-04-01": "00004"})
		var cardProvince string
		if err := s.SettleCards(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.DB().QueryRow("SELECT MIN(province_code) FROM bhyt_cards WHERE bhxh_code = '6801234567'").Scan(&cardProvince)
		if cardProvince != "01" {
			t.Errorf("cards filed under %q, want 01 (Hà Nội)", cardProvince)
		}

		// A second file of the same day moves him back: the day before is still 24781,
		// and Hà Nội, where he lived for no day, leaves no trace.
		resident("2026-02-01", "24787", "T01")
		past("second move of the same day", fmt.Sprintf("2026-02-01 %d %d", unitID("24781"), villageID("24781", "TDP01")))
		expect("second move of the same day", map[string]string{"2026-01-31": "24781", "2026-02-01": "24787", "2026-02-28": "24787",
			"2026-03-01": "24787", "2026-03-31": "24787", "2026-04-01": "24787"})

		// A village filled in where none was known corrects the current residence from
		// its start: no move. (Phạm Văn Hùng, a resident of 24781 with no village.)
		const hung = "068201007777"
		inTDP02 := func(on string) int64 {
			all, _ := a.eng.residentsOn(atlas, civil.MustParse(on))
			return all[villageID("24781", "TDP02")]
		}
		hungIn := func(on, village string) {
			importInto(t, a, civil.MustParse(on))("residents", "national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n"+
				hung+",Phạm Văn Hùng,2001-05-05,M,24781,"+village+",HGD-0009\n")
		}
		hungIn("2026-01-01", "")
		before := inTDP02("2026-01-15")
		hungIn("2026-04-01", "TDP02")
		var moves int
		s.DB().QueryRow("SELECT COUNT(*) FROM past_residences WHERE person_key = '" + hung + "'").Scan(&moves)
		if after := inTDP02("2026-01-15"); moves != 0 || after != before+1 {
			t.Errorf("village filled in: %d past residences, %d residents of TDP02 on 15 January (was %d); want 0 and one more", moves, after, before)
		}
		sameAsRebuild(t, a, s, "village filled in")
		if a.eng != kept {
			t.Error("the index was rebuilt; imports should have kept it up to date")
		}
	})
}
