package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// A card file imported into a registry with cards commits its rows to the card log;
// they reach bhyt_cards in a merge after the commit, in file order (the later of two
// rows with one key wins), leaving unchanged rows alone. Reads wait for the merge, a
// failed import logs nothing, and a store opened on rows left in the log merges them.
// With batches of 250, PostgreSQL logs through COPY and through a multi-row INSERT.
func TestCardFilesGoThroughTheLog(t *testing.T) {
	store.SetBatches(t, 250)
	ctx := context.Background()
	testutil.EachURL(t, func(t *testing.T, url string) {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { s.Close() }()
		query := func(q string) string { t.Helper(); return scalar(t, s, q) }
		var people, cards []registry.Row
		for i := range 600 {
			people = append(people, loadPerson(i, "68", fmt.Sprint("A ", i)))
			cards = append(cards, loadCard(i, "2026-06-30"))
		}
		importRows(t, s, "persons", people, nil)
		// cardFile imports a card file as the application does; hold keeps the
		// merge after its commit waiting (an import begins with a merge, so the hold
		// starts once it has begun).
		cardFile := func(source string, rows []registry.Row, hold bool) (release func()) {
			t.Helper()
			tx, err := s.BeginRegistry(ctx, source)
			if err != nil {
				t.Fatal(err)
			}
			tx.DeferCards = true
			if hold {
				release = store.HoldMerges(s)
			}
			for _, r := range rows {
				if err := tx.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			return release
		}
		cardFile("cards", cards, false) // loaded from empty: straight into the table
		if got := query("SELECT COUNT(*) || ' ' || (SELECT COUNT(*) FROM card_log) FROM bhyt_cards"); got != "600 0" {
			t.Fatalf("after the first card file: cards, logged %s, want 600 0", got)
		}

		// Another process on the same database (a command-line import beside the
		// server).
		other, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()

		// The change file: 300 cards end earlier, card 5 twice (the second row
		// wins), card 7 renewed with a new card, and a card of an unknown holder.
		var change []registry.Row
		for i := range 300 {
			change = append(change, loadCard(i, "2026-03-31"))
		}
		c5 := loadCard(5, "2026-09-30").(registry.Card)
		c7 := loadCard(7, "2027-06-30").(registry.Card)
		c7.ValidFrom = day("2026-07-01")
		stranger := registry.Card{CardNo: "GD4689999999999", BHXHCode: "6899999999", GroupCode: "GD", PayerGroup: "household",
			BenefitLevel: 4, ValidFrom: day("2026-01-01"), ValidTo: day("2026-12-31"), IssuingProvince: "68"}
		change = append(change, c5, c7, stranger)
		release := cardFile("changes", change, true)
		s.MergeCardsLater() // as the application does after an import; held here
		if got := query("SELECT COUNT(*) FROM card_log"); got != "303" {
			t.Errorf("%s rows in the log before the merge, want 303", got)
		}
		if got := query("SELECT COUNT(*) FROM bhyt_cards WHERE valid_to < '2026-06-30'"); got != "0" {
			t.Errorf("%s cards changed before the merge", got)
		}
		// The other process finds the rows in the log and merges them before it
		// reads, while this one's merge is held.
		if err := other.SettleCards(ctx); err != nil {
			t.Fatal(err)
		}
		if got := scalar(t, other, "SELECT CAST(valid_to AS TEXT) FROM bhyt_cards WHERE card_no = 'GD4680000000005'"); got != "2026-09-30" {
			t.Errorf("the other process reads card 5 valid to %s, want 2026-09-30", got)
		}
		release()
		if err := s.SettleCards(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CardMerges(); n != 0 {
			t.Errorf("this process merged %d times a log the other had merged", n)
		}
		if n, took := other.CardMerges(); n != 1 || took <= 0 {
			t.Errorf("the other process merged %d times (last %v), want 1", n, took)
		}
		want := map[string]string{
			"SELECT COUNT(*) FROM card_log":                                                   "0",
			"SELECT COUNT(*) FROM bhyt_cards":                                                 "602",
			"SELECT COUNT(*) FROM bhyt_cards WHERE CAST(valid_to AS TEXT) = '2026-03-31'":     "299",
			"SELECT CAST(valid_to AS TEXT) FROM bhyt_cards WHERE card_no = 'GD4680000000005'": "2026-09-30",
			"SELECT COUNT(*) FROM bhyt_cards WHERE card_no = 'GD4680000000007'":               "2",
			"SELECT province_code FROM bhyt_cards WHERE card_no = 'GD4689999999999'":          store.UnknownProvince,
			"SELECT source FROM bhyt_cards WHERE card_no = 'GD4680000000299'":                 "changes",
			"SELECT source FROM bhyt_cards WHERE card_no = 'GD4680000000300'":                 "cards",
		}
		check := func(when string) {
			t.Helper()
			for q, w := range want {
				if got := query(q); got != w {
					t.Errorf("%s: %s: %s, want %s", when, q, got, w)
				}
			}
		}
		check("merged")

		// The same file again changes nothing: the rows keep their source.
		cardFile("changes again", change, false)
		if err := s.SettleCards(ctx); err != nil {
			t.Fatal(err)
		}
		check("imported again")

		// A failed import logs nothing.
		tx, err := s.BeginRegistry(ctx, "failed")
		if err != nil {
			t.Fatal(err)
		}
		tx.DeferCards = true
		for i := range 300 {
			if err := tx.Add(loadCard(i, "2026-01-31")); err != nil {
				t.Fatal(err)
			}
		}
		// Persons after logged cards would miss them when moving province.
		if err := tx.Add(loadPerson(1, "01", "A 1")); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "after cards sent to the log") {
			t.Errorf("persons after logged cards: %v", err)
		}
		check("after a failed import")

		// Rows a stopped process left in the log are merged when the store opens.
		if _, err := s.DB().Exec("INSERT INTO card_log (province_code, card_no, bhxh_code, group_code, payer_group, benefit_level, valid_from, valid_to, source) " +
			"VALUES ('68', 'GD4680000000400', '6800000400', 'GD', 'household', 4, '2026-01-01', '2026-02-28', 'left')"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if s, err = store.Open(ctx, url); err != nil {
			t.Fatal(err)
		}
		want["SELECT source FROM bhyt_cards WHERE card_no = 'GD4680000000400'"] = "left"
		check("reopened")
	})
}
