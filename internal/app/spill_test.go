package app

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/store"
)

// TestSpillRoundTrip writes rows and persons to a spill of a few buckets and reads
// every bucket back: each record comes back whole, in the bucket of its holder (a
// person in that of their BHXH code), in the order written; the files are removed.
func TestSpillRoundTrip(t *testing.T) {
	dir := t.TempDir()
	const n = 5
	rows, persons := newSpill(dir, "rows", n), newSpill(dir, "persons", n)
	type row struct {
		holder string
		r      heldRow
	}
	var wrote []row
	holders := []string{"7912345678", "0100000001", "id:001203004005", "ODD-CODE", "4812345670"}
	for i := range 40 {
		r := heldRow{
			iv: coverage.Interval{From: civil.Date(i*37 - 500), To: civil.Max, Issuing: coverage.Province(i % 99),
				Group: coverage.PayerGroup(i % 7), Voluntary: i%2 == 0},
			scheme: coverage.Scheme(i % 3), counts: i%5 != 0, province: uint8(i * 7), card: uint32(i) << 20,
		}
		if i%4 == 0 {
			r.iv.To = civil.Date(i)
		}
		x := row{holders[i%len(holders)], r}
		wrote = append(wrote, x)
		if err := rows.writeRow(x.holder, x.r); err != nil {
			t.Fatal(err)
		}
	}
	people := []store.PersonRow{
		{Key: "001203004005", NationalID: "001203004005", BHXHCode: "7912345678", CommuneID: 26734, VillageID: 9, Sex: "F", Birth: civil.MustParse("1990-02-28"), Resident: true, Province: "79"},
		{Key: "bhxh:0100000001", BHXHCode: "0100000001", CommuneID: 1, Sex: "M", Birth: civil.MustParse("1899-12-31"), Province: "01"},
		{Key: "002000000009", NationalID: "002000000009", CommuneID: -3, Province: ""},
		{Key: "k", BHXHCode: "ODD-CODE", Sex: "", Birth: 0, Resident: true, Province: "xx"},
	}
	for _, p := range people {
		if err := persons.writePerson(p); err != nil {
			t.Fatal(err)
		}
	}
	var got []row
	var gotPeople []store.PersonRow
	for b := range n {
		err := rows.eachRow(b, func(k uint64, holder string, r heldRow) {
			if holder == "" {
				holder = unpackKey(k)
			}
			if bucketOf(holder, n) != b {
				t.Errorf("row of %s in bucket %d, want %d", holder, b, bucketOf(holder, n))
			}
			r.prev = 0
			got = append(got, row{holder, r})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := persons.eachPerson(b, func(p store.PersonRow) error {
			by := p.BHXHCode
			if by == "" {
				by = p.Key
			}
			if bucketOf(by, n) != b {
				t.Errorf("person %s in bucket %d, want %d", p.Key, b, bucketOf(by, n))
			}
			gotPeople = append(gotPeople, p)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Every record once, and within a bucket in the order written.
	order := func(holder string) int { return bucketOf(holder, n) }
	want := slices.Clone(wrote)
	slices.SortStableFunc(want, func(a, b row) int { return order(a.holder) - order(b.holder) })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows read back:\n%v\nwant\n%v", got, want)
	}
	wantPeople := slices.Clone(people)
	slices.SortStableFunc(wantPeople, func(a, b store.PersonRow) int {
		key := func(p store.PersonRow) string {
			if p.BHXHCode != "" {
				return p.BHXHCode
			}
			return p.Key
		}
		return order(key(a)) - order(key(b))
	})
	if fmt.Sprint(gotPeople) != fmt.Sprint(wantPeople) {
		t.Fatalf("persons read back:\n%v\nwant\n%v", gotPeople, wantPeople)
	}
	if err := rows.close(); err != nil {
		t.Fatal(err)
	}
	if err := persons.close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("%d files left after close", len(left))
	}
}

// TestBucketsSpread checks that BHXH codes spread over the buckets: ten thousand
// consecutive codes of one province put no bucket above twice its share.
func TestBucketsSpread(t *testing.T) {
	const n = 64
	var count [n]int
	for i := range 10000 {
		count[bucketOf(fmt.Sprintf("79%08d", 4000000+i), n)]++
	}
	for b, c := range count {
		if c == 0 || c > 2*10000/n {
			t.Fatalf("bucket %d holds %d of 10000 codes", b, c)
		}
	}
}
