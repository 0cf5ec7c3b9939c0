package targets

import (
	"cmp"
	"fmt"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/phusong/phusong/internal/fault"
)

// RankKey is what child units are ranked by.
type RankKey string

const (
	ByGapPersons    RankKey = "gap_persons"     // most persons still needed first
	ByRate          RankKey = "rate"            // highest actual first
	ByPercentOfPlan RankKey = "percent_of_plan" // closest to (or furthest past) the plan first
)

// ParseRankKey reads gap_persons, rate or percent_of_plan.
func ParseRankKey(s string) (RankKey, error) {
	switch k := RankKey(s); k {
	case ByGapPersons, ByRate, ByPercentOfPlan:
		return k, nil
	}
	return "", fault.Newf(fault.Invalid, "cách xếp hạng không hợp lệ %q, cần gap_persons|rate|percent_of_plan",
		"invalid ranking %q, want gap_persons|rate|percent_of_plan", s)
}

// ChildProgress is one child unit's progress on one indicator, with its place.
type ChildProgress struct {
	UnitCode string   `json:"unit_code"`
	Name     string   `json:"name"`
	Progress Progress `json:"progress"`
	Rank     int      `json:"rank"` // 1 = first; equal values share a place (1, 2, 2, 4)
}

// Rank orders children by key, every key largest first; a missing percent of plan
// (target 0) comes last. Equal values are ordered by name in Vietnamese order, then
// by code, and share a place. The input is not changed.
func Rank(children []ChildProgress, key RankKey) ([]ChildProgress, error) {
	if _, err := ParseRankKey(string(key)); err != nil {
		return nil, err
	}
	out := slices.Clone(children)
	col := collate.New(language.Vietnamese)
	slices.SortStableFunc(out, func(a, b ChildProgress) int {
		if c := compareKey(a.Progress, b.Progress, key); c != 0 {
			return c
		}
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.UnitCode, b.UnitCode)
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && compareKey(out[i-1].Progress, out[i].Progress, key) == 0 {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out, nil
}

// compareKey is negative when a comes before b: the larger value first.
func compareKey(a, b Progress, key RankKey) int {
	switch key {
	case ByGapPersons:
		return cmp.Compare(b.GapPersons, a.GapPersons)
	case ByRate:
		return compareDecimal(b.Actual, a.Actual)
	case ByPercentOfPlan:
		return compareDecimal(b.PercentOfPlan, a.PercentOfPlan)
	}
	panic(fmt.Sprintf("targets: rank key %q", key))
}

// compareDecimal orders decimals with none (not a number) below every number.
func compareDecimal(a, b Decimal) int {
	ra, okA := a.Rat()
	rb, okB := b.Rat()
	switch {
	case !okA && !okB:
		return 0
	case !okA:
		return -1
	case !okB:
		return 1
	}
	return ra.Cmp(rb)
}
