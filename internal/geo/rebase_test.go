package geo

import (
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

func total(fs []Figure) (s int64) {
	for _, f := range fs {
		s += f.Value
	}
	return s
}

func TestRebaseEveryOldCommuneOnto2025(t *testing.T) {
	a := refAtlas(t)
	d0, d := civil.MustParse("2024-12-31"), civil.MustParse("2026-01-01")
	var in []Figure
	for i, u := range a.List(d0, Commune) {
		in = append(in, Figure{u.Code, int64(1000 + i%997)})
	}
	out, lost := a.Rebase(d0, d, in)
	if len(lost) != 0 {
		t.Fatalf("unmapped: %+v", lost[:1])
	}
	if total(out) != total(in) {
		t.Fatalf("total %d became %d", total(in), total(out))
	}
	if len(out) != 3316 { // 5 island special zones had no communes before
		t.Errorf("%d target communes, want 3316", len(out))
	}
}

func TestRebaseDaLatAndSplit(t *testing.T) {
	a := refAtlas(t)
	in := []Figure{
		{"24784", 100}, {"24781", 200}, {"24802", 300}, {"24793", 400}, {"24796", 500}, // → Xuân Hương 24781
		{"00007", 101}, // Cống Vị, split equally over Ngọc Hà 00008 and Giảng Võ 00025
		{"99999", 7},   // no such unit
		{"672", 9},     // Đà Lạt city: districts ended without successor
	}
	out, lost := a.Rebase(civil.MustParse("2025-01-01"), civil.MustParse("2025-07-01"), in)
	got := map[string]int64{}
	for _, f := range out {
		got[f.UnitCode] = f.Value
	}
	if got["24781"] != 1500 {
		t.Errorf("Xuân Hương = %d, want 1500", got["24781"])
	}
	// Ngọc Hà and Giảng Võ also receive other wards; Cống Vị's 101 split 51/50.
	if len(lost) != 2 || lost[0].UnitCode != "99999" || lost[1].UnitCode != "672" {
		t.Errorf("lost = %+v", lost)
	}
	if total(out) != 1500+101 {
		t.Errorf("total %d", total(out))
	}
	cv, _ := a.Rebase(civil.MustParse("2025-01-01"), civil.MustParse("2025-07-01"), []Figure{{"00007", 101}})
	if len(cv) != 2 || cv[0].Value+cv[1].Value != 101 || cv[0].Value-cv[1].Value > 1 || cv[1].Value-cv[0].Value > 1 {
		t.Errorf("Cống Vị split %+v", cv)
	}
}

func TestRebaseBackwardAndSameDate(t *testing.T) {
	a := refAtlas(t)
	back, lost := a.Rebase(civil.MustParse("2025-07-01"), civil.MustParse("2025-06-30"), []Figure{{"24781", 1000}})
	if len(lost) != 0 || len(back) != 5 || total(back) != 1000 {
		t.Errorf("back = %+v lost %+v", back, lost)
	}
	same, _ := a.Rebase(civil.MustParse("2026-01-01"), civil.MustParse("2026-06-01"), []Figure{{"24781", 5}})
	if len(same) != 1 || same[0] != (Figure{"24781", 5}) {
		t.Errorf("same-period rebase %+v", same)
	}
}
