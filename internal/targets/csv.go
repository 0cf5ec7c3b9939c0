package targets

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// Columns is the `targets` CSV layout (PRODUCT.md §5); more columns are allowed.
var Columns = []string{"unit_code", "indicator", "deadline", "value", "document"}

// ParseTargets reads a `targets` CSV. The file is checked whole: on any problem it
// returns importer.Problems naming file, row and column, and no targets. A unit may
// have one target per indicator and deadline.
func ParseTargets(file string, r io.Reader) ([]Target, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenCSV(c, r, Columns...)
	if !ok {
		return nil, c.Err()
	}
	var out []Target
	seen := map[targetKey]int{} // row of the first target with the key
	for f.Next() {
		t, ok := readTarget(f)
		if !ok {
			continue
		}
		k := targetKey{t.UnitCode, t.Indicator, t.Deadline}
		if first, dup := seen[k]; dup {
			c.Add(f.Row(), 0, "", "trùng đơn vị, chỉ tiêu và hạn với dòng "+strconv.Itoa(first),
				"same unit, indicator and deadline as row "+strconv.Itoa(first))
			continue
		}
		seen[k] = f.Row()
		out = append(out, t)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

type targetKey struct {
	unit string
	ind  Indicator
	due  civil.Date
}

func readTarget(f *importer.CSV) (Target, bool) {
	t := Target{UnitCode: f.Get("unit_code"), Indicator: Indicator(f.Get("indicator")),
		Value: Decimal(f.Get("value")), Document: f.Get("document")}
	due, ok := f.Date("deadline", false)
	t.Deadline = due
	for _, p := range t.problems() {
		f.Bad(p.col, p.vi, p.en)
		ok = false
	}
	return t, ok
}

// WriteTargets writes targets in the layout ParseTargets reads (for export).
func WriteTargets(w io.Writer, ts []Target) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, t := range ts {
		if err := cw.Write([]string{t.UnitCode, string(t.Indicator), t.Deadline.String(), string(t.Value), t.Document}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func quote(s string) string { return strconv.Quote(s) }
