package targets

import (
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/fault"
)

func TestSplitProportionalCount(t *testing.T) {
	parent := target("68", VoluntaryBHXHCount, "2025-12-31", "1000")
	res, err := Split(SplitRequest{Parent: parent, Method: Proportional, Document: "QĐ 12/QĐ-UBND",
		Children: []Share{{UnitCode: "24778", Denominator: 3}, {UnitCode: "24781", Denominator: 3}, {UnitCode: "24784", Denominator: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Children {
		got = append(got, string(c.Value))
		if c.Deadline != parent.Deadline || c.Indicator != VoluntaryBHXHCount {
			t.Errorf("child %+v", c)
		}
		if c.Document != "QĐ 12/QĐ-UBND (phân bổ từ chỉ tiêu của 68 theo QĐ 546/QĐ-TTg)" {
			t.Errorf("document %q", c.Document)
		}
	}
	if strings.Join(got, "/") != "334/333/333" {
		t.Errorf("split %v, want 334/333/333", got)
	}
	if c := res.Check; !c.OK || c.ParentPersons != 1000 || c.ChildrenPersons != 1000 || c.Difference != 0 || !strings.Contains(c.EN, "match") {
		t.Errorf("check %+v", c)
	}
}

func TestLargestRemainder(t *testing.T) {
	tests := []struct {
		total   int64
		weights []int64
		want    []int64
	}{
		{1000, []int64{3, 3, 3}, []int64{334, 333, 333}},
		{10, []int64{5, 3, 2}, []int64{5, 3, 2}},
		{7, []int64{1, 1, 1}, []int64{3, 2, 2}},
		{100, []int64{1, 0, 2}, []int64{33, 0, 67}},         // quotas 33.3, 0, 66.7
		{5, []int64{190_805, 283_088, 1}, []int64{2, 3, 0}}, // 2.01, 2.98, 0.00001
		{0, []int64{4, 5}, []int64{0, 0}},
	}
	for _, tt := range tests {
		got, ok := LargestRemainder(tt.total, tt.weights)
		if !ok || !slices.Equal(got, tt.want) {
			t.Errorf("LargestRemainder(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
		}
	}
	if _, ok := LargestRemainder(5, []int64{0, 0}); ok {
		t.Error("zero weights accepted")
	}
}

func TestSplitEqualRate(t *testing.T) {
	parent := target("24778", BHYTPopulationPct, "2025-12-31", "96")
	shares := []Share{{UnitCode: "A", Denominator: 4_000}, {UnitCode: "B", Denominator: 6_000}}
	tests := []struct {
		name     string
		override Decimal // child A's value
		children int64
		diff     int64
		ok       bool
		vi, en   string
	}{
		{"equal rate", "", 9_600, 0, true, "khớp", "match"},
		// A set by hand at 90 %: 3,600 + 5,760 = 9,360 persons, 240 short of 9,600
		{"override short", "90", 9_360, -240, false, "thiếu 240 người", "fall 240 persons short"},
		{"override above", "97.5", 9_660, 60, true, "vượt 60 người", "exceed 24778's target by 60 persons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := append([]Share(nil), shares...)
			ch[0].Value = tt.override
			res, err := Split(SplitRequest{Parent: parent, ParentDenominator: 10_000, Method: EqualRate, Children: ch})
			if err != nil {
				t.Fatal(err)
			}
			if res.Children[1].Value != "96" || (tt.override != "" && res.Children[0].Value != tt.override) {
				t.Errorf("values %s, %s", res.Children[0].Value, res.Children[1].Value)
			}
			c := res.Check
			if c.ParentPersons != 9_600 || c.ChildrenPersons != tt.children || c.Difference != tt.diff || c.OK != tt.ok ||
				!strings.Contains(c.VI, tt.vi) || !strings.Contains(c.EN, tt.en) {
				t.Errorf("check %+v", c)
			}
			if res.Children[0].Document != "Phân bổ từ chỉ tiêu của 24778 theo QĐ 546/QĐ-TTg" {
				t.Errorf("document %q", res.Children[0].Document)
			}
		})
	}
}

// Rounding each child up to whole persons can only add: the five Đà Lạt wards at
// the city's 96 % need at least the city's persons (ward populations invented, adding
// up to the 283,088 derived in TestProgressDaLat).
func TestSplitProportionalPercentRoundsUp(t *testing.T) {
	parent := target("24778", BHYTPopulationPct, "2025-12-31", "96")
	res, err := Split(SplitRequest{Parent: parent, Method: Proportional, Children: []Share{
		{UnitCode: "1", Denominator: 56_611}, {UnitCode: "2", Denominator: 56_617}, {UnitCode: "3", Denominator: 56_623},
		{UnitCode: "4", Denominator: 56_613}, {UnitCode: "5", Denominator: 56_624}}}) // sum 283,088
	if err != nil {
		t.Fatal(err)
	}
	// 54,346.56 → 54,347; 54,352.32 → 54,353; 54,358.08 → 54,359; 54,348.48 → 54,349; 54,359.04 → 54,360
	if c := res.Check; c.ParentPersons != 271_765 || c.ChildrenPersons != 271_768 || c.Difference != 3 || !c.OK {
		t.Errorf("check %+v", c)
	}
}

func TestSplitManualCount(t *testing.T) {
	parent := target("68", VoluntaryBHXHCount, "2025-12-31", "1000")
	res, err := Split(SplitRequest{Parent: parent, Method: Manual, Children: []Share{
		{UnitCode: "24778", Denominator: 3, Value: "600"}, {UnitCode: "24781", Denominator: 3, Value: "450"}}})
	if err != nil {
		t.Fatal(err)
	}
	// a count must add up exactly: 50 too many is inconsistent
	if c := res.Check; c.OK || c.Difference != 50 || !strings.Contains(c.EN, "exceed 68's target by 50 persons (1,050 against 1,000 persons)") ||
		!strings.Contains(c.VI, "vượt 50 người so với chỉ tiêu của 68 (1.050 so với 1.000 người)") {
		t.Errorf("check %+v", c)
	}
	// proportional with one child set by hand shares the rest: 1000 − 400 over 1:2
	res, err = Split(SplitRequest{Parent: parent, Method: Proportional, Children: []Share{
		{UnitCode: "a", Denominator: 10, Value: "400"}, {UnitCode: "b", Denominator: 1}, {UnitCode: "c", Denominator: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if v := []Decimal{res.Children[0].Value, res.Children[1].Value, res.Children[2].Value}; v[0] != "400" || v[1] != "200" || v[2] != "400" || !res.Check.OK {
		t.Errorf("values %v, check %+v", v, res.Check)
	}
}

func TestSplitErrors(t *testing.T) {
	pct := target("24778", BHYTPopulationPct, "2025-12-31", "96")
	count := target("68", VoluntaryBHXHCount, "2025-12-31", "1000")
	tests := []struct {
		name string
		req  SplitRequest
		want string
	}{
		{"equal rate of a count", SplitRequest{Parent: count, Method: EqualRate, Children: []Share{{UnitCode: "a", Denominator: 1}}}, "equal_rate is for percent"},
		{"manual without value", SplitRequest{Parent: pct, Method: Manual, Children: []Share{{UnitCode: "a", Denominator: 1}}}, "no target value for a"},
		{"percent over 100", SplitRequest{Parent: pct, Method: Manual, Children: []Share{{UnitCode: "a", Denominator: 1, Value: "120"}}}, "between 0 and 100"},
		{"no children", SplitRequest{Parent: pct, Method: EqualRate}, "no child units"},
		{"repeated child", SplitRequest{Parent: pct, Method: EqualRate, Children: []Share{{UnitCode: "a"}, {UnitCode: "a"}}}, "repeated"},
		{"no denominators", SplitRequest{Parent: count, Method: Proportional, Children: []Share{{UnitCode: "a"}, {UnitCode: "b"}}}, "no denominators"},
		{"unknown method", SplitRequest{Parent: pct, Method: "share", Children: []Share{{UnitCode: "a"}}}, "invalid split method"},
	}
	for _, tt := range tests {
		_, err := Split(tt.req)
		if err == nil || fault.KindOf(err) != fault.Invalid || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
