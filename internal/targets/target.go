package targets

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
)

// Target is one chỉ tiêu: a value a unit must reach for an indicator by a deadline,
// and the decision that set it.
type Target struct {
	UnitCode  string     `json:"unit_code"`
	UnitID    int64      `json:"unit_id,omitempty"` // the store's id; 0 until resolved
	Indicator Indicator  `json:"indicator"`
	Deadline  civil.Date `json:"deadline"`
	Value     Decimal    `json:"value"`    // percent for *_pct indicators, persons for voluntary_bhxh_count
	Document  string     `json:"document"` // e.g. "QĐ 546/QĐ-TTg"
}

// problem is one thing wrong with a target, named by its CSV column.
type problem struct{ col, vi, en string }

// Check says what is wrong with a target entered by form or API (a file goes through
// ParseTargets, which names the row and column instead): a fault.Invalid error
// with every problem, or nil.
func (t Target) Check() error {
	ps := t.problems()
	if len(ps) == 0 {
		return nil
	}
	vi, en := make([]string, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		vi[i], en[i] = p.col+": "+p.vi, p.col+": "+p.en
	}
	return fault.New(fault.Invalid, "chỉ tiêu không hợp lệ: "+strings.Join(vi, "; "), "invalid target: "+strings.Join(en, "; "))
}

// problems lists what is wrong with a target wherever it comes from.
func (t Target) problems() []problem {
	var out []problem
	if t.UnitCode == "" {
		out = append(out, problem{"unit_code", "thiếu mã đơn vị", "unit code is missing"})
	}
	if _, err := ParseIndicator(string(t.Indicator)); err != nil {
		out = append(out, problem{"indicator",
			"chỉ tiêu không biết " + strconv.Quote(string(t.Indicator)) + ", cần " + indicatorList(),
			"unknown indicator " + strconv.Quote(string(t.Indicator)) + ", want " + indicatorList()})
	} else if p := checkValue(t.Indicator, t.Value); p != nil {
		out = append(out, *p)
	}
	if t.Document == "" {
		out = append(out, problem{"document", "thiếu văn bản giao chỉ tiêu", "the document that set the target is missing"})
	}
	return out
}

var hundred = big.NewRat(100, 1)

// checkValue: a percent lies in 0–100; a count is a whole number from 0 to maxCount.
func checkValue(ind Indicator, v Decimal) *problem {
	r, ok := v.Rat()
	if !ok {
		return &problem{"value", "giá trị không phải số thập phân " + strconv.Quote(string(v)), "value is not a decimal number " + strconv.Quote(string(v))}
	}
	if ind.IsPercent() {
		if r.Sign() < 0 || r.Cmp(hundred) > 0 {
			return &problem{"value", "tỷ lệ phải từ 0 đến 100, có " + string(v), "percent must be between 0 and 100, got " + string(v)}
		}
		return nil
	}
	if r.Sign() < 0 {
		return &problem{"value", "số người không được âm, có " + string(v), "count must not be negative, got " + string(v)}
	}
	if !r.IsInt() {
		return &problem{"value", "số người phải là số nguyên, có " + string(v), "count must be a whole number, got " + string(v)}
	}
	if r.Cmp(maxCount) > 0 {
		return &problem{"value", "số người quá lớn, có " + string(v), "count too large, got " + string(v)}
	}
	return nil
}

// maxCount bounds a count target far above any unit's population (Vietnam has about
// 100 million people), so that sums over many children stay inside int64.
var maxCount = big.NewRat(1_000_000_000, 1)

// InForce is the target of unit for indicator on day d: the one with the nearest
// deadline on or after d, else the one with the latest past deadline. ok is false
// when the unit has no target for the indicator.
func InForce(ts []Target, unit string, ind Indicator, d civil.Date) (Target, bool) {
	var next, last *Target
	for i := range ts {
		t := &ts[i]
		if t.UnitCode != unit || t.Indicator != ind {
			continue
		}
		if t.Deadline >= d && (next == nil || t.Deadline < next.Deadline) {
			next = t
		}
		if last == nil || t.Deadline > last.Deadline {
			last = t
		}
	}
	switch {
	case next != nil:
		return *next, true
	case last != nil:
		return *last, true
	}
	return Target{}, false
}
