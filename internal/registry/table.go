package registry

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/internal/importer"
)

// sheet is a grid of text cells read one row at a time: a CSV file or one worksheet
// of an XLSX workbook. Row numbers are as a spreadsheet shows them (from 1).
type sheet interface {
	Next() bool
	Row() int
	Cells() []string
	Err() error
	Close()
}

// csvSheet reads a CSV file of a BHXH list. Vietnamese Excel writes ";" between
// fields (the decimal separator is ","), so the separator is guessed from the start.
type csvSheet struct {
	r    *csv.Reader
	row  int
	rec  []string
	err  error
	done bool
}

func newCSVSheet(br *bufio.Reader) *csvSheet {
	head, _ := br.Peek(4096)
	semicolon := bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','})
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if semicolon {
		r.Comma = ';'
	}
	return &csvSheet{r: r}
}

func (s *csvSheet) Next() bool {
	if s.done {
		return false
	}
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		s.done = true
		return false
	}
	s.row++
	if err != nil {
		s.err, s.done = err, true
		return false
	}
	s.rec = rec
	return true
}

func (s *csvSheet) Row() int        { return s.row }
func (s *csvSheet) Cells() []string { return s.rec }
func (s *csvSheet) Err() error      { return s.err }
func (s *csvSheet) Close()          {}

// workbook gives the sheets of a file in order: one for CSV, each worksheet for XLSX
// (importer.SheetRows: raw values, a date is an Excel serial).
type workbook struct {
	xlsx *importer.Workbook
	csv  *bufio.Reader
}

// openWorkbook tells XLSX from CSV by the content, or by the name (importer.IsWorkbook).
func openWorkbook(file string, r io.Reader) (*workbook, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	sig, _ := br.Peek(8)
	if !importer.IsWorkbook(file, sig) {
		return &workbook{csv: br}, nil
	}
	wb, err := importer.OpenWorkbook(br)
	if err != nil {
		return nil, err
	}
	return &workbook{xlsx: wb}, nil
}

// date1904 reports whether the workbook counts dates from 1904.
func (wb *workbook) date1904() bool { return wb.xlsx != nil && wb.xlsx.Date1904() }

// sheets calls try with each sheet until it returns true.
func (wb *workbook) sheets(try func(sheet) bool) error {
	if wb.xlsx == nil {
		try(newCSVSheet(wb.csv))
		return nil
	}
	for _, name := range wb.xlsx.Sheets() {
		s, err := wb.xlsx.Rows(name)
		if err != nil {
			return err
		}
		found := try(s)
		s.Close()
		if found {
			return nil
		}
	}
	return nil
}

func (wb *workbook) Close() {
	if wb.xlsx != nil {
		wb.xlsx.Close()
	}
}

// cell is the trimmed NFC text of column j of a row ("" beyond its end).
func cell(cells []string, j int) string {
	if j < 0 || j >= len(cells) {
		return ""
	}
	return norm.NFC.String(strings.TrimSpace(cells[j]))
}
