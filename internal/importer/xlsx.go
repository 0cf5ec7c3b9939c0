package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
)

// IsWorkbook tells an Excel file from a CSV file by its first bytes: the zip
// signature of XLSX, or the OLE2 signature of an old .xls or a password-protected
// workbook (which OpenWorkbook then refuses with a clear message). A file named .xlsx
// or .xlsm is a workbook whatever its first bytes, so that a damaged one is refused
// as such rather than misread as CSV.
func IsWorkbook(file string, head []byte) bool {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, oleSignature) {
		return true
	}
	ext := strings.ToLower(filepath.Ext(file))
	return ext == ".xlsx" || ext == ".xlsm"
}

var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Workbook is an XLSX workbook whose worksheets are read row by row.
type Workbook struct {
	f        *excelize.File
	date1904 bool
}

// maxUnzip bounds what an XLSX may expand to, against zip bombs.
const maxUnzip = 1 << 30

// ErrOldExcel is returned for an .xls (Excel 97–2003) or a password-protected
// workbook.
var ErrOldExcel = fault.New(fault.Invalid, "tệp .xls (Excel 97–2003) hoặc có mật khẩu không đọc được: hãy lưu lại thành .xlsx không mật khẩu hoặc CSV UTF-8",
	"an .xls (Excel 97–2003) or password-protected workbook cannot be read: save it as .xlsx without a password, or as CSV UTF-8")

// CannotOpen records why a workbook could not be opened.
func (c *Collector) CannotOpen(err error) {
	if errors.Is(err, ErrOldExcel) {
		vi, en := fault.Messages(err)
		c.Add(0, 0, "", vi, en)
		return
	}
	c.Add(0, 0, "", "không mở được tệp XLSX: "+err.Error(), "cannot open the XLSX file: "+err.Error())
}

// OpenWorkbook reads a whole XLSX file (excelize keeps large sheets in temporary
// files). A broken file is an error, never a panic.
func OpenWorkbook(r io.Reader) (wb *Workbook, err error) {
	defer recovered(&err)
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := plausibleSizes(b); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzip})
	if errors.Is(err, excelize.ErrWorkbookFileFormat) {
		return nil, ErrOldExcel
	}
	if err != nil {
		return nil, err
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &Workbook{f: f, date1904: props.Date1904 != nil && *props.Date1904}, nil
}

// maxRatio is more than deflate can compress (about 1032 to 1).
const maxRatio = 1100

// plausibleSizes refuses a zip whose parts claim more than their compressed bytes
// can hold: excelize reserves memory for what a part claims before it inflates it,
// so a few damaged bytes could otherwise cost a gigabyte.
func plausibleSizes(b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil // not a zip: excelize says what it is
	}
	for _, f := range zr.File {
		if f.CompressedSize64 > uint64(len(b)) || f.UncompressedSize64 > maxRatio*f.CompressedSize64+4096 {
			return fmt.Errorf("zip: %s claims %d bytes from %d", f.Name, f.UncompressedSize64, f.CompressedSize64)
		}
	}
	return nil
}

// recovered turns a panic of excelize on a malformed file into an error: a broken
// workbook must not bring the server down.
func recovered(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%v", p)
	}
}

// Sheets names the worksheets in workbook order.
func (wb *Workbook) Sheets() []string { return wb.f.GetSheetList() }

// Date1904 reports whether the workbook counts dates from 1904 (old Mac Excel).
func (wb *Workbook) Date1904() bool { return wb.date1904 }

// Close removes excelize's temporary files.
func (wb *Workbook) Close() { _ = wb.f.Close() }

// Rows streams one worksheet.
func (wb *Workbook) Rows(sheet string) (s *SheetRows, err error) {
	defer recovered(&err)
	rows, err := wb.f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	return &SheetRows{rows: rows}, nil
}

// SheetRows reads a worksheet one row at a time, with every row numbered as the
// spreadsheet shows it (excelize yields the empty rows in between). Cells are the
// stored values, never passed through a display format, so text keeps its leading
// zeros and a date is its serial (ExcelDate reads it). A number is given as Excel
// shows it in the General format: at most 15 significant digits, without an exponent
// (stored 95.150000000000006 is "95.15", 1.090012345E+9 is "1090012345").
type SheetRows struct {
	rows  *excelize.Rows
	row   int
	cells []string
	err   error
}

// Next advances to the next row; false at the end or on a broken sheet (see Err).
func (s *SheetRows) Next() (more bool) {
	defer func() {
		if p := recover(); p != nil {
			s.err, more = fmt.Errorf("%v", p), false
		}
	}()
	if s.err != nil || !s.rows.Next() {
		if s.err == nil {
			s.err = s.rows.Error()
		}
		return false
	}
	s.row++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		s.err = err
		return false
	}
	for i, c := range cells {
		cells[i] = generalNumber(c)
	}
	s.cells = cells
	return true
}

// Row is the current row number (from 1).
func (s *SheetRows) Row() int { return s.row }

// Cells are the current row's cells; the slice is the caller's.
func (s *SheetRows) Cells() []string { return s.cells }

// Err is what stopped the reading, nil at a clean end.
func (s *SheetRows) Err() error { return s.err }

// Close releases the sheet.
func (s *SheetRows) Close() { _ = s.rows.Close() }

// generalNumber rewrites a stored number that has more than 15 significant digits or
// an exponent as Excel's General format shows it; any other cell is left alone, so a
// code such as 001090012345 keeps its zeros. Excel keeps 15 significant digits of
// what was typed; the rest of a stored double is binary noise.
func generalNumber(s string) string {
	mant, exp, hasExp := strings.Cut(s, "E")
	whole, frac, point := strings.Cut(strings.TrimPrefix(mant, "-"), ".")
	if !digits(whole) || point && !digits(frac) {
		return s
	}
	if hasExp {
		if len(exp) < 2 || exp[0] != '+' && exp[0] != '-' || !digits(exp[1:]) {
			return s
		}
	} else if !point || significant(whole+frac) <= 15 {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	out := strconv.FormatFloat(v, 'f', -1, 64)
	if len(out) > 30 {
		return s // a huge or tiny number is no value of ours; the column's check reports it
	}
	return out
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// significant counts the digits of a digit string without its leading and trailing
// zeros.
func significant(d string) int {
	return len(strings.Trim(d, "0"))
}

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts it (its 1900 leap
// year bug makes 1899-12-30 the working epoch for every date after February 1900);
// the 1904 system counts from 1904-01-01.
var excelEpoch, excelEpoch1904 = civil.Of(1899, time.December, 30), civil.Of(1904, time.January, 1)

// ExcelDate reads an Excel date serial as stored in an XLSX cell ("31182", or
// "31182.5" with a time of day, which is dropped).
func ExcelDate(s string, date1904 bool) (civil.Date, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || strings.Trim(frac, "0123456789") != "" || n < 1 || n > 2958465 {
		return 0, false
	}
	epoch := excelEpoch
	if date1904 {
		epoch = excelEpoch1904
	}
	d := epoch.AddDays(n)
	return d, d <= civil.Max
}

// openSource peeks at a file and opens it as CSV or as a workbook.
func openSource(file string, r io.Reader) (*bufio.Reader, *Workbook, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(oleSignature))
	if !IsWorkbook(file, head) {
		return br, nil, nil
	}
	wb, err := OpenWorkbook(br)
	return nil, wb, err
}
