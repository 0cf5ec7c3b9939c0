package policy

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"io"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// Rule is one row of a policy table: the value of a parameter (and key) in force
// from ValidFrom to ValidTo inclusive, with the legal instrument that sets it.
type Rule struct {
	Parameter string     `json:"parameter"`
	Key       string     `json:"key"`
	Value     Decimal    `json:"value"`
	ValidFrom civil.Date `json:"valid_from"`
	ValidTo   civil.Date `json:"valid_to"` // civil.Max: open
	Source    string     `json:"source"`
}

// RuleColumns is the CSV layout of rules, in the order WriteRules writes it.
var RuleColumns = []string{"parameter", "key", "value", "valid_from", "valid_to", "source"}

//go:embed rules.csv
var defaultRulesCSV []byte

// DefaultRules are the reference rows bundled with the product (regulations.md),
// which every new database starts from.
func DefaultRules() []Rule {
	rules, err := ParseRules("rules.csv", bytes.NewReader(defaultRulesCSV))
	if err != nil {
		panic("policy: embedded rules.csv is invalid: " + err.Error())
	}
	return rules
}

// ParseRules reads a rules CSV (RuleColumns; extra columns ignored, order free). The
// whole file is checked, including overlapping periods, and rejected with
// importer.Problems naming row and column if anything is wrong.
func ParseRules(file string, r io.Reader) ([]Rule, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenCSV(c, r, RuleColumns...)
	if !ok {
		return nil, c.Err()
	}
	var rules []Rule
	var rows []int
	for f.Next() {
		rule, ok := readRule(f)
		if !ok {
			continue
		}
		if j := overlappingRule(rules, rule); j >= 0 {
			vi, en := overlapText(rows[j], rule)
			f.Bad("valid_from", vi, en)
			continue
		}
		rules = append(rules, rule)
		rows = append(rows, f.Row())
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return rules, nil
}

func readRule(f *importer.CSV) (Rule, bool) {
	rule := Rule{Parameter: f.Get("parameter"), Key: f.Get("key"), Value: Decimal(f.Get("value")), Source: f.Get("source")}
	from, okFrom := f.Date("valid_from", false)
	to, okTo := f.Date("valid_to", true)
	rule.ValidFrom, rule.ValidTo = from, to
	ok := okFrom && okTo
	for _, p := range checkRule(rule) {
		f.Bad(p.col, p.vi, p.en)
		ok = false
	}
	return rule, ok
}

// checkRule is what a single row must satisfy, wherever it comes from.
func checkRule(r Rule) []problem {
	var out []problem
	if p := checkValue(r.Parameter, r.Key, r.Value); p != nil {
		out = append(out, *p)
	}
	if r.ValidTo < r.ValidFrom {
		out = append(out, problem{"valid_to", "ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from"})
	}
	if r.Source == "" {
		out = append(out, problem{"source", "thiếu căn cứ pháp lý", "legal source is missing"})
	}
	return out
}

// overlappingRule is the index of a rule of the same parameter and key in force on
// a day r is also in force, or -1.
func overlappingRule(rules []Rule, r Rule) int {
	for j, o := range rules {
		if o.Parameter == r.Parameter && o.Key == r.Key && o.ValidFrom <= r.ValidTo && r.ValidFrom <= o.ValidTo {
			return j
		}
	}
	return -1
}

func overlapText(otherRow int, r Rule) (vi, en string) {
	what := r.Parameter + " " + r.Key
	return "trùng thời gian với dòng " + itoa(otherRow) + " (" + what + ")",
		"period overlaps row " + itoa(otherRow) + " (" + what + ")"
}

// WriteRules writes rules in the layout ParseRules reads (for export).
func WriteRules(w io.Writer, rules []Rule) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(RuleColumns); err != nil {
		return err
	}
	for _, r := range rules {
		rec := []string{r.Parameter, r.Key, string(r.Value), r.ValidFrom.String(), openEnd(r.ValidTo), r.Source}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// openEnd writes an open valid_to as an empty cell.
func openEnd(d civil.Date) string {
	if d.IsOpen() {
		return ""
	}
	return d.String()
}
