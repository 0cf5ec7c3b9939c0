package policy

import "testing"

// regulations.md §8.3, vectors H1–H3: per month, per year and 5/6-person totals.
func TestHouseholdVectors(t *testing.T) {
	b := Default()
	tests := []struct {
		name      string
		dates     []string
		monthly   [5]int64
		yearly    [5]int64
		five, six int64
	}{
		{"H1 LCS 1,800,000", []string{"2023-07-01", "2024-06-30"},
			[5]int64{81_000, 56_700, 48_600, 40_500, 32_400}, [5]int64{972_000, 680_400, 583_200, 486_000, 388_800}, 3_110_400, 3_499_200},
		{"H2 LCS 2,340,000", []string{"2024-07-01", "2025-06-30", "2025-07-01", "2025-12-31", "2026-01-01", "2026-06-30"},
			[5]int64{105_300, 73_710, 63_180, 52_650, 42_120}, [5]int64{1_263_600, 884_520, 758_160, 631_800, 505_440}, 4_043_520, 4_548_960},
		{"H3 LCS 2,530,000", []string{"2026-07-01", "2026-12-31", "2027-01-01"},
			[5]int64{113_850, 79_695, 68_310, 56_925, 45_540}, [5]int64{1_366_200, 956_340, 819_720, 683_100, 546_480}, 4_371_840, 4_918_320},
	}
	for _, tt := range tests {
		for _, d := range tt.dates {
			t.Run(tt.name+" "+d, func(t *testing.T) {
				six, err := b.Household(HouseholdInput{Date: day(d), Members: 6})
				if err != nil {
					t.Fatal(err)
				}
				for i, m := range six.Members {
					k := min(i, 4)
					if m.Order != i+1 || m.Monthly != tt.monthly[k] || m.Premium != tt.monthly[k] || m.Amount != tt.yearly[k] {
						t.Errorf("member %d: %+v", i+1, m)
					}
				}
				five, err := b.Household(HouseholdInput{Date: day(d), Members: 5, Months: 12})
				if err != nil {
					t.Fatal(err)
				}
				if five.Total != tt.five || six.Total != tt.six || six.Months != 12 {
					t.Errorf("totals 5: %d, 6: %d", five.Total, six.Total)
				}
			})
		}
	}
}

func TestHouseholdMonthsAndErrors(t *testing.T) {
	b := Default()
	got, err := b.Household(HouseholdInput{Date: day("2025-07-01"), Members: 2, Months: 6})
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalMonthly != 105_300+73_710 || got.Total != 6*(105_300+73_710) || got.Members[1].Amount != 442_260 {
		t.Errorf("6 months: %+v", got)
	}
	_, err = b.Household(HouseholdInput{Date: day("2025-07-01"), Members: 0})
	wantErr(t, err, "số thành viên phải từ 1 đến 100", "members must be 1 to 100, got 0")
	_, err = b.Household(HouseholdInput{Date: day("2025-07-01"), Members: 2, Months: 13})
	wantErr(t, err, "số tháng phải từ 1 đến 12", "months must be 1 to 12")
	_, err = b.Household(HouseholdInput{Date: day("2019-06-30"), Members: 1})
	wantErr(t, err, "chưa có quy định", "first row starts 2019-07-01")
}

// regulations.md §8.3, vectors S1–S2, and the other state-supported groups.
func TestStudentAndSupportedGroups(t *testing.T) {
	b := Default()
	tests := []struct {
		name                     string
		in                       BHYTInput
		full, state, pays, total int64
	}{
		{"S1 before 01/07/2025", BHYTInput{Date: day("2025-06-30"), Group: "student"}, 105_300, 31_590, 73_710, 884_520},
		{"S2 from 01/07/2025", BHYTInput{Date: day("2025-07-01"), Group: "student"}, 105_300, 52_650, 52_650, 631_800},
		{"S2 6 months", BHYTInput{Date: day("2026-06-30"), Group: "student", Months: 6}, 105_300, 52_650, 52_650, 315_900},
		{"student after LCS 2,530,000", BHYTInput{Date: day("2026-07-01"), Group: "student"}, 113_850, 56_925, 56_925, 683_100},
		{"near-poor 70 %", BHYTInput{Date: day("2025-07-01"), Group: "near_poor"}, 105_300, 73_710, 31_590, 379_080},
		{"near-poor in a poor commune 100 %", BHYTInput{Date: day("2025-07-01"), Group: "near_poor_poor_commune"}, 105_300, 105_300, 0, 0},
		{"agricultural household 30 %", BHYTInput{Date: day("2026-07-01"), Group: "agri_household", Months: 12}, 113_850, 34_155, 79_695, 956_340},
		{"village health worker 50 %", BHYTInput{Date: day("2025-07-01"), Group: "village_health_worker", Months: 1}, 105_300, 52_650, 52_650, 52_650},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.BHYTSupported(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.FullContribution != tt.full || got.StateSupport != tt.state || got.ParticipantPays != tt.pays || got.Total != tt.total {
				t.Fatalf("got %+v", got)
			}
		})
	}
	s, err := b.Student(StudentInput{Date: day("2025-06-30"), Months: 12})
	if err != nil || s.ParticipantPays != 73_710 || s.Total != 884_520 {
		t.Errorf("Student S1: %+v %v", s, err)
	}
}

func TestBHYTSupportedErrors(t *testing.T) {
	b := Default()
	_, err := b.Student(StudentInput{Date: day("2025-07-01"), Months: 5})
	wantErr(t, err, "học sinh, sinh viên đóng 3, 6 hoặc 12 tháng", "students pay for 3, 6 or 12 months, got 5")
	_, err = b.BHYTSupported(BHYTInput{Date: day("2025-07-01"), Group: "astronaut"})
	wantErr(t, err, `nhóm không biết "astronaut"`, `unknown group "astronaut"`)
	_, err = b.BHYTSupported(BHYTInput{Date: day("2025-06-30"), Group: "security_force"})
	wantErr(t, err, "chưa có quy định bhyt_support_pct [security_force]", "the first row starts 2025-07-01")
}
