package targets

import (
	"slices"
	"strings"
	"testing"
)

func child(code, name string, gap int64, rate, plan Decimal) ChildProgress {
	return ChildProgress{UnitCode: code, Name: name, Progress: Progress{Indicator: BHYTPopulationPct, GapPersons: gap, Actual: rate, PercentOfPlan: plan}}
}

func TestRank(t *testing.T) {
	// Lâm Đồng districts before 2025; byte order would put Đ after L.
	children := []ChildProgress{
		child("24820", "Lạc Dương", 120, "96.50", "100.52"),
		child("24829", "Đức Trọng", 8_300, "91.20", "95.00"),
		child("24790", "Di Linh", 8_466, "93.01", "96.88"),
		child("24823", "Đơn Dương", 8_300, "91.20", "95.00"),
		child("24801", "Bảo Lộc", 8_300, "93.01", ""),
	}
	tests := []struct {
		key   RankKey
		order string
		ranks []int
	}{
		{ByGapPersons, "Di Linh, Bảo Lộc, Đơn Dương, Đức Trọng, Lạc Dương", []int{1, 2, 2, 2, 5}},
		{ByRate, "Lạc Dương, Bảo Lộc, Di Linh, Đơn Dương, Đức Trọng", []int{1, 2, 2, 4, 4}},
		{ByPercentOfPlan, "Lạc Dương, Di Linh, Đơn Dương, Đức Trọng, Bảo Lộc", []int{1, 2, 3, 3, 5}},
	}
	for _, tt := range tests {
		got, err := Rank(children, tt.key)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, len(got))
		ranks := make([]int, len(got))
		for i, c := range got {
			names[i], ranks[i] = c.Name, c.Rank
		}
		if strings.Join(names, ", ") != tt.order || !slices.Equal(ranks, tt.ranks) {
			t.Errorf("%s: %s %v, want %s %v", tt.key, strings.Join(names, ", "), ranks, tt.order, tt.ranks)
		}
	}
	if children[0].Name != "Lạc Dương" || children[0].Rank != 0 {
		t.Error("Rank changed its input")
	}
	if _, err := Rank(children, "name"); err == nil {
		t.Error("unknown key accepted")
	}
}
