package app

import (
	"context"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/outreach"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// A card file goes through the card log (store/cardlog.go): the index has it when
// the import returns, and a list asked at once reads the card table only after the
// merge, so it names the resident whose card the file ended.
func TestCardFileListedAsSoonAsImported(t *testing.T) {
	sink := generated(t, 200, 7)
	d := civil.MustParse("2026-06-30")
	ctx := context.Background()
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := keptApp(t, s, sink)
		imp := importInto(t, a, d)
		imp("persons", string(sink.File("persons.csv")))
		imp("bhyt_cards", string(sink.File("bhyt_cards.csv"))) // loaded from empty: in place
		var commune string
		for _, u := range a.eng.atlas.AllOfLevel(geo.Commune) {
			if p := a.eng.atlas.ProvinceOf(u.ID, d); p != nil && p.Code == "68" && u.ValidOn(d) {
				commune = u.Code
				break
			}
		}
		const cards = "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province,payer_group\n"
		imp("residents", "national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n068190000002,Lò Thị B,1990-01-01,F,"+commune+",,H1\n")
		imp("persons", "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n068190000002,6819000002,Lò Thị B,1990-01-01,F,"+commune+",,H1\n")
		covered := func() int64 {
			t.Helper()
			res, err := a.Coverage(ctx, System, CoverageQuery{Code: commune, Date: d, Scheme: "bhyt"})
			if err != nil {
				t.Fatal(err)
			}
			return res.Covered
		}
		listed := func() bool {
			t.Helper()
			l, err := a.Outreach(ctx, System, string(outreach.Uncovered), commune, d, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(l.Rows, func(r outreach.Row) bool { return r.PersonKey == "068190000002" })
		}
		imp("bhyt_cards", cards+"GD4686819000002,6819000002,GD,4,2026-01-01,2026-12-31,68,household\n")
		before := covered()
		if listed() {
			t.Fatal("listed as uncovered with a card valid on the day")
		}
		imp("bhyt_cards", cards+"GD4686819000002,6819000002,GD,4,2026-01-01,2026-06-29,68,household\n")
		if got := covered(); got != before-1 {
			t.Errorf("covered %d after the card ended, want %d", got, before-1)
		}
		if !listed() {
			t.Error("not listed as uncovered once the file ended the card")
		}
		merges, _ := s.CardMerges()
		if merges != 2 {
			t.Errorf("%d merges of the card log, want 2", merges)
		}
		sameAsRebuild(t, a, s, "card ended through the log")
	})
}
