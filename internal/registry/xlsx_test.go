package registry

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Columns of the plain layouts by how an officer's workbook stores them.
var (
	dateColumns   = map[string]bool{"birth_date": true, "valid_from": true, "valid_to": true, "deadline": true}
	numberColumns = map[string]bool{"benefit_level": true, "salary": true, "year": true, "population": true, "labour_force": true}
	// Codes whose width fixes their leading zeros, so that they survive being stored
	// as numbers; unit and village codes do not.
	fixedCodes = map[string]bool{"national_id": true, "bhxh_code": true, "commune_code": true, "card_no": true, "issuing_province": true, "initial_facility": true}
)

// xlsxOf writes a CSV file as Excel keeps what is typed into it: dates as date
// serials with a date format, whole numbers as numbers, target values as doubles
// written with 17 significant digits, and the rest as text. With numericCodes, the
// digit codes of fixedCodes are stored as numbers and so lose their leading zeros.
// The data sheet is named sheet and comes after a lookup sheet when sheet is not "".
func xlsxOf(t testing.TB, content, sheet string, numericCodes bool) []byte {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(content)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	name := "Sheet1"
	if sheet != "" {
		_ = f.SetSheetName(name, "Danh mục")
		_ = f.SetCellStr("Danh mục", "A1", "01")
		name = sheet
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
	}
	for r, rec := range recs {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := setTyped(f, name, cell, recs[0][c], v, r == 0, numericCodes); err != nil {
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

func setTyped(f *excelize.File, sheet, cell, col, v string, header, numericCodes bool) error {
	trimmed := strings.TrimSpace(v)
	n, nerr := strconv.ParseInt(trimmed, 10, 64)
	switch {
	case header || trimmed == "":
		return f.SetCellStr(sheet, cell, v)
	case dateColumns[col]:
		d, err := time.Parse("2006-01-02", trimmed)
		if err != nil {
			return f.SetCellStr(sheet, cell, v)
		}
		return f.SetCellValue(sheet, cell, d)
	case numberColumns[col] && nerr == nil:
		return f.SetCellValue(sheet, cell, n)
	case col == "value":
		x, _ := strconv.ParseFloat(trimmed, 64)
		return f.SetCellDefault(sheet, cell, strconv.FormatFloat(x, 'g', 17, 64))
	case numericCodes && fixedCodes[col] && nerr == nil && !(col == "bhxh_code" && len(trimmed) == 12):
		return f.SetCellValue(sheet, cell, n) // a ĐDCN in bhxh_code: see TestXLSXCodeAmbiguity
	}
	return f.SetCellStr(sheet, cell, v)
}

func readBytes(t *testing.T, kind, file string, in []byte) ([]Row, error) {
	t.Helper()
	var rows []Row
	err := Read(kind, file, bytes.NewReader(in), fakeUnits{}, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// TestXLSXSameAsCSV: each plain layout read from a workbook gives the rows its CSV
// file gives, with dates as serials, numbers as numbers and codes as text or as
// numbers, from the first sheet or from a sheet named like the kind.
func TestXLSXSameAsCSV(t *testing.T) {
	kinds := []struct{ kind, fixture string }{
		{KindPersons, "persons.csv"}, {KindResidents, "residents.csv"}, {KindCards, "bhyt_cards.csv"},
		{KindBHXHPeriods, "bhxh_periods.csv"}, {KindBHTNPeriods, "bhtn_periods.csv"},
		{KindDenominators, "denominators.csv"}, {KindTargets, "targets.csv"},
	}
	for _, k := range kinds {
		content := fixture(t, k.fixture)
		want, err := readAll(t, k.kind, k.fixture, content)
		if err != nil || len(want) == 0 {
			t.Fatalf("%s from CSV: %d rows, %v", k.kind, len(want), err)
		}
		for _, v := range []struct {
			sheet   string
			numbers bool
		}{{"", false}, {strings.ToUpper(k.kind), true}} {
			got, err := readBytes(t, k.kind, "upload", xlsxOf(t, content, v.sheet, v.numbers))
			if err != nil {
				t.Errorf("%s (sheet %q, numeric codes %v): %v", k.kind, v.sheet, v.numbers, err)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (sheet %q, numeric codes %v)\n got %+v\nwant %+v", k.kind, v.sheet, v.numbers, got, want)
			}
		}
	}
}

// TestXLSXPersonCells: a national ID typed as text keeps its zeros, one stored as a
// number gets them back, a birth date cell is read from its serial; a bad row is
// reported at the row and column the spreadsheet shows, in both languages.
func TestXLSXPersonCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"full_name", "sex", "national_id", "bhxh_code", "birth_date", "commune_code", "village_code", "household_id"},
		{"Nguyễn Văn An", "M", "001085012345", "0120878811", 31120, "00004", "01", "HGD-0001"},
		{},
		{"Trần Thị Bình", "F", 1190004567, 115203344, time.Date(1990, 11, 2, 0, 0, 0, 0, time.UTC), 4, "02", ""},
		{"Lê Văn Cường", "M", "079075001234", "", "1976-07-30", 26734, "", ""},
		{"Phạm Thị Dung", "F", 12345678, "", "1962-01-05", "26734", 1, ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := readBytes(t, KindPersons, "nguoi.xlsx", b.Bytes())
	ps := problems(t, err)
	if len(got) != 2 {
		t.Fatalf("%d rows emitted before the bad one: %+v", len(got), got)
	}
	an := got[0].(Person)
	if an.Row != 2 || an.NationalID != "001085012345" || an.BirthDate != date("1985-03-14") || an.CommuneID != 4 || an.VillageID != 1001 {
		t.Errorf("An %+v", an)
	}
	binh := got[1].(Person)
	if binh.Row != 4 || binh.NationalID != "001190004567" || binh.BHXHCode != "0115203344" || binh.BirthDate != date("1990-11-02") || binh.CommuneCode != "00004" {
		t.Errorf("Bình %+v", binh)
	}
	if len(ps) != 3 {
		t.Fatalf("problems %v", ps)
	}
	for i, want := range []struct {
		row, col int
		name     string
		vi, en   string
	}{
		{5, 3, "national_id", "năm sinh 1976", "encodes birth year 1975"},
		{6, 3, "national_id", "định dạng cột là Văn bản", "format the column as Text"},
		{6, 7, "village_code", "không có thôn/tổ mã \"1\"; nếu Excel lưu mã dạng số", "no village with code \"1\"; if Excel stored the code as a number"},
	} {
		p := ps[i]
		if p.File != "nguoi.xlsx" || p.Row != want.row || p.Column != want.col || p.ColumnName != want.name || !strings.Contains(p.VI, want.vi) || !strings.Contains(p.EN, want.en) {
			t.Errorf("problem %d: %s\nwant row %d column %d (%s) %q / %q", i, p.Error(), want.row, want.col, want.name, want.vi, want.en)
		}
	}
}

// TestXLSXCodeAmbiguity: a ĐDCN of provinces 001–009 stored as a number in bhxh_code
// has ten digits left, which is a BHXH code; it is read as one (documented on
// importer.CSV.Code), while eleven digits can only be a ĐDCN.
func TestXLSXCodeAmbiguity(t *testing.T) {
	in := "bhxh_code,kind,employer_code,valid_from,valid_to,salary\n" +
		"1190004567,voluntary,,2025-01-01,2025-06-30,2000000\n" +
		"79190004567,voluntary,,2025-01-01,2025-06-30,2000000\n"
	got, err := readBytes(t, KindBHXHPeriods, "p.xlsx", xlsxOf(t, in, "", true))
	if err != nil || len(got) != 2 {
		t.Fatalf("%v %v", got, err)
	}
	if p := got[0].(Period); p.BHXHCode != "1190004567" || p.NationalID != "" {
		t.Errorf("%+v", p)
	}
	if p := got[1].(Period); p.NationalID != "079190004567" || p.BHXHCode != "" {
		t.Errorf("%+v", p)
	}
}

// TestXLSXNotReadAsCSV: an old .xls is refused with what to do.
func TestXLSXNotReadAsCSV(t *testing.T) {
	_, err := readAll(t, KindResidents, "dan-cu.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....")
	if ps := problems(t, err); len(ps) != 1 || !strings.Contains(ps[0].EN, "save it as .xlsx") || !strings.Contains(ps[0].VI, "lưu lại thành .xlsx") {
		t.Errorf("%v", ps)
	}
}
