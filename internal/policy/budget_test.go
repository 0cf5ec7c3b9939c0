package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/importer"
)

const countsCSV = `commune_code,scheme,group,count,member_order
06700,voluntary_bhxh,near_poor,100,
06700,household_bhyt,,10,1
06701,voluntary_bhxh,near_poor,50,
06900,bhyt_supported,near_poor,7,
`

func TestSupportBudget(t *testing.T) {
	b := mustBook(t, testTopUps(t)[:2]...) // voluntary near_poor +10 % in 2026; household +20 % in 06700, 06701
	counts, err := ParseParticipantCounts("counts.csv", strings.NewReader(countsCSV))
	if err != nil {
		t.Fatal(err)
	}
	w, err := ParseWhatIf("near_poor=+5%")
	if err != nil {
		t.Fatal(err)
	}
	in22 := func(c string) bool { return strings.HasPrefix(c, "06") }
	got, err := b.SupportBudget(BudgetInput{Province: "22", Year: 2026, Counts: counts, InProvince: in22, WhatIf: []WhatIf{w}})
	if err != nil {
		t.Fatal(err)
	}
	// Voluntary near-poor: 10 % × 22 % × 1,500,000 = 33,000 a month; +5 points: 49,500.
	// Household 1st member: 20 % × 105,300 = 21,060 (Jan–Jun), 20 % × 113,850 = 22,770 (Jul–Dec).
	// BHYT near-poor has no top-up; the what-if gives it 5 % × 105,300 = 5,265 then 5 % × 113,850 = 5,693 (5,692.5 rounded up).
	wantLines := [][2]int64{
		{100 * 12 * 33_000, 100 * 12 * 49_500},
		{10 * (6*21_060 + 6*22_770), 10 * (6*21_060 + 6*22_770)},
		{50 * 12 * 33_000, 50 * 12 * 49_500},
		{0, 7 * (6*5_265 + 6*5_693)},
	}
	for i, l := range got.Lines {
		if l.Baseline != wantLines[i][0] || l.Changed != wantLines[i][1] {
			t.Errorf("line %d: %+v, want %v", i, l, wantLines[i])
		}
	}
	if got.Baseline != 62_029_800 || got.Changed != 89_100_000+2_629_800+460_236 {
		t.Errorf("totals %d / %d", got.Baseline, got.Changed)
	}
	wantScheme := []BudgetTotal{
		{Scheme: SchemeBHYTSupported, Baseline: 0, Changed: 460_236},
		{Scheme: SchemeHousehold, Baseline: 2_629_800, Changed: 2_629_800},
		{Scheme: SchemeVoluntary, Baseline: 59_400_000, Changed: 89_100_000},
	}
	for i, w := range wantScheme {
		if got.ByScheme[i] != w {
			t.Errorf("by scheme %d: %+v, want %+v", i, got.ByScheme[i], w)
		}
	}
	if len(got.ByCommune) != 3 || got.ByCommune[0] != (BudgetTotal{Commune: "06700", Baseline: 39_600_000 + 2_629_800, Changed: 59_400_000 + 2_629_800}) {
		t.Errorf("by commune %+v", got.ByCommune)
	}
	if len(got.ByGroup) != 3 || got.ByGroup[2] != (BudgetTotal{Scheme: SchemeVoluntary, Group: "near_poor", Baseline: 59_400_000, Changed: 89_100_000}) {
		t.Errorf("by group %+v", got.ByGroup)
	}
}

// The top-up ends on 2026-12-31: in 2027 the voluntary baseline is zero.
func TestSupportBudgetFollowsDates(t *testing.T) {
	b := mustBook(t, testTopUps(t)[:1]...)
	counts := []ParticipantCount{{Commune: "06700", Scheme: SchemeVoluntary, Group: "near_poor", Count: 1}}
	got, err := b.SupportBudget(BudgetInput{Province: "22", Year: 2027, Counts: counts,
		WhatIf: []WhatIf{{Scheme: SchemeVoluntary, Group: "near_poor", Points: "10"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Baseline != 0 || got.Changed != 12*48_400 { // 10 % × 22 % × 2,200,000
		t.Errorf("2027: %d / %d", got.Baseline, got.Changed)
	}
	got, _ = b.SupportBudget(BudgetInput{Province: "01", Year: 2026, Counts: counts})
	if got.Baseline != 0 {
		t.Errorf("another province's top-up counted: %d", got.Baseline)
	}
}

func TestSupportBudgetErrors(t *testing.T) {
	b := Default()
	counts := []ParticipantCount{{Commune: "06700", Scheme: SchemeVoluntary, Group: "near_poor", Count: 1}}
	_, err := b.SupportBudget(BudgetInput{Province: "22", Year: 2026, Counts: counts, InProvince: func(string) bool { return false }})
	wantErr(t, err, "xã 06700 không thuộc tỉnh 22", "commune 06700 is not in province 22")
	_, err = b.SupportBudget(BudgetInput{Province: "2", Year: 2026})
	wantErr(t, err, "mã tỉnh phải gồm 2 chữ số", "province code must be 2 digits")
	_, err = b.SupportBudget(BudgetInput{Province: "22", Year: 2017, Counts: counts})
	wantErr(t, err, "chưa có quy định", "first row starts")
	_, err = b.SupportBudget(BudgetInput{Province: "22", Year: 2026, Counts: []ParticipantCount{{Commune: "06700", Scheme: SchemeHousehold, Group: AllGroups, Count: 1}}})
	wantErr(t, err, "dòng số liệu 1: member_order", "count 1: member_order: household_bhyt rows need member_order")
	for _, s := range []string{"near_poor", "near_poor=abc", "=5", "voluntary_bhxh:rich=+5", "rich=+5"} {
		if _, err := ParseWhatIf(s); err == nil {
			t.Errorf("ParseWhatIf(%q) accepted", s)
		}
	}
	if w, err := ParseWhatIf("household_bhyt:all=-10"); err != nil || w.Scheme != SchemeHousehold || w.Points != "-10" {
		t.Errorf("ParseWhatIf: %+v %v", w, err)
	}
}

func TestParseParticipantCountsProblems(t *testing.T) {
	in := `commune_code,scheme,group,count,member_order
6700,voluntary_bhxh,near_poor,1,
06700,voluntary_bhxh,,1,
06700,household_bhyt,,x,
06700,student_bhyt,,-3,2
`
	_, err := ParseParticipantCounts("c.csv", strings.NewReader(in))
	var ps importer.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	for _, w := range []string{
		`c.csv:2:1 (commune_code): mã xã phải gồm 5 chữ số, có "6700"`,
		"c.csv:3:3 (group): chế độ voluntary_bhxh cần một nhóm cụ thể / scheme voluntary_bhxh needs a specific group",
		`c.csv:4:4 (count): cần số nguyên`,
		"c.csv:4:5 (member_order): dòng BHYT hộ gia đình cần thứ tự thành viên",
		"c.csv:5:5 (member_order): thứ tự thành viên chỉ dùng cho household_bhyt",
		"c.csv:5:4 (count): số người phải từ 0 đến 100000000 / count must be 0 to 100000000",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in\n%s", w, err)
		}
	}
}
