package app

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// sameAsRebuild checks the index kept up to date by imports against one built from
// the database: every commune and village, every scheme and breakdown slot on many
// dates, and the residents counted from the register. The rebuilds take turns at
// filing the rows in 64 buckets (as a server does), in one, and in three.
func sameAsRebuild(t *testing.T, a *App, s *store.Store, step string) {
	t.Helper()
	rebuilds++
	buckets := []int{rebuildBuckets, 1, 3}[rebuilds%3]
	step = fmt.Sprintf("%s (rebuilt in %d buckets)", step, buckets)
	ctx := context.Background()
	kept := a.eng
	if kept == nil {
		t.Fatalf("%s: no index kept", step)
	}
	ver, err := s.RegistryVersion(ctx)
	if err != nil || kept.ver != ver {
		t.Fatalf("%s: kept index at version %q, registry at %q (%v)", step, kept.ver, ver, err)
	}
	fresh, err := buildEngineIn(ctx, s, kept.atlas, ver, buckets, nil)
	if err != nil {
		t.Fatal(err)
	}
	if kept.idx.Persons() != fresh.idx.Persons() {
		t.Errorf("%s: %d persons kept, %d rebuilt", step, kept.idx.Persons(), fresh.idx.Persons())
	}
	if kept.unplacedRows() != fresh.unplacedRows() {
		t.Errorf("%s: %d unplaced rows kept, %d rebuilt", step, kept.unplacedRows(), fresh.unplacedRows())
	}
	sameBook(t, kept, fresh, step)
	n := len(kept.communeIDs)
	for _, d := range []string{"2019-03-01", "2024-12-31", "2025-07-01", "2026-01-01", "2026-02-28", "2026-03-01", "2026-06-30", "2026-07-01", "2026-12-31", "2027-05-01"} {
		day := civil.MustParse(d)
		for s := range 3 {
			sc := coverage.Scheme(s)
			got, want := make([]int64, n), make([]int64, n)
			if err := kept.idx.AllCommunes(sc, day, got); err != nil {
				t.Fatal(err)
			}
			if err := fresh.idx.AllCommunes(sc, day, want); err != nil {
				t.Fatal(err)
			}
			for c := range got {
				if got[c] != want[c] {
					t.Fatalf("%s: %s on %s, commune %s: kept %d, rebuilt %d", step, sc, d, kept.idx.Communes()[c].Code, got[c], want[c])
				}
			}
			for _, dim := range []coverage.Dim{coverage.DimSex, coverage.DimAgeBand} {
				g, err1 := kept.idx.Breakdown(coverage.InProvince(68, coverage.ByResidence), sc, dim, day)
				w, err2 := fresh.idx.Breakdown(coverage.InProvince(68, coverage.ByResidence), sc, dim, day)
				if err1 != nil || err2 != nil || fmt.Sprint(g) != fmt.Sprint(w) {
					t.Fatalf("%s: %s by %s on %s: kept %v, rebuilt %v (%v %v)", step, sc, dim, d, g, w, err1, err2)
				}
			}
			for v := range kept.villageIDs {
				g, _ := kept.idx.Covered(coverage.InVillage(int32(v)), sc, day)
				w, _ := fresh.idx.Covered(coverage.InVillage(int32(v)), sc, day)
				if g != w {
					t.Fatalf("%s: %s on %s, village %d: kept %d, rebuilt %d", step, sc, d, kept.villageIDs[v], g, w)
				}
			}
		}
		ka, kw := kept.residentsOn(kept.atlas, day)
		fa, fw := fresh.residentsOn(kept.atlas, day)
		if !maps.Equal(ka, fa) || !maps.Equal(kw, fw) {
			t.Fatalf("%s: residents on %s differ from a rebuild", step, d)
		}
	}
}

var rebuilds int // calls of sameAsRebuild (the tests of this package run one at a time)

