package registry

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
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

// xlsxSheet streams one worksheet with raw cell values: numbers and dates come as
// stored (a date is an Excel serial), never through a display format.
type xlsxSheet struct {
	rows  *excelize.Rows
	row   int
	cells []string
	err   error
}

func (s *xlsxSheet) Next() bool {
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
	s.cells = cells
	return true
}

func (s *xlsxSheet) Row() int        { return s.row }
func (s *xlsxSheet) Cells() []string { return s.cells }
func (s *xlsxSheet) Err() error      { return s.err }
func (s *xlsxSheet) Close()          { _ = s.rows.Close() }

// workbook gives the sheets of a file in order: one for CSV, each worksheet for XLSX.
type workbook struct {
	xlsx   *excelize.File
	names  []string
	csv    *bufio.Reader
	isXLSX bool
}

// maxUnzip bounds what an XLSX may expand to, against zip bombs.
const maxUnzip = 1 << 30

// openWorkbook detects XLSX by extension or by its zip signature.
func openWorkbook(file string, r io.Reader) (wb *workbook, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	sig, _ := br.Peek(4)
	ext := strings.ToLower(filepath.Ext(file))
	if !bytes.Equal(sig, []byte("PK\x03\x04")) && ext != ".xlsx" && ext != ".xlsm" {
		return &workbook{csv: br}, nil
	}
	defer func() {
		if p := recover(); p != nil { // a broken workbook must not bring the server down
			err = fmt.Errorf("%v", p)
		}
	}()
	f, err := excelize.OpenReader(br, excelize.Options{UnzipSizeLimit: maxUnzip})
	if err != nil {
		return nil, err
	}
	return &workbook{xlsx: f, names: f.GetSheetList(), isXLSX: true}, nil
}

// sheets calls try with each sheet until it returns true.
func (wb *workbook) sheets(try func(sheet) bool) (err error) {
	if !wb.isXLSX {
		s := newCSVSheet(wb.csv)
		try(s)
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	for _, name := range wb.names {
		rows, err := wb.xlsx.Rows(name)
		if err != nil {
			return err
		}
		s := &xlsxSheet{rows: rows}
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
		_ = wb.xlsx.Close()
	}
}

// cell is the trimmed NFC text of column j of a row ("" beyond its end).
func cell(cells []string, j int) string {
	if j < 0 || j >= len(cells) {
		return ""
	}
	return norm.NFC.String(strings.TrimSpace(cells[j]))
}
