package registry

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestReadPersons(t *testing.T) {
	rows, err := readAll(t, KindPersons, "persons.csv", fixture(t, "persons.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	an := rows[0].(Person)
	want := Person{Row: 2, NationalID: "001085012345", BHXHCode: "0120878811", FullName: "Nguyễn Văn An",
		BirthDate: date("1985-03-14"), Sex: Male, CommuneCode: "00004", CommuneID: 4, ProvinceCode: "01",
		VillageCode: "01", VillageID: 1001, HouseholdID: "HGD-0001"}
	if an != want {
		t.Errorf("got %+v\nwant %+v", an, want)
	}
	if b := rows[1].(Person); b.FullName != "Trần Thị Bình" || b.Sex != Female || b.VillageID != 1002 {
		t.Errorf("row 3 %+v", b)
	}
	if c := rows[2].(Person); c.BHXHCode != "" || c.VillageID != 0 || c.ProvinceCode != "79" || c.Row != 4 {
		t.Errorf("row 4 %+v", c)
	}
	if d := rows[3].(Person); d.NationalID != "" || d.BHXHCode != "0130011223" {
		t.Errorf("row 5 %+v", d)
	}
}

func TestReadResidents(t *testing.T) {
	rows, err := readAll(t, KindResidents, "residents.csv", fixture(t, "residents.csv"))
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if r := rows[2].(Resident); r.NationalID != "038310001111" || r.BirthDate != date("2010-12-24") || r.CommuneID != 26734 || r.HouseholdID != "HGD-0107" {
		t.Errorf("%+v", r)
	}
}

func TestReadCards(t *testing.T) {
	rows, err := readAll(t, KindCards, "bhyt_cards.csv", fixture(t, "bhyt_cards.csv"))
	if err != nil || len(rows) != 4 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	want := []Card{
		{Row: 2, CardNo: "HS4010120878811", BHXHCode: "0120878811", GroupCode: "HS", PayerGroup: StateSupported, BenefitLevel: 4,
			ValidFrom: date("2025-01-01"), ValidTo: date("2025-12-31"), IssuingProvince: "01", InitialFacility: "01001"},
		{Row: 3, CardNo: "GD4010115203344", BHXHCode: "0115203344", GroupCode: "GD", PayerGroup: Household, BenefitLevel: 4,
			ValidFrom: date("2025-07-01"), ValidTo: date("9999-12-31"), IssuingProvince: "01"},
		{Row: 4, CardNo: "0130011223", BHXHCode: "0130011223", GroupCode: "CN", PayerGroup: StateSupported, BenefitLevel: 2,
			ValidFrom: date("2026-01-01"), ValidTo: date("2026-12-31"), IssuingProvince: "79", InitialFacility: "79024"},
		{Row: 5, CardNo: "CT4790130011223", BHXHCode: "0130011223", GroupCode: "CT", PayerGroup: StateBudget, BenefitLevel: 4,
			ValidFrom: date("2020-05-01"), ValidTo: date("2021-04-30"), IssuingProvince: "79"},
	}
	for i, w := range want {
		if got := rows[i].(Card); got != w {
			t.Errorf("row %d\n got %+v\nwant %+v", i, got, w)
		}
	}
	if !rows[1].(Card).ValidTo.IsOpen() {
		t.Error("empty valid_to is not open")
	}
}

func TestReadPeriodsAndStatistics(t *testing.T) {
	rows, err := readAll(t, KindBHXHPeriods, "bhxh_periods.csv", fixture(t, "bhxh_periods.csv"))
	if err != nil || len(rows) != 4 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if p := rows[1].(Period); p.Scheme != BHXHCompulsory || p.EmployerCode != "TA0001A" || !p.ValidTo.IsOpen() || p.Salary != 12000000 {
		t.Errorf("%+v", p)
	}
	if p := rows[3].(Period); p.Scheme != BHXHVoluntary || p.NationalID != "001190004567" || p.BHXHCode != "" || p.Salary != 2000000 {
		t.Errorf("ĐDCN in bhxh_code: %+v", p)
	}
	rows, err = readAll(t, KindBHTNPeriods, "bhtn_periods.csv", fixture(t, "bhtn_periods.csv"))
	if err != nil || len(rows) != 2 || rows[0].(Period).Scheme != BHTN {
		t.Fatalf("bhtn: %v %v", rows, err)
	}
	rows, err = readAll(t, KindDenominators, "denominators.csv", fixture(t, "denominators.csv"))
	if err != nil || len(rows) != 3 {
		t.Fatalf("denominators: %v", err)
	}
	if d := rows[0].(Denominator); d != (Denominator{Row: 2, UnitCode: "01", UnitID: 1, Year: 2025, Population: 8587100, LabourForce: 4731600}) {
		t.Errorf("%+v", d)
	}
	rows, err = readAll(t, KindTargets, "targets.csv", fixture(t, "targets.csv"))
	if err != nil || len(rows) != 3 {
		t.Fatalf("targets: %v", err)
	}
	if tg := rows[0].(Target); tg.Value != "95.15" || tg.Indicator != BHYTPopulationPct || tg.Deadline != date("2025-12-31") || tg.Document != "QĐ 546/QĐ-TTg" || tg.UnitID != 1 {
		t.Errorf("%+v", tg)
	}
}

// TestBadCells: each kind rejects a bad cell naming the file, row and column.
func TestBadCells(t *testing.T) {
	tests := []struct {
		kind, content string
		row, col      int
		colName, en   string
	}{
		{KindPersons, "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n079175001234,0120878811,Lê Văn Cường,1975-07-30,M,26734,,\n",
			2, 1, "national_id", "encodes sex F"},
		{KindPersons, "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n079075001234,0120878811,Lê Văn Cường,1976-07-30,M,26734,,\n",
			2, 1, "national_id", "birth year 1975"},
		{KindPersons, "full_name,national_id,bhxh_code,birth_date,sex,commune_code,village_code,household_id\nLê Văn Cường,079075001234,0120878811,1975-07-30,M,99999,,\n",
			2, 6, "commune_code", "no commune"},
		{KindPersons, "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n079075001234,0120878811,Lê Văn Cường,1975-07-30,M,26734,09,\n",
			2, 7, "village_code", "no village"},
		{KindPersons, "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n079075001234,079075001235,Lê Văn Cường,1975-07-30,M,26734,,\n",
			2, 2, "bhxh_code", "differs from national_id"},
		{KindResidents, "national_id,full_name,birth_date,sex,commune_code,village_code,household_id\n,Lê Văn Cường,1975-07-30,M,26734,,\n",
			2, 1, "national_id", "missing"},
		{KindCards, "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province\nHS4010120878811,0120878812,HS,4,2025-01-01,2025-12-31,01\n",
			2, 2, "bhxh_code", "last 10 digits"},
		{KindCards, "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province\nLH4010120878811,0120878811,LH,4,2025-01-01,2025-12-31,01\n",
			2, 3, "group_code", "not in force on 2025-01-01"},
		{KindCards, "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province\nHS4010120878811,0120878811,HS,3,2025-01-01,2025-12-31,01\n",
			2, 4, "benefit_level", "differs from card character 3"},
		{KindCards, "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province\nHS4010120878811,0120878811,HS,4,2025-01-01,2024-12-31,01\n",
			2, 6, "valid_to", "before valid_from"},
		{KindBHXHPeriods, "bhxh_code,kind,employer_code,valid_from,valid_to,salary\n0120878811,compulsory,,2025-01-01,,5000000\n",
			2, 3, "employer_code", "employer code is missing"},
		{KindBHXHPeriods, "bhxh_code,kind,employer_code,valid_from,valid_to,salary\n0120878811,retired,TA0001A,2025-01-01,,5000000\n",
			2, 2, "kind", "compulsory or voluntary"},
		{KindBHTNPeriods, "bhxh_code,employer_code,valid_from,valid_to,salary\n0120878811,TA0001A,2025-01-01,,5.000.000\n",
			2, 5, "salary", "without separators"},
		{KindDenominators, "unit_code,year,population,labour_force\n00004,2025,1000,1001\n",
			2, 4, "labour_force", "larger than population"},
		{KindTargets, "unit_code,indicator,deadline,value,document\n00004,bhyt_population_pct,2025-12-31,100.5,KH 1\n",
			2, 4, "value", "exceed 100"},
		{KindTargets, "unit_code,indicator,deadline,value,document\n00004,voluntary_bhxh_count,2025-12-31,12.5,KH 1\n",
			2, 4, "value", "whole number"},
		{KindTargets, "unit_code,indicator,deadline,value,document\n00004,bhyt_population_pct,2025-12-31,95,\n",
			2, 5, "document", "document"},
	}
	for _, tt := range tests {
		_, err := readAll(t, tt.kind, "f.csv", tt.content)
		ps := problems(t, err)
		p := ps[0]
		if p.File != "f.csv" || p.Row != tt.row || p.Column != tt.col || p.ColumnName != tt.colName || !strings.Contains(p.EN, tt.en) || p.VI == "" {
			t.Errorf("%s: got %s (row %d col %d), want %d:%d %s %q", tt.kind, p.Error(), p.Row, p.Column, tt.row, tt.col, tt.colName, tt.en)
		}
	}
}

// TestAllOrNothing: a bad last row rejects the file; the rows before were emitted
// (the caller rolls them back), the problems come after the whole file is read.
func TestAllOrNothing(t *testing.T) {
	in := fixture(t, "persons.csv") + "001085012345,0199999999,Nguyễn Văn An,1985-03-14,M,00004,01,HGD-0001,\n" +
		"038310001111,,Hoàng Thị Mai,2010-12-24,F,26734,,,\n"
	rows, err := readAll(t, KindPersons, "p.csv", in)
	ps := problems(t, err)
	if len(rows) != 4 {
		t.Errorf("emitted %d rows before the bad one, want 4", len(rows))
	}
	if len(ps) != 1 || ps[0].Row != 6 || ps[0].ColumnName != "national_id" || !strings.Contains(ps[0].EN, "duplicate of row 2") {
		t.Fatalf("problems %v", ps)
	}
	cards := fixture(t, "bhyt_cards.csv") + "HS4010120878811,0120878811,HS,4,2025-01-01,2025-12-31,01,\n"
	_, err = readAll(t, KindCards, "c.csv", cards)
	if ps := problems(t, err); ps[0].Row != 6 || !strings.Contains(ps[0].EN, "duplicate of row 2") {
		t.Errorf("card duplicate: %v", ps)
	}
}

func TestDuplicatePeriodAndTarget(t *testing.T) {
	in := fixture(t, "bhtn_periods.csv") + "0120878811,TA0001A,2025-01-01,2025-06-30,9000000\n0120878811,TA0002B,2025-01-01,,9000000\n"
	_, err := readAll(t, KindBHTNPeriods, "p.csv", in)
	if ps := problems(t, err); len(ps) != 1 || ps[0].Row != 4 || ps[0].ColumnName != "valid_from" || !strings.Contains(ps[0].EN, "duplicate of row 3") {
		t.Errorf("%v", ps)
	}
	in = fixture(t, "targets.csv") + "00004,BHXH_LABOUR_PCT,2025-12-31,37,KH 13/KH-UBND\n"
	_, err = readAll(t, KindTargets, "t.csv", in)
	if ps := problems(t, err); len(ps) != 1 || ps[0].Row != 5 || !strings.Contains(ps[0].EN, "duplicate of row 3") {
		t.Errorf("%v", ps)
	}
}

func TestReadEmitErrorStops(t *testing.T) {
	stop := errors.New("disk full")
	n := 0
	err := Read(KindPersons, "p.csv", strings.NewReader(fixture(t, "persons.csv")), fakeUnits{}, func(Row) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("n=%d err=%v", n, err)
	}
}

func TestReadMissingColumnAndKind(t *testing.T) {
	_, err := readAll(t, KindCards, "c.csv", "card_no,bhxh_code\nHS4010120878811,0120878811\n")
	if ps := problems(t, err); len(ps) != 5 || ps[0].Row != 1 {
		t.Errorf("%v", ps)
	}
	if _, err := readAll(t, "wages", "w.csv", ""); err == nil || !strings.Contains(err.Error(), "unknown file kind") {
		t.Errorf("kind: %v", err)
	}
}

// TestDuplicatesAcrossRuns holds two keys at a time (KeysInMemory), so that the keys
// of a file go to sorted runs on disk: a repeat whose first row went to an earlier
// run is still reported at its row and column, as a duplicate of that first row; a
// file without repeats passes; the runs are removed.
func TestDuplicatesAcrossRuns(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(n int) { KeysInMemory = n }(KeysInMemory)
	KeysInMemory = 2

	in := fixture(t, "persons.csv") + "001085012345,0199999999,Nguyễn Văn An,1985-03-14,M,00004,01,HGD-0001,\n"
	_, err := readAll(t, KindPersons, "p.csv", in)
	ps := problems(t, err)
	if len(ps) != 1 || ps[0].Row != 6 || ps[0].ColumnName != "national_id" || ps[0].Column != 1 ||
		!strings.Contains(ps[0].EN, "duplicate of row 2") || !strings.Contains(ps[0].VI, "trùng với dòng 2") {
		t.Fatalf("persons: %v", ps)
	}
	if rows, err := readAll(t, KindPersons, "p.csv", fixture(t, "persons.csv")); err != nil || len(rows) == 0 {
		t.Fatalf("a file without repeats: %d rows, %v", len(rows), err)
	}
	cards := fixture(t, "bhyt_cards.csv") + "HS4010120878811,0120878811,HS,4,2025-01-01,2025-12-31,01,\n"
	_, err = readAll(t, KindCards, "c.csv", cards)
	if ps := problems(t, err); len(ps) != 1 || ps[0].Row != 6 || ps[0].ColumnName != "card_no" || !strings.Contains(ps[0].EN, "duplicate of row 2") {
		t.Fatalf("cards: %v", ps)
	}
	// The same key three times: the third row is reported too.
	var b strings.Builder
	b.WriteString("national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n")
	for i := range 9 {
		id := fmt.Sprintf("0010850%05d", i)
		if i%4 == 0 {
			id = "001085099999"
		}
		fmt.Fprintf(&b, "%s,,Nguyễn Văn An,1985-03-14,M,00004,,\n", id)
	}
	_, err = readAll(t, KindPersons, "p.csv", b.String())
	ps = problems(t, err)
	var rows []int
	for _, p := range ps {
		if !strings.Contains(p.EN, "duplicate of row 2") && !strings.Contains(p.EN, "duplicate of row 6") {
			t.Errorf("problem %v", p)
		}
		rows = append(rows, p.Row)
	}
	slices.Sort(rows)
	if fmt.Sprint(rows) != "[6 10]" {
		t.Fatalf("repeats reported at rows %v, want [6 10]: %v", rows, ps)
	}
	// One key a run: the runs are merged into one past maxRuns, and the repeats
	// before and after a merge are reported all the same.
	KeysInMemory = 1
	b.Reset()
	b.WriteString("national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id\n")
	for i := range 200 {
		id := fmt.Sprintf("0010850%05d", i)
		if i == 98 || i == 198 {
			id = "001085000000" // row 2's
		}
		if i == 150 {
			id = "001085000120" // row 122's
		}
		fmt.Fprintf(&b, "%s,,Nguyễn Văn An,1985-03-14,M,00004,,\n", id)
	}
	_, err = readAll(t, KindPersons, "p.csv", b.String())
	ps = problems(t, err)
	got := map[int]string{}
	for _, p := range ps {
		got[p.Row] = p.EN
	}
	want := map[int]string{100: "duplicate of row 2", 200: "duplicate of row 2", 152: "duplicate of row 122"}
	if len(got) != len(want) {
		t.Fatalf("problems %v, want rows %v", ps, want)
	}
	for row, en := range want {
		if !strings.Contains(got[row], en) {
			t.Errorf("row %d: %q, want %q", row, got[row], en)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("%d temporary files left", len(left))
	}
}
