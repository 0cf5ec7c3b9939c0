package app

import (
	"context"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// Two person records under one BHXH code (one person under two national IDs, or a
// code keyed twice): the cards and periods filed under the code count once, for the
// record with the smaller person key, whatever order the records came in. The kept
// index agrees with a rebuild through every step, before and after a restart.
func TestSharedBHXHCodeCountedOnce(t *testing.T) {
	sink := generated(t, 1500, 13)
	d := civil.MustParse("2026-06-30")
	for _, order := range []string{"twin after", "twin before"} {
		t.Run(order, func(t *testing.T) {
			testutil.EachStore(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				a := keptApp(t, s, sink)
				imp := importInto(t, a, d)
				persons := sink.File("persons.csv")
				lines := strings.Split(string(persons), "\n")
				other := strings.Split(lines[len(lines)-2], ",")[5]
				// The first person with a BHXH code and a card valid on d.
				var shared, key string
				valid := map[string]bool{}
				csvEdit(sink.File("bhyt_cards.csv"), func(_ int, f []string) bool {
					return f[4] <= "2026-06-30" && (f[5] == "" || f[5] >= "2026-06-30")
				}, func(f []string) { valid[f[1]] = true })
				csvEdit(persons, func(_ int, f []string) bool { return shared == "" && f[0] != "" && valid[f[1]] && f[5] != other },
					func(f []string) { shared, key = f[1], f[0] })
				if shared == "" || key[6:] == "000000" || key[6:] == "999999" {
					t.Fatalf("no insured person to share a code with (%q)", key)
				}
				// The twin: another national ID (sorting after or before the first's),
				// in another commune, under the same code.
				twin := csvEdit(persons, func(_ int, f []string) bool { return f[1] == shared }, func(f []string) {
					if f[0] = key[:6] + "000000"; order == "twin after" { // the random part
						f[0] = key[:6] + "999999"
					}
					f[5], f[6], f[7] = other, "", ""
				})
				if order == "twin before" {
					imp("persons", twin)
					imp("persons", string(persons))
				} else {
					imp("persons", string(persons))
					imp("persons", twin)
				}
				sameAsRebuild(t, a, s, order+": persons")
				imp("bhyt_cards", string(sink.File("bhyt_cards.csv")))
				sameAsRebuild(t, a, s, order+": cards")
				var twinKey string
				csvEdit([]byte(twin), func(int, []string) bool { return true }, func(f []string) { twinKey = f[0] })
				owner, loser := min(key, twinKey), max(key, twinKey)
				checkOwner := func(e *engine, step string) {
					t.Helper()
					o, _ := e.personOf.get(owner)
					l, _ := e.personOf.get(loser)
					if c, _ := e.personOf.get(shared); c != o || !e.idx.Has(o, coverage.BHYT) || e.idx.Has(l, coverage.BHYT) {
						t.Errorf("%s: code %s names %d; %s (%d) has cards: %v, %s (%d): %v", step, shared, c,
							owner, o, e.idx.Has(o, coverage.BHYT), loser, l, e.idx.Has(l, coverage.BHYT))
					}
				}
				checkOwner(a.eng, order+": cards")
				// A card file for the shared code: its valid card ends before d.
				cancel := csvEdit(sink.File("bhyt_cards.csv"), func(_ int, f []string) bool {
					return f[1] == shared && f[4] <= "2026-06-30" && (f[5] == "" || f[5] >= "2026-06-30")
				}, func(f []string) { f[5] = "2026-06-29" })
				imp("bhyt_cards", cancel)
				sameAsRebuild(t, a, s, order+": card ended")
				renew := strings.ReplaceAll(cancel, "2026-06-29\n", "2027-06-29\n")
				imp("bhyt_cards", renew)
				sameAsRebuild(t, a, s, order+": card renewed")

				// After a restart, the same.
				b := New(s, nil)
				b.KeepIndex = true
				if _, _, err := b.WarmCoverage(ctx); err != nil {
					t.Fatal(err)
				}
				checkOwner(b.eng, order+": restart")
				importInto(t, b, d)("bhyt_cards", cancel)
				sameAsRebuild(t, b, s, order+": card ended after a restart")
				// The twin's code is corrected: the code is theirs alone again.
				fixed := strings.Replace(twin, ","+shared+",", ",,", 1)
				importInto(t, b, d)("persons", fixed)
				sameAsRebuild(t, b, s, order+": twin's code dropped")
				importInto(t, b, d)("bhyt_cards", renew)
				sameAsRebuild(t, b, s, order+": renewed after the code was dropped")
				o, _ := b.eng.personOf.get(key)
				if c, _ := b.eng.personOf.get(shared); c != o || !b.eng.idx.Has(o, coverage.BHYT) {
					t.Errorf("code %s names %d after the twin dropped it, want %d", shared, c, o)
				}
			})
		})
	}
}
