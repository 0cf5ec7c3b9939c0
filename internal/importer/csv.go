package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/internal/civil"
)

// CSV reads a table with a header row: a UTF-8 CSV file (OpenCSV), or one worksheet
// of an XLSX workbook (OpenTable), whose rows then go through the same checks.
// Required columns must be present; other columns are allowed and their order is
// free (PRODUCT.md §5).
type CSV struct {
	c      *Collector
	r      *csv.Reader
	sheet  *SheetRows // the worksheet when the file is a workbook, else nil
	wb     *Workbook
	index  map[string]int
	header []string
	row    []string
	line   int
}

// OpenCSV reads the header and checks the required columns. Problems go to c.
func OpenCSV(c *Collector, r io.Reader, required ...string) (*CSV, bool) {
	return openCSV(c, bufio.NewReader(r), required)
}

func openCSV(c *Collector, br *bufio.Reader, required []string) (*CSV, bool) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3) // Excel writes a BOM before UTF-8 CSV
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	f := &CSV{c: c, r: cr, index: map[string]int{}, line: 1}
	head, err := cr.Read()
	if err != nil {
		c.Add(1, 0, "", "không đọc được dòng tiêu đề: "+errText(err), "cannot read the header row: "+errText(err))
		return nil, false
	}
	return f, f.readHeader(head, required)
}

// OpenTable opens a plain layout given as CSV or as an XLSX workbook, told apart by
// the content (IsWorkbook). From a workbook it reads the worksheet named sheet (in
// any case), else the first worksheet; its first non-empty row is the header, with
// the names of the CSV layout, and empty rows are skipped. Row numbers are the
// worksheet's. See SheetRows for how cells are read, and Date and Code for dates and
// codes that Excel stored as numbers. When it returns false, the problems are in c;
// otherwise Close releases the file.
func OpenTable(c *Collector, file string, r io.Reader, sheet string, required ...string) (*CSV, bool) {
	br, wb, err := openSource(file, r)
	if err != nil {
		c.CannotOpen(err)
		return nil, false
	}
	if wb == nil {
		if f, ok := openCSV(c, br, required); ok {
			return f, true
		}
		return nil, false
	}
	rows, err := wb.Rows(pickSheet(wb.Sheets(), sheet))
	if err != nil {
		wb.Close()
		c.CannotOpen(err)
		return nil, false
	}
	f := &CSV{c: c, sheet: rows, wb: wb, index: map[string]int{}}
	if !f.Next() {
		f.Close()
		if rows.Err() == nil {
			c.Add(1, 0, "", "không đọc được dòng tiêu đề: trang tính rỗng", "cannot read the header row: the worksheet is empty")
		}
		return nil, false
	}
	if !f.readHeader(f.row, required) {
		f.Close()
		return nil, false
	}
	return f, true
}

// pickSheet is the worksheet named like want, else the first.
func pickSheet(names []string, want string) string {
	for _, n := range names {
		if strings.EqualFold(strings.TrimSpace(n), want) {
			return n
		}
	}
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// readHeader indexes the column names of the header row (the current line).
func (f *CSV) readHeader(head, required []string) bool {
	for i, h := range head {
		name := strings.ToLower(strings.TrimSpace(h))
		f.header = append(f.header, name)
		if _, dup := f.index[name]; dup && name != "" { // a blank header is a spacer column
			f.c.Add(f.line, i+1, name, "cột bị lặp", "duplicate column")
		}
		f.index[name] = i
	}
	ok := true
	for _, want := range required {
		if _, has := f.index[want]; !has {
			f.c.Add(f.line, 0, want, "thiếu cột bắt buộc "+want, "missing required column "+want)
			ok = false
		}
	}
	return ok
}

// Close releases a workbook; nothing for a CSV file.
func (f *CSV) Close() {
	if f.sheet != nil {
		f.sheet.Close()
		f.wb.Close()
		f.sheet, f.wb = nil, nil
	}
}

// Workbook reports whether the file is an XLSX workbook.
func (f *CSV) Workbook() bool { return f.wb != nil }

func errText(err error) string {
	if errors.Is(err, io.EOF) {
		return "tệp rỗng / empty file"
	}
	return err.Error()
}

// Next advances to the next data row; false at the end or on a broken file.
func (f *CSV) Next() bool {
	if f.sheet != nil {
		return f.nextSheetRow()
	}
	rec, err := f.r.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	f.line++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			f.line = pe.Line
			f.c.Add(pe.Line, pe.Column, "", "lỗi cú pháp CSV: "+pe.Err.Error(), "CSV syntax error: "+pe.Err.Error())
		} else {
			f.c.Add(f.line, 0, "", "không đọc được dòng: "+err.Error(), "cannot read row: "+err.Error())
		}
		return false
	}
	f.row = rec
	return true
}

