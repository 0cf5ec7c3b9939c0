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

// CSV reads a UTF-8 CSV file with a header row. Required columns must be present;
// other columns are allowed and their order is free (PRODUCT.md §5).
type CSV struct {
	c      *Collector
	r      *csv.Reader
	index  map[string]int
	header []string
	row    []string
	line   int
}

// OpenCSV reads the header and checks the required columns. Problems go to c.
func OpenCSV(c *Collector, r io.Reader, required ...string) (*CSV, bool) {
	br := bufio.NewReader(r)
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
	for i, h := range head {
		name := strings.ToLower(strings.TrimSpace(h))
		f.header = append(f.header, name)
		if _, dup := f.index[name]; dup {
			c.Add(1, i+1, name, "cột bị lặp", "duplicate column")
		}
		f.index[name] = i
	}
	ok := true
	for _, want := range required {
		if _, has := f.index[want]; !has {
			c.Add(1, 0, want, "thiếu cột bắt buộc "+want, "missing required column "+want)
			ok = false
		}
	}
	return f, ok
}

func errText(err error) string {
	if errors.Is(err, io.EOF) {
		return "tệp rỗng / empty file"
	}
	return err.Error()
}

// Next advances to the next data row; false at the end or on a broken file.
func (f *CSV) Next() bool {
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

// Required returns the column's text, recording a problem when it is empty.
func (f *CSV) Required(col string) (string, bool) {
	v := f.Get(col)
	if v == "" {
		f.Bad(col, "thiếu giá trị", "value is missing")
		return "", false
	}
	return v, true
}

// Date reads an ISO date; empty is a problem unless optional, then it is open (Max).
func (f *CSV) Date(col string, optional bool) (civil.Date, bool) {
	v := f.Get(col)
	if v == "" {
		if optional {
			return civil.Max, true
		}
		f.Bad(col, "thiếu ngày", "date is missing")
		return 0, false
	}
	d, err := civil.Parse(v)
	if err != nil {
		f.Bad(col, "ngày không hợp lệ "+strconv.Quote(v)+", cần YYYY-MM-DD", "invalid date "+strconv.Quote(v)+", want YYYY-MM-DD")
		return 0, false
	}
	return d, true
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
