package store_test

import (
	"fmt"
	"testing"

	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// A row imported again unchanged is left alone: it keeps the source of the file
// that last changed it, and on PostgreSQL writes no new row version. A row that
// changed takes the new values and source. Both upsert paths are covered: on
// PostgreSQL, batches of 250 rows go through COPY and INSERT … SELECT, a short
// import through a multi-row INSERT.
func TestUnchangedRowsAreLeftAlone(t *testing.T) {
	store.SetBatches(t, 250)
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		file := func(change map[int]bool, n int) []registry.Row {
			var rows []registry.Row
			for i := range n {
				p, c, q := loadPerson(i, "68", fmt.Sprint("A ", i)).(registry.Person), loadCard(i, "2026-06-30").(registry.Card), loadPeriod(i).(registry.Period)
				if change[i] {
					p.FullName += " (sửa)"
					c.ValidTo = day("2026-12-31")
					q.Salary++
				}
				rows = append(rows, p, c, q)
			}
			return rows
		}
		source := func(query string) string { t.Helper(); return scalar(t, s, query) }
		check := func(i int, want string) {
			t.Helper()
			for _, q := range []string{
				fmt.Sprintf("SELECT source FROM persons WHERE person_key = '0680%08d'", i),
				fmt.Sprintf("SELECT source FROM bhyt_cards WHERE card_no = 'GD468%010d'", i),
				fmt.Sprintf("SELECT source FROM periods WHERE holder = '68%08d'", i),
			} {
				if got := source(q); got != want {
					t.Errorf("%s: %q, want %q", q, got, want)
				}
			}
		}
		importRows(t, s, "first", file(nil, 250), nil)
		importRows(t, s, "second", file(map[int]bool{5: true, 200: true}, 250), nil)
		importRows(t, s, "third", file(map[int]bool{6: true}, 8), nil)
		check(0, "first")
		check(5, "third") // the third file puts back what the first said: a change
		check(200, "second")
		check(6, "third")
		check(7, "first")
		if got := source("SELECT full_name FROM persons WHERE person_key = '068000000006'"); got != "A 6 (sửa)" {
			t.Errorf("changed person: %q", got)
		}
		if got := source("SELECT CAST(valid_to AS TEXT) FROM bhyt_cards WHERE card_no = 'GD4680000000200'"); got != "2026-12-31" {
			t.Errorf("changed card valid to %q", got)
		}
		// The population register marks a known person as a resident: a change.
		importRows(t, s, "residents", []registry.Row{registry.Resident{NationalID: "068000000001", FullName: "A 1", BirthDate: day("1980-01-01"),
			Sex: "F", CommuneID: 101, ProvinceCode: "68", HouseholdID: "H0"}}, nil)
		if got := source("SELECT source || ' ' || resident FROM persons WHERE person_key = '068000000001'"); got != "residents 1" {
			t.Errorf("resident: %q", got)
		}
		if s.Dialect() == store.Postgres {
			// Room for in-place updates on every partition of the large tables.
			got := source(`SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
				WHERE p.relname IN ('persons', 'bhyt_cards', 'periods') AND p.relnamespace = current_schema()::regnamespace
				AND NOT (c.reloptions @> ARRAY['fillfactor=75'] OR c.reloptions @> ARRAY['fillfactor=90'])`)
			if got != "0" {
				t.Errorf("%s partitions without a fillfactor", got)
			}
		}
	})
}
