package app

import (
	"context"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

func TestCardBookSetGetForget(t *testing.T) {
	var b cardBook
	card := func(key uint32, from, to string) keyedInterval {
		return keyedInterval{key: ivKey{card: key}, scheme: coverage.BHYT, counts: true,
			iv: coverage.Interval{From: civil.MustParse(from), To: civil.MustParse(to), Issuing: 68, Group: coverage.GroupHousehold}}
	}
	period := keyedInterval{key: ivKey{scheme: 1}, scheme: coverage.BHXH, counts: true, iv: coverage.Interval{From: 1, To: 2}}
	if _, ok := b.get(3, nil); ok || b.known(3) {
		t.Fatal("an empty book knows position 3")
	}
	b.set(3, []keyedInterval{card(7, "2025-01-01", "2025-12-31"), period, card(7, "2026-01-01", "2026-12-31")})
	b.set(1, nil)
	got, ok := b.get(3, nil)
	if !ok || len(got) != 2 || got[0] != card(7, "2025-01-01", "2025-12-31") || got[1] != card(7, "2026-01-01", "2026-12-31") {
		t.Fatalf("position 3: %v %v, want its two cards (not the period)", got, ok)
	}
	if got, ok := b.get(1, nil); !ok || len(got) != 0 {
		t.Fatalf("position 1: %v %v, want known with no card", got, ok)
	}
	if b.known(2) {
		t.Fatal("position 2, never set, is known")
	}
	// A longer list moves to the end; a shorter one stays in place.
	b.set(3, []keyedInterval{card(7, "2025-01-01", "2025-12-31"), card(7, "2026-01-01", "2026-12-31"), card(9, "2026-07-01", "2027-06-30")})
	b.set(1, []keyedInterval{card(5, "2024-01-01", "2024-12-31")})
	if got, _ := b.get(3, nil); len(got) != 3 || got[2] != card(9, "2026-07-01", "2027-06-30") {
		t.Fatalf("position 3 after a longer list: %v", got)
	}
	if b.spare != 2 {
		t.Fatalf("%d spare slots, want the 2 position 3 left", b.spare)
	}
	b.forget(3)
	if b.known(3) || b.spare != 5 {
		t.Fatalf("forgotten position 3: known %v, %d spare", b.known(3), b.spare)
	}
	b.compact()
	if got, ok := b.get(1, nil); !ok || len(got) != 1 || got[0] != card(5, "2024-01-01", "2024-12-31") || b.cards.n != 1 {
		t.Fatalf("after compacting: %v %v, %d cards held", got, ok, b.cards.n)
	}
	if p, c := b.size(); p != 1 || c != 1 {
		t.Fatalf("size %d persons %d cards, want 1 and 1", p, c)
	}
}

// A server that starts on a loaded registry books every person's stored cards as
// it builds the index, so its first daily card file is merged from the book: no
// holder's cards are read from the store, during the import or after it. Two
// persons under one BHXH code are not booked.
func TestCardFileMergedFromTheBook(t *testing.T) {
	sink := generated(t, 1500, 11)
	d := civil.MustParse("2026-06-30")
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := keptApp(t, s, sink)
		imp := importInto(t, a, d)
		persons := sink.File("persons.csv")
		imp("persons", string(persons))
		// A second person under the BHXH code of the first insured one.
		var shared string
		imp("persons", csvEdit(persons, func(_ int, f []string) bool {
			if shared == "" && f[1] != "" {
				shared = f[1]
				return true
			}
			return false
		}, func(f []string) { f[0] = "0" + f[0][1:11] + "9" }))
		imp("bhyt_cards", string(sink.File("bhyt_cards.csv")))
		if shared == "" {
			t.Fatal("no insured person in the file")
		}

		// The server restarts: the index is built from the store.
		b := New(s, nil)
		b.KeepIndex = true
		if _, _, err := b.WarmCoverage(ctx); err != nil {
			t.Fatal(err)
		}
		booked, held := b.eng.book.size()
		var stored int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM bhyt_cards WHERE bhxh_code <> '" + shared + "'").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if booked < b.eng.idx.Persons()-2 || held != stored {
			t.Fatalf("the rebuilt book knows %d of %d persons and %d cards; the store has %d cards of unshared codes", booked, b.eng.idx.Persons(), held, stored)
		}
		if pos, _ := b.eng.personOf.get(shared); b.eng.book.known(pos) {
			t.Errorf("the book knows the cards under %s, which two persons share", shared)
		}
		built := b.eng.BuiltIn
		cards := sink.File("bhyt_cards.csv")
		bimp := importInto(t, b, d)
		// Cancelled cards (valid on D, now ended the day before) and renewed ones
		// (ended before D, now valid for a year); then a new card for every tenth.
		bimp("bhyt_cards", csvEdit(cards, func(i int, f []string) bool { return i%5 == 0 && f[1] != shared && f[4] < "2026-06-29" }, func(f []string) {
			if f[5] == "" || f[5] >= "2026-06-30" {
				f[5] = "2026-06-29"
			} else {
				f[5] = "2027-06-30"
			}
		}))
		st := b.eng.lastApply
		if st.merged < 100 || st.booked != st.merged || st.prefetched != 0 || st.reread != 0 || st.whole != 0 {
			t.Errorf("card file after a restart: %+v, want every holder merged from the book", st)
		}
		sameAsRebuild(t, b, s, "card file merged from the book")
		bimp("bhyt_cards", csvEdit(cards, func(i int, f []string) bool { return i%10 == 0 && f[1] != shared }, func(f []string) {
			f[0] = f[0][:3] + "01" + f[0][5:] // a card of another province
			f[4], f[5], f[6] = "2026-07-01", "2027-06-30", "01"
		}))
		sameAsRebuild(t, b, s, "new cards merged from the book")
		if st := b.eng.lastApply; st.booked == 0 || st.prefetched != 0 {
			t.Errorf("new cards: %+v", st)
		}
		if b.eng.BuiltIn != built {
			t.Error("the index was rebuilt; imports should have kept it up to date")
		}
	})
}

