package policy

import "testing"

// regulations.md §8.1, vectors C1–C4, and the effective dates on either side.
func TestCompulsoryVectors(t *testing.T) {
	b := Default()
	c1ee := Shares{PensionSurvivor: 800_000, BHYT: 150_000, BHTN: 100_000, Total: 1_050_000}
	c1er := Shares{SicknessMaternity: 300_000, Occupational: 50_000, PensionSurvivor: 1_400_000, BHYT: 300_000, BHTN: 100_000, Total: 2_150_000}
	c2ee := Shares{PensionSurvivor: 3_744_000, BHYT: 702_000, BHTN: 600_000, Total: 5_046_000}
	c2er := Shares{SicknessMaternity: 1_404_000, Occupational: 234_000, PensionSurvivor: 6_552_000, BHYT: 1_404_000, BHTN: 600_000, Total: 10_194_000}
	c3ee := Shares{PensionSurvivor: 4_048_000, BHYT: 759_000, BHTN: 600_000, Total: 5_407_000}
	c3er := Shares{SicknessMaternity: 1_518_000, Occupational: 253_000, PensionSurvivor: 7_084_000, BHYT: 1_518_000, BHTN: 600_000, Total: 10_973_000}
	withBHTN := func(s Shares, v int64) Shares { s.Total += v - s.BHTN; s.BHTN = v; return s }
	tests := []struct {
		name     string
		in       CompulsoryInput
		ee, er   Shares
		bases    Bases
		belowMin bool
	}{
		{"C1 2024-07-01", CompulsoryInput{Date: day("2024-07-01"), Salary: 10_000_000}, c1ee, c1er, Bases{10_000_000, 10_000_000, 10_000_000}, false},
		{"C1 2025-06-30", CompulsoryInput{Date: day("2025-06-30"), Salary: 10_000_000}, c1ee, c1er, Bases{10_000_000, 10_000_000, 10_000_000}, false},
		{"C1 2025-07-01", CompulsoryInput{Date: day("2025-07-01"), Salary: 10_000_000}, c1ee, c1er, Bases{10_000_000, 10_000_000, 10_000_000}, false},
		{"C1 2027-01-01 region 4", CompulsoryInput{Date: day("2027-01-01"), Salary: 10_000_000, Region: 4}, c1ee, c1er, Bases{10_000_000, 10_000_000, 10_000_000}, false},
		{"C2 old-law cap 2025-06-30", CompulsoryInput{Date: day("2025-06-30"), Salary: 60_000_000, Region: 1}, c2ee, c2er, Bases{46_800_000, 46_800_000, 60_000_000}, false},
		{"C2 2025-07-01", CompulsoryInput{Date: day("2025-07-01"), Salary: 60_000_000, Region: 1}, c2ee, c2er, Bases{46_800_000, 46_800_000, 60_000_000}, false},
		{"C2 2025-12-31", CompulsoryInput{Date: day("2025-12-31"), Salary: 60_000_000, Region: 1}, c2ee, c2er, Bases{46_800_000, 46_800_000, 60_000_000}, false},
		{"C2 2026-01-01", CompulsoryInput{Date: day("2026-01-01"), Salary: 60_000_000, Region: 1}, c2ee, c2er, Bases{46_800_000, 46_800_000, 60_000_000}, false},
		{"C2 2026-06-30", CompulsoryInput{Date: day("2026-06-30"), Salary: 60_000_000, Region: 1}, c2ee, c2er, Bases{46_800_000, 46_800_000, 60_000_000}, false},
		{"C3 2026-07-01", CompulsoryInput{Date: day("2026-07-01"), Salary: 60_000_000, Region: 1}, c3ee, c3er, Bases{50_600_000, 50_600_000, 60_000_000}, false},
		{"C3 2026-12-31", CompulsoryInput{Date: day("2026-12-31"), Salary: 60_000_000, Region: 1}, c3ee, c3er, Bases{50_600_000, 50_600_000, 60_000_000}, false},
		{"C3 2027-01-01", CompulsoryInput{Date: day("2027-01-01"), Salary: 60_000_000, Region: 1}, c3ee, c3er, Bases{50_600_000, 50_600_000, 60_000_000}, false},
		{"C4 2025-12-31 cap 99.2M", CompulsoryInput{Date: day("2025-12-31"), Salary: 120_000_000, Region: 1}, withBHTN(c2ee, 992_000), withBHTN(c2er, 992_000), Bases{46_800_000, 46_800_000, 99_200_000}, false},
		{"C4 2026-01-01 cap 106.2M", CompulsoryInput{Date: day("2026-01-01"), Salary: 120_000_000, Region: 1}, withBHTN(c2ee, 1_062_000), withBHTN(c2er, 1_062_000), Bases{46_800_000, 46_800_000, 106_200_000}, false},
		{"C4 region default 1", CompulsoryInput{Date: day("2026-06-30"), Salary: 120_000_000}, withBHTN(c2ee, 1_062_000), withBHTN(c2er, 1_062_000), Bases{46_800_000, 46_800_000, 106_200_000}, false},
		{"region 4 BHTN cap 74M", CompulsoryInput{Date: day("2026-01-01"), Salary: 120_000_000, Region: 4}, withBHTN(c2ee, 740_000), withBHTN(c2er, 740_000), Bases{46_800_000, 46_800_000, 74_000_000}, false},
		{"below regional minimum is flagged", CompulsoryInput{Date: day("2026-01-01"), Salary: 4_000_000, Region: 1},
			Shares{PensionSurvivor: 320_000, BHYT: 60_000, BHTN: 40_000, Total: 420_000},
			Shares{SicknessMaternity: 120_000, Occupational: 20_000, PensionSurvivor: 560_000, BHYT: 120_000, BHTN: 40_000, Total: 860_000},
			Bases{4_000_000, 4_000_000, 4_000_000}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.Compulsory(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Employee != tt.ee || got.Employer != tt.er || got.Bases != tt.bases || got.BelowRegionalMinimum != tt.belowMin {
				t.Fatalf("got employee %+v employer %+v bases %+v below %v", got.Employee, got.Employer, got.Bases, got.BelowRegionalMinimum)
			}
			if got.Total != tt.ee.Total+tt.er.Total {
				t.Errorf("total %d", got.Total)
			}
		})
	}
}

