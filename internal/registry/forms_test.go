package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReadD02(t *testing.T) {
	rows, err := readAll(t, KindD02, "d02-lt.csv", fixture(t, "d02-lt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var persons []Person
	var periods []Period
	for _, r := range rows {
		switch v := r.(type) {
		case Person:
			persons = append(persons, v)
		case Period:
			periods = append(periods, v)
		}
	}
	if len(persons) != 3 || len(periods) != 8 {
		t.Fatalf("%d persons, %d periods", len(persons), len(periods))
	}
	an := persons[0]
	if an.Row != 8 || an.FullName != "Nguyễn Văn An" || an.BHXHCode != "0120878811" || an.NationalID != "001085012345" || an.BirthDate != date("1985-03-14") || an.Sex != Male {
		t.Errorf("An %+v", an)
	}
	want := Period{Row: 8, Scheme: BHXHCompulsory, BHXHCode: "0120878811", NationalID: "001085012345", EmployerCode: "0123456789DNA03",
		ValidFrom: date("2025-01-01"), ValidTo: date("9999-12-31"), Salary: 13500000}
	if periods[0] != want {
		t.Errorf("An BHXH\n got %+v\nwant %+v", periods[0], want)
	}
	if periods[1].Scheme != BHYTCompulsory || periods[2].Scheme != BHTN {
		t.Errorf("schemes %s %s", periods[1].Scheme, periods[2].Scheme)
	}
	binh := persons[1]
	if binh.NationalID != "001190004567" || binh.BHXHCode != "" {
		t.Errorf("ĐDCN in Mã số BHXH: %+v", binh)
	}
	if p := periods[3]; p.ValidFrom != date("2025-03-01") || p.ValidTo != date("2027-02-28") || p.Salary != 8500000 || p.NationalID != "001190004567" {
		t.Errorf("Bình %+v", p)
	}
	hai := persons[2]
	if hai.BirthPrecision != PrecisionYear || hai.BirthDate != date("1998-01-01") {
		t.Errorf("year-only birth %+v", hai)
	}
	for _, p := range periods[6:] {
		if p.Scheme == BHTN {
			t.Errorf("probation contract got a BHTN period")
		}
	}
}

func TestReadD03(t *testing.T) {
	rows, err := readAll(t, KindD03, "d03-ts.csv", fixture(t, "d03-ts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows: %+v", len(rows), rows)
	}
	khang := rows[1].(Card)
	want := Card{Row: 9, CardNo: "0125556677", BHXHCode: "0125556677", NationalID: "001205000123", GroupCode: "HS", PayerGroup: StateSupported, BenefitLevel: 4,
		ValidFrom: date("2025-01-01"), ValidTo: date("2025-12-31"), IssuingProvince: "01", InitialFacility: "01001"}
	if khang != want {
		t.Errorf("\n got %+v\nwant %+v", khang, want)
	}
	if mai := rows[3].(Card); mai.ValidTo != date("2025-06-30") || mai.InitialFacility != "01018" {
		t.Errorf("Mai %+v", mai)
	}
	if p := rows[2].(Person); p.NationalID != "038310001111" || p.Sex != Female {
		t.Errorf("%+v", p)
	}
	stop := rows[5].(Stop)
	if stop.Scheme != BHYT || stop.BHXHCode != "0125556699" || stop.From != date("2025-07-01") || stop.Row != 13 {
		t.Errorf("decrease %+v", stop)
	}
}

func TestReadD05(t *testing.T) {
	rows, err := readAll(t, KindD05, "d05-ts.csv", fixture(t, "d05-ts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows", len(rows))
	}
	a := rows[1].(Period)
	want := Period{Row: 7, Scheme: BHXHVoluntary, BHXHCode: "1234567890", NationalID: "001200000001", ValidFrom: date("2025-07-01"), ValidTo: date("2025-09-30"), Salary: 1500000}
	if a != want {
		t.Errorf("\n got %+v\nwant %+v", a, want)
	}
	if p := rows[0].(Person); p.NationalID != "001200000001" || p.BirthPrecision != PrecisionUnknown {
		t.Errorf("%+v", p)
	}
	if d := rows[3].(Period); d.ValidTo != date("2026-06-30") || d.Salary != 2000000 {
		t.Errorf("%+v", d)
	}
	if s := rows[5].(Stop); s.Scheme != BHXHVoluntary || s.From != date("2025-10-01") {
		t.Errorf("%+v", s)
	}
}

// TestFormProblemsNameHeader: problems in a list name the Vietnamese header.
func TestFormProblemsNameHeader(t *testing.T) {
	in := strings.Replace(fixture(t, "d03-ts.csv"), "24/12/2010,Nữ", "24/12/2011,Nữ", 1)
	_, err := readAll(t, KindD03, "d03.csv", in)
	ps := problems(t, err)
	if ps[0].Row != 10 || ps[0].Column != 4 || ps[0].ColumnName != "Số CCCD/ĐDCN/Hộ chiếu" || !strings.Contains(ps[0].EN, "birth year 2010") {
		t.Errorf("%v", ps)
	}
	in = strings.Replace(fixture(t, "d02-lt.csv"), "06/2025,07/2025", "13/2025,07/2025", 1)
	_, err = readAll(t, KindD02, "d02.csv", in)
	ps = problems(t, err)
	if ps[0].Row != 10 || ps[0].Column != 25 || ps[0].ColumnName != "Thời điểm đơn vị bắt đầu đóng BHXH" {
		t.Errorf("%v", ps)
	}
	in = strings.Replace(fixture(t, "d02-lt.csv"), "Mã đơn vị:,0123456789DNA03", "Đơn vị:,", 1)
	_, err = readAll(t, KindD02, "d02.csv", in)
	if ps := problems(t, err); !strings.Contains(ps[0].EN, "employer code") {
		t.Errorf("%v", ps)
	}
	_, err = readAll(t, KindD05, "x.csv", "a,b\n1,2\n")
	if ps := problems(t, err); !strings.Contains(ps[0].EN, "no D05-TS header row") {
		t.Errorf("%v", ps)
	}
}

// TestReadD03XLSX writes the D03-TS fixture as a workbook, with the title block, a
// lookup sheet first, dates as Excel serials and amounts as numbers, as the VNPT and
// Viettel templates do.
func TestReadD03XLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("Dữ Liệu"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetSheetName("Sheet1", "Tinh")
	_ = f.SetSheetRow("Tinh", "A1", &[]any{"Mã tỉnh", "Tên tỉnh"})
	_ = f.SetSheetRow("Tinh", "A2", &[]any{"01", "Hà Nội"})
	data := [][]any{
		{"DANH SÁCH NGƯỜI CHỈ THAM GIA BẢO HIỂM Y TẾ"},
		{"Mã đối tượng: HS"},
		{},
		{"STT", "HỌ VÀ TÊN", "Mã số  BHXH", "Số CCCD/ĐDCN/Hộ chiếu", "Ngày tháng năm sinh", "Giới tính", "Địa chỉ", "Nơi đăng ký KCB ban đầu", "Từ tháng", "Số tháng đóng"},
		{"A", "B", 1, 2, 3, 4, 5, 6, 7, 8},
		{"I. Tăng"},
		{1, "Nguyễn Minh Khang", "0125556677", "001205000123", 38604, "Nam", "", "01001", "01/2025", 12},
	}
	for i, r := range data {
		cellName, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Dữ Liệu", cellName, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "d03.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var rows []Row
	err = Read(KindD03, "d03.xlsx", in, fakeUnits{}, func(r Row) error { rows = append(rows, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	p := rows[0].(Person)
	if p.Row != 7 || p.BirthDate != date("2005-09-09") || p.NationalID != "001205000123" {
		t.Errorf("%+v", p)
	}
	if c := rows[1].(Card); c.ValidFrom != date("2025-01-01") || c.ValidTo != date("2025-12-31") || c.GroupCode != "HS" {
		t.Errorf("%+v", c)
	}
}

func TestParseFormValues(t *testing.T) {
	dates := map[string]string{"14/03/1985": "1985-03-14", "4/3/1985": "1985-03-04", "1985-03-14": "1985-03-14",
		"14-03-1985": "1985-03-14", "03/1985": "1985-03-01", "1985": "1985-01-01", "31120": "1985-03-14"}
	for in, want := range dates {
		if d, _, ok := parseFormDate(in, false); !ok || d.String() != want {
			t.Errorf("%s → %s %v", in, d, ok)
		}
	}
	for _, bad := range []string{"31/02/1985", "1985/03", "x", "14/03/85", "0"} {
		if _, _, ok := parseFormDate(bad, false); ok {
			t.Errorf("%s accepted", bad)
		}
	}
	amounts := map[string]int64{"1.500.000": 1500000, "1,500,000": 1500000, "1500000": 1500000, "1 500 000": 1500000, "1500000.0": 1500000}
	for in, want := range amounts {
		if n, coef, ok := parseAmount(in); !ok || n != want || coef != "" {
			t.Errorf("%s → %d %q %v", in, n, coef, ok)
		}
	}
	if _, coef, ok := parseAmount("2,34"); !ok || coef != "2.34" {
		t.Errorf("coefficient %q", coef)
	}
	for _, bad := range []string{"1.500.00", "abc", "-5", "123.45"} {
		if _, _, ok := parseAmount(bad); ok {
			t.Errorf("%s accepted", bad)
		}
	}
}
