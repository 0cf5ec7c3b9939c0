package importer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestGeneralNumber(t *testing.T) {
	tests := map[string]string{
		"95.150000000000006":  "95.15", // Excel writes 17 significant digits
		"0.30000000000000004": "0.3",
		"2.3399999999999999":  "2.34",
		"1.090012345E+9":      "1090012345",
		"-1.5E-3":             "-0.0015",
		"001090012345":        "001090012345", // text keeps its zeros
		"45658":               "45658",
		"12.5":                "12.5",
		"12E3":                "12E3", // Excel always signs its exponent: this is text
		"1E+300":              "1E+300",
		"HGD-0001":            "HGD-0001",
		"":                    "",
		"1.2.3":               "1.2.3",
	}
	for in, want := range tests {
		if got := generalNumber(in); got != want {
			t.Errorf("generalNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcelDate(t *testing.T) {
	tests := []struct {
		in       string
		date1904 bool
		want     string
	}{
		{"38604", false, "2005-09-09"},
		{"45658.75", false, "2025-01-01"},
		{"2958465", false, "9999-12-31"},
		{"37142", true, "2005-09-09"},
	}
	for _, tt := range tests {
		if d, ok := ExcelDate(tt.in, tt.date1904); !ok || d.String() != tt.want {
			t.Errorf("ExcelDate(%q, %v) = %s %v, want %s", tt.in, tt.date1904, d, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "0", "-1", "2958466", "1.5x", "99999999999999999999"} {
		if _, ok := ExcelDate(bad, false); ok {
			t.Errorf("ExcelDate(%q) accepted", bad)
		}
	}
}

// workbook builds an XLSX in memory; sheets are written in order, the first
// replacing the default sheet.
func workbook(t *testing.T, sheets map[string][][]any, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOpenTableWorkbook: the sheet named like the kind is read, whatever its place;
// rows keep the worksheet's numbers across an empty row; text keeps its zeros; date
// cells and codes stored as numbers are read as typed.
func TestOpenTableWorkbook(t *testing.T) {
	in := workbook(t, map[string][][]any{
		"Hướng dẫn": {{"đọc kỹ"}},
		"Persons": {
			{"National_ID ", "when", "n"},
			{"001090012345", 38604, 7},
			{},
			{1090012345, "2025-07-01", "x"},
		},
	}, "Hướng dẫn", "Persons")
	c := &Collector{File: "p.xlsx"}
	f, ok := OpenTable(c, "upload.bin", bytes.NewReader(in), "persons", "national_id", "when", "n")
	if !ok {
		t.Fatal(c.Err())
	}
	defer f.Close()
	if !f.Workbook() {
		t.Fatal("not read as a workbook")
	}
	var got []string
	for f.Next() {
		d, _ := f.Date("when", false)
		f.Int("n")
		got = append(got, f.Code("national_id", Width{Digits: 12, Zeros: 2})+" "+d.String()+" "+f.Get("n"))
		if f.Row() != 2 && f.Row() != 4 {
			t.Errorf("row %d", f.Row())
		}
	}
	want := []string{"001090012345 2005-09-09 7", "001090012345 2025-07-01 x"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	var ps Problems
	if !errors.As(c.Err(), &ps) || len(ps) != 1 || ps[0].Row != 4 || ps[0].Column != 3 || ps[0].ColumnName != "n" || ps[0].VI == "" || !strings.Contains(ps[0].EN, "whole number") {
		t.Errorf("problems %v", c.Err())
	}
}

func TestOpenTableFirstSheetAndHeaderProblems(t *testing.T) {
	in := workbook(t, map[string][][]any{"A": {{}, {"code"}, {"01"}}, "B": {{"x"}}}, "A", "B")
	c := &Collector{File: "a.xlsx"}
	f, ok := OpenTable(c, "a.xlsx", bytes.NewReader(in), "persons", "code", "name")
	if ok || f != nil {
		t.Fatal("missing column accepted")
	}
	var ps Problems
	if !errors.As(c.Err(), &ps) || ps[0].Row != 2 || !strings.Contains(ps[0].EN, "missing required column name") {
		t.Errorf("%v", c.Err())
	}
	c = &Collector{File: "e.xlsx"}
	if _, ok := OpenTable(c, "e.xlsx", bytes.NewReader(workbook(t, nil, "Sheet1")), "x", "code"); ok || !strings.Contains(c.Err().Error(), "worksheet is empty") {
		t.Errorf("empty sheet: %v", c.Err())
	}
}

// TestOpenTableRefusals: a file that is no workbook is refused with a reason, never
// read as CSV garbage.
func TestOpenTableRefusals(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "save it as .xlsx"},
		{"x.csv", "PK\x03\x04garbage", "cannot open the XLSX file"},
		{"named.xlsx", "code\n01\n", "cannot open the XLSX file"},
	}
	for _, tt := range tests {
		c := &Collector{File: tt.name}
		if _, ok := OpenTable(c, tt.name, strings.NewReader(tt.in), "", "code"); ok || !strings.Contains(c.Err().Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, c.Err())
		}
	}
}

// TestCSVCodeAndDateAsTyped: a CSV file says what was typed; nothing is padded and
// no serial is a date.
func TestCSVCodeAndDateAsTyped(t *testing.T) {
	c := &Collector{File: "a.csv"}
	f, ok := OpenTable(c, "a.csv", strings.NewReader("id,when\n1090012345,38604\n"), "", "id", "when")
	if !ok || !f.Next() {
		t.Fatal(c.Err())
	}
	if v := f.Code("id", Width{Digits: 12, Zeros: 2}); v != "1090012345" {
		t.Errorf("code %q", v)
	}
	if _, ok := f.Date("when", false); ok {
		t.Error("serial accepted in CSV")
	}
}

func TestCodeWidths(t *testing.T) {
	widths := []Width{{Digits: 10, Zeros: 1}, {Digits: 12, Zeros: 2}}
	tests := map[string]string{
		"120878811":    "0120878811",   // a BHXH code that lost its zero
		"1090012345":   "1090012345",   // ten digits: a BHXH code as it is
		"11090012345":  "011090012345", // eleven: a ĐDCN that lost one zero
		"12345678":     "12345678",     // too short for either
		"0120878811":   "0120878811",
		"001090012345": "001090012345",
		"HS40101":      "HS40101",
	}
	f := &CSV{wb: &Workbook{}, index: map[string]int{"c": 0}}
	for in, want := range tests {
		f.row = []string{in}
		if got := f.Code("c", widths...); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
}
