package app

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/store"
)

func TestPersonIndexKeys(t *testing.T) {
	x := newPersonIndex()
	x.set("068199001234", 1) // a person key: the national ID
	x.set("6801234567", 2)   // a BHXH code cards are filed under
	x.set("bhxh:6801234567", 3)
	x.set("0001234567", 4) // leading zeros are part of the code
	x.set("odd-key", 5)
	for k, want := range map[string]int32{
		"068199001234":    1,
		"id:068199001234": 1, // the same person as a holder
		"6801234567":      2,
		"bhxh:6801234567": 3, // a person key, not the holder of the same code
		"0001234567":      4,
		"odd-key":         5,
	} {
		if got, ok := x.get(k); !ok || got != want {
			t.Errorf("get(%q) = %d, %v; want %d", k, got, ok, want)
		}
	}
	for _, k := range []string{"1234567", "001234567", "00001234567", "id:", "bhxh:", "", "68012345x7", "id:68199001234"} {
		if got, ok := x.get(k); ok {
			t.Errorf("get(%q) = %d; want absent", k, got)
		}
	}
}

// TestPersonIndexCompacts sets, moves and removes keys over several compactions
// and checks every key against a plain map after each round.
func TestPersonIndexCompacts(t *testing.T) {
	x := newPersonIndex()
	want := map[string]int32{}
	rng := rand.New(rand.NewPCG(1, 2))
	key := func(i int) string {
		switch i % 3 {
		case 0:
			return fmt.Sprintf("068%09d", i) // national ID
		case 1:
			return fmt.Sprintf("68%08d", i) // BHXH code
		}
		return fmt.Sprintf("bhxh:68%08d", i)
	}
	compactions := 0
	for round := range 6 {
		for range 20000 {
			i := rng.IntN(60000)
			switch k := key(i); rng.IntN(5) {
			case 0:
				x.remove(k)
				delete(want, k)
			default:
				p := int32(rng.IntN(1 << 20))
				before := len(x.num)
				x.set(k, p)
				want[k] = p
				// set compacts as it goes: the map never holds more than an eighth
				// of the arrays (or 4,096).
				if len(x.num) < before {
					compactions++
				}
				if len(x.num) >= max(4096, len(x.keys)/8) {
					t.Fatalf("round %d: %d keys in the map beside %d in the arrays", round, len(x.num), len(x.keys))
				}
			}
		}
		for i := range 60000 {
			k := key(i)
			got, ok := x.get(k)
			w, wok := want[k]
			if ok != wok || got != w {
				t.Fatalf("round %d: get(%q) = %d, %v; want %d, %v", round, k, got, ok, w, wok)
			}
		}
	}
	if !slices.IsSorted(x.keys) || compactions < 3 {
		t.Errorf("%d compactions, keys sorted: %v", compactions, slices.IsSorted(x.keys))
	}
}

// Two card numbers of one holder have the same key only when they are the same.
func TestCardKey(t *testing.T) {
	seen := map[uint32]string{}
	for _, no := range []string{"0146406225", "DN4010146406225", "DN4020146406225", "DN3010146406225", "ND4010146406225",
		"DN4990146406225", "ZZ5990146406225", "AA1000146406225", "HG4680146406225", "GD4680146406225"} {
		k := cardKey(no)
		if other, dup := seen[k]; dup {
			t.Errorf("%s and %s share key %#x", no, other, k)
		}
		seen[k] = no
	}
}

// A pending person comes back as the row it was, leading zeros and odd identifiers
// included.
func TestPendingPersonRoundTrip(t *testing.T) {
	p := newPending()
	rows := []store.PersonRow{
		{NationalID: "001205000123", BHXHCode: "0125556677", CommuneID: 7, VillageID: 9, Sex: "F", Birth: civil.MustParse("1990-02-03"), Resident: true, Province: "01"},
		{NationalID: "068199001234", CommuneID: 8, Sex: "M", Province: "00"},
		{BHXHCode: "0000000001", CommuneID: 8},
		{NationalID: "12345", BHXHCode: "0125556677", CommuneID: 1, Province: "68"}, // not 12 digits: kept as it is
		{NationalID: "068199001235", CommuneID: 8, Province: "6"},                   // not a province code: kept as it is
	}
	for _, r := range rows {
		p.addPerson(r)
	}
	for i, r := range rows {
		r.Key = store.PersonKey(r.NationalID, r.BHXHCode)
		if got := p.row(p.persons[i]); got != r {
			t.Errorf("row %d: %+v, want %+v", i, got, r)
		}
	}
}
