package app

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/outreach"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// On a store partitioned by province, with the index current, a list looks its
// persons' BHXH codes up only in the provinces the index places them in; the rows are
// those of the lookup in every province. Two persons of Lâm Đồng (68) share their
// BHXH code with a record in Hà Nội (01) that has the smaller key, so the code's cards
// and periods count for the Hà Nội record:
//   - for Khoa's code the cards came after his twin: they are filed in Hà Nội, and
//     his commune's lists look in Hà Nội and Lâm Đồng;
//   - for Minh's code the cards came before: they stay in Lâm Đồng while the code's
//     owner lives in Hà Nội, and the lists of his commune and of the twins' look
//     everywhere.
func TestListsNarrowedToProvinces(t *testing.T) {
	sink := &gen.MemSink{}
	if _, err := gen.Generate(gen.Options{Persons: 1200, Seed: 21, Provinces: []string{"68", "01"}}, sink); err != nil {
		t.Fatal(err)
	}
	d := civil.MustParse("2026-06-30")
	persons, cards := sink.File("persons.csv"), sink.File("bhyt_cards.csv")
	covered := map[string]bool{} // BHXH codes with a card valid on d
	csvEdit(cards, func(_ int, f []string) bool { return f[4] <= d.String() && (f[5] == "" || f[5] >= d.String()) },
		func(f []string) { covered[f[1]] = true })
	resident := map[string]bool{}
	csvEdit(sink.File("residents.csv"), func(int, []string) bool { return true }, func(f []string) { resident[f[0]] = true })
	// Khoa and Minh: residents of province 68 (communes 2xxxx) covered on d, in two
	// communes; the twins live in a commune of Hà Nội (0xxxx).
	var khoa, minh, hanoi []string
	csvEdit(persons, func(_ int, f []string) bool { return true }, func(f []string) {
		switch {
		case strings.HasPrefix(f[5], "0") && hanoi == nil:
			hanoi = f
		case !strings.HasPrefix(f[5], "2") || f[0] == "" || !covered[f[1]] || !resident[f[0]] || f[0][6:] == "000000":
		case khoa == nil:
			khoa = f
		case minh == nil && f[5] != khoa[5] && f[0][:6] != khoa[0][:6]: // the twins' keys differ
			minh = f
		}
	})
	if khoa == nil || minh == nil || hanoi == nil {
		t.Fatalf("generated persons lack the cases: %v %v %v", khoa, minh, hanoi)
	}
	twinKey := func(of []string) string { return of[0][:6] + "000000" }
	// A twin is in the BHXH list and in Hà Nội's population register, so that the
	// Hà Nội commune's uncovered list would show the twin if the code's cards were
	// not found.
	twin := func(of []string) (person, residentRow string) {
		f := slices.Clone(of)
		f[0] = twinKey(of) // the smaller key
		f[5], f[6], f[7] = hanoi[5], "", ""
		r := append([]string{f[0]}, f[2:]...)
		return "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n" + strings.Join(f, ",") + "\n",
			"national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n" + strings.Join(r, ",") + "\n"
	}
	twinA, residentA := twin(khoa)
	twinB, residentB := twin(minh)
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := keptApp(t, s, sink)
		imp := importInto(t, a, d)
		imp("persons", string(persons))
		imp("residents", string(sink.File("residents.csv")))
		imp("persons", twinA)
		imp("residents", residentA)
		imp("bhyt_cards", string(cards))
		imp("bhxh_periods", string(sink.File("bhxh_periods.csv")))
		imp("persons", twinB)
		imp("residents", residentB)
		if _, err := a.engine(ctx); err != nil {
			t.Fatal(err)
		}
		atlas := a.eng.atlas
		communes := map[string]int64{}
		csvEdit(persons, func(int, []string) bool { return true }, func(f []string) {
			if u, err := atlas.Find(f[5], d); err == nil {
				communes[f[5]] = u.ID
			}
		})
		narrowed := map[string][]string{}
		for code, id := range communes {
			area := store.OutreachArea{CommuneID: id}
			provinces, _, err := a.listProvinces(ctx, area)
			if err != nil {
				t.Fatal(err)
			}
			if provinces != nil {
				narrowed[code] = provinces
			}
			for _, k := range []outreach.Kind{outreach.Uncovered, outreach.Expiring, outreach.Lapsed, outreach.Students} {
				q := store.OutreachQuery{Kind: k, Area: area, Date: d, Days: 60}
				want, err := s.OutreachRows(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := a.outreachRows(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s: %d rows narrowed to %v, %d looked up everywhere", code, k, len(got), provinces, len(want))
				}
				if k != outreach.Uncovered {
					continue
				}
				listed := func(id string) bool {
					return slices.ContainsFunc(want, func(r outreach.Row) bool { return r.NationalID == id })
				}
				if code == khoa[5] && !listed(khoa[0]) {
					t.Errorf("Khoa's cards count for his twin: he should be on the uncovered list of %s", code)
				}
				if code == hanoi[5] && (listed(twinKey(khoa)) || listed(twinKey(minh))) {
					t.Errorf("the twins are covered by the cards of their codes: not on the uncovered list of %s", code)
				}
			}
		}
		if !s.Partitioned() {
			if len(narrowed) != 0 {
				t.Errorf("an unpartitioned store narrowed lists: %v", narrowed)
			}
			return
		}
		if got := narrowed[khoa[5]]; !slices.Equal(got, []string{"00", "68", "01"}) && !slices.Equal(got, []string{"00", "01", "68"}) {
			t.Errorf("Khoa's commune %s looked in %v, want 00, 01 and 68", khoa[5], got)
		}
		if got, ok := narrowed[minh[5]]; ok {
			t.Errorf("Minh's commune %s looked in %v only, where his code's cards lie outside its owner's province", minh[5], got)
		}
		if got, ok := narrowed[hanoi[5]]; ok {
			t.Errorf("the Hà Nội commune %s, where Minh's twin lives, looked in %v only", hanoi[5], got)
		}
		if len(narrowed) < len(communes)/2 {
			t.Errorf("only %d of %d communes narrowed: %v", len(narrowed), len(communes), narrowed)
		}
		t.Logf("%d of %d communes narrowed", len(narrowed), len(communes))
	})
}
