package policy

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/importer"
)

const topUpsCSV = `province_code,scheme,group,percent,valid_from,valid_to,resolution,communes
22,voluntary_bhxh,near_poor,10,2026-01-01,2026-12-31,15/2025/NQ-HĐND,
22,household_bhyt,all,20,2025-07-01,,21/2025/NQ-HĐND,06700;06701
22,student_bhyt,,20,2025-07-01,,22/2025/NQ-HĐND,
22,voluntary_bhxh,poor,60,2026-01-01,,23/2025/NQ-HĐND,
`

func testTopUps(t *testing.T) []TopUp {
	t.Helper()
	list, err := ParseTopUps("topups.csv", strings.NewReader(topUpsCSV))
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// A local top-up changes the amount only inside its province, its communes and its dates.
func TestTopUpScope(t *testing.T) {
	b := mustBook(t, testTopUps(t)...)
	vol := func(date, province, commune, group string) VoluntaryResult {
		t.Helper()
		r, err := b.Voluntary(VoluntaryInput{Date: day(date), Income: 1_500_000, Group: group, Province: province, Commune: commune})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name        string
		got         VoluntaryResult
		local, pays int64
	}{
		{"inside", vol("2026-03-01", "22", "06900", "near_poor"), 33_000, 165_000},
		{"first day", vol("2026-01-01", "22", "", "near_poor"), 33_000, 165_000},
		{"last day", vol("2026-12-31", "22", "06900", "near_poor"), 33_000, 165_000},
		{"day before", vol("2025-12-31", "22", "06900", "near_poor"), 0, 198_000},
		{"other province", vol("2026-03-01", "01", "00004", "near_poor"), 0, 198_000},
		{"no province", vol("2026-03-01", "", "", "near_poor"), 0, 198_000},
		{"other group", vol("2026-03-01", "22", "06900", "other"), 0, 264_000},
		{"capped at what is left", vol("2026-03-01", "22", "06900", "poor"), 165_000, 0},
	}
	for _, tt := range tests {
		check(t, tt.name, tt.got, tt.local, tt.pays)
	}
	// The day after: 2027, whose income floor is 2,200,000.
	r, err := b.Voluntary(VoluntaryInput{Date: day("2027-01-01"), Income: 2_200_000, Group: "near_poor", Province: "22", Months: 12})
	if err != nil || r.LocalSupport != 0 || r.ParticipantPays != 290_400 || r.Total != 12*290_400 {
		t.Errorf("after the resolution ends: %+v %v", r, err)
	}
	if got := vol("2026-03-01", "22", "06900", "near_poor"); got.LocalResolution != "15/2025/NQ-HĐND" {
		t.Errorf("resolution %q", got.LocalResolution)
	}
}

func check(t *testing.T, name string, got VoluntaryResult, local, pays int64) {
	t.Helper()
	if got.LocalSupport != local || got.ParticipantPays != pays {
		t.Errorf("%s: got %+v, want local %d pays %d", name, got, local, pays)
	}
}

func TestTopUpCommunesHouseholdStudent(t *testing.T) {
	b := mustBook(t, testTopUps(t)...)
	for _, tt := range []struct {
		date, commune string
		first, second int64
	}{
		{"2025-07-01", "06700", 84_240, 58_968}, // 105,300 − 21,060; 73,710 − 14,742
		{"2025-07-01", "06701", 84_240, 58_968},
		{"2025-07-01", "06800", 105_300, 73_710}, // not a listed commune
		{"2025-06-30", "06700", 105_300, 73_710}, // before the resolution
		{"2026-07-01", "06700", 91_080, 63_756},  // 113,850 × 80 %; 79,695 × 80 %
	} {
		r, err := b.Household(HouseholdInput{Date: day(tt.date), Members: 2, Province: "22", Commune: tt.commune})
		if err != nil {
			t.Fatal(err)
		}
		if r.Members[0].Monthly != tt.first || r.Members[1].Monthly != tt.second || r.Total != 12*(tt.first+tt.second) {
			t.Errorf("%s %s: %+v", tt.date, tt.commune, r.Members)
		}
	}
	s, err := b.Student(StudentInput{Date: day("2025-07-01"), Province: "22", Commune: "06800"})
	if err != nil || s.LocalSupport != 21_060 || s.ParticipantPays != 31_590 || s.Total != 379_080 {
		t.Errorf("student top-up: %+v %v", s, err)
	}
}

func TestParseTopUpsProblems(t *testing.T) {
	in := `province_code,scheme,group,percent,valid_from,valid_to,resolution,communes
2,voluntary_bhxh,near_poor,10,2026-01-01,,NQ 1,
22,voluntary_bhxh,rich,0,2026-01-01,2025-01-01,,
22,household_bhyt,all,20,2026-01-01,,NQ 2,06701;06700
22,household_bhyt,all,5,2026-06-01,,NQ 3,06700
22,pension,all,5,2026-06-01,,NQ 3,
22,student_bhyt,all,20,2026-01-01,,NQ 4,067
`
	_, err := ParseTopUps("t.csv", strings.NewReader(in))
	var ps importer.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		"t.csv:2:1 (province_code): mã tỉnh phải gồm 2 chữ số",
		`t.csv:3:3 (group): nhóm không biết "rich"`,
		"t.csv:3:4 (percent): phần trăm phải lớn hơn 0",
		"t.csv:3:6 (valid_to): ngày kết thúc trước ngày bắt đầu / valid_to is before valid_from",
		"t.csv:3:7 (resolution): thiếu số nghị quyết HĐND / People's Council resolution number is missing",
		`t.csv:7:8 (communes): mã xã phải gồm 5 chữ số, có "067"`,
		"t.csv:5:5 (valid_from): trùng phạm vi và thời gian với dòng 4 / same scope and period as row 4",
		`t.csv:6:2 (scheme): chế độ không biết "pension"`,
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
}

func TestTopUpsRoundTripAndBookChecks(t *testing.T) {
	list := testTopUps(t)
	var buf bytes.Buffer
	if err := WriteTopUps(&buf, list); err != nil {
		t.Fatal(err)
	}
	back, err := ParseTopUps("again.csv", &buf)
	if err != nil || !reflect.DeepEqual(back, list) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, list)
	}
	bad := append(list, TopUp{Province: "22", Scheme: SchemeVoluntary, Group: AllGroups, Percent: "150", ValidFrom: day("2026-01-01"), ValidTo: day("9999-12-31"), Resolution: "x"},
		TopUp{Province: "22", Scheme: SchemeVoluntary, Group: AllGroups, Percent: "5", ValidFrom: day("2026-06-01"), ValidTo: day("2026-06-30"), Resolution: "y"})
	_, err = NewBook(DefaultRules(), bad)
	wantErr(t, err, "topups:6:4 (percent): phần trăm phải lớn hơn 0 và không quá 100", "percent must be above 0 and at most 100")
	wantErr(t, err, "topups:7:5 (valid_from): trùng phạm vi và thời gian với dòng 2", "same scope and period as row 2")
}
