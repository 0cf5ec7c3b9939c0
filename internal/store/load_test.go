package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// Imports into empty tables load them (indexes dropped until commit, and on
// PostgreSQL COPY straight in); they must write exactly what the ordinary upsert
// writes, and leave the indexes as the migrations made them.

func loadPerson(i int, prov, name string) registry.Row {
	return registry.Person{NationalID: fmt.Sprintf("0680%08d", i), BHXHCode: fmt.Sprintf("68%08d", i), FullName: name,
		BirthDate: day("1980-01-01"), Sex: "F", CommuneID: 100 + int64(i%3), ProvinceCode: prov, HouseholdID: fmt.Sprint("H", i/4)}
}

func loadCard(i int, to string) registry.Row {
	return registry.Card{CardNo: fmt.Sprintf("GD468%010d", i), BHXHCode: fmt.Sprintf("68%08d", i), GroupCode: "GD", PayerGroup: "household",
		BenefitLevel: 4, ValidFrom: day("2026-01-01"), ValidTo: day(to), IssuingProvince: "68"}
}

func loadPeriod(i int) registry.Row {
	return registry.Period{Scheme: registry.BHXHVoluntary, BHXHCode: fmt.Sprintf("68%08d", i), ValidFrom: day("2025-01-01"), ValidTo: civil.Max, Salary: int64(1000 * i)}
}

func provinceOf(i int) string {
	if i%2 == 0 {
		return "68"
	}
	return "01"
}

// loadImports are five imports, one file each as the application writes them. With
// batches of 250 the first three span three batches each: persons move province and
// repeat a key within the import, and a card repeats its key in a later batch (on
// PostgreSQL that batch and the rest go back to the upsert).
func loadImports() [][]registry.Row {
	var persons, cards, periods []registry.Row
	for i := range 600 {
		persons = append(persons, loadPerson(i, provinceOf(i), fmt.Sprint("A ", i)))
		cards = append(cards, loadCard(i, "2026-06-30"))
		periods = append(periods, loadPeriod(i))
	}
	persons = insertAt(persons, 300, loadPerson(17, "68", "A 17 moved"))
	persons = insertAt(persons, 560, loadPerson(15, "01", "A 15 again"))
	cards = insertAt(cards, 400, loadCard(13, "2026-12-31"))
	var again []registry.Row
	for i := range 10 {
		again = append(again, loadPerson(i, provinceOf(i), fmt.Sprint("B ", i)))
	}
	again[9] = loadPerson(9, "68", "B 9 moved")
	again = append(again, registry.Resident{NationalID: fmt.Sprintf("0680%08d", 2), FullName: "B 2 resident", BirthDate: day("1980-01-01"),
		Sex: "F", CommuneID: 102, ProvinceCode: "68"})
	return [][]registry.Row{persons, cards, periods, again, {loadCard(3, "2027-06-30"), loadCard(600, "2026-12-31")}}
}

func insertAt(rows []registry.Row, i int, r registry.Row) []registry.Row {
	return append(rows[:i], append([]registry.Row{r}, rows[i:]...)...)
}

// importRows writes rows in one import; check, if set, looks at the transaction
// before it commits.
// scalar is the one value a query gives, as text.
func scalar(t *testing.T, s *store.Store, query string) string {
	t.Helper()
	var got string
	if err := s.DB().QueryRow(query).Scan(&got); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return got
}