// The book's cards span several chunks; lists that grow move to the end, and a
// compaction once most slots are spare keeps every person's cards.
func TestCardBookAcrossChunks(t *testing.T) {
	var b cardBook
	card := func(pos, i int) keyedInterval {
		return keyedInterval{key: ivKey{card: uint32(pos)}, scheme: coverage.BHYT, counts: true,
			iv: coverage.Interval{From: civil.Date(i), To: civil.Date(20000 + pos%10000)}}
	}
	lists := map[int32][]keyedInterval{}
	const persons = 3 * bookChunk / 2
	for pos := range int32(persons) {
		lists[pos] = []keyedInterval{card(int(pos), 0)}
		b.set(pos, lists[pos])
	}
	// Every third person's list grows to three cards; the others are forgotten, which
	// leaves more than half the slots spare: the book compacts.
	live := 0
	for pos := range int32(persons) {
		if pos%3 == 0 {
			lists[pos] = []keyedInterval{card(int(pos), 0), card(int(pos), 1), card(int(pos), 2)}
			b.set(pos, lists[pos])
			live += 3
			continue
		}
		delete(lists, pos)
		b.forget(pos)
	}
	delete(lists, 0)
	b.forget(0)
	live -= 3
	if b.cards.n-b.spare != live || b.cards.n >= persons+live {
		t.Fatalf("%d slots, %d spare, %d cards live: no compaction", b.cards.n, b.spare, live)
	}
	var buf []keyedInterval
	for pos := range int32(persons) {
		got, ok := b.get(pos, buf)
		want, known := lists[pos]
		if ok != known || !slices.Equal(got, want) {
			t.Fatalf("person %d: %v %v, want %v %v", pos, got, ok, want, known)
		}
	}
	if p, c := b.size(); p != len(lists) || c != live {
		t.Fatalf("size %d persons %d cards, want %d and %d", p, c, len(lists), live)
	}
}

// A card packs into a word and back unchanged at the edges of each field; a card
// that does not fit leaves its holder unbooked (read from the store), not wrong.
func TestBookCardPacking(t *testing.T) {
	card := func(key uint32, from, to civil.Date, issuing coverage.Province, g coverage.PayerGroup) keyedInterval {
		return keyedInterval{key: ivKey{card: key}, scheme: coverage.BHYT, counts: true,
			iv: coverage.Interval{From: from, To: to, Issuing: issuing, Group: g}}
	}
	last := civil.Date(bookOpen - 1) // 2149-06-05
	fits := []keyedInterval{
		card(cardKey("HN2680123456789"), civil.MustParse("2025-01-01"), civil.MustParse("2025-12-31"), 68, coverage.GroupHousehold),
		card(cardKey("ZZ9990123456789"), 0, last, 99, coverage.GroupOther),
		card(cardKey("0123456789"), civil.MustParse("1992-08-15"), civil.Max, 0, coverage.GroupUnknown),
		card(0, 0, 0, 1, coverage.GroupEmployerEmployee),
	}
	for _, k := range fits {
		c, ok := packCard(k.key.card, k.iv)
		if !ok || c.unpack() != k {
			t.Errorf("%+v: packed %v, back %+v", k, ok, c.unpack())
		}
	}
	tooWide := []keyedInterval{
		card(1, -1, 10, 1, 1),               // before 1970
		card(1, 10, last+1, 1, 1),           // after 2149, not open
		card(1, civil.Min, civil.Max, 1, 1), // 1900
		card(bookOddKey, 10, 20, 1, 1),      // a key past 20 bits
		card(1, 10, 20, 1, coverage.PayerGroup(16)),
	}
	for _, k := range tooWide {
		if _, ok := packCard(k.key.card, k.iv); ok {
			t.Errorf("%+v packed", k)
		}
	}
	var b cardBook
	b.set(0, fits)
	if got, ok := b.get(0, nil); !ok || !slices.Equal(got, fits) {
		t.Fatalf("booked %v %v, want %v", got, ok, fits)
	}
	b.set(1, []keyedInterval{fits[0], tooWide[0]})
	if b.known(1) {
		t.Fatal("a holder with a card that does not pack is booked")
	}
	b.set(0, []keyedInterval{fits[1], tooWide[1]})
	if b.known(0) || b.spare != len(fits) {
		t.Fatalf("position 0 given a card that does not pack: known %v, %d spare", b.known(0), b.spare)
	}
}
