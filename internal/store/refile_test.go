package store_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// A card or a period is one row however often it is imported, whatever province it
// is filed under: under its holder's province, or under "00" while the holder is
// unknown. When the holder turns
// up or moves to another province, the next import of the card must update it, not
// add a second row that keeps the old end date counting. A person who moves keeps
// what the moving file does not say (the BHXH code of a resident, the resident flag
// of an insured person). Each step runs short (one multi-row statement) and padded
// with 250 other persons (COPY and INSERT … SELECT on PostgreSQL).
func TestCardsAndPeriodsFollowTheirHolder(t *testing.T) {
	store.SetBatches(t, 300)
	for _, padded := range []bool{false, true} {
		t.Run(fmt.Sprint("padded=", padded), func(t *testing.T) {
			testutil.EachStore(t, func(t *testing.T, s *store.Store) {
				pad := func(rows ...registry.Row) []registry.Row {
					if !padded {
						return rows
					}
					for i := range 250 {
						rows = append(rows, loadPerson(1000+i, "68", fmt.Sprint("P ", i)))
					}
					return rows
				}
				one := func(query, want string) {
					t.Helper()
					var got string
					if err := s.DB().QueryRow(query).Scan(&got); err != nil || got != want {
						t.Errorf("%s: %q %v, want %q", query, got, err, want)
					}
				}
				card := func(i int, issuing, to string) registry.Card {
					c := loadCard(i, to).(registry.Card)
					c.IssuingProvince = issuing
					return c
				}
				period := func(i int, salary int64) registry.Period {
					p := loadPeriod(i).(registry.Period)
					p.Salary = salary
					return p
				}
				// Person 1 lives in 01, insured and a resident, with a card of 01 and a
				// period.
				importRows(t, s, "a", pad(loadPerson(1, "01", "A 1"), registry.Resident{NationalID: "068000000001", FullName: "A 1",
					BirthDate: day("1980-01-01"), Sex: "F", CommuneID: 101, ProvinceCode: "01", HouseholdID: "H0"}), nil)
				importRows(t, s, "b", []registry.Row{card(1, "01", "2026-12-31"), period(1, 100)}, nil)
				// They move to 68: the population register says so (it has no BHXH code).
				importRows(t, s, "c", pad(registry.Resident{NationalID: "068000000001", FullName: "A 1", BirthDate: day("1980-01-01"),
					Sex: "F", CommuneID: 102, ProvinceCode: "68", HouseholdID: "H0"}), nil)
				one("SELECT province_code || ' ' || bhxh_code || ' ' || resident || insured FROM persons WHERE person_key = '068000000001'", "68 6800000001 11")
				one("SELECT province_code FROM bhyt_cards WHERE card_no = 'GD4680000000001'", "68")
				one("SELECT province_code FROM periods WHERE holder = '6800000001'", "68")
				// Moving back by the persons list keeps the resident flag.
				importRows(t, s, "d", pad(loadPerson(1, "01", "A 1")), nil)
				one("SELECT province_code || ' ' || bhxh_code || ' ' || resident || insured FROM persons WHERE person_key = '068000000001'", "01 6800000001 11")
				importRows(t, s, "e", []registry.Row{card(1, "01", "2026-03-31"), period(1, 200)}, nil)
				one("SELECT COUNT(*) || ' ' || MIN(province_code) || ' ' || CAST(MIN(valid_to) AS TEXT) FROM bhyt_cards WHERE card_no = 'GD4680000000001'", "1 01 2026-03-31")
				one("SELECT COUNT(*) || ' ' || MIN(province_code) || ' ' || MIN(salary) FROM periods WHERE holder = '6800000001'", "1 01 200")

				// Person 2's card (issued by 20) and period come before them.
				importRows(t, s, "f", []registry.Row{card(2, "20", "2026-12-31"), period(2, 100)}, nil)
				one("SELECT province_code FROM bhyt_cards WHERE card_no = 'GD4680000000002'", "00")
				one("SELECT province_code FROM periods WHERE holder = '6800000002'", "00")
				importRows(t, s, "g", pad(loadPerson(2, "01", "A 2")), nil)
				importRows(t, s, "h", []registry.Row{card(2, "20", "2026-03-31"), period(2, 200)}, nil)
				one("SELECT COUNT(*) || ' ' || CAST(MIN(valid_to) AS TEXT) FROM bhyt_cards WHERE card_no = 'GD4680000000002'", "1 2026-03-31")
				one("SELECT COUNT(*) || ' ' || MIN(salary) FROM periods WHERE holder = '6800000002'", "1 200")
			})
		})
	}
}