func importRows(t *testing.T, s *store.Store, source string, rows []registry.Row, check func(*store.RegistryTx)) {
	t.Helper()
	tx, err := s.BeginRegistry(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := tx.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if check != nil {
		check(tx)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestInitialLoadWritesWhatUpsertWrites(t *testing.T) {
	store.SetBatches(t, 250)
	testutil.EachStore(t, func(t *testing.T, fast *store.Store) {
		pg := fast.Dialect() == store.Postgres
		slow := testutil.NewStore(t, fast.Dialect())
		// A row in each table makes every import into slow an ordinary upsert.
		importRows(t, slow, "sentinel", []registry.Row{loadPerson(9999, "01", "S"), loadCard(9999, "2026-12-31"), loadPeriod(9999)}, nil)
		tables := []string{"persons", "bhyt_cards", "periods", "persons", "bhyt_cards"}
		// Per import: loaded from empty, and on PostgreSQL still COPYing after the last
		// Add (the last batch is written at commit).
		want := [][2]bool{{true, pg}, {true, false}, {true, pg}, {false, false}, {false, false}}
		for n, rows := range loadImports() {
			importRows(t, fast, "test", rows, func(tx *store.RegistryTx) {
				if loading, direct := tx.Loading(tables[n]); loading != want[n][0] || direct != want[n][1] {
					t.Errorf("import %d into %s: loading %v, direct %v; want %v", n+1, tables[n], loading, direct, want[n])
				}
			})
			importRows(t, slow, "test", rows, func(tx *store.RegistryTx) {
				if loading, _ := tx.Loading(tables[n]); loading {
					t.Errorf("import %d into %s in a table not empty: loading", n+1, tables[n])
				}
			})
		}
		for _, table := range []string{"persons", "bhyt_cards", "periods"} {
			got, want := dumpTable(t, fast, table), dumpTable(t, slow, table)
			if len(got) != len(want) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s loaded from empty differs from the upsert:\n%s\nwant\n%s", table, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		for _, c := range []struct{ query, want string }{
			{"SELECT COUNT(*) FROM persons", "600"},
			{"SELECT COUNT(*) FROM bhyt_cards", "601"},
			{"SELECT COUNT(*) FROM periods", "600"},
			{"SELECT province_code || ' ' || full_name FROM persons WHERE person_key = '068000000015'", "01 A 15 again"},
			{"SELECT COUNT(*) FROM persons WHERE person_key = '068000000017'", "1"},
			{"SELECT province_code || ' ' || full_name FROM persons WHERE person_key = '068000000017'", "68 A 17 moved"},
			{"SELECT province_code || ' ' || full_name FROM persons WHERE person_key = '068000000007'", "01 B 7"},
			{"SELECT province_code || ' ' || full_name FROM persons WHERE person_key = '068000000009'", "68 B 9 moved"},
			{"SELECT full_name || ' ' || resident || insured FROM persons WHERE person_key = '068000000002'", "B 2 resident 11"},
			{"SELECT full_name || ' ' || resident || insured FROM persons WHERE person_key = '068000000599'", "A 599 01"},
			{"SELECT province_code FROM bhyt_cards WHERE card_no = 'GD4680000000017'", "68"},
			{"SELECT province_code FROM bhyt_cards WHERE card_no = 'GD4680000000600'", "00"}, // no holder: filed under "00"
			{"SELECT province_code || ' ' || salary FROM periods WHERE holder = '6800000599'", "01 599000"},
		} {
			var got string
			if err := fast.DB().QueryRow(c.query).Scan(&got); err != nil || got != c.want {
				t.Errorf("%s: %q %v, want %q", c.query, got, err, c.want)
			}
		}
		for card, want := range map[string]string{"GD4680000000013": "2026-12-31", "GD4680000000003": "2027-06-30"} {
			var to civil.Date
			if err := fast.DB().QueryRow("SELECT valid_to FROM bhyt_cards WHERE card_no = '" + card + "'").Scan(&to); err != nil || to != day(want) {
				t.Errorf("card %s valid to %s %v, want %s", card, to, err, want)
			}
		}
	})
}

// dumpTable lists every row of a table in key order, leaving out the sentinel rows.
func dumpTable(t *testing.T, s *store.Store, table string) []string {
	t.Helper()
	rows, err := s.DB().Query("SELECT * FROM " + table + " ORDER BY 1, 2, 3, 4, 5")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprint(vals...)
		if !strings.Contains(line, "sentinel") {
			out = append(out, line)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// registryIndexes lists the indexes of the registry tables (and on PostgreSQL of
// their partitions) with their definitions.
func registryIndexes(t *testing.T, s *store.Store) []string {
	t.Helper()
	q := `SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('persons', 'bhyt_cards', 'periods') ORDER BY 1`
	if s.Dialect() == store.Postgres {
		q = `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename ~ '^(persons|bhyt_cards|periods)(_p|$)' ORDER BY 1`
	}
	rows, err := s.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestInitialLoadKeepsIndexes(t *testing.T) {
	store.SetBatches(t, 250)
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		want := registryIndexes(t, s)
		names := []string{"persons_bhxh: CREATE INDEX persons_bhxh ON ", "persons_national:", "persons_commune:", "persons_key:", "persons_village:",
			"bhyt_cards_bhxh:", "bhyt_cards_national:", "periods_holder: CREATE INDEX periods_holder ON "}
		if s.Dialect() == store.Postgres {
			names = append(names, "persons_p68_bhxh_code_idx: CREATE INDEX persons_p68_bhxh_code_idx ON ", "periods_pdefault_holder_idx:")
		}
		for _, name := range names {
			if !strings.Contains(strings.Join(want, "\n"), name) {
				t.Fatalf("no index %q in a new database:\n%s", name, strings.Join(want, "\n"))
			}
		}
		var persons []registry.Row
		for i := range 300 {
			persons = append(persons, loadPerson(i, provinceOf(i), "P"))
		}
		check := func(what string, wantPersons int) {
			t.Helper()
			var n int
			if err := s.DB().QueryRow("SELECT COUNT(*) FROM persons").Scan(&n); err != nil || n != wantPersons {
				t.Errorf("%s: %d persons %v, want %d", what, n, err, wantPersons)
			}
			if got := registryIndexes(t, s); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: indexes\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		begin := func() *store.RegistryTx {
			tx, err := s.BeginRegistry(ctx, "test")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range persons {
				if err := tx.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if loading, _ := tx.Loading("persons"); !loading {
				t.Fatal("an import into empty persons does not load it")
			}
			return tx
		}

		if err := begin().Rollback(); err != nil {
			t.Fatal(err)
		}
		check("rolled back", 0)

		tx := begin()
		if err := tx.Add(registry.Denominator{UnitID: 999999999, Year: 2026, Population: 1}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err == nil {
			t.Fatal("a denominator of no unit was written")
		}
		check("failed", 0)

		importRows(t, s, "test", persons, nil)
		check("committed", 300)

		// A decrease list read by holder brings the indexes of periods back first.
		var periods []registry.Row
		for i := range 300 {
			periods = append(periods, loadPeriod(i))
		}
		periods = append(periods, registry.Stop{Scheme: registry.BHXHVoluntary, BHXHCode: "6800000004", From: day("2026-01-01")})
		importRows(t, s, "test", periods, func(tx *store.RegistryTx) {
			if loading, _ := tx.Loading("periods"); !loading {
				t.Error("an import into empty periods does not load it")
			}
		})
		check("periods and a stop", 300)
		var to civil.Date
		if err := s.DB().QueryRow("SELECT valid_to FROM periods WHERE holder = '6800000004'").Scan(&to); err != nil || to != day("2025-12-31") {
			t.Errorf("stopped period ends %s %v, want 2025-12-31", to, err)
		}
	})
}

// TestRepeatedKeyInOneBatch writes, into tables that already hold rows (so no
// initial load), one batch where a card and a person repeat their keys: the last
// row of each wins, on PostgreSQL too, where one INSERT … ON CONFLICT may not touch
// a row twice. Cards of holders written in an earlier batch of the same import take
// the holder's province.
func TestRepeatedKeyInOneBatch(t *testing.T) {
	store.SetBatches(t, 250)
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		importRows(t, s, "sentinel", []registry.Row{loadPerson(9999, "01", "S"), loadCard(9999, "2026-12-31"), loadPeriod(9999)}, nil)
		var rows []registry.Row // as a BHXH list gives them: persons, then their cards
		for i := range 300 {
			rows = append(rows, loadPerson(i, "01", fmt.Sprint("P ", i)))
		}
		rows = append(rows, loadPerson(5, "01", "P 5 again"))
		for i := 299; i >= 0; i-- { // the first batch names persons of the second
			rows = append(rows, loadCard(i, "2026-06-30"))
		}
		rows = append(rows, loadCard(7, "2027-12-31"))
		importRows(t, s, "test", rows, nil)
		for _, c := range []struct{ query, want string }{
			{"SELECT COUNT(*) FROM persons WHERE source = 'test'", "300"},
			{"SELECT full_name FROM persons WHERE person_key = '068000000005'", "P 5 again"},
			{"SELECT COUNT(*) FROM bhyt_cards WHERE source = 'test'", "300"},
			{"SELECT COUNT(*) FROM bhyt_cards WHERE source = 'test' AND province_code = '01'", "300"},
		} {
			var got string
			if err := s.DB().QueryRow(c.query).Scan(&got); err != nil || got != c.want {
				t.Errorf("%s: %q %v, want %q", c.query, got, err, c.want)
			}
		}
		var to civil.Date
		if err := s.DB().QueryRow("SELECT valid_to FROM bhyt_cards WHERE card_no = 'GD4680000000007'").Scan(&to); err != nil || to != day("2027-12-31") {
			t.Errorf("card 7 valid to %s %v, want 2027-12-31", to, err)
		}
	})
}

// TestConcurrentImportsBumpTheVersionTwice commits two imports at once on PostgreSQL
// (SQLite has one writer): the registry version moves by two and each import knows
// the version it wrote, so a process that saw one of them cannot mistake it for both.
func TestConcurrentImportsBumpTheVersionTwice(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		importRows(t, s, "first", []registry.Row{loadPerson(1, "68", "A")}, nil)
		before, err := s.RegistryVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Dialect() != store.Postgres {
			importRows(t, s, "second", []registry.Row{loadPerson(2, "68", "B")}, nil)
			if after, _ := s.RegistryVersion(ctx); after == before {
				t.Fatalf("version still %s after an import", after)
			}
			return
		}
		tx1, err := s.BeginRegistry(ctx, "one")
		if err != nil {
			t.Fatal(err)
		}
		tx2, err := s.BeginRegistry(ctx, "two")
		if err != nil {
			t.Fatal(err)
		}
		if err := tx1.Add(loadPerson(3, "68", "C")); err != nil {
			t.Fatal(err)
		}
		if err := tx2.Add(loadPerson(4, "01", "D")); err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- tx2.Commit() }()
		if err := tx1.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		after, err := s.RegistryVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b, a int
		fmt.Sscan(before, &b)
		fmt.Sscan(after, &a)
		if a != b+2 || tx1.Version() == tx2.Version() || (tx1.Version() != after && tx2.Version() != after) {
			t.Errorf("version %s → %s; the imports wrote %s and %s", before, after, tx1.Version(), tx2.Version())
		}
	})
}
