package policy

import "testing"

// regulations.md §8.4, vectors L1–L2, and convention C1.
func TestLateCharge(t *testing.T) {
	b := Default()
	tests := []struct {
		name     string
		amount   int64
		from, to string
		days     int
		charge   int64
	}{
		{"L1", 100_000_000, "2025-09-01", "2025-10-01", 30, 900_000},
		{"L2 rounds 274,060.8 up", 14_976_000, "2025-09-01", "2025-11-01", 61, 274_061},
		{"first day of the law", 100_000_000, "2025-07-01", "2025-07-02", 1, 30_000},
		{"paid on the first late day", 100_000_000, "2025-09-01", "2025-09-01", 0, 0},
		{"half a đồng rounds up", 5_000, "2026-01-01", "2026-01-02", 1, 2},  // 1.5
		{"under half rounds down", 4_000, "2026-01-01", "2026-01-02", 1, 1}, // 1.2
		{"across 2026-12-31 / 2027-01-01", 1_000_000, "2026-12-31", "2027-01-02", 2, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := b.LateCharge(tt.amount, day(tt.from), day(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if got.Days != tt.days || got.Charge != tt.charge {
				t.Fatalf("got %+v", got)
			}
		})
	}
	_, err := b.LateCharge(-1, day("2025-09-01"), day("2025-10-01"))
	wantErr(t, err, "số tiền chậm đóng phải từ 0", "late amount must be 0 to 10^15, got -1")
	_, err = b.LateCharge(1, day("2025-10-01"), day("2025-09-01"))
	wantErr(t, err, "trước ngày bắt đầu chậm", "is before the first late day")
	_, err = b.LateCharge(1, day("2025-06-30"), day("2025-07-10"))
	wantErr(t, err, "chưa có quy định late_charge_pct_per_day vào ngày 2025-06-30", "the first row starts 2025-07-01")
}

// A rate change inside the period: each day takes the rate in force on it.
func TestLateChargeRateChange(t *testing.T) {
	rules := DefaultRules()
	for i, r := range rules {
		if r.Parameter == LateChargeRate {
			rules[i].ValidTo = day("2026-12-31")
		}
	}
	rules = append(rules, Rule{Parameter: LateChargeRate, Value: "0.05", ValidFrom: day("2027-01-01"), ValidTo: day("9999-12-31"), Source: "test"})
	b, err := NewBook(rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.LateCharge(1_000_000, day("2026-12-30"), day("2027-01-03"))
	if err != nil || got.Days != 4 || got.Charge != 2*300+2*500 {
		t.Errorf("got %+v %v", got, err)
	}
}

func TestRound(t *testing.T) {
	for _, tt := range []struct {
		num, den int64
		want     int64
	}{{2740608, 10, 274061}, {2740605, 10, 274061}, {2740604, 10, 274060}, {-1, 2, -1}, {-3, 10, 0}, {7, 1, 7}} {
		if got := Round(newRat(tt.num, tt.den)); got != tt.want {
			t.Errorf("Round(%d/%d) = %d, want %d", tt.num, tt.den, got, tt.want)
		}
	}
}