// A card listed with its holder's national ID links a person known only by that ID
// to the card's BHXH code; a person who has another code keeps it.
func TestCardLinksNationalIDToBHXHCode(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		one := func(query, want string) {
			t.Helper()
			var got string
			if err := s.DB().QueryRow(query).Scan(&got); err != nil || got != want {
				t.Errorf("%s: %q %v, want %q", query, got, err, want)
			}
		}
		importRows(t, s, "residents", []registry.Row{
			registry.Resident{NationalID: "068000000001", FullName: "A", BirthDate: day("1980-01-01"), Sex: "F", CommuneID: 101, ProvinceCode: "68"},
			loadPerson(2, "01", "B"), // BHXH code 6800000002
		}, nil)
		card := func(code, nid string) registry.Card {
			c := loadCard(0, "2026-12-31").(registry.Card)
			c.CardNo, c.BHXHCode, c.NationalID = "GD468"+code, code, nid
			return c
		}
		importRows(t, s, "cards", []registry.Row{card("6899999991", "068000000001"), card("6899999992", "068000000002")}, nil)
		one("SELECT bhxh_code FROM persons WHERE person_key = '068000000001'", "6899999991")
		one("SELECT province_code FROM bhyt_cards WHERE bhxh_code = '6899999991'", "68")
		one("SELECT bhxh_code FROM persons WHERE person_key = '068000000002'", "6800000002")
		one("SELECT province_code FROM bhyt_cards WHERE bhxh_code = '6899999992'", "00")
	})
}

// Read with their persons' provinces, holders' cards and periods come from that
// province and from "00" (filed before the person was known), and on PostgreSQL from
// nowhere else: a holder given another province than their person's gets nothing.
func TestIntervalsOfHoldersByProvince(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		// Person 2's card and period are stored before person 2 is known ("00").
		importRows(t, s, "a", []registry.Row{loadCard(2, "2026-12-31"), loadPeriod(2)}, nil)
		importRows(t, s, "b", []registry.Row{loadPerson(1, "01", "A 1"), loadPerson(2, "01", "A 2"), loadPerson(3, "68", "A 3")}, nil)
		importRows(t, s, "c", []registry.Row{loadCard(1, "2026-12-31"), loadPeriod(1), loadCard(3, "2026-12-31"), loadPeriod(3)}, nil)
		var filed string
		if err := s.DB().QueryRow("SELECT province_code FROM bhyt_cards WHERE bhxh_code = '6800000002'").Scan(&filed); err != nil || filed != "00" {
			t.Fatalf("person 2's card filed under %q %v, want 00", filed, err)
		}
		read := func(provinces ...string) map[string]string {
			got := map[string]string{}
			what := store.IntervalsOf{Cards: true, Periods: true, Keys: true, Provinces: provinces}
			if err := s.EachIntervalOf(context.Background(), []string{"6800000001", "6800000002", "6800000003"}, what, func(x store.IntervalRow) error {
				got[x.Holder+" "+x.Scheme] = x.Province
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return got
		}
		all := map[string]string{"6800000001 bhyt": "01", "6800000001 bhxh_voluntary": "01", "6800000002 bhyt": "00", "6800000002 bhxh_voluntary": "00",
			"6800000003 bhyt": "68", "6800000003 bhxh_voluntary": "68"}
		if got := read("01", "01", "68"); !maps.Equal(got, all) {
			t.Errorf("right provinces: %v, want %v", got, all)
		}
		want := all
		if s.Dialect() == store.Postgres {
			want = maps.Clone(all)
			delete(want, "6800000003 bhyt")
			delete(want, "6800000003 bhxh_voluntary")
		}
		if got := read("01", "01", "01"); !maps.Equal(got, want) {
			t.Errorf("holder 3 given 01: %v, want %v", got, want)
		}
	})
}
