package registry

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
)

// personsStream generates a persons file of n rows without holding it in memory.
func personsStream(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n")
		for i := 0; i < n; i++ {
			id := "001085" + leftPad(uint64(i), 6)
			code := leftPad(uint64(i), 10)
			_, _ = io.WriteString(pw, id+","+code+",Nguyễn Văn An,1985-03-14,M,00004,01,HGD-"+strconv.Itoa(i)+"\n")
		}
		pw.Close()
	}()
	return pr
}

func BenchmarkReadPersons(b *testing.B) {
	for b.Loop() {
		n := 0
		err := ReadPersons("p.csv", personsStream(100000), fakeUnits{}, func(Person) error { n++; return nil })
		if err != nil || n != 100000 {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkReadD02(b *testing.B) {
	head, _, _ := strings.Cut(mustFixture(b, "d02-lt.csv"), "1,Nguyễn Văn An")
	row := "1,Nguyễn Văn An,0120878811,14/03/1985,Nam,001085012345,Kỹ sư,,x,,,12.000.000,1.000.000,,,500.000,,,,01/01/2025,,,,,01/2025,,\n"
	in := head + strings.Repeat(row, 10000)
	for b.Loop() {
		if err := ReadD02("d02.csv", strings.NewReader(in), fakeUnits{}, FormOptions{}, func(Row) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func mustFixture(b *testing.B, name string) string {
	s, err := readFixture(name)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkReadPersonsXLSX reads 10,000 persons from a workbook (dates as serials),
// for comparison with the CSV path.
func BenchmarkReadPersonsXLSX(b *testing.B) {
	csvIn, _ := io.ReadAll(personsStream(10000))
	in := xlsxOf(b, string(csvIn), "", false)
	for b.Loop() {
		n := 0
		err := ReadPersons("p.xlsx", bytes.NewReader(in), fakeUnits{}, func(Person) error { n++; return nil })
		if err != nil || n != 10000 {
			b.Fatal(n, err)
		}
	}
}