// nextSheetRow advances to the next worksheet row with a value, as encoding/csv
// skips empty lines: a sheet often has formatted but empty rows below its data.
func (f *CSV) nextSheetRow() bool {
	for f.sheet.Next() {
		if cells := f.sheet.Cells(); !blank(cells) {
			f.line, f.row = f.sheet.Row(), cells
			return true
		}
	}
	if err := f.sheet.Err(); err != nil {
		f.c.Add(f.sheet.Row(), 0, "", "không đọc được dòng: "+err.Error(), "cannot read row: "+err.Error())
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Row is the current row number as a spreadsheet shows it (header = 1).
func (f *CSV) Row() int { return f.line }

// Has reports whether the file has the column.
func (f *CSV) Has(col string) bool { _, ok := f.index[col]; return ok }

// Get is the trimmed, NFC-normalised text of a column in the current row.
func (f *CSV) Get(col string) string {
	i, ok := f.index[col]
	if !ok || i >= len(f.row) {
		return ""
	}
	return norm.NFC.String(strings.TrimSpace(f.row[i]))
}

// Bad records a problem in a column of the current row.
func (f *CSV) Bad(col, vi, en string) {
	f.c.Add(f.line, f.index[col]+1, col, vi, en)
}

// BadAt records a problem on column col of an earlier row.
func (f *CSV) BadAt(row int, col, vi, en string) {
	f.c.Add(row, f.index[col]+1, col, vi, en)
}

// Required returns the column's text, recording a problem when it is empty.
func (f *CSV) Required(col string) (string, bool) {
	v := f.Get(col)
	if v == "" {
		f.Bad(col, "thiếu giá trị", "value is missing")
		return "", false
	}
	return v, true
}

// Date reads an ISO date, or in a workbook also a date cell (an Excel date serial);
// empty is a problem unless optional, then it is open (Max).
func (f *CSV) Date(col string, optional bool) (civil.Date, bool) {
	v := f.Get(col)
	if v == "" {
		if optional {
			return civil.Max, true
		}
		f.Bad(col, "thiếu ngày", "date is missing")
		return 0, false
	}
	if d, err := civil.Parse(v); err == nil {
		return d, true
	}
	if f.wb != nil {
		if d, ok := ExcelDate(v, f.wb.date1904); ok { // a date cell holds its serial
			return d, true
		}
	}
	f.Bad(col, "ngày không hợp lệ "+strconv.Quote(v)+", cần YYYY-MM-DD", "invalid date "+strconv.Quote(v)+", want YYYY-MM-DD")
	return 0, false
}

// Width is a fixed width of a digit code and the most leading zeros such a code can
// have (a national ID, 12 digits, begins with a province 001–096: one or two zeros).
type Width struct{ Digits, Zeros int }

// Code is Get for a column of digit codes of fixed widths, listed in ascending order.
// A workbook may hold such a code as a number, which has lost its leading zeros
// (001090012345 became 1090012345). They are put back only when that is exact: the
// value has no leading zero, and the first width not shorter than the value is
// longer by at most the zeros a code of that width can begin with. A value of a
// listed width, and every value of a CSV file, is kept as typed.
func (f *CSV) Code(col string, widths ...Width) string {
	v := f.Get(col)
	if f.wb == nil || v == "" || v[0] == '0' || !digits(v) {
		return v
	}
	for _, w := range widths {
		switch lost := w.Digits - len(v); {
		case lost == 0:
			return v
		case lost > 0 && lost <= w.Zeros:
			return strings.Repeat("0", lost) + v
		}
	}
	return v
}

// Int reads a whole number without separators.
func (f *CSV) Int(col string) (int64, bool) {
	v := f.Get(col)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f.Bad(col, "cần số nguyên không dấu phân cách, có "+strconv.Quote(v), "want a whole number without separators, got "+strconv.Quote(v))
		return 0, false
	}
	return n, true
}

// Digits checks that a code is exactly n digits.
func (f *CSV) Digits(col string, n int) (string, bool) {
	v, ok := f.Required(col)
	if !ok {
		return "", false
	}
	if len(v) != n || strings.Trim(v, "0123456789") != "" {
		f.Bad(col, "mã phải gồm đúng "+strconv.Itoa(n)+" chữ số, có "+strconv.Quote(v), "code must be exactly "+strconv.Itoa(n)+" digits, got "+strconv.Quote(v))
		return "", false
	}
	return v, true
}
