package outreach

import (
	"encoding/csv"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/internal/civil"
)

// Column is one column of a list export: its CSV name (PRODUCT.md §5), its
// Vietnamese heading (XLSX), and how a row fills it.
type Column struct {
	Name    string
	Heading string
	text    func(Row) string
	date    func(Row) *civil.Date // set for date columns (XLSX writes real dates)
}

func dateText(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func birth(r Row) *civil.Date { return &r.BirthDate }

// Columns are a list's columns: first the names PRODUCT.md §5 fixes (national_id,
// full_name, birth_date, commune_code, village_code, household_id; card_no and
// valid_to for expiring cards; valid_to, the voluntary period's end, for lapsed),
// then the outcome of the latest contact, and where the records filed a person that
// lineage placed here (filed_under, residence_to_confirm).
func Columns(k Kind) []Column {
	cols := []Column{
		{Name: "national_id", Heading: "Số định danh", text: func(r Row) string { return r.NationalID }},
		{Name: "full_name", Heading: "Họ và tên", text: func(r Row) string { return r.FullName }},
		{Name: "birth_date", Heading: "Ngày sinh", text: func(r Row) string { return r.BirthDate.String() }, date: birth},
		{Name: "commune_code", Heading: "Xã/phường", text: func(r Row) string { return r.CommuneCode }},
		{Name: "village_code", Heading: "Thôn/tổ", text: func(r Row) string { return r.VillageCode }},
		{Name: "household_id", Heading: "Mã hộ", text: func(r Row) string { return r.HouseholdID }},
	}
	validTo := func(r Row) *civil.Date { return r.ValidTo }
	switch k {
	case Expiring:
		cols = append(cols,
			Column{Name: "card_no", Heading: "Số thẻ", text: func(r Row) string { return r.CardNo }},
			Column{Name: "valid_to", Heading: "Hạn thẻ", text: func(r Row) string { return dateText(r.ValidTo) }, date: validTo})
	case Lapsed:
		cols = append(cols, Column{Name: "valid_to", Heading: "Đóng BHXH tự nguyện đến", text: func(r Row) string { return dateText(r.ValidTo) }, date: validTo})
	}
	return append(cols,
		Column{Name: "outcome", Heading: "Kết quả liên hệ", text: func(r Row) string { return string(r.Outcome) }},
		Column{Name: "outcome_date", Heading: "Ngày liên hệ", text: func(r Row) string { return dateText(r.OutcomeDate) }, date: func(r Row) *civil.Date { return r.OutcomeDate }},
		Column{Name: "outcome_note", Heading: "Ghi chú", text: func(r Row) string { return r.OutcomeNote }},
		Column{Name: "filed_under", Heading: "Đơn vị ghi trong hồ sơ (trước sắp xếp)", text: func(r Row) string { return r.FiledUnder }},
		Column{Name: "residence_to_confirm", Heading: "Cần xác minh nơi ở", text: func(r Row) string { return yes(r.ToConfirm) }},
	)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// Text is a row's cell in a column, as CSV and the terminal table show it (ISO dates).
func (c Column) Text(r Row) string { return c.text(r) }

// Header is the CSV header row of a kind.
func Header(k Kind) []string {
	var out []string
	for _, c := range Columns(k) {
		out = append(out, c.Name)
	}
	return out
}

// Cells are a row's CSV cells.
func Cells(k Kind, r Row) []string {
	var out []string
	for _, c := range Columns(k) {
		out = append(out, c.Text(r))
	}
	return out
}

// WriteCSV writes the list as CSV: UTF-8, a header row with the §5 names, ISO dates.
func WriteCSV(w io.Writer, l *List) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header(l.Kind)); err != nil {
		return err
	}
	for _, r := range l.Rows {
		if err := cw.Write(Cells(l.Kind, r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Sheet is the name of the XLSX worksheet.
const Sheet = "Danh sách"

// WriteXLSX writes the list as a workbook: a title row (list, unit, date), a row of
// Vietnamese headings, then one row per person, dates as dd/mm/yyyy.
func WriteXLSX(w io.Writer, l *List) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", Sheet); err != nil {
		return err
	}
	x := &xlsxSheet{f: f}
	if err := x.styles(); err != nil {
		return err
	}
	cols := Columns(l.Kind)
	x.set(1, 1, l.Heading(), x.bold)
	for i, c := range cols {
		x.set(i+1, 2, c.Heading, x.bold)
	}
	for n, r := range l.Rows {
		for i, c := range cols {
			x.cell(i+1, n+3, c, r)
		}
	}
	if x.err != nil {
		return x.err
	}
	for i := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(Sheet, name, name, 18)
	}
	_ = f.SetPanes(Sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	return f.Write(w)
}

type xlsxSheet struct {
	f          *excelize.File
	bold, date int
	err        error
}

func (x *xlsxSheet) styles() error {
	var err error
	if x.bold, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	fmtDate := "dd/mm/yyyy"
	x.date, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &fmtDate})
	return err
}

func (x *xlsxSheet) cell(col, row int, c Column, r Row) {
	if c.date != nil {
		if d := c.date(r); d != nil {
			x.set(col, row, d.Time(), x.date)
		}
		return
	}
	if c.Name == "outcome" && r.Outcome != "" {
		x.set(col, row, r.Outcome.Label(), 0)
		return
	}
	x.set(col, row, c.Text(r), 0)
}

func (x *xlsxSheet) set(col, row int, v any, style int) {
	if x.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = x.f.SetCellValue(Sheet, ref, v)
	}
	if err == nil && style != 0 {
		err = x.f.SetCellStyle(Sheet, ref, ref, style)
	}
	x.err = err
}