// sameBook checks the cards the kept index's book holds against the book of a
// rebuild, which reads them from the store: every person the kept book knows has the
// same cards there (in any order), unless the rebuild books nobody under that BHXH
// code (two persons share it).
func sameBook(t *testing.T, kept, fresh *engine, step string) {
	t.Helper()
	norm := func(l []keyedInterval) string {
		out := make([]string, len(l))
		for i, k := range l {
			out[i] = fmt.Sprint(k.key, k.iv)
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	var a, b []keyedInterval
	for pos := range int32(kept.idx.Persons()) {
		code := kept.codeOf(pos)
		if code == "" {
			continue
		}
		var ok bool
		if a, ok = kept.book.get(pos, a); !ok {
			continue
		}
		fpos, ok := fresh.personOf.get(code)
		if !ok {
			t.Fatalf("%s: %s not in the rebuilt index", step, code)
		}
		if fresh.scattered.has(fpos) {
			t.Fatalf("%s: the book keeps the cards of %s, whose rows are scattered", step, code)
		}
		if b, ok = fresh.book.get(fpos, b); !ok {
			continue
		}
		if norm(a) != norm(b) {
			t.Fatalf("%s: book of %s: kept %s, stored %s", step, code, norm(a), norm(b))
		}
	}
}

// generated is a generated province (68) of some persons.
func generated(t *testing.T, persons, seed int64) *gen.MemSink {
	t.Helper()
	sink := &gen.MemSink{}
	if _, err := gen.Generate(gen.Options{Persons: persons, Seed: seed, Provinces: []string{"68"}}, sink); err != nil {
		t.Fatal(err)
	}
	return sink
}

// keptApp is an app that keeps its index current as a server does, with the
// generated villages imported.
func keptApp(t *testing.T, s *store.Store, sink *gen.MemSink) *App {
	t.Helper()
	a := New(s, nil)
	a.KeepIndex = true
	if _, err := a.ImportGeo(context.Background(), System, "villages", "villages.csv", bytes.NewReader(sink.File("villages.csv")), civil.MustParse("2025-07-01"), false); err != nil {
		t.Fatal(err)
	}
	return a
}

// importInto imports CSV texts through an app, as of d.
func importInto(t *testing.T, a *App, d civil.Date) func(kind, body string) {
	return func(kind, body string) {
		t.Helper()
		if _, err := a.ImportRegistry(context.Background(), System, kind, kind+".csv", strings.NewReader(body), d, false, nil); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
}

// csvEdit rewrites the data lines of a generated file for which pick says yes with
// edit (which gets the fields), and returns the header and the edited lines.
func csvEdit(file []byte, pick func(i int, f []string) bool, edit func(f []string)) string {
	lines := strings.Split(strings.TrimSpace(string(file)), "\n")
	out := []string{lines[0]}
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if pick(i, f) {
			edit(f)
			out = append(out, strings.Join(f, ","))
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestIndexKeptByImportsMatchesRebuild imports a generated province through a
// server-like app (KeepIndex): periods before their persons, persons, residents
// (some already persons), cards, then daily files — renewed and new cards, moves,
// periods filed under a national ID, a card for such a person — and checks after
// each step that the index updated from the rows equals a rebuild, and that it was
// never rebuilt.
func TestIndexKeptByImportsMatchesRebuild(t *testing.T) {
	sink := generated(t, 2500, 5)
	d := civil.MustParse("2026-06-30")
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := keptApp(t, s, sink)
		imp := importInto(t, a, d)
		var kept *engine
		for i, k := range []string{"bhxh_periods", "persons", "residents", "bhyt_cards", "bhtn_periods", "denominators"} {
			imp(k, string(sink.File(k+".csv")))
			if i == 0 {
				kept = a.eng
			}
			sameAsRebuild(t, a, s, k)
		}
		if kept.unplacedRows() != 0 {
			t.Errorf("%d rows left without a person after the persons import", kept.unplacedRows())
		}

		// Renewals: 200 cards get a later end; 50 persons get a new card.
		cards := sink.File("bhyt_cards.csv")
		imp("bhyt_cards", csvEdit(cards, func(i int, _ []string) bool { return i%7 == 0 && i < 1400 }, func(f []string) { f[5] = "2027-12-31" }))
		sameAsRebuild(t, a, s, "renewals")
		// The stored cards of those holders are read while the import writes, and
		// none is read again after the commit.
		checkApplied := func(step string, atLeast int) {
			t.Helper()
			st := a.eng.lastApply
			if st.merged < atLeast || st.reread != 0 {
				t.Errorf("%s: %d holders merged with what the prefetch read, %d read again after the commit", step, st.merged, st.reread)
			}
		}
		checkApplied("renewals", 100)
		if st := a.eng.lastApply; st.booked != st.merged || st.prefetched != 0 {
			t.Errorf("renewals: %d of %d holders merged from the book, %d read by the prefetch", st.booked, st.merged, st.prefetched)
		}
		imp("bhyt_cards", csvEdit(cards, func(i int, _ []string) bool { return i%11 == 3 && i < 550 }, func(f []string) { f[4], f[5] = "2026-07-01", "2027-06-30" }))
		sameAsRebuild(t, a, s, "new cards")
		// Periods ended early: persons who had BHTN periods get theirs read again.
		imp("bhtn_periods", csvEdit(sink.File("bhtn_periods.csv"), func(i int, f []string) bool { return i%9 == 0 && i < 900 && f[2] < "2026-03-01" }, func(f []string) { f[3] = "2026-03-31" }))
		sameAsRebuild(t, a, s, "periods ended")
		checkApplied("periods ended", 1)

		// Moves: 60 persons to another commune of the province, without a village.
		persons := sink.File("persons.csv")
		lines := strings.Split(string(persons), "\n")
		other := strings.Split(lines[len(lines)-2], ",")[5]
		moved := csvEdit(persons, func(i int, f []string) bool { return i%40 == 1 && f[5] != other }, func(f []string) { f[5], f[6] = other, "" })
		imp("persons", moved)
		sameAsRebuild(t, a, s, "moves")
		// Dated moves: some of them move on again on 1 January 2027 (to the first
		// commune of the file, with a village); a register dated 1 March 2026 places
		// others elsewhere before the moves recorded above.
		first := strings.Split(lines[1], ",")
		importInto(t, a, civil.MustParse("2027-01-01"))("persons", csvEdit(persons, func(i int, f []string) bool { return i%80 == 1 && f[5] != first[5] },
			func(f []string) { f[5], f[6] = first[5], first[6] }))
		sameAsRebuild(t, a, s, "moves on a later date")
		importInto(t, a, civil.MustParse("2026-03-01"))("persons", csvEdit(persons, func(i int, f []string) bool { return i%120 == 1 && f[5] != first[5] },
			func(f []string) { f[5], f[6] = first[5], "" }))
		sameAsRebuild(t, a, s, "moves dated before those recorded")
		for _, on := range []string{"2026-03-01", "2027-01-01"} {
			var n int
			s.DB().QueryRow("SELECT COUNT(*) FROM past_residences WHERE moved_out = '" + on + "'").Scan(&n)
			if n == 0 {
				t.Errorf("no move recorded on %s", on)
			}
		}

		// The population register moves 40 insured residents to a commune of another
		// province (it knows no BHXH code): their cards and periods go with them, and a
		// card of theirs shortened afterwards is one card, not two.
		atlas, err := a.Atlas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		far := ""
		for _, u := range atlas.AllOfLevel(geo.Commune) {
			if p := atlas.ProvinceOf(u.ID, d); p != nil && p.Code == "01" && u.ValidOn(d) {
				far = u.Code
				break
			}
		}
		codeOf := map[string]string{} // national ID → BHXH code of insured persons
		csvEdit(persons, func(_ int, f []string) bool { return f[0] != "" && f[1] != "" }, func(f []string) { codeOf[f[0]] = f[1] })
		var movedCodes []string
		imp("residents", csvEdit(sink.File("residents.csv"), func(i int, f []string) bool { return codeOf[f[0]] != "" && len(movedCodes) < 40 && i%3 == 0 }, func(f []string) {
			movedCodes = append(movedCodes, codeOf[f[0]])
			f[4], f[5] = far, ""
		}))
		sameAsRebuild(t, a, s, "moves to another province")
		isMoved := map[string]bool{}
		for _, c := range movedCodes {
			isMoved[c] = true
		}
		imp("bhyt_cards", csvEdit(cards, func(_ int, f []string) bool {
			return isMoved[f[1]] && f[4] <= "2026-05-31" && (f[5] == "" || f[5] > "2026-05-31")
		}, func(f []string) { f[5] = "2026-05-31" }))
		sameAsRebuild(t, a, s, "cards of persons who moved province")

		// A card listed with the ĐDCN in its BHXH code column, for a resident the
		// registry knows only by national ID: the store gives them the card's BHXH
		// code, and the card counts for them.
		var nid, commune string
		csvEdit(sink.File("residents.csv"), func(_ int, f []string) bool { return codeOf[f[0]] == "" && f[4] != far }, func(f []string) {
			if nid == "" {
				nid, commune = f[0], f[4]
			}
		})
		cu, err := atlas.Find(commune, d)
		if err != nil {
			t.Fatal(err)
		}
		on := civil.MustParse("2026-07-15")
		coveredIn := func() int64 {
			n, err := a.eng.idx.Covered(coverage.InCommune(a.eng.communeOf[cu.ID]), coverage.BHYT, on)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before, unplaced := coveredIn(), a.eng.unplacedRows()
		imp("bhyt_cards", "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province,payer_group\nHG4686899999991,"+nid+",HG,4,2026-07-01,2027-06-30,68,household\n")
		sameAsRebuild(t, a, s, "card naming a resident's national ID")
		if got := coveredIn(); got != before+1 || a.eng.unplacedRows() != unplaced {
			t.Errorf("card naming a resident's national ID: %d covered in their commune, was %d; %d cards without a holder, was %d", got, before, a.eng.unplacedRows(), unplaced)
		}

		// Periods filed under a national ID (a list that gave the ĐDCN), then a card for
		// one of those persons: their intervals sit under two keys.
		var nids []string
		periods := csvEdit(persons, func(i int, f []string) bool { return i%90 == 2 && f[0] != "" && f[1] != "" }, func(f []string) {
			nids = append(nids, f[1])
			f[1], f[2], f[3], f[4], f[5] = "voluntary", "", "2026-01-01", "2026-12-31", "2000000" // f[0] is the national ID
		})
		periods = "bhxh_code,kind,employer_code,valid_from,valid_to,salary\n" + strings.Join(cutColumns(periods, 6), "\n") + "\n"
		imp("bhxh_periods", periods)
		sameAsRebuild(t, a, s, "periods by national ID")
		if len(nids) > 0 {
			imp("bhyt_cards", fmt.Sprintf("card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province,payer_group\nHG468%s,%s,HG,4,2026-07-01,2027-06-30,68,household\n", nids[0], nids[0]))
			sameAsRebuild(t, a, s, "card of a person with periods under their national ID")
		}
		if a.eng != kept {
			t.Error("the index was rebuilt; imports should have kept it up to date")
		}
	})
}

// cutColumns keeps the first n fields of every data line of a CSV text.
func cutColumns(text string, n int) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(text), "\n")[1:] {
		out = append(out, strings.Join(strings.Split(l, ",")[:n], ","))
	}
	return out
}

// An import whose commit does not directly follow the version the index was at
// (another import committed in between, in another process or not yet applied here)
// must not leave the index claiming the new version without the other's rows.
func TestIndexDroppedWhenAnotherImportCommittedBetween(t *testing.T) {
	for _, c := range []struct {
		before, after string
		want          bool
	}{{"", "1", true}, {"1", "2", true}, {"9", "10", true}, {"1", "3", false}, {"2", "2", false}, {"x", "2", false}, {"1", "", false}} {
		if got := follows(c.before, c.after); got != c.want {
			t.Errorf("follows(%q, %q) = %v", c.before, c.after, got)
		}
	}
	sink := generated(t, 200, 7)
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := keptApp(t, s, sink)
		if _, err := a.ImportRegistry(ctx, System, "persons", "persons.csv", bytes.NewReader(sink.File("persons.csv")), civil.MustParse("2026-06-30"), false, nil); err != nil {
			t.Fatal(err)
		}
		e := a.eng
		if e == nil || e.ver != "1" {
			t.Fatalf("index after the first import: %+v", e)
		}
		pend := newPending()
		pend.add(registry.Person{NationalID: "068190000001", BHXHCode: "6819000001", CommuneID: e.communeIDs[0], BirthDate: civil.MustParse("1990-01-01"), Sex: "M"})
		if err := a.applyImport(ctx, "1", "3", pend); err != nil || a.eng != nil {
			t.Fatalf("applied over a gap in versions: %v, index %v", err, a.eng)
		}
		a.eng = e
		if err := a.applyImport(ctx, "1", "2", pend); err != nil || a.eng != e || e.ver != "2" {
			t.Fatalf("not applied to the next version: %v, index at %q", err, e.ver)
		}
	})
}

