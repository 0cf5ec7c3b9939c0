package policy

import "testing"

// regulations.md §8.2, vectors V1–V12, with the effective dates on either side.
func TestVoluntaryVectors(t *testing.T) {
	b := Default()
	tests := []struct {
		name                     string
		in                       VoluntaryInput
		full, state, pays, total int64
	}{
		{"V1 poor 2022", VoluntaryInput{Date: day("2022-01-01"), Income: 1_500_000, Group: "poor"}, 330_000, 99_000, 231_000, 231_000},
		{"V1 poor 2025-06-30", VoluntaryInput{Date: day("2025-06-30"), Income: 1_500_000, Group: "poor"}, 330_000, 99_000, 231_000, 231_000},
		{"V2 near-poor", VoluntaryInput{Date: day("2025-06-30"), Income: 1_500_000, Group: "near_poor"}, 330_000, 82_500, 247_500, 247_500},
		{"V3 other", VoluntaryInput{Date: day("2025-06-30"), Income: 1_500_000, Group: "other"}, 330_000, 33_000, 297_000, 297_000},
		{"ethnic minority before 07/2025 is other", VoluntaryInput{Date: day("2025-06-30"), Income: 1_500_000, Group: "ethnic_minority"}, 330_000, 33_000, 297_000, 297_000},
		{"island before 07/2025 is other", VoluntaryInput{Date: day("2025-06-30"), Income: 1_500_000, Group: "island"}, 330_000, 33_000, 297_000, 297_000},
		{"V4 poor 2025-07-01", VoluntaryInput{Date: day("2025-07-01"), Income: 1_500_000, Group: "poor"}, 330_000, 165_000, 165_000, 165_000},
		{"V4 island 2025-07-01", VoluntaryInput{Date: day("2025-07-01"), Income: 1_500_000, Group: "island"}, 330_000, 165_000, 165_000, 165_000},
		{"V5 near-poor", VoluntaryInput{Date: day("2025-07-01"), Income: 1_500_000, Group: "near_poor"}, 330_000, 132_000, 198_000, 198_000},
		{"V6 ethnic minority", VoluntaryInput{Date: day("2025-07-01"), Income: 1_500_000, Group: "ethnic_minority"}, 330_000, 99_000, 231_000, 231_000},
		{"V7 other 2025-12-31", VoluntaryInput{Date: day("2025-12-31"), Income: 1_500_000, Group: "other"}, 330_000, 66_000, 264_000, 264_000},
		{"V7 other 2026-01-01", VoluntaryInput{Date: day("2026-01-01"), Income: 1_500_000, Group: "other"}, 330_000, 66_000, 264_000, 264_000},
		{"V7 other 2026-12-31", VoluntaryInput{Date: day("2026-12-31"), Income: 1_500_000, Group: "other"}, 330_000, 66_000, 264_000, 264_000},
		{"V7 paid 12-monthly", VoluntaryInput{Date: day("2025-07-01"), Income: 1_500_000, Group: "other", Months: 12}, 330_000, 66_000, 264_000, 3_168_000},
		{"V7 paid 3-monthly", VoluntaryInput{Date: day("2025-07-01"), Income: 1_500_000, Group: "other", Months: 3}, 330_000, 66_000, 264_000, 792_000},
		{"V8 ceiling 2026-06-30", VoluntaryInput{Date: day("2026-06-30"), Income: 46_800_000, Group: "other"}, 10_296_000, 66_000, 10_230_000, 10_230_000},
		{"V9 ceiling 2026-07-01, support used", VoluntaryInput{Date: day("2026-07-01"), Income: 50_600_000, Group: "other", SupportedMonthsUsed: 120}, 11_132_000, 0, 11_132_000, 11_132_000},
		{"V10 other 2027-01-01", VoluntaryInput{Date: day("2027-01-01"), Income: 2_200_000, Group: "other"}, 484_000, 96_800, 387_200, 387_200},
		{"V11 poor", VoluntaryInput{Date: day("2027-01-01"), Income: 2_200_000, Group: "poor"}, 484_000, 242_000, 242_000, 242_000},
		{"V11 near-poor", VoluntaryInput{Date: day("2027-01-01"), Income: 2_200_000, Group: "near_poor"}, 484_000, 193_600, 290_400, 290_400},
		{"V11 ethnic minority", VoluntaryInput{Date: day("2027-01-01"), Income: 2_200_000, Group: "ethnic_minority"}, 484_000, 145_200, 338_800, 338_800},
		{"V12 after month 120", VoluntaryInput{Date: day("2026-01-01"), Income: 3_000_000, Group: "poor", SupportedMonthsUsed: 120, Months: 6}, 660_000, 0, 660_000, 3_960_000},
		{"V12 limit reached inside the payment", VoluntaryInput{Date: day("2026-01-01"), Income: 1_500_000, Group: "other", SupportedMonthsUsed: 115, Months: 12}, 330_000, 66_000, 264_000, 5*264_000 + 7*330_000},
		{"support at the floor whatever the income", VoluntaryInput{Date: day("2026-01-01"), Income: 5_000_000, Group: "near_poor"}, 1_100_000, 132_000, 968_000, 968_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.Voluntary(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.FullContribution != tt.full || got.StateSupport != tt.state || got.ParticipantPays != tt.pays || got.Total != tt.total || got.LocalSupport != 0 {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestVoluntaryErrors(t *testing.T) {
	b := Default()
	tests := []struct {
		name   string
		in     VoluntaryInput
		vi, en string
	}{
		{"negative income", VoluntaryInput{Date: day("2026-01-01"), Income: -1, Group: "other"}, "thu nhập không được âm", "income cannot be negative"},
		{"under the floor", VoluntaryInput{Date: day("2026-01-01"), Income: 1_499_999, Group: "other"}, "thấp hơn mức sàn 1500000", "below the floor 1500000"},
		{"2026 floor no longer enough in 2027", VoluntaryInput{Date: day("2027-01-01"), Income: 1_500_000, Group: "other"}, "thấp hơn mức sàn 2200000", "below the floor 2200000"},
		{"above the ceiling", VoluntaryInput{Date: day("2026-06-30"), Income: 50_600_000, Group: "other"}, "vượt mức trần 46800000", "above the ceiling 46800000"},
		{"unknown group", VoluntaryInput{Date: day("2026-01-01"), Income: 2_000_000, Group: "rich"}, `nhóm không biết "rich"`, `unknown group "rich"`},
		{"months 5", VoluntaryInput{Date: day("2026-01-01"), Income: 2_000_000, Group: "other", Months: 5}, "số tháng đóng phải là 1, 3, 6 hoặc 12", "months must be 1, 3, 6 or 12, got 5"},
		{"negative months used", VoluntaryInput{Date: day("2026-01-01"), Income: 2_000_000, Group: "other", SupportedMonthsUsed: -1}, "không được âm", "cannot be negative"},
		{"before the first row", VoluntaryInput{Date: day("2017-12-31"), Income: 1_000_000, Group: "other"}, "chưa có quy định voluntary_ceiling_multiple", "first row starts 2018-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Voluntary(tt.in)
			wantErr(t, err, tt.vi, tt.en)
		})
	}
	// The ceiling moves with the reference level on 01/07/2026.
	if _, err := b.Voluntary(VoluntaryInput{Date: day("2026-07-01"), Income: 50_600_000, Group: "other"}); err != nil {
		t.Error(err)
	}
}
