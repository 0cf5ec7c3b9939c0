package registry

import (
	"os"
	"reflect"
	"testing"
)

func TestDuplicates(t *testing.T) {
	var found []Finding
	d := NewDetector(func(f Finding) { found = append(found, f) })
	for _, name := range []string{"dup-persons-1.csv", "dup-persons-2.csv"} {
		in, err := os.Open("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		err = ReadPersons(name, in, fakeUnits{}, func(p Person) error { d.AddPerson(name, p); return nil })
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, src := range []string{"dup-cards.csv", "again.csv"} {
		in, _ := os.Open("testdata/dup-cards.csv")
		err := ReadCards(src, in, func(c Card) error { d.AddCard(src, c); return nil })
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	want := []Finding{
		{Kind: CodeUnderTwoIDs, Key: "0120878811",
			First:  Evidence{Source: "dup-persons-1.csv", Row: 2, NationalID: "001085012345", BHXHCode: "0120878811"},
			Second: Evidence{Source: "dup-persons-2.csv", Row: 2, NationalID: "001085099999", BHXHCode: "0120878811"}},
		{Kind: IDWithTwoCodes, Key: "001190004567",
			First:  Evidence{Source: "dup-persons-1.csv", Row: 3, NationalID: "001190004567", BHXHCode: "0115203344"},
			Second: Evidence{Source: "dup-persons-2.csv", Row: 3, NationalID: "001190004567", BHXHCode: "0115209999"}},
		{Kind: PossibleSamePerson, Key: "trần thị thuỷ|1990-11-02|F|00004",
			First:  Evidence{Source: "dup-persons-1.csv", Row: 3, NationalID: "001190004567", BHXHCode: "0115203344"},
			Second: Evidence{Source: "dup-persons-2.csv", Row: 4, NationalID: "001190007777", BHXHCode: "0115207777"}},
		{Kind: OverlappingCards, Key: "0120878811",
			First: Evidence{Source: "dup-cards.csv", Row: 2, BHXHCode: "0120878811", CardNo: "HS4010120878811",
				ValidFrom: date("2025-01-01"), ValidTo: date("2025-12-31")},
			Second: Evidence{Source: "dup-cards.csv", Row: 3, BHXHCode: "0120878811", CardNo: "GD4010120878811",
				ValidFrom: date("2025-07-01"), ValidTo: date("9999-12-31")}},
	}
	if !reflect.DeepEqual(found, want) {
		t.Errorf("found %d:", len(found))
		for _, f := range found {
			t.Errorf("  %+v", f)
		}
	}
}

// TestDuplicatesScale: one pass over many persons keeps one entry per distinct key.
func TestDuplicatesScale(t *testing.T) {
	n := 0
	d := NewDetector(func(Finding) { n++ })
	for i := 0; i < 200000; i++ {
		code := leftPad(uint64(i), 10)
		p := Person{Row: i + 2, BHXHCode: code, NationalID: "001" + leftPad(uint64(850000000+i), 9), FullName: "Nguyễn Văn An",
			BirthDate: date("1985-03-14"), Sex: Male, CommuneCode: leftPad(uint64(i%3321), 5)}
		d.AddPerson("big.csv", p)
		d.AddCard("big.csv", Card{Row: i + 2, CardNo: code, BHXHCode: code, ValidFrom: date("2025-01-01"), ValidTo: date("2025-12-31")})
	}
	// 200,000 people over 3,321 communes share name and birth date: each commune's
	// first person is matched by every later one.
	if n != 200000-3321 {
		t.Errorf("%d findings", n)
	}
	if len(d.byCode) != 200000 || len(d.byLook) != 3321 || len(d.cards) != 200000 {
		t.Errorf("kept %d codes, %d look-alikes, %d card holders", len(d.byCode), len(d.byLook), len(d.cards))
	}
}