// A card imported while the index is kept is filed under the province its holder is
// stored under, which the index remembers, even where that is not the province of
// the holder's commune today (a person stored before their commune changed
// province): a holder's cards and periods are stored with them or under "00".
func TestCardFiledUnderItsHolderStoredProvince(t *testing.T) {
	sink := generated(t, 200, 7)
	d := civil.MustParse("2026-06-30")
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := keptApp(t, s, sink)
		importInto(t, a, d)("persons", string(sink.File("persons.csv")))
		var commune int64
		for _, id := range a.eng.communeIDs {
			if p := a.eng.atlas.ProvinceOf(id, d); p != nil && p.Code == "68" {
				commune = id
				break
			}
		}
		// Stored under 01 while their commune is in 68 today.
		tx, err := s.BeginRegistry(ctx, "older.csv")
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Add(registry.Person{NationalID: "068190000001", BHXHCode: "6819000001", FullName: "Lò Văn A", BirthDate: civil.MustParse("1990-01-01"),
			Sex: "M", CommuneID: commune, ProvinceCode: "01"}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.WarmCoverage(ctx); err != nil {
			t.Fatal(err)
		}
		built := a.eng.BuiltIn
		cards := "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province,payer_group\n" +
			"GD4686819000001,6819000001,GD,4,2026-01-01,2026-12-31,68,household\n"
		importInto(t, a, d)("bhyt_cards", cards)
		if err := s.SettleCards(context.Background()); err != nil {
			t.Fatal(err)
		}
		var prov string
		if err := s.DB().QueryRow("SELECT province_code FROM bhyt_cards WHERE bhxh_code = '6819000001'").Scan(&prov); err != nil || prov != "01" {
			t.Errorf("card filed under %q (%v), want 01 with its holder", prov, err)
		}
		if a.eng == nil || a.eng.BuiltIn != built {
			t.Fatal("the index was rebuilt, not kept")
		}
		sameAsRebuild(t, a, s, "card of a holder stored under another province")
	})
}