// C5: a household-business owner at the floor pays 25 % of it.
func TestCompulsoryHouseholdBusinessC5(t *testing.T) {
	b := Default()
	for _, tt := range []struct {
		date   string
		salary int64
		want   int64
	}{{"2025-07-01", 2_340_000, 585_000}, {"2026-06-30", 2_340_000, 585_000}, {"2026-07-01", 2_530_000, 632_500}} {
		got, err := b.Compulsory(CompulsoryInput{Date: day(tt.date), Salary: tt.salary, Kind: KindHouseholdBusiness})
		if err != nil {
			t.Fatal(err)
		}
		if got.Employee.Total != tt.want || got.Employer.Total != 0 || got.Total != tt.want {
			t.Errorf("%s: got %+v", tt.date, got)
		}
	}
}

func TestCompulsoryErrors(t *testing.T) {
	b := Default()
	tests := []struct {
		name   string
		in     CompulsoryInput
		vi, en string
	}{
		{"zero salary", CompulsoryInput{Date: day("2026-01-01"), Salary: 0}, "phải lớn hơn 0", "must be above 0"},
		{"negative salary", CompulsoryInput{Date: day("2026-01-01"), Salary: -1}, "phải lớn hơn 0", "must be above 0"},
		{"region 5", CompulsoryInput{Date: day("2026-01-01"), Salary: 5_000_000, Region: 5}, "vùng phải từ 1 đến 4", "region must be 1 to 4"},
		{"unknown kind", CompulsoryInput{Date: day("2026-01-01"), Salary: 5_000_000, Kind: "farmer"}, "loại đối tượng không biết", "unknown kind"},
		{"under the MTC floor from 2025-07-01", CompulsoryInput{Date: day("2025-07-01"), Salary: 2_000_000}, "thấp hơn mức sàn 2340000", "below the floor 2340000"},
		{"C5 old floor after 2026-07-01", CompulsoryInput{Date: day("2026-07-01"), Salary: 2_340_000, Kind: KindHouseholdBusiness}, "thấp hơn mức sàn 2530000", "below the floor 2530000"},
		{"owner above 20 × MTC", CompulsoryInput{Date: day("2026-01-01"), Salary: 46_800_001, Kind: KindHouseholdBusiness}, "vượt mức trần 46800000", "above the ceiling 46800000"},
		{"owner before Law 41/2024", CompulsoryInput{Date: day("2025-06-30"), Salary: 2_340_000, Kind: KindHouseholdBusiness}, "chưa có quy định compulsory_rate_pct [sickness_maternity.owner]", "first row starts 2025-07-01"},
		{"before the first table row", CompulsoryInput{Date: day("2019-06-30"), Salary: 5_000_000}, "chưa có quy định reference_level_vnd vào ngày 2019-06-30", "no reference_level_vnd rule in force on 2019-06-30 (the first row starts 2019-07-01)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Compulsory(tt.in)
			wantErr(t, err, tt.vi, tt.en)
		})
	}
	// No floor row before 01/07/2025 (convention C2): the same salary is accepted.
	if _, err := b.Compulsory(CompulsoryInput{Date: day("2025-06-30"), Salary: 2_000_000}); err != nil {
		t.Errorf("2025-06-30 has no floor: %v", err)
	}
}
