// Package importer reads the tables users bring, as UTF-8 CSV or as an XLSX workbook
// (OpenTable, SheetRows), into validated rows. A file is checked whole before
// anything is written: every problem names the file, row and column, in Vietnamese
// and English; in a workbook the row is the one the spreadsheet shows.
package importer

import (
	"github.com/phusong/phusong/internal/fault"

	"fmt"
	"strings"
)

// Problem is one bad cell or row. Row counts the header as row 1, as a spreadsheet
// shows it; Column is 1-based, 0 when the problem concerns the whole row or file.
type Problem struct {
	File       string `json:"file"`
	Row        int    `json:"row"`
	Column     int    `json:"column"`
	ColumnName string `json:"column_name,omitempty"`
	VI         string `json:"reason_vi"`
	EN         string `json:"reason_en"`
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Row > 0 {
		fmt.Fprintf(&b, ":%d", p.Row)
	}
	if p.Column > 0 {
		fmt.Fprintf(&b, ":%d", p.Column)
	}
	if p.ColumnName != "" {
		fmt.Fprintf(&b, " (%s)", p.ColumnName)
	}
	fmt.Fprintf(&b, ": %s / %s", p.VI, p.EN)
	return b.String()
}

// MaxProblems bounds how many problems one check reports; a file with thousands of
// bad rows usually has one cause, and the first screenful shows it.
const MaxProblems = 50

// Problems is the error a rejected file returns: nothing of it was written.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, 0, len(ps)+1)
	lines = append(lines, fmt.Sprintf("tệp bị từ chối, không ghi gì (%d lỗi) / file rejected, nothing written (%d problems)", len(ps), len(ps)))
	for _, p := range ps {
		lines = append(lines, "  "+p.Error())
	}
	return strings.Join(lines, "\n")
}

// Collector gathers problems while a file is checked.
type Collector struct {
	File  string
	list  Problems
	extra int
}

// Add records a problem at row and column (1-based; 0 for none).
func (c *Collector) Add(row, col int, colName, vi, en string) {
	if len(c.list) >= MaxProblems {
		c.extra++
		return
	}
	c.list = append(c.list, Problem{File: c.File, Row: row, Column: col, ColumnName: colName, VI: vi, EN: en})
}

// Err is nil when no problem was recorded, else the Problems.
func (c *Collector) Err() error {
	if len(c.list) == 0 {
		return nil
	}
	out := c.list
	if c.extra > 0 {
		out = append(out, Problem{File: c.File, VI: fmt.Sprintf("và %d lỗi khác", c.extra), EN: fmt.Sprintf("and %d more problems", c.extra)})
	}
	return out
}

// Count is the number of problems recorded so far.
func (c *Collector) Count() int { return len(c.list) + c.extra }

// FaultKind marks a rejected file as bad input (HTTP 400, exit code 2).
func (ps Problems) FaultKind() fault.Kind { return fault.Invalid }

// Messages is the one-line summary in each language; the problems themselves go
// with the error (the API lists them).
func (ps Problems) Messages() (vi, en string) {
	return fmt.Sprintf("tệp bị từ chối, không ghi gì (%d lỗi); dòng đầu: %s", len(ps), ps[0].Error()),
		fmt.Sprintf("file rejected, nothing written (%d problems); first: %s", len(ps), ps[0].Error())
}