// A BHXH code corrected away from one person and then given to a person of another
// province leaves its card where it was: that person's rows are scattered, and an
// import of their card reads them whole after the commit instead of merging what a
// read of their own province found (which would miss the card).
func TestScatteredHolderReadWhole(t *testing.T) {
	sink := generated(t, 200, 7)
	d := civil.MustParse("2026-06-30")
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := keptApp(t, s, sink)
		imp := func(kind, body string) {
			t.Helper()
			importInto(t, a, d)(kind, body)
			sameAsRebuild(t, a, s, kind+": "+body)
		}
		imp("persons", string(sink.File("persons.csv")))
		kept := a.eng
		communeIn := func(prov string) string {
			for _, u := range kept.atlas.AllOfLevel(geo.Commune) {
				if p := kept.atlas.ProvinceOf(u.ID, d); p != nil && p.Code == prov && u.ValidOn(d) {
					return u.Code
				}
			}
			t.Fatalf("no commune of %s", prov)
			return ""
		}
		const persons = "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n"
		const cards = "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province,payer_group\n"
		imp("persons", persons+"068190000002,6819000002,Lò Thị B,1990-01-01,F,"+communeIn("68")+",,H1\n")
		imp("bhyt_cards", cards+"GD4686819000002,6819000002,GD,4,2026-01-01,2026-12-31,68,household\n")
		imp("persons", persons+"068190000002,6819000003,Lò Thị B,1990-01-01,F,"+communeIn("68")+",,H1\n")
		imp("persons", persons+"068092000004,6819000002,Lò Văn C,1992-01-01,M,"+communeIn("01")+",,H2\n")
		pos, _ := a.eng.personOf.get("068092000004")
		if !a.eng.scattered.has(pos) {
			t.Error("the person given a code whose card is in another province is not marked scattered")
		}
		imp("bhyt_cards", cards+"GD4686819000002,6819000002,GD,4,2026-01-01,2027-12-31,68,household\n")
		if st := a.eng.lastApply; st.merged != 0 {
			t.Errorf("%d holders merged from a read of their province", st.merged)
		}
		if a.eng != kept {
			t.Error("the index was rebuilt; imports should have kept it up to date")
		}
	})
}

