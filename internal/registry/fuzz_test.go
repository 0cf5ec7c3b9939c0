package registry

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/importer"
)

// fuzzRead reads in as kind and checks what must always hold: no panic, the error is
// the file's Problems, and every emitted row is sound.
func fuzzRead(t *testing.T, kind, in string) {
	var rows []Row
	err := Read(kind, "f.csv", strings.NewReader(in), fakeUnits{}, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	var ps importer.Problems
	if err != nil && !errors.As(err, &ps) {
		t.Fatalf("error is not Problems: %v", err)
	}
	for _, r := range rows {
		checkRow(t, r)
	}
}

func checkRow(t *testing.T, r Row) {
	switch v := r.(type) {
	case Person:
		if v.NationalID == "" && v.BHXHCode == "" {
			t.Fatalf("person without identifier: %+v", v)
		}
		if v.NationalID != "" {
			if _, err := ParseNationalID(v.NationalID); err != nil {
				t.Fatalf("bad national ID emitted: %+v", v)
			}
		}
		if v.FullName == "" {
			t.Fatalf("person without name: %+v", v)
		}
	case Card:
		if v.ValidTo < v.ValidFrom || v.GroupCode == "" || v.BenefitLevel < 1 || v.BenefitLevel > 5 || !v.PayerGroup.Valid() {
			t.Fatalf("bad card emitted: %+v", v)
		}
	case Period:
		if v.ValidTo < v.ValidFrom || (v.Salary <= 0 && v.SalaryCoefficient == "") {
			t.Fatalf("bad period emitted: %+v", v)
		}
	}
	if r.SourceRow() < 1 {
		t.Fatalf("row number %d", r.SourceRow())
	}
}

func addFixtures(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := readFixture(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// addWorkbooks adds each fixture as an XLSX workbook (see xlsxOf), and a broken one.
func addWorkbooks(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := readFixture(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(xlsxOf(f, b, "", true)))
	}
	f.Add("PK\x03\x04garbage")
}

func readFixture(name string) (string, error) {
	b, err := os.ReadFile("testdata/" + name)
	return string(b), err
}

func FuzzReadPersons(f *testing.F) {
	addFixtures(f, "persons.csv", "dup-persons-1.csv")
	addWorkbooks(f, "persons.csv")
	f.Add("national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n079075001234,079075001234,Lê,1975-07-30,Nam,26734,01,\"a\"\"b\"\n")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindPersons, in) })
}

func FuzzReadResidents(f *testing.F) {
	addFixtures(f, "residents.csv")
	addWorkbooks(f, "residents.csv")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindResidents, in) })
}

func FuzzReadCards(f *testing.F) {
	addFixtures(f, "bhyt_cards.csv", "dup-cards.csv")
	addWorkbooks(f, "bhyt_cards.csv")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindCards, in) })
}

func FuzzReadPeriods(f *testing.F) {
	addFixtures(f, "bhxh_periods.csv", "bhtn_periods.csv")
	addWorkbooks(f, "bhxh_periods.csv", "bhtn_periods.csv")
	f.Fuzz(func(t *testing.T, in string) {
		fuzzRead(t, KindBHXHPeriods, in)
		fuzzRead(t, KindBHTNPeriods, in)
	})
}

func FuzzReadDenominators(f *testing.F) {
	addFixtures(f, "denominators.csv")
	addWorkbooks(f, "denominators.csv")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindDenominators, in) })
}

func FuzzReadTargets(f *testing.F) {
	addFixtures(f, "targets.csv")
	addWorkbooks(f, "targets.csv")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindTargets, in) })
}

func FuzzReadD02(f *testing.F) {
	addFixtures(f, "d02-lt.csv")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindD02, in) })
}

func FuzzReadD03(f *testing.F) {
	addFixtures(f, "d03-ts.csv")
	f.Add("PK\x03\x04garbage")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindD03, in) })
}

func FuzzReadD05(f *testing.F) {
	addFixtures(f, "d05-ts.csv")
	f.Fuzz(func(t *testing.T, in string) { fuzzRead(t, KindD05, in) })
}

func FuzzParseCard(f *testing.F) {
	for _, s := range []string{"HS4010120878811", "hs4010120878811", "8901234567", "QN5970120152431"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCard(s)
		if err == nil && !strings.EqualFold(c.String(), s) {
			t.Fatalf("%q parsed as %+v", s, c)
		}
	})
}

func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"Trần Thị Thủy", "Nguye\u0302\u0303n", "Lê Hòa", "o\u0300a\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := NameKey(s)
		if NameKey(k) != k {
			t.Fatalf("NameKey not idempotent on %q: %q → %q", s, k, NameKey(k))
		}
	})
}
