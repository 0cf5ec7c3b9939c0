package geo

import (
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// Units sort by name in Vietnamese order (đ after d, ơ after o, numbers by value),
// through cached collation keys that order as CompareVI does; equal names keep
// their order.
func TestSortByNameVietnamese(t *testing.T) {
	d := civil.MustParse("2026-01-01")
	names := []string{"Phường 10", "Đống Đa", "Ơ Ly", "Duy Tân", "Phường 2", "Ông Ích Khiêm", "An Khánh", "Ba Đình", "Bà Rịa", "Ô Chợ Dừa", "Phường 2"}
	var us []*Unit
	for i, n := range names {
		us = append(us, &Unit{ID: int64(i), Names: []NamePeriod{{From: civil.Min, To: civil.Max, Name: n}}})
	}
	for round := range 2 { // the second round reads the keys cached by the first
		got := slices.Clone(us)
		SortByName(got, d)
		var order []string
		for _, u := range got {
			order = append(order, u.NameOn(d).Name)
		}
		want := []string{"An Khánh", "Ba Đình", "Bà Rịa", "Duy Tân", "Đống Đa", "Ô Chợ Dừa", "Ông Ích Khiêm", "Ơ Ly", "Phường 2", "Phường 2", "Phường 10"}
		if !slices.Equal(order, want) {
			t.Fatalf("round %d: %q, want %q", round, order, want)
		}
		if got[8].ID != 4 || got[9].ID != 10 {
			t.Fatalf("round %d: equal names out of their order: %d, %d", round, got[8].ID, got[9].ID)
		}
		for i := 1; i < len(order); i++ {
			if CompareVI(order[i-1], order[i]) > 0 {
				t.Fatalf("keys and CompareVI disagree on %q, %q", order[i-1], order[i])
			}
		}
	}
}