// TestImportTooLargeToKeepRebuilds imports with room for 500 pending rows: the files
// of more rows drop theirs and the index is rebuilt from the store when they commit
// (a new engine, equal to a rebuild), and a small file after them is merged into the
// index as usual (the same engine).
func TestImportTooLargeToKeepRebuilds(t *testing.T) {
	sink := generated(t, 1200, 9)
	d := civil.MustParse("2026-06-30")
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := keptApp(t, s, sink)
		a.PendingMax = 500
		imp := importInto(t, a, d)
		for _, k := range []string{"persons", "residents", "bhyt_cards", "bhxh_periods"} {
			before := a.eng
			imp(k, string(sink.File(k+".csv")))
			if a.eng == nil || a.eng == before {
				t.Fatalf("%s (more than 500 rows): the index was not rebuilt", k)
			}
			sameAsRebuild(t, a, s, k)
		}
		kept := a.eng
		cards := sink.File("bhyt_cards.csv")
		imp("bhyt_cards", csvEdit(cards, func(i int, _ []string) bool { return i%9 == 0 && i < 1800 }, func(f []string) { f[5] = "2027-12-31" }))
		if a.eng != kept {
			t.Fatal("a file of 200 cards rebuilt the index")
		}
		sameAsRebuild(t, a, s, "renewals")
		var covered int64
		for _, c := range a.eng.communeIDs {
			n, err := a.eng.idx.Covered(coverage.InCommune(a.eng.communeOf[c]), coverage.BHYT, civil.MustParse("2027-06-30"))
			if err != nil {
				t.Fatal(err)
			}
			covered += n
		}
		if covered == 0 {
			t.Fatal("no one covered on 2027-06-30 after the renewals to 2027-12-31")
		}
	})
}
